#include "heap/heap.h"

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "console/console.h"
#include "core/format.h"
#include "core/panic.h"
#include "pc/screen.h"
#include "core/string.h"
#include "heap/pool.h"

static struct heap_pool pool;
static const struct range_set *keep_out; /* heap_init's reserved ranges */
static int region_count;

/* Give the usable RAM in [start, end) minus the reserved ranges to the
 * pool, splitting around each reserved range it meets. */
static void
add_usable(uint64_t start, uint64_t end)
{
    if (start >= end) {
        return;
    }
    for (int i = 0; i < keep_out->count; i++) {
        const struct range *r = &keep_out->ranges[i];
        if (r->start < end && start < r->end) {
            add_usable(start, r->start);
            add_usable(r->end, end);
            return;
        }
    }
    if (heap_pool_add(&pool, (void *)(uintptr_t)start, (size_t)(end - start))) {
        region_count++;
    }
}

/* Say on the debug port and, with the console, on screen. */
static void
say(const char *line)
{
    core_debug_line(line);
    if (CONFIG_COLOR_CONSOLE) {
        kprintf("%s\n", line);
    }
}

void
heap_init(const struct boot_memory *memory)
{
    heap_pool_init(&pool);
    if (!memory->known) {
        panic("heap: the boot loader gave no memory map and no mem_upper");
    }
    char line[96];
    for (int i = 0; i < memory->notice_count; i++) {
        say(memory->notices[i]);
    }
    if (memory->unreachable) {
        bool mib = memory->unreachable >= 1024 * 1024;
        ksnprintf(line, sizeof line,
                  "heap: %llu %s of RAM left out: beyond what this kernel maps",
                  (unsigned long long)(memory->unreachable >> (mib ? 20 : 10)),
                  mib ? "MiB" : "KiB");
        say(line);
    }
    const struct range_set *usable = &memory->usable, *reserved = &memory->reserved;
    keep_out = reserved;
    for (int i = 0; i < usable->count; i++) {
        add_usable(usable->ranges[i].start, usable->ranges[i].end);
    }
    if (region_count == 0 && usable->count) {
        panic("heap: no usable RAM above 1 MiB but what the image and the loader's data "
              "hold");
    }
    if (region_count == 0) {
        panic("heap: no usable RAM above 1 MiB");
    }
    if (reserved->changed) {
        ksnprintf(line, sizeof line,
                  "heap: over %d reserved ranges: %llu KiB between them left out",
                  reserved->capacity, (unsigned long long)(reserved->changed / 1024));
        say(line);
    }
    if (usable->changed) {
        ksnprintf(line, sizeof line,
                  "heap: over %d usable ranges: the smallest left out, %llu KiB in all",
                  usable->capacity, (unsigned long long)(usable->changed / 1024));
        say(line);
    }
    if (CONFIG_COLOR_CONSOLE) {
        struct heap_stats s;
        heap_stats(&s);
        kprintf("heap: %zu KiB in %d region%s\n", s.total / 1024, region_count,
                region_count == 1 ? "" : "s");
    }
}

void *
kmalloc(size_t size)
{
    return heap_pool_alloc(&pool, size);
}

void *
kmalloc_aligned(size_t size, size_t align)
{
    return heap_pool_alloc_aligned(&pool, size, align);
}

void *
kcalloc(size_t n, size_t size)
{
    return heap_pool_calloc(&pool, n, size);
}

void *
krealloc(void *p, size_t size)
{
    return heap_pool_realloc(&pool, p, size);
}

void
kfree(void *p)
{
    heap_pool_free(&pool, p);
}

void
heap_stats(struct heap_stats *out)
{
    heap_pool_stats(&pool, out);
}

int
heap_regions(void)
{
    return region_count;
}

#include "heap/heap.h"

#include <stdint.h>

#include "config.h"
#include "console/console.h"
#include "core/panic.h"
#include "core/string.h"
#include "heap/pool.h"
#include "irq/irq.h"

#define ONE_MIB      0x100000ull
#define FOUR_GIB     0x100000000ull /* no paging, no PAE: 32-bit addresses only */
#define MAX_RESERVED 24

/* The linker script's bounds of the loaded image: code, data, bss and the
 * boot stack. */
extern char kernel_image_start[], kernel_image_end[];

struct range {
    uint64_t start, end; /* [start, end) */
};

static struct heap_pool pool;
static struct range reserved[MAX_RESERVED];
static int reserved_count;
static int region_count;

/* Keep [start, start + len) out of the heap. */
static void
reserve(uint64_t start, uint64_t len)
{
    if (len == 0) {
        return;
    }
    if (reserved_count == MAX_RESERVED) {
        panic("heap: more than %d reserved ranges", MAX_RESERVED);
    }
    reserved[reserved_count++] = (struct range){start, start + len};
}

/* Everything the loader handed over that must survive: the info structure,
 * the memory map, the command line, the module list and the modules. */
static void
reserve_boot_data(const struct multiboot_info *info)
{
    reserve((uintptr_t)kernel_image_start,
            (uintptr_t)kernel_image_end - (uintptr_t)kernel_image_start);
    reserve((uintptr_t)info, sizeof *info);
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        reserve(info->mmap_addr, info->mmap_length);
    }
    if (info->flags & MULTIBOOT_INFO_CMDLINE) {
        reserve(info->cmdline, strlen((const char *)info->cmdline) + 1);
    }
    if (info->flags & MULTIBOOT_INFO_MODS) {
        const struct multiboot_module *mods = (const void *)info->mods_addr;
        reserve(info->mods_addr, info->mods_count * sizeof *mods);
        for (uint32_t i = 0; i < info->mods_count; i++) {
            reserve(mods[i].mod_start, mods[i].mod_end - mods[i].mod_start);
            if (mods[i].string) {
                reserve(mods[i].string, strlen((const char *)mods[i].string) + 1);
            }
        }
    }
}

/* Give the usable RAM in [start, end) minus the reserved ranges to the
 * pool, splitting around each reserved range it meets. */
static void
add_usable(uint64_t start, uint64_t end)
{
    start = start < ONE_MIB ? ONE_MIB : start;
    end = end > FOUR_GIB ? FOUR_GIB : end;
    if (start >= end) {
        return;
    }
    for (int i = 0; i < reserved_count; i++) {
        if (reserved[i].start < end && start < reserved[i].end) {
            add_usable(start, reserved[i].start);
            add_usable(reserved[i].end, end);
            return;
        }
    }
    if (heap_pool_add(&pool, (void *)(uintptr_t)start, (size_t)(end - start))) {
        region_count++;
    }
}

/* The mem shell command: the heap's figures. */
static void
mem_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct heap_stats s;
    heap_stats(&s);
    kprintf("heap: %zu KiB in %d regions\n"
            "  used %zu B, free %zu B, largest free block %zu B\n"
            "  live allocations %zu\n",
            s.total / 1024, region_count, s.used, s.free, s.largest_free,
            s.live_allocations);
}

static const struct shell_command mem_command = {"mem", "", "show the heap's figures",
                                                 mem_run};

void
heap_init(const struct multiboot_info *info)
{
    heap_pool_init(&pool);
    reserve_boot_data(info);
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        uint32_t at = info->mmap_addr, end = info->mmap_addr + info->mmap_length;
        while (at < end) {
            const struct multiboot_mmap_entry *e = (const void *)at;
            if (e->type == MULTIBOOT_MEMORY_AVAILABLE) {
                add_usable(e->addr, e->addr + e->len);
            }
            at += e->size + sizeof e->size;
        }
    } else if (info->flags & MULTIBOOT_INFO_MEMORY) {
        add_usable(ONE_MIB, ONE_MIB + (uint64_t)info->mem_upper * 1024);
    } else {
        panic("heap: the boot loader gave no memory map and no mem_upper");
    }
    if (region_count == 0) {
        panic("heap: no usable RAM above 1 MiB");
    }
    if (CONFIG_COLOR_CONSOLE) {
        struct heap_stats s;
        heap_stats(&s);
        kprintf("heap: %zu KiB in %d region%s\n", s.total / 1024, region_count,
                region_count == 1 ? "" : "s");
    }
    if (CONFIG_KEYBOARD && CONFIG_COLOR_CONSOLE) {
        shell_register(&mem_command);
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

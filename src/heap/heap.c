#include "heap/heap.h"

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "console/console.h"
#include "core/format.h"
#include "core/panic.h"
#include "pc/screen.h"
#include "core/string.h"
#include "asm/memory.h"
#include "heap/pool.h"

#define ONE_MIB 0x100000ull
/* Room for the ranges the heap keeps out: the image, the loader's
 * structures, each module and its string, every ELF section the loader
 * placed, the map's entries that are not available RAM, and the RAM already
 * given to the pool (so that overlapping map entries do not give it twice).
 * Ranges that overlap or touch are merged as they come, so a loader's
 * structures, which it packs together, take few. When the table is full
 * anyway, the two ranges with the smallest gap between them become one and
 * the gap is left out of the heap: the boot goes on, and says how much. */
#define MAX_RESERVED 64

/* The linker script's bounds of the loaded image: code, data, bss and the
 * boot stack. */
extern char kernel_image_start[], kernel_image_end[];

struct range {
    uint64_t start, end; /* [start, end) */
};

static struct heap_pool pool;
/* Sorted by start, disjoint, never touching; one spare entry for a range
 * that is merged away at once. */
static struct range reserved[MAX_RESERVED + 1];
static int reserved_count;
static uint64_t gaps_left_out; /* bytes between ranges merged for room */
static int region_count;

/* Merge the two neighbours in reserved[] with the smallest gap between
 * them, leaving the gap out of the heap. */
static void
merge_closest(void)
{
    int best = 0;
    for (int i = 1; i + 1 < reserved_count; i++) {
        if (reserved[i + 1].start - reserved[i].end <
            reserved[best + 1].start - reserved[best].end) {
            best = i;
        }
    }
    gaps_left_out += reserved[best + 1].start - reserved[best].end;
    reserved[best].end = reserved[best + 1].end;
    reserved_count--;
    memmove(&reserved[best + 1], &reserved[best + 2],
            (size_t)(reserved_count - best - 1) * sizeof reserved[0]);
}

/* Keep [start, start + len) out of the heap. Ranges below 1 MiB, which
 * the heap never uses, take no room. */
static void
reserve(uint64_t start, uint64_t len)
{
    uint64_t end = len > UINT64_MAX - start ? UINT64_MAX : start + len;
    start = start < ONE_MIB ? ONE_MIB : start;
    if (start >= end) {
        return;
    }
    /* Ranges first..last-1 overlap or touch the new one: they become one. */
    int first = 0;
    while (first < reserved_count && reserved[first].end < start) {
        first++;
    }
    int last = first;
    for (; last < reserved_count && reserved[last].start <= end; last++) {
        start = reserved[last].start < start ? reserved[last].start : start;
        end = reserved[last].end > end ? reserved[last].end : end;
    }
    memmove(&reserved[first + 1], &reserved[last],
            (size_t)(reserved_count - last) * sizeof reserved[0]);
    reserved_count += 1 - (last - first);
    reserved[first] = (struct range){start, end};
    if (reserved_count > MAX_RESERVED) {
        merge_closest();
    }
}

/* A string the loader handed over, its terminator included. */
static void
reserve_string(uint32_t at)
{
    if (at) {
        reserve(at, strlen((const char *)(uintptr_t)at) + 1);
    }
}

/* The ELF section headers and every section the loader put in memory: GRUB
 * loads the symbol and string tables and the debug sections after the
 * image, and says where in each header's sh_addr. The headers are ELF32's
 * or ELF64's, as the image is; their size tells which. */
static void
reserve_elf_sections(const struct multiboot_info *info)
{
    const struct multiboot_elf_shdr_table *t = &info->elf_sections;
    reserve(t->addr, (uint64_t)t->num * t->size);
    for (uint32_t i = 0; i < t->num; i++) {
        const void *at = (const void *)(uintptr_t)(t->addr + i * t->size);
        if (t->size == sizeof(struct elf64_section_header)) {
            const struct elf64_section_header *sh = at;
            if (sh->addr) {
                reserve(sh->addr, sh->size);
            }
        } else if (t->size >= sizeof(struct elf32_section_header)) {
            const struct elf32_section_header *sh = at;
            if (sh->addr) {
                reserve(sh->addr, sh->size);
            }
        }
    }
}

/* Everything the loader handed over that must survive: the info structure,
 * the memory map, the command line, the module list and the modules, the
 * ELF section headers and sections, the drives, the loader's name, the APM
 * and VBE tables. */
static void
reserve_boot_data(const struct multiboot_info *info)
{
    reserve((uintptr_t)kernel_image_start,
            (uintptr_t)kernel_image_end - (uintptr_t)kernel_image_start);
    reserve((uintptr_t)info, MULTIBOOT_INFO_SIZE);
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        reserve(info->mmap_addr, info->mmap_length);
    }
    if (info->flags & MULTIBOOT_INFO_CMDLINE) {
        reserve_string(info->cmdline);
    }
    if (info->flags & MULTIBOOT_INFO_MODS) {
        const struct multiboot_module *mods = (const void *)(uintptr_t)info->mods_addr;
        reserve(info->mods_addr, info->mods_count * sizeof *mods);
        for (uint32_t i = 0; i < info->mods_count; i++) {
            reserve(mods[i].mod_start, mods[i].mod_end - mods[i].mod_start);
            reserve_string(mods[i].string);
        }
    }
    if (info->flags & MULTIBOOT_INFO_ELF_SHDR) {
        reserve_elf_sections(info);
    }
    if (info->flags & MULTIBOOT_INFO_DRIVES) {
        reserve(info->drives_addr, info->drives_length);
    }
    if (info->flags & MULTIBOOT_INFO_LOADER_NAME) {
        reserve_string(info->boot_loader_name);
    }
    if (info->flags & MULTIBOOT_INFO_APM) {
        reserve(info->apm_table, MULTIBOOT_APM_SIZE);
    }
    if (info->flags & MULTIBOOT_INFO_VBE) {
        reserve(info->vbe_control_info, MULTIBOOT_VBE_CONTROL_SIZE);
        reserve(info->vbe_mode_info, MULTIBOOT_VBE_MODE_SIZE);
    }
}

/* Give the usable RAM in [start, end) minus the reserved ranges to the
 * pool, splitting around each reserved range it meets. */
static void
add_usable(uint64_t start, uint64_t end)
{
    start = start < ONE_MIB ? ONE_MIB : start;
    if (start >= end) {
        return;
    }
    end = paging_map_ram(start, end); /* as much as the CPU can reach */
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

void
heap_init(const struct multiboot_info *info)
{
    heap_pool_init(&pool);
    reserve_boot_data(info);
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        /* Whatever the map says is not available stays out, even where an
         * available entry overlaps it; each available entry is reserved
         * once added, so that an overlapping one adds only what is new. */
        for (int pass = 0; pass < 2; pass++) {
            for (const struct multiboot_mmap_entry *e = multiboot_mmap_first(info),
                                                   *end = multiboot_mmap_end(info);
                 e < end; e = multiboot_mmap_next(e)) {
                bool available = e->type == MULTIBOOT_MEMORY_AVAILABLE;
                if (available != (pass == 1)) {
                    continue;
                }
                if (available) {
                    add_usable(e->addr, e->addr + e->len);
                }
                reserve(e->addr, e->len);
            }
        }
    } else if (info->flags & MULTIBOOT_INFO_MEMORY) {
        add_usable(ONE_MIB, ONE_MIB + (uint64_t)info->mem_upper * 1024);
    } else {
        panic("heap: the boot loader gave no memory map and no mem_upper");
    }
    if (region_count == 0) {
        panic("heap: no usable RAM above 1 MiB");
    }
    if (gaps_left_out) {
        char line[96];
        ksnprintf(line, sizeof line,
                  "heap: over %d reserved ranges: %llu KiB between them left out",
                  MAX_RESERVED, (unsigned long long)(gaps_left_out / 1024));
        core_debug_line(line);
        if (CONFIG_COLOR_CONSOLE) {
            kprintf("%s\n", line);
        }
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

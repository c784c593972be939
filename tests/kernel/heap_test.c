/* The heap on a real machine's memory map: every block lies in RAM the map
 * calls usable, above 1 MiB, clear of the image and of the loader's data;
 * all of it can be allocated, written and read back, and freeing it all
 * gives back the heap as it was. */
#include <stdint.h>

#include "core/format.h"
#include "pc/screen.h"
#include "core/string.h"
#include "boot/multiboot.h"
#include "heap/heap.h"
#include "ktest.h"

#define CHUNK      (64 * 1024)
#define MIN_CHUNKS 64 /* a chunk is at most a 64th of the heap: < 2% lost to rounding */
#define MAX_CHUNKS 16384 /* 1 GiB of 64 KiB chunks */
#define MAX_EDGES  512   /* the boot tests hand over maps of up to 200 entries */
/* What the heap may keep for itself besides the image: the loader's data,
 * block headers, alignment; and in each region, the move of its first
 * block up to a span boundary (less than HEAP_SPAN). */
#define HEAP_SLACK (64 * 1024 + (uint64_t)heap_regions() * HEAP_SPAN)

extern char kernel_image_start[], kernel_image_end[];

static void *chunks[MAX_CHUNKS];

/* True if [p, p + n) lies inside one region the memory map calls usable. */
static bool
in_usable_ram(const struct multiboot_info *info, uintptr_t p, size_t n)
{
    for (const struct multiboot_mmap_entry *e = multiboot_mmap_first(info),
                                           *end = multiboot_mmap_end(info);
         e < end; e = multiboot_mmap_next(e)) {
        if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr <= p &&
            p + n <= e->addr + e->len) {
            return true;
        }
    }
    return false;
}

/* True if some map entry calls address a available and none calls it
 * anything else (those win: the heap must keep out of them). */
static bool
usable_at(const struct multiboot_info *info, uint64_t a)
{
    bool available = false;
    for (const struct multiboot_mmap_entry *e = multiboot_mmap_first(info),
                                           *end = multiboot_mmap_end(info);
         e < end; e = multiboot_mmap_next(e)) {
        if (e->addr <= a && a < e->addr + e->len) {
            if (e->type != MULTIBOOT_MEMORY_AVAILABLE) {
                return false;
            }
            available = true;
        }
    }
    return available;
}

/* The bytes from 1 MiB up to what the CPU reaches (4 GiB on i686, without
 * paging; all of it on x86_64) that the map calls available and nothing
 * else, counting overlapping entries once: the heap's upper bound. */
static uint64_t
usable_bytes(const struct multiboot_info *info)
{
    static uint64_t edges[MAX_EDGES];
    const uint64_t top = UINTPTR_MAX == UINT32_MAX ? 0x100000000ull : UINT64_MAX;
    edges[0] = 0x100000;
    edges[1] = top;
    int n = 2;
    for (const struct multiboot_mmap_entry *e = multiboot_mmap_first(info),
                                           *end = multiboot_mmap_end(info);
         e < end && n + 2 <= MAX_EDGES; e = multiboot_mmap_next(e)) {
        edges[n++] = e->addr;
        edges[n++] = e->addr + e->len;
    }
    for (int i = 1; i < n; i++) { /* insertion sort: a map has few entries */
        for (int j = i; j > 0 && edges[j - 1] > edges[j]; j--) {
            uint64_t t = edges[j];
            edges[j] = edges[j - 1];
            edges[j - 1] = t;
        }
    }
    uint64_t total = 0;
    for (int i = 0; i + 1 < n; i++) {
        if (edges[i] >= 0x100000 && edges[i + 1] <= top && edges[i] < edges[i + 1] &&
            usable_at(info, edges[i])) {
            total += edges[i + 1] - edges[i];
        }
    }
    return total;
}

/* True if [p, p + n) overlaps [start, end). */
static bool
overlaps(uintptr_t p, size_t n, uintptr_t start, uintptr_t end)
{
    return p < end && start < p + n;
}

/* True if [p, p + n) overlaps a module or its string. */
static bool
overlaps_module(const struct multiboot_info *info, uintptr_t p, size_t n)
{
    const struct multiboot_module *mods = (const void *)(uintptr_t)info->mods_addr;
    for (uint32_t i = 0; info->flags & MULTIBOOT_INFO_MODS && i < info->mods_count; i++) {
        if (overlaps(p, n, mods[i].mod_start, mods[i].mod_end) ||
            overlaps(p, n, mods[i].string,
                     mods[i].string + strlen((char *)(uintptr_t)mods[i].string) + 1)) {
            return true;
        }
    }
    return false;
}

/* Where the loader placed ELF section i (0 if nowhere) and its size; the
 * headers are ELF32's or ELF64's, as the image is. */
static void
elf_section(const struct multiboot_elf_shdr_table *t, uint32_t i, uint64_t *addr,
            uint64_t *size)
{
    const void *at = (const void *)(uintptr_t)(t->addr + i * t->size);
    if (t->size == sizeof(struct elf64_section_header)) {
        const struct elf64_section_header *sh = at;
        *addr = sh->addr, *size = sh->size;
    } else {
        const struct elf32_section_header *sh = at;
        *addr = sh->addr, *size = sh->size;
    }
}

/* True if [p, p + n) overlaps an ELF section that the loader placed in
 * memory (GRUB puts the symbol, string and debug sections after the image). */
static bool
overlaps_elf_section(const struct multiboot_info *info, uintptr_t p, size_t n)
{
    const struct multiboot_elf_shdr_table *t = &info->elf_sections;
    for (uint32_t i = 0; info->flags & MULTIBOOT_INFO_ELF_SHDR && i < t->num; i++) {
        uint64_t addr, size;
        elf_section(t, i, &addr, &size);
        if (addr && overlaps(p, n, addr, addr + size)) {
            return true;
        }
    }
    return false;
}

/* The bytes of the modules and of the ELF sections placed outside the
 * image: what the heap must keep out besides the image and the loader's
 * small structures. */
static uint64_t
loaded_bytes(const struct multiboot_info *info)
{
    uint64_t total = 0;
    const struct multiboot_module *mods = (const void *)(uintptr_t)info->mods_addr;
    for (uint32_t i = 0; info->flags & MULTIBOOT_INFO_MODS && i < info->mods_count; i++) {
        total += mods[i].mod_end - mods[i].mod_start;
    }
    const struct multiboot_elf_shdr_table *t = &info->elf_sections;
    for (uint32_t i = 0; info->flags & MULTIBOOT_INFO_ELF_SHDR && i < t->num; i++) {
        uint64_t addr, size;
        elf_section(t, i, &addr, &size);
        if (addr >= (uintptr_t)kernel_image_end) {
            total += size;
        }
    }
    return total;
}

/* True if the block [p, p + n) may be handed out at all. */
static bool
block_ok(const struct multiboot_info *info, uintptr_t p, size_t n)
{
    return p >= 0x100000 && in_usable_ram(info, p, n) &&
           !overlaps(p, n, (uintptr_t)kernel_image_start, (uintptr_t)kernel_image_end) &&
           !overlaps(p, n, (uintptr_t)info, (uintptr_t)(info + 1)) &&
           !overlaps(p, n, info->mmap_addr, info->mmap_addr + info->mmap_length) &&
           !overlaps_module(info, p, n) && !overlaps_elf_section(info, p, n);
}

/* The word written at offset i of chunk k. */
static uint32_t
stamp(int k, size_t i)
{
    return (uint32_t)k * 2654435761u ^ (uint32_t)i;
}

static void
fill_all_of_memory(const struct multiboot_info *info)
{
    struct heap_stats before, full, after;
    heap_stats(&before);
    int count = 0;
    bool placed = true, aligned = true;
    /* Larger on a large heap, where MAX_CHUNKS must cover it; smaller on a
     * small one, where 64 KiB would be most of it. */
    size_t chunk = CHUNK;
    while (before.total / chunk >= MAX_CHUNKS) {
        chunk *= 2;
    }
    while (before.total / chunk < MIN_CHUNKS && chunk > 1024) {
        chunk /= 2;
    }
    while (count < MAX_CHUNKS && (chunks[count] = kmalloc(chunk)) != NULL) {
        uintptr_t p = (uintptr_t)chunks[count];
        placed &= block_ok(info, p, chunk);
        aligned &= p % 16 == 0;
        uint32_t *w = chunks[count];
        for (size_t i = 0; i < chunk / 4; i += chunk / 64) { /* 16 words a chunk */
            w[i] = stamp(count, i);
        }
        w[chunk / 4 - 1] = stamp(count, chunk / 4 - 1);
        count++;
    }
    heap_stats(&full);
    bool intact = true;
    for (int k = 0; k < count; k++) {
        uint32_t *w = chunks[k];
        for (size_t i = 0; i < chunk / 4; i += chunk / 64) {
            intact &= w[i] == stamp(k, i);
        }
        intact &= w[chunk / 4 - 1] == stamp(k, chunk / 4 - 1);
    }
    for (int k = 0; k < count; k++) {
        kfree(chunks[k]);
    }
    heap_stats(&after);

    char line[120];
    ksnprintf(line, sizeof line, "heap: %zu KiB managed, %d chunks of %zu KiB allocated",
              before.total / 1024, count, chunk / 1024);
    ktest_diag(line);
    uint64_t usable = usable_bytes(info);
    uint64_t image = (uintptr_t)kernel_image_end - (uintptr_t)kernel_image_start;
    uint64_t loaded = loaded_bytes(info);
    ksnprintf(line, sizeof line, "heap: the map has %llu KiB usable above 1 MiB",
              (unsigned long long)(usable / 1024));
    ktest_diag(line);
    ktest_ok(before.total <= usable &&
                 before.total + image + loaded + HEAP_SLACK >= usable,
             "heap: manages the map's usable RAM but the image, the modules, the ELF "
             "sections and the loader's data");
    ktest_ok(count > 0 && (size_t)count * chunk >= before.total / 10 * 9,
             "heap: at least 90% of the managed memory is allocatable in equal chunks "
             "(64 KiB, more on a large heap, less on a small one)");
    ktest_ok(placed, "heap: every block lies in usable RAM above 1 MiB, clear of the "
                     "image, the loader's data, the modules and the ELF sections");
    ktest_ok(aligned, "heap: every block is 16-byte aligned");
    ktest_ok(intact, "heap: every block keeps what was written to it");
    ktest_ok(full.live_allocations == (size_t)count, "heap: stats count the live blocks");
    ktest_ok(after.used == before.used && after.free == before.free &&
                 after.largest_free == before.largest_free && after.live_allocations == 0,
             "heap: freeing everything restores the heap's figures");
}

static void
api_contract(void)
{
    bool aligned = true;
    for (size_t align = 1; align <= 4096; align <<= 1) {
        void *p = kmalloc_aligned(100, align);
        aligned &= p != NULL && (uintptr_t)p % align == 0;
        kfree(p);
    }
    ktest_ok(aligned, "heap: kmalloc_aligned honours 1..4096");
    void *a = kmalloc(0), *b = kmalloc(0);
    ktest_ok(a && b && a != b, "heap: kmalloc(0) gives unique pointers");
    kfree(a);
    kfree(b);
    ktest_ok(kcalloc(SIZE_MAX / 2, 3) == NULL,
             "heap: kcalloc refuses an overflowing size");
    char *s = kmalloc(8);
    memcpy(s, "sluice!", 8);
    struct heap_stats st;
    heap_stats(&st);
    ktest_ok(krealloc(s, st.free + 4096) == NULL && memcmp(s, "sluice!", 8) == 0,
             "heap: a krealloc that cannot be met returns NULL and keeps the block");
    /* Big enough to move the block, small enough for a small machine. */
    size_t big = st.largest_free / 2 < 100000 ? st.largest_free / 2 : 100000;
    char *grown = krealloc(s, big);
    ktest_ok(grown && memcmp(grown, "sluice!", 8) == 0,
             "heap: krealloc keeps the contents");
    kfree(grown ? grown : s); /* a failed krealloc leaves s as it was */
    ktest_ok(kmalloc(SIZE_MAX - 64) == NULL, "heap: an impossible size returns NULL");
}

void
ktest_heap(const struct multiboot_info *info)
{
    ktest_ok((info->flags & MULTIBOOT_INFO_MMAP) != 0,
             "heap: the loader gave a memory map");
    api_contract();
    fill_all_of_memory(info);
}

void
ktest_heap_misuse(const char *what)
{
    if (strcmp(what, "double-free") == 0) {
        void *p = kmalloc(64);
        core_debug_line("freeing a block twice");
        kfree(p);
        kfree(p);
    } else if (strcmp(what, "overflow") == 0) {
        /* Two slots side by side in a new span: b, freed, starts with a
         * canary; the allocation that would hand b out again finds it
         * damaged. */
        char *a = kmalloc(48), *b = kmalloc(48);
        kfree(b);
        core_debug_line("writing past the end of a block");
        memset(a, 'x', (size_t)(b - a) + 4);
        kmalloc(48);
    }
}

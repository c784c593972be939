#include "boot/memory.h"

#include <stdarg.h>
#include <stdint.h>

#include "asm/memory.h"
#include "boot/boot.h"
#include "core/format.h"
#include "core/string.h"

#define ONE_MIB 0x100000ull
/* The fewest bytes after an entry's size field: base, length and type. */
#define MMAP_ENTRY_SIZE 20
/* ELF's section count is 16 bits (e_shnum). */
#define MAX_SECTIONS 0xFFFF

/* Add a line to mem->notices (the last one is kept for the last word when
 * they run out). */
__attribute__((format(printf, 2, 3))) static void
note(struct boot_memory *mem, const char *fmt, ...)
{
    int at = mem->notice_count < BOOT_MEMORY_NOTICES ? mem->notice_count++
                                                     : BOOT_MEMORY_NOTICES - 1;
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(mem->notices[at], sizeof mem->notices[at], fmt, ap);
    va_end(ap);
}

/* Keep [start, start + len) out of the heap. */
static void
reserve(struct boot_memory *mem, uint64_t start, uint64_t len)
{
    uint64_t end = len > UINT64_MAX - start ? UINT64_MAX : start + len;
    ranges_add(&mem->reserved, start < ONE_MIB ? ONE_MIB : start, end);
}

/* A string the loader handed over, its terminator included. */
static void
reserve_string(struct boot_memory *mem, uint32_t at)
{
    if (at) {
        reserve(mem, at, strlen((const char *)(uintptr_t)at) + 1);
    }
}

/* The ELF section headers and every section the loader put in memory: GRUB
 * loads the symbol and string tables and the debug sections after the
 * image, and says where in each header's sh_addr. The headers are ELF32's
 * or ELF64's, as the image is; their size tells which. */
static void
reserve_elf_sections(struct boot_memory *mem, const struct multiboot_info *info)
{
    const struct multiboot_elf_shdr_table *t = &info->elf_sections;
    uint64_t bytes = (uint64_t)t->num * t->size;
    if (t->num > MAX_SECTIONS ||
        (t->num && t->size < sizeof(struct elf32_section_header)) ||
        t->addr + bytes > MULTIBOOT_ADDRESS_END) {
        note(mem,
             "heap: ELF section table malformed (%u headers of %u bytes): not kept out",
             t->num, t->size);
        return;
    }
    reserve(mem, t->addr, bytes);
    for (uint32_t i = 0; i < t->num; i++) {
        const void *at = (const void *)(uintptr_t)(t->addr + i * t->size);
        if (t->size == sizeof(struct elf64_section_header)) {
            const struct elf64_section_header *sh = at;
            if (sh->addr) {
                reserve(mem, sh->addr, sh->size);
            }
        } else if (t->size >= sizeof(struct elf32_section_header)) {
            const struct elf32_section_header *sh = at;
            if (sh->addr) {
                reserve(mem, sh->addr, sh->size);
            }
        }
    }
}

/* The module list, each module and its string. A list too long to be one
 * is left alone, and so is a module that ends before it starts (its
 * length would wrap round to gigabytes); each is said. */
static void
reserve_modules(struct boot_memory *mem, const struct multiboot_info *info)
{
    const struct multiboot_module *mods = (const void *)(uintptr_t)info->mods_addr;
    uint64_t bytes = (uint64_t)info->mods_count * sizeof *mods;
    if (!multiboot_mods_plausible(info)) {
        note(mem, "heap: module list malformed (%u modules): not kept out",
             info->mods_count);
        return;
    }
    reserve(mem, info->mods_addr, bytes);
    uint32_t backwards = 0;
    for (uint32_t i = 0; i < info->mods_count; i++) {
        if (mods[i].mod_end < mods[i].mod_start) {
            backwards++;
            continue;
        }
        reserve(mem, mods[i].mod_start, mods[i].mod_end - mods[i].mod_start);
        reserve_string(mem, mods[i].string);
    }
    if (backwards) {
        note(mem, "heap: %u module%s ending before %s start: not kept out", backwards,
             backwards == 1 ? "" : "s", backwards == 1 ? "its" : "their");
    }
}

/* Everything the loader handed over that must survive: the info structure,
 * the memory map, the command line, the module list and the modules, the
 * ELF section headers and sections, the drives, the loader's name, the APM
 * and VBE tables, and a graphics mode's framebuffer (not RAM, but a
 * loader's map could say it is). */
static void
reserve_boot_data(struct boot_memory *mem, const struct multiboot_info *info)
{
    reserve(mem, (uintptr_t)kernel_image_start,
            (uintptr_t)kernel_image_end - (uintptr_t)kernel_image_start);
    reserve(mem, (uintptr_t)info, MULTIBOOT_INFO_SIZE);
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        reserve(mem, info->mmap_addr, info->mmap_length);
    }
    if (info->flags & MULTIBOOT_INFO_CMDLINE) {
        reserve_string(mem, info->cmdline);
    }
    if (info->flags & MULTIBOOT_INFO_MODS) {
        reserve_modules(mem, info);
    }
    if (info->flags & MULTIBOOT_INFO_ELF_SHDR) {
        reserve_elf_sections(mem, info);
    }
    if (info->flags & MULTIBOOT_INFO_DRIVES) {
        reserve(mem, info->drives_addr, info->drives_length);
    }
    if (info->flags & MULTIBOOT_INFO_LOADER_NAME) {
        reserve_string(mem, info->boot_loader_name);
    }
    if (info->flags & MULTIBOOT_INFO_APM) {
        reserve(mem, info->apm_table, MULTIBOOT_APM_SIZE);
    }
    if (info->flags & MULTIBOOT_INFO_VBE) {
        reserve(mem, info->vbe_control_info, MULTIBOOT_VBE_CONTROL_SIZE);
        reserve(mem, info->vbe_mode_info, MULTIBOOT_VBE_MODE_SIZE);
    }
    if (multiboot_graphics_mode(info)) {
        reserve(mem, info->framebuffer_addr,
                (uint64_t)info->framebuffer_pitch * info->framebuffer_height);
    }
}

/* Add what the CPU reaches of the usable RAM in [start, end), mapping it
 * where the architecture pages (asm/memory.h): i686 stops at 4 GiB. Clipped
 * before it is added, so that a full set never keeps a range it cannot
 * use over one it can; what it cannot reach is counted. */
static void
add_usable(struct boot_memory *mem, uint64_t start, uint64_t end)
{
    start = start < ONE_MIB ? ONE_MIB : start;
    if (start < end) {
        uint64_t reached = paging_map_ram(start, end);
        mem->unreachable += end - reached;
        ranges_add(&mem->usable, start, reached);
    }
}

void
boot_memory_collect(const struct multiboot_info *info, struct boot_memory *mem)
{
    ranges_init(&mem->usable, mem->usable_table, BOOT_MEMORY_RANGES,
                RANGES_DROP_SMALLEST);
    ranges_init(&mem->reserved, mem->reserved_table, BOOT_MEMORY_RANGES,
                RANGES_MERGE_CLOSEST);
    reserve_boot_data(mem, info);
    mem->known = info->flags & (MULTIBOOT_INFO_MMAP | MULTIBOOT_INFO_MEMORY);
    if (!(info->flags & MULTIBOOT_INFO_MMAP)) {
        if (info->flags & MULTIBOOT_INFO_MEMORY) {
            add_usable(mem, ONE_MIB, ONE_MIB + (uint64_t)info->mem_upper * 1024);
        }
        return;
    }
    /* Whatever the map says is not available stays out, even where an
     * available entry overlaps it (the heap subtracts it). The walk goes by
     * 64-bit offsets, not pointers: a loader's wrong size field could
     * otherwise carry a 32-bit pointer round the top of the address space
     * and back, for ever. It stops at an entry too short to be one or that
     * runs past the map's end (or the address space's); when that leaves
     * no usable RAM, mem_upper gives it, as without a map. */
    uint64_t at = info->mmap_addr, end = at + info->mmap_length;
    end = end > UINTPTR_MAX ? UINTPTR_MAX : end; /* i686: the map must end below 4 GiB */
    for (uint32_t n = 1; at < end; n++) {
        const struct multiboot_mmap_entry *e = (const void *)(uintptr_t)at;
        uint32_t size = end - at < sizeof e->size ? 0 : e->size;
        if (size < MMAP_ENTRY_SIZE || at + sizeof e->size + size > end) {
            bool fallback = !mem->usable.count && (info->flags & MULTIBOOT_INFO_MEMORY);
            note(mem, "heap: memory map entry %u malformed (size %u): %s", n, size,
                 fallback ? "RAM from mem_upper" : "the map ends there");
            if (fallback) {
                add_usable(mem, ONE_MIB, ONE_MIB + (uint64_t)info->mem_upper * 1024);
            }
            return;
        }
        uint64_t top = e->len > UINT64_MAX - e->addr ? UINT64_MAX : e->addr + e->len;
        if (e->type != MULTIBOOT_MEMORY_AVAILABLE) {
            reserve(mem, e->addr, e->len);
        } else {
            add_usable(mem, e->addr, top);
        }
        at += sizeof e->size + size;
    }
}

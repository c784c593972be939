/* The loader's hand-over turned into what the heap needs: where the usable
 * RAM is and what in it must stay untouched, as plain ranges, with no
 * Multiboot structure in sight. Part of the heap gate: without it nothing
 * collects memory. */
#ifndef BOOT_MEMORY_H
#define BOOT_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/multiboot.h"
#include "config.h"
#include "core/ranges.h"

/* Room for separate ranges of each kind. Reserved ranges are the image,
 * the loader's structures, each module and its string, every ELF section
 * the loader placed, and the map's entries that are not available RAM;
 * they merge as they come (a loader packs its structures together). */
#define BOOT_MEMORY_RANGES 64
/* Lines about what was wrong with the loader's data: the map, the module
 * list, the ELF section table. */
#define BOOT_MEMORY_NOTICES 3

struct boot_memory {
    bool known;                /* false: no memory map and no mem_upper */
    struct range_set usable;   /* RAM from 1 MiB up, as the loader says */
    struct range_set reserved; /* to keep out; the gaps merged for room count */
    struct range usable_table[BOOT_MEMORY_RANGES + 1];
    struct range reserved_table[BOOT_MEMORY_RANGES + 1];
    char notices[BOOT_MEMORY_NOTICES][96]; /* what was wrong with the loader's data */
    int notice_count;
    uint64_t unreachable; /* bytes of usable RAM the kernel cannot map */
};

#if CONFIG_HEAP
/* Fill *mem from the Multiboot info: the memory map's available entries
 * (or, without a map, mem_upper from 1 MiB), and every range in use. A
 * malformed map entry ends the map there; a module list or ELF section
 * table too long to be one, or a module that ends before it starts, is
 * not kept out; each leaves a line in mem->notices. Usable RAM past what
 * the kernel can map (asm/memory.h) is counted in mem->unreachable. */
void boot_memory_collect(const struct multiboot_info *info, struct boot_memory *mem);
#else
static inline void
boot_memory_collect(const struct multiboot_info *info, struct boot_memory *mem)
{
    (void)info;
    (void)mem;
}
#endif

#endif

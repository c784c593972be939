#include <stddef.h>
#include <stdint.h>

#include "asm/memory.h"

#define PAGE_PRESENT   (1ull << 0)
#define PAGE_WRITABLE  (1ull << 1)
#define PAGE_LARGE     (1ull << 7) /* a 2 MiB page, in a page directory */
#define PAGE_2M        (1ull << 21)
#define ONE_GIB        (1ull << 30)
#define ENTRIES        512
#define LOW_MAPPED     (4ull * ONE_GIB) /* entry.asm's LOW_GIBS */
#define TABLE_ADDRESS  0x000FFFFFFFFFF000ull
/* Page directories for RAM above LOW_MAPPED, one a GiB: 64 GiB more. A
 * directory must lie in memory that is already mapped, so they are here. */
#define MORE_DIRECTORIES 64

/* entry.asm: the page directory pointer table, one entry a GiB. */
extern uint64_t boot_pdpt[ENTRIES];

static uint64_t directories[MORE_DIRECTORIES][ENTRIES] __attribute__((aligned(4096)));
static int directories_used;

/* The directory for the GiB that holds address, or NULL when none is left
 * or the address is beyond the one PDPT (512 GiB). */
static uint64_t *
directory_for(uint64_t address)
{
    uint64_t gib = address / ONE_GIB;
    if (gib >= ENTRIES) {
        return NULL;
    }
    if (!(boot_pdpt[gib] & PAGE_PRESENT)) {
        if (directories_used == MORE_DIRECTORIES) {
            return NULL;
        }
        boot_pdpt[gib] =
            (uint64_t)directories[directories_used++] | PAGE_PRESENT | PAGE_WRITABLE;
    }
    return (uint64_t *)(boot_pdpt[gib] & TABLE_ADDRESS);
}

/* Pages that were not present need no TLB flush: the CPU caches only
 * present entries. */
uint64_t
paging_map_ram(uint64_t start, uint64_t end)
{
    uint64_t page = start < LOW_MAPPED ? LOW_MAPPED : start & ~(PAGE_2M - 1);
    for (; page < end; page += PAGE_2M) {
        uint64_t *directory = directory_for(page);
        if (!directory) {
            return page > start ? page : start;
        }
        directory[page / PAGE_2M % ENTRIES] =
            page | PAGE_PRESENT | PAGE_WRITABLE | PAGE_LARGE;
    }
    return end;
}

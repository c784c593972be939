#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86/guard.h"
#include "asm/cpu.h"
#include "asm/memory.h"
#include "asm/page.h"
#include "pc/screen.h"

#define PAGE_PRESENT   (1ull << 0)
#define PAGE_WRITABLE  (1ull << 1)
#define PAGE_LARGE     (1ull << 7) /* a 2 MiB page in a directory, 1 GiB in the PDPT */
#define PAGE_2M        (1ull << 21)
#define ONE_GIB        (1ull << 30)
#define ENTRIES        512
#define LOW_MAPPED     (4ull * ONE_GIB) /* entry.asm's LOW_GIBS */
#define TABLE_ADDRESS  0x000FFFFFFFFFF000ull
#define CPUID_1G_PAGES (1u << 26) /* EDX of CPUID_EXT_FEATURES: 1 GiB pages */
/* Page directories for RAM above LOW_MAPPED on CPUs without 1 GiB pages,
 * one a GiB: 16 GiB more. A directory must lie in memory that is already
 * mapped, so they are here. */
#define MORE_DIRECTORIES 16

/* entry.asm: the page directory pointer table, one entry a GiB. */
extern uint64_t boot_pdpt[ENTRIES];

static uint64_t directories[MORE_DIRECTORIES][ENTRIES]
    __attribute__((aligned(ARCH_PAGE_SIZE)));
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

/* True when the CPU can map 1 GiB pages straight from the PDPT. Long mode
 * implies the extended CPUID leaves. */
static bool
has_1g_pages(void)
{
    return cpu_cpuid(CPUID_EXT_FEATURES).d & CPUID_1G_PAGES;
}

/* Pages that were not present need no TLB flush: the CPU caches only
 * present entries. With 1 GiB pages every GiB up to 512 takes one PDPT
 * entry; without, 2 MiB pages take the directories above. */
uint64_t
paging_map_ram(uint64_t start, uint64_t end)
{
    static bool checked, big_pages; /* CPUID once, said once */
    if (end <= LOW_MAPPED) {
        return end; /* entry.asm mapped it */
    }
    if (!checked) {
        checked = true;
        big_pages = has_1g_pages();
        core_debug_line(big_pages ? "paging: RAM above 4 GiB in 1 GiB pages"
                                  : "paging: RAM above 4 GiB in 2 MiB pages");
    }
    if (big_pages) {
        uint64_t gib = (start < LOW_MAPPED ? LOW_MAPPED : start) / ONE_GIB;
        for (; gib * ONE_GIB < end; gib++) {
            if (gib >= ENTRIES) {
                return gib * ONE_GIB > start ? gib * ONE_GIB : start;
            }
            if (!(boot_pdpt[gib] & PAGE_PRESENT)) {
                boot_pdpt[gib] = gib * ONE_GIB | PAGE_PRESENT | PAGE_WRITABLE |
                                 PAGE_LARGE | arch_guard_nx;
            }
        }
        return end;
    }
    uint64_t page = start < LOW_MAPPED ? LOW_MAPPED : start & ~(PAGE_2M - 1);
    for (; page < end; page += PAGE_2M) {
        uint64_t *directory = directory_for(page);
        if (!directory) {
            return page > start ? page : start;
        }
        directory[page / PAGE_2M % ENTRIES] =
            page | PAGE_PRESENT | PAGE_WRITABLE | PAGE_LARGE | arch_guard_nx;
    }
    return end;
}

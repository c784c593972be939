/* Guard pages and W^X on x86_64 (-Dguard-pages). entry.asm maps the first
 * 4 GiB in 2 MiB pages; here the first 2 MiB, where the kernel is, becomes
 * a table of 4 KiB pages, each with its rights (arch/x86/guard.c), page 0
 * unmapped for null pointers (unless the loader's data lies in it), and
 * every other page of the 4 GiB is made non-executable where the CPU has
 * NX. A CPU without NX keeps text read-only and says so. */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/guard.h"
#include "asm/cpu.h"
#include "asm/guard.h"
#include "asm/page.h"
#include "pc/screen.h"

#define ENTRIES       512
#define PAGE_PRESENT  (1ull << 0)
#define PAGE_WRITABLE (1ull << 1)
#define PAGE_NX       (1ull << 63)
#define TABLE_ADDRESS 0x000FFFFFFFFFF000ull
#define LOW_GIBS      4            /* entry.asm's: mapped in 2 MiB pages */
#define CR0_WP        (1ull << 16) /* read-only pages bind the kernel too */

/* entry.asm: the page directory pointer table, one entry a GiB. */
extern uint64_t boot_pdpt[ENTRIES];

static uint64_t low_table[ENTRIES] __attribute__((aligned(ARCH_PAGE_SIZE)));
static bool active; /* guard pages and read-only text are on */
uint64_t
    arch_guard_nx; /* PAGE_NX once the CPU does NX; paging.c's RAM above 4 GiB gets it */

/* True when the CPU can mark pages non-executable. Long mode implies the
 * extended CPUID leaves. */
static bool
has_nx(void)
{
    return cpu_cpuid(CPUID_EXT_FEATURES).d & CPUID_EXT_EDX_NX;
}

/* Drop every translation the TLB holds (but global ones: none are). */
static void
flush_tlb(void)
{
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/* The 4 KiB page table entry for the page at page; nx is PAGE_NX or 0. */
static uint64_t
low_entry(uint64_t page, uint64_t nx)
{
    switch (arch_guard_rights(page)) {
    case GUARD_UNMAPPED:
        return 0;
    case GUARD_TEXT:
        return page | PAGE_PRESENT;
    case GUARD_READ_ONLY:
        return page | PAGE_PRESENT | nx;
    default:
        return page | PAGE_PRESENT | PAGE_WRITABLE | nx;
    }
}

const char *
arch_guard_init(bool loader_data)
{
    bool nx = has_nx();
    if (nx) {
        cpu_wrmsr(CPU_MSR_EFER, cpu_rdmsr(CPU_MSR_EFER) | CPU_EFER_NXE);
    }
    uint64_t nx_bit = nx ? PAGE_NX : 0;
    arch_guard_nx = nx_bit;
    /* The first 2 MiB, which holds the running code and stack, goes from
     * one large page to a table in two steps, each followed by a flush:
     * first the same rights in 4 KiB pages, then each page's own. The SDM
     * (4.10.4) warns against changing a page's size and rights at once. */
    for (uint64_t i = 0; i < ENTRIES; i++) {
        low_table[i] = i * ARCH_PAGE_SIZE | PAGE_PRESENT | PAGE_WRITABLE;
    }
    uint64_t *first = (uint64_t *)(boot_pdpt[0] & TABLE_ADDRESS);
    first[0] = (uint64_t)low_table | PAGE_PRESENT | PAGE_WRITABLE;
    flush_tlb();
    for (uint64_t i = 0; i < ENTRIES; i++) {
        low_table[i] = low_entry(i * ARCH_PAGE_SIZE, nx_bit);
    }
    if (arch_guard_unmap_page_zero(loader_data)) {
        low_table[0] = 0; /* a null pointer dereference faults */
    }
    /* Every 2 MiB page but the first, which is low_table's now. */
    for (int gib = 0; gib < LOW_GIBS; gib++) {
        uint64_t *pd = (uint64_t *)(boot_pdpt[gib] & TABLE_ADDRESS);
        for (int i = gib == 0; i < ENTRIES; i++) {
            pd[i] |= nx_bit;
        }
    }
    flush_tlb();
    uint64_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_WP) : "memory");
    active = true;
    if (!nx) {
        /* One screen row: at most 80 characters. */
        static const char off[] =
            "guard pages: on; no NX on this CPU: data stays executable, text read-only";
        core_debug_line(off);
        return off;
    }
    core_debug_line("guard pages: on, below every kernel stack; kernel text "
                    "read-only, data non-executable");
    return NULL;
}

bool
arch_guard_active(void)
{
    return active;
}

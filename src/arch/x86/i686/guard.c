/* Guard pages and W^X on i686 (-Dguard-pages): the kernel runs without
 * paging otherwise. A minimal identity map: the first 4 MiB (the kernel's
 * image and stacks, VGA text memory, the loader's data) in 4 KiB pages,
 * each with its rights (arch/x86/guard.c), page 0 unmapped for null
 * pointers (unless the loader's data lies in it), and the rest of the
 * 4 GiB in 4 MiB pages, read and write: RAM for the heap, modules,
 * whatever a loader put where. Two 4 KiB tables in all. 4 MiB pages need PSE; a CPU
 * without it (a 486 may lack even CPUID) keeps running without paging, and
 * says so. */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/guard.h"
#include "asm/cpu.h"
#include "asm/guard.h"
#include "asm/page.h"
#include "pc/screen.h"

#define ENTRIES       1024
#define PAGE_PRESENT  (1u << 0)
#define PAGE_WRITABLE (1u << 1)
#define PAGE_LARGE    (1u << 7) /* a 4 MiB page, in the directory */
#define PAGE_4M       (1u << 22)
#define CR0_WP        (1u << 16) /* read-only pages bind the kernel too */
#define CR0_PG        (1u << 31)
#define CR4_PSE       (1u << 4)

static uint32_t directory[ENTRIES] __attribute__((aligned(ARCH_PAGE_SIZE)));
static uint32_t low_table[ENTRIES] __attribute__((aligned(ARCH_PAGE_SIZE)));
static bool active; /* paging with guard pages is on */

/* True when the CPU has CPUID and CPUID says it has 4 MiB pages. A CPU
 * with long mode may also come with EFER.LME set, since Multiboot leaves
 * EFER undefined (a loader that ran in long mode may not clear it): turning
 * paging on without PAE is then a #GP (QEMU wedges the CPU instead), so
 * the bit is cleared here first, and the debug port says so. Never
 * inlined: the gates suite's i386-instructions check allows cpuid, rdmsr
 * and wrmsr in this function alone, which runs cpuid only once EFLAGS.ID
 * says it exists, and the other two only once CPUID lists long mode, and
 * with it EFER. */
__attribute__((noinline)) static bool
cpu_can_page(void)
{
    if (!cpu_has_cpuid()) {
        return false;
    }
    /* A CPU without extended leaves answers 0x80000000 with another
     * leaf's data, which lacks its 0x8000 top half. */
    uint32_t highest = cpu_cpuid(CPUID_EXT_HIGHEST).a;
    if ((highest & 0xFFFF0000u) == CPUID_EXT_HIGHEST && highest >= CPUID_EXT_FEATURES &&
        (cpu_cpuid(CPUID_EXT_FEATURES).d & CPUID_EXT_EDX_LONG_MODE)) {
        uint64_t efer = cpu_rdmsr(CPU_MSR_EFER);
        if (efer & CPU_EFER_LME) {
            cpu_wrmsr(CPU_MSR_EFER, efer & ~CPU_EFER_LME);
            core_debug_line("guard pages: EFER.LME was left set by the loader: cleared");
        }
    }
    return cpu_cpuid(0).a >= CPUID_FEATURES &&
           (cpu_cpuid(CPUID_FEATURES).d & CPUID_1_EDX_PSE);
}

/* The 4 KiB page table entry for the page at page. */
static uint32_t
low_entry(uint32_t page)
{
    switch (arch_guard_rights(page)) {
    case GUARD_UNMAPPED:
        return 0;
    case GUARD_TEXT:
    case GUARD_READ_ONLY:
        return page | PAGE_PRESENT;
    default:
        return page | PAGE_PRESENT | PAGE_WRITABLE;
    }
}

const char *
arch_guard_init(bool loader_data)
{
    if (!cpu_can_page()) {
        static const char off[] = "guard pages: off, this CPU has no 4 MiB pages (PSE): "
                                  "no paging, text writable";
        core_debug_line(off);
        return off;
    }
    for (uint32_t i = 0; i < ENTRIES; i++) {
        low_table[i] = low_entry(i * ARCH_PAGE_SIZE);
    }
    if (arch_guard_unmap_page_zero(loader_data)) {
        low_table[0] = 0; /* a null pointer dereference faults */
    }
    directory[0] = (uint32_t)low_table | PAGE_PRESENT | PAGE_WRITABLE;
    for (uint32_t i = 1; i < ENTRIES; i++) {
        directory[i] = i * PAGE_4M | PAGE_PRESENT | PAGE_WRITABLE | PAGE_LARGE;
    }
    /* CR4 whole, not OR-ed onto the loader's: with a PAE bit left set the
     * directory would be read as a PDPT, and PG would fault (Multiboot
     * leaves CR4 undefined). */
    uint32_t cr0;
    __asm__ volatile("mov %0, %%cr4" : : "r"(CR4_PSE));
    __asm__ volatile("mov %0, %%cr3" : : "r"(directory) : "memory");
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG | CR0_WP) : "memory");
    active = true;
    core_debug_line("guard pages: on, below every kernel stack; kernel text read-only");
    return NULL;
}

bool
arch_guard_active(void)
{
    return active;
}

#include "arch/x86/lapic.h"

#include <stddef.h>
#include <stdint.h>

#include "asm/cpu.h"
#include "asm/page.h"
#include "pc/screen.h"

#define CPUID_1_EDX_APIC  (1u << 9)
#define MSR_APIC_BASE     0x1Bu
#define APIC_BASE_ENABLE  (1ull << 11)          /* globally enabled */
#define APIC_BASE_X2APIC  (1ull << 10)          /* registers as MSRs, not memory */
#define APIC_BASE_ADDRESS 0x000FFFFFFFFFF000ull /* bits 12 up to the address width */
#define APIC_DEFAULT_PAGE 0xFEE00000u /* a Pentium's, which has no APIC base MSR */
#define CPUID_FAMILY(a)   ((a) >> 8 & 0xF)
#define X2APIC_MSR_BASE   0x800u /* register at offset r: MSR 0x800 + r / 16 */

/* Registers, by their offset in the xAPIC page. */
#define APIC_VERSION   0x030 /* bits 16-23: the highest LVT entry */
#define APIC_SPURIOUS  0x0F0
#define APIC_LVT_CMCI  0x2F0
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERM 0x330
#define APIC_LVT_PERF  0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370

#define APIC_SOFT_ENABLE (1u << 8) /* in APIC_SPURIOUS */
#define LVT_MASKED       (1u << 16)
#define LVT_EXTINT       (7u << 8) /* the 8259 gives the vector */
#define LVT_NMI          (4u << 8)
/* The spurious-interrupt vector: only the APIC's own (masked) sources can
 * raise one. Its low four bits are 1 on P6 APICs; 0x2F is the slave PIC's
 * IRQ 15, which the dispatcher already checks for being spurious. */
#define APIC_SPURIOUS_VECTOR 0x2F

static volatile uint32_t *apic_page; /* NULL in x2APIC mode */

/* Inlined, as cpu.h's are: the MSRs are read in the function that asked
 * CPUID (the i386-instructions test). */
CPU_INLINE uint32_t
apic_read(uint32_t reg)
{
    return apic_page ? apic_page[reg / 4]
                     : (uint32_t)cpu_rdmsr(X2APIC_MSR_BASE + reg / 16);
}

CPU_INLINE void
apic_write(uint32_t reg, uint32_t value)
{
    if (apic_page) {
        apic_page[reg / 4] = value;
    } else {
        cpu_wrmsr(X2APIC_MSR_BASE + reg / 16, value);
    }
}

__attribute__((noinline)) void
x86_lapic_virtual_wire(void)
{
    bool has_cpuid = sizeof(void *) == 8 || cpu_has_cpuid();
    if (!has_cpuid || cpu_cpuid(0).a < CPUID_FEATURES) {
        return;
    }
    struct cpuid_regs id = cpu_cpuid(CPUID_FEATURES);
    if (!(id.d & CPUID_1_EDX_APIC)) {
        return;
    }
    /* The APIC base MSR came with the P6 (family 6); a Pentium with its
     * APIC on (CPUID says so) has it at the default page, enabled. */
    uint64_t base = CPUID_FAMILY(id.a) < 6 ? APIC_DEFAULT_PAGE | APIC_BASE_ENABLE
                                           : cpu_rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE)) {
        return;
    }
    apic_page = NULL;
    if (!(base & APIC_BASE_X2APIC)) {
        uint64_t page = base & APIC_BASE_ADDRESS;
        if (page > ARCH_BOOT_REACH_LAST) {
            core_debug_line("interrupts: the local APIC's page is beyond 4 GiB: LINT0 is "
                            "left as the firmware set it");
            return;
        }
        apic_page = (volatile uint32_t *)(uintptr_t)page;
    }
    unsigned max_lvt = apic_read(APIC_VERSION) >> 16 & 0xFF;
    apic_write(APIC_SPURIOUS, APIC_SOFT_ENABLE | APIC_SPURIOUS_VECTOR);
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    apic_write(APIC_LVT_ERROR, LVT_MASKED);
    if (max_lvt >= 4) {
        apic_write(APIC_LVT_PERF, LVT_MASKED);
    }
    if (max_lvt >= 5) {
        apic_write(APIC_LVT_THERM, LVT_MASKED);
    }
    if (max_lvt >= 6) {
        apic_write(APIC_LVT_CMCI, LVT_MASKED);
    }
    apic_write(APIC_LVT_LINT0, LVT_EXTINT);
    apic_write(APIC_LVT_LINT1, LVT_NMI);
}

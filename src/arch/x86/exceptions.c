#include "arch/x86/exceptions.h"

#include <stdbool.h>

#include "asm/cpu.h"
#include "asm/interrupts.h"
#include "core/format.h"

#define MC_BANKS_SHOWN 2 /* a report lists at most this many banks */

/* The machine-check banks, where CPUID lists the machine-check
 * architecture (set by exception_machine_check_init); 0 without it. */
static unsigned machine_check_banks;

static const char *const names[ARCH_EXCEPTIONS] = {
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved exception 15",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point exception",
    "virtualization exception",
    "control protection exception",
    "reserved exception 22",
    "reserved exception 23",
    "reserved exception 24",
    "reserved exception 25",
    "reserved exception 26",
    "reserved exception 27",
    "hypervisor injection exception",
    "VMM communication exception",
    "security exception",
    "reserved exception 31",
};

/* Append to buf (holding at bytes) what the machine-check banks hold, if
 * a machine check is in progress (exceptions.h). Each bank's status is read
 * once: the banks with an error are counted and the first MC_BANKS_SHOWN
 * kept, then the lines are written. Never inlined: the i386-instructions
 * test allows rdmsr in this function, which reads the MSRs only where
 * exception_machine_check_init found them. */
__attribute__((noinline)) static void
machine_check_lines(char *buf, size_t size, size_t at, const char *sep)
{
    if (!machine_check_banks) {
        return;
    }
    uint64_t mcg = cpu_rdmsr(CPU_MSR_MCG_STATUS);
    if (!(mcg & CPU_MCG_STATUS_MCIP)) {
        return; /* `int 18`: no machine check */
    }
    unsigned with_error = 0, bank[MC_BANKS_SHOWN];
    uint64_t status[MC_BANKS_SHOWN];
    for (unsigned b = 0; b < machine_check_banks; b++) {
        uint64_t s = cpu_rdmsr(CPU_MSR_MC0_STATUS + 4 * b);
        if (s & CPU_MCI_STATUS_VAL) {
            if (with_error < MC_BANKS_SHOWN) {
                bank[with_error] = b;
                status[with_error] = s;
            }
            with_error++;
        }
    }
    at += kscnprintf(buf + at, size - at, "%sMCG_STATUS=%016llx, %u bank%s an error", sep,
                     (unsigned long long)mcg, with_error,
                     with_error == 1 ? " holds" : "s hold");
    for (unsigned i = 0; i < with_error && i < MC_BANKS_SHOWN; i++) {
        uint32_t msr = CPU_MSR_MC0_STATUS + 4 * bank[i];
        at += kscnprintf(buf + at, size - at, "%sbank %u: status %016llx", sep, bank[i],
                         (unsigned long long)status[i]);
        if (status[i] & CPU_MCI_STATUS_ADDRV) {
            at += kscnprintf(buf + at, size - at, " addr %016llx",
                             (unsigned long long)cpu_rdmsr(msr + 1));
        }
        if (status[i] & CPU_MCI_STATUS_MISCV) {
            at += kscnprintf(buf + at, size - at, " misc %016llx",
                             (unsigned long long)cpu_rdmsr(msr + 2));
        }
    }
}

void
exception_title(char *buf, size_t size, unsigned vector, uint64_t error, const char *sep)
{
    size_t at;
    if (error == EXCEPTION_NO_ERROR) {
        at = kscnprintf(buf, size, "CPU exception %u: %s, no error code", vector,
                        names[vector]);
    } else {
        at = kscnprintf(buf, size, "CPU exception %u: %s, error code 0x%llx", vector,
                        names[vector], (unsigned long long)error);
    }
    if (vector == ARCH_VECTOR_MACHINE_CHECK) {
        machine_check_lines(buf, size, at, sep);
    }
}

/* Set CR4.MCE when CPUID lists the machine-check exception, and count the
 * banks when it lists the architecture; nothing without CPUID (exceptions.h). Long mode
 * implies CPUID; leaf 1 needs leaf 0's highest leaf to be at least 1. */
__attribute__((noinline)) void
exception_machine_check_init(void)
{
    bool has_cpuid = sizeof(void *) == 8 || cpu_has_cpuid();
    if (!has_cpuid || cpu_cpuid(0).a < CPUID_FEATURES) {
        return;
    }
    uint32_t features = cpu_cpuid(CPUID_FEATURES).d;
    if (features & CPUID_1_EDX_MCE) {
        cpu_cr4_set(CPU_CR4_MCE);
    }
    if (features & CPUID_1_EDX_MCA) {
        machine_check_banks = (unsigned)(cpu_rdmsr(CPU_MSR_MCG_CAP) & 0xFF);
    }
}

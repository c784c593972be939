#include "arch/x86/exceptions.h"

#include <stdbool.h>

#include "asm/cpu.h"
#include "asm/interrupts.h"
#include "core/format.h"

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

void
exception_title(char *buf, size_t size, unsigned vector, uint64_t error)
{
    if (error == EXCEPTION_NO_ERROR) {
        ksnprintf(buf, size, "CPU exception %u: %s, no error code", vector,
                  names[vector]);
    } else {
        ksnprintf(buf, size, "CPU exception %u: %s, error code 0x%llx", vector,
                  names[vector], (unsigned long long)error);
    }
}

/* Set CR4.MCE when CPUID lists the machine-check exception; nothing without
 * CPUID (exceptions.h). Long mode implies CPUID; leaf 1 needs leaf 0's
 * highest leaf to be at least 1. */
__attribute__((noinline)) void
exception_machine_check_init(void)
{
    bool has_cpuid = sizeof(void *) == 8 || cpu_has_cpuid();
    if (!has_cpuid || cpu_cpuid(0).a < CPUID_FEATURES) {
        return;
    }
    if (cpu_cpuid(CPUID_FEATURES).d & CPUID_1_EDX_MCE) {
        cpu_cr4_set(CPU_CR4_MCE);
    }
}

/* What the CPU says about itself, for both x86 widths: CPUID, the two
 * instructions that give the kernel something unpredictable, RDRAND and
 * RDTSC, bits set in CR4, and model-specific registers. None of them is
 * the 80386's: call cpu_has_cpuid() first, and use the others only when
 * CPUID lists a feature that needs them (an i686 kernel may run on a 486
 * without them, or a 386 without CPUID or CR4). Always inlined, so that
 * they are part of the function that checked for them (the
 * i386-instructions test allows them there alone). */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define CPU_INLINE static inline __attribute__((always_inline))

#define CPU_EFLAGS_ID           (1ul << 21) /* writable exactly when CPUID exists */
#define CPUID_FEATURES          1u          /* leaf 1: feature bits in ECX and EDX */
#define CPUID_EXT_HIGHEST       0x80000000u /* leaf 0x80000000: the highest extended one */
#define CPUID_EXT_FEATURES      0x80000001u /* leaf 0x80000001: extended features */
#define CPUID_EXT_EDX_NX        (1u << 20)  /* no-execute pages (EFER.NXE) */
#define CPUID_EXT_EDX_LONG_MODE (1u << 29)
#define CPUID_1_EDX_PSE         (1u << 3) /* 4 MiB pages without PAE */
#define CPUID_1_ECX_RDRAND      (1u << 30)
#define CPUID_1_EDX_TSC         (1u << 4)
#define CPUID_1_EDX_MCE         (1u << 7)  /* the machine-check exception, and CR4.MCE */
#define CPUID_1_EDX_MCA         (1u << 14) /* the machine-check architecture: its MSRs */
#define CPU_CR4_MCE             (1ul << 6) /* a machine check raises #MC, not a shutdown */
#define CPU_MSR_MCG_CAP         0x179u     /* bits 0-7: the machine-check banks */
#define CPU_MSR_MCG_STATUS      0x17Au
#define CPU_MCG_STATUS_MCIP     (1ull << 2) /* a machine check is in progress */
#define CPU_MSR_MC0_STATUS      0x401u /* bank i's: + 4 * i; its ADDR + 1, its MISC + 2 */
#define CPU_MCI_STATUS_VAL      (1ull << 63) /* the bank holds an error */
#define CPU_MCI_STATUS_MISCV    (1ull << 59) /* and its MISC register says more */
#define CPU_MCI_STATUS_ADDRV    (1ull << 58) /* and its ADDR register holds the address */
#define CPU_MSR_EFER            0xC0000080u
#define CPU_EFER_LME            (1ull << 8)  /* long mode enable */
#define CPU_EFER_NXE            (1ull << 11) /* no-execute enable */
#define CPU_RDRAND_ATTEMPTS                                                              \
    10 /* Intel's advice: a failure 10 times over is a broken unit */

/* What CPUID returns in EAX, EBX, ECX and EDX. */
struct cpuid_regs {
    uint32_t a, b, c, d;
};

/* True when the CPU has CPUID: EFLAGS.ID can be flipped (a 386 and early
 * 486s have it fixed). Leaves EFLAGS as it found it. */
CPU_INLINE bool
cpu_has_cpuid(void)
{
    unsigned long flipped, before;
    __asm__ volatile("pushf\n\t"
                     "pop %0\n\t"
                     "mov %0, %1\n\t"
                     "xor %2, %0\n\t"
                     "push %0\n\t"
                     "popf\n\t"
                     "pushf\n\t"
                     "pop %0\n\t"
                     "push %1\n\t"
                     "popf"
                     : "=&r"(flipped), "=&r"(before)
                     : "i"(CPU_EFLAGS_ID)
                     : "cc");
    return (flipped ^ before) & CPU_EFLAGS_ID;
}

/* CPUID leaf (subleaf 0); the CPU must have CPUID. A leaf above the CPU's
 * highest gives that of its highest: ask leaf 0 (or 0x80000000) first. */
CPU_INLINE struct cpuid_regs
cpu_cpuid(uint32_t leaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                     : "a"(leaf), "c"(0));
    return r;
}

/* A random machine word from RDRAND into *out; the CPU must have RDRAND
 * (CPUID_1_ECX_RDRAND). RDRAND may fail while its entropy source refills:
 * up to CPU_RDRAND_ATTEMPTS tries, then false with *out unchanged. */
CPU_INLINE bool
cpu_rdrand(unsigned long *out)
{
    for (int i = 0; i < CPU_RDRAND_ATTEMPTS; i++) {
        unsigned long value;
        bool ok;
        __asm__ volatile("rdrand %0" : "=r"(value), "=@ccc"(ok));
        if (ok) {
            *out = value;
            return true;
        }
    }
    return false;
}

/* CR4 with bits OR-ed in, the others left as they are; the CPU must have
 * CR4 (a Pentium or later: any CPUID feature that needs a CR4 bit says so). */
CPU_INLINE void
cpu_cr4_set(unsigned long bits)
{
    unsigned long cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | bits) : "memory");
}

/* Model-specific register msr; the CPU must have it (EFER: a CPU with long
 * mode, CPUID_EXT_EDX_LONG_MODE). */
CPU_INLINE uint64_t
cpu_rdmsr(uint32_t msr)
{
    uint32_t low, high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return (uint64_t)high << 32 | low;
}

CPU_INLINE void
cpu_wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr"
                     :
                     : "a"((uint32_t)value), "d"((uint32_t)(value >> 32)), "c"(msr));
}

/* The time-stamp counter; the CPU must have one (CPUID_1_EDX_TSC). */
CPU_INLINE uint64_t
cpu_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

#endif

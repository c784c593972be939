/* What the x86 code of both widths shares: the exception names and titles,
 * and the symbols each width's stubs.asm gives C (the asm-C interface,
 * declared once). Internal to arch/x86. */
#ifndef ARCH_X86_EXCEPTIONS_H
#define ARCH_X86_EXCEPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What an entry stub stores as the error code when the CPU pushed none. */
#define EXCEPTION_NO_ERROR ((uint64_t)-1)

/* The room a report's title takes (exception_report_title): its first
 * line, a guard-page line, a machine check's lines. */
#define EXCEPTION_TITLE_SIZE (CONFIG_GUARD_PAGES ? 352 : 256)

/* Write "CPU exception V: NAME, error code 0x..." (or "no error code") to
 * buf: the first line of every exception report. A real machine check
 * (the CPU's, not `int 18`) adds what its banks hold, each line after sep:
 * "MCG_STATUS=..., N banks hold an error", then for each of them (two at
 * most) "bank B: status S", with " addr A" and " misc M" where the status
 * says they are valid. */
void exception_title(char *buf, size_t size, unsigned vector, uint64_t error,
                     const char *sep);

#if CONFIG_GUARD_PAGES
/* exception_title, after a line of its own (ended by sep) for a page fault
 * or a double fault whose CR2 lies in a stack's guard page: "kernel stack
 * overflow at ADDRESS: the NAME stack's guard page" (arch/x86/guard.c).
 * With after_flags (i686, whose report has no CR2 otherwise), a page
 * fault's " CR2=ADDRESS" and sep, in a buffer *after_flags then points at. */
void exception_report_title(char *buf, size_t size, unsigned vector, uint64_t error,
                            const char *sep, const char **after_flags);
#else
/* Always inlined: the plain kernel's reports stay as they were. */
static inline __attribute__((always_inline)) void
exception_report_title(char *buf, size_t size, unsigned vector, uint64_t error,
                       const char *sep, const char **after_flags)
{
    (void)after_flags;
    exception_title(buf, size, vector, error, sep);
}
#endif

/* Let a machine check be reported (vector 18) where the CPU has the
 * machine-check exception (CPUID leaf 1, EDX bit 7): set CR4.MCE, without
 * which the CPU shuts down (a reset) on one; and where it has the
 * machine-check architecture (EDX bit 14), count its banks, which a report
 * reads. Nothing on a CPU without them, or without CPUID (a 386, early
 * 486s: they have no CR4 either). Call once the IDT is loaded. Never
 * inlined: the i386-instructions test allows cpuid and rdmsr in this
 * function, which asks EFLAGS.ID first. */
void exception_machine_check_init(void);

/* Mark vector not present in the IDT (so that raising it ends in #NP).
 * For the shell's demonstration of a real double fault; desc.c of each
 * width. */
void desc_idt_unmap(int vector);

/* Execute `int vector` (0-31): each width's stubs.asm. */
void x86_int(uint32_t vector);

/* Each vector's entry stub (0-47), from each width's stubs.asm: dd or dq
 * entries, a pointer's width either way. */
extern const uintptr_t irq_stub_table[48];

#endif

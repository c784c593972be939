/* What the x86 code of both widths shares: the exception names and titles,
 * and the symbols each width's stubs.asm gives C (the asm-C interface,
 * declared once). Internal to arch/x86. */
#ifndef ARCH_X86_EXCEPTIONS_H
#define ARCH_X86_EXCEPTIONS_H

#include <stddef.h>
#include <stdint.h>

/* What an entry stub stores as the error code when the CPU pushed none. */
#define EXCEPTION_NO_ERROR ((uint64_t)-1)

/* Write "CPU exception V: NAME, error code 0x..." (or "no error code") to
 * buf: the first line of every exception report. */
void exception_title(char *buf, size_t size, unsigned vector, uint64_t error);

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

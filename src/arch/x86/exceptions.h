/* The names of the x86 CPU exceptions, which both widths report the same
 * way. Internal to arch/x86. */
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

#endif

/* x86_64 descriptor tables: the GDT with its TSS, whose interrupt stack
 * table gives the double fault and the NMI stacks of their own, and the
 * IDT. Internal to arch/x86/x86_64. */
#ifndef ARCH_X86_X86_64_DESC_H
#define ARCH_X86_X86_64_DESC_H

#include "config.h" /* GDT_KERNEL_CS, shared with stubs.asm */

#define GDT_KERNEL_DS 0x10
#define GDT_TSS       0x18 /* 16 bytes: two GDT slots */
#define IDT_VECTORS   48   /* 32 exceptions, 16 IRQs; others raise #GP */

/* Load the GDT and TSS, reload the segment registers, then the IDT with
 * the stubs of stubs.asm for vectors 0-47. */
void desc_init(void);

#endif

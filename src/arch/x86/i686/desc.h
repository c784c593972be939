/* i686 descriptor tables: our flat GDT (with two TSSs), the IDT, and the
 * double-fault task. Internal to arch/x86/i686. */
#ifndef ARCH_X86_DESC_H
#define ARCH_X86_DESC_H

#include <stdint.h>

#include "config.h" /* GDT_KERNEL_CS, shared with stubs.asm */

#define GDT_KERNEL_DS        0x10
#define GDT_MAIN_TSS         0x18
#define GDT_DOUBLE_FAULT_TSS 0x20
#define IDT_VECTORS          48 /* 32 exceptions, 16 IRQs; others raise #GP */

/* The 32-bit task state segment (Intel SDM vol. 3, 8.2.1). */
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

/* Load the GDT and reload every segment register, then the IDT with the
 * stubs of stubs.asm for vectors 0-47 and a task gate for the double fault,
 * which runs on its own stack (double_fault_task) whatever state the stack
 * that faulted is in. */
void desc_init(void (*double_fault_task)(void));

/* The state the CPU saved when it switched to the double-fault task. */
const struct tss *desc_faulting_task(void);

#endif

/* What an architecture gives the interrupt subsystem (src/irq): the
 * descriptor tables, the entry stubs, the report of a CPU exception and a
 * way to raise one. The x86 version serves i686 and x86_64; the frame an
 * entry stub saves differs by width and stays inside arch/x86/<width>.
 * Internal to the keyboard gate. */
#ifndef ASM_INTERRUPTS_H
#define ASM_INTERRUPTS_H

#define ARCH_EXCEPTIONS           32 /* vectors 0-31 are the CPU's */
#define ARCH_VECTOR_NMI           2
#define ARCH_VECTOR_DOUBLE_FAULT  8
#define ARCH_VECTOR_PAGE_FAULT    14
#define ARCH_VECTOR_MACHINE_CHECK 18

/* The registers an entry stub saved, laid out by the width's stubs.asm. */
struct irq_frame;

/* Load the kernel's GDT (with its TSS) and reload the segment registers,
 * then the IDT: vectors 0-47 enter irq_dispatch through the stubs; the
 * double fault (and on x86_64 the NMI) runs on a stack of its own, whatever
 * state the interrupted stack is in. Then, where the CPU has them, machine
 * checks raise vector 18 instead of shutting the CPU down (CR4.MCE).
 * Interrupts stay off. */
void arch_interrupts_init(void);

/* Panic with the report of CPU exception vector (0-31): its name, the error
 * code, and the registers the frame holds. */
__attribute__((noreturn)) void arch_exception_report(const struct irq_frame *frame,
                                                     unsigned vector);

/* Raise CPU exception vector (0-31), for the shell's fault command: a real
 * fault where one is easy to cause (divide error, breakpoint, invalid
 * opcode, double fault, general protection), a software interrupt to the
 * vector's gate otherwise. Returns after a trap that the kernel resumes. */
void arch_raise_exception(int vector);

/* Called by the entry stubs for every vector 0-47, interrupts off, with
 * the saved frame and the vector (src/irq/irq.c). */
void irq_dispatch(struct irq_frame *frame, unsigned vector);

#endif

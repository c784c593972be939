/* The local APIC, as far as a kernel on the 8259 PICs needs it: out of the
 * way. Internal to the keyboard gate, both widths. */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

/* Put the local APIC in virtual-wire mode, where the 8259's interrupts
 * reach the CPU through LINT0 (ExtINT) and NMIs through LINT1, and the
 * APIC's own sources (timer, error, performance, thermal, CMCI) are
 * masked. Firmware is to leave it so (MultiProcessor Specification 3.6.2.2),
 * but qboot, a loader or a kernel before this one may leave LINT0 masked,
 * and then no key ever arrives. Nothing where CPUID lists no APIC (a 486)
 * or IA32_APIC_BASE has it disabled (then LINT0 and LINT1 are the CPU's
 * INTR and NMI pins themselves). In x2APIC mode, which firmware may leave
 * on, through its MSRs; otherwise through its page, which must lie in the
 * first 4 GiB (the debug port says so when it does not). Call with
 * interrupts off, before the PICs are unmasked. Never inlined: the
 * i386-instructions test allows cpuid, rdmsr and wrmsr in this function,
 * which asks EFLAGS.ID first. */
void x86_lapic_virtual_wire(void);

#endif

/* Non-maskable interrupts and the one-line notices of the keyboard gate.
 * Internal to the keyboard gate. */
#ifndef IRQ_NMI_H
#define IRQ_NMI_H

#include <stddef.h>
#include <stdint.h>

/* Vector 2. After a panic it does nothing, so that the report stays on the
 * screen and the CPU goes back to its halt. Otherwise it reads and
 * acknowledges the reason in system control port B (0x61) and hands it to
 * the main loop (irq_loop_nmi), which reports it on one line. */
void irq_nmi(void);

/* The line that reports an NMI with port 0x61 reading reason, into buf. */
void irq_nmi_describe(uint8_t reason, char *buf, size_t size);

/* Called by irq_nmi: report the NMI now if the main loop is idle (nothing
 * else can be writing the console), else as soon as it is. */
void irq_loop_nmi(uint8_t reason);

/* Show line to the user: on the debug port, and at the shell with the
 * console, or on the screen's top row without it. Not from an interrupt
 * handler (see irq_loop_nmi). */
void irq_notice(const char *line);

#endif

/* Non-maskable interrupts and the one-line notices of the keyboard gate.
 * Internal to the keyboard gate. */
#ifndef IRQ_NMI_H
#define IRQ_NMI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Vector 2. After a panic it does nothing, so that the report stays on the
 * screen and the CPU goes back to its halt. Otherwise it reads and
 * acknowledges the reason in system control port B (0x61) and reports it
 * on one line: at once if the main loop is idle (nothing else can be
 * writing the console), else when the loop next calls irq_nmi_idle. */
void irq_nmi(void);

/* The line that reports an NMI with port 0x61 reading reason, into buf. */
void irq_nmi_describe(uint8_t reason, char *buf, size_t size);

/* From the main loop, interrupts off, before it sleeps or takes a key:
 * show the NMI that came while it was busy, then count the loop as idle
 * (an NMI may show itself from now on). Returns false, idle or not, when
 * another NMI came in between: the loop must call it again. */
bool irq_nmi_idle(void);

/* From the main loop, before it writes the console: no longer idle. */
void irq_nmi_busy(void);

/* Show line to the user: on the debug port, and at the shell with the
 * console, or on the screen's top row without it (notice.c). Not from an
 * interrupt handler but the NMI's while the loop is idle. */
void irq_notice(const char *line);

#endif

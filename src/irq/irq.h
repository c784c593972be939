/* The keyboard gate: descriptor tables, CPU exception reports, the PIC, IRQ
 * dispatch and the PS/2 keyboard. With -Dkeyboard=false the hooks below are
 * empty and the API is a compile-time error naming the option. */
#ifndef IRQ_IRQ_H
#define IRQ_IRQ_H

#include "config.h"
#include "core/gate.h"

/* Handles hardware IRQ line 0-15; runs with interrupts off. */
typedef void (*irq_handler)(void);

#if CONFIG_KEYBOARD

/* Load the descriptor tables, first thing: long mode may take no exception
 * or NMI before its own IDT is loaded (Intel SDM vol. 3, 9.8.5.2), and any
 * fault during the rest of the boot is reported (init.c). Interrupts stay
 * off. */
void irq_early_init(void);

/* Remap and mask the PIC, start the keyboard (and COM1's keys with the
 * shell) and enable interrupts (init.c). */
void irq_init(void);

/* Run the main loop: sleep in hlt, hand keys to the shell (or, without the
 * console, to the screen colour). Never returns. */
__attribute__((noreturn)) void irq_main_loop(void);

/* Call handler for IRQ line (0-15) and unmask the line. Returns 0, or -1
 * if line is out of range or already has a handler. */
int irq_register(int line, irq_handler handler);

#else

static inline void
irq_early_init(void)
{
}

static inline void
irq_init(void)
{
}

#define IRQ_OFF GATE_OFF("keyboard")
IRQ_OFF __attribute__((noreturn)) void irq_main_loop(void);
IRQ_OFF int irq_register(int line, irq_handler handler);

#endif

#endif

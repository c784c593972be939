/* The PS/2 keyboard driver: IRQ 1 reads the 8042's data port, decodes
 * scancode set 1 and queues key events for the main loop. Internal to the
 * keyboard gate. */
#ifndef IRQ_KBD_H
#define IRQ_KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/kbd_decode.h"

/* Set up the 8042 controller and the keyboard (i8042_init) and take IRQ 1.
 * Returns NULL, or the line that says why there is no keyboard; the kernel
 * goes on without one. */
const char *kbd_init(void);

/* Queue a key press that types c, from another keyboard (COM1). From an
 * IRQ handler, as the keyboard's own. */
void kbd_put_char(char c);

/* How many more key events the queue can take now. */
uint32_t kbd_room(void);

/* With the shell: take characters typed on COM1 as keys (IRQ 4), when
 * there is a UART at COM1 (com1_keys.c). */
void irq_com1_keys_init(void);

/* With the shell, from the main loop after it took keys, interrupts off:
 * start taking COM1's characters again if the queue's room had stopped it.
 * While stopped they wait in the UART, and the far end waits for room. */
void irq_com1_keys_resume(void);

/* Take the oldest queued key event into *ev; false when none is queued.
 * Called by the main loop only (the ring's single consumer). */
bool kbd_next(struct kbd_event *ev);

/* Key events dropped because the queue was full. */
uint32_t kbd_dropped(void);

#endif

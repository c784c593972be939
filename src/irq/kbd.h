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

/* Take the oldest queued key event into *ev; false when none is queued.
 * Called by the main loop only (the ring's single consumer). */
bool kbd_next(struct kbd_event *ev);

/* Key events dropped because the queue was full. */
uint32_t kbd_dropped(void);

#endif

/* The 8042 PS/2 controller: set up from whatever state the firmware left it
 * in, the keyboard on its first port, the auxiliary (mouse) port kept off,
 * and the reset line. Every wait on the controller is bounded, so a missing
 * or broken controller is reported, never waited on forever. Internal to
 * the keyboard gate. */
#ifndef PC_I8042_H
#define PC_I8042_H

#include <stdbool.h>
#include <stdint.h>

/* Program the controller and the keyboard so that IRQ 1 brings scancode set
 * 1 (set 2 translated by the controller) and nothing from the aux port.
 * Returns NULL on success, or a line that says why the keyboard is off
 * ("no PS/2 controller: keyboard off"). Interrupts must be off. */
const char *i8042_init(void);

/* The keyboard's byte, read by IRQ 1: true with *byte when the output
 * buffer holds a keyboard byte. A byte from the aux port is read and
 * dropped (false), so that it cannot block the buffer. */
bool i8042_read_key_byte(uint8_t *byte);

/* Ask the controller to pulse the CPU's reset line. False if no controller
 * took the command; the reset follows within microseconds if it did. */
bool i8042_pulse_reset(void);

#endif

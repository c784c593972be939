/* COM1 (a 16550 UART at 0x3F8): the console's mirror, and with the shell its
 * second keyboard. What the screen shows also goes to `qemu -serial stdio`
 * or `-nographic`. */
#ifndef PC_SERIAL_H
#define PC_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

/* 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on (but when
 * they were off and a byte typed ahead waits: switching them on would
 * drop it), no interrupts (output is polled). What was typed ahead stays
 * for serial_receive. False, and COM1 unused from then on, when no UART
 * answers there. */
bool serial_init(void);

/* Send n bytes; '\n' goes out as "\r\n" for terminals. A UART that takes
 * no byte for a long wait (a terminal that stopped reading) is stalled:
 * from then on a byte it cannot take at once is dropped, until it takes
 * one again, and the debug port says so the first time. */
void serial_write(const char *s, size_t n);

/* Raise IRQ 4 when a byte arrives (on), or stop (off): the bytes then wait
 * in the UART, and when it is full the sender waits too. Turned on with a
 * byte waiting, the UART raises IRQ 4 at once. False when there is no
 * UART. */
bool serial_receive_interrupt(bool on);

/* Take a received byte into *c; false when none waits. */
bool serial_receive(char *c);

#endif

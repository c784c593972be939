/* COM1 (a 16550 UART at 0x3F8), the console's mirror: what the screen
 * shows also goes to `qemu -serial stdio` or `-nographic`. */
#ifndef CONSOLE_SERIAL_H
#define CONSOLE_SERIAL_H

#include <stddef.h>

/* 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on, no
 * interrupts (output is polled). */
void serial_init(void);

/* Send n bytes; '\n' goes out as "\r\n" for terminals. */
void serial_write(const char *s, size_t n);

#endif

#include "console/serial.h"

#include "core/io.h"

#define COM1             0x3F8
#define UART_DATA        0 /* divisor low byte while DLAB is set */
#define UART_IER         1 /* divisor high byte while DLAB is set */
#define UART_FCR         2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define LCR_DLAB         0x80
#define LCR_8N1          0x03
#define FCR_ENABLE_CLEAR 0x07 /* enable and clear both FIFOs */
#define MCR_DTR_RTS      0x03
#define LSR_THR_EMPTY    0x20
#define BAUD_DIVISOR     1      /* 115200 / 1 */
#define MAX_POLLS        100000 /* no UART at all: give up rather than hang */

void
serial_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xFF);
    outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

/* Send one byte once the transmitter can take it. */
static void
send(char c)
{
    for (int i = 0; i < MAX_POLLS && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); i++) {
    }
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void
serial_write(const char *s, size_t n)
{
    for (; n; n--, s++) {
        if (*s == '\n') {
            send('\r');
        }
        send(*s);
    }
}

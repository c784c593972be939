#include "pc/serial.h"

#include "asm/io.h"
#include "pc/screen.h"

#define COM1             0x3F8
#define UART_DATA        0 /* divisor low byte while DLAB is set */
#define UART_IER         1 /* divisor high byte while DLAB is set */
#define UART_FCR         2 /* written; read, the same port is the IIR */
#define UART_IIR         2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define UART_SCRATCH     7
#define IER_RX_AVAILABLE 0x01
#define LCR_DLAB         0x80
#define LCR_8N1          0x03
#define FCR_ENABLE       0x01 /* the FIFOs on; a change of it clears both */
#define FCR_CLEAR_TX     0x04
#define IIR_FIFOS_ON     0xC0
#define MCR_DTR_RTS      0x03
#define MCR_OUT2         0x08 /* on a PC, connects the UART's interrupt to IRQ 4 */
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20
#define SCRATCH_PATTERN  0x5A
#define BAUD_DIVISOR     1      /* 115200 / 1 */
#define MAX_POLLS        100000 /* a UART that never takes a byte: give up on it */

static bool present;
/* A byte waited MAX_POLLS in vain (a terminal that stopped reading, a
 * paused qemu-nox): from then on bytes go out only when the UART can take
 * one at once, so that a stalled COM1 does not cost every later byte the
 * whole wait (the console and the shell would crawl and drop keys). */
static bool stalled;

bool
serial_init(void)
{
    /* No UART at COM1 floats the bus: the scratch register reads 0xFF. */
    outb(COM1 + UART_SCRATCH, SCRATCH_PATTERN);
    present = inb(COM1 + UART_SCRATCH) == SCRATCH_PATTERN;
    if (!present) {
        return false;
    }
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xFF);
    outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
    /* FIFOs on, and only the transmitter's cleared: what was typed ahead
     * while the machine booted stays, or a line would run with its start
     * gone ("cho" for "echo"). Switching the FIFOs on empties them (QEMU's
     * and the 16550's datasheet: either way), so a UART left without them
     * while a byte waits stays so: a byte could arrive between reading it
     * and the switch, and be lost. */
    bool fifos_on = (inb(COM1 + UART_IIR) & IIR_FIFOS_ON) == IIR_FIFOS_ON;
    if (fifos_on || !(inb(COM1 + UART_LSR) & LSR_DATA_READY)) {
        outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_TX);
    } else {
        core_debug_line("serial: a byte typed ahead waits: COM1's FIFOs stay off (a byte "
                        "at a time), as switching them on would drop it");
    }
    outb(COM1 + UART_MCR, MCR_DTR_RTS);
    return true;
}

/* Send one byte once the transmitter can take it: within MAX_POLLS, or at
 * once while the UART is stalled; else the byte is dropped. The debug port
 * says when COM1 first stalls. */
static void
send(char c)
{
    int polls = stalled ? 1 : MAX_POLLS;
    int i = 0;
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY)) {
        if (++i == polls) {
            if (!stalled) {
                core_debug_line(
                    "serial: COM1 takes no bytes: what it cannot take at once "
                    "is dropped until it does");
            }
            stalled = true;
            return;
        }
    }
    stalled = false;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void
serial_write(const char *s, size_t n)
{
    for (; present && n; n--, s++) {
        if (*s == '\n') {
            send('\r');
        }
        send(*s);
    }
}

bool
serial_receive_interrupt(bool on)
{
    if (present) {
        outb(COM1 + UART_IER, on ? IER_RX_AVAILABLE : 0);
        outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
    }
    return present;
}

bool
serial_receive(char *c)
{
    if (!present || !(inb(COM1 + UART_LSR) & LSR_DATA_READY)) {
        return false;
    }
    *c = (char)inb(COM1 + UART_DATA);
    return true;
}

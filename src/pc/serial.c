#include "pc/serial.h"

#include "asm/io.h"
#include "pc/screen.h"

#define COM1             0x3F8
#define UART_DATA        0 /* divisor low byte while DLAB is set */
#define UART_IER         1 /* divisor high byte while DLAB is set */
#define UART_FCR         2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define UART_SCRATCH     7
#define IER_RX_AVAILABLE 0x01
#define LCR_DLAB         0x80
#define LCR_8N1          0x03
#define FCR_ENABLE       0x01 /* the FIFOs on; a change of it clears both */
#define FCR_CLEAR_TX     0x04
#define MCR_DTR_RTS      0x03
#define MCR_OUT2         0x08 /* on a PC, connects the UART's interrupt to IRQ 4 */
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20
#define SCRATCH_PATTERN  0x5A
#define BAUD_DIVISOR     1      /* 115200 / 1 */
#define MAX_POLLS        100000 /* a UART that never takes a byte: give up on it */
#define EARLY_BYTES      16     /* a 16550's receive FIFO */

static bool present;
/* A byte waited MAX_POLLS in vain (a terminal that stopped reading, a
 * paused qemu-nox): from then on bytes go out only when the UART can take
 * one at once, so that a stalled COM1 does not cost every later byte the
 * whole wait (the console and the shell would crawl and drop keys). */
static bool stalled;
/* Bytes typed before serial_init (a terminal typing ahead while the
 * machine boots), taken out of the UART before its FIFOs are switched on,
 * which would drop them: serial_receive hands them out first. */
static char early[EARLY_BYTES];
static unsigned early_count, early_taken;

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
    /* Switching the FIFOs on empties them (and a 16450-mode UART's one
     * byte): what was typed ahead is kept, or a line would run with its
     * start gone ("cho" for "echo"). Only the transmitter's is cleared. */
    while (early_count < EARLY_BYTES && (inb(COM1 + UART_LSR) & LSR_DATA_READY)) {
        early[early_count++] = (char)inb(COM1 + UART_DATA);
    }
    outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_TX);
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
    if (early_taken < early_count) {
        *c = early[early_taken++];
        return true;
    }
    if (!present || !(inb(COM1 + UART_LSR) & LSR_DATA_READY)) {
        return false;
    }
    *c = (char)inb(COM1 + UART_DATA);
    return true;
}

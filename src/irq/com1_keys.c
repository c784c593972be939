/* The shell's second keyboard: characters received on COM1 go into the same
 * queue as PS/2 keys, so a terminal on the serial line (qemu -nographic, a
 * null-modem cable, a script's pipe) drives the same line editor. Built
 * only with the shell. */
#include <stdbool.h>

#include "pc/serial.h"
#include "pc/screen.h"
#include "irq/irq.h"
#include "irq/kbd.h"

#define COM1_IRQ  4
#define UART_FIFO 16 /* bytes a 16550 holds */
#define DEL       0x7F
#define ESC       0x1B
#define CSI_MAX   16 /* parameter bytes a terminal's key sends, and more */
/* Queue slots COM1 leaves to the PS/2 keyboard. A sender faster than the
 * shell (a pipe) fills the queue down to these, then waits in the UART. */
#define KEYBOARD_RESERVE 8

static bool stopped; /* IRQ 4 off until the queue has room again */

/* Where an escape sequence stands. A terminal sends the arrows, Home, End,
 * Delete and the function keys as ESC [ parameters final (CSI) or ESC O
 * letter (SS3); the line editor has no use for them (nor for the PS/2
 * keyboard's, which it ignores), so they are dropped whole, not typed as
 * their tails ("[A" for Up). An ESC before any other byte (Alt+key, or the
 * Esc key and then a letter) drops the ESC alone; an ESC inside a sequence
 * starts a new one. */
struct escape {
    enum {
        PLAIN,
        AFTER_ESC,
        IN_CSI,
        IN_SS3
    } state;
    unsigned params; /* CSI parameter bytes so far */
};

/* True when c is part of an escape sequence (and so not a key), moving e
 * on. */
static bool
in_escape(struct escape *e, char c)
{
    if (c == ESC) { /* a new sequence, whatever came before */
        *e = (struct escape){AFTER_ESC, 0};
        return true;
    }
    switch (e->state) {
    case AFTER_ESC:
        e->state = c == '[' ? IN_CSI : c == 'O' ? IN_SS3 : PLAIN;
        return e->state != PLAIN;
    case IN_CSI:
        if (c >= 0x20 && c <= 0x3F && ++e->params <= CSI_MAX) {
            return true; /* parameter and intermediate bytes */
        }
        e->state = PLAIN;
        return c >= 0x40 && c <= 0x7E; /* the final byte; else not a sequence */
    case IN_SS3:
        e->state = PLAIN;
        return true;
    case PLAIN:
        break;
    }
    return false;
}

/* IRQ 4: take all the UART holds, while the queue has room. The UART keeps
 * its interrupt line up while a byte waits, and the 8259 takes only rising
 * edges: a byte left behind would stop COM1 for good, so the loop ends only
 * when the UART is empty, or by stopping the interrupt (the resume makes a
 * new edge). The queue's room bounds it. Terminals send Enter as CR (or CR
 * LF), pipes as LF, Backspace as DEL or ^H: each becomes the key it means. */
static void
com1_irq(void)
{
    static bool after_cr;
    static struct escape escape;
    char c;
    for (;;) {
        if (kbd_room() <= KEYBOARD_RESERVE) {
            stopped = true;
            serial_receive_interrupt(false);
            return;
        }
        if (!serial_receive(&c)) {
            return;
        }
        if (in_escape(&escape, c)) {
            continue;
        }
        if (c == '\n' && after_cr) {
            after_cr = false; /* the LF of a CR LF: Enter came with the CR */
            continue;
        }
        after_cr = c == '\r';
        kbd_put_char(c == '\r' ? '\n' : c == DEL ? '\b' : c);
    }
}

void
irq_com1_keys_init(void)
{
    if (!serial_receive_interrupt(true)) {
        return;
    }
    if (irq_register(COM1_IRQ, com1_irq) != 0) {
        core_debug_line("com1: IRQ 4 already has a handler");
        return;
    }
    /* What was typed ahead raises no interrupt of its own (serial_init
     * kept it, or the UART's line went up before the PIC listened): take
     * it now. */
    com1_irq();
}

void
irq_com1_keys_resume(void)
{
    if (stopped && kbd_room() > KEYBOARD_RESERVE + UART_FIFO) {
        stopped = false;
        serial_receive_interrupt(true);
    }
}

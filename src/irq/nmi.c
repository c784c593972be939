#include "irq/nmi.h"

#include "core/format.h"
#include "asm/io.h"
#include "core/panic.h"

#define NMI_LINE 80

/* System control port B's NMI bits (IO_PORT_B, Linux's NMI_REASON_PORT). */
#define NMI_REASON_SERR        0x80 /* memory parity or system error */
#define NMI_REASON_IOCHK       0x40 /* an expansion card raised I/O channel check */
#define NMI_REASON_CLEAR_SERR  0x04 /* written as 1 then 0: clears and re-arms */
#define NMI_REASON_CLEAR_IOCHK 0x08

/* NMIs are reported by the main loop, never in the middle of the shell's
 * own output: the handler shows its line itself only while the loop is
 * idle (waiting_idle), and otherwise counts it in nmi_seen for the loop to
 * show. nmi_shown is written by the handler only while waiting_idle is true
 * and by the loop only while it is false, so the two never race. */
static volatile bool waiting_idle;
static volatile uint32_t nmi_seen, nmi_shown;
static volatile uint8_t nmi_reason;

void
irq_nmi_describe(uint8_t reason, char *buf, size_t size)
{
    const char *what = reason & NMI_REASON_SERR    ? "memory parity or system error"
                       : reason & NMI_REASON_IOCHK ? "I/O channel check"
                                                   : "unknown reason";
    ksnprintf(buf, size, "NMI received: %s (port 0x61 = %02x); going on", what, reason);
}

/* Show an NMI's line. */
static void
show_nmi(uint8_t reason)
{
    char line[NMI_LINE];
    irq_nmi_describe(reason, line, sizeof line);
    irq_notice(line);
}

void
irq_nmi(void)
{
    if (core_panicking()) {
        return;
    }
    uint8_t reason = inb(IO_PORT_B);
    uint8_t keep = reason & IO_PORT_B_WRITABLE &
                   ~(uint8_t)(NMI_REASON_CLEAR_SERR | NMI_REASON_CLEAR_IOCHK);
    uint8_t clear = (reason & NMI_REASON_SERR ? NMI_REASON_CLEAR_SERR : 0) |
                    (reason & NMI_REASON_IOCHK ? NMI_REASON_CLEAR_IOCHK : 0);
    if (clear) {
        outb(IO_PORT_B, keep | clear);
        outb(IO_PORT_B, keep);
    }
    nmi_reason = reason;
    nmi_seen++;
    if (waiting_idle) {
        nmi_shown = nmi_seen;
        show_nmi(reason);
    }
}

/* Show the last NMI that came while the console was busy (one line for
 * several). The count and the reason are read again until no NMI came in
 * between, so that the line shown is the one counted. */
static void
show_deferred_nmi(void)
{
    while (nmi_shown != nmi_seen) {
        uint32_t seen = nmi_seen;
        uint8_t reason = nmi_reason;
        if (seen == nmi_seen) {
            nmi_shown = seen;
            show_nmi(reason);
        }
    }
}

bool
irq_nmi_idle(void)
{
    show_deferred_nmi();
    waiting_idle = true;
    if (nmi_shown != nmi_seen) { /* one came before waiting_idle was set */
        waiting_idle = false;
        return false;
    }
    return true;
}

void
irq_nmi_busy(void)
{
    waiting_idle = false;
}

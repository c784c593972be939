#include "irq/nmi.h"

#include "core/format.h"
#include "asm/io.h"
#include "core/panic.h"

/* System control port B's NMI bits (IO_PORT_B, Linux's NMI_REASON_PORT). */
#define NMI_REASON_SERR        0x80 /* memory parity or system error */
#define NMI_REASON_IOCHK       0x40 /* an expansion card raised I/O channel check */
#define NMI_REASON_CLEAR_SERR  0x04 /* written as 1 then 0: clears and re-arms */
#define NMI_REASON_CLEAR_IOCHK 0x08

void
irq_nmi_describe(uint8_t reason, char *buf, size_t size)
{
    const char *what = reason & NMI_REASON_SERR    ? "memory parity or system error"
                       : reason & NMI_REASON_IOCHK ? "I/O channel check"
                                                   : "unknown reason";
    ksnprintf(buf, size, "NMI received: %s (port 0x61 = %02x); going on", what, reason);
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
    irq_loop_nmi(reason);
}

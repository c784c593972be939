#include "irq/irq.h"

#include "config.h"
#include "asm/interrupts.h"
#include "irq/nmi.h"
#include "pc/pic.h"

#define IRQ_LINES 16

static irq_handler handlers[IRQ_LINES];

void
irq_dispatch(struct irq_frame *frame, unsigned vector)
{
    if (vector == ARCH_VECTOR_NMI) {
        irq_nmi();
        return;
    }
    if (vector < ARCH_EXCEPTIONS) {
        arch_exception_report(frame, vector);
    }
    int line = (int)vector - PIC_VECTOR_BASE;
    if (pic_spurious(line)) {
        return;
    }
    if (handlers[line]) {
        handlers[line]();
    }
    pic_eoi(line);
}

int
irq_register(int line, irq_handler handler)
{
    if (line < 0 || line >= IRQ_LINES || handlers[line]) {
        return -1;
    }
    handlers[line] = handler;
    pic_unmask(line);
    return 0;
}

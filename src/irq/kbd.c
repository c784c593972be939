#include "irq/kbd.h"

#include "core/io.h"
#include "core/screen.h"
#include "irq/irq.h"
#include "irq/kbd_ring.h"

#define KBC_DATA        0x60
#define KBC_STATUS      0x64
#define KBC_OUTPUT_FULL 0x01
#define KEYBOARD_IRQ    1

static struct kbd_decoder decoder;
static struct kbd_ring ring;

/* IRQ 1: one byte is waiting; decode it, queue what it completes. */
static void
kbd_irq(struct irq_frame *frame)
{
    (void)frame;
    struct kbd_event ev;
    if (kbd_decode(&decoder, inb(KBC_DATA), &ev) && !kbd_ring_push(&ring, &ev)) {
        core_debug_line("kbd: key queue full, key event dropped");
    }
}

void
kbd_init(void)
{
    kbd_decoder_init(&decoder);
    kbd_ring_init(&ring, 0);
    while (inb(KBC_STATUS) & KBC_OUTPUT_FULL) {
        inb(KBC_DATA);
    }
    irq_register(KEYBOARD_IRQ, kbd_irq);
}

bool
kbd_next(struct kbd_event *ev)
{
    return kbd_ring_pop(&ring, ev);
}

uint32_t
kbd_dropped(void)
{
    return kbd_ring_dropped(&ring);
}

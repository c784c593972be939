#include "irq/kbd.h"

#include <stddef.h>

#include "core/panic.h"
#include "pc/screen.h"
#include "pc/i8042.h"
#include "irq/irq.h"
#include "irq/kbd_ring.h"

#define KEYBOARD_IRQ 1

static struct kbd_decoder decoder;
static struct kbd_ring ring;

/* IRQ 1: a byte is waiting; decode it, queue what it completes. */
static void
kbd_irq(void)
{
    uint8_t byte;
    struct kbd_event ev;
    if (i8042_read_key_byte(&byte) && kbd_decode(&decoder, byte, &ev) &&
        !kbd_ring_push(&ring, &ev)) {
        core_debug_line("kbd: key queue full, key event dropped");
    }
}

const char *
kbd_init(void)
{
    kbd_decoder_init(&decoder);
    kbd_ring_init(&ring, 0);
    const char *problem = i8042_init();
    if (problem) {
        return problem;
    }
    if (irq_register(KEYBOARD_IRQ, kbd_irq) != 0) {
        panic("kbd: IRQ %d already has a handler", KEYBOARD_IRQ);
    }
    return NULL;
}

void
kbd_put_char(char c)
{
    struct kbd_event ev = {.ascii = c, .pressed = true};
    if (!kbd_ring_push(&ring, &ev)) {
        core_debug_line("kbd: key queue full, character dropped");
    }
}

uint32_t
kbd_room(void)
{
    return kbd_ring_room(&ring);
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

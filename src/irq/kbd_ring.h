/* A single-producer single-consumer ring of key events: the IRQ 1 handler
 * pushes, the main loop pops. On a uniprocessor neither side disables
 * interrupts: each writes only its own index (head: the producer, tail: the
 * consumer), the producer fills a slot before it publishes head with a
 * release store, and the consumer reads the slot before it frees it with a
 * release store of tail; each loads the other's index with an acquire
 * load. With more than one producer or consumer, serialise each side. */
#ifndef IRQ_KBD_RING_H
#define IRQ_KBD_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/kbd_decode.h"

#define KBD_RING_CAPACITY 64 /* events; a power of two */

/* Zeroed it is an empty ring. head and tail count events pushed and popped
 * and wrap at 2^32: head - tail is how many are queued. */
struct kbd_ring {
    struct kbd_event slots[KBD_RING_CAPACITY];
    uint32_t head;    /* the producer's */
    uint32_t tail;    /* the consumer's */
    uint32_t dropped; /* events refused because the ring was full */
};

/* Empty r, with both indices at start (0 in the kernel; tests start near
 * UINT32_MAX to cross the wrap) and no event dropped. Call it before
 * either side runs. */
void kbd_ring_init(struct kbd_ring *r, uint32_t start);

/* Producer only. Queue a copy of *ev and return true; if the ring is full,
 * count ev as dropped and return false, leaving what is queued untouched. */
bool kbd_ring_push(struct kbd_ring *r, const struct kbd_event *ev);

/* Consumer only. Move the oldest queued event into *ev and return true;
 * return false (leaving *ev alone) if the ring is empty. */
bool kbd_ring_pop(struct kbd_ring *r, struct kbd_event *ev);

/* How many more events kbd_ring_push could queue now: exact for the
 * producer; for the consumer, a count that only grows until it pops. */
uint32_t kbd_ring_room(const struct kbd_ring *r);

/* How many events kbd_ring_push has dropped since kbd_ring_init (wrapping
 * at 2^32). Either side may call it. */
uint32_t kbd_ring_dropped(const struct kbd_ring *r);

#endif

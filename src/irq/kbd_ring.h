/* A single-producer single-consumer ring of key events: the IRQ handler
 * pushes, the main loop pops. On a uniprocessor this needs no locking: each
 * side writes only its own index, and the producer publishes a slot (with a
 * release store of head) only after filling it. */
#ifndef IRQ_KBD_RING_H
#define IRQ_KBD_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/kbd_decode.h"

#define KBD_RING_SIZE 64 /* a power of two */

struct kbd_ring {
    struct kbd_event slots[KBD_RING_SIZE];
    uint32_t head;    /* next slot to fill; free-running, producer's */
    uint32_t tail;    /* next slot to take; free-running, consumer's */
    uint32_t dropped; /* events refused because the ring was full */
};

/* An empty ring whose free-running indices start at start (0 in the
 * kernel; tests start near UINT32_MAX to cross the wrap). */
void kbd_ring_init(struct kbd_ring *r, uint32_t start);

/* Queue *ev. When the ring is full, ev is dropped (and counted) and what
 * is queued stays as it was; returns false then. Producer only. */
bool kbd_ring_push(struct kbd_ring *r, const struct kbd_event *ev);

/* Take the oldest event into *ev; false if there is none. Consumer only. */
bool kbd_ring_pop(struct kbd_ring *r, struct kbd_event *ev);

/* How many events were dropped. */
uint32_t kbd_ring_dropped(const struct kbd_ring *r);

#endif

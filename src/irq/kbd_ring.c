#include "irq/kbd_ring.h"

_Static_assert((KBD_RING_CAPACITY & (KBD_RING_CAPACITY - 1)) == 0,
               "the free-running indices wrap cleanly only on a power of two");

void
kbd_ring_init(struct kbd_ring *r, uint32_t start)
{
    r->head = start;
    r->tail = start;
    r->dropped = 0;
}

bool
kbd_ring_push(struct kbd_ring *r, const struct kbd_event *ev)
{
    uint32_t head = r->head;
    if (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == KBD_RING_CAPACITY) {
        __atomic_store_n(&r->dropped, r->dropped + 1, __ATOMIC_RELAXED);
        return false;
    }
    r->slots[head % KBD_RING_CAPACITY] = *ev;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE); /* publish the slot */
    return true;
}

bool
kbd_ring_pop(struct kbd_ring *r, struct kbd_event *ev)
{
    uint32_t tail = r->tail;
    if (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail) {
        return false;
    }
    *ev = r->slots[tail % KBD_RING_CAPACITY];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE); /* free the slot */
    return true;
}

uint32_t
kbd_ring_dropped(const struct kbd_ring *r)
{
    return __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
}

uint32_t
kbd_ring_room(const struct kbd_ring *r)
{
    return KBD_RING_CAPACITY - (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) -
                                __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE));
}

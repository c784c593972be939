/* The IRQ-to-main-loop key ring on the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "irq/kbd_ring.h"

/* Event number n, its fields all derived from n. */
static struct kbd_event
event(uint32_t n)
{
    return (struct kbd_event){.key = (uint16_t)(n % KBD_KEY_COUNT),
                              .mods = (uint16_t)(n >> 7),
                              .ascii = (char)('a' + n % 26),
                              .pressed = n & 1};
}

static void
assert_event(const struct kbd_event *ev, uint32_t n)
{
    struct kbd_event want = event(n);
    assert_int_equal(ev->key, want.key);
    assert_int_equal(ev->mods, want.mods);
    assert_int_equal(ev->ascii, want.ascii);
    assert_int_equal(ev->pressed, want.pressed);
}

static void
test_empty(void **state)
{
    (void)state;
    struct kbd_ring r = {0}; /* zeroed is empty too */
    struct kbd_event ev = event(5);
    assert_false(kbd_ring_pop(&r, &ev));
    assert_event(&ev, 5); /* left alone */
    kbd_ring_init(&r, 12345);
    assert_false(kbd_ring_pop(&r, &ev));
    assert_int_equal(kbd_ring_dropped(&r), 0);
}

static void
test_fifo_order(void **state)
{
    (void)state;
    struct kbd_ring r;
    kbd_ring_init(&r, 0);
    for (uint32_t i = 0; i < 10; i++) {
        struct kbd_event ev = event(i);
        assert_true(kbd_ring_push(&r, &ev));
    }
    struct kbd_event ev;
    for (uint32_t i = 0; i < 10; i++) {
        assert_true(kbd_ring_pop(&r, &ev));
        assert_event(&ev, i);
    }
    assert_false(kbd_ring_pop(&r, &ev));
}

/* Exactly KBD_RING_CAPACITY events fit; later ones are dropped and
 * counted, what was queued comes out intact and in order, and popping
 * makes room again. From 0, and from just below the 32-bit wrap. */
static void
test_full_drops_new_events(void **state)
{
    (void)state;
    static const uint32_t starts[] = {0, UINT32_MAX - 10, UINT32_MAX};
    for (int s = 0; s < 3; s++) {
        struct kbd_ring r;
        kbd_ring_init(&r, starts[s]);
        for (uint32_t i = 0; i < KBD_RING_CAPACITY; i++) {
            struct kbd_event ev = event(i);
            assert_true(kbd_ring_push(&r, &ev));
        }
        for (uint32_t i = 0; i < 100; i++) {
            struct kbd_event ev = event(1000 + i);
            assert_false(kbd_ring_push(&r, &ev));
            assert_int_equal(kbd_ring_dropped(&r), i + 1);
        }
        struct kbd_event ev;
        assert_true(kbd_ring_pop(&r, &ev));
        assert_event(&ev, 0);
        ev = event(KBD_RING_CAPACITY);
        assert_true(kbd_ring_push(&r, &ev)); /* the freed slot */
        ev = event(2000);
        assert_false(kbd_ring_push(&r, &ev));
        assert_int_equal(kbd_ring_dropped(&r), 101);
        for (uint32_t i = 1; i <= KBD_RING_CAPACITY; i++) {
            assert_true(kbd_ring_pop(&r, &ev));
            assert_event(&ev, i);
        }
        assert_false(kbd_ring_pop(&r, &ev));
        assert_int_equal(kbd_ring_dropped(&r), 101);
    }
}

/* Fill-and-drain cycles carry the free-running indices across 2^32; and,
 * from 0, across 2^16 and 2^8 (no narrower counter hides in there). */
static void
test_wrap_around(void **state)
{
    (void)state;
    static const struct {
        uint32_t start, events;
    } runs[] = {{UINT32_MAX - 3 * KBD_RING_CAPACITY - 7, 7 * KBD_RING_CAPACITY},
                {0, 70000 + KBD_RING_CAPACITY / 2}};
    for (int run = 0; run < 2; run++) {
        struct kbd_ring r;
        kbd_ring_init(&r, runs[run].start);
        uint32_t in = 0, out = 0;
        struct kbd_event ev;
        while (out < runs[run].events) {
            while (in < runs[run].events && in - out < KBD_RING_CAPACITY) {
                ev = event(in++);
                assert_true(kbd_ring_push(&r, &ev));
            }
            assert_int_equal(kbd_ring_room(&r), KBD_RING_CAPACITY - (in - out));
            if (in - out == KBD_RING_CAPACITY) {
                assert_false(kbd_ring_push(&r, &ev)); /* full */
            }
            while (kbd_ring_pop(&r, &ev)) {
                assert_event(&ev, out++);
                assert_int_equal(kbd_ring_room(&r), KBD_RING_CAPACITY - (in - out));
            }
        }
        assert_int_equal(out, in);
        assert_int_equal(r.head, r.tail);
        assert_int_equal(r.head, runs[run].start + in);
    }
}

/* kbd_ring_room counts the free slots at every step of the wrap test
 * above, across 2^32; here, from empty to full and back. */
static void
test_room(void **state)
{
    (void)state;
    struct kbd_ring r;
    kbd_ring_init(&r, UINT32_MAX - 5);
    struct kbd_event ev = event(1);
    for (uint32_t n = 0; n < KBD_RING_CAPACITY; n++) {
        assert_int_equal(kbd_ring_room(&r), KBD_RING_CAPACITY - n);
        assert_true(kbd_ring_push(&r, &ev));
    }
    assert_int_equal(kbd_ring_room(&r), 0);
    assert_false(kbd_ring_push(&r, &ev));
    assert_int_equal(kbd_ring_room(&r), 0); /* a drop takes no room */
    for (uint32_t n = 1; n <= KBD_RING_CAPACITY; n++) {
        assert_true(kbd_ring_pop(&r, &ev));
        assert_int_equal(kbd_ring_room(&r), n);
    }
}

/* Random bursts of pushes and pops, crossing the wrap: whatever was
 * accepted comes out once, in order; whatever was refused is counted. */
static void
test_interleaved(void **state)
{
    (void)state;
    struct kbd_ring r;
    kbd_ring_init(&r, UINT32_MAX - 1000);
    uint32_t x = 88172645u, next = 0, accepted[KBD_RING_CAPACITY], queued = 0;
    uint32_t first = 0, drops = 0;
    for (int step = 0; step < 300000; step++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        for (uint32_t i = 0; i < x % 11; i++) {
            struct kbd_event ev = event(next);
            if (kbd_ring_push(&r, &ev)) {
                assert_true(queued < KBD_RING_CAPACITY);
                accepted[(first + queued++) % KBD_RING_CAPACITY] = next;
            } else {
                assert_int_equal(queued, KBD_RING_CAPACITY);
                drops++;
            }
            next++;
        }
        struct kbd_event ev;
        for (uint32_t i = 0; i < (x >> 8) % 11; i++) {
            if (!kbd_ring_pop(&r, &ev)) {
                assert_int_equal(queued, 0);
                break;
            }
            assert_true(queued > 0);
            assert_event(&ev, accepted[first]);
            first = (first + 1) % KBD_RING_CAPACITY;
            queued--;
        }
    }
    assert_int_equal(kbd_ring_dropped(&r), drops);
    assert_true(drops > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_fifo_order),
        cmocka_unit_test(test_full_drops_new_events),
        cmocka_unit_test(test_wrap_around),
        cmocka_unit_test(test_room),
        cmocka_unit_test(test_interleaved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

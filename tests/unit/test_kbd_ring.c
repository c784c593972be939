/* The IRQ-to-main-loop key ring on the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "irq/kbd_ring.h"

static struct kbd_event
event(uint16_t n)
{
    return (struct kbd_event){.key = n, .ascii = (char)('a' + n % 26), .pressed = true};
}

static void
test_empty(void **state)
{
    (void)state;
    struct kbd_ring r;
    kbd_ring_init(&r, 0);
    struct kbd_event ev;
    assert_false(kbd_ring_pop(&r, &ev));
    assert_int_equal(kbd_ring_dropped(&r), 0);
}

/* Exactly KBD_RING_SIZE events fit; more are dropped and counted, and what
 * was queued comes out intact and in order. Started near UINT32_MAX, the
 * indices wrap on the way. */
static void
test_full_drops_new_keys(void **state)
{
    (void)state;
    static const uint32_t starts[] = {0, UINT32_MAX - 10};
    for (int s = 0; s < 2; s++) {
        struct kbd_ring r;
        kbd_ring_init(&r, starts[s]);
        for (uint16_t i = 0; i < KBD_RING_SIZE; i++) {
            struct kbd_event ev = event(i);
            assert_true(kbd_ring_push(&r, &ev));
        }
        for (uint16_t i = 0; i < 5; i++) {
            struct kbd_event ev = event(1000 + i);
            assert_false(kbd_ring_push(&r, &ev));
        }
        assert_int_equal(kbd_ring_dropped(&r), 5);
        struct kbd_event ev;
        for (uint16_t i = 0; i < KBD_RING_SIZE; i++) {
            assert_true(kbd_ring_pop(&r, &ev));
            assert_int_equal(ev.key, i);
            assert_int_equal(ev.ascii, 'a' + i % 26);
        }
        assert_false(kbd_ring_pop(&r, &ev));
        struct kbd_event again = event(7);
        assert_true(kbd_ring_push(&r, &again)); /* room again after popping */
    }
}

/* A long interleaving of pushes and pops, crossing the 32-bit wrap, keeps
 * order and loses nothing while the ring never fills. */
static void
test_interleaved_across_wrap(void **state)
{
    (void)state;
    struct kbd_ring r;
    kbd_ring_init(&r, UINT32_MAX - 1000);
    uint16_t next_in = 0, next_out = 0;
    uint32_t x = 88172645u;
    for (int step = 0; step < 200000; step++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int burst = x % 7;
        for (int i = 0; i < burst && (uint16_t)(next_in - next_out) < KBD_RING_SIZE;
             i++) {
            struct kbd_event ev = event(next_in++);
            assert_true(kbd_ring_push(&r, &ev));
        }
        int take = (x >> 8) % 7;
        struct kbd_event ev;
        for (int i = 0; i < take && kbd_ring_pop(&r, &ev); i++) {
            assert_int_equal(ev.key, next_out++);
        }
    }
    assert_int_equal(kbd_ring_dropped(&r), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_full_drops_new_keys),
        cmocka_unit_test(test_interleaved_across_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The bounded range set (core/ranges.c) on the host: merging as ranges
 * come, and both overflow policies, against a brute-force model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/ranges.h"

#define CAPACITY 4

static struct range table[CAPACITY + 1];
static struct range_set set;

static void
assert_ranges(const struct range *want, int n)
{
    assert_int_equal(set.count, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(set.ranges[i].start, want[i].start);
        assert_int_equal(set.ranges[i].end, want[i].end);
    }
}

static void
test_merges_overlapping_and_touching(void **state)
{
    (void)state;
    ranges_init(&set, table, CAPACITY, RANGES_MERGE_CLOSEST);
    ranges_add(&set, 100, 200);
    ranges_add(&set, 300, 400);
    ranges_add(&set, 50, 60);
    ranges_add(&set, 5, 5); /* empty: nothing */
    assert_ranges((struct range[]){{50, 60}, {100, 200}, {300, 400}}, 3);
    ranges_add(&set, 200, 300); /* touches both neighbours */
    assert_ranges((struct range[]){{50, 60}, {100, 400}}, 2);
    ranges_add(&set, 0, 1000); /* covers everything */
    assert_ranges((struct range[]){{0, 1000}}, 1);
    assert_int_equal(set.changed, 0);
}

static void
test_full_merges_the_closest(void **state)
{
    (void)state;
    ranges_init(&set, table, CAPACITY, RANGES_MERGE_CLOSEST);
    ranges_add(&set, 0, 10);
    ranges_add(&set, 100, 110);
    ranges_add(&set, 115, 120); /* 5 from its neighbour: the closest */
    ranges_add(&set, 300, 310);
    ranges_add(&set, 500, 510);
    assert_ranges((struct range[]){{0, 10}, {100, 120}, {300, 310}, {500, 510}}, 4);
    assert_int_equal(set.changed, 5);
}

static void
test_full_drops_the_smallest(void **state)
{
    (void)state;
    ranges_init(&set, table, CAPACITY, RANGES_DROP_SMALLEST);
    ranges_add(&set, 0, 10);
    ranges_add(&set, 100, 103); /* the smallest */
    ranges_add(&set, 200, 220);
    ranges_add(&set, 300, 330);
    ranges_add(&set, 400, 440);
    assert_ranges((struct range[]){{0, 10}, {200, 220}, {300, 330}, {400, 440}}, 4);
    assert_int_equal(set.changed, 3);
}

/* Random ranges on a small line against a bitmap: with room enough the
 * set is exactly the union; sorted, disjoint and never touching always. */
static void
test_random_against_a_bitmap(void **state)
{
    (void)state;
    static struct range big[65];
    srand(7);
    for (int round = 0; round < 2000; round++) {
        unsigned char covered[256] = {0};
        ranges_init(&set, big, 64,
                    round % 2 ? RANGES_DROP_SMALLEST : RANGES_MERGE_CLOSEST);
        int adds = 1 + rand() % 12;
        for (int k = 0; k < adds; k++) {
            uint64_t a = (uint64_t)(rand() % 256), b = (uint64_t)(rand() % 257);
            ranges_add(&set, a, b);
            for (uint64_t x = a; x < b; x++) {
                covered[x] = 1;
            }
        }
        unsigned char got[256] = {0};
        for (int i = 0; i < set.count; i++) {
            assert_true(set.ranges[i].start < set.ranges[i].end);
            if (i) {
                assert_true(set.ranges[i - 1].end < set.ranges[i].start);
            }
            for (uint64_t x = set.ranges[i].start; x < set.ranges[i].end; x++) {
                got[x] = 1;
            }
        }
        assert_memory_equal(got, covered, sizeof covered);
        assert_int_equal(set.changed, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merges_overlapping_and_touching),
        cmocka_unit_test(test_full_merges_the_closest),
        cmocka_unit_test(test_full_drops_the_smallest),
        cmocka_unit_test(test_random_against_a_bitmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* A randomised differential test of the TLSF pool: a million mixed
 * operations (alloc, aligned alloc, calloc, realloc, free) against a plain
 * model of the live blocks. After every step: live blocks never overlap
 * (checked against the touched block's neighbours in address order), the
 * touched block's contents are intact, and the pool's figures agree with
 * the model; every 4096 steps all blocks' contents are checked. The pool
 * is small enough that allocations also fail for want of memory.
 *
 *   test_heap_random [OPERATIONS [SEED]]   (defaults: 1000000, 1) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heap/pool.h"
#include "heap_panic.h"

#define ARENA    (4 << 20)
#define MAX_LIVE 4096

struct live {
    unsigned char *p;
    size_t size;
    unsigned char fill;
};

static struct heap_pool pool;
static _Alignas(16) unsigned char arena[ARENA];
static struct live live[MAX_LIVE];
static int live_count;
static long operations = 1000000;
static uint64_t seed = 1;

static uint64_t
next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* Sizes skewed small: mostly 1-256 bytes, some to 8 KiB, a few to 64 KiB. */
static size_t
random_size(void)
{
    uint64_t r = next();
    switch (r % 16) {
    case 0:
        return (size_t)(r >> 8) % 65536;
    case 1:
    case 2:
    case 3:
        return (size_t)(r >> 8) % 8192 + 1;
    default:
        return (size_t)(r >> 8) % 256 + 1;
    }
}

static void
check_contents(const struct live *l)
{
    for (size_t i = 0; i < l->size; i++) {
        if (l->p[i] != (unsigned char)(l->fill + i)) {
            fail_msg("block %p (size %zu) damaged at byte %zu", (void *)l->p, l->size, i);
        }
    }
}

static void
fill(struct live *l)
{
    for (size_t i = 0; i < l->size; i++) {
        l->p[i] = (unsigned char)(l->fill + i);
    }
}

/* The new block [p, p + size) overlaps no other live block. */
static void
check_no_overlap(int self)
{
    const struct live *n = &live[self];
    assert_true(n->p >= arena && n->p + n->size <= arena + ARENA);
    for (int i = 0; i < live_count; i++) {
        if (i != self && n->p < live[i].p + (live[i].size ? live[i].size : 1) &&
            live[i].p < n->p + (n->size ? n->size : 1)) {
            fail_msg("block %p+%zu overlaps %p+%zu", (void *)n->p, n->size,
                     (void *)live[i].p, live[i].size);
        }
    }
}

/* The pool's figures against the model: the live count exactly; used
 * covers every live block's bytes; used + free is the constant total. */
static void
check_stats(size_t total)
{
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    size_t requested = 0;
    for (int i = 0; i < live_count; i++) {
        requested += live[i].size;
    }
    assert_int_equal(s.live_allocations, (size_t)live_count);
    assert_true(s.used >= requested);
    assert_int_equal(s.used + s.free, total);
    assert_int_equal(s.total, total);
    assert_true(s.largest_free <= s.free);
    if (live_count == 0) {
        assert_int_equal(s.used, 0);
    }
}

static void
test_random_operations(void **state)
{
    (void)state;
    heap_pool_init(&pool);
    assert_true(heap_pool_add(&pool, arena, ARENA));
    struct heap_stats first;
    heap_pool_stats(&pool, &first);
    long failures = 0;
    uint64_t first_seed = seed;
    for (long op = 0; op < operations; op++) {
        uint64_t r = next();
        int kind = (int)(r % 10);
        int at = -1;
        if (kind < 4 || live_count == 0) { /* alloc, aligned alloc or calloc */
            if (live_count == MAX_LIVE) {
                continue;
            }
            size_t size = random_size();
            unsigned char *p;
            if (kind == 1) {
                size_t align = (size_t)1 << (r >> 8) % 13;
                p = heap_pool_alloc_aligned(&pool, size, align);
                assert_true(!p || (uintptr_t)p % align == 0);
            } else if (kind == 2) {
                size_t n = (size_t)(r >> 8) % 16 + 1;
                size = size / n;
                p = heap_pool_calloc(&pool, n, size);
                for (size_t i = 0; p && i < n * size; i++) {
                    assert_int_equal(p[i], 0);
                }
                size *= n;
            } else {
                p = heap_pool_alloc(&pool, size);
            }
            if (!p) {
                failures++;
                continue;
            }
            assert_int_equal((uintptr_t)p % 16, 0);
            at = live_count++;
            live[at] = (struct live){p, size, (unsigned char)(r >> 32)};
        } else if (kind < 6) { /* realloc */
            at = (int)((r >> 8) % (uint64_t)live_count);
            check_contents(&live[at]);
            size_t size = random_size();
            unsigned char *p = heap_pool_realloc(&pool, live[at].p, size ? size : 1);
            if (!p) {
                failures++;
                check_contents(&live[at]); /* a failed realloc keeps the block */
                continue;
            }
            size = size ? size : 1;
            size_t kept = size < live[at].size ? size : live[at].size;
            for (size_t i = 0; i < kept; i++) {
                assert_int_equal(p[i], (unsigned char)(live[at].fill + i));
            }
            live[at].p = p;
            live[at].size = size;
        } else { /* free */
            int k = (int)((r >> 8) % (uint64_t)live_count);
            check_contents(&live[k]);
            heap_pool_free(&pool, live[k].p);
            live[k] = live[--live_count];
        }
        if (at >= 0) {
            fill(&live[at]);
            check_no_overlap(at);
        }
        check_stats(first.total);
        if (op % 4096 == 0) {
            for (int i = 0; i < live_count; i++) {
                check_contents(&live[i]);
            }
        }
    }
    while (live_count) {
        check_contents(&live[live_count - 1]);
        heap_pool_free(&pool, live[--live_count].p);
    }
    struct heap_stats last;
    heap_pool_stats(&pool, &last);
    assert_int_equal(last.used, 0);
    assert_int_equal(last.largest_free, first.largest_free); /* one block again */
    assert_true(failures > 0); /* memory did run out along the way */
    printf("# %ld operations (seed %llu), %ld failed for want of memory\n", operations,
           (unsigned long long)first_seed, failures);
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        operations = strtol(argv[1], NULL, 10);
    }
    if (argc > 2) {
        seed = strtoull(argv[2], NULL, 10);
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_operations)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

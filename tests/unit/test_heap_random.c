/* A randomised differential test of the pool: a million mixed
 * operations (alloc, aligned alloc, calloc, realloc, free) against
 * heap_model, which checks after every step that the touched block is
 * aligned, intact and overlaps no other live block, and that the pool's
 * figures agree with the model; every 64 steps all blocks' contents are
 * checked, and at the end everything freed must coalesce back. The pool is
 * small enough that allocations also fail for want of memory. Then a
 * fifth as many operations on 0-64 bytes alone, more allocations than
 * frees, so that thousands of slots are live and spans fill up, empty and
 * go back to TLSF.
 *
 *   test_heap_random [OPERATIONS [SEED]]   (defaults: 1000000, 1) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "heap_model.h"
#include "heap_panic.h"

#define ARENA (4 << 20)

static struct heap_model model;
static _Alignas(16) unsigned char arena[ARENA];
static long operations = 1000000;
static uint64_t seed = 1;

void
heap_model_fail(const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fail_msg("%s", message);
    abort(); /* not reached: fail_msg jumps back into cmocka */
}

static uint64_t
next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* Sizes skewed small: nearly half 0-64 bytes (slots of the small-object
 * spans, or TLSF blocks when no span fits), as many 1-256, some to 8 KiB,
 * a few to 64 KiB. */
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
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
        return (size_t)(r >> 8) % 256 + 1;
    default:
        return (size_t)(r >> 8) % (HEAP_SMALL_MAX + 1);
    }
}

/* 0-64 bytes: a slot, or a TLSF block when no span fits. */
static size_t
small_size(void)
{
    return (size_t)(next() >> 8) % (HEAP_SMALL_MAX + 1);
}

/* 40% allocations (plain, aligned, calloc), 20% reallocs, 40% frees. */
static const enum heap_op_kind mixed_kinds[10] = {
    HEAP_OP_ALLOC,   HEAP_OP_ALIGNED, HEAP_OP_CALLOC, HEAP_OP_ALLOC, HEAP_OP_REALLOC,
    HEAP_OP_REALLOC, HEAP_OP_FREE,    HEAP_OP_FREE,   HEAP_OP_FREE,  HEAP_OP_FREE};

/* 60% allocations, 10% reallocs, 30% frees: the live count grows to the
 * model's limit and stays near it. */
static const enum heap_op_kind growing_kinds[10] = {
    HEAP_OP_ALLOC,  HEAP_OP_ALIGNED, HEAP_OP_CALLOC, HEAP_OP_ALLOC, HEAP_OP_ALLOC,
    HEAP_OP_CALLOC, HEAP_OP_REALLOC, HEAP_OP_FREE,   HEAP_OP_FREE,  HEAP_OP_FREE};

/* count random operations of kinds (ten, drawn evenly) and sizes from
 * size_of against the model; every 64 steps all blocks are checked, and at
 * the end everything is freed. Returns the allocations that failed for
 * want of memory. */
static long
run(long count, const enum heap_op_kind kinds[10], size_t (*size_of)(void))
{
    uint64_t first_seed = seed;
    heap_model_init(&model, arena, ARENA, 1);
    for (long op = 0; op < count; op++) {
        uint64_t r = next();
        struct heap_op o = heap_model_op(kinds[r % 10], size_of(), (size_t)(r >> 8));
        heap_model_step(&model, &o);
        if (op % 64 == 0) {
            heap_model_check_all(&model);
        }
    }
    heap_model_free_all(&model);
    printf("# %ld operations (seed %llu), %ld failed for want of memory\n", count,
           (unsigned long long)first_seed, model.failures);
    return model.failures;
}

static void
test_random_operations(void **state)
{
    (void)state;
    assert_true(run(operations, mixed_kinds, random_size) > 0); /* memory ran out */
}

static void
test_small_operations(void **state)
{
    (void)state;
    run(operations / 5, growing_kinds, small_size);
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
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_operations),
                                       cmocka_unit_test(test_small_operations)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

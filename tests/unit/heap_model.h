/* A model of a heap pool for host tests: each operation is applied to the
 * pool and to a plain list of the live blocks alike, every block is filled
 * with its own pattern, and after each operation the two are compared: the
 * block the operation touched is aligned, lies in the arena, overlaps no
 * other live block and holds its contents; the pool's figures agree with
 * the list, and an allocation of largest_free succeeds, one byte more
 * fails. Used by test_heap_random (random operations) and fuzz_heap
 * (libFuzzer's). A failed check calls heap_model_fail, which each test
 * defines. */
#ifndef TEST_HEAP_MODEL_H
#define TEST_HEAP_MODEL_H

#include <stddef.h>

#include "heap/pool.h"

#define HEAP_MODEL_MAX_LIVE 4096

enum heap_op_kind {
    HEAP_OP_ALLOC,
    HEAP_OP_ALIGNED,
    HEAP_OP_CALLOC,
    HEAP_OP_REALLOC,
    HEAP_OP_FREE,
    HEAP_OP_KINDS
};

struct heap_op {
    enum heap_op_kind kind;
    size_t size; /* bytes wanted; calloc: of one element */
    size_t arg;  /* aligned: the alignment; calloc: the element count;
                    realloc, free: which live block (modulo their count) */
};

struct heap_model_block {
    unsigned char *p;
    size_t size;
    unsigned char fill; /* byte i holds fill + i */
};

struct heap_model {
    struct heap_pool pool;
    unsigned char *arena;
    size_t arena_size;
    struct heap_stats empty; /* the pool's figures with nothing allocated */
    struct heap_model_block live[HEAP_MODEL_MAX_LIVE];
    int live_count;
    long steps, failures; /* operations applied; allocations that found no room */
};

/* Start over: an empty pool that manages [arena, arena + bytes) (16-byte
 * aligned), added in one region or, with regions 2, in two (the upper
 * quarters first). */
void heap_model_init(struct heap_model *m, void *arena, size_t bytes, int regions);

/* An operation of kind from a size and a raw argument: aligned takes the
 * alignment 1 << (raw % 13); calloc divides size among raw % 16 + 1
 * elements; realloc and free take the live block raw modulo their count. */
struct heap_op heap_model_op(enum heap_op_kind kind, size_t size, size_t raw);

/* Apply op to the pool and the model, then check what it touched and the
 * pool's figures. Realloc and free with nothing live allocate instead. */
void heap_model_step(struct heap_model *m, const struct heap_op *op);

/* Check every live block's contents. */
void heap_model_check_all(const struct heap_model *m);

/* Free every live block, checking its contents first; once heap_pool_trim
 * gives back the empty spans, the pool's figures must be the empty pool's
 * again (everything coalesced back). */
void heap_model_free_all(struct heap_model *m);

/* Report a failed check and never return. Each test defines it. */
__attribute__((noreturn, format(printf, 1, 2))) void heap_model_fail(const char *fmt,
                                                                     ...);

#endif

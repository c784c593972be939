#include "heap_model.h"

#include <stdint.h>
#include <string.h>

/* What a block may cost beyond its request: its header, the rounding to 16
 * bytes and a tail too small to be cut off as a block of its own. */
#define SLACK 128
#define CHUNK 4096 /* a multiple of 256 */

/* Byte i of a block holds fill + i: pattern + fill, repeated. */
static unsigned char pattern[CHUNK + 256];
static const unsigned char zeros[CHUNK];

#define CHECK(cond, ...)                                                                 \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            heap_model_fail(__VA_ARGS__);                                                \
        }                                                                                \
    } while (0)

void
heap_model_init(struct heap_model *m, void *arena, size_t bytes, int regions)
{
    if (!pattern[1]) {
        for (size_t i = 0; i < sizeof pattern; i++) {
            pattern[i] = (unsigned char)i;
        }
    }
    heap_pool_init(&m->pool);
    m->arena = arena;
    m->arena_size = bytes;
    m->live_count = 0;
    m->steps = m->failures = 0;
    size_t lower = regions == 2 ? bytes / 4 / HEAP_ALIGN * HEAP_ALIGN : 0;
    CHECK(heap_pool_add(&m->pool, m->arena + lower, bytes - lower), "region refused");
    CHECK(!lower || heap_pool_add(&m->pool, m->arena, lower), "region refused");
    heap_pool_stats(&m->pool, &m->empty);
}

struct heap_op
heap_model_op(enum heap_op_kind kind, size_t size, size_t raw)
{
    struct heap_op op = {kind, size, raw};
    if (kind == HEAP_OP_ALIGNED) {
        op.arg = (size_t)1 << raw % 13;
    } else if (kind == HEAP_OP_CALLOC) {
        op.arg = raw % 16 + 1;
        op.size = size / op.arg;
    }
    return op;
}

/* The first of size bytes at p that differs from ref (which repeats every
 * CHUNK bytes), or size. memcmp's speed lets the fuzzer run many inputs. */
static size_t
first_difference(const unsigned char *p, size_t size, const unsigned char *ref)
{
    for (size_t at = 0; at < size; at += CHUNK) {
        size_t n = size - at < CHUNK ? size - at : CHUNK;
        if (memcmp(p + at, ref, n) != 0) {
            size_t i = 0;
            while (p[at + i] == ref[i]) {
                i++;
            }
            return at + i;
        }
    }
    return size;
}

static void
check_contents(const struct heap_model_block *b)
{
    size_t i = first_difference(b->p, b->size, pattern + b->fill);
    CHECK(i == b->size, "block %p (size %zu) damaged at byte %zu", (void *)b->p, b->size,
          i);
}

/* Fill a new or moved block, then check that it is aligned to align, lies
 * in the arena and overlaps no other live block. */
static void
place(const struct heap_model *m, struct heap_model_block *n, size_t align)
{
    for (size_t at = 0; at < n->size; at += CHUNK) {
        memcpy(n->p + at, pattern + n->fill, n->size - at < CHUNK ? n->size - at : CHUNK);
    }
    CHECK((uintptr_t)n->p % align == 0, "block %p not aligned to %zu", (void *)n->p,
          align);
    CHECK(n->p >= m->arena && n->p + n->size <= m->arena + m->arena_size,
          "block %p+%zu outside the arena", (void *)n->p, n->size);
    for (const struct heap_model_block *b = m->live; b < m->live + m->live_count; b++) {
        if (b != n && n->p < b->p + (b->size ? b->size : 1) &&
            b->p < n->p + (n->size ? n->size : 1)) {
            heap_model_fail("block %p+%zu overlaps %p+%zu", (void *)n->p, n->size,
                            (void *)b->p, b->size);
        }
    }
}

/* The pool's figures against the model: the live count exactly; used
 * covers every live block's bytes and at most SLACK more for each; used +
 * free is the constant total. */
static void
check_stats(const struct heap_model *m)
{
    struct heap_stats s;
    heap_pool_stats(&m->pool, &s);
    size_t requested = 0;
    for (int i = 0; i < m->live_count; i++) {
        requested += m->live[i].size;
    }
    CHECK(s.live_allocations == (size_t)m->live_count, "live %zu, model %d",
          s.live_allocations, m->live_count);
    CHECK(s.used >= requested && s.used <= requested + (size_t)m->live_count * SLACK,
          "used %zu for %zu bytes in %d blocks", s.used, requested, m->live_count);
    CHECK(s.total == m->empty.total && s.used + s.free == s.total,
          "total %zu (was %zu), used %zu, free %zu", s.total, m->empty.total, s.used,
          s.free);
    CHECK(s.largest_free <= s.free, "largest free %zu > free %zu", s.largest_free,
          s.free);
}

/* largest_free is what an allocation can get now: that much succeeds and
 * one byte more does not. The probe goes back at once (only the order of
 * its free list changes); with nothing free, even one byte fails. */
static void
check_largest(struct heap_model *m)
{
    struct heap_stats s;
    heap_pool_stats(&m->pool, &s);
    void *more = heap_pool_alloc(&m->pool, s.largest_free + 1);
    CHECK(!more, "an allocation of %zu got %p, past largest free %zu", s.largest_free + 1,
          more, s.largest_free);
    if (s.largest_free) {
        void *p = heap_pool_alloc(&m->pool, s.largest_free);
        CHECK(p, "an allocation of largest free %zu failed", s.largest_free);
        heap_pool_free(&m->pool, p);
    }
}

/* A new block from alloc, aligned alloc or calloc. */
static void
alloc_one(struct heap_model *m, enum heap_op_kind kind, const struct heap_op *op)
{
    if (m->live_count == HEAP_MODEL_MAX_LIVE) {
        return;
    }
    size_t size = op->size, align = HEAP_ALIGN;
    unsigned char *p;
    if (kind == HEAP_OP_ALIGNED) {
        p = heap_pool_alloc_aligned(&m->pool, size, op->arg);
        align = op->arg > align ? op->arg : align;
    } else if (kind == HEAP_OP_CALLOC) {
        p = heap_pool_calloc(&m->pool, op->arg, size);
        size *= op->arg;
        size_t i = p ? first_difference(p, size, zeros) : size;
        CHECK(i == size, "calloc'd %p not zero at byte %zu", (void *)p, i);
    } else {
        p = heap_pool_alloc(&m->pool, size);
    }
    if (!p) {
        m->failures++;
        return;
    }
    int at = m->live_count++;
    m->live[at] = (struct heap_model_block){p, size, (unsigned char)(m->steps * 7 + at)};
    place(m, &m->live[at], align);
}

static void
forget(struct heap_model *m, struct heap_model_block *b)
{
    *b = m->live[--m->live_count];
}

/* Realloc: the kept bytes stay; a failure keeps the block whole. */
static void
realloc_one(struct heap_model *m, struct heap_model_block *b, size_t size)
{
    check_contents(b);
    unsigned char *p = heap_pool_realloc(&m->pool, b->p, size);
    if (size == 0) {
        CHECK(!p, "realloc to 0 returned %p", (void *)p);
        forget(m, b);
        return;
    }
    if (!p) {
        m->failures++;
        check_contents(b);
        return;
    }
    check_contents(
        &(struct heap_model_block){p, size < b->size ? size : b->size, b->fill});
    b->p = p;
    b->size = size;
    place(m, b, HEAP_ALIGN);
}

void
heap_model_step(struct heap_model *m, const struct heap_op *op)
{
    m->steps++;
    if (m->live_count == 0 || op->kind < HEAP_OP_REALLOC) {
        alloc_one(m, op->kind < HEAP_OP_REALLOC ? op->kind : HEAP_OP_ALLOC, op);
    } else {
        struct heap_model_block *b = &m->live[op->arg % (size_t)m->live_count];
        if (op->kind == HEAP_OP_REALLOC) {
            realloc_one(m, b, op->size);
        } else {
            check_contents(b);
            heap_pool_free(&m->pool, b->p);
            forget(m, b);
        }
    }
    check_stats(m);
    check_largest(m);
}

void
heap_model_check_all(const struct heap_model *m)
{
    for (int i = 0; i < m->live_count; i++) {
        check_contents(&m->live[i]);
    }
}

void
heap_model_free_all(struct heap_model *m)
{
    while (m->live_count) {
        struct heap_model_block *b = &m->live[m->live_count - 1];
        check_contents(b);
        heap_pool_free(&m->pool, b->p);
        forget(m, b);
    }
    heap_pool_trim(&m->pool); /* the empty spans kept for reuse */
    struct heap_stats s;
    heap_pool_stats(&m->pool, &s);
    CHECK(s.used == 0 && s.free == m->empty.free && s.live_allocations == 0 &&
              s.largest_free == m->empty.largest_free,
          "after freeing everything: used %zu, free %zu (of %zu), largest free %zu "
          "(was %zu), live %zu",
          s.used, s.free, m->empty.free, s.largest_free, m->empty.largest_free,
          s.live_allocations);
}

/* The allocator engine: a two-level segregated fit (TLSF) pool over one or
 * more memory regions, with immediate coalescing, and in front of it, for
 * requests of up to HEAP_SMALL_MAX bytes, small-object spans. Allocation
 * and free take constant time. Needs only core/, so it runs on the host
 * too.
 *
 * TLSF: two bitmaps and find-first-set pick a free list whose every block
 * fits (when there is none, a few blocks of the request's own list are
 * tried); neighbours merge through the blocks' headers.
 *
 * Spans (as in a slab allocator): a span is one TLSF block of HEAP_SPAN
 * bytes, aligned to HEAP_SPAN, cut into slots of one 16-byte size class
 * (16, 32, 48 or 64 bytes) with no header each, so that a small object
 * costs its rounded size and no more. The span's header, found by rounding
 * a pointer down, has a bit per 16 bytes, set where an allocated slot
 * starts. The fast paths are a few loads and stores: an allocation takes
 * a slot of the first span on its class's partial list (the last one
 * freed, else one never handed out), a free puts the slot at the front of
 * its span's free list. A span whose last slot is freed goes onto its
 * class's empty list for reuse, up to HEAP_EMPTY_SPANS of them, or back
 * to TLSF (heap_pool_trim gives back the kept ones too). When no span can
 * be had, a small request gets a TLSF block.
 *
 * Making a span (an aligned TLSF allocation and the span's header) costs
 * more than any other operation, so no allocation does it whole. A class
 * that keeps no empty span makes its next span in four steps (span_prepare
 * in pool.c), one on each allocation that leaves fewer than four free
 * slots in all its spans, so it is ready when they are gone. A first
 * region of at least HEAP_FIRST_SPANS_MIN bytes starts
 * with a span of each class, never given back, for each class's first
 * allocation. An allocation makes a span whole, or finishes one, only
 * where the steps could not run (a pool short of memory, a class's first
 * allocation in a smaller pool, or after heap_pool_trim); spans_at_once
 * counts those. In the figures (heap_pool_stats), a slot counts its size,
 * and the spans' free slots and headers, and a span on its way, count as
 * free.
 *
 * Misuse ends in panic() with one of these messages:
 *   "heap: double free of %p"
 *   "heap: free of invalid pointer %p" (not from this pool, misaligned,
 *       no valid block header before it, not the start of an allocated
 *       slot, or the end of a region)
 *   "heap: corrupted block header at %p (overflow from the block at %p?)"
 *       (a neighbour's header fails its canary check, or a free slot's
 *       canary, which the allocation that would hand it out again checks;
 *       when the block before the damaged one is not known, "from the
 *       block before it?"). Slots have no header: an overflow from a slot
 *       into a live one is not seen. */
#ifndef HEAP_POOL_H
#define HEAP_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN         16
#define HEAP_SL_LOG2       4 /* 16 size classes per power of two */
#define HEAP_SL_COUNT      (1 << HEAP_SL_LOG2)
#define HEAP_FL_SHIFT      8          /* below 256 bytes: 16 linear classes of 16 */
#define HEAP_FL_COUNT      24         /* classes up to HEAP_MAX_BLOCK */
#define HEAP_MAX_BLOCK     (1u << 30) /* larger regions are added in pieces */
#define HEAP_SMALL_MAX     64         /* requests up to this size take a slot in a span */
#define HEAP_SMALL_CLASSES (HEAP_SMALL_MAX / HEAP_ALIGN)
#define HEAP_SPAN          2048 /* a span's bytes (its block's header included) and alignment */
#define HEAP_EMPTY_SPANS   4 /* empty spans a class keeps for reuse, at most */
#define HEAP_FIRST_SPANS_MIN                                                             \
    (64 * HEAP_SPAN) /* a first region this big starts with a span of each class */

struct heap_stats {
    size_t total;            /* bytes managed: every block with its header */
    size_t used;             /* bytes in allocated blocks, headers included */
    size_t free;             /* total - used */
    size_t largest_free;     /* the largest size an allocation can get now */
    size_t live_allocations; /* blocks allocated and not yet freed */
};

struct heap_block;
struct heap_span;

/* One size class of slots. */
struct heap_small_class {
    struct heap_span *partial; /* spans with slots allocated and maybe a free one,
                                  the last to get one first; only the first is
                                  ever full */
    struct heap_span *empty;   /* spans with no slot allocated, kept for reuse */
    size_t empty_count;        /* at most HEAP_EMPTY_SPANS, besides a first span */
    size_t room;               /* free slots in all its spans */
};

/* What a class's slow paths keep (the next span on its way: see
 * span_prepare in pool.c), apart from struct heap_small_class so that that
 * stays a power of two in size, which the fast path indexes. */
struct heap_class_spans {
    struct heap_block *block; /* the block on its way to a span, or NULL */
    struct heap_block *gap;   /* the block before its span boundary, split off
                                 it and not yet given back, or NULL */
    size_t slots;             /* slots in all its spans: less room, the
                                 slots allocated */
};

struct heap_pool {
    uint32_t fl_bitmap;                /* bit f: some list of class f is not empty */
    uint32_t sl_bitmap[HEAP_FL_COUNT]; /* bit s: list [f][s] is not empty */
    struct heap_block *lists[HEAP_FL_COUNT][HEAP_SL_COUNT];
    uintptr_t first, span; /* every payload lies in [first, first + span) */
    uintptr_t span_key;    /* in span canaries: its epoch, unlike any earlier
                              pool's here, mixed with a constant */
    size_t total, used, live;
    struct heap_small_class small[HEAP_SMALL_CLASSES]; /* slots of 16, 32, 48, 64 */
    struct heap_class_spans class_spans[HEAP_SMALL_CLASSES];
    size_t spans_at_once; /* spans an allocation had to make whole (see above) */
};

/* An empty pool. */
void heap_pool_init(struct heap_pool *pool);

/* The 16-byte aligned part [*start, *end) of [mem, mem + bytes); false when
 * it is empty. A range that reaches the top of the address space ends at
 * the last boundary below it, so mem + bytes never wraps to 0. Inline here,
 * not in pool.c, only so that host tests can check that arithmetic: they
 * cannot map memory at the top of the address space. */
static inline bool
heap_pool_bounds(uintptr_t mem, size_t bytes, uintptr_t *start, uintptr_t *end)
{
    uintptr_t room = UINTPTR_MAX - mem; /* up to the last address at most */
    *end = (mem + (bytes < room ? bytes : room)) & ~(uintptr_t)(HEAP_ALIGN - 1);
    if (*end <= mem) {
        return false; /* also keeps the rounding up of mem below from wrapping */
    }
    *start = (mem + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
    return *start < *end;
}

/* Manage [mem, mem + bytes) too (aligned inwards to 16 bytes; pieces of at
 * most HEAP_MAX_BLOCK; each piece's first payload moved up to a HEAP_SPAN
 * boundary, losing less than HEAP_SPAN; a region that reaches the top of
 * the address space loses its last 16 bytes). The first region also keeps
 * the pool's epoch in its first 16 bytes: one more than what an earlier
 * pool over the same memory left there, so that its span headers, still
 * in RAM after a warm reset, do not pass for this pool's. Returns false,
 * adding nothing, when too small to hold a block. */
bool heap_pool_add(struct heap_pool *pool, void *mem, size_t bytes);

/* size bytes, 16-byte aligned, or NULL when no free block fits. size 0
 * gives a unique pointer of a minimum-size block. Up to HEAP_SMALL_MAX
 * bytes: a slot of size's class, from a new span when the class has no
 * free slot, or a TLSF block when no span fits either. In constant time:
 * when no free block of a size class above size's own is left, only the
 * first 8 blocks of size's own class are tried, so it may return NULL
 * while a fitting block lies deeper in that list. */
void *heap_pool_alloc(struct heap_pool *pool, size_t size);

/* size bytes aligned to align, a power of two up to 4096 (NULL otherwise,
 * or when no free block fits, as heap_pool_alloc finds them). */
void *heap_pool_alloc_aligned(struct heap_pool *pool, size_t size, size_t align);

/* n * size zeroed bytes; NULL if the product overflows or nothing fits. */
void *heap_pool_calloc(struct heap_pool *pool, size_t n, size_t size);

/* C's realloc: NULL p allocates; size 0 frees p and returns NULL; shrinks
 * in place; grows in place into a free next block (a slot: within its
 * size); otherwise moves the contents to a new block, in the largest free
 * block when that fits (where it can grow in place again). On failure
 * returns NULL and p is untouched. */
void *heap_pool_realloc(struct heap_pool *pool, void *p, size_t size);

/* Give back a block; NULL is ignored. Misuse panics (see above). */
void heap_pool_free(struct heap_pool *pool, void *p);

/* Give every span kept for reuse (none of its slots allocated) back to
 * TLSF, and any span halfway made, so that they can merge with their
 * neighbours, but the first spans: after everything is freed, the pool is
 * as heap_pool_add left it, one free block per region after those. */
void heap_pool_trim(struct heap_pool *pool);

/* The pool's figures. largest_free is exact: the largest size that
 * heap_pool_alloc would give now (it looks at the first 8 blocks of the
 * largest size class's list, as an allocation does, and at the slot
 * classes with a free slot); everything else is kept as counters. */
void heap_pool_stats(const struct heap_pool *pool, struct heap_stats *out);

#endif

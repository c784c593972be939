/* The pool on the host: contract, coalescing and misuse detection, for
 * TLSF blocks (requests over HEAP_SMALL_MAX bytes) and for the slots of the
 * small-object spans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heap/pool.h"
#include "heap_panic.h"

#define ARENA (1 << 20)

static struct heap_pool pool;
static _Alignas(16) unsigned char arena[ARENA];
static _Alignas(16) unsigned char arena2[64 * 1024];
static struct heap_stats initial;

static int
setup(void **state)
{
    (void)state;
    heap_pool_init(&pool);
    assert_true(heap_pool_add(&pool, arena, ARENA));
    heap_pool_stats(&pool, &initial);
    return 0;
}

/* The pool is back to one free block holding everything, once the empty
 * spans kept for reuse are given back. */
static void
assert_pristine(void)
{
    struct heap_stats s;
    heap_pool_trim(&pool);
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.live_allocations, 0);
    assert_int_equal(s.free, s.total);
    assert_int_equal(s.largest_free, initial.largest_free);
    assert_int_equal(s.total, initial.total);
}

static void
test_initial_figures(void **state)
{
    (void)state;
    /* The first payload starts on a span boundary: up to HEAP_SPAN less. */
    assert_true(initial.total > ARENA - HEAP_SPAN - 128 && initial.total <= ARENA);
    assert_int_equal(initial.free, initial.total);
    /* Less each class's first span, which counts as free. */
    size_t first_spans = HEAP_SMALL_CLASSES * HEAP_SPAN;
    assert_true(initial.largest_free > ARENA - HEAP_SPAN - first_spans - 128);
    assert_true(initial.largest_free <= ARENA - first_spans);
    assert_int_equal(initial.live_allocations, 0);
}

static void
test_alignment(void **state)
{
    (void)state;
    void *ps[200];
    for (int i = 0; i < 200; i++) {
        ps[i] = heap_pool_alloc(&pool, (size_t)(i * 7 + 1));
        assert_non_null(ps[i]);
        assert_int_equal((uintptr_t)ps[i] % 16, 0);
    }
    for (size_t align = 1; align <= 4096; align <<= 1) {
        void *p = heap_pool_alloc_aligned(&pool, 100, align);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % align, 0);
        memset(p, 0xAB, 100);
        heap_pool_free(&pool, p);
    }
    assert_null(heap_pool_alloc_aligned(&pool, 8, 8192));
    assert_null(heap_pool_alloc_aligned(&pool, 8, 48));
    assert_null(heap_pool_alloc_aligned(&pool, 8, 0));
    for (int i = 0; i < 200; i++) {
        heap_pool_free(&pool, ps[i]);
    }
    assert_pristine();
}

static void
test_zero_size(void **state)
{
    (void)state;
    void *a = heap_pool_alloc(&pool, 0), *b = heap_pool_alloc(&pool, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    heap_pool_free(&pool, a);
    heap_pool_free(&pool, b);
    heap_pool_free(&pool, NULL);
    assert_pristine();
}

static void
test_zeroed_calloc(void **state)
{
    (void)state;
    assert_null(heap_pool_calloc(&pool, SIZE_MAX / 2, 3));
    assert_null(heap_pool_calloc(&pool, 3, SIZE_MAX / 2));
    unsigned char *p = heap_pool_alloc(&pool, 4096);
    memset(p, 0xFF, 4096);
    heap_pool_free(&pool, p);
    unsigned char *q = heap_pool_calloc(&pool, 512, 8);
    assert_non_null(q);
    for (int i = 0; i < 4096; i++) {
        assert_int_equal(q[i], 0);
    }
    heap_pool_free(&pool, q);
    assert_pristine();
}

static void
test_realloc_cases(void **state)
{
    (void)state;
    char *p = heap_pool_realloc(&pool, NULL, 100); /* a TLSF block */
    memcpy(p, "0123456789012345678901234567890123456789", 40);
    char *same = heap_pool_realloc(&pool, p, 80); /* shrink in place */
    assert_ptr_equal(same, p);
    char *grown = heap_pool_realloc(&pool, p, 4000); /* next block is free */
    assert_ptr_equal(grown, p);
    assert_memory_equal(grown, "01234567890123456789", 20);
    struct heap_stats one;
    heap_pool_stats(&pool, &one);
    size_t header = one.used - 4000; /* grown is the one block in use */
    char *blocker = heap_pool_alloc(&pool, 80);
    assert_ptr_equal(blocker, grown + 4000 + header); /* the very next block */
    char *moved = heap_pool_realloc(&pool, grown, 20000);
    assert_non_null(moved);
    assert_ptr_not_equal(moved, grown);
    assert_memory_equal(moved, "01234567890123456789", 20);
    struct heap_stats before;
    heap_pool_stats(&pool, &before);
    assert_null(heap_pool_realloc(&pool, moved, ARENA * 2)); /* fails ... */
    assert_memory_equal(moved, "01234567890123456789", 20);  /* ... untouched */
    struct heap_stats after;
    heap_pool_stats(&pool, &after);
    assert_int_equal(after.used, before.used);
    assert_null(heap_pool_realloc(&pool, moved, 0)); /* frees */
    heap_pool_free(&pool, blocker);
    assert_pristine();
}

/* Free in several orders: always back to a single free block. */
static void
test_coalescing_orders(void **state)
{
    (void)state;
    enum {
        N = 64
    };
    void *ps[N];
    for (int order = 0; order < 3; order++) {
        for (int i = 0; i < N; i++) {
            ps[i] = heap_pool_alloc(&pool, (size_t)(16 + i * 24));
        }
        for (int i = 0; i < N; i++) {
            int k = order == 0 ? i : order == 1 ? N - 1 - i : (i * 37) % N;
            heap_pool_free(&pool, ps[k]);
        }
        assert_pristine();
    }
}

static void
test_out_of_memory(void **state)
{
    (void)state;
    void *big = heap_pool_alloc(&pool, ARENA / 2);
    assert_non_null(big);
    assert_null(heap_pool_alloc(&pool, ARENA / 2 + 4096));
    assert_null(heap_pool_alloc(&pool, SIZE_MAX - 64));
    void *small = heap_pool_alloc(&pool, 100); /* still works */
    assert_non_null(small);
    heap_pool_free(&pool, big);
    heap_pool_free(&pool, small);
    assert_pristine();
}

static void
test_several_regions(void **state)
{
    (void)state;
    assert_true(heap_pool_add(&pool, arena2 + 3, sizeof arena2 - 3));
    assert_false(heap_pool_add(&pool, arena2, 40)); /* too small */
    void *big = heap_pool_alloc(&pool, ARENA - 4096 - HEAP_SMALL_CLASSES * HEAP_SPAN);
    void *other = heap_pool_alloc(&pool, 32 * 1024); /* only fits the second */
    assert_non_null(big);
    assert_non_null(other);
    assert_true((unsigned char *)other >= arena2 &&
                (unsigned char *)other < arena2 + sizeof arena2);
    heap_pool_free(&pool, big);
    heap_pool_free(&pool, other);
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.free, s.total);
    assert_true(s.total > initial.total + 60 * 1024);
}

/* A fresh pool with no free block but 512-byte blocks and one 528-byte
 * block, all in the same size class, the 528 one at place depth of the
 * class's list (and slots). */
static void
free_fit_at(int depth)
{
    setup(NULL);
    void *blocks[128];
    assert_true(depth <= 128);
    for (int i = 0; i < depth; i++) {
        blocks[i] = heap_pool_alloc(&pool, i ? 512 : 528);
        assert_non_null(heap_pool_alloc(&pool, 80)); /* keeps them apart */
    }
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    assert_non_null(heap_pool_alloc(&pool, s.largest_free)); /* the rest */
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.largest_free, HEAP_SMALL_MAX); /* the first spans' slots */
    for (int i = 0; i < depth; i++) {                 /* each goes to the list's head */
        heap_pool_free(&pool, blocks[i]);
    }
}

/* alloc(520) in free_fit_at(depth)'s pool, which only the 528 block fits. */
static void *
alloc_with_fit_at(int depth)
{
    free_fit_at(depth);
    return heap_pool_alloc(&pool, 520);
}

/* With no free block in a class above a request's own, only the first few
 * blocks of its own class's list are tried (8; constant time): a fitting
 * block deeper in it is not found. The trade-off pool.h states. */
static void
test_own_class_walk_bounded(void **state)
{
    (void)state;
    assert_non_null(alloc_with_fit_at(2)); /* behind one that does not fit */
    assert_non_null(alloc_with_fit_at(8));
    assert_null(alloc_with_fit_at(9));
    assert_null(alloc_with_fit_at(100));
}

/* largest_free is the largest request that succeeds now, the bounded walk
 * included: 528 while the 528-byte block is among the first 8 of its list,
 * 512 once it lies deeper. */
static void
test_largest_free_is_allocatable(void **state)
{
    (void)state;
    const int depths[] = {1, 2, 8, 9, 100};
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        free_fit_at(depths[i]);
        struct heap_stats s;
        heap_pool_stats(&pool, &s);
        assert_int_equal(s.largest_free, depths[i] <= 8 ? 528 : 512);
        assert_null(heap_pool_alloc(&pool, s.largest_free + 1));
        assert_non_null(heap_pool_alloc(&pool, s.largest_free));
    }
}

/* heap_pool_add's bounds. A region at the top of the address space cannot
 * be mapped on the host, so this checks heap_pool_bounds, the arithmetic
 * heap_pool_add uses, with addresses alone. */
static void
test_region_bounds(void **state)
{
    (void)state;
    uintptr_t start, end;
    assert_true(heap_pool_bounds(0x1003, 0x100, &start, &end)); /* aligned inwards */
    assert_int_equal(start, 0x1010);
    assert_int_equal(end, 0x1100);
    uintptr_t top = UINTPTR_MAX - 0xFFFF;                      /* the last 64 KiB */
    assert_true(heap_pool_bounds(top, 0x10000, &start, &end)); /* ends at the top */
    assert_int_equal(start, top);
    assert_int_equal(end, UINTPTR_MAX - 15); /* not 0: the last 16 bytes are lost */
    assert_true(heap_pool_bounds(top + 3, SIZE_MAX, &start, &end)); /* past the top */
    assert_int_equal(start, top + 16);
    assert_int_equal(end, UINTPTR_MAX - 15);
    assert_false(heap_pool_bounds(UINTPTR_MAX - 7, 8, &start, &end)); /* no boundary */
    assert_false(heap_pool_bounds(0x1001, 14, &start, &end));
}

/* A double free of a block of size bytes panics, naming it; so does a
 * realloc of it. */
static void
assert_double_free_caught(size_t size)
{
    void *p = heap_pool_alloc(&pool, size);
    heap_pool_free(&pool, p);
    assert_true(PANICS(heap_pool_free(&pool, p)));
    char want[64];
    snprintf(want, sizeof want, "heap: double free of %p", p);
    assert_string_equal(panic_message, want);
    assert_true(PANICS(heap_pool_realloc(&pool, p, 10)));
    assert_string_equal(panic_message, want);
}

/* A double free of a TLSF block and of a slot (which sits on its span's
 * free list, the first to be handed out again). */
static void
test_double_free_panics(void **state)
{
    (void)state;
    assert_double_free_caught(100);
    assert_double_free_caught(64);
    assert_double_free_caught(1);
}

/* A double free after the block merged into its free neighbour. */
static void
test_double_free_after_merge(void **state)
{
    (void)state;
    void *a = heap_pool_alloc(&pool, 80), *b = heap_pool_alloc(&pool, 80);
    void *c = heap_pool_alloc(&pool, 80);
    heap_pool_free(&pool, a);
    heap_pool_free(&pool, b); /* b merges into a */
    assert_true(PANICS(heap_pool_free(&pool, b)));
    char want[64];
    snprintf(want, sizeof want, "heap: double free of %p", b);
    assert_string_equal(panic_message, want);
    heap_pool_free(&pool, c);
}

static void
test_invalid_pointers_panic(void **state)
{
    (void)state;
    int on_stack;
    char want[64];
    assert_true(PANICS(heap_pool_free(&pool, &on_stack)));
    snprintf(want, sizeof want, "heap: free of invalid pointer %p", (void *)&on_stack);
    assert_string_equal(panic_message, want);
    char *p = heap_pool_alloc(&pool, 256);
    memset(p, 0x5C, 256);
    assert_true(PANICS(heap_pool_free(&pool, p + 64))); /* inside a block */
    snprintf(want, sizeof want, "heap: free of invalid pointer %p", (void *)(p + 64));
    assert_string_equal(panic_message, want);
    assert_true(PANICS(heap_pool_free(&pool, p + 1))); /* misaligned */
    assert_true(PANICS(heap_pool_realloc(&pool, p + 32, 10)));
}

/* The payload address of a region's zero-size end sentinel is no
 * allocation, even when the next region starts right there (freeing it
 * would merge the two regions and take live below 0). */
static void
test_region_end_is_invalid(void **state)
{
    (void)state;
    size_t half = sizeof arena2 / 2;
    assert_true(heap_pool_add(&pool, arena2, half));
    assert_true(heap_pool_add(&pool, arena2 + half, half));
    void *end = arena2 + half; /* the first region's sentinel's payload */
    char want[64];
    snprintf(want, sizeof want, "heap: free of invalid pointer %p", end);
    assert_true(PANICS(heap_pool_free(&pool, end)));
    assert_string_equal(panic_message, want);
    assert_true(PANICS(heap_pool_realloc(&pool, end, 10)));
    assert_string_equal(panic_message, want);
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.live_allocations, 0);
    assert_int_equal(s.used, 0);
}

/* Writing past the end of a block damages the next header; freeing the
 * block that overflowed names the damaged header and where it came from. */
static void
test_overflow_detected(void **state)
{
    (void)state;
    char *a = heap_pool_alloc(&pool, 96), *b = heap_pool_alloc(&pool, 96);
    assert_true(b > a);
    memset(a, 'x', (size_t)(b - a) - 4); /* into b's header, not all of it */
    char want[128];
    assert_true(PANICS(heap_pool_free(&pool, a)));
    snprintf(want, sizeof want,
             "heap: corrupted block header at %p (overflow from the block at %p?)",
             (void *)(a + 96), (void *)a);
    assert_string_equal(panic_message, want);
}

/* Slots of every class: distinct, aligned, in the arena, counted at their
 * class's size, over more than one span each; freed, they leave one empty
 * span a class behind, which heap_pool_trim gives back. */
static void
test_small_slots(void **state)
{
    (void)state;
    enum {
        N = 300 /* more than a span of 16-byte slots holds */
    };
    static unsigned char *ps[HEAP_SMALL_CLASSES][N];
    size_t want_used = 0;
    for (int c = 0; c < HEAP_SMALL_CLASSES; c++) {
        size_t size = (size_t)(c + 1) * HEAP_ALIGN;
        for (int i = 0; i < N; i++) {
            ps[c][i] = heap_pool_alloc(&pool, size - (size_t)(i % HEAP_ALIGN));
            assert_non_null(ps[c][i]);
            assert_int_equal((uintptr_t)ps[c][i] % HEAP_ALIGN, 0);
            assert_true(ps[c][i] >= arena && ps[c][i] + size <= arena + ARENA);
            memset(ps[c][i], c * 16 + i % 16, size);
            want_used += size;
        }
    }
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.used, want_used);
    assert_int_equal(s.live_allocations, HEAP_SMALL_CLASSES * N);
    assert_int_equal(s.used + s.free, s.total);
    for (int c = 0; c < HEAP_SMALL_CLASSES; c++) {
        size_t size = (size_t)(c + 1) * HEAP_ALIGN;
        for (int i = 0; i < N; i++) {
            for (size_t k = 0; k < size; k++) {
                assert_int_equal(ps[c][i][k], c * 16 + i % 16); /* no overlap */
            }
        }
    }
    for (int c = 0; c < HEAP_SMALL_CLASSES; c++) {
        for (int i = 0; i < N; i++) {
            heap_pool_free(&pool, ps[c][i]);
        }
    }
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.live_allocations, 0);
    assert_true(s.largest_free < initial.largest_free); /* empty spans kept */
    assert_pristine();
}

/* A full span that gets a slot back goes to the front of its class's list,
 * ahead of another full one: the allocations after it must not take a
 * slot past the end of that one. */
static void
test_small_full_spans(void **state)
{
    (void)state;
    enum {
        MAX = 1000
    };
    static char *ps[MAX];
    int n = 0, per_span = 0;
    /* Two spans of 64-byte slots, both full. */
    while (n < MAX && (per_span == 0 || n < 2 * per_span)) {
        ps[n] = heap_pool_alloc(&pool, 64);
        assert_non_null(ps[n]);
        uintptr_t span = (uintptr_t)ps[n] & ~(uintptr_t)(HEAP_SPAN - 1);
        if (!per_span && span != ((uintptr_t)ps[0] & ~(uintptr_t)(HEAP_SPAN - 1))) {
            per_span = n;
        }
        n++;
    }
    assert_true(per_span > 0 && n == 2 * per_span);
    heap_pool_free(&pool, ps[0]); /* the first span back to the front */
    ps[0] = heap_pool_alloc(&pool, 64);
    for (int i = 0; i < 4; i++) {
        ps[n] = heap_pool_alloc(&pool, 64);
        assert_non_null(ps[n]);
        assert_true((uintptr_t)ps[n] % HEAP_SPAN + 64 <= HEAP_SPAN);
        for (int k = 0; k < n; k++) {
            assert_ptr_not_equal(ps[k], ps[n]);
        }
        n++;
    }
    for (int k = 0; k < n; k++) {
        heap_pool_free(&pool, ps[k]);
    }
    assert_pristine();
}

/* Realloc of a slot: within its class in place, past it to a new home,
 * contents kept. */
static void
test_small_realloc(void **state)
{
    (void)state;
    char *p = heap_pool_alloc(&pool, 20);
    memcpy(p, "0123456789012345678", 20);
    assert_ptr_equal(heap_pool_realloc(&pool, p, 32), p);
    assert_ptr_equal(heap_pool_realloc(&pool, p, 1), p);
    char *q = heap_pool_realloc(&pool, p, 48);
    assert_non_null(q);
    assert_memory_equal(q, "0123456789012345678", 20);
    char *r = heap_pool_realloc(&pool, q, 1000); /* out of the spans */
    assert_non_null(r);
    assert_memory_equal(r, "0123456789012345678", 20);
    heap_pool_free(&pool, r);
    assert_pristine();
}

/* Pointers into a span that are no allocated slot's start. */
static void
test_small_invalid_pointers(void **state)
{
    (void)state;
    char *p = heap_pool_alloc(&pool, 48), *q = heap_pool_alloc(&pool, 48);
    char want[64];
    assert_true(PANICS(heap_pool_free(&pool, p + 16))); /* inside a slot */
    snprintf(want, sizeof want, "heap: free of invalid pointer %p", (void *)(p + 16));
    assert_string_equal(panic_message, want);
    assert_true(PANICS(heap_pool_free(&pool, q + 48))); /* never handed out */
    snprintf(want, sizeof want, "heap: free of invalid pointer %p", (void *)(q + 48));
    assert_string_equal(panic_message, want);
    char *span = (char *)((uintptr_t)p & ~(uintptr_t)(HEAP_SPAN - 1));
    assert_true(PANICS(heap_pool_free(&pool, span))); /* the span's header */
    snprintf(want, sizeof want, "heap: free of invalid pointer %p", (void *)span);
    assert_string_equal(panic_message, want);
    assert_true(PANICS(heap_pool_free(&pool, p + 1))); /* misaligned */
    heap_pool_free(&pool, p);
    heap_pool_free(&pool, q);
    assert_pristine();
}

/* Writing past the end of a slot into a free one damages its canary: the
 * allocation that would hand it out names it and the slot before it. */
static void
test_small_overflow_detected(void **state)
{
    (void)state;
    char *a = heap_pool_alloc(&pool, 48), *b = heap_pool_alloc(&pool, 48);
    assert_ptr_equal(b, a + 48); /* the next slot */
    heap_pool_free(&pool, b);
    memset(a, 'x', 48 + 4); /* into b's canary */
    char want[128];
    assert_true(PANICS(heap_pool_alloc(&pool, 40)));
    snprintf(want, sizeof want,
             "heap: corrupted block header at %p (overflow from the block at %p?)",
             (void *)b, (void *)a);
    assert_string_equal(panic_message, want);
}

/* With no room for a span, a small request gets a TLSF block. */
static void
test_small_without_span(void **state)
{
    (void)state;
    heap_pool_init(&pool);
    assert_true(heap_pool_add(&pool, arena2, 2 * HEAP_SPAN));
    struct heap_stats empty;
    heap_pool_stats(&pool, &empty);
    void *p = heap_pool_alloc(&pool, 8), *q = heap_pool_alloc(&pool, 64);
    assert_non_null(p);
    assert_non_null(q);
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.live_allocations, 2);
    heap_pool_free(&pool, p);
    assert_true(PANICS(heap_pool_free(&pool, p)));
    heap_pool_free(&pool, q);
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.largest_free, empty.largest_free);
}

/* RAM keeps an earlier pool's spans (the last boot's, before a warm
 * reset): a new pool over the same memory must not take one for its own
 * when it frees a block whose pointer rounds down to that span's header. */
static void
test_stale_spans_ignored(void **state)
{
    (void)state;
    heap_pool_init(&pool);
    assert_true(heap_pool_add(&pool, arena2, sizeof arena2));
    for (int i = 0; i < 200; i++) {
        assert_non_null(heap_pool_alloc(&pool, 16)); /* a full span and more */
    }
    heap_pool_init(&pool); /* start over; the memory is not cleared */
    assert_true(heap_pool_add(&pool, arena2, sizeof arena2));
    struct heap_stats empty, s;
    heap_pool_stats(&pool, &empty);
    void *blocks[100];
    for (int i = 0; i < 100; i++) { /* TLSF blocks, where the spans were */
        assert_non_null(blocks[i] = heap_pool_alloc(&pool, 100));
    }
    for (int i = 0; i < 100; i++) {
        heap_pool_free(&pool, blocks[i]);
    }
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.live_allocations, 0);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.largest_free, empty.largest_free);
}

/* A free reads the word at the pointer's HEAP_SPAN boundary below it; for
 * every pointer the pool handed out, that word lies inside its region,
 * however the region is aligned (ASan would see a read outside). */
static void
test_span_lookup_inside_region(void **state)
{
    (void)state;
    for (size_t offset = 0; offset < HEAP_SPAN; offset += 16 * 7) {
        heap_pool_init(&pool);
        unsigned char *start = arena2 + offset;
        size_t bytes = 3 * HEAP_SPAN + 48;
        assert_true(heap_pool_add(&pool, start, bytes));
        for (size_t size = 65; size < 600; size += 96) {
            unsigned char *p = heap_pool_alloc(&pool, size);
            assert_non_null(p);
            uintptr_t boundary = (uintptr_t)p & ~(uintptr_t)(HEAP_SPAN - 1);
            assert_true(boundary >= (uintptr_t)start &&
                        boundary < (uintptr_t)(start + bytes));
        }
    }
}

/* No allocation makes a span whole (spans_at_once stays 0): every class
 * starts with a span, and a class that takes its last empty span makes the
 * next in steps on its following allocations, before it is needed. Slots
 * of every class through many spans, with TLSF blocks between them, freed
 * in a scattered order and taken again. */
static void
test_spans_made_ahead(void **state)
{
    (void)state;
    enum {
        N = 4000 /* over 30 spans of each class */
    };
    static unsigned char *ps[N];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            size_t size = i % 10 ? 1 + (size_t)(i * 7 + round) % HEAP_SMALL_MAX : 100;
            ps[i] = heap_pool_alloc(&pool, size);
            assert_non_null(ps[i]);
        }
        for (int i = 0; i < N; i++) {
            heap_pool_free(&pool, ps[(i * 997) % N]); /* 997: each index once */
        }
    }
    assert_int_equal(pool.spans_at_once, 0);
    assert_pristine();
}

/* Random lifetimes leave a class's room scattered, a free slot or two in
 * each of many spans, which allocations take one span after the other:
 * the steps still run when the class's last free slots go, whichever
 * spans hold them, and every figure still adds up. */
static void
test_spans_made_ahead_of_scattered_room(void **state)
{
    (void)state;
    enum {
        MOST = 3000, /* about 100 spans of 64-byte slots */
        OPS = 200000
    };
    static unsigned char *ps[MOST];
    int live = 0;
    uint32_t seed = 12345;
    for (int n = 0; n < OPS; n++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        if (live == MOST || (live && r % 100 < 45)) { /* on the whole, more allocations */
            int i =
                (int)(r / 100 % (uint32_t)live); /* a random one, the last in its place */
            heap_pool_free(&pool, ps[i]);
            ps[i] = ps[--live];
        } else {
            ps[live] = heap_pool_alloc(&pool, HEAP_SMALL_MAX);
            assert_non_null(ps[live]);
            live++;
        }
    }
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    assert_int_equal(s.live_allocations, live);
    assert_int_equal(s.used, (size_t)live * HEAP_SMALL_MAX);
    assert_int_equal(pool.spans_at_once, 0);
    while (live) {
        heap_pool_free(&pool, ps[--live]);
    }
    assert_pristine();
}

/* A class's next span is begun only near the end of its last span with
 * room; halfway made, it is free memory that heap_pool_trim gives back. */
static void
test_span_halfway_made(void **state)
{
    (void)state;
    enum {
        MAX = 200 /* more than a span holds */
    };
    static void *ps[MAX];
    struct heap_stats s;
    heap_pool_stats(&pool, &s);
    size_t before = s.largest_free;
    int n = 0;
    while (n < MAX && s.largest_free == before) { /* until a step takes a block */
        ps[n++] = heap_pool_alloc(&pool, 16);
        heap_pool_stats(&pool, &s);
    }
    size_t slots = (HEAP_SPAN - 16 - 100) / 16; /* headers: 16 and under 100 */
    assert_true(n > (int)slots - 8 && n < MAX); /* near its end */
    assert_int_equal(s.used, 16 * (size_t)n);
    assert_int_equal(s.free, s.total - 16 * (size_t)n);
    for (int i = 0; i < n; i++) {
        heap_pool_free(&pool, ps[i]);
    }
    assert_pristine();
    assert_int_equal(pool.spans_at_once, 0);
}

/* In a first region below HEAP_FIRST_SPANS_MIN, a class's first slot makes
 * its span whole, and spans_at_once counts it. */
static void
test_small_pool_first_spans(void **state)
{
    (void)state;
    heap_pool_init(&pool);
    assert_true(heap_pool_add(&pool, arena2, sizeof arena2));
    assert_true(sizeof arena2 < HEAP_FIRST_SPANS_MIN);
    void *a = heap_pool_alloc(&pool, 16);
    assert_non_null(a);
    assert_int_equal(pool.spans_at_once, 1);
    void *b = heap_pool_alloc(&pool, 16); /* from that span */
    assert_int_equal(pool.spans_at_once, 1);
    heap_pool_free(&pool, a);
    heap_pool_free(&pool, b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_initial_figures, setup),
        cmocka_unit_test_setup(test_alignment, setup),
        cmocka_unit_test_setup(test_zero_size, setup),
        cmocka_unit_test_setup(test_zeroed_calloc, setup),
        cmocka_unit_test_setup(test_realloc_cases, setup),
        cmocka_unit_test_setup(test_coalescing_orders, setup),
        cmocka_unit_test_setup(test_out_of_memory, setup),
        cmocka_unit_test_setup(test_several_regions, setup),
        cmocka_unit_test(test_region_bounds),
        cmocka_unit_test(test_own_class_walk_bounded),
        cmocka_unit_test(test_largest_free_is_allocatable),
        cmocka_unit_test_setup(test_double_free_panics, setup),
        cmocka_unit_test_setup(test_double_free_after_merge, setup),
        cmocka_unit_test_setup(test_invalid_pointers_panic, setup),
        cmocka_unit_test_setup(test_region_end_is_invalid, setup),
        cmocka_unit_test_setup(test_overflow_detected, setup),
        cmocka_unit_test_setup(test_small_slots, setup),
        cmocka_unit_test_setup(test_small_full_spans, setup),
        cmocka_unit_test_setup(test_small_realloc, setup),
        cmocka_unit_test_setup(test_small_invalid_pointers, setup),
        cmocka_unit_test_setup(test_small_overflow_detected, setup),
        cmocka_unit_test(test_small_without_span),
        cmocka_unit_test(test_stale_spans_ignored),
        cmocka_unit_test(test_span_lookup_inside_region),
        cmocka_unit_test_setup(test_spans_made_ahead, setup),
        cmocka_unit_test_setup(test_spans_made_ahead_of_scattered_room, setup),
        cmocka_unit_test_setup(test_span_halfway_made, setup),
        cmocka_unit_test(test_small_pool_first_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

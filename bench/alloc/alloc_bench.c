/* Replays fixed allocation traces through one allocator, for
 * bench/alloc.py.
 *
 *   alloc_bench ALLOCATOR TRACE MODE [SEED]
 *     ALLOCATOR  sluice (the pool: TLSF and small-object spans), tlsf (the
 *                pool before the spans, for reference), glibc, kr (K&R
 *                first fit), best (exhaustive best fit), bump
 *     TRACE      mixed       8 B - 4 KiB, random lifetimes
 *                realloc     a buffer grown by realloc, with small neighbours
 *                small       many small short-lived objects
 *                small-many  tens of thousands of small objects live at
 *                            once, random lifetimes
 *     MODE       count      replay once, each operation one call of
 *                           replay_op(): callgrind run with
 *                           --dump-after=replay_op writes one part of
 *                           costs per operation
 *                footprint  replay once; prints the peak bytes the
 *                           allocator's memory reached and the peak live
 *                           bytes requested
 *     SEED       which trace of the kind: 0 (the default) is the one every
 *                figure but the seed sweep uses; others draw new sizes
 *                and lifetimes from the same distributions */
#include <malloc.h>
#include <sys/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap/pool.h"
#include "others.h"

#define ARENA   (512u << 20)
#define MAX_OPS 400000
#define SLOTS   65536

enum {
    OP_ALLOC,
    OP_FREE,
    OP_REALLOC
};

struct op {
    uint8_t kind;
    uint32_t slot, size;
};

struct allocator {
    void (*reset)(void);
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*realloc)(void *, size_t);
    size_t (*footprint)(void); /* NULL: tracked from the pointers */
};

static struct op ops[MAX_OPS];
static int op_count;
static void *slots[SLOTS];
static uint32_t slot_size[SLOTS];
static unsigned char *arena;
static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static void
add(int kind, uint32_t slot, uint32_t size)
{
    ops[op_count++] = (struct op){(uint8_t)kind, slot, size};
}

/* Sizes from 8 B to 4 KiB, as many in each power of two. */
static uint32_t
mixed_size(void)
{
    int shift = 3 + (int)(rnd() % 9); /* 8-15, ..., 2048-4095 */
    return (1u << shift) + rnd() % (1u << shift);
}

/* Objects with random lifetimes: which trace slots are live, which free. */
static struct lifetimes {
    uint32_t live[SLOTS], free_slots[SLOTS];
    uint32_t nlive, nfree;
} lives;

/* Slots 0 to count - 1 free, the lowest taken first; none live. */
static void
lives_start(uint32_t count)
{
    lives.nlive = lives.nfree = 0;
    for (uint32_t s = 0; s < count; s++) {
        lives.free_slots[lives.nfree++] = count - 1 - s;
    }
}

/* Allocate size bytes into the free slot on top. */
static void
lives_alloc(uint32_t size)
{
    uint32_t s = lives.free_slots[--lives.nfree];
    add(OP_ALLOC, s, size);
    lives.live[lives.nlive++] = s;
}

/* Free a live object chosen at random. */
static void
lives_free_one(void)
{
    uint32_t i = rnd() % lives.nlive;
    add(OP_FREE, lives.live[i], 0);
    lives.free_slots[lives.nfree++] = lives.live[i];
    lives.live[i] = lives.live[--lives.nlive];
}

/* Free every live object. */
static void
lives_free_all(void)
{
    for (uint32_t i = 0; i < lives.nlive; i++) {
        add(OP_FREE, lives.live[i], 0);
    }
    lives.nlive = 0;
}

static void
trace_mixed(void)
{
    lives_start(2000);
    while (op_count < 200000) {
        if (lives.nlive == 0 || (lives.nfree > 0 && rnd() % 2)) {
            lives_alloc(mixed_size());
        } else {
            lives_free_one();
        }
    }
    lives_free_all();
}

static void
trace_realloc(void)
{
    for (int round = 0; round < 20; round++) {
        uint32_t size = 16, neighbours = 1;
        add(OP_ALLOC, 0, size);
        while (size < 256 * 1024) {
            size += 16 + rnd() % 512;
            add(OP_REALLOC, 0, size);
            if (rnd() % 8 == 0 && neighbours < SLOTS) {
                add(OP_ALLOC, neighbours++, 32);
            }
        }
        add(OP_FREE, 0, 0);
        for (uint32_t s = 1; s < neighbours; s++) {
            add(OP_FREE, s, 0);
        }
    }
}

static void
trace_small(void)
{
    uint32_t window = 16, head = 0;
    for (uint32_t i = 0; op_count < 200000; i++) {
        if (i >= window) {
            add(OP_FREE, (i - window) % SLOTS, 0);
        }
        add(OP_ALLOC, i % SLOTS, 8 + rnd() % 57);
        head = i;
    }
    for (uint32_t i = head + 1 - window; i <= head; i++) {
        add(OP_FREE, i % SLOTS, 0);
    }
}

/* 8-64 B objects, up to MANY_LIVE of them live at once: three allocations
 * for every free until MANY_LIVE are live, then as many allocations as
 * frees, MANY_STEPS of them, each free of a random live object; then
 * everything is freed. */
#define MANY_LIVE  40000
#define MANY_STEPS 100000

static void
trace_small_many(void)
{
    lives_start(SLOTS);
    for (uint32_t steps = 0; lives.nlive < MANY_LIVE || steps++ < MANY_STEPS;) {
        if (lives.nlive == 0 ||
            (lives.nfree > 0 && rnd() % 4 < (lives.nlive < MANY_LIVE ? 3u : 2u))) {
            lives_alloc(8 + rnd() % 57);
        } else {
            lives_free_one();
        }
    }
    lives_free_all();
}

/* --- the allocators ---------------------------------------------------- */

static struct heap_pool pool;

static void
sluice_reset(void)
{
    heap_pool_init(&pool);
    heap_pool_add(&pool, arena, ARENA);
}
static void *
sluice_malloc(size_t n)
{
    return heap_pool_alloc(&pool, n);
}
static void
sluice_free(void *p)
{
    heap_pool_free(&pool, p);
}
static void *
sluice_realloc(void *p, size_t n)
{
    return heap_pool_realloc(&pool, p, n);
}

static void
tlsf_reset(void)
{
    tlsf_init(arena, ARENA);
}

static void
glibc_reset(void)
{
}
static size_t
glibc_footprint(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.arena + mi.hblkhd;
}

static void
kr_reset(void)
{
    kr_init(arena, ARENA);
}
static void
bump_reset(void)
{
    bump_init(arena, ARENA);
}

static const struct {
    const char *name;
    struct allocator a;
} allocators[] = {
    {"sluice", {sluice_reset, sluice_malloc, sluice_free, sluice_realloc, NULL}},
    {"tlsf", {tlsf_reset, tlsf_malloc, tlsf_free, tlsf_realloc, NULL}},
    {"glibc", {glibc_reset, malloc, free, realloc, glibc_footprint}},
    {"kr", {kr_reset, kr_malloc, kr_free, kr_realloc, kr_footprint}},
    {"best", {kr_reset, best_malloc, kr_free, best_realloc, kr_footprint}},
    {"bump", {bump_reset, bump_malloc, bump_free, bump_realloc, bump_footprint}},
};

/* One operation; aborts when an allocation fails (the arena is ample).
 * Never inlined: callgrind dumps the costs of each call on its own. */
__attribute__((noinline)) void
replay_op(const struct allocator *a, const struct op *o)
{
    void *p;
    switch (o->kind) {
    case OP_ALLOC:
        p = a->malloc(o->size);
        break;
    case OP_REALLOC:
        p = a->realloc(slots[o->slot], o->size);
        break;
    default:
        a->free(slots[o->slot]);
        slots[o->slot] = NULL;
        return;
    }
    if (!p) {
        printf("exhausted after %d operations\n", (int)(o - ops));
        exit(3);
    }
    slots[o->slot] = p;
    slot_size[o->slot] = o->size;
}

static void
footprint(const struct allocator *a)
{
    size_t live = 0, peak_live = 0, peak = 0;
    for (int i = 0; i < op_count; i++) {
        const struct op *o = &ops[i];
        live -= o->kind == OP_ALLOC ? 0 : slots[o->slot] ? slot_size[o->slot] : 0;
        replay_op(a, o);
        live += o->kind == OP_FREE ? 0 : o->size;
        peak_live = live > peak_live ? live : peak_live;
        size_t now = a->footprint ? a->footprint() : 0;
        if (!a->footprint && o->kind != OP_FREE) {
            now = (size_t)((unsigned char *)slots[o->slot] + o->size - arena);
        }
        peak = now > peak ? now : peak;
    }
    printf("peak_footprint %zu peak_live %zu\n", peak, peak_live);
}

int
main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: alloc_bench ALLOCATOR TRACE MODE [SEED]\n");
        return 2;
    }
    if (argc == 5) {
        /* Times an odd constant: a different xorshift state for every seed. */
        rng ^= strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull;
        if (rng == 0) {
            fprintf(stderr, "seed %s gives xorshift the state 0\n", argv[4]);
            return 2;
        }
    }
    const struct allocator *a = NULL;
    for (size_t i = 0; i < sizeof allocators / sizeof allocators[0]; i++) {
        if (strcmp(argv[1], allocators[i].name) == 0) {
            a = &allocators[i].a;
        }
    }
    if (strcmp(argv[2], "mixed") == 0) {
        trace_mixed();
    } else if (strcmp(argv[2], "realloc") == 0) {
        trace_realloc();
    } else if (strcmp(argv[2], "small") == 0) {
        trace_small();
    } else if (strcmp(argv[2], "small-many") == 0) {
        trace_small_many();
    }
    if (!a || !op_count) {
        fprintf(stderr, "unknown allocator or trace\n");
        return 2;
    }
    /* From mmap, not malloc: glibc's own figures must not include it. */
    arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    a->reset();
    printf("ops %d\n", op_count);
    if (strcmp(argv[3], "count") == 0) {
        for (int i = 0; i < op_count; i++) {
            replay_op(a, &ops[i]);
        }
    } else {
        footprint(a);
    }
    return 0;
}

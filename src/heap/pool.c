#include "heap/pool.h"

#include "core/panic.h"
#include "core/string.h"

/* A block: a header, then its payload. Blocks tile each region; a
 * zero-size allocated sentinel ends every region, so that no block merges
 * across one. A free block keeps its free-list links in its payload. */
struct heap_block {
    uintptr_t canary;             /* CANARY ^ the header's address: first, so
                                     that an overflow from the block before
                                     reaches it before anything else */
    struct heap_block *prev_phys; /* the block just before, or NULL */
    size_t size;                  /* payload bytes | FREE */
    uintptr_t list;               /* free blocks: the list they are on */
    /* payload: free blocks only */
    struct heap_block *next_free, *prev_free;
};

#define HEADER                                                                           \
    ((sizeof(struct heap_block) - 2 * sizeof(void *) + HEAP_ALIGN - 1) &                 \
     ~(size_t)(HEAP_ALIGN - 1))
#define MIN_PAYLOAD 16 /* room for the two free-list links */
#define FREE_BIT    1u
#define CANARY      ((uintptr_t)0x5A1C3B0Bu)
#define MAX_ALIGN   4096
#define OWN_WALK    8 /* blocks of a request's own class list searched, at most */

static size_t
block_size(const struct heap_block *b)
{
    return b->size & ~(size_t)FREE_BIT;
}

static bool
is_free(const struct heap_block *b)
{
    return b->size & FREE_BIT;
}

static uintptr_t
canary_of(const struct heap_block *b)
{
    return CANARY ^ (uintptr_t)b;
}

/* Write a block's header (and its canary). */
static inline __attribute__((always_inline)) void
set_header(struct heap_block *b, struct heap_block *prev, size_t size, bool free)
{
    b->prev_phys = prev;
    b->size = size | (free ? FREE_BIT : 0);
    b->canary = canary_of(b);
}

/* Change an existing header's size and state (its canary stays). */
static inline __attribute__((always_inline)) void
set_size(struct heap_block *b, size_t size, bool free)
{
    b->size = size | (free ? FREE_BIT : 0);
}

static void *
payload(struct heap_block *b)
{
    return (char *)b + HEADER;
}

static struct heap_block *
block_of(void *p)
{
    return (struct heap_block *)((char *)p - HEADER);
}

static struct heap_block *
next_phys(struct heap_block *b)
{
    return (struct heap_block *)((char *)payload(b) + block_size(b));
}

/* A neighbour whose header fails its canary: an overflow got there. */
static inline __attribute__((always_inline)) void
check_neighbour(struct heap_block *b, struct heap_block *from)
{
    if (b->canary != canary_of(b)) {
        panic("heap: corrupted block header at %p (overflow from the block at %p?)",
              (void *)b, payload(from));
    }
}

/* Index of the highest set bit of x (x > 0). */
static int
fls(size_t x)
{
    return (int)(sizeof(unsigned long) * 8 - 1) - __builtin_clzl((unsigned long)x);
}

/* The class [*fl][*sl] whose blocks have sizes from the class's bound up. */
static inline __attribute__((always_inline)) void
mapping(size_t size, int *fl, int *sl)
{
    if (size < (1u << HEAP_FL_SHIFT)) {
        *fl = 0;
        *sl = (int)(size / (1u << (HEAP_FL_SHIFT - HEAP_SL_LOG2)));
        return;
    }
    int f = fls(size);
    *sl = (int)(size >> (f - HEAP_SL_LOG2)) ^ HEAP_SL_COUNT;
    *fl = f - HEAP_FL_SHIFT + 1;
}

static inline __attribute__((always_inline)) void
insert_free(struct heap_pool *pool, struct heap_block *b)
{
    int fl, sl;
    mapping(block_size(b), &fl, &sl);
    b->list = (uintptr_t)(fl * HEAP_SL_COUNT + sl);
    struct heap_block *head = pool->lists[fl][sl];
    b->next_free = head;
    b->prev_free = NULL;
    if (head) {
        head->prev_free = b;
    }
    pool->lists[fl][sl] = b;
    pool->fl_bitmap |= 1u << fl;
    pool->sl_bitmap[fl] |= 1u << sl;
}

static inline __attribute__((always_inline)) void
remove_free(struct heap_pool *pool, struct heap_block *b)
{
    int fl = (int)(b->list / HEAP_SL_COUNT), sl = (int)(b->list % HEAP_SL_COUNT);
    if (b->prev_free) {
        b->prev_free->next_free = b->next_free;
    } else {
        pool->lists[fl][sl] = b->next_free;
    }
    if (b->next_free) {
        b->next_free->prev_free = b->prev_free;
    }
    if (!pool->lists[fl][sl]) {
        pool->sl_bitmap[fl] &= ~(1u << sl);
        if (!pool->sl_bitmap[fl]) {
            pool->fl_bitmap &= ~(1u << fl);
        }
    }
}

/* Take the head block off list [fl][sl]. */
static inline __attribute__((always_inline)) struct heap_block *
pop_head(struct heap_pool *pool, int fl, int sl)
{
    struct heap_block *b = pool->lists[fl][sl];
    pool->lists[fl][sl] = b->next_free;
    if (b->next_free) {
        b->next_free->prev_free = NULL;
    } else {
        pool->sl_bitmap[fl] &= ~(1u << sl);
        if (!pool->sl_bitmap[fl]) {
            pool->fl_bitmap &= ~(1u << fl);
        }
    }
    return b;
}

/* A free block of at least size (a multiple of 16), taken off its list, or
 * NULL. The O(1) search starts at the class above size's own (unless size
 * is a class bound), so that any list it finds holds only blocks that fit.
 * When that finds nothing, size's own list may still hold a block that is
 * big enough: only then are the first OWN_WALK blocks of that one list
 * searched. So the search takes constant time, and an allocation may fail
 * while a fitting block lies deeper in that list (only when no block of any
 * class above is free). */
static inline __attribute__((always_inline)) struct heap_block *
take_fitting(struct heap_pool *pool, size_t size)
{
    if (size > HEAP_MAX_BLOCK) {
        return NULL;
    }
    int fl, sl;
    mapping(size, &fl, &sl);
    struct heap_block *b = pool->lists[fl][sl];
    if (!b || block_size(b) < size) {
        /* Every block in a class above size's own fits: search from there. */
        uint32_t sl_map =
            sl + 1 < HEAP_SL_COUNT ? pool->sl_bitmap[fl] & (~0u << (sl + 1)) : 0;
        if (!sl_map) {
            uint32_t fl_map = pool->fl_bitmap & (~0u << fl << 1);
            fl = fl_map ? __builtin_ctz(fl_map) : fl;
            sl_map = fl_map ? pool->sl_bitmap[fl] : 0;
        }
        if (!sl_map) {
            /* Nothing above: size's own list may still hold a big enough block. */
            b = pool->lists[fl][sl];
            for (int n = 1; b && block_size(b) < size; n++) {
                b = n < OWN_WALK ? b->next_free : NULL;
            }
            if (!b) {
                return NULL;
            }
            if (b->canary == canary_of(b) && is_free(b)) {
                remove_free(pool, b);
                return b;
            }
        } else {
            sl = __builtin_ctz(sl_map);
            b = pool->lists[fl][sl];
        }
    }
    if (b->canary != canary_of(b) || !is_free(b)) {
        panic("heap: corrupted block header at %p (overflow from the block before "
              "it?)",
              (void *)b);
    }
    return pop_head(pool, fl, sl);
}

/* Mark b allocated and cut it down to size, freeing the tail when it can
 * hold a block of its own (merged with a free block after it, if that may
 * be free). Returns the bytes given back (0 if nothing was cut). */
static inline __attribute__((always_inline)) size_t
trim(struct heap_pool *pool, struct heap_block *b, size_t size, bool after_may_be_free)
{
    size_t have = block_size(b);
    if (have < size + HEADER + MIN_PAYLOAD) {
        if (is_free(b)) {
            set_size(b, have, false);
        }
        return 0;
    }
    struct heap_block *after = next_phys(b);
    set_size(b, size, false);
    struct heap_block *tail = next_phys(b);
    size_t tail_size = have - size - HEADER;
    if (after_may_be_free && is_free(after)) {
        remove_free(pool, after);
        tail_size += HEADER + block_size(after);
        after = next_phys(after);
    }
    set_header(tail, b, tail_size, true);
    after->prev_phys = tail;
    insert_free(pool, tail);
    return have - size;
}

/* Round a request up to a payload size: a multiple of 16, at least 16;
 * 0 when it is too large to ever fit. */
static inline __attribute__((always_inline)) size_t
payload_size(size_t size)
{
    if (size > HEAP_MAX_BLOCK) {
        return 0;
    }
    size = (size + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
    return size < MIN_PAYLOAD ? MIN_PAYLOAD : size;
}

void
heap_pool_init(struct heap_pool *pool)
{
    memset(pool, 0, sizeof *pool);
}

bool
heap_pool_add(struct heap_pool *pool, void *mem, size_t bytes)
{
    uintptr_t start, end;
    if (!heap_pool_bounds((uintptr_t)mem, bytes, &start, &end) ||
        end - start < 2 * HEADER + MIN_PAYLOAD) {
        return false;
    }
    if (end - start > HEAP_MAX_BLOCK + 2 * HEADER) {
        size_t piece = HEAP_MAX_BLOCK + 2 * HEADER;
        return heap_pool_add(pool, (void *)start, piece) &&
               (heap_pool_add(pool, (void *)(start + piece), end - start - piece), true);
    }
    uintptr_t last = pool->total ? pool->first + pool->span : end;
    if (pool->total == 0 || start + HEADER < pool->first) {
        pool->first = start + HEADER;
    }
    pool->span = (end > last ? end : last) - pool->first;
    struct heap_block *first = (struct heap_block *)start;
    set_header(first, NULL, end - start - 2 * HEADER, true);
    set_header(next_phys(first), first, 0, false); /* the sentinel */
    insert_free(pool, first);
    pool->total += end - start - HEADER;
    return true;
}

void *
heap_pool_alloc(struct heap_pool *pool, size_t size)
{
    size = payload_size(size);
    struct heap_block *b = size ? take_fitting(pool, size) : NULL;
    if (!b) {
        return NULL;
    }
    trim(pool, b, size, false); /* a free block has no free neighbour */
    pool->used += HEADER + block_size(b);
    pool->live++;
    return payload(b);
}

void *
heap_pool_alloc_aligned(struct heap_pool *pool, size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) || align > MAX_ALIGN) {
        return NULL;
    }
    if (align <= HEAP_ALIGN) {
        return heap_pool_alloc(pool, size);
    }
    size = payload_size(size);
    /* Room to move the payload to the boundary, with a free block of its
     * own in the gap before it. */
    struct heap_block *b =
        size ? take_fitting(pool, size + align + HEADER + MIN_PAYLOAD) : NULL;
    if (!b) {
        return NULL;
    }
    uintptr_t p = (uintptr_t)payload(b) + HEADER + MIN_PAYLOAD;
    p = (p + align - 1) & ~(uintptr_t)(align - 1);
    struct heap_block *a = block_of((void *)p);
    struct heap_block *after = next_phys(b);
    size_t gap = (uintptr_t)a - (uintptr_t)payload(b);
    set_header(a, b, block_size(b) - gap - HEADER, false);
    after->prev_phys = a;
    set_size(b, gap, true);
    insert_free(pool, b);
    trim(pool, a, size, false);
    pool->used += HEADER + block_size(a);
    pool->live++;
    return (void *)p;
}

void *
heap_pool_calloc(struct heap_pool *pool, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        return NULL;
    }
    void *p = heap_pool_alloc(pool, n * size);
    if (p) {
        memset(p, 0, n * size);
    }
    return p;
}

/* The block behind a pointer the caller says is allocated; panics if the
 * pool never gave it out or it was freed already. */
static inline __attribute__((always_inline)) struct heap_block *
live_block(const struct heap_pool *pool, void *p)
{
    uintptr_t a = (uintptr_t)p;
    struct heap_block *b = block_of(p);
    /* Within the regions' bounds, aligned, with a header whose canary
     * holds: only the pool writes those. Outside every region a pointer
     * fails the first test; in a gap between regions (in the kernel: the
     * loader's data and reserved RAM), the canary. A region's end sentinel
     * has a valid header too, but size 0, which no allocation has. */
    if (a - pool->first >= pool->span || a % HEAP_ALIGN || b->canary != canary_of(b) ||
        block_size(b) == 0) {
        panic("heap: free of invalid pointer %p", p);
    }
    if (is_free(b)) {
        panic("heap: double free of %p", p);
    }
    return b;
}

void
heap_pool_free(struct heap_pool *pool, void *p)
{
    if (!p) {
        return;
    }
    struct heap_block *b = live_block(pool, p);
    struct heap_block *after = next_phys(b);
    check_neighbour(after, b);
    pool->used -= HEADER + block_size(b);
    pool->live--;
    size_t size = block_size(b);
    if (is_free(after)) {
        remove_free(pool, after);
        size += HEADER + block_size(after);
        after = next_phys(after);
    }
    struct heap_block *prev = b->prev_phys;
    if (prev && prev->canary != canary_of(prev)) {
        panic("heap: corrupted block header at %p (overflow from the block before "
              "it?)",
              (void *)prev);
    }
    if (prev && is_free(prev)) {
        remove_free(pool, prev);
        size += HEADER + block_size(prev);
        /* b's header stays behind in prev's payload, still valid and
         * marked free: a second free of p is still seen as one. */
        set_size(b, block_size(b), true);
        b = prev;
    }
    set_size(b, size, true);
    after->prev_phys = b;
    insert_free(pool, b);
}

void *
heap_pool_realloc(struct heap_pool *pool, void *p, size_t size)
{
    if (!p) {
        return heap_pool_alloc(pool, size);
    }
    if (size == 0) {
        heap_pool_free(pool, p);
        return NULL;
    }
    struct heap_block *b = live_block(pool, p);
    size_t want = payload_size(size);
    if (!want) {
        return NULL;
    }
    struct heap_block *after = next_phys(b);
    check_neighbour(after, b);
    size_t have = block_size(b);
    if (want > have && is_free(after) && have + HEADER + block_size(after) >= want) {
        remove_free(pool, after);
        pool->used += HEADER + block_size(after);
        set_size(b, have + HEADER + block_size(after), false);
        struct heap_block *next = next_phys(b);
        next->prev_phys = b;
        have = block_size(b);
    }
    if (want <= have) {
        pool->used -= trim(pool, b, want, true);
        return p;
    }
    void *q = heap_pool_alloc(pool, size);
    if (q) {
        memcpy(q, p, have);
        heap_pool_free(pool, p);
    }
    return q;
}

void
heap_pool_stats(const struct heap_pool *pool, struct heap_stats *out)
{
    out->total = pool->total;
    out->used = pool->used;
    out->free = pool->total - pool->used;
    out->live_allocations = pool->live;
    out->largest_free = 0;
    if (pool->fl_bitmap) {
        int fl = 31 - __builtin_clz(pool->fl_bitmap);
        int sl = 31 - __builtin_clz(pool->sl_bitmap[fl]);
        /* Only as deep as an allocation looks (see take_fitting): a bigger
         * block further down the list is free but cannot be had. */
        const struct heap_block *b = pool->lists[fl][sl];
        for (int n = 0; b && n < OWN_WALK; n++, b = b->next_free) {
            if (block_size(b) > out->largest_free) {
                out->largest_free = block_size(b);
            }
        }
    }
}

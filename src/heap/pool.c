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

/* A span: the payload of one block, HEAP_SPAN-aligned, holding slots of one
 * class after this header; rounding a slot's address down to HEAP_SPAN
 * finds it. */
struct heap_span {
    uintptr_t canary;              /* SPAN_CANARY ^ its address; 0 once given back */
    struct heap_span *next, *prev; /* its class's partial or empty list */
    struct heap_slot *free;        /* freed slots, the last freed first */
    uintptr_t fresh;               /* slots from here on were never handed out */
    struct heap_small_class *size_class;
    struct heap_pool *pool; /* the pool it belongs to */
    uint32_t size, live;    /* slot bytes; slots allocated */
    uint32_t slots;         /* slots it holds */
    uint32_t listed;        /* on its class's partial list: not known to be full */
    uint32_t first;         /* its class's first span: never given back to TLSF */
    uint32_t used[HEAP_SPAN / HEAP_ALIGN / 32]; /* bit g: an allocated slot starts
                                                   at the span + 16 * g */
};

/* A free slot. The canary comes first, where an overflow from the slot
 * before reaches it. */
struct heap_slot {
    uintptr_t canary; /* SLOT_CANARY ^ its address */
    struct heap_slot *next;
};

#define SPAN_HEADER                                                                      \
    ((sizeof(struct heap_span) + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1))
#define SPAN_CANARY ((uintptr_t)0x5B1AB5EDu)
#define SLOT_CANARY ((uintptr_t)0x510E7C0Du)
#define SPAN_STEPS  4 /* the steps that make a span (span_prepare) */

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
    b->list = (uintptr_t)fl * HEAP_SL_COUNT + (uintptr_t)sl;
    struct heap_block **head = &pool->lists[0][0] + b->list;
    b->next_free = *head;
    b->prev_free = NULL;
    if (*head) {
        (*head)->prev_free = b;
    }
    *head = b;
    pool->fl_bitmap |= 1u << fl;
    pool->sl_bitmap[fl] |= 1u << sl;
}

static inline __attribute__((always_inline)) void
remove_free(struct heap_pool *pool, struct heap_block *b)
{
    struct heap_block **head = &pool->lists[0][0] + b->list;
    if (b->prev_free) {
        b->prev_free->next_free = b->next_free;
    } else {
        *head = b->next_free;
    }
    if (b->next_free) {
        b->next_free->prev_free = b->prev_free;
    }
    if (!*head) {
        int fl = (int)(b->list / HEAP_SL_COUNT), sl = (int)(b->list % HEAP_SL_COUNT);
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

/* Put the free block rest (its header written) on list [fl][sl] in the
 * place that a block with the links next_free and prev_free left: no
 * bitmap changes. */
static inline __attribute__((always_inline)) void
take_place(struct heap_pool *pool, struct heap_block *rest, int fl, int sl,
           struct heap_block *next_free, struct heap_block *prev_free)
{
    rest->list = (uintptr_t)(fl * HEAP_SL_COUNT + sl);
    rest->next_free = next_free;
    rest->prev_free = prev_free;
    if (prev_free) {
        prev_free->next_free = rest;
    } else {
        pool->lists[fl][sl] = rest;
    }
    if (next_free) {
        next_free->prev_free = rest;
    }
}

/* The first list that is not empty in a class above [*fl][*sl], into *fl
 * and *sl; false, leaving them, when there is none. */
static inline __attribute__((always_inline)) bool
list_above(const struct heap_pool *pool, int *fl, int *sl)
{
    uint32_t sl_map =
        *sl + 1 < HEAP_SL_COUNT ? pool->sl_bitmap[*fl] & (~0u << (*sl + 1)) : 0;
    if (!sl_map) {
        uint32_t fl_map = pool->fl_bitmap & (~0u << *fl << 1);
        if (!fl_map) {
            return false;
        }
        *fl = __builtin_ctz(fl_map);
        sl_map = pool->sl_bitmap[*fl];
    }
    *sl = __builtin_ctz(sl_map);
    return true;
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
        if (!list_above(pool, &fl, &sl)) {
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

static void spans_first(struct heap_pool *pool);

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
    /* A free rounds the pointer down to a HEAP_SPAN boundary and reads the
     * word there, looking for a span: for every payload of the region, the
     * end's sentinel's included, that word must lie inside the region. So
     * the first payload starts on a boundary (losing less than HEAP_SPAN),
     * and the end is never one. */
    bool first_region = pool->total == 0;
    uintptr_t cell = start; /* the epoch's, in the first region */
    start += first_region ? HEAP_ALIGN : 0;
    start = ((start + HEADER + HEAP_SPAN - 1) & ~(uintptr_t)(HEAP_SPAN - 1)) - HEADER;
    end -= end % HEAP_SPAN ? 0 : HEAP_ALIGN;
    if (start >= end || end - start < 2 * HEADER + MIN_PAYLOAD) {
        return false;
    }
    if (first_region) {
        /* RAM keeps what an earlier pool over it wrote (the last boot's,
         * before a warm reset): its span headers must not pass for this
         * pool's. Span canaries include the epoch, one more than the one
         * found in the first region's cell, where that pool kept its own. */
        uintptr_t epoch = *(volatile uintptr_t *)cell + 1;
        *(volatile uintptr_t *)cell = epoch;
        pool->span_key = SPAN_CANARY ^ epoch;
    }
    uintptr_t last = first_region ? end : pool->first + pool->span;
    if (first_region || start + HEADER < pool->first) {
        pool->first = start + HEADER;
    }
    pool->span = (end > last ? end : last) - pool->first;
    struct heap_block *first = (struct heap_block *)start;
    set_header(first, NULL, end - start - 2 * HEADER, true);
    set_header(next_phys(first), first, 0, false); /* the sentinel */
    insert_free(pool, first);
    pool->total += end - start - HEADER;
    if (first_region && end - start >= HEAP_FIRST_SPANS_MIN) {
        spans_first(pool);
    }
    return true;
}

/* Give the allocated block b back: merged with its free neighbours, onto a
 * free list; with after_may_be_free false, the block after it is known to
 * be allocated, and is not looked at. Panics if a neighbour's header is
 * damaged. The pool's counters are the caller's to update. Inline in
 * heap_pool_free's path, where it saves a call; release() elsewhere. */
static inline __attribute__((always_inline)) void
release_inline(struct heap_pool *pool, struct heap_block *b, bool after_may_be_free)
{
    struct heap_block *after = next_phys(b);
    size_t size = block_size(b);
    if (after_may_be_free) {
        check_neighbour(after, b);
    }
    if (after_may_be_free && is_free(after)) {
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

static void
release(struct heap_pool *pool, struct heap_block *b)
{
    release_inline(pool, b, true);
}

/* Where block b's payload goes when it must start at a multiple of align:
 * where it is when it does already, else the first multiple that leaves
 * room for a free block before it. */
static uintptr_t
aligned_payload(struct heap_block *b, size_t align)
{
    uintptr_t p = (uintptr_t)payload(b);
    if (p % align) {
        p = (p + HEADER + MIN_PAYLOAD + align - 1) & ~(uintptr_t)(align - 1);
    }
    return p;
}

/* The allocated block that starts at block b's aligned payload
 * (aligned_payload), b being allocated and ending where that block will;
 * b itself when it starts there already, else b keeps the gap before it,
 * still allocated. */
static struct heap_block *
aligned_split(struct heap_block *b, size_t align)
{
    uintptr_t p = aligned_payload(b, align);
    if (p == (uintptr_t)payload(b)) {
        return b;
    }
    struct heap_block *a = block_of((void *)p), *after = next_phys(b);
    set_header(a, b, (uintptr_t)after - p, false);
    after->prev_phys = a;
    set_size(b, (uintptr_t)a - (uintptr_t)payload(b), false);
    return a;
}

/* An allocated block of size bytes (a multiple of 16) whose payload starts
 * at a multiple of align (a power of two, 32 to MAX_ALIGN), or NULL when
 * none fits. The pool's counters are the caller's to update. */
static struct heap_block *
take_aligned(struct heap_pool *pool, size_t size, size_t align)
{
    struct heap_block *b = take_fitting(pool, size + align + HEADER + MIN_PAYLOAD);
    if (!b) {
        return NULL;
    }
    size_t gap = aligned_payload(b, align) - (uintptr_t)payload(b);
    trim(pool, b, gap + size, false); /* it was free: no free neighbour */
    struct heap_block *a = aligned_split(b, align);
    if (a != b) {
        release(pool, b); /* the gap */
    }
    return a;
}

/* The first step of making a span, cheaper than taking a block for it: the
 * front of a free block that fits (as take_fitting finds one, but only in
 * a class above), allocated, up to the end of a span at its aligned
 * payload (aligned_payload: the gap before it is still in the block); the
 * rest of that free block takes its place on its list, with no bitmap to
 * change unless it belongs on another. NULL when no block fits. */
static struct heap_block *
span_carve(struct heap_pool *pool)
{
    int fl, sl;
    mapping(2 * HEAP_SPAN + HEADER + 2 * MIN_PAYLOAD, &fl, &sl);
    if (!list_above(pool, &fl, &sl)) {
        return NULL;
    }
    struct heap_block *b = pool->lists[fl][sl];
    uintptr_t end = aligned_payload(b, HEAP_SPAN) + HEAP_SPAN - HEADER;
    struct heap_block *after = next_phys(b), *rest = (struct heap_block *)end;
    if (b->canary != canary_of(b) || !is_free(b) ||
        (uintptr_t)after < end + HEADER + MIN_PAYLOAD) {
        return NULL;
    }
    size_t rest_size = (uintptr_t)after - end - HEADER;
    set_header(rest, b, rest_size, true);
    after->prev_phys = rest;
    set_size(b, end - (uintptr_t)payload(b), false);
    int rest_fl, rest_sl;
    mapping(rest_size, &rest_fl, &rest_sl);
    if (rest_fl == fl && rest_sl == sl) {
        take_place(pool, rest, fl, sl, b->next_free, NULL); /* b was the head */
    } else {
        pop_head(pool, fl, sl);
        insert_free(pool, rest);
    }
    return b;
}

/* A span's canary: its address and the pool's epoch, so that no earlier
 * pool's span passes for one of this pool's. */
static uintptr_t
span_canary(const struct heap_pool *pool, const struct heap_span *s)
{
    return (uintptr_t)s ^ pool->span_key;
}

static uintptr_t
slot_canary(const struct heap_slot *slot)
{
    return SLOT_CANARY ^ (uintptr_t)slot;
}

/* True if span s can give a slot: a freed one, or one never handed out. */
static bool
span_has_room(const struct heap_span *s)
{
    return s->free || s->fresh + s->size <= (uintptr_t)s + HEAP_SPAN - HEADER;
}

/* True if p is 16-byte aligned and lies within the regions' bounds, where
 * everything the pool hands out does. */
static inline __attribute__((always_inline)) bool
in_bounds(const struct heap_pool *pool, void *p)
{
    return (uintptr_t)p - pool->first < pool->span && (uintptr_t)p % HEAP_ALIGN == 0;
}

__attribute__((noreturn)) static void
invalid_pointer(void *p)
{
    panic("heap: free of invalid pointer %p", p);
}

/* The span that p lies in, if it lies in one. */
static inline __attribute__((always_inline)) struct heap_span *
span_at(void *p)
{
    return (struct heap_span *)((uintptr_t)p & ~(uintptr_t)(HEAP_SPAN - 1));
}

/* The span that p (in_bounds) lies in, or NULL if it lies in none. Only the
 * pool writes a span's canary, and it clears it when it gives the span
 * back. */
static inline __attribute__((always_inline)) struct heap_span *
span_holding(const struct heap_pool *pool, void *p)
{
    struct heap_span *s = span_at(p);
    /* s->canary == span_canary(pool, s), in the form that needs the fewest
     * registers. */
    return (s->canary ^ (uintptr_t)s) == pool->span_key ? s : NULL;
}

/* The bit of s->used that marks the slot at p allocated; *word is set to
 * the word that holds it. */
static inline __attribute__((always_inline)) uint32_t
slot_bit(struct heap_span *s, void *p, uint32_t **word)
{
    size_t g = ((uintptr_t)p & (HEAP_SPAN - 1)) / HEAP_ALIGN;
    *word = &s->used[g / 32];
    return 1u << (g % 32);
}

/* p lies in span s but is not an allocated slot: a double free if it is
 * the start of a slot handed out before, else an invalid pointer. */
__attribute__((noreturn)) static void
slot_misuse(const struct heap_span *s, void *p)
{
    uintptr_t first = (uintptr_t)s + SPAN_HEADER, a = (uintptr_t)p;
    if (a >= first && a < s->fresh && (a - first) % s->size == 0) {
        panic("heap: double free of %p", p);
    }
    panic("heap: free of invalid pointer %p", p);
}

/* The free slot at slot in span s has a damaged canary: most likely the
 * slot before it overflowed. */
__attribute__((noreturn)) static void
slot_damaged(const struct heap_span *s, const struct heap_slot *slot)
{
    if ((uintptr_t)slot > (uintptr_t)s + SPAN_HEADER) {
        panic("heap: corrupted block header at %p (overflow from the block at %p?)",
              (void *)slot, (void *)((uintptr_t)slot - s->size));
    }
    panic("heap: corrupted block header at %p (overflow from the block before it?)",
          (void *)slot);
}

/* Hand out slot of span s: mark it allocated and count it. */
static inline __attribute__((always_inline)) void *
slot_taken(struct heap_span *s, struct heap_slot *slot)
{
    uint32_t *word, bit = slot_bit(s, slot, &word);
    *word |= bit;
    s->live++;
    return slot;
}

/* Put span s at the front of the list *head. */
static void
span_push(struct heap_span **head, struct heap_span *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head) {
        (*head)->prev = s;
    }
    *head = s;
}

/* Take span s off the list *head. */
static void
span_unlink(struct heap_span **head, struct heap_span *s)
{
    if (s->prev) {
        s->prev->next = s->next;
    } else {
        *head = s->next;
    }
    if (s->next) {
        s->next->prev = s->prev;
    }
}

/* What class c's slow paths keep: its span on its way, its slot count. */
static inline __attribute__((always_inline)) struct heap_class_spans *
spans_of(struct heap_pool *pool, const struct heap_small_class *c)
{
    return &pool->class_spans[c - pool->small];
}

/* True if a span is on its way: some of its steps are done, not all. */
static inline __attribute__((always_inline)) bool
on_its_way(const struct heap_class_spans *m)
{
    return m->block || m->gap;
}

/* The allocated block b, of HEAP_SPAN - HEADER bytes with a HEAP_SPAN
 * aligned payload, made a span of class c with no slot allocated, on no
 * list; its slots count in c's room until span_release. */
static struct heap_span *
span_make(struct heap_pool *pool, struct heap_small_class *c, struct heap_block *b)
{
    struct heap_span *s = payload(b);
    for (size_t i = 0; i < sizeof s->used / sizeof s->used[0]; i++) {
        s->used[i] = 0;
    }
    s->canary = span_canary(pool, s);
    s->free = NULL;
    s->fresh = (uintptr_t)s + SPAN_HEADER;
    s->size_class = c;
    s->pool = pool;
    s->size = (uint32_t)(c - pool->small + 1) * HEAP_ALIGN;
    s->live = 0;
    s->slots = (uint32_t)((HEAP_SPAN - HEADER - SPAN_HEADER) / s->size);
    s->listed = false;
    s->first = false;
    c->room += s->slots;
    spans_of(pool, c)->slots += s->slots;
    return s;
}

/* A new span for class c, made whole, or NULL when no block fits one. */
static struct heap_span *
span_new(struct heap_pool *pool, struct heap_small_class *c)
{
    struct heap_block *b = take_aligned(pool, HEAP_SPAN - HEADER, HEAP_SPAN);
    return b ? span_make(pool, c, b) : NULL;
}

/* Put span s, with no slot allocated, on c's empty list. */
static void
span_keep(struct heap_small_class *c, struct heap_span *s)
{
    span_push(&c->empty, s);
    c->empty_count++;
}

/* One of the four steps that make a span for class c's empty list, which
 * is empty, so that no allocation has to make a span whole (the dearest
 * thing the pool does): take a block for it (span_carve), split the gap
 * before the span boundary off it (aligned_split), give the gap back,
 * make the rest the span. Each costs at most about what a free does.
 * Nothing happens when no block fits. */
__attribute__((noinline)) static void
span_prepare(struct heap_pool *pool, struct heap_small_class *c)
{
    struct heap_class_spans *m = spans_of(pool, c);
    struct heap_block *b = m->block;
    if (m->gap) {
        release_inline(pool, m->gap, false); /* b, after it, is allocated */
        m->gap = NULL;
    } else if (!b) {
        m->block = span_carve(pool);
    } else if ((uintptr_t)payload(b) % HEAP_SPAN) {
        m->block = aligned_split(b, HEAP_SPAN);
        m->gap = b;
    } else {
        m->block = NULL;
        span_keep(c, span_make(pool, c, b));
    }
}

/* Give span s, on no list and with no slot allocated, back to TLSF. */
static void
span_release(struct heap_pool *pool, struct heap_span *s)
{
    s->size_class->room -= s->slots;
    spans_of(pool, s->size_class)->slots -= s->slots;
    s->canary = 0; /* no pointer into this memory may find a span here again */
    release(pool, block_of(s));
}

/* Take the first span off c's partial list if it is full. Only the first
 * span gives slots, and a span goes to the front only after this, so every
 * other span on the list has room. */
static void
unlist_if_full(struct heap_small_class *c)
{
    struct heap_span *s = c->partial;
    if (s && !span_has_room(s)) {
        s->listed = false;
        span_unlink(&c->partial, s);
    }
}

/* Every class's first span, kept for reuse and never given back, so that
 * no class's first allocation has to make one whole; made while the pool
 * is one free block, they lie at the start of its first region. */
static void
spans_first(struct heap_pool *pool)
{
    for (struct heap_small_class *c = pool->small; c < pool->small + HEAP_SMALL_CLASSES;
         c++) {
        struct heap_span *s = span_new(pool, c);
        if (s) {
            s->first = true;
            span_keep(c, s);
        }
    }
}

/* After an allocation handed out p, a slot of span s, which left its class
 * fewer than SPAN_STEPS free slots (so it keeps no empty span, which has
 * more): a step towards the next span, so that it is ready when they are
 * gone. Returns p. (Not given the class: the fast path has no register to
 * spare.) */
__attribute__((noinline)) static void *
span_step(struct heap_pool *pool, struct heap_span *s, void *p)
{
    span_prepare(pool, s->size_class);
    return p;
}

/* A span with room for class c, for its empty partial list: the first
 * span kept for reuse, else one that was halfway made, finished now, else
 * a new one made whole; NULL when no block fits one. */
__attribute__((noinline)) static struct heap_span *
span_refill(struct heap_pool *pool, struct heap_small_class *c)
{
    const struct heap_class_spans *m = spans_of(pool, c);
    if (!c->empty && on_its_way(m)) {
        pool->spans_at_once++; /* the rest of its steps, now */
        while (on_its_way(m)) {
            span_prepare(pool, c);
        }
    }
    struct heap_span *s = c->empty;
    if (s) {
        span_unlink(&c->empty, s);
        c->empty_count--;
    } else if ((s = span_new(pool, c))) {
        pool->spans_at_once++;
    } else {
        return NULL;
    }
    s->listed = true;
    span_push(&c->partial, s);
    return s;
}

/* A slot of span s, of class c, handed out: marked and counted, and when
 * that leaves c fewer than SPAN_STEPS free slots, a step towards the next
 * span (span_step). */
static inline __attribute__((always_inline)) void *
slot_handed_out(struct heap_pool *pool, struct heap_small_class *c, struct heap_span *s,
                struct heap_slot *slot)
{
    void *p = slot_taken(s, slot);
    return --c->room >= SPAN_STEPS ? p : span_step(pool, s, p);
}

/* A slot for size bytes (at most HEAP_SMALL_MAX) however it can be had:
 * from the first span on the class's partial list that has room, else
 * from a span span_refill gives; NULL when no span fits. Panics if the
 * free slot it takes has a damaged canary. */
static inline __attribute__((always_inline)) void *
small_alloc(struct heap_pool *pool, size_t size)
{
    struct heap_small_class *c = &pool->small[size ? (size - 1) / HEAP_ALIGN : 0];
    unlist_if_full(c);
    struct heap_span *s = c->partial;
    if (!s && !(s = span_refill(pool, c))) {
        return NULL;
    }
    struct heap_slot *slot = s->free;
    if (slot) {
        if (slot->canary != slot_canary(slot)) {
            slot_damaged(s, slot);
        }
        s->free = slot->next;
    } else {
        slot = (struct heap_slot *)s->fresh;
        s->fresh += s->size;
    }
    return slot_handed_out(pool, c, s, slot);
}

/* heap_pool_alloc past its fast path: a slot however it can be had, else a
 * TLSF block. */
__attribute__((noinline)) static void *
alloc_slow(struct heap_pool *pool, size_t size)
{
    void *p = size <= HEAP_SMALL_MAX ? small_alloc(pool, size) : NULL;
    if (p) {
        return p;
    }
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

/* heap_pool_alloc of size bytes (1 to HEAP_SMALL_MAX), whose class's first
 * span has no freed slot: one never handed out, else as alloc_slow finds
 * one. A function of its own so that the fast path needs few registers. */
__attribute__((noinline)) static void *
alloc_fresh(struct heap_pool *pool, size_t size)
{
    struct heap_small_class *c = &pool->small[(size - 1) / HEAP_ALIGN];
    struct heap_span *s = c->partial;
    if (!span_has_room(s)) {
        return alloc_slow(pool, size);
    }
    struct heap_slot *slot = (struct heap_slot *)s->fresh;
    s->fresh += s->size;
    return slot_handed_out(pool, c, s, slot);
}

void *
heap_pool_alloc(struct heap_pool *pool, size_t size)
{
    /* The fast path: the last slot freed in the class's first span. */
    if (size - 1 < HEAP_SMALL_MAX) {
        struct heap_small_class *c = &pool->small[(size - 1) / HEAP_ALIGN];
        struct heap_span *s = c->partial;
        struct heap_slot *slot = s ? s->free : NULL;
        if (slot && slot->canary == slot_canary(slot)) {
            s->free = slot->next;
            return slot_handed_out(pool, c, s, slot);
        }
        if (s && !slot) {
            return alloc_fresh(pool, size);
        }
    }
    return alloc_slow(pool, size);
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
    struct heap_block *b = size ? take_aligned(pool, size, align) : NULL;
    if (!b) {
        return NULL;
    }
    pool->used += HEADER + block_size(b);
    pool->live++;
    return payload(b);
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

/* The block behind a pointer (in_bounds) the caller says is allocated, and
 * in no span; panics if the pool never gave it out or it was freed
 * already. */
static inline __attribute__((always_inline)) struct heap_block *
live_block(void *p)
{
    struct heap_block *b = block_of(p);
    /* A header whose canary holds: only the pool writes those. In a gap
     * between regions (in the kernel: the loader's data and reserved RAM),
     * a pointer fails that test. A region's end sentinel has a valid
     * header too, but size 0, which no allocation has. */
    if (b->canary != canary_of(b) || block_size(b) == 0) {
        invalid_pointer(p);
    }
    if (is_free(b)) {
        panic("heap: double free of %p", p);
    }
    return b;
}

/* Span s just got a free slot while off its class's partial list, or lost
 * its last allocated slot: back onto the partial list; when empty, onto
 * the empty list, or back to TLSF when that holds HEAP_EMPTY_SPANS. */
__attribute__((noinline)) static void
span_changed(struct heap_span *s)
{
    struct heap_pool *pool = s->pool;
    struct heap_small_class *c = s->size_class;
    if (!s->listed) {
        unlist_if_full(c);
        s->listed = true;
        span_push(&c->partial, s);
    }
    if (s->live == 0) {
        s->listed = false;
        span_unlink(&c->partial, s);
        if (c->empty_count < HEAP_EMPTY_SPANS || s->first) {
            span_keep(c, s);
        } else {
            span_release(pool, s);
        }
    }
}

/* heap_pool_free of p, not in_bounds: NULL is ignored, anything else is no
 * pointer the pool gave out. */
__attribute__((noinline)) static void
free_outside(void *p)
{
    if (p) {
        invalid_pointer(p);
    }
}

/* heap_pool_free of p, in_bounds and in no span: a TLSF block. */
__attribute__((noinline)) static void
free_block(void *p, struct heap_pool *pool)
{
    struct heap_block *b = live_block(p);
    pool->used -= HEADER + block_size(b);
    pool->live--;
    release_inline(pool, b, true);
}

/* heap_pool_free of p, a pointer into a span: an allocated slot onto its
 * span's free list. */
__attribute__((noinline)) static void
free_slot(void *p)
{
    struct heap_span *s = span_at(p);
    uint32_t *word, bit = slot_bit(s, p, &word);
    if (!(*word & bit)) {
        slot_misuse(s, p);
    }
    *word &= ~bit;
    struct heap_slot *slot = p;
    slot->canary = slot_canary(slot);
    slot->next = s->free;
    s->free = slot;
    s->size_class->room++;
    if (--s->live == 0 || !s->listed) {
        span_changed(s);
    }
}

void
heap_pool_free(struct heap_pool *pool, void *p)
{
    /* Only the bounds and a look at the word at p's span boundary: the
     * rest is in functions of their own, so that this one saves no
     * registers. */
    if (!in_bounds(pool, p)) {
        free_outside(p);
        return;
    }
    if (span_holding(pool, p)) {
        free_slot(p);
    } else {
        free_block(p, pool); /* in the order the registers have them */
    }
}

/* Grow the allocated block b to want bytes (a multiple of 16) into the free
 * block after it, which holds enough. When what is left of that block
 * stays in its size class, the rest takes its place on its list, with no
 * list or bitmap to change. */
static void
grow_in_place(struct heap_pool *pool, struct heap_block *b, struct heap_block *after,
              size_t want)
{
    size_t have = block_size(b), room = have + HEADER + block_size(after);
    struct heap_block *next = next_phys(after);
    int fl, sl;
    mapping(room - want - HEADER, &fl, &sl);
    if (room >= want + HEADER + MIN_PAYLOAD &&
        (uintptr_t)(fl * HEAP_SL_COUNT + sl) == after->list) {
        /* The rest's header may overwrite after's: read after first. */
        struct heap_block *next_free = after->next_free, *prev_free = after->prev_free;
        set_size(b, want, false);
        struct heap_block *rest = next_phys(b);
        set_header(rest, b, room - want - HEADER, true);
        take_place(pool, rest, fl, sl, next_free, prev_free);
        next->prev_phys = rest;
        pool->used += want - have;
        return;
    }
    remove_free(pool, after);
    set_size(b, room, false);
    next->prev_phys = b;
    pool->used += room - have;
    pool->used -= trim(pool, b, want, false); /* next is not free: after was */
}

/* size bytes for a realloc that cannot grow in place: the first block of
 * the largest size class's list when it fits, where the block has the most
 * room to grow in place next time; else as heap_pool_alloc finds them. */
static void *
alloc_to_grow(struct heap_pool *pool, size_t size)
{
    size_t want = payload_size(size);
    if (want > HEAP_SMALL_MAX && pool->fl_bitmap) {
        int fl = 31 - __builtin_clz(pool->fl_bitmap);
        int sl = 31 - __builtin_clz(pool->sl_bitmap[fl]);
        struct heap_block *b = pool->lists[fl][sl];
        if (block_size(b) >= want && b->canary == canary_of(b) && is_free(b)) {
            pop_head(pool, fl, sl);
            trim(pool, b, want, false); /* a free block has no free neighbour */
            pool->used += HEADER + block_size(b);
            pool->live++;
            return payload(b);
        }
    }
    return heap_pool_alloc(pool, size);
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
    if (!in_bounds(pool, p)) {
        invalid_pointer(p);
    }
    struct heap_span *s = span_holding(pool, p);
    if (s) {
        uint32_t *word, bit = slot_bit(s, p, &word);
        if (!(*word & bit)) {
            slot_misuse(s, p);
        }
        if (size <= s->size) {
            return p;
        }
        void *q = alloc_to_grow(pool, size);
        if (q) {
            memcpy(q, p, s->size);
            heap_pool_free(pool, p);
        }
        return q;
    }
    struct heap_block *b = live_block(p);
    size_t want = payload_size(size);
    if (!want) {
        return NULL;
    }
    struct heap_block *after = next_phys(b);
    check_neighbour(after, b);
    size_t have = block_size(b);
    if (want > have && is_free(after) && have + HEADER + block_size(after) >= want) {
        grow_in_place(pool, b, after, want);
        return p;
    }
    if (want <= have) {
        pool->used -= trim(pool, b, want, true);
        return p;
    }
    void *q = alloc_to_grow(pool, size);
    if (q) {
        memcpy(q, p, have);
        heap_pool_free(pool, p);
    }
    return q;
}

void
heap_pool_trim(struct heap_pool *pool)
{
    for (struct heap_small_class *c = pool->small; c < pool->small + HEAP_SMALL_CLASSES;
         c++) {
        struct heap_class_spans *m = spans_of(pool, c);
        if (m->gap) {
            release(pool, m->gap);
            m->gap = NULL;
        }
        if (m->block) {
            release(pool, m->block);
            m->block = NULL;
        }
        struct heap_span *s = c->empty;
        c->empty = NULL;
        c->empty_count = 0;
        while (s) {
            struct heap_span *next = s->next;
            if (s->first) {
                span_keep(c, s);
            } else {
                span_release(pool, s);
            }
            s = next;
        }
    }
}

void
heap_pool_stats(const struct heap_pool *pool, struct heap_stats *out)
{
    out->used = pool->used;
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
    for (int i = 0; i < HEAP_SMALL_CLASSES; i++) {
        const struct heap_small_class *c = &pool->small[i];
        size_t slot = (size_t)(i + 1) * HEAP_ALIGN;
        size_t live = pool->class_spans[i].slots - c->room;
        out->used += live * slot;
        out->live_allocations += live;
        /* Past a full first span, the next one has room (see small_alloc). */
        const struct heap_span *s = c->partial;
        bool room = (s && (span_has_room(s) || s->next)) || c->empty;
        if (room && slot > out->largest_free) {
            out->largest_free = slot;
        }
    }
    out->total = pool->total;
    out->free = pool->total - out->used;
}

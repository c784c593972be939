/* The allocators sluice's pool is compared with, each over its own arena:
 * a K&R-style first-fit free list (The C Programming Language, 8.7: a
 * circular list in address order, coalescing on free), the same list
 * searched whole for the best fit (slow, but the classic reference for
 * how little a placement policy can fragment), and a bump pointer whose
 * free does nothing. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "others.h"

/* --- K&R ------------------------------------------------------------- */

typedef union header {
    struct {
        union header *next;
        size_t units; /* size in header-sized units, this header included */
    } s;
    _Alignas(16) char align[16];
} header;

static header base;
static header *freep;
static char *kr_arena, *kr_brk, *kr_end;

void
kr_init(void *arena, size_t bytes)
{
    kr_arena = kr_brk = arena;
    kr_end = kr_arena + bytes;
    freep = NULL;
}

size_t
kr_footprint(void)
{
    return (size_t)(kr_brk - kr_arena);
}

void
kr_free(void *ap)
{
    if (!ap) {
        return;
    }
    header *bp = (header *)ap - 1, *p;
    for (p = freep; !(bp > p && bp < p->s.next); p = p->s.next) {
        if (p >= p->s.next && (bp > p || bp < p->s.next)) {
            break;
        }
    }
    if (bp + bp->s.units == p->s.next) {
        bp->s.units += p->s.next->s.units;
        bp->s.next = p->s.next->s.next;
    } else {
        bp->s.next = p->s.next;
    }
    if (p + p->s.units == bp) {
        p->s.units += bp->s.units;
        p->s.next = bp->s.next;
    } else {
        p->s.next = bp;
    }
    freep = p;
}

/* Ask the arena for nu more units (at least least_units), as morecore asks
 * sbrk. */
static header *
morecore(size_t nu, size_t least_units)
{
    nu = nu < least_units ? least_units : nu;
    if ((size_t)(kr_end - kr_brk) < nu * sizeof(header)) {
        return NULL;
    }
    header *up = (header *)kr_brk;
    kr_brk += nu * sizeof(header);
    up->s.units = nu;
    kr_free(up + 1);
    return freep;
}

/* The units a request of nbytes takes, its header included; starts the
 * free list on first use. */
static size_t
units_for(size_t nbytes)
{
    if (!freep) {
        base.s.next = freep = &base;
        base.s.units = 0;
    }
    return (nbytes + sizeof(header) - 1) / sizeof(header) + 1;
}

void *
kr_malloc(size_t nbytes)
{
    size_t nunits = units_for(nbytes);
    header *prevp = freep;
    for (header *p = prevp->s.next;; prevp = p, p = p->s.next) {
        if (p->s.units >= nunits) {
            if (p->s.units == nunits) {
                prevp->s.next = p->s.next;
            } else {
                p->s.units -= nunits;
                p += p->s.units;
                p->s.units = nunits;
            }
            freep = prevp;
            return p + 1;
        }
        if (p == freep && !(p = morecore(nunits, 1024))) {
            return NULL;
        }
    }
}

/* realloc as allocate, copy, free, through the given allocation. */
static void *
list_realloc(void *(*alloc)(size_t), void *old, size_t size)
{
    void *p = alloc(size);
    if (p && old) {
        size_t have = (((header *)old - 1)->s.units - 1) * sizeof(header);
        memcpy(p, old, have < size ? have : size);
        kr_free(old);
    }
    return p;
}

void *
kr_realloc(void *old, size_t size)
{
    return list_realloc(kr_malloc, old, size);
}

/* --- best fit ---------------------------------------------------------- */

void *
best_malloc(size_t nbytes)
{
    size_t nunits = units_for(nbytes);
    for (;;) {
        /* The list runs up in address order from base, which lies below
         * the arena: the first of the smallest fitting blocks is the
         * lowest. */
        header *best = NULL, *best_prev = NULL, *top = NULL, *prevp = &base;
        for (header *p = base.s.next; p != &base; prevp = p, p = p->s.next) {
            if ((char *)(p + p->s.units) == kr_brk) {
                top = p;
            }
            if (p->s.units >= nunits && (!best || p->s.units < best->s.units)) {
                best = p;
                best_prev = prevp;
            }
        }
        if (best) {
            /* Take the front of the block, so that what stays free stays high. */
            if (best->s.units == nunits) {
                best_prev->s.next = best->s.next;
            } else {
                header *rest = best + nunits;
                rest->s.units = best->s.units - nunits;
                rest->s.next = best->s.next;
                best_prev->s.next = rest;
                best->s.units = nunits;
            }
            freep = best_prev;
            return best + 1;
        }
        /* Grow the arena by just what its top free block lacks. */
        if (!morecore(nunits - (top ? top->s.units : 0), 1)) {
            return NULL;
        }
    }
}

void *
best_realloc(void *old, size_t size)
{
    return list_realloc(best_malloc, old, size);
}

/* --- bump -------------------------------------------------------------- */

static char *bump_arena, *bump_top, *bump_end;

void
bump_init(void *arena, size_t bytes)
{
    bump_arena = bump_top = arena;
    bump_end = bump_arena + bytes;
}

size_t
bump_footprint(void)
{
    return (size_t)(bump_top - bump_arena);
}

void *
bump_malloc(size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if ((size_t)(bump_end - bump_top) < size + 16) {
        return NULL;
    }
    *(size_t *)bump_top = size;
    void *p = bump_top + 16;
    bump_top += size + 16;
    return p;
}

void
bump_free(void *p)
{
    (void)p;
}

void *
bump_realloc(void *old, size_t size)
{
    void *p = bump_malloc(size);
    if (p && old) {
        size_t have = *(size_t *)((char *)old - 16);
        memcpy(p, old, have < size ? have : size);
    }
    return p;
}

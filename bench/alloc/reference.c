/* sluice's pool as it was before the small-object spans, as a reference:
 * bench/alloc.py compiles this file and that version's src/heap/pool.c
 * (from git) with that version's pool.h first on the include path and
 * every heap_pool_ name renamed to ref_pool_, so that both pools can live
 * in one program. */
#include "heap/pool.h"
#include "others.h"

static struct heap_pool pool;

void
tlsf_init(void *arena, size_t bytes)
{
    heap_pool_init(&pool);
    heap_pool_add(&pool, arena, bytes);
}

void *
tlsf_malloc(size_t size)
{
    return heap_pool_alloc(&pool, size);
}

void
tlsf_free(void *p)
{
    heap_pool_free(&pool, p);
}

void *
tlsf_realloc(void *p, size_t size)
{
    return heap_pool_realloc(&pool, p, size);
}

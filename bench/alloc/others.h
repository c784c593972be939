/* The allocators the benchmark compares sluice's pool with. */
#ifndef BENCH_OTHERS_H
#define BENCH_OTHERS_H

#include <stddef.h>

void kr_init(void *arena, size_t bytes);
void *kr_malloc(size_t size);
void kr_free(void *p);
void *kr_realloc(void *p, size_t size);
size_t kr_footprint(void);

/* Best fit over the K&R list: its arena is kr_init's, its free kr_free. */
void *best_malloc(size_t size);
void *best_realloc(void *p, size_t size);

void bump_init(void *arena, size_t bytes);
void *bump_malloc(size_t size);
void bump_free(void *p);
void *bump_realloc(void *p, size_t size);
size_t bump_footprint(void);

/* sluice's pool before the small-object spans (reference.c), over its own
 * arena. */
void tlsf_init(void *arena, size_t bytes);
void *tlsf_malloc(size_t size);
void tlsf_free(void *p);
void *tlsf_realloc(void *p, size_t size);

#endif

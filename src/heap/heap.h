/* The heap gate: memory discovery and the kernel allocator. With
 * -Dheap=false heap_init is empty and every allocation is a compile-time
 * error naming the option, as Rust refuses `~2` without its allocator. */
#ifndef HEAP_HEAP_H
#define HEAP_HEAP_H

#include <stddef.h>

#include "boot/memory.h"
#include "config.h"
#include "core/gate.h"
#include "heap/pool.h" /* struct heap_stats */

#if CONFIG_HEAP

/* Give the allocator the usable RAM that boot_memory_collect found (sorted,
 * disjoint ranges from 1 MiB up, all reachable) less the reserved ranges,
 * and say what was wrong with the loader's map, what RAM the kernel cannot
 * map, and what either set left out for room. When the loader said
 * nothing about memory, a panic says so; when nothing is left, too. */
void heap_init(const struct boot_memory *memory);

/* size bytes, 16-byte aligned, or NULL when memory is exhausted. kmalloc(0)
 * returns a unique pointer that kfree accepts. */
void *kmalloc(size_t size);

/* size bytes aligned to align (a power of two up to 4096), or NULL. */
void *kmalloc_aligned(size_t size, size_t align);

/* n * size zeroed bytes, or NULL if the product overflows or memory is
 * exhausted. */
void *kcalloc(size_t n, size_t size);

/* As C's realloc: grows in place when it can, else moves the contents. */
void *krealloc(void *p, size_t size);

/* Free a block from kmalloc and friends; NULL is ignored. A double free or a
 * pointer the heap never gave out panics. */
void kfree(void *p);

/* The heap's current figures. */
void heap_stats(struct heap_stats *out);

/* How many separate ranges of RAM the heap was given. */
int heap_regions(void);

#else

static inline void
heap_init(const struct boot_memory *memory)
{
    (void)memory;
}

#define HEAP_OFF GATE_OFF("heap")
HEAP_OFF void *kmalloc(size_t size);
HEAP_OFF void *kmalloc_aligned(size_t size, size_t align);
HEAP_OFF void *kcalloc(size_t n, size_t size);
HEAP_OFF void *krealloc(void *p, size_t size);
HEAP_OFF void kfree(void *p);
HEAP_OFF void heap_stats(struct heap_stats *out);
HEAP_OFF int heap_regions(void);

#endif
#endif

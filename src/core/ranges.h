/* A bounded set of address ranges, kept sorted and disjoint: ranges that
 * overlap or touch become one as they are added. When the table is full,
 * a set either merges the two ranges with the smallest gap between them
 * (the gap joins the set: right for ranges to keep out) or drops its
 * smallest range (right for ranges to use); either way it counts the bytes
 * it changed, so that the caller can say so. Portable: the boot code and
 * the host tests use it. */
#ifndef CORE_RANGES_H
#define CORE_RANGES_H

#include <stdbool.h>
#include <stdint.h>

struct range {
    uint64_t start, end; /* [start, end) */
};

enum range_overflow {
    RANGES_MERGE_CLOSEST, /* the gap between the closest two joins the set */
    RANGES_DROP_SMALLEST, /* the smallest range leaves the set */
};

struct range_set {
    struct range *ranges; /* capacity + 1 entries: one spare while adding */
    int count, capacity;
    enum range_overflow overflow;
    uint64_t changed; /* bytes added by merging or lost by dropping */
};

/* An empty set over table, which has room for capacity + 1 ranges. */
void ranges_init(struct range_set *set, struct range *table, int capacity,
                 enum range_overflow overflow);

/* Add [start, end); an empty range changes nothing. */
void ranges_add(struct range_set *set, uint64_t start, uint64_t end);

#endif

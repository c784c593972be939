#include "core/ranges.h"

#include "core/string.h"

void
ranges_init(struct range_set *set, struct range *table, int capacity,
            enum range_overflow overflow)
{
    *set =
        (struct range_set){.ranges = table, .capacity = capacity, .overflow = overflow};
}

/* Remove ranges[i]. */
static void
remove_at(struct range_set *set, int i)
{
    set->count--;
    memmove(&set->ranges[i], &set->ranges[i + 1],
            (size_t)(set->count - i) * sizeof set->ranges[0]);
}

/* Make the table fit again: merge the neighbours with the smallest gap, or
 * drop the smallest range, as the set's policy says. */
static void
shrink(struct range_set *set)
{
    struct range *r = set->ranges;
    int best = 0;
    if (set->overflow == RANGES_MERGE_CLOSEST) {
        for (int i = 1; i + 1 < set->count; i++) {
            if (r[i + 1].start - r[i].end < r[best + 1].start - r[best].end) {
                best = i;
            }
        }
        set->changed += r[best + 1].start - r[best].end;
        r[best].end = r[best + 1].end;
        remove_at(set, best + 1);
        return;
    }
    for (int i = 1; i < set->count; i++) {
        if (r[i].end - r[i].start < r[best].end - r[best].start) {
            best = i;
        }
    }
    set->changed += r[best].end - r[best].start;
    remove_at(set, best);
}

void
ranges_add(struct range_set *set, uint64_t start, uint64_t end)
{
    if (start >= end) {
        return;
    }
    struct range *r = set->ranges;
    /* Ranges first..last-1 overlap or touch the new one: they become one. */
    int first = 0;
    while (first < set->count && r[first].end < start) {
        first++;
    }
    int last = first;
    for (; last < set->count && r[last].start <= end; last++) {
        start = r[last].start < start ? r[last].start : start;
        end = r[last].end > end ? r[last].end : end;
    }
    memmove(&r[first + 1], &r[last], (size_t)(set->count - last) * sizeof r[0]);
    set->count += 1 - (last - first);
    r[first] = (struct range){start, end};
    if (set->count > set->capacity) {
        shrink(set);
    }
}

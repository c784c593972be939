/* Uses every API function of the heap gate. */
#include "heap/heap.h"

#define USES(f) f

void
snippet(void)
{
    struct heap_stats stats;
    void *p = USES(kmalloc)(2);
    p = USES(krealloc)(p, 4);
    USES(kfree)(p);
    USES(kfree)(USES(kcalloc)(2, 2));
    USES(kfree)(USES(kmalloc_aligned)(16, 64));
    USES(heap_stats)(&stats);
}

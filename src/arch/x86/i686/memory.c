#include "asm/memory.h"
#include "asm/page.h"

/* No paging, no PAE: 32-bit addresses only, and the pool works with
 * 32-bit end addresses, so the last page stays out. */
#define REACHABLE_END (0x100000000ull - ARCH_PAGE_SIZE)

uint64_t
paging_map_ram(uint64_t start, uint64_t end)
{
    uint64_t reachable = end < REACHABLE_END ? end : REACHABLE_END;
    return reachable > start ? reachable : start;
}

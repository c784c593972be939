/* What an architecture tells the heap about reaching memory. Internal to
 * the heap gate. */
#ifndef ASM_MEMORY_H
#define ASM_MEMORY_H

#include <stdint.h>

/* Make the RAM in [start, end) reachable by the kernel, as far as it can,
 * and return where the reachable part from start ends (start when none
 * is). i686 runs without paging and reaches the first 4 GiB less its last
 * page (the heap's pool keeps 32-bit end addresses); x86_64 maps what lies
 * above the 4 GiB its entry mapped, in 1 GiB pages where the CPU has them,
 * else in 2 MiB pages (up to 16 GiB more). */
uint64_t paging_map_ram(uint64_t start, uint64_t end);

#endif

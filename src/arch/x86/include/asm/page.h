/* The page: what the MMU maps and protects, on both x86 widths (4 KiB;
 * the larger pages are multiples of it). */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define ARCH_PAGE_SIZE 4096

/* The last address every image reaches from its entry on, whatever the
 * gates: the first 4 GiB (i686 without paging reaches no more; x86_64's
 * entry and i686's guard pages map them all). */
#define ARCH_BOOT_REACH_LAST 0xFFFFFFFFull

#endif

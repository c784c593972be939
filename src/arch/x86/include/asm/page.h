/* The page: what the MMU maps and protects, on both x86 widths (4 KiB;
 * the larger pages are multiples of it). */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define ARCH_PAGE_SIZE 4096

#endif

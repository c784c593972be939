/* Guard pages and W^X, what both x86 widths share: the stacks that have a
 * guard page, and which rights each page of the kernel's image gets.
 * Internal to arch/x86. */
#ifndef ARCH_X86_GUARD_H
#define ARCH_X86_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm/page.h"
#include "config.h"

#define GUARD_PAGE_SIZE ARCH_PAGE_SIZE
/* A kernel stack's guard page: a page that nothing uses, right below the
 * stack, which arch_guard_init leaves unmapped. Without guard pages the
 * stacks are laid out as they always were: no page below, 16-aligned. */
#define GUARD_BYTES (CONFIG_GUARD_PAGES ? GUARD_PAGE_SIZE : 0)
#define GUARD_ALIGN (CONFIG_GUARD_PAGES ? GUARD_PAGE_SIZE : 16)

/* A stack that has a guard page, and the name a report gives it. */
struct guard_stack {
    const char *name;
    const uint8_t *guard; /* GUARD_PAGE_SIZE bytes, never mapped */
};

/* The stacks each width's desc.c owns (double fault; NMI on x86_64). */
extern const struct guard_stack desc_stacks[];
extern const size_t desc_stack_count;

/* What a 4 KiB page of the kernel's first page table may do. */
enum guard_rights {
    GUARD_UNMAPPED,  /* a guard page */
    GUARD_TEXT,      /* read and execute */
    GUARD_READ_ONLY, /* rodata: read */
    GUARD_DATA,      /* everything else: read and write (no execute where NX is) */
};

#if CONFIG_GUARD_PAGES
/* x86_64: the no-execute bit (bit 63) once arch_guard_init has turned NX
 * on, else 0; paging.c maps RAM above 4 GiB with it. */
extern uint64_t arch_guard_nx;

/* The rights of the 4 KiB page at page: the linker script's page-aligned
 * bounds of text and rodata, and the stacks' guard pages. */
enum guard_rights arch_guard_rights(uintptr_t page);

/* The name of the stack whose guard page holds address ("boot",
 * "double-fault", "NMI"), or NULL when no guard page does. */
const char *arch_guard_stack(uintptr_t address);

/* True when page 0 (the null pointer's) is to be left unmapped; false when
 * loader_data (the loader's data that the kernel reads lies in page 0),
 * and the debug port says that page 0 stays mapped. */
bool arch_guard_unmap_page_zero(bool loader_data);
#else
#define arch_guard_nx ((uint64_t)0)

static inline const char *
arch_guard_stack(uintptr_t address)
{
    (void)address;
    return NULL;
}
#endif

#endif

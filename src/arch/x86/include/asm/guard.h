/* What an architecture gives the boot path for guard pages and W^X
 * (-Dguard-pages, the derived switch CONFIG_GUARD_PAGES: the option and the
 * keyboard gate, whose IDT reports the faults). Without it, an empty stub. */
#ifndef ASM_GUARD_H
#define ASM_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#if CONFIG_GUARD_PAGES
/* Map the kernel with guard pages and W^X: the page below every kernel
 * stack unmapped, text read-only (CR0.WP: for the kernel too), on x86_64
 * everything but text non-executable, and page 0 unmapped, so that a null
 * pointer dereference faults; but page 0 stays mapped when loader_data
 * (the loader's data that the kernel reads lies in it), which the debug
 * port then says. Call before the descriptor tables are loaded (the i686
 * double-fault task takes CR3 from then). Returns NULL when all of it is
 * in force, else a line that says what this CPU cannot have, for the boot
 * screen (it is on the debug port already). */
const char *arch_guard_init(bool loader_data);

/* True once arch_guard_init has put guard pages and read-only text in
 * force; false before, and on a CPU that cannot have them. */
bool arch_guard_active(void);
#else
static inline const char *
arch_guard_init(bool loader_data)
{
    (void)loader_data;
    return NULL;
}

static inline bool
arch_guard_active(void)
{
    return false;
}
#endif

#endif

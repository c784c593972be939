/* Guard pages and W^X, both widths: which page of the kernel gets which
 * rights. Each width's guard.c builds its page tables from it. */
#include "arch/x86/guard.h"

/* The guard linker script (kernel-guard.ld): text and rodata each start on
 * a page and end where the next part's page starts. */
extern const char kernel_image_start[], kernel_text_end[], kernel_rodata_end[];
/* entry.asm: the page below the boot stack. */
extern const uint8_t boot_stack_guard[];

const char *
arch_guard_stack(uintptr_t address)
{
    uintptr_t page = address & ~(uintptr_t)(GUARD_PAGE_SIZE - 1);
    if (page == (uintptr_t)boot_stack_guard) {
        return "boot";
    }
    for (size_t i = 0; i < desc_stack_count; i++) {
        if (page == (uintptr_t)desc_stacks[i].guard) {
            return desc_stacks[i].name;
        }
    }
    return NULL;
}

enum guard_rights
arch_guard_rights(uintptr_t page)
{
    if (arch_guard_stack(page)) {
        return GUARD_UNMAPPED;
    }
    if (page >= (uintptr_t)kernel_image_start && page < (uintptr_t)kernel_text_end) {
        return GUARD_TEXT;
    }
    if (page >= (uintptr_t)kernel_text_end && page < (uintptr_t)kernel_rodata_end) {
        return GUARD_READ_ONLY;
    }
    return GUARD_DATA;
}

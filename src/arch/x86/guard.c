/* Guard pages and W^X, both widths: which page of the kernel gets which
 * rights, whether page 0 (the null pointer's) is mapped, and the reports'
 * titles. Each width's guard.c builds its page tables from it. */
#include "arch/x86/guard.h"

#include "arch/x86/exceptions.h"
#include "boot/boot.h"
#include "asm/interrupts.h"
#include "core/format.h"
#include "pc/screen.h"

/* The guard linker script (kernel-guard.ld): text and rodata each start on
 * a page and end where the next part's page starts. */
extern const char kernel_text_end[], kernel_rodata_end[];
/* entry.asm: the page below the boot stack. */
extern const uint8_t boot_guard_page[];

const char *
arch_guard_stack(uintptr_t address)
{
    uintptr_t page = address & ~(uintptr_t)(GUARD_PAGE_SIZE - 1);
    if (page == (uintptr_t)boot_guard_page) {
        return "boot";
    }
    for (size_t i = 0; i < desc_stack_count; i++) {
        if (page == (uintptr_t)desc_stacks[i].guard) {
            return desc_stacks[i].name;
        }
    }
    return NULL;
}

bool
arch_guard_unmap_page_zero(bool loader_data)
{
    if (loader_data) {
        core_debug_line("guard pages: page 0 stays mapped, the loader's data lies in it: "
                        "null pointers do not fault");
        return false;
    }
    return true;
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

void
exception_report_title(char *buf, size_t size, unsigned vector, uint64_t error,
                       const char *sep, const char **after_flags)
{
    size_t at = 0;
    if (vector == ARCH_VECTOR_PAGE_FAULT || vector == ARCH_VECTOR_DOUBLE_FAULT) {
        /* A stack that runs into its guard page faults, and so does the
         * push of the page fault's own frame: the overflow arrives as a
         * double fault (on its own stack), with CR2 in the guard page. */
        uintptr_t address;
        __asm__ volatile("mov %%cr2, %0" : "=r"(address));
        const char *stack = arch_guard_stack(address);
        if (stack) {
            at = kscnprintf(
                buf, size,
                "kernel stack overflow at 0x%0*lx: the %s stack's guard page%s",
                (int)sizeof address * 2, (unsigned long)address, stack, sep);
        }
        /* Page 0 is never mapped: a fault there is a null pointer (or a
         * small offset from one) dereferenced. Only a real page fault,
         * which has an error code: `int 14` (the shell's `fault 14` on
         * i686) leaves CR2 as it was, 0 before any page fault. */
        if (vector == ARCH_VECTOR_PAGE_FAULT && error != EXCEPTION_NO_ERROR &&
            address < GUARD_PAGE_SIZE) {
            at +=
                kscnprintf(buf + at, size - at,
                           "null pointer dereference at 0x%0*lx: page 0 is not mapped%s",
                           (int)sizeof address * 2, (unsigned long)address, sep);
        }
        if (after_flags && vector == ARCH_VECTOR_PAGE_FAULT) {
            static char cr2[40];
            ksnprintf(cr2, sizeof cr2, " CR2=%0*lx%s", (int)sizeof address * 2,
                      (unsigned long)address, sep);
            *after_flags = cr2;
        }
    }
    exception_title(buf + at, size - at, vector, error, sep);
}

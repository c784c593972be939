/* CPU exception reports, 64-bit. */
#include <stdint.h>

#include "arch/x86/exceptions.h"
#include "arch/x86/guard.h"
#include "arch/x86/x86_64/desc.h"
#include "arch/x86/x86_64/frame.h"
#include "asm/interrupts.h"
#include "core/format.h"
#include "core/panic.h"

#define VECTOR_PAGE_FAULT 14
/* A report's first line, and with guard pages the overflow line above it. */
#define TITLE_SIZE (CONFIG_GUARD_PAGES ? 192 : 96)

/* With guard pages: when CR2 lies in a stack's guard page, write the line
 * "kernel stack overflow at ADDRESS: the NAME stack's guard page" and sep
 * to buf and return its length; else 0. A stack that runs into its guard
 * page faults, and so does the push of the page fault's own frame: the
 * overflow arrives as a double fault, on its own IST stack, with CR2 in
 * the guard page (a page fault whose frame still fits comes here too). */
static size_t
overflow_line(char *buf, size_t size, unsigned vector, const char *sep)
{
    if (vector != VECTOR_PAGE_FAULT && vector != ARCH_VECTOR_DOUBLE_FAULT) {
        return 0;
    }
    uint64_t address;
    __asm__ volatile("mov %%cr2, %0" : "=r"(address));
    const char *stack = arch_guard_stack(address);
    if (!stack) {
        return 0;
    }
    int n = ksnprintf(buf, size,
                      "kernel stack overflow at 0x%016llx: the %s stack's guard page%s",
                      (unsigned long long)address, stack, sep);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void
arch_exception_report(const struct irq_frame *f, unsigned vector)
{
    /* Lines break on the console's screen (three registers fit a row); the
     * raw red screen without the console gets one line. */
    const char *sep = CONFIG_COLOR_CONSOLE ? "\n " : "; ";
    char title[TITLE_SIZE], cr2[32] = "";
    size_t at = CONFIG_GUARD_PAGES ? overflow_line(title, sizeof title, vector, sep) : 0;
    exception_title(title + at, sizeof title - at, vector,
                    f->error_code == FRAME_NO_ERROR ? EXCEPTION_NO_ERROR : f->error_code);
    if (vector == VECTOR_PAGE_FAULT) {
        uint64_t address;
        __asm__ volatile("mov %%cr2, %0" : "=r"(address));
        ksnprintf(cr2, sizeof cr2, " CR2=%016llx", (unsigned long long)address);
    }
    panic("%s%sRIP=%016llx CS=%04llx RFLAGS=%08llx%s"
          "%sRAX=%016llx RBX=%016llx RCX=%016llx%s"
          "RDX=%016llx RSI=%016llx RDI=%016llx%s"
          "RBP=%016llx RSP=%016llx R8 =%016llx%s"
          "R9 =%016llx R10=%016llx R11=%016llx%s"
          "R12=%016llx R13=%016llx R14=%016llx%s"
          "R15=%016llx",
          title, sep, (unsigned long long)f->rip, (unsigned long long)f->cs,
          (unsigned long long)f->rflags, cr2, sep, (unsigned long long)f->rax,
          (unsigned long long)f->rbx, (unsigned long long)f->rcx, sep,
          (unsigned long long)f->rdx, (unsigned long long)f->rsi,
          (unsigned long long)f->rdi, sep, (unsigned long long)f->rbp,
          (unsigned long long)f->rsp, (unsigned long long)f->r8, sep,
          (unsigned long long)f->r9, (unsigned long long)f->r10,
          (unsigned long long)f->r11, sep, (unsigned long long)f->r12,
          (unsigned long long)f->r13, (unsigned long long)f->r14, sep,
          (unsigned long long)f->r15);
}

void
arch_interrupts_init(void)
{
    desc_init();
}

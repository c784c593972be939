/* CPU exception reports, 32-bit. */
#include "arch/x86/exceptions.h"
#include "arch/x86/guard.h"
#include "arch/x86/i686/desc.h"
#include "arch/x86/i686/frame.h"
#include "asm/interrupts.h"
#include "core/format.h"
#include "core/panic.h"

#define VECTOR_PAGE_FAULT 14
/* A report's first line, and with guard pages the overflow line above it. */
#define TITLE_SIZE (CONFIG_GUARD_PAGES ? 192 : 96)

/* With guard pages (paging on), for a page fault or a double fault: when
 * CR2 lies in a stack's guard page, write the line "kernel stack overflow
 * at ADDRESS: the NAME stack's guard page" and sep to buf and return its
 * length (a stack that runs into its guard page faults, and so does the
 * push of the page fault's frame: the overflow arrives as a double fault,
 * in its own task, with CR2 in the guard page); else 0. What follows
 * EFLAGS goes to after_flags (size_after bytes): " CR2=ADDRESS" for a
 * page fault, then sep. */
static size_t
paging_lines(char *buf, size_t size, char *after_flags, size_t size_after,
             unsigned vector, const char *sep)
{
    ksnprintf(after_flags, size_after, "%s", sep);
    if (vector != VECTOR_PAGE_FAULT && vector != ARCH_VECTOR_DOUBLE_FAULT) {
        return 0;
    }
    uint32_t address;
    __asm__ volatile("mov %%cr2, %0" : "=r"(address));
    if (vector == VECTOR_PAGE_FAULT) {
        ksnprintf(after_flags, size_after, " CR2=%08x%s", address, sep);
    }
    const char *stack = arch_guard_stack(address);
    if (!stack) {
        return 0;
    }
    int n = ksnprintf(buf, size,
                      "kernel stack overflow at 0x%08x: the %s stack's guard page%s",
                      address, stack, sep);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* Panic with the report: the title, then EIP, CS, EFLAGS and the general
 * registers. Lines break on the console's screen; the raw red screen
 * without the console gets one line. */
__attribute__((noreturn)) static void
report(unsigned vector, uint64_t error, uint32_t eip, uint32_t cs, uint32_t eflags,
       const uint32_t regs[8])
{
    const char *sep = CONFIG_COLOR_CONSOLE ? "\n " : "; ";
    char title[TITLE_SIZE], after_flags[CONFIG_GUARD_PAGES ? 24 : 1];
    size_t at = 0;
    if (CONFIG_GUARD_PAGES) {
        at = paging_lines(title, sizeof title, after_flags, sizeof after_flags, vector,
                          sep);
    }
    exception_title(title + at, sizeof title - at, vector, error);
    panic("%s%s"
          "EIP=%08x CS=%04x EFLAGS=%08x%s"
          "EAX=%08x EBX=%08x ECX=%08x EDX=%08x%s"
          "ESI=%08x EDI=%08x EBP=%08x ESP=%08x",
          title, sep, eip, cs, eflags, CONFIG_GUARD_PAGES ? after_flags : sep, regs[0],
          regs[1], regs[2], regs[3], sep, regs[4], regs[5], regs[6], regs[7]);
}

void
arch_exception_report(const struct irq_frame *f, unsigned vector)
{
    /* Ring 0 to ring 0: the CPU switched no stack, so the stack pointer at
     * the fault is just above what it pushed. */
    const uint32_t regs[8] = {f->eax, f->ebx, f->ecx, f->edx,
                              f->esi, f->edi, f->ebp, (uint32_t)(&f->eflags + 1)};
    uint64_t error = f->error_code == FRAME_NO_ERROR ? EXCEPTION_NO_ERROR : f->error_code;
    report(vector, error, f->eip, f->cs, f->eflags, regs);
}

/* Entered through the task gate on its own stack, with the state of the
 * task that double-faulted saved in the main TSS. */
__attribute__((noreturn)) static void
double_fault_task(void)
{
    const struct tss *t = desc_faulting_task();
    const uint32_t regs[8] = {t->eax, t->ebx, t->ecx, t->edx,
                              t->esi, t->edi, t->ebp, t->esp};
    report(ARCH_VECTOR_DOUBLE_FAULT, 0, t->eip, t->cs, t->eflags, regs);
}

void
arch_interrupts_init(void)
{
    desc_init(double_fault_task);
}

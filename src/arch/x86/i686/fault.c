/* CPU exception reports, 32-bit. */
#include "arch/x86/exceptions.h"
#include "arch/x86/lapic.h"
#include "arch/x86/i686/desc.h"
#include "arch/x86/i686/frame.h"
#include "asm/interrupts.h"
#include "core/panic.h"

/* Panic with the report: the title, then EIP, CS, EFLAGS and the general
 * registers. Lines break on the console's screen; the raw red screen
 * without the console gets one line. */
__attribute__((noreturn)) static void
report(unsigned vector, uint64_t error, uint32_t eip, uint32_t cs, uint32_t eflags,
       const uint32_t regs[8])
{
    const char *sep = CONFIG_COLOR_CONSOLE ? "\n " : "; ", *after_flags = sep;
    char title[EXCEPTION_TITLE_SIZE];
    exception_report_title(title, sizeof title, vector, error, sep, &after_flags);
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
    exception_machine_check_init();
    x86_lapic_virtual_wire();
}

/* CPU exception reports, 64-bit. */
#include <stdint.h>

#include "arch/x86/exceptions.h"
#include "arch/x86/lapic.h"
#include "arch/x86/x86_64/desc.h"
#include "arch/x86/x86_64/frame.h"
#include "asm/interrupts.h"
#include "core/format.h"
#include "core/panic.h"

void
arch_exception_report(const struct irq_frame *f, unsigned vector)
{
    /* Lines break on the console's screen (three registers fit a row); the
     * raw red screen without the console gets one line. */
    const char *sep = CONFIG_COLOR_CONSOLE ? "\n " : "; ";
    char title[EXCEPTION_TITLE_SIZE], cr2[32] = "";
    uint64_t error = f->error_code == FRAME_NO_ERROR ? EXCEPTION_NO_ERROR : f->error_code;
    exception_report_title(title, sizeof title, vector, error, sep, NULL);
    if (vector == ARCH_VECTOR_PAGE_FAULT) {
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
    exception_machine_check_init();
    x86_lapic_virtual_wire();
}

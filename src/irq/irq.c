#include "irq/irq.h"

#include "config.h"
#include "core/format.h"
#include "core/io.h"
#include "core/panic.h"
#include "irq/desc.h"
#include "irq/kbd.h"
#include "irq/nmi.h"
#include "irq/pic.h"

#define IRQ_LINES 16
#define NO_ERROR  0xFFFFFFFFu /* stubs.asm: the CPU pushed no error code */

static irq_handler handlers[IRQ_LINES];

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved exception 15",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point exception",
    "virtualization exception",
    "control protection exception",
    "reserved exception 22",
    "reserved exception 23",
    "reserved exception 24",
    "reserved exception 25",
    "reserved exception 26",
    "reserved exception 27",
    "hypervisor injection exception",
    "VMM communication exception",
    "security exception",
    "reserved exception 31",
};

/* Panic with a report of CPU exception vector: its name, the error code,
 * and the registers at the fault. Lines break on the console's screen; the
 * raw red screen without the console gets one line. */
__attribute__((noreturn)) static void
exception_report(uint32_t vector, uint32_t error, uint32_t eip, uint32_t cs,
                 uint32_t eflags, const uint32_t regs[8])
{
    const char *sep = CONFIG_COLOR_CONSOLE ? "\n " : "; ";
    char code[32] = "no error code";
    if (error != NO_ERROR) {
        ksnprintf(code, sizeof code, "error code 0x%x", error);
    }
    panic("CPU exception %u: %s, %s%s"
          "EIP=%08x CS=%04x EFLAGS=%08x%s"
          "EAX=%08x EBX=%08x ECX=%08x EDX=%08x%s"
          "ESI=%08x EDI=%08x EBP=%08x ESP=%08x",
          vector, exception_names[vector], code, sep, eip, cs, eflags, sep, regs[0],
          regs[1], regs[2], regs[3], sep, regs[4], regs[5], regs[6], regs[7]);
}

/* Entered through the task gate on its own stack, with the state of the
 * task that double-faulted saved in the main TSS. */
__attribute__((noreturn)) static void
double_fault_task(void)
{
    const struct tss *t = desc_faulting_task();
    const uint32_t regs[8] = {t->eax, t->ebx, t->ecx, t->edx,
                              t->esi, t->edi, t->ebp, t->esp};
    exception_report(VECTOR_DOUBLE_FAULT, 0, t->eip, t->cs, t->eflags, regs);
}

/* Called by stubs.asm for every vector 0-47, with interrupts off. */
void irq_dispatch(struct irq_frame *f);

void
irq_dispatch(struct irq_frame *f)
{
    if (f->vector == VECTOR_NMI) {
        irq_nmi();
        return;
    }
    if (f->vector < PIC_VECTOR_BASE) {
        /* Ring 0 to ring 0: the CPU switched no stack, so the stack pointer
         * at the fault is just above what it pushed. */
        const uint32_t regs[8] = {f->eax, f->ebx, f->ecx, f->edx,
                                  f->esi, f->edi, f->ebp, (uint32_t)(&f->eflags + 1)};
        exception_report(f->vector, f->error_code, f->eip, f->cs, f->eflags, regs);
    }
    int line = (int)f->vector - PIC_VECTOR_BASE;
    if (pic_spurious(line)) {
        return;
    }
    if (handlers[line]) {
        handlers[line](f);
    }
    pic_eoi(line);
}

int
irq_register(int line, irq_handler handler)
{
    if (line < 0 || line >= IRQ_LINES || handlers[line]) {
        return -1;
    }
    handlers[line] = handler;
    pic_unmask(line);
    return 0;
}

void
irq_init(void)
{
    desc_init(double_fault_task);
    pic_init();
    const char *problem = kbd_init();
    if (problem) {
        irq_notice(problem);
    }
    if (CONFIG_SHELL) {
        irq_com1_keys_init();
    }
    cpu_sti();
}

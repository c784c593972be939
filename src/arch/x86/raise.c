/* The shell's fault command: CPU exceptions raised on purpose, the same
 * way on both widths. */
#include "arch/x86/exceptions.h"
#include "asm/interrupts.h"
#include "asm/io.h"
#include "config.h"

#define CMOS_INDEX   0x70 /* the RTC's index port; bit 7 masks NMIs */
#define CMOS_NMI_OFF 0x80

/* Load an invalid selector into DS: a real general protection fault (in
 * 64-bit mode too: the selector is still checked). */
static void
load_bad_selector(void)
{
    __asm__ volatile("mov %0, %%ds" : : "r"(0x1234) : "memory");
}

void
arch_raise_exception(int vector)
{
    switch (vector) {
    case 2:
        /* `int 2` enters the NMI's gate, and on x86_64 its own stack (IST):
         * a real NMI meanwhile would start over on that same stack. The PC
         * masks NMIs at the chipset while port 0x70's bit 7 is set. */
        outb(CMOS_INDEX, CMOS_NMI_OFF);
        x86_int(2);
        outb(CMOS_INDEX, 0);
        break;
    case 0:
        /* A real divide error. Not in C: clang turns 1 / x into compares. */
        __asm__ volatile("divl %0" : : "r"(0), "a"(1), "d"(0));
        break;
    case 3:
        __asm__ volatile("int3"); /* the one-byte breakpoint instruction */
        break;
    case 6:
        __asm__ volatile("ud2");
        break;
    case 8:
        /* A real double fault: #GP cannot be delivered through a gate that
         * is not present, and the #NP that raises is a second fault. */
        desc_idt_unmap(13);
        load_bad_selector();
        break;
    case 13:
        load_bad_selector();
        break;
    case 14:
        if (ARCH_UNMAPPED_ADDRESS) { /* with paging: a real page fault */
            (void)*(volatile char *)ARCH_UNMAPPED_ADDRESS;
            break;
        }
        x86_int(14);
        break;
    default:
        /* Also 4 and 5 on x86_64, whose instructions (into, bound) 64-bit
         * mode lacks: `int 4` enters the same gate. */
        x86_int((uint32_t)vector & 31);
    }
}

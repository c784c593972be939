#include "pc/reboot.h"

#include <stdint.h>

#include "asm/io.h"
#include "pc/screen.h"
#include "pc/i8042.h"

/* The PCI chipsets' reset control register (Intel's PIIX, ICH and later;
 * Linux's BOOT_CF9). A machine without one ignores the writes. */
#define RESET_CONTROL         0xCF9
#define RESET_CONTROL_SYS_RST 0x02   /* the kind of reset: hard */
#define RESET_CONTROL_RST_CPU 0x04   /* 0 to 1: reset now */
#define RESET_WAIT_POLLS      100000 /* io_delay: about 0.1 s for a reset to come */

void
irq_reboot(void)
{
    cpu_cli();
    if (i8042_pulse_reset()) {
        io_delay(RESET_WAIT_POLLS);
        core_debug_line("reboot: the PS/2 controller's reset line did not reset");
    } else {
        core_debug_line("reboot: no PS/2 controller to pulse the reset line");
    }

    core_debug_line("reboot: trying the reset control register (port 0xCF9)");
    uint8_t rcr =
        inb(RESET_CONTROL) & (uint8_t) ~(RESET_CONTROL_SYS_RST | RESET_CONTROL_RST_CPU);
    outb(RESET_CONTROL, rcr | RESET_CONTROL_SYS_RST);
    io_wait();
    outb(RESET_CONTROL, rcr | RESET_CONTROL_SYS_RST | RESET_CONTROL_RST_CPU);
    io_delay(RESET_WAIT_POLLS);

    /* An empty IDT: the breakpoint cannot be delivered, nor the double fault
     * that follows, and the third fault resets the CPU. */
    core_debug_line("reboot: trying a triple fault");
    struct {
        uint16_t limit;
        uintptr_t base; /* 32 or 64 bits, as lidt reads it */
    } __attribute__((packed)) empty = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty));
    core_halt();
}

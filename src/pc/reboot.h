/* Resetting the machine. Internal to the keyboard gate. */
#ifndef PC_REBOOT_H
#define PC_REBOOT_H

/* Reset the machine the first way that works: the 8042's reset line, the
 * chipset's reset control register (port 0xCF9), then a triple fault,
 * which resets every PC. Each failed way is said on the debug port. */
__attribute__((noreturn)) void irq_reboot(void);

#endif

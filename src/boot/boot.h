/* The boot path every image shares: check the loader, paint the screen and
 * start the subsystems whose gates are on. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdint.h>

#include "boot/multiboot.h"

/* The C entry point, which each architecture's entry.asm calls with the
 * loader's magic and info (i686: EAX and EDX by -mregparm=3; x86_64: RDI
 * and RSI). The normal kernel's is main.c's, a test kernel brings its own. */
__attribute__((noreturn)) void kmain(uint32_t magic, const struct multiboot_info *info);

/* The linker script's bounds of the loaded image: code, data, bss and the
 * boot stack. */
extern char kernel_image_start[], kernel_image_end[];

/* Paint the screen in the background colour and initialise every enabled
 * subsystem. The architecture's entry has checked magic (a wrong one ends
 * in a readable failure on screen and on the debug port before C runs).
 * Returns only on success. */
void boot_start(uint32_t magic, const struct multiboot_info *info);

#endif

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

/* Check that a Multiboot loader started us (magic; unless the
 * architecture's entry did, ARCH_ENTRY_CHECKS_MAGIC), paint the screen in
 * the background colour and initialise every enabled subsystem. Returns
 * only on success; a wrong magic ends in a readable failure on screen and
 * on the debug port. */
void boot_start(uint32_t magic, const struct multiboot_info *info);

#endif

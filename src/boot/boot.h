/* The boot path every image shares: check the loader, paint the screen and
 * start the subsystems whose gates are on. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdint.h>

#include "boot/multiboot.h"

/* Check that a Multiboot loader started us (magic; unless the
 * architecture's entry did, ARCH_ENTRY_CHECKS_MAGIC), paint the screen in
 * the background colour and initialise every enabled subsystem. Returns
 * only on success; a wrong magic ends in a readable failure on screen and
 * on the debug port. */
void boot_start(uint32_t magic, const struct multiboot_info *info);

#endif

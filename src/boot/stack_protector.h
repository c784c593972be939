/* The stack protector's runtime, in builds with -Dstack-protector (not a
 * gate): the guard that the compiler's canaries copy, chosen at boot, and
 * the report of a canary found changed. Nothing in C calls it: each
 * architecture's entry.asm calls boot_stack_guard_init, and protected
 * functions call __stack_chk_fail. */
#ifndef BOOT_STACK_PROTECTOR_H
#define BOOT_STACK_PROTECTOR_H

#include <stdint.h>

#include "boot/multiboot.h"

/* The value every protected frame copies below its return address on entry
 * and compares before it returns (a global on both targets:
 * -mstack-protector-guard=global). Its low byte is 0, so that a string
 * copy or print that runs into a canary stops there; the rest is never all
 * zero. */
extern uintptr_t __stack_chk_guard;

/* Choose __stack_chk_guard: from RDRAND when CPUID lists it, mixed with
 * RDTSC when the CPU has a time-stamp counter, and with what the loader
 * handed over (the info pointer, the info structure, the command line and
 * the memory map; read only when magic is Multiboot's); on a CPU with
 * neither instruction, from the loader's data alone. Says which on the
 * debug port. The entry calls it first, before kmain, so that no protected
 * frame is live while the guard changes. */
void boot_stack_guard_init(uint32_t magic, const struct multiboot_info *info);

/* Called by a protected function whose canary has changed, instead of
 * returning: panics "stack smashing detected at ADDRESS", ADDRESS being
 * this call's return address, in that function right after its check
 * (often its last instruction: look up ADDRESS - 1). */
__attribute__((noreturn)) void __stack_chk_fail(void);

#endif

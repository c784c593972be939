/* The i686 interrupt frame, as stubs.asm builds it. Internal to
 * arch/x86/i686. */
#ifndef ARCH_X86_I686_FRAME_H
#define ARCH_X86_I686_FRAME_H

#include <stdint.h>

#define FRAME_NO_ERROR 0xFFFFFFFFu /* stubs.asm: the CPU pushed no error code */

/* The registers a stub saves, in the order it pushes them (last pushed
 * first): pusha's eight, the vector, an error code, then what the CPU
 * pushed (EIP, CS, EFLAGS; no stack switch from ring 0 to ring 0). */
struct irq_frame {
    uint32_t edi, esi, ebp, esp_at_entry, ebx, edx, ecx, eax;
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
};

#endif

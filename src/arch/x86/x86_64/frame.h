/* The x86_64 interrupt frame, as stubs.asm builds it. Internal to
 * arch/x86/x86_64. */
#ifndef ARCH_X86_X86_64_FRAME_H
#define ARCH_X86_X86_64_FRAME_H

#include <stdint.h>

#define FRAME_NO_ERROR 0xFFFFFFFFFFFFFFFFull /* the CPU pushed no error code */

/* The registers a stub saves, in the order it pushes them (last pushed
 * first), the vector, an error code, then what the CPU pushed. */
struct irq_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

#endif

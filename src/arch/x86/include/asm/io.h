/* Port I/O and CPU control, for both x86 widths and the PC platform. Port I/O is
 * ordered with memory ("memory" clobber): a device may read or write what
 * the code around it prepared, as the PIC's EOI must come after the
 * handler's work. */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <stdint.h>

/* Write one byte to an I/O port. */
static inline void
outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

/* Read one byte from an I/O port. */
static inline uint8_t
inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* Write a 16-bit word to an I/O port. */
static inline void
outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

/* Write a 32-bit word to an I/O port. */
static inline void
outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

/* Give slow ISA devices (the PIC) time to settle: a write to unused port 0x80. */
static inline void
io_wait(void)
{
    outb(0x80, 0);
}

/* Wait polls times io_wait: at least that many microseconds on a PC, far
 * less under an emulator. For a device that needs time, not a condition. */
static inline void
io_delay(int polls)
{
    for (int i = 0; i < polls; i++) {
        io_wait();
    }
}

/* System control port B: PC speaker and timer 2 gate in the writable low
 * bits (IO_PORT_B_WRITABLE), NMI reasons and status in the high ones. */
#define IO_PORT_B          0x61
#define IO_PORT_B_WRITABLE 0x0F

/* Disable maskable interrupts. */
static inline void
cpu_cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}

/* Enable maskable interrupts. */
static inline void
cpu_sti(void)
{
    __asm__ volatile("sti" ::: "memory");
}

/* Sleep until the next interrupt: enable interrupts and halt in one step, so
 * that an interrupt arriving between the two cannot be missed. */
static inline void
cpu_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}

/* Stop the CPU for good: interrupts off, then hlt in a loop (an NMI or SMI
 * may still wake it, so the loop halts again). */
__attribute__((noreturn, always_inline)) static inline void
core_halt(void)
{
    for (;;) {
        __asm__ volatile("cli; hlt" ::: "memory");
    }
}

#endif

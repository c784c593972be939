/* The keyboard gate: descriptor tables, CPU exception reports, the PIC, IRQ
 * dispatch and the PS/2 keyboard. With -Dkeyboard=false the hooks below are
 * empty and the API is a compile-time error naming the option. */
#ifndef IRQ_IRQ_H
#define IRQ_IRQ_H

#include <stdint.h>

#include "config.h"
#include "core/gate.h"

/* The registers an interrupt stub saves, in the order it pushes them
 * (last pushed first). */
struct irq_frame {
    uint32_t edi, esi, ebp, esp_at_entry, ebx, edx, ecx, eax;
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
};

/* Handles hardware IRQ line 0-15; runs with interrupts off. */
typedef void (*irq_handler)(struct irq_frame *frame);

/* A shell command, registered by the subsystem that owns it. The shell
 * runs it only with the number of arguments it takes, and otherwise prints
 * its usage line. */
struct shell_command {
    const char *name;  /* what the user types */
    const char *usage; /* arguments, for help: "FG BG" */
    const char *help;  /* one line */
    void (*run)(int argc, char **argv);
    int args; /* how many arguments it takes, or SHELL_ANY_ARGS */
};

#define SHELL_ANY_ARGS (-1)

#if CONFIG_KEYBOARD

/* Load our GDT and IDT, remap and mask the PIC, start the keyboard and
 * enable interrupts. */
void irq_init(void);

/* Run the main loop: sleep in hlt, hand keys to the shell (or, without the
 * console, to the screen colour). Never returns. */
__attribute__((noreturn)) void irq_main_loop(void);

/* Call handler for IRQ line (0-15) and unmask the line. Returns 0, or -1
 * if line is out of range or already has a handler. */
int irq_register(int line, irq_handler handler);

#else

static inline void
irq_init(void)
{
}

#define IRQ_OFF GATE_OFF("keyboard")
IRQ_OFF __attribute__((noreturn)) void irq_main_loop(void);
IRQ_OFF int irq_register(int line, irq_handler handler);

#endif

/* The shell needs both gates, keys in and text out: CONFIG_SHELL, derived
 * in src/meson.build. A subsystem registers its commands with
 * `if (CONFIG_SHELL)`, so that they are left out of the image otherwise. */
#if CONFIG_SHELL
/* Add cmd (which must outlive the shell) to the shell's commands; panics
 * when the table is full. */
void shell_register(const struct shell_command *cmd);
#elif CONFIG_KEYBOARD
GATE_OFF("color-console") void shell_register(const struct shell_command *cmd);
#else
IRQ_OFF void shell_register(const struct shell_command *cmd);
#endif

#endif

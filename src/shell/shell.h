/* The line-editing shell: a derived switch (CONFIG_SHELL), built only when
 * the keyboard and the console gates are both on. The shell depends on the
 * subsystems whose commands it offers (the heap's mem, the architecture's
 * fault, the platform's reboot), never the other way round. */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include "config.h"
#include "core/gate.h"
#include "irq/kbd_decode.h"

/* A shell command. The shell runs it only with the number of arguments it
 * takes, and otherwise prints its usage line. */
struct shell_command {
    const char *name;  /* what the user types */
    const char *usage; /* arguments, for help: "FG BG" */
    const char *help;  /* one line */
    void (*run)(int argc, char **argv);
    int args; /* how many arguments it takes, or SHELL_ANY_ARGS */
};

#define SHELL_ANY_ARGS (-1)

#if CONFIG_SHELL
/* Add cmd (which must outlive the shell) to the shell's commands, for code
 * built on top of the shell (a test kernel, a new subsystem's own module);
 * panics when the table is full. */
void shell_register(const struct shell_command *cmd);
#elif CONFIG_KEYBOARD
GATE_OFF("color-console") void shell_register(const struct shell_command *cmd);
#else
GATE_OFF("keyboard") void shell_register(const struct shell_command *cmd);
#endif

/* Print the first prompt (the built-in commands need no registering). */
void shell_init(void);

/* Show text on a line of its own: above the prompt and what has been typed
 * so far, which are shown again below it. */
void shell_notice(const char *text);

/* Feed one key event: printable keys are echoed into the line, Backspace
 * removes the last character, Enter runs the line, Ctrl+C drops it. */
void shell_key(const struct kbd_event *ev);

#endif

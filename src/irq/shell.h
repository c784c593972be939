/* The line-editing shell of the keyboard gate (built only with the console
 * gate on too). Internal to the keyboard gate. */
#ifndef IRQ_SHELL_H
#define IRQ_SHELL_H

#include "irq/kbd_decode.h"

/* Print the first prompt (the built-in commands need no registering). */
void shell_init(void);

/* Show text on a line of its own: above the prompt and what has been typed
 * so far, which are shown again below it. */
void shell_notice(const char *text);

/* Feed one key event: printable keys are echoed into the line, Backspace
 * removes the last character, Enter runs the line, Ctrl+C drops it. */
void shell_key(const struct kbd_event *ev);

#endif

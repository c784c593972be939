/* Fatal errors. Every configuration can panic: with the console gate on the
 * console paints a report (it registers its painter at its start), without
 * it the screen still turns red with the message on it. Either way the
 * message also goes to the debug port. */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

#include <stdbool.h>

/* Report a fatal error, formatted like printf, with the caller's file and
 * line; never returns. */
#define panic(...) core_panic(__FILE__, __LINE__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 3, 4))) void
core_panic(const char *file, int line, const char *fmt, ...);

/* Paints a full report (the formatted message, where it was raised). */
typedef void (*core_panic_screen_fn)(const char *message, const char *file, int line);

/* From now on, let paint show panic reports instead of the raw red screen.
 * The library knows no subsystem: one that can do better registers. */
void core_panic_set_screen(core_panic_screen_fn paint);

/* True once a subsystem has registered its painter: the console has started
 * and kprintf may be used (the sanitizer's log lines ask). */
bool core_panic_has_screen(void);

/* True once a panic has begun: its report is on screen, or being made.
 * A panic that begins during another adds one line at the bottom of the
 * screen and on the debug port, and erases nothing. */
bool core_panicking(void);

/* The smallest fatal report: msg (not formatted) in white on red at the top
 * of the screen and on the debug port, then halt. For failures before or
 * without anything else, such as a wrong boot magic. */
__attribute__((noreturn)) void core_fail(const char *msg);

#endif

#include "core/panic.h"

#include "core/format.h"
#include "asm/io.h"
#include "pc/screen.h"

#define PANIC_ATTR SCREEN_ATTR(15, 4) /* white on red */

/* Panics entered so far: 1 while the first report is made and after it. */
static volatile int panics;
/* The subsystem that paints the full report, once it has started. */
static core_panic_screen_fn panic_screen;

void
core_panic_set_screen(core_panic_screen_fn paint)
{
    panic_screen = paint;
}

bool
core_panic_has_screen(void)
{
    return panic_screen != 0;
}

void
core_fail(const char *msg)
{
    cpu_cli();
    core_debug_line(msg);
    core_screen_paint(PANIC_ATTR, msg);
    core_halt();
}

/* A panic during the report of another (a fault in the report's own code,
 * say): the first report stays on screen and this one takes the bottom row
 * and a debug-port line. A third one only says so on the debug port, since
 * the code of the second may be what fails. */
__attribute__((noreturn)) static void
nested_panic(const char *file, int line, const char *fmt, va_list ap)
{
    static char message[256];
    static char report[384];
    if (panics > 2) {
        core_debug_line("PANIC while panicking, again: halted");
        core_halt();
    }
    kvsnprintf(message, sizeof message, fmt, ap);
    for (char *p = message; *p; p++) {
        *p = *p == '\n' ? ';' : *p; /* the console's line breaks: one line here */
    }
    ksnprintf(report, sizeof report, "PANIC while panicking: %s (at %s:%d)", message,
              file, line);
    core_debug_line(report);
    core_screen_row(SCREEN_ROWS - 1, PANIC_ATTR, report);
    core_halt();
}

void
core_panic(const char *file, int line, const char *fmt, ...)
{
    /* Room for the longest report: the 64-bit exception report's 16
     * registers, and a line of where it was raised. */
    static char message[768];
    static char report[896];

    cpu_cli();
    va_list ap;
    va_start(ap, fmt);
    if (panics++) {
        nested_panic(file, line, fmt, ap);
    }
    kvsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ksnprintf(report, sizeof report, "PANIC: %s (at %s:%d)", message, file, line);
    if (panic_screen) {
        core_debug_line(report);
        panic_screen(message, file, line);
        core_halt();
    }
    core_fail(report);
}

bool
core_panicking(void)
{
    return panics != 0;
}

#include "core/panic.h"

#include "config.h"
#include "console/console.h"
#include "core/format.h"
#include "core/io.h"
#include "core/screen.h"

#define PANIC_ATTR SCREEN_ATTR(15, 4) /* white on red */

void
core_fail(const char *msg)
{
    cpu_cli();
    core_debug_line(msg);
    core_screen_paint(PANIC_ATTR, msg);
    core_halt();
}

void
core_panic(const char *file, int line, const char *fmt, ...)
{
    static char message[256];
    static char report[384];
    static int panicking;

    cpu_cli();
    if (panicking++) {
        core_fail("PANIC while panicking");
    }
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ksnprintf(report, sizeof report, "PANIC: %s (at %s:%d)", message, file, line);
    if (CONFIG_COLOR_CONSOLE) {
        core_debug_line(report);
        console_panic_screen(message, file, line);
        core_halt();
    }
    core_fail(report);
}

/* For host tests of the heap: core_panic records its message and jumps
 * back to the test, which asserts on it. */
#ifndef TEST_HEAP_PANIC_H
#define TEST_HEAP_PANIC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/panic.h"

static jmp_buf panic_jump;
static char panic_message[256];

void
core_panic(const char *file, int line, const char *fmt, ...)
{
    (void)file;
    (void)line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_message, sizeof panic_message, fmt, ap);
    va_end(ap);
    longjmp(panic_jump, 1);
}

/* Run stmt; evaluates to true if it panicked (message in panic_message). */
#define PANICS(stmt) (panic_message[0] = '\0', setjmp(panic_jump) ? 1 : ((stmt), 0))

#endif

/* For host tests of the heap: core_panic records its message and jumps
 * back to the test, which asserts on it; a panic outside PANICS() is a
 * failure, reported with its message. */
#ifndef TEST_HEAP_PANIC_H
#define TEST_HEAP_PANIC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/panic.h"

static jmp_buf panic_jump;
static char panic_message[256];
static int panic_expected; /* inside PANICS(): panic_jump is set */

void
core_panic(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_message, sizeof panic_message, fmt, ap);
    va_end(ap);
    if (!panic_expected) {
        fprintf(stderr, "unexpected panic at %s:%d: %s\n", file, line, panic_message);
        abort();
    }
    panic_expected = 0;
    longjmp(panic_jump, 1);
}

/* Run stmt; evaluates to true if it panicked (message in panic_message). */
#define PANICS(stmt)                                                                     \
    (panic_message[0] = '\0', panic_expected = 1,                                        \
     setjmp(panic_jump) ? 1 : ((stmt), panic_expected = 0, 0))

#endif

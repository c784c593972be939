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

/* Run stmt; evaluates to true if it panicked (message in panic_message).
 * setjmp stands alone in an if's controlling expression, as C11 7.13.1.1
 * allows (not inside ?:). */
#define PANICS(stmt)                                                                     \
    ({                                                                                   \
        volatile int panicked_ = 1;                                                      \
        panic_message[0] = '\0';                                                         \
        panic_expected = 1;                                                              \
        if (setjmp(panic_jump) == 0) {                                                   \
            stmt;                                                                        \
            panic_expected = 0;                                                          \
            panicked_ = 0;                                                               \
        }                                                                                \
        panicked_;                                                                       \
    })

#endif

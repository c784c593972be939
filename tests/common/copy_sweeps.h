/* The copy and fill sweeps of core/string.c, one set for both places that
 * run them: tests/unit/test_string.c on the host (x86_64's block copies)
 * and tests/kernel/core_test.c in both kernels (i686's 4-byte words too),
 * each reporting a failure its own way.
 *
 * Against byte-by-byte expectations: every size up to SMALL at every
 * offset in a 16-byte window (every alignment of a 4- or 8-byte word, so
 * every head and tail a word copy has), memmove at every distance up to
 * the size + 1 in both directions (every overlap, and the neighbours of
 * each end), then the BIG sizes, a scroll's 3840 among them, at the
 * distances that matter there. Each check also wants the right return
 * value and nothing changed around what it wrote.
 *
 * Include it in one file of a test program, after core/string.h's
 * functions are in scope (the host renames them core_*). */
#ifndef TESTS_COPY_SWEEPS_H
#define TESTS_COPY_SWEEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/string.h"

enum {
    WINDOW = 16,
    SMALL = 64,
    ROOM = 4128,                    /* the largest distance and a window, below dst */
    BUF = ROOM + WINDOW + 2 * ROOM, /* and above: the distance and the size */
};
static const size_t BIG[] = {255, 256, 257, 1000, 3840, 4099};
static _Alignas(16) unsigned char buf[BUF], want[BUF];

/* The first failing call: which function, and its arguments (value: the
 * fill's byte or unit). */
static struct sweep_failure {
    const char *call;
    size_t dst, src, n;
    unsigned value;
} sweep_failure;

/* Byte i of the pattern: no run of it repeats at a shorter distance than
 * the buffers, so a copy from the wrong place shows. */
static unsigned char
pattern_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 24);
}

static bool
failed(const char *call, size_t dst, size_t src, size_t n, unsigned value)
{
    sweep_failure = (struct sweep_failure){call, dst, src, n, value};
    return false;
}

/* memmove(buf + dst, buf + src, n) against the model, over both and a
 * window on either side. */
static bool
memmove_right(size_t dst, size_t src, size_t n)
{
    size_t lo = (dst < src ? dst : src) - WINDOW,
           hi = (dst > src ? dst : src) + n + WINDOW;
    for (size_t i = lo; i < hi; i++) {
        buf[i] = want[i] = pattern_at(i);
    }
    for (size_t i = 0; i < n; i++) {
        want[dst + i] = pattern_at(src + i);
    }
    if (memmove(buf + dst, buf + src, n) != buf + dst ||
        memcmp(buf + lo, want + lo, hi - lo) != 0) {
        return failed("memmove", dst, src, n, 0);
    }
    return true;
}

static bool
memmove_sweep(void)
{
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t dst = ROOM; dst < ROOM + WINDOW; dst++) {
            for (size_t src = dst - n - 1; src <= dst + n + 1; src++) {
                if (!memmove_right(dst, src, n)) {
                    return false;
                }
            }
        }
    }
    for (size_t b = 0; b < sizeof BIG / sizeof BIG[0]; b++) {
        size_t n = BIG[b];
        const size_t distances[] = {0, 1, 2,   3,     4,     5, 7,
                                    8, 9, 160, n / 2, n - 1, n, n + 3};
        for (size_t dst = ROOM; dst < ROOM + WINDOW; dst++) {
            for (size_t i = 0; i < sizeof distances / sizeof distances[0]; i++) {
                if (!memmove_right(dst, dst + distances[i], n) ||
                    !memmove_right(dst, dst - distances[i], n)) {
                    return false;
                }
            }
        }
    }
    return true;
}

/* memcpy(want + dst, buf + src, n), from one buffer to the other. */
static bool
memcpy_right(size_t dst, size_t src, size_t n)
{
    size_t hi = 3 * WINDOW + n;
    for (size_t i = 0; i < hi; i++) {
        buf[i] = pattern_at(i);
        want[i] = (unsigned char)~pattern_at(i);
    }
    bool right = memcpy(want + dst, buf + src, n) == want + dst;
    for (size_t i = 0; i < hi; i++) {
        right = right && want[i] == (i - dst < n ? pattern_at(src + i - dst)
                                                 : (unsigned char)~pattern_at(i));
    }
    return right || failed("memcpy", dst, src, n, 0);
}

/* memset(buf + dst, c, n): only c's low byte counts. */
static bool
memset_right(size_t dst, int c, size_t n)
{
    size_t hi = 3 * WINDOW + n;
    for (size_t i = 0; i < hi; i++) {
        buf[i] = pattern_at(i);
    }
    bool right = memset(buf + dst, c, n) == buf + dst;
    for (size_t i = 0; i < hi; i++) {
        right = right && buf[i] == (i - dst < n ? (unsigned char)c : pattern_at(i));
    }
    return right || failed("memset", dst, 0, n, (unsigned)c);
}

/* memset16(units + dst, unit, count), in 16-bit units. */
static bool
memset16_right(size_t dst, uint16_t unit, size_t count)
{
    uint16_t *units = (uint16_t *)buf; /* aligned, and the sweeps' own */
    size_t hi = 3 * WINDOW + count;
    for (size_t i = 0; i < hi; i++) {
        units[i] = (uint16_t)~i;
    }
    bool right = memset16(units + dst, unit, count) == units + dst;
    for (size_t i = 0; i < hi; i++) {
        right = right && units[i] == (i - dst < count ? unit : (uint16_t)~i);
    }
    return right || failed("memset16", dst, 0, count, unit);
}

static bool
copy_and_fill_sweep(void)
{
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t dst = WINDOW; dst < 2 * WINDOW; dst++) {
            for (size_t src = WINDOW; src < 2 * WINDOW; src++) {
                if (!memcpy_right(dst, src, n)) {
                    return false;
                }
            }
            if (!memset_right(dst, 0x1AB, n) || !memset_right(dst, 0, n) ||
                !memset_right(dst, -1, n) || !memset16_right(dst, 0x1720, n)) {
                return false;
            }
        }
    }
    for (size_t b = 0; b < sizeof BIG / sizeof BIG[0]; b++) {
        for (size_t dst = WINDOW; dst < 2 * WINDOW; dst++) {
            if (!memcpy_right(dst, WINDOW + (dst * 5 + 3) % WINDOW, BIG[b]) ||
                !memset_right(dst, 0x80, BIG[b]) ||
                !memset16_right(dst, 0xBEEF, BIG[b])) {
                return false;
            }
        }
    }
    return true;
}

#endif

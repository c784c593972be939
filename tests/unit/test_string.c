/* core/string.c on the host, against byte-by-byte expectations (libc's own
 * functions are not used as the reference: the names are remapped), with
 * x86_64's block copies (asm/string.h). tests/kernel/core_test.c sweeps
 * the same in both kernels, i686's 4-byte words included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/string.h"

/* Byte i of the test pattern: no run of it repeats at a shorter distance
 * than the buffers here, so a copy from the wrong place shows. */
static unsigned char
pattern_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 24);
}

static void
pattern(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = pattern_at(i);
    }
}

/* The sweeps: every size up to SMALL, every dst (and src) offset within a
 * 16-byte window of an aligned base, and for memmove every distance
 * between them up to size + 1 in both directions (all the overlaps, and
 * the two neighbours of each end); then the BIG sizes, a scroll's 3840
 * among them, at the distances that matter there. Both machine words' tails
 * and heads come through: 16 covers the 8-byte word's every alignment. */
enum {
    WINDOW = 16,
    SMALL = 64,
    ROOM = 4128,                    /* the largest distance and a window, below dst */
    BUF = ROOM + WINDOW + 2 * ROOM, /* and above: the distance and the size */
};
static const size_t BIG[] = {255, 256, 257, 1000, 3840, 4099};

static _Alignas(16) unsigned char buf[BUF], want[BUF];

/* memmove(buf + dst, buf + src, n) against a byte-by-byte model, over both
 * and a window on either side (no more than dst's n bytes may change). */
static void
check_memmove(size_t dst, size_t src, size_t n)
{
    size_t lo = (dst < src ? dst : src) - WINDOW,
           hi = (dst > src ? dst : src) + n + WINDOW;
    for (size_t i = lo; i < hi; i++) {
        buf[i] = want[i] = pattern_at(i);
    }
    for (size_t i = 0; i < n; i++) {
        want[dst + i] = pattern_at(src + i);
    }
    assert_ptr_equal(memmove(buf + dst, buf + src, n), buf + dst);
    if (memcmp(buf + lo, want + lo, hi - lo) != 0) {
        fail_msg("memmove(buf + %zu, buf + %zu, %zu) wrong", dst, src, n);
    }
}

/* memmove at dst + the offset in the window, src distance bytes away. */
static void
check_memmove_at(size_t offset, long distance, size_t n)
{
    size_t dst = ROOM + offset;
    check_memmove(dst, (size_t)((long)dst + distance), n);
}

static void
test_memmove_small(void **state)
{
    (void)state;
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t offset = 0; offset < WINDOW; offset++) {
            for (long distance = -(long)n - 1; distance <= (long)n + 1; distance++) {
                check_memmove_at(offset, distance, n);
            }
        }
    }
}

static void
test_memmove_big(void **state)
{
    (void)state;
    for (size_t b = 0; b < sizeof BIG / sizeof BIG[0]; b++) {
        long n = (long)BIG[b];
        const long distances[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 160, n / 2, n - 1, n, n + 3};
        for (size_t offset = 0; offset < WINDOW; offset++) {
            for (size_t i = 0; i < sizeof distances / sizeof distances[0]; i++) {
                check_memmove_at(offset, distances[i], (size_t)n);
                check_memmove_at(offset, -distances[i], (size_t)n);
            }
        }
    }
}

/* memcpy from src's offset in one buffer to dst's in the other. */
static void
check_memcpy(size_t dst, size_t src, size_t n)
{
    pattern(buf, BUF);
    for (size_t i = 0; i < BUF; i++) {
        want[i] = (unsigned char)~pattern_at(i);
    }
    unsigned char *to = want + dst;
    assert_ptr_equal(memcpy(to, buf + src, n), to);
    for (size_t i = 0; i < BUF; i++) {
        unsigned char expect =
            i - dst < n ? pattern_at(src + i - dst) : (unsigned char)~pattern_at(i);
        if (want[i] != expect) {
            fail_msg("memcpy(+%zu, +%zu, %zu): byte %zu wrong", dst, src, n, i);
        }
    }
}

static void
test_memcpy(void **state)
{
    (void)state;
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t dst = 0; dst < WINDOW; dst++) {
            for (size_t src = 0; src < WINDOW; src++) {
                check_memcpy(WINDOW + dst, WINDOW + src, n);
            }
        }
    }
    for (size_t b = 0; b < sizeof BIG / sizeof BIG[0]; b++) {
        for (size_t dst = 0; dst < WINDOW; dst++) {
            check_memcpy(WINDOW + dst, WINDOW + (dst * 5 + 3) % WINDOW, BIG[b]);
        }
    }
}

/* memset at dst, only its int's low byte counting. */
static void
check_memset(size_t dst, int c, size_t n)
{
    pattern(buf, BUF);
    assert_ptr_equal(memset(buf + dst, c, n), buf + dst);
    for (size_t i = 0; i < BUF; i++) {
        unsigned char expect = i - dst < n ? (unsigned char)c : pattern_at(i);
        if (buf[i] != expect) {
            fail_msg("memset(+%zu, %#x, %zu): byte %zu wrong", dst, c, n, i);
        }
    }
}

static void
test_memset(void **state)
{
    (void)state;
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t dst = 0; dst < WINDOW; dst++) {
            check_memset(WINDOW + dst, 0x1AB, n);
            check_memset(WINDOW + dst, 0, n);
            check_memset(WINDOW + dst, -1, n);
        }
    }
    for (size_t b = 0; b < sizeof BIG / sizeof BIG[0]; b++) {
        for (size_t dst = 0; dst < WINDOW; dst++) {
            check_memset(WINDOW + dst, 0x80, BIG[b]);
        }
    }
}

/* memset16 of count units at unit offset dst (uint16_t is 2-aligned). */
static void
check_memset16(size_t dst, uint16_t unit, size_t count)
{
    static _Alignas(16) uint16_t units[BUF / 2];
    for (size_t i = 0; i < BUF / 2; i++) {
        units[i] = (uint16_t)(pattern_at(i) * 0x101u);
    }
    assert_ptr_equal(memset16(units + dst, unit, count), units + dst);
    for (size_t i = 0; i < BUF / 2; i++) {
        uint16_t expect = i - dst < count ? unit : (uint16_t)(pattern_at(i) * 0x101u);
        if (units[i] != expect) {
            fail_msg("memset16(+%zu, %#x, %zu): unit %zu wrong", dst, unit, count, i);
        }
    }
}

static void
test_memset16(void **state)
{
    (void)state;
    for (size_t count = 0; count <= SMALL; count++) {
        for (size_t dst = 0; dst < WINDOW / 2; dst++) {
            check_memset16(WINDOW + dst, 0x1720, count);
        }
    }
    for (size_t dst = 0; dst < WINDOW / 2; dst++) {
        check_memset16(WINDOW + dst, 0xBEEF, 2000); /* a whole screen */
    }
}

static void
test_memcmp(void **state)
{
    (void)state;
    assert_int_equal(memcmp("abc", "abc", 3), 0);
    assert_true(memcmp("abc", "abd", 3) < 0);
    assert_true(memcmp("abd", "abc", 3) > 0);
    assert_true(memcmp("\x80", "\x01", 1) > 0); /* compared as unsigned */
    assert_int_equal(memcmp("abc", "abd", 2), 0);
    assert_int_equal(memcmp("x", "y", 0), 0);
}

static void
test_strings(void **state)
{
    (void)state;
    assert_int_equal(strlen(""), 0);
    assert_int_equal(strlen("sluice"), 6);
    assert_int_equal(strcmp("help", "help"), 0);
    assert_true(strcmp("hel", "help") < 0);
    assert_true(strcmp("help", "hel") > 0);
    assert_true(strcmp("\xff", "a") > 0);
    assert_int_equal(strncmp("color red", "color", 5), 0);
    assert_true(strncmp("colour", "color", 6) > 0);
    assert_int_equal(strncmp("a", "b", 0), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memset),      cmocka_unit_test(test_memset16),
        cmocka_unit_test(test_memcpy),      cmocka_unit_test(test_memmove_small),
        cmocka_unit_test(test_memmove_big), cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

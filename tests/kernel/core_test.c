/* core/ compiled as the kernel is (freestanding, -Os, regparm): the string
 * functions must not have been turned into calls to themselves, they must
 * copy and fill right at every size, alignment and overlap with this
 * target's block copies (4-byte words on i686, 8-byte on x86_64), and the
 * formatter's 64-bit conversions must work without libgcc. */
#include "core/format.h"
#include "core/string.h"
#include "ktest.h"

static bool
memmove_both_ways(void)
{
    char buf[16] = "0123456789";
    memmove(buf + 2, buf, 8); /* forwards overlap */
    bool up = memcmp(buf, "0101234567", 10) == 0;
    memmove(buf, buf + 2, 8); /* backwards overlap */
    return up && memcmp(buf, "0123456767", 10) == 0;
}

/* Byte i of the sweeps' pattern: no run of it repeats at a shorter distance
 * than the buffer, so a copy from the wrong place shows. */
static unsigned char
pattern_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 24);
}

/* The sweeps, as tests/unit/test_string.c's on the host: every size up to
 * SMALL at every offset in a 16-byte window (every alignment of either
 * word), memmove at every distance up to the size + 1 both ways, and a few
 * BIG sizes (a scroll's 3840 among them) at the distances that matter. */
enum {
    WINDOW = 16,
    SMALL = 64,
    ROOM = 4128, /* the largest distance and a window, below dst */
    BUF = ROOM + WINDOW + 2 * ROOM,
};
static const size_t BIG[] = {255, 256, 257, 3840, 4099};
static _Alignas(16) unsigned char buf[BUF], want[BUF];
static char failure[96]; /* the first failing call, for the diagnostic */

/* Whether memmove(buf + dst, buf + src, n) moved what a byte-by-byte model
 * does, returned dst, and changed nothing else within a window of both. */
static bool
move_right(size_t dst, size_t src, size_t n)
{
    size_t lo = (dst < src ? dst : src) - WINDOW,
           hi = (dst > src ? dst : src) + n + WINDOW;
    for (size_t i = lo; i < hi; i++) {
        buf[i] = want[i] = pattern_at(i);
    }
    for (size_t i = 0; i < n; i++) {
        want[dst + i] = pattern_at(src + i);
    }
    if (memmove(buf + dst, buf + src, n) == buf + dst &&
        memcmp(buf + lo, want + lo, hi - lo) == 0) {
        return true;
    }
    ksnprintf(failure, sizeof failure, "memmove(+%zu, +%zu, %zu)", dst, src, n);
    return false;
}

static bool
memmove_sweep(void)
{
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t dst = ROOM; dst < ROOM + WINDOW; dst++) {
            for (size_t src = dst - n - 1; src <= dst + n + 1; src++) {
                if (!move_right(dst, src, n)) {
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
                if (!move_right(dst, dst + distances[i], n) ||
                    !move_right(dst, dst - distances[i], n)) {
                    return false;
                }
            }
        }
    }
    return true;
}

/* Whether memcpy(want + dst, buf + src, n) and memset(buf + dst, c, n)
 * wrote what they should, returned dst, and left the rest alone. */
static bool
copy_and_fill_right(size_t dst, size_t src, size_t n, int c)
{
    size_t hi = 3 * WINDOW + n;
    for (size_t i = 0; i < hi; i++) {
        buf[i] = pattern_at(i);
        want[i] = (unsigned char)~pattern_at(i);
    }
    bool right = memcpy(want + dst, buf + src, n) == want + dst &&
                 memset(buf + dst, c, n) == buf + dst;
    for (size_t i = 0; i < hi; i++) {
        right = right &&
                want[i] == (i - dst < n ? pattern_at(src + i - dst)
                                        : (unsigned char)~pattern_at(i)) &&
                buf[i] == (i - dst < n ? (unsigned char)c : pattern_at(i));
    }
    if (!right) {
        ksnprintf(failure, sizeof failure, "memcpy or memset(+%zu, +%zu or %#x, %zu)",
                  dst, src, c, n);
    }
    return right;
}

/* Whether memset16(units + dst, unit, count) wrote what it should. */
static bool
fill16_right(size_t dst, uint16_t unit, size_t count)
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
    if (!right) {
        ksnprintf(failure, sizeof failure, "memset16(+%zu, %#x, %zu)", dst, unit, count);
    }
    return right;
}

static bool
copy_and_fill_sweep(void)
{
    for (size_t n = 0; n <= SMALL; n++) {
        for (size_t dst = WINDOW; dst < 2 * WINDOW; dst++) {
            for (size_t src = WINDOW; src < 2 * WINDOW; src++) {
                if (!copy_and_fill_right(dst, src, n, (int)(0x100 | src * 17))) {
                    return false;
                }
            }
            if (!fill16_right(dst, 0x1720, n)) {
                return false;
            }
        }
    }
    for (size_t b = 0; b < sizeof BIG / sizeof BIG[0]; b++) {
        for (size_t dst = WINDOW; dst < 2 * WINDOW; dst++) {
            if (!copy_and_fill_right(dst, WINDOW + (dst * 5 + 3) % WINDOW, BIG[b], -1) ||
                !fill16_right(dst, 0xBEEF, BIG[b])) {
                return false;
            }
        }
    }
    return true;
}

/* One sweep as a test; its first failing call as a diagnostic. */
static void
sweep(bool (*run)(void), const char *name)
{
    bool passed = run();
    if (!passed) {
        ktest_diag(failure);
    }
    ktest_ok(passed, name);
}

static bool
memset_and_strlen(void)
{
    char buf[8];
    memset(buf, 'x', 7);
    buf[7] = '\0';
    return strlen(buf) == 7 && strcmp(buf, "xxxxxxx") == 0;
}

static bool
format_64bit(void)
{
    char buf[64];
    int n = ksnprintf(buf, sizeof buf, "%lld %llx %llu", -9223372036854775807LL - 1,
                      0x123456789abcdefULL, 18446744073709551615ULL);
    return n == 57 && strcmp(buf, "-9223372036854775808 123456789abcdef "
                                  "18446744073709551615") == 0;
}

void
ktest_core(void)
{
    ktest_ok(memmove_both_ways(), "core: memmove handles overlap both ways");
    sweep(memmove_sweep,
          "core: memmove at every size to 64, alignment and overlap, and big");
    sweep(copy_and_fill_sweep, "core: memcpy, memset, memset16 at every size to 64 and "
                               "alignment, and big");
    ktest_ok(memset_and_strlen(), "core: memset, strlen, strcmp");
    ktest_ok(format_64bit(), "core: ksnprintf of 64-bit values without libgcc");
}

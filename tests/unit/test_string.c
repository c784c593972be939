/* core/string.c on the host, against byte-by-byte expectations (libc's own
 * functions are not used as the reference: the names are remapped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/string.h"

/* Fill a buffer with a recognisable pattern: byte i is i * 7 + 3. */
static void
pattern(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (unsigned char)(i * 7 + 3);
    }
}

static void
test_memset(void **state)
{
    (void)state;
    unsigned char buf[64];
    pattern(buf, sizeof buf);
    assert_ptr_equal(memset(buf + 5, 0x1AB, 40), buf + 5);
    for (size_t i = 0; i < sizeof buf; i++) {
        unsigned char want = (i >= 5 && i < 45) ? 0xAB : (unsigned char)(i * 7 + 3);
        assert_int_equal(buf[i], want);
    }
    memset(buf, 0, 0);
    assert_int_equal(buf[0], 3);
}

static void
test_memcpy(void **state)
{
    (void)state;
    unsigned char src[100], dst[100] = {0};
    pattern(src, sizeof src);
    assert_ptr_equal(memcpy(dst + 1, src, 97), dst + 1);
    assert_int_equal(dst[0], 0);
    for (size_t i = 0; i < 97; i++) {
        assert_int_equal(dst[i + 1], src[i]);
    }
    assert_int_equal(dst[98], 0);
}

/* memmove with every overlap: each (dst, src, n) in a small window. */
static void
test_memmove_overlaps(void **state)
{
    (void)state;
    enum {
        N = 24
    };
    for (size_t d = 0; d < N; d++) {
        for (size_t s = 0; s < N; s++) {
            for (size_t n = 0; n + (d > s ? d : s) <= N; n++) {
                _Alignas(4) unsigned char buf[N], want[N]; /* word paths too */
                pattern(buf, N);
                pattern(want, N);
                unsigned char tmp[N];
                for (size_t i = 0; i < n; i++) {
                    tmp[i] = want[s + i];
                }
                for (size_t i = 0; i < n; i++) {
                    want[d + i] = tmp[i];
                }
                assert_ptr_equal(memmove(buf + d, buf + s, n), buf + d);
                assert_memory_equal(buf, want, N);
            }
        }
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
        cmocka_unit_test(test_memset),           cmocka_unit_test(test_memcpy),
        cmocka_unit_test(test_memmove_overlaps), cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

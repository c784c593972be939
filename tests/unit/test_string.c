/* core/string.c on the host, against byte-by-byte expectations (libc's own
 * functions are not used as the reference: the names are remapped), with
 * x86_64's block copies (asm/string.h): the sweeps of
 * tests/common/copy_sweeps.h, which tests/kernel/core_test.c also runs in
 * both kernels, i686's 4-byte words included, and the comparisons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/string.h"

#include "../common/copy_sweeps.h"

/* A sweep as a test: its first failing call, if any, as the failure. */
static void
run_sweep(bool (*sweep)(void))
{
    if (!sweep()) {
        const struct sweep_failure *f = &sweep_failure;
        fail_msg("%s(+%zu, +%zu or %#x, %zu) wrong", f->call, f->dst, f->src, f->value,
                 f->n);
    }
}

static void
test_memmove_sweep(void **state)
{
    (void)state;
    run_sweep(memmove_sweep);
}

static void
test_copy_and_fill_sweep(void **state)
{
    (void)state;
    run_sweep(copy_and_fill_sweep);
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
        cmocka_unit_test(test_memmove_sweep),
        cmocka_unit_test(test_copy_and_fill_sweep),
        cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

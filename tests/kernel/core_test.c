/* core/ compiled as the kernel is (freestanding, -Os, regparm): the string
 * functions must not have been turned into calls to themselves, they must
 * copy and fill right at every size, alignment and overlap with this
 * target's block copies (4-byte words on i686, 8-byte on x86_64), and the
 * formatter's 64-bit conversions must work without libgcc. */
#include "core/format.h"
#include "core/string.h"
#include "ktest.h"

#include "../common/copy_sweeps.h"

static bool
memmove_both_ways(void)
{
    char text[16] = "0123456789";
    memmove(text + 2, text, 8); /* forwards overlap */
    bool up = memcmp(text, "0101234567", 10) == 0;
    memmove(text, text + 2, 8); /* backwards overlap */
    return up && memcmp(text, "0123456767", 10) == 0;
}

/* One sweep as a test; its first failing call as a diagnostic. */
static void
sweep(bool (*run)(void), const char *name)
{
    bool passed = run();
    if (!passed) {
        const struct sweep_failure *f = &sweep_failure;
        char line[96];
        ksnprintf(line, sizeof line, "%s(+%zu, +%zu or %#x, %zu) wrong", f->call, f->dst,
                  f->src, f->value, f->n);
        ktest_diag(line);
    }
    ktest_ok(passed, name);
}

static bool
memset_and_strlen(void)
{
    char text[8];
    memset(text, 'x', 7);
    text[7] = '\0';
    return strlen(text) == 7 && strcmp(text, "xxxxxxx") == 0;
}

static bool
format_64bit(void)
{
    char text[64];
    int n = ksnprintf(text, sizeof text, "%lld %llx %llu", -9223372036854775807LL - 1,
                      0x123456789abcdefULL, 18446744073709551615ULL);
    return n == 57 && strcmp(text, "-9223372036854775808 123456789abcdef "
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

/* core/ compiled as the kernel is (freestanding, -Os, regparm): the string
 * functions must not have been turned into calls to themselves, and the
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
    ktest_ok(memset_and_strlen(), "core: memset, strlen, strcmp");
    ktest_ok(format_64bit(), "core: ksnprintf of 64-bit values without libgcc");
}

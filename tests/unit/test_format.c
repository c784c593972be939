/* core/format.c on the host, against the host's (glibc's) snprintf as the
 * reference: a generated matrix of every conversion with every flag set,
 * width, precision, length modifier and a set of values per type, then the
 * edge cases (truncation, size 0 and 1, NULL strings) and kvformat's sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/format.h"

enum {
    BUF = 256
};

/* Comparisons made so far, for the report at the end of each test. */
static unsigned long cases;

/* Fail unless ksnprintf's (got, ngot) equals snprintf's (want, nwant); the
 * buffers are compared whole, so bytes past the NUL must match too. */
static void
expect_same(const char *fmt, const char *stars, const char *want, int nwant,
            const char *got, int ngot)
{
    cases++;
    if (nwant != ngot || memcmp(want, got, BUF) != 0) {
        fail_msg("format \"%s\"%s: expected \"%s\" (%d), got \"%s\" (%d)", fmt, stars,
                 want, nwant, got, ngot);
    }
}

/* Describe the * arguments for a failure message, e.g. " with *=7,-3". */
static void
describe_stars(char *text, const int *stars, int nstars)
{
    text[0] = '\0';
    if (nstars == 1) {
        sprintf(text, " with *=%d", stars[0]);
    } else if (nstars == 2) {
        sprintf(text, " with *=%d,%d", stars[0], stars[1]);
    }
}

/* check_<type>(fmt, stars, nstars, v): format v (after nstars * arguments)
 * with snprintf and ksnprintf, passing it as exactly that type. */
#define DEFINE_CHECK(name, type)                                                         \
    static void name(const char *fmt, const int *stars, int nstars, type v)              \
    {                                                                                    \
        char want[BUF], got[BUF], text[48];                                              \
        int nwant, ngot;                                                                 \
        memset(want, 0x5A, BUF);                                                         \
        memset(got, 0x5A, BUF);                                                          \
        if (nstars == 0) {                                                               \
            nwant = snprintf(want, BUF, fmt, v);                                         \
            ngot = ksnprintf(got, BUF, fmt, v);                                          \
        } else if (nstars == 1) {                                                        \
            nwant = snprintf(want, BUF, fmt, stars[0], v);                               \
            ngot = ksnprintf(got, BUF, fmt, stars[0], v);                                \
        } else {                                                                         \
            nwant = snprintf(want, BUF, fmt, stars[0], stars[1], v);                     \
            ngot = ksnprintf(got, BUF, fmt, stars[0], stars[1], v);                      \
        }                                                                                \
        describe_stars(text, stars, nstars);                                             \
        expect_same(fmt, text, want, nwant, got, ngot);                                  \
    }

DEFINE_CHECK(check_int, int)
DEFINE_CHECK(check_unsigned, unsigned)
DEFINE_CHECK(check_long, long)
DEFINE_CHECK(check_ulong, unsigned long)
DEFINE_CHECK(check_llong, long long)
DEFINE_CHECK(check_ullong, unsigned long long)
DEFINE_CHECK(check_size, size_t)
DEFINE_CHECK(check_ptrdiff, ptrdiff_t)
DEFINE_CHECK(check_intmax, intmax_t)
DEFINE_CHECK(check_uintmax, uintmax_t)
DEFINE_CHECK(check_string, const char *)
DEFINE_CHECK(check_pointer, void *)

/* What a conversion takes: decides the values and how they are passed. */
enum kind {
    SIGNED,
    UNSIGNED,
    CHAR,
    STRING,
    POINTER
};

/* A conversion and the flags C defines for it. Left out as undefined: # on
 * d i u c s p, 0 on c s p. + and space are defined everywhere (they only act
 * on signed conversions); on %p glibc prints them, which we match. */
static const struct conversion {
    char c;
    enum kind kind;
    const char *flags;
    bool precision; /* precision is undefined on %c and %p */
} conversions[] = {
    {'d', SIGNED, "-0+ ", true},    {'i', SIGNED, "-0+ ", true},
    {'u', UNSIGNED, "-0+ ", true},  {'o', UNSIGNED, "-0+ #", true},
    {'x', UNSIGNED, "-0+ #", true}, {'X', UNSIGNED, "-0+ #", true},
    {'c', CHAR, "-+ ", false},      {'s', STRING, "-+ ", true},
    {'p', POINTER, "-+ ", false},
};

/* A width or a precision as written; star: it is "*" and takes value. */
struct field {
    const char *text;
    bool star;
    int value;
};

/* Widths: none, 0 (only writable as *: a written 0 is the flag), 1, 5, 20,
 * and * with positive and negative values (negative means '-'). */
static const struct field widths[] = {
    {"", false, 0},   {"*", true, 0}, {"1", false, 0}, {"5", false, 0},
    {"20", false, 0}, {"*", true, 7}, {"*", true, -7}, {"*", true, -20},
};

/* Precisions: none, ".", .0, .1, .5, .20, and * with positive, zero and
 * negative values (negative means none). */
static const struct field precisions[] = {
    {"", false, 0},   {".", false, 0},    {".0", false, 0}, {".1", false, 0},
    {".5", false, 0}, {".20", false, 0},  {".*", true, 3},  {".*", true, 0},
    {".*", true, -3}, {".*", true, -100},
};

/* Length modifiers, valid on the integer conversions only (l on %c and %s
 * means wide characters, which the kernel does not have). */
static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};

/* Integer values, each also tried as its type's minimum and maximum; a value
 * is converted to the type the length modifier names before it is passed. */
static const uintmax_t integers[] = {
    0,
    1,
    (uintmax_t)-1,
    42,
    (uintmax_t)-42,
    1000000,
    4294967295u,
    4294967296u,
    0x0123456789ABCDEFull,
    10000000000000000000ull,
};

static const char long_string[] = "a string longer than any width or precision here";
static const char *const strings[] = {
    "",          "a", "hello", "hello, world",
    long_string, NULL}; /* NULL: glibc prints "(null)" */
static const int chars[] = {'a', ' ', '0', 0, 127, 255, -1};
static void *const pointers[] = {NULL, (void *)1, (void *)0xabcd, (void *)0x7fff12345678,
                                 (void *)UINTPTR_MAX};

/* A signed value v of length modifier len, passed as the right type: min and
 * max pick the type's limits instead of v. */
static void
check_signed(const char *fmt, const int *stars, int n, const char *len, uintmax_t v)
{
    intmax_t s = (intmax_t)v;
    if (!strcmp(len, "")) {
        check_int(fmt, stars, n, (int)s);
        check_int(fmt, stars, n, INT_MIN);
        check_int(fmt, stars, n, INT_MAX);
    } else if (!strcmp(len, "hh")) {
        check_int(fmt, stars, n, (signed char)s);
        check_int(fmt, stars, n, SCHAR_MIN);
        check_int(fmt, stars, n, SCHAR_MAX);
    } else if (!strcmp(len, "h")) {
        check_int(fmt, stars, n, (short)s);
        check_int(fmt, stars, n, SHRT_MIN);
        check_int(fmt, stars, n, SHRT_MAX);
    } else if (!strcmp(len, "l")) {
        check_long(fmt, stars, n, (long)s);
        check_long(fmt, stars, n, LONG_MIN);
        check_long(fmt, stars, n, LONG_MAX);
    } else if (!strcmp(len, "ll")) {
        check_llong(fmt, stars, n, (long long)s);
        check_llong(fmt, stars, n, LLONG_MIN);
        check_llong(fmt, stars, n, LLONG_MAX);
    } else if (!strcmp(len, "z") || !strcmp(len, "t")) {
        /* %zd takes the signed type of size_t's size: ptrdiff_t here. */
        check_ptrdiff(fmt, stars, n, (ptrdiff_t)s);
        check_ptrdiff(fmt, stars, n, PTRDIFF_MIN);
        check_ptrdiff(fmt, stars, n, PTRDIFF_MAX);
    } else {
        check_intmax(fmt, stars, n, s);
        check_intmax(fmt, stars, n, INTMAX_MIN);
        check_intmax(fmt, stars, n, INTMAX_MAX);
    }
}

/* As check_signed, for the unsigned conversions (0 and the max). */
static void
check_unsigned_value(const char *fmt, const int *stars, int n, const char *len,
                     uintmax_t v)
{
    if (!strcmp(len, "")) {
        check_unsigned(fmt, stars, n, (unsigned)v);
        check_unsigned(fmt, stars, n, UINT_MAX);
    } else if (!strcmp(len, "hh")) {
        check_int(fmt, stars, n, (unsigned char)v);
        check_int(fmt, stars, n, UCHAR_MAX);
    } else if (!strcmp(len, "h")) {
        check_int(fmt, stars, n, (unsigned short)v);
        check_int(fmt, stars, n, USHRT_MAX);
    } else if (!strcmp(len, "l")) {
        check_ulong(fmt, stars, n, (unsigned long)v);
        check_ulong(fmt, stars, n, ULONG_MAX);
    } else if (!strcmp(len, "ll")) {
        check_ullong(fmt, stars, n, (unsigned long long)v);
        check_ullong(fmt, stars, n, ULLONG_MAX);
    } else if (!strcmp(len, "z")) {
        check_size(fmt, stars, n, (size_t)v);
        check_size(fmt, stars, n, SIZE_MAX);
    } else if (!strcmp(len, "t")) {
        /* %tu takes the unsigned type of ptrdiff_t's size; pass ptrdiff_t. */
        check_ptrdiff(fmt, stars, n, (ptrdiff_t)v);
        check_ptrdiff(fmt, stars, n, PTRDIFF_MIN);
    } else {
        check_uintmax(fmt, stars, n, v);
        check_uintmax(fmt, stars, n, UINTMAX_MAX);
    }
}

/* Every value of the conversion's kind, formatted with fmt. */
static void
check_values(const struct conversion *cv, const char *fmt, const int *stars, int n,
             const char *len)
{
    size_t i;
    switch (cv->kind) {
    case SIGNED:
    case UNSIGNED:
        for (i = 0; i < sizeof integers / sizeof integers[0]; i++) {
            if (cv->kind == SIGNED) {
                check_signed(fmt, stars, n, len, integers[i]);
            } else {
                check_unsigned_value(fmt, stars, n, len, integers[i]);
            }
        }
        break;
    case CHAR:
        for (i = 0; i < sizeof chars / sizeof chars[0]; i++) {
            check_int(fmt, stars, n, chars[i]);
        }
        break;
    case STRING:
        for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
            check_string(fmt, stars, n, strings[i]);
        }
        break;
    case POINTER:
        for (i = 0; i < sizeof pointers / sizeof pointers[0]; i++) {
            check_pointer(fmt, stars, n, pointers[i]);
        }
        break;
    }
}

/* The whole matrix for one conversion: flag subsets x widths x precisions x
 * length modifiers x values. */
static void
check_conversion(const struct conversion *cv)
{
    static const char all_flags[] = "-0+ #";
    size_t nprec = cv->precision ? sizeof precisions / sizeof precisions[0] : 1;
    bool integer = cv->kind == SIGNED || cv->kind == UNSIGNED;
    size_t nlen = integer ? sizeof lengths / sizeof lengths[0] : 1;
    for (unsigned set = 0; set < 1u << 5; set++) {
        char flags[8] = "";
        bool defined = true;
        for (int b = 0; b < 5; b++) {
            if (set & 1u << b) {
                defined &= strchr(cv->flags, all_flags[b]) != NULL;
                strncat(flags, &all_flags[b], 1);
            }
        }
        if (!defined) {
            continue;
        }
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            for (size_t p = 0; p < nprec; p++) {
                for (size_t l = 0; l < nlen; l++) {
                    char fmt[32];
                    int stars[2], n = 0;
                    if (widths[w].star) {
                        stars[n++] = widths[w].value;
                    }
                    if (precisions[p].star) {
                        stars[n++] = precisions[p].value;
                    }
                    snprintf(fmt, sizeof fmt, "%%%s%s%s%s%c", flags, widths[w].text,
                             precisions[p].text, lengths[l], cv->c);
                    check_values(cv, fmt, stars, n, lengths[l]);
                }
            }
        }
    }
}

static void
test_matrix(void **state)
{
    (void)state;
    unsigned long before = cases;
    for (size_t i = 0; i < sizeof conversions / sizeof conversions[0]; i++) {
        check_conversion(&conversions[i]);
    }
    print_message("matrix: %lu format/value cases compared\n", cases - before);
}

/* fmt and its arguments through vsnprintf and kvsnprintf at every buffer size
 * from 0 to the full length + 1: same return, same bytes, nothing written
 * past size (buffers start filled with a sentinel). */
static void
check_all_sizes(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char want[BUF], got[BUF];
    va_list a;
    va_copy(a, ap);
    int full = vsnprintf(NULL, 0, fmt, a);
    va_end(a);
    assert_true(full >= 0 && full < BUF - 1);
    for (size_t size = 0; size <= (size_t)full + 1; size++) {
        memset(want, 0x5A, BUF);
        memset(got, 0x5A, BUF);
        va_copy(a, ap);
        int nwant = vsnprintf(want, size, fmt, a);
        va_end(a);
        va_copy(a, ap);
        int ngot = kvsnprintf(got, size, fmt, a);
        va_end(a);
        char text[48];
        snprintf(text, sizeof text, " with size %zu", size);
        expect_same(fmt, text, want, nwant, got, ngot);
    }
    va_end(ap);
}

static void
test_truncation(void **state)
{
    (void)state;
    unsigned long before = cases;
    check_all_sizes("%d", -1234567);        /* in the middle of a number */
    check_all_sizes("%20llu|", ULLONG_MAX); /* ... and of its padding */
    check_all_sizes("%-20s|", "left");      /* of padding after */
    check_all_sizes("%#030llx", 0x0123456789abcdefull);
    check_all_sizes("%+.25lld", LLONG_MIN);
    check_all_sizes("[%5c][%-5c]", 'x', 'y');
    check_all_sizes("%p %10p %-10p.", (void *)0x1234, (void *)0, (void *)0);
    check_all_sizes("just literal text, no conversions at all");
    check_all_sizes("");
    check_all_sizes("100%% and %%%d%%", 5);
    check_all_sizes("%s=%d, %s=%#x, %c%c, %5.2s|%-8u|%o", "a", -1, "b", 255, 'o', 'k',
                    "abc", 42u, 8u);
    check_all_sizes("%s", long_string);
    check_all_sizes("%.*s|%*s|%-*d|%*.*d", 4, long_string, -6, "ab", 3, 7, 8, 4, 99);
    print_message("truncation: %lu cases compared\n", cases - before);
}

static void
test_size_0_and_1(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'q', sizeof buf);
    assert_int_equal(ksnprintf(buf, 0, "%d and %s", 12345, "more"), 14);
    assert_memory_equal(buf, "qqqqqqqq", 8); /* size 0: nothing written */
    assert_int_equal(ksnprintf(NULL, 0, "%020d", 1), 20);
    assert_int_equal(ksnprintf(buf, 1, "%d and %s", 12345, "more"), 14);
    assert_memory_equal(buf, "\0qqqqqqq", 8); /* size 1: only the NUL */
    assert_int_equal(ksnprintf(buf, 1, "%s", ""), 0);
    assert_int_equal(buf[0], '\0');
    cases += 5;
}

/* kscnprintf returns what it wrote, so appending piece after piece stops
 * at the buffer's end instead of running past it as the untruncated
 * length would. */
static void
test_kscnprintf_appends(void **state)
{
    (void)state;
    char buf[12];
    memset(buf, 'q', sizeof buf);
    assert_int_equal(kscnprintf(buf, 0, "%d", 123), 0);
    assert_int_equal(buf[0], 'q'); /* size 0: nothing written */
    assert_int_equal(kscnprintf(buf, 1, "%d", 123), 0);
    assert_int_equal(buf[0], '\0');
    size_t at = 0;
    at += kscnprintf(buf + at, sizeof buf - at, "%s", "bank ");
    assert_int_equal(at, 5);
    at += kscnprintf(buf + at, sizeof buf - at, "%u: ", 3u);
    assert_int_equal(at, 8);
    at += kscnprintf(buf + at, sizeof buf - at, "status %x", 0xbeu); /* truncated */
    assert_int_equal(at, sizeof buf - 1);
    assert_string_equal(buf, "bank 3: sta");
    at += kscnprintf(buf + at, sizeof buf - at, "more"); /* full: stays put */
    assert_int_equal(at, sizeof buf - 1);
    assert_string_equal(buf, "bank 3: sta");
    cases += 8;
}

static void
test_null_string(void **state)
{
    (void)state;
    unsigned long before = cases;
    const char *null = NULL;
    /* glibc: "(null)" when the precision leaves room for all of it, else "". */
    for (int p = -1; p <= 8; p++) {
        check_all_sizes("[%.*s]", p, null);
        check_all_sizes("[%10.*s]", p, null);
        check_all_sizes("[%-10.*s]", p, null);
    }
    check_all_sizes("[%s][%3s][%-8s]", null, null, null);
    /* glibc's %p outside C: 0 and precision pad the digits, "(nil)" ignores
     * both. */
    check_all_sizes("[%020p][%.10p][%-+12.3p][%010p][%.3p]", (void *)0xabcd,
                    (void *)0xabcd, (void *)0xabcd, (void *)0, (void *)0);
    print_message("NULL and glibc extras: %lu cases compared\n", cases - before);
}

/* What a recording sink has seen. */
struct record {
    char text[BUF];
    size_t len;
    int calls;
    bool empty_chunk;
};

/* A sink that appends to a struct record and counts the calls. */
static void
record_sink(void *ctx, const char *s, size_t n)
{
    struct record *r = ctx;
    r->calls++;
    r->empty_chunk |= n == 0;
    if (r->len + n <= sizeof r->text) {
        memcpy(r->text + r->len, s, n);
    }
    r->len += n;
}

/* kvformat fmt into a record and compare with vsnprintf; returns the number
 * of sink calls. */
static int
check_sink(const char *fmt, ...)
{
    struct record r = {.len = 0};
    char want[BUF];
    va_list ap, a;
    va_start(ap, fmt);
    va_copy(a, ap);
    int nwant = vsnprintf(want, sizeof want, fmt, a);
    va_end(a);
    int ngot = kvformat(record_sink, &r, fmt, ap);
    va_end(ap);
    cases++;
    if (ngot != nwant || r.len != (size_t)nwant || memcmp(r.text, want, r.len) != 0) {
        fail_msg("format \"%s\" via kvformat: expected \"%s\" (%d), got \"%.*s\" (%d, "
                 "%zu bytes seen)",
                 fmt, want, nwant, (int)r.len, r.text, ngot, r.len);
    }
    assert_false(r.empty_chunk);
    return r.calls;
}

static void
test_kvformat_sink(void **state)
{
    (void)state;
    unsigned long before = cases;
    assert_int_equal(check_sink(""), 0);
    assert_int_equal(check_sink("plain literal text"), 1);
    /* Literal runs and pad runs go out whole, not a byte at a time. */
    assert_true(check_sink("abc%5dxyz", 42) <= 4);
    assert_true(check_sink("%-30s|", "x") <= 4);
    assert_true(check_sink("%030d", -7) <= 4);
    check_sink("%s %d %u %x %X %o %c %p %% %lld", "s", -5, 5u, 255u, 255u, 8u, 'c',
               (void *)0x10, LLONG_MIN);
    check_sink("%hhd %hd %ld %zu %td %jd", -1, -1, -1L, (size_t)1, (ptrdiff_t)-2,
               (intmax_t)-3);
    check_sink("%200s", "wide");
    print_message("kvformat sink: %lu cases compared\n", cases - before);
}

/* Conversions the formatter does not know are printed as written (C leaves
 * them undefined, hence the pragmas). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void
test_unknown_conversion(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(ksnprintf(buf, sizeof buf, "a%yb%-5kc"), 9);
    assert_string_equal(buf, "a%yb%-5kc");
    assert_int_equal(ksnprintf(buf, sizeof buf, "end%"), 4);
    assert_string_equal(buf, "end%");
    cases += 2;
}
#pragma GCC diagnostic pop

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_size_0_and_1),
        cmocka_unit_test(test_null_string),
        cmocka_unit_test(test_kvformat_sink),
        cmocka_unit_test(test_unknown_conversion),
        cmocka_unit_test(test_kscnprintf_appends),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    print_message("%lu cases compared in all\n", cases);
    return failed;
}

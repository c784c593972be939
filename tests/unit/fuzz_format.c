/* A libFuzzer target over the formatter: the input is turned into a format
 * string of one to four conversions, with literal text (and %%) between
 * them, and their arguments; ksnprintf must give the host's (glibc's)
 * snprintf's bytes and return value, at the buffer size the input picks
 * (0 with a NULL buffer, 1 to 63, or room for everything), and write nothing
 * past it; kvformat must send the same text, in chunks of at least a byte.
 * A difference aborts, which libFuzzer reports as a crash.
 *
 * Only what C defines is generated, and only what format.h supports:
 * d i u o x X c s with the flags C defines for each (# on o x X only, 0 on
 * the integer conversions only), a width and a precision written out or
 * as * (any sign: a negative * width means -, a negative * precision none;
 * no precision on %c), the length modifiers hh h l ll z t j on the integer
 * conversions, each argument passed as the type its conversion names (an
 * hh or h one already cut to that type), strings without NULL. %p too,
 * with - and a width only: C leaves its text to the implementation, and
 * format.h promises glibc's ("0x" and lowercase hex, "(nil)" for NULL).
 * Left out: what C leaves undefined (NULL for %s, the other flags, a
 * precision on %c or %p), what the formatter does not support (l on %c
 * and %s, for wide characters; %n; floating point), and what it does
 * beyond C (glibc's NULL %s, %p's other flags and precision: test_format
 * checks those; an unknown conversion, or a '%' that ends the format,
 * printed as written).
 *
 * A variadic call's argument types are fixed where it is written, so each
 * call passes all its conversions' values as one type (chosen by the
 * input, with the conversions that take it), each after two ints: the *
 * values the conversion asks for, and before them, for each * it does not
 * ask for, a 0 that a conversion printing nothing ("%.0d", one of a few
 * spellings) takes first. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"

_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t),
               "%zd takes ptrdiff_t and %tu size_t, as on glibc");

enum {
    BUF = 4096,  /* more than any output here: 4 * (300 + 23) + literals */
    CONVS = 4,   /* conversions a format */
    STR = 48,    /* a %s argument's most bytes */
    FIELD = 300, /* widths and precisions up to this, either sign for * */
    FMT = 256,   /* room for the longest format */
    SMALL = 64,  /* buffer sizes below this are tried, to truncate */
};

/* The type a call passes its values as, and the conversions that take it. */
enum family {
    F_INT,
    F_UNSIGNED,
    F_LONG,
    F_ULONG,
    F_LLONG,
    F_ULLONG,
    F_SIZE,
    F_PTRDIFF,
    F_INTMAX,
    F_UINTMAX,
    F_STRING,
    F_POINTER,
    FAMILIES
};

/* Length modifier and conversion, each family's; NULL ends a list. The
 * hh and h ones take an int (what a char or short is promoted to). */
static const char *const family_convs[FAMILIES][16] = {
    [F_INT] = {"d", "i", "c", "hhd", "hhi", "hd", "hi", "hhu", "hho", "hhx", "hhX", "hu",
               "ho", "hx", "hX"},
    [F_UNSIGNED] = {"u", "o", "x", "X"},
    [F_LONG] = {"ld", "li"},
    [F_ULONG] = {"lu", "lo", "lx", "lX"},
    [F_LLONG] = {"lld", "lli"},
    [F_ULLONG] = {"llu", "llo", "llx", "llX"},
    /* %tu takes the unsigned type of ptrdiff_t's size, %zd the signed type
     * of size_t's: size_t and ptrdiff_t on glibc. */
    [F_SIZE] = {"zu", "zo", "zx", "zX", "tu", "to", "tx", "tX"},
    [F_PTRDIFF] = {"td", "ti", "zd", "zi"},
    [F_INTMAX] = {"jd", "ji"},
    [F_UINTMAX] = {"ju", "jo", "jx", "jX"},
    [F_STRING] = {"s"},
    [F_POINTER] = {"p"},
};

/* Conversions that print nothing for a 0 int: they take the unused *. */
static const char *const fillers[] = {"%.0d", "%.d", "%.0i", "%-.0hd", "%.0hhi"};

/* One conversion's arguments: two ints (see the top), then its value. */
struct slot {
    int a, b;
    uint64_t v;      /* the integer or pointer families' value */
    int iv;          /* F_INT's value, cut to the length modifier's type */
    char s[STR + 1]; /* F_STRING's */
};

/* One call: the format, its slots and the buffer size. */
struct call {
    char fmt[FMT];
    size_t len;
    enum family family;
    struct slot slots[CONVS];
    size_t size;
};

/* The input, read a byte at a time; 0 once it is used up. */
struct input {
    const uint8_t *p;
    size_t n;
};

/* The next input byte, or 0. */
static uint8_t
next(struct input *in)
{
    if (!in->n) {
        return 0;
    }
    in->n--;
    return *in->p++;
}

/* The next n input bytes (n <= 8) as a little-endian number. */
static uint64_t
next_bytes(struct input *in, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v |= (uint64_t)next(in) << (8 * i);
    }
    return v;
}

/* A value from the input: 0, a small one, a 32-bit one or any 64 bits
 * (the small and 32-bit ones sign-extended), so that short numbers are as
 * common as long ones. */
static uint64_t
next_value(struct input *in)
{
    switch (next(in) % 4) {
    case 0:
        return 0;
    case 1:
        return (uint64_t)(int64_t)(int8_t)next(in);
    case 2:
        return (uint64_t)(int64_t)(int32_t)(uint32_t)next_bytes(in, 4);
    default:
        return next_bytes(in, 8);
    }
}

/* A width or * value from -FIELD to FIELD. */
static int
next_field(struct input *in)
{
    int v = next(in);
    v |= next(in) << 8;
    return v % (2 * FIELD + 1) - FIELD;
}

/* Append text to c's format. */
static void
put(struct call *c, const char *text)
{
    size_t n = strlen(text);
    if (c->len + n >= FMT) {
        abort(); /* FMT is too small: a bug here, not in the formatter */
    }
    memcpy(c->fmt + c->len, text, n + 1);
    c->len += n;
}

/* F_INT's value v as conv's argument: an hh or h one cut to its type. */
static int
int_value(const char *conv, uint64_t v)
{
    bool is_signed = strchr("dic", conv[strlen(conv) - 1]) != NULL;
    if (!strncmp(conv, "hh", 2)) {
        return is_signed ? (signed char)v : (unsigned char)v;
    }
    if (conv[0] == 'h') {
        return is_signed ? (short)v : (unsigned short)v;
    }
    return (int)v;
}

/* Literal text (up to 3 bytes, a '%' as %%, no NUL), then one conversion
 * of c's family and the slot of its arguments. */
static void
make_conversion(struct call *c, struct input *in, struct slot *sl)
{
    char text[16];
    for (int n = next(in) % 4; n > 0; n--) {
        char ch = (char)next(in);
        put(c, ch == '%' ? "%%" : ch ? (char[]){ch, '\0'} : "");
    }
    const char *const *convs = family_convs[c->family];
    size_t nconvs = 0;
    while (nconvs < 16 && convs[nconvs]) {
        nconvs++;
    }
    const char *conv = convs[next(in) % nconvs];
    char letter = conv[strlen(conv) - 1];
    const char *allowed = strchr("oxX", letter)   ? "-0+ #"
                          : strchr("diu", letter) ? "-0+ "
                          : letter == 'p'         ? "-"
                                                  : "-+ ";
    bool has_precision = letter != 'c' && letter != 'p';

    char spec[FMT] = "%";
    uint8_t flags = next(in);
    for (int i = 0; i < 5; i++) {
        if (flags & 1 << i && strchr(allowed, "-0+ #"[i])) {
            strncat(spec, &"-0+ #"[i], 1);
        }
    }
    int stars[2], nstars = 0;
    switch (next(in) % 3) {
    case 1:
        snprintf(text, sizeof text, "%d", 1 + next(in) % FIELD);
        strcat(spec, text);
        break;
    case 2:
        strcat(spec, "*");
        stars[nstars++] = next_field(in);
        break;
    }
    switch (has_precision ? next(in) % 5 : 0) {
    case 1:
        strcat(spec, ".");
        break;
    case 2:
        snprintf(text, sizeof text, ".%d", next(in) % FIELD);
        strcat(spec, text);
        break;
    case 3: /* leading zeros are digits of a precision, not the 0 flag */
        snprintf(text, sizeof text, ".00%d", next(in) % FIELD);
        strcat(spec, text);
        break;
    case 4:
        strcat(spec, ".*");
        stars[nstars++] = next_field(in);
        break;
    }
    strcat(spec, conv);

    /* The two ints: fillers' 0s first, then the * values. */
    int ints[2] = {0, 0};
    for (int i = 0; i < 2 - nstars; i++) {
        put(c, fillers[next(in) % (sizeof fillers / sizeof fillers[0])]);
    }
    for (int i = 0; i < nstars; i++) {
        ints[2 - nstars + i] = stars[i];
    }
    put(c, spec);
    sl->a = ints[0];
    sl->b = ints[1];
    if (c->family == F_STRING) {
        size_t len = next(in) % (STR + 1);
        for (size_t i = 0; i < len; i++) {
            char ch = (char)next(in);
            sl->s[i] = ch ? ch : '.';
        }
        sl->s[len] = '\0';
    } else {
        sl->v = next_value(in);
        sl->iv = int_value(conv, sl->v);
    }
}

/* What kvformat's sink has seen. */
struct record {
    char text[BUF];
    size_t len;
    bool empty_chunk;
};

/* kvformat's sink: append to a struct record. */
static void
record_sink(void *ctx, const char *s, size_t n)
{
    struct record *r = ctx;
    r->empty_chunk |= n == 0;
    if (r->len + n <= sizeof r->text) {
        memcpy(r->text + r->len, s, n);
    }
    r->len += n;
}

/* kvformat fmt into r; returns its count. */
static int
record_format(struct record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvformat(record_sink, r, fmt, ap);
    va_end(ap);
    return n;
}

/* Print n bytes of s on stderr, quoted, with escapes for what is not
 * printable ASCII. */
static void
show(const char *s, size_t n)
{
    fputc('"', stderr);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= ' ' && ch < 127 && ch != '"' && ch != '\\') {
            fputc(ch, stderr);
        } else {
            fprintf(stderr, "\\x%02x", ch);
        }
    }
    fputc('"', stderr);
}

/* Report how c's call went wrong, with its format and arguments, the
 * first len bytes of what snprintf and the formatter wrote and what they
 * returned, and abort. */
__attribute__((noreturn)) static void
fail(const struct call *c, const char *what, size_t len, const char *want, int nwant,
     const char *got, int ngot)
{
    fprintf(stderr, "fuzz_format: %s: format ", what);
    show(c->fmt, c->len);
    fprintf(stderr, ", buffer size %zu, arguments (two ints and a value each):", c->size);
    for (int i = 0; i < CONVS; i++) {
        const struct slot *sl = &c->slots[i];
        fprintf(stderr, " %d %d ", sl->a, sl->b);
        if (c->family == F_STRING) {
            show(sl->s, strlen(sl->s));
        } else if (c->family == F_INT) {
            fprintf(stderr, "%d", sl->iv);
        } else {
            fprintf(stderr, "0x%llx", (unsigned long long)sl->v);
        }
    }
    fputs("\n  snprintf:  ", stderr);
    show(want, len);
    fprintf(stderr, " (returned %d)\n  formatter: ", nwant);
    show(got, len);
    fprintf(stderr, " (returned %d)\n", ngot);
    abort();
}

/* Format with snprintf, ksnprintf and kvformat at c's buffer size, passing
 * the slots' values as type (ARG(sl) is slot sl's), and compare. */
#define DEFINE_CALL(name, type, ARG)                                                     \
    static void name(const struct call *c)                                               \
    {                                                                                    \
        const struct slot *s = c->slots;                                                 \
        static char want[BUF], got[BUF];                                                 \
        static struct record r;                                                          \
        memset(want, 0x5A, BUF);                                                         \
        memset(got, 0x5A, BUF);                                                          \
        r.len = 0;                                                                       \
        r.empty_chunk = false;                                                           \
        char *w = c->size ? want : NULL, *g = c->size ? got : NULL;                      \
        int nwant = snprintf(w, c->size, c->fmt, s[0].a, s[0].b, (type)ARG(s[0]),        \
                             s[1].a, s[1].b, (type)ARG(s[1]), s[2].a, s[2].b,            \
                             (type)ARG(s[2]), s[3].a, s[3].b, (type)ARG(s[3]));          \
        int ngot = ksnprintf(g, c->size, c->fmt, s[0].a, s[0].b, (type)ARG(s[0]),        \
                             s[1].a, s[1].b, (type)ARG(s[1]), s[2].a, s[2].b,            \
                             (type)ARG(s[2]), s[3].a, s[3].b, (type)ARG(s[3]));          \
        int nsink = record_format(&r, c->fmt, s[0].a, s[0].b, (type)ARG(s[0]), s[1].a,   \
                                  s[1].b, (type)ARG(s[1]), s[2].a, s[2].b,               \
                                  (type)ARG(s[2]), s[3].a, s[3].b, (type)ARG(s[3]));     \
        if (nwant < 0 || nwant >= BUF) {                                                 \
            abort(); /* BUF is too small: a bug here, not in the formatter */            \
        }                                                                                \
        size_t most = (size_t)(ngot > nwant ? ngot : nwant) + 1; /* and the NUL */       \
        size_t shown = c->size < most ? c->size : most;                                  \
        if (ngot != nwant || memcmp(want, got, BUF) != 0) {                              \
            fail(c, "ksnprintf differs", shown, want, nwant, got, ngot);                 \
        }                                                                                \
        if (nsink != nwant || r.len != (size_t)nwant || r.empty_chunk) {                 \
            fail(c, "kvformat's count or chunks differ", 0, want, nwant, r.text, nsink); \
        }                                                                                \
        if (c->size == BUF && memcmp(r.text, want, r.len) != 0) {                        \
            fail(c, "kvformat's text differs", r.len, want, nwant, r.text, nsink);       \
        }                                                                                \
    }

#define VALUE(sl)   ((sl).v)
#define INT(sl)     ((sl).iv)
#define STRING(sl)  ((sl).s)
#define POINTER(sl) ((void *)(uintptr_t)(sl).v)
DEFINE_CALL(call_int, int, INT)
DEFINE_CALL(call_unsigned, unsigned, VALUE)
DEFINE_CALL(call_long, long, VALUE)
DEFINE_CALL(call_ulong, unsigned long, VALUE)
DEFINE_CALL(call_llong, long long, VALUE)
DEFINE_CALL(call_ullong, unsigned long long, VALUE)
DEFINE_CALL(call_size, size_t, VALUE)
DEFINE_CALL(call_ptrdiff, ptrdiff_t, VALUE)
DEFINE_CALL(call_intmax, intmax_t, VALUE)
DEFINE_CALL(call_uintmax, uintmax_t, VALUE)
DEFINE_CALL(call_string, const char *, STRING)
DEFINE_CALL(call_pointer, void *, POINTER)

static void (*const calls[FAMILIES])(const struct call *) = {
    [F_INT] = call_int,         [F_UNSIGNED] = call_unsigned, [F_LONG] = call_long,
    [F_ULONG] = call_ulong,     [F_LLONG] = call_llong,       [F_ULLONG] = call_ullong,
    [F_SIZE] = call_size,       [F_PTRDIFF] = call_ptrdiff,   [F_INTMAX] = call_intmax,
    [F_UINTMAX] = call_uintmax, [F_STRING] = call_string,     [F_POINTER] = call_pointer,
};

/* libFuzzer's entry: one call made from each part of data in turn (a part
 * is what one call reads), until data is used up; returns 0, or aborts on
 * a difference. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    while (in.n) {
        static struct call c;
        memset(&c, 0, sizeof c);
        c.family = (enum family)(next(&in) % FAMILIES);
        int nconvs = 1 + next(&in) % CONVS;
        uint8_t pick = next(&in);
        c.size = pick < 128 ? pick % SMALL : BUF; /* half of them truncate */
        for (int i = 0; i < nconvs; i++) {
            make_conversion(&c, &in, &c.slots[i]);
        }
        for (int n = next(&in) % 4; n > 0; n--) { /* literal text to end */
            char ch = (char)next(&in);
            put(&c, ch == '%' ? "%%" : ch ? (char[]){ch, '\0'} : "");
        }
        calls[c.family](&c);
    }
    return 0;
}

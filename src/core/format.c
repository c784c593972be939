/* printf-style formatting into a sink; see format.h for what it accepts.
 * i686 has no 64-bit divide and clang would call libgcc's __udivdi3 for one,
 * so decimal digits come from a long division by 10 in 32-bit pieces. */
#include "core/format.h"

#include <stdbool.h>
#include <stdint.h>

#include "core/string.h"

/* One conversion's flags, field width, precision and integer size. */
struct spec {
    bool left, plus, space, alt, zero;
    int width;
    int precision; /* -1: none given */
    int bits;      /* the integer argument's size, from the length modifier */
};

/* Output in progress: the sink and the count so far. */
struct out {
    format_sink sink;
    void *ctx;
    int count;
};

/* Send n bytes to the sink, if there are any, and count them. */
static void
emit(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += (int)n;
    }
}

/* n copies of c ('0' or ' '; nothing if n <= 0), up to 32 a call. */
static void
pad(struct out *o, char c, int n)
{
    static const char zeros[] = "00000000000000000000000000000000";
    static const char spaces[] = "                                ";
    const char *run = c == '0' ? zeros : spaces;
    for (; n > 0; n -= 32) {
        emit(o, run, n < 32 ? (size_t)n : 32);
    }
}

/* Divide *v by 10 in place and return the remainder: the high word first,
 * then the low word in two 16-bit steps so that nothing overflows. */
static unsigned
divmod10(uint64_t *v)
{
    uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
    uint32_t q_hi = hi / 10, r = hi % 10;
    uint32_t mid = r << 16 | lo >> 16;
    uint32_t q_mid = mid / 10;
    uint32_t low = (mid % 10) << 16 | (lo & 0xFFFF);
    *v = (uint64_t)q_hi << 32 | q_mid << 16 | low / 10;
    return low % 10;
}

/* Write the digits of v in base 8, 10 or 16 backwards, ending just before
 * end; returns where they start. v == 0 gives no digits. */
static char *
digits(char *end, uint64_t v, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        if (base == 10) {
            *--end = set[divmod10(&v)];
        } else if (base == 16) {
            *--end = set[v & 15];
            v >>= 4;
        } else {
            *--end = set[v & 7];
            v >>= 3;
        }
    }
    return end;
}

/* Write prefix (sign or 0x), zeros, then len bytes of body, padded to the
 * field width with spaces, or with more zeros for the 0 flag. */
static void
field(struct out *o, const struct spec *sp, const char *prefix, int zeros,
      const char *body, int len)
{
    int plen = (int)strlen(prefix);
    int fill = sp->width - plen - zeros - len;
    if (sp->zero && fill > 0) {
        zeros += fill;
        fill = 0;
    }
    if (!sp->left) {
        pad(o, ' ', fill);
    }
    emit(o, prefix, (size_t)plen);
    pad(o, '0', zeros);
    emit(o, body, (size_t)len);
    if (sp->left) {
        pad(o, ' ', fill);
    }
}

/* An integer conversion (d i u o x X, or p for a non-NULL pointer) of v;
 * for d and i, v is sign-extended. */
static void
integer(struct out *o, struct spec *sp, uint64_t v, char conv)
{
    bool is_signed = conv == 'd' || conv == 'i';
    bool negative = is_signed && v >> 63;
    if (negative) {
        v = 0 - v;
    }
    unsigned base = conv == 'o' ? 8 : is_signed || conv == 'u' ? 10 : 16;
    char buf[22]; /* 2^64 - 1 in octal */
    char *end = buf + sizeof buf;
    char *start = digits(end, v, base, conv == 'X');
    int len = (int)(end - start);

    const char *prefix = "";
    if (is_signed) {
        prefix = negative ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    } else if (conv == 'p') {
        prefix = sp->plus ? "+0x" : sp->space ? " 0x" : "0x"; /* as glibc */
    } else if (sp->alt && v && conv != 'o') {
        prefix = conv == 'x' ? "0x" : "0X";
    }

    int zeros = 0;
    if (sp->precision >= 0) {
        sp->zero = false; /* a precision overrides the 0 flag */
        zeros = sp->precision > len ? sp->precision - len : 0;
    } else if (v == 0) {
        zeros = 1; /* "0", unless a precision of 0 asked for nothing */
    }
    if (conv == 'o' && sp->alt && zeros == 0) {
        zeros = 1; /* # makes the first octal digit a 0 */
    }
    field(o, sp, prefix, zeros, start, len);
}

/* A string conversion: at most precision bytes of s; NULL as glibc has it,
 * "(null)" if the precision leaves room for all of it, else nothing. */
static void
string(struct out *o, struct spec *sp, const char *s)
{
    if (!s) {
        s = sp->precision < 0 || sp->precision >= 6 ? "(null)" : "";
    }
    int len = 0;
    while (s[len] && (sp->precision < 0 || len < sp->precision)) {
        len++;
    }
    sp->zero = false;
    field(o, sp, "", 0, s, len);
}

/* Read an integer argument of the given size in bits; returns it
 * sign-extended to 64 bits if is_signed, else zero-extended. As in Linux's
 * vsprintf, arguments are read by size alone: hh and h ones arrive promoted
 * to int, so they are read whole and then cut down. (32-bit arithmetic for
 * the small ones: a variable 64-bit shift can make clang call libgcc.) */
static uint64_t
int_arg(va_list *ap, int bits, bool is_signed)
{
    if (bits > 32) {
        return va_arg(*ap, unsigned long long);
    }
    uint32_t top = (uint32_t)1 << (bits - 1);
    uint32_t v = va_arg(*ap, unsigned) & ((top << 1) - 1);
    if (is_signed && (v & top)) {
        return v - ((uint64_t)top << 1);
    }
    return v;
}

/* Parse the decimal number at *f, moving *f past it. */
static int
number(const char **f)
{
    int n = 0;
    for (; **f >= '0' && **f <= '9'; (*f)++) {
        n = n * 10 + (**f - '0');
    }
    return n;
}

/* Parse the flags, width, precision and length modifier that follow a '%'
 * into sp, taking * values from ap; returns the conversion character's
 * position. */
static const char *
parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.precision = -1, .bits = 8 * sizeof(int)};
    for (;; f++) {
        if (*f == '-') {
            sp->left = true;
        } else if (*f == '+') {
            sp->plus = true;
        } else if (*f == ' ') {
            sp->space = true;
        } else if (*f == '#') {
            sp->alt = true;
        } else if (*f == '0') {
            sp->zero = true;
        } else {
            break;
        }
    }
    if (*f == '*') {
        f++;
        int w = va_arg(*ap, int); /* negative: the - flag and a width */
        sp->left |= w < 0;
        sp->width = w < 0 ? (int)(0u - (unsigned)w) : w;
    } else {
        sp->width = number(&f);
    }
    if (*f == '.') {
        f++;
        if (*f == '*') {
            f++;
            int p = va_arg(*ap, int); /* negative: as if none was given */
            sp->precision = p < 0 ? -1 : p;
        } else {
            sp->precision = number(&f);
        }
    }
    sp->zero &= !sp->left; /* - overrides 0 */

    if (f[0] == 'h' && f[1] == 'h') {
        f += 2;
        sp->bits = 8;
    } else if (*f == 'h') {
        f++;
        sp->bits = 16;
    } else if (f[0] == 'l' && f[1] == 'l') {
        f += 2;
        sp->bits = 64;
    } else if (*f == 'l') {
        f++;
        sp->bits = 8 * sizeof(long);
    } else if (*f == 'z' || *f == 't') {
        f++;
        sp->bits = 8 * sizeof(size_t); /* ptrdiff_t's size too */
    } else if (*f == 'j') {
        f++;
        sp->bits = 8 * sizeof(intmax_t);
    }
    return f;
}

/* Format fmt with the arguments in ap, sending the output to sink(ctx, ...)
 * in runs of one or more bytes; returns the number of bytes sent. */
int
kvformat(format_sink sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {sink, ctx, 0};
    va_list args; /* a copy, so that helpers can take its address */
    va_copy(args, ap);
    while (*fmt) {
        const char *lit = fmt;
        while (*fmt && *fmt != '%') {
            fmt++;
        }
        emit(&o, lit, (size_t)(fmt - lit));
        if (!*fmt) {
            break;
        }
        const char *start = fmt;
        struct spec sp;
        fmt = parse_spec(fmt + 1, &sp, &args);
        char conv = *fmt;
        switch (conv) {
        case 'd':
        case 'i':
        case 'u':
        case 'o':
        case 'x':
        case 'X':
            integer(&o, &sp, int_arg(&args, sp.bits, conv == 'd' || conv == 'i'), conv);
            break;
        case 'c': {
            char c = (char)va_arg(args, int);
            sp.zero = false;
            field(&o, &sp, "", 0, &c, 1);
            break;
        }
        case 's':
            string(&o, &sp, va_arg(args, const char *));
            break;
        case 'p': {
            uintptr_t p = (uintptr_t)va_arg(args, void *);
            if (p) {
                integer(&o, &sp, p, 'p');
            } else {
                sp.precision = -1;
                string(&o, &sp, "(nil)");
            }
            break;
        }
        case '%':
            emit(&o, "%", 1);
            break;
        default: /* unknown, or cut short by the end: print it as written */
            if (!conv) {
                fmt--;
            }
            emit(&o, start, (size_t)(fmt + 1 - start));
        }
        fmt++;
    }
    va_end(args);
    return o.count;
}

/* Where kvsnprintf's output is going. */
struct buffer {
    char *buf;
    size_t size, used;
};

/* kvformat's sink for kvsnprintf: copy what fits, leaving room for the NUL,
 * and count the rest. */
static void
buffer_sink(void *ctx, const char *s, size_t n)
{
    struct buffer *b = ctx;
    if (b->used + 1 < b->size) {
        size_t room = b->size - 1 - b->used;
        memcpy(b->buf + b->used, s, n < room ? n : room);
    }
    b->used += n;
}

/* As C99 vsnprintf: at most size-1 bytes and a NUL into buf (nothing when
 * size is 0, and then buf may be NULL); returns the untruncated length. */
int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = {buf, size, 0};
    int n = kvformat(buffer_sink, &b, fmt, ap);
    if (size) {
        buf[b.used < size ? b.used : size - 1] = '\0';
    }
    return n;
}

/* As C99 snprintf; see kvsnprintf. */
int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* As ksnprintf, but returns what it wrote into buf (without the NUL), as
 * Linux's scnprintf: `at += kscnprintf(buf + at, size - at, ...)` appends
 * piece after piece and never passes the end, even once truncated. */
int
kscnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (!size) {
        return 0;
    }
    return (size_t)n < size ? n : (int)(size - 1);
}

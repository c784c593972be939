#include "core/format.h"

#include <stdbool.h>
#include <stdint.h>

#include "core/string.h"

/* One conversion's flags, field width and precision. */
struct spec {
    bool left, plus, space, alt, zero;
    int width;
    int precision; /* -1: none given */
};

/* Output in progress: the sink and the count so far. */
struct out {
    format_sink sink;
    void *ctx;
    int count;
};

static void
emit(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += (int)n;
    }
}

/* n copies of c, in chunks. */
static void
pad(struct out *o, char c, int n)
{
    char run[16];
    memset(run, c, sizeof run);
    for (; n > 0; n -= (int)sizeof run) {
        emit(o, run, n < (int)sizeof run ? (size_t)n : sizeof run);
    }
}

/* Divide *v by 10 in place and return the remainder, with 32-bit
 * operations only (i686 has no 64-bit divide; clang would call libgcc). */
static unsigned
divmod10(uint64_t *v)
{
    uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
    uint32_t q_hi = hi / 10, r = hi % 10;
    /* (r * 2^32 + lo) / 10, in two 16-bit steps so nothing overflows. */
    uint32_t mid = r << 16 | lo >> 16;
    uint32_t q_mid = mid / 10;
    r = mid % 10;
    uint32_t low = r << 16 | (lo & 0xFFFF);
    uint32_t q_low = low / 10;
    r = low % 10;
    *v = (uint64_t)q_hi << 32 | (uint64_t)q_mid << 16 | q_low;
    return r;
}

/* The digits of v in base (8, 10 or 16) into the end of buf; returns where
 * they start. v == 0 gives no digits (the caller decides about "0"). */
static char *
digits(char *end, uint64_t v, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        if (base == 10) {
            *--end = set[divmod10(&v)];
        } else {
            unsigned shift = base == 16 ? 4 : 3;
            *--end = set[v & (base - 1)];
            v >>= shift;
        }
    }
    return end;
}

/* Write prefix (sign or 0x), zeros, body: padded to the field width. */
static void
field(struct out *o, const struct spec *sp, const char *prefix, int zeros,
      const char *body, int len)
{
    int plen = (int)strlen(prefix);
    int fill = sp->width - plen - zeros - len;
    if (!sp->left && !sp->zero) {
        pad(o, ' ', fill);
    }
    emit(o, prefix, (size_t)plen);
    if (!sp->left && sp->zero) {
        pad(o, '0', fill);
    }
    pad(o, '0', zeros);
    emit(o, body, (size_t)len);
    if (sp->left) {
        pad(o, ' ', fill);
    }
}

/* An integer conversion: magnitude v, negative or not. */
static void
integer(struct out *o, struct spec *sp, uint64_t v, bool negative, char conv)
{
    char buf[24];
    unsigned base = conv == 'o'                                   ? 8
                    : (conv == 'x' || conv == 'X' || conv == 'p') ? 16
                                                                  : 10;
    char *end = buf + sizeof buf;
    char *start = digits(end, v, base, conv == 'X');
    int len = (int)(end - start);
    const char *prefix = "";
    if (conv == 'd' || conv == 'i') {
        prefix = negative ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    } else if (conv == 'p') {
        prefix = sp->plus ? "+0x" : sp->space ? " 0x" : "0x"; /* as glibc */
    } else if (sp->alt && conv == 'x' && v) {
        prefix = "0x";
    } else if (sp->alt && conv == 'X' && v) {
        prefix = "0X";
    }
    int zeros = 0;
    if (sp->precision >= 0) {
        sp->zero = false;
        zeros = sp->precision > len ? sp->precision - len : 0;
    } else if (v == 0) {
        zeros = 1; /* "0", unless a precision of 0 asked for nothing */
    }
    if (conv == 'o' && sp->alt && zeros == 0 && (len == 0 || *start != '0')) {
        zeros = 1; /* # makes the first octal digit a 0 */
    }
    field(o, sp, prefix, zeros, start, len);
}

/* A string conversion: at most precision bytes of s. */
static void
string(struct out *o, struct spec *sp, const char *s)
{
    if (!s) {
        /* glibc prints "(null)" only when the precision leaves room. */
        s = sp->precision < 0 || sp->precision >= 6 ? "(null)" : "";
    }
    int len = 0;
    while (s[len] && (sp->precision < 0 || len < sp->precision)) {
        len++;
    }
    sp->zero = false;
    field(o, sp, "", 0, s, len);
}

/* Read a signed integer argument of the given length modifier. */
static int64_t
signed_arg(va_list *ap, char length)
{
    switch (length) {
    case 'H':
        return (signed char)va_arg(*ap, int);
    case 'h':
        return (short)va_arg(*ap, int);
    case 'l':
        return va_arg(*ap, long);
    case 'q':
        return va_arg(*ap, long long);
    case 'z':
        return (int64_t)(intptr_t)va_arg(*ap, size_t); /* ssize_t */
    case 't':
        return va_arg(*ap, ptrdiff_t);
    case 'j':
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

/* Read an unsigned integer argument of the given length modifier. */
static uint64_t
unsigned_arg(va_list *ap, char length)
{
    switch (length) {
    case 'H':
        return (unsigned char)va_arg(*ap, unsigned);
    case 'h':
        return (unsigned short)va_arg(*ap, unsigned);
    case 'l':
        return va_arg(*ap, unsigned long);
    case 'q':
        return va_arg(*ap, unsigned long long);
    case 'z':
        return va_arg(*ap, size_t);
    case 't':
        return (uintptr_t)va_arg(*ap, ptrdiff_t);
    case 'j':
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned);
    }
}

/* Parse the flags, width, precision and length after '%'; returns the
 * conversion character's position. */
static const char *
parse_spec(const char *f, struct spec *sp, char *length, va_list *ap)
{
    *sp = (struct spec){.precision = -1};
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
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    }
    for (; *f >= '0' && *f <= '9'; f++) {
        sp->width = sp->width * 10 + (*f - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int); /* negative: as if none */
            sp->precision = sp->precision < 0 ? -1 : sp->precision;
            f++;
        }
        for (; *f >= '0' && *f <= '9'; f++) {
            sp->precision = sp->precision * 10 + (*f - '0');
        }
    }
    if (sp->left) {
        sp->zero = false;
    }
    *length = 0;
    if (*f == 'h') {
        *length = f[1] == 'h' ? (f++, 'H') : 'h';
        f++;
    } else if (*f == 'l') {
        *length = f[1] == 'l' ? (f++, 'q') : 'l';
        f++;
    } else if (*f == 'z' || *f == 't' || *f == 'j') {
        *length = *f++;
    }
    return f;
}

int
kvformat(format_sink sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {sink, ctx, 0};
    va_list args;
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
        char length;
        fmt = parse_spec(fmt + 1, &sp, &length, &args);
        char conv = *fmt;
        switch (conv) {
        case 'd':
        case 'i': {
            int64_t v = signed_arg(&args, length);
            integer(&o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, conv);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            integer(&o, &sp, unsigned_arg(&args, length), false, conv);
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
            if (!p) {
                sp.precision = -1;
                string(&o, &sp, "(nil)");
                break;
            }
            integer(&o, &sp, p, false, 'p');
            break;
        }
        case '%':
            emit(&o, "%", 1);
            break;
        default: /* unknown or cut short: print the directive as it stands */
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

/* kvformat's sink for kvsnprintf: copy what fits, leave room for the NUL. */
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

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

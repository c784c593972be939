/* printf-style formatting, independent of where the text goes, so that it
 * runs (and is tested) on the host as well as in the kernel.
 *
 * As C99 (and glibc) for: conversions %c %s %d %i %u %x %X %o %p %%; flags
 * - 0 + space #; field width and precision, also as * (a negative * width
 * means - and that width, a negative * precision means none); length
 * modifiers hh h l ll z t j, on the integer conversions (on %c %s %p they are
 * ignored: no wide characters). No floating point.
 * Beyond C, as glibc: a NULL %s prints "(null)", or nothing if the precision
 * is under 6; %p prints "(nil)" for NULL (width and - apply), else "0x" and
 * lowercase hex (width, -, 0 and precision as for %#x; + or space first).
 * An unknown conversion, or a '%' that ends fmt, is printed as written.
 * Widths, precisions and the output's length must fit in an int. */
#ifndef CORE_FORMAT_H
#define CORE_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives n bytes of output at a time (n > 0); ctx is the caller's. */
typedef void (*format_sink)(void *ctx, const char *s, size_t n);

/* Format fmt with ap into sink, in runs of bytes (literal text, padding,
 * digits); returns the number of bytes produced. */
int kvformat(format_sink sink, void *ctx, const char *fmt, va_list ap);

/* As C99 vsnprintf: write at most size-1 bytes and a NUL to buf (nothing
 * when size is 0, and then buf may be NULL); return the length the whole
 * output would have had, so a return >= size means it was truncated. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* As C99 snprintf; see kvsnprintf. */
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size,
                                                    const char *fmt, ...);

/* As ksnprintf, but returns the number of bytes written into buf (without
 * the NUL): at most size-1, 0 when size is 0. For appending: `at +=
 * kscnprintf(buf + at, size - at, ...)` keeps at within the buffer. */
__attribute__((format(printf, 3, 4))) int kscnprintf(char *buf, size_t size,
                                                     const char *fmt, ...);

#endif

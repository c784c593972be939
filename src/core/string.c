#include "core/string.h"

#include <stdint.h>

/* A word that may alias any object, for copying four bytes at a time. */
typedef uint32_t __attribute__((may_alias)) word;

/* True when dst, src and n all allow whole-word copies. */
static int
word_aligned(const void *dst, const void *src, size_t n)
{
    return (((uintptr_t)dst | (uintptr_t)src | n) & (sizeof(word) - 1)) == 0;
}

/* Fill n bytes at dst with (unsigned char)c; returns dst. */
void *
memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

/* Copy n bytes upwards from the first: right for dst below src even when
 * they overlap. Whole words when both are word-aligned (the console's rows). */
static void
copy_forward(void *dst, const void *src, size_t n)
{
    if (word_aligned(dst, src, n)) {
        word *d = dst;
        const word *s = src;
        for (n /= sizeof(word); n; n--) {
            *d++ = *s++;
        }
        return;
    }
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
}

/* Copy n bytes from src to dst, which must not overlap; returns dst. */
void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

/* Copy n bytes from src to dst, which may overlap; returns dst. */
void *
memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((uintptr_t)d - (uintptr_t)s >= n) {
        copy_forward(dst, src, n); /* dst below src, or no overlap */
        return dst;
    }
    if (word_aligned(dst, src, n)) {
        for (n /= sizeof(word); n; n--) {
            ((word *)dst)[n - 1] = ((const word *)src)[n - 1];
        }
        return dst;
    }
    while (n--) {
        d[n] = s[n];
    }
    return dst;
}

/* Compare n bytes as unsigned char: <0, 0 or >0 as a is below, equal to or
 * above b. */
int
memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y) {
            return *x - *y;
        }
    }
    return 0;
}

/* Length of the NUL-terminated string s. */
size_t
strlen(const char *s)
{
    const char *p = s;
    while (*p) {
        p++;
    }
    return (size_t)(p - s);
}

/* Compare at most n characters of a and b as unsigned char. */
int
strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a) {
            return (unsigned char)*a - (unsigned char)*b;
        }
    }
    return 0;
}

/* Compare the NUL-terminated strings a and b as unsigned char. */
int
strcmp(const char *a, const char *b)
{
    return strncmp(a, b, SIZE_MAX);
}

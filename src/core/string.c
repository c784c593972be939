#include "core/string.h"

/* The block copies and fills are the architecture's, its fastest way to
 * move memory: each architecture's asm/string.h gives arch_copy_up,
 * arch_copy_down, arch_fill and arch_fill16, with their contracts. */
#include "asm/string.h"

/* Fill n bytes at dst with (unsigned char)c; returns dst. */
void *
memset(void *dst, int c, size_t n)
{
    arch_fill(dst, (unsigned char)c, n);
    return dst;
}

/* Fill count 16-bit units at dst with unit; returns dst. */
void *
memset16(uint16_t *dst, uint16_t unit, size_t count)
{
    arch_fill16(dst, unit, count);
    return dst;
}

/* Copy n bytes from src to dst, which must not overlap; returns dst. */
void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    arch_copy_up(dst, src, n);
    return dst;
}

/* Copy n bytes from src to dst, which may overlap; returns dst. */
void *
memmove(void *dst, const void *src, size_t n)
{
    /* Upwards unless dst lies inside [src, src + n): there an upward copy
     * would overwrite src's top before reading it, so the top goes first. */
    if ((uintptr_t)dst - (uintptr_t)src >= n) {
        arch_copy_up(dst, src, n);
    } else {
        arch_copy_down(dst, src, n);
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

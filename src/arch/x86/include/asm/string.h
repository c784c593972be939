/* Block copy and fill for core/string.c, both x86 widths: the string
 * instructions (rep movs, rep stos), which move memory as fast as anything
 * the kernel may use without SSE: a machine word (4 bytes on i686, 8 on
 * x86_64) per step, and the bytes (or 16-bit units) that do not fill a word
 * one at a time. All of them are 80386 instructions. Each expects the
 * direction flag clear, as the C ABI and the interrupt stubs (cld) promise,
 * and leaves it clear. */
#ifndef ASM_STRING_H
#define ASM_STRING_H

#include <stddef.h>
#include <stdint.h>

/* Always inlined: a few instructions each, they belong in the function
 * that calls them (clang -Os would otherwise keep arch_copy_up apart, a
 * symbol of no gate's in every image). */
#define ARCH_STRING_INLINE static inline __attribute__((always_inline))

/* The mnemonic suffix of a machine word: movsl/stosl, movsq/stosq. */
#ifdef __x86_64__
#define ASM_WORD "q"
#else
#define ASM_WORD "l"
#endif

/* Copy n bytes from src to dst, lowest address first: right for any dst
 * below src, overlapping or not. Words first, then the n % word bytes. */
ARCH_STRING_INLINE void
arch_copy_up(void *dst, const void *src, size_t n)
{
    size_t words = n / sizeof(long), bytes = n % sizeof(long);
    __asm__ volatile("rep movs" ASM_WORD
                     : "+D"(dst), "+S"(src), "+c"(words)
                     :
                     : "memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

/* Copy n > 0 bytes from src to dst, highest address first (the direction
 * flag set for the copy): right for any dst above src. The top n % word
 * bytes first, then the words below them, each read before it is written.
 * Addresses as integers: they step below dst and src on the way. */
ARCH_STRING_INLINE void
arch_copy_down(void *dst, const void *src, size_t n)
{
    size_t words = n / sizeof(long), bytes = n % sizeof(long);
    uintptr_t d = (uintptr_t)dst + n - 1, s = (uintptr_t)src + n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld"
                     : "+D"(d), "+S"(s), "+c"(bytes)
                     :
                     : "memory");
    /* d and s are at the top byte of the words: movs takes a word's lowest. */
    d -= sizeof(long) - 1;
    s -= sizeof(long) - 1;
    __asm__ volatile("std\n\trep movs" ASM_WORD "\n\tcld"
                     : "+D"(d), "+S"(s), "+c"(words)
                     :
                     : "memory");
}

/* Set n bytes at dst to byte: words of it, then the n % word bytes. */
ARCH_STRING_INLINE void
arch_fill(void *dst, unsigned char byte, size_t n)
{
    unsigned long pattern = byte * (~0UL / 0xFF); /* byte in every byte */
    size_t words = n / sizeof(long), bytes = n % sizeof(long);
    __asm__ volatile("rep stos" ASM_WORD
                     : "+D"(dst), "+c"(words)
                     : "a"(pattern)
                     : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(bytes) : "a"(pattern) : "memory");
}

/* Set count 16-bit units at dst to unit: words of them, then the rest. */
ARCH_STRING_INLINE void
arch_fill16(uint16_t *dst, uint16_t unit, size_t count)
{
    unsigned long pattern = unit * (~0UL / 0xFFFF); /* unit in every half-word */
    size_t words = count / (sizeof(long) / 2), units = count % (sizeof(long) / 2);
    __asm__ volatile("rep stos" ASM_WORD
                     : "+D"(dst), "+c"(words)
                     : "a"(pattern)
                     : "memory");
    __asm__ volatile("rep stosw" : "+D"(dst), "+c"(units) : "a"(pattern) : "memory");
}

#endif

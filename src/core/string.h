/* The freestanding C string functions the kernel uses. clang may also emit
 * calls to memcpy, memmove, memset and memcmp on its own, so these keep their
 * standard names and contracts. */
#ifndef CORE_STRING_H
#define CORE_STRING_H

#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
/* memset for 16-bit units (as Linux's memset16): count units, not bytes. */
void *memset16(uint16_t *dst, uint16_t unit, size_t count);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif

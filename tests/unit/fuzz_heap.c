/* A libFuzzer target over the pool, its TLSF blocks and the slots of its
 * small-object spans (the seed fuzz_corpus/slots allocates, reallocs and
 * frees in every slot class): the input is a sequence of valid
 * operations (alloc, aligned alloc, calloc, realloc, free) on a 64 KiB pool
 * of two regions, checked after each by heap_model as test_heap_random
 * checks its own; at the end everything is freed and must coalesce back.
 * A failed check or a panic aborts, which libFuzzer reports as a crash.
 *
 * Each operation takes four bytes (a shorter tail is ignored):
 *   0      the kind, modulo 5: alloc, aligned alloc, calloc, realloc, free
 *   1, 2   the size, little-endian, of 12 bits (0 to 4095)
 *   3      the raw argument of heap_model_op: the alignment's log2, the
 *          calloc count, or which live block to realloc or free */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/panic.h"
#include "heap_model.h"

#define ARENA (64 << 10)

static struct heap_model model;
static _Alignas(16) unsigned char arena[ARENA];

/* Finish a report begun on stderr, and abort: libFuzzer reports a crash. */
__attribute__((noreturn)) static void
vfail(const char *fmt, va_list ap)
{
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    abort();
}

/* Valid uses never panic: a panic is a bug. */
void
core_panic(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_heap: panic at %s:%d: ", file, line);
    vfail(fmt, ap);
}

void
heap_model_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_heap: check failed: ", stderr);
    vfail(fmt, ap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    heap_model_init(&model, arena, ARENA, 2);
    for (; size >= 4; data += 4, size -= 4) {
        struct heap_op op = heap_model_op((enum heap_op_kind)(data[0] % HEAP_OP_KINDS),
                                          data[1] | (data[2] & 0x0f) << 8, data[3]);
        heap_model_step(&model, &op);
    }
    heap_model_free_all(&model);
    return 0;
}

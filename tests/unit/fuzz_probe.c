/* The smallest libFuzzer target: meson links it to learn whether clang and
 * its fuzzer runtime are installed (see meson.build here). */
#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

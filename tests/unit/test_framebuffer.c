/* Painting a loader's graphics mode (console/framebuffer.c) on host
 * memory: every pixel in the colour's bytes for each depth and field
 * layout, the padding past each row's pixels and everything around the
 * framebuffer untouched, and the modes it refuses left as they were. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "console/framebuffer.h"

#define GUARD   16 /* bytes checked on each side of the framebuffer */
#define UNTOUCH 0xEE

static uint8_t memory[GUARD + 4096 + GUARD];

/* fb's pixels at address start (in memory, after the front guard). */
static struct framebuffer
mode(uint8_t bpp, uint32_t width, uint32_t height, uint32_t pitch,
     const uint8_t fields[6])
{
    memset(memory, UNTOUCH, sizeof memory);
    return (struct framebuffer){
        .addr = (uintptr_t)(memory + GUARD),
        .pitch = pitch,
        .width = width,
        .height = height,
        .bpp = bpp,
        .red_pos = fields[0],
        .red_size = fields[1],
        .green_pos = fields[2],
        .green_size = fields[3],
        .blue_pos = fields[4],
        .blue_size = fields[5],
    };
}

/* Each pixel of fb holds pixel (its bytes low first), and every other byte
 * of memory is untouched. */
static void
assert_painted(const struct framebuffer *fb, const uint8_t *pixel)
{
    uint32_t bytes = (fb->bpp + 7u) / 8;
    for (size_t at = 0; at < sizeof memory; at++) {
        size_t off = at - GUARD, row = off / fb->pitch, col = off % fb->pitch;
        bool in = at >= GUARD && row < fb->height && col < fb->width * bytes;
        if (in) {
            assert_int_equal(memory[at], pixel[col % bytes]);
        } else {
            assert_int_equal(memory[at], UNTOUCH);
        }
    }
}

static const uint8_t RGB32[6] = {16, 8, 8, 8, 0, 8};  /* 0x00RRGGBB */
static const uint8_t BGR32[6] = {0, 8, 8, 8, 16, 8};  /* 0x00BBGGRR */
static const uint8_t RGB565[6] = {11, 5, 5, 6, 0, 5}; /* RRRRRGGG GGGBBBBB */
static const uint8_t RGB555[6] = {10, 5, 5, 5, 0, 5};

static void
test_32_bits_with_padded_rows(void **state)
{
    (void)state;
    struct framebuffer fb = mode(32, 5, 3, 5 * 4 + 4, RGB32); /* 4 bytes of padding */
    assert_true(framebuffer_paint(&fb, VGA_RED, UINTPTR_MAX, 0, 0));
    assert_painted(&fb, (const uint8_t[]){0x00, 0x00, 0xAA, 0x00});
    fb = mode(32, 7, 2, 7 * 4, BGR32);
    assert_true(framebuffer_paint(&fb, VGA_LIGHT_BLUE, UINTPTR_MAX, 0, 0)); /* 0x5555FF */
    assert_painted(&fb, (const uint8_t[]){0x55, 0x55, 0xFF, 0x00}); /* red lowest */
}

static void
test_24_bits_at_an_odd_address(void **state)
{
    (void)state;
    struct framebuffer fb = mode(24, 6, 4, 6 * 3 + 1, RGB32);
    assert_true(framebuffer_paint(&fb, VGA_BROWN, UINTPTR_MAX, 0, 0)); /* 0xAA5500 */
    assert_painted(&fb, (const uint8_t[]){0x00, 0x55, 0xAA});
    fb = mode(24, 3, 3, 9, RGB32);
    fb.addr += 1; /* nothing asks a framebuffer to be aligned */
    assert_true(framebuffer_paint(&fb, VGA_WHITE, UINTPTR_MAX, 0, 0));
    assert_int_equal(memory[GUARD], UNTOUCH);
    for (int i = 1; i <= 27; i++) {
        assert_int_equal(memory[GUARD + i], 0xFF);
    }
    assert_int_equal(memory[GUARD + 28], UNTOUCH);
}

/* 32-bit pixels go in whole words only where they are aligned; a mode at
 * an odd address or with an odd pitch is painted byte by byte, the same
 * bytes. */
static void
test_32_bits_unaligned(void **state)
{
    (void)state;
    struct framebuffer fb = mode(32, 3, 4, 3 * 4 + 1, RGB32);         /* an odd pitch */
    assert_true(framebuffer_paint(&fb, VGA_CYAN, UINTPTR_MAX, 0, 0)); /* 0x00AAAA */
    assert_painted(&fb, (const uint8_t[]){0xAA, 0xAA, 0x00, 0x00});
    fb = mode(32, 2, 1, 8, RGB32);
    fb.addr += 2;
    assert_true(framebuffer_paint(&fb, VGA_WHITE, UINTPTR_MAX, 0, 0));
    const uint8_t want[] = {UNTOUCH, UNTOUCH, 0xFF, 0xFF, 0xFF,   0,
                            0xFF,    0xFF,    0xFF, 0,    UNTOUCH};
    assert_memory_equal(memory + GUARD, want, sizeof want);
}

static void
test_16_and_15_bits(void **state)
{
    (void)state;
    /* Each field keeps the channel's top bits: 0xAA is 10101010. */
    struct framebuffer fb = mode(16, 4, 2, 8, RGB565);
    assert_true(framebuffer_paint(&fb, VGA_RED, UINTPTR_MAX, 0, 0)); /* 10101 << 11 */
    assert_painted(&fb, (const uint8_t[]){0x00, 0xA8});
    fb = mode(16, 4, 2, 8, RGB565);
    assert_true(framebuffer_paint(&fb, VGA_GREEN, UINTPTR_MAX, 0, 0)); /* 101010 << 5 */
    assert_painted(&fb, (const uint8_t[]){0x40, 0x05});
    fb = mode(15, 4, 2, 10, RGB555);
    assert_true(framebuffer_paint(&fb, VGA_WHITE, UINTPTR_MAX, 0, 0));
    assert_painted(&fb, (const uint8_t[]){0xFF, 0x7F});
    assert_int_equal(framebuffer_pixel(&fb, VGA_BLACK), 0);
}

static void
test_refused_modes_are_left_alone(void **state)
{
    (void)state;
    struct {
        uint8_t bpp;
        uint32_t width, height, pitch;
        const uint8_t *fields;
    } refused[] = {
        {8, 4, 4, 4, RGB32},   /* an 8-bit mode */
        {0, 4, 4, 16, RGB32},  /* no depth */
        {64, 4, 4, 32, RGB32}, /* wider than a pixel can be */
        {16, 4, 4, 8, RGB32},  /* red's field (bits 16-23) past the pixel */
        {32, 4, 4, 16, (const uint8_t[]){16, 9, 8, 8, 0, 8}}, /* a 9-bit field */
        {32, 0, 4, 16, RGB32},                                /* no width */
        {32, 4, 0, 16, RGB32},                                /* no height */
        {32, 4, 4, 12, RGB32}, /* a row longer than the pitch */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct framebuffer fb = mode(refused[i].bpp, refused[i].width, refused[i].height,
                                     refused[i].pitch, refused[i].fields);
        assert_false(framebuffer_paint(&fb, VGA_RED, UINTPTR_MAX, 0, 0));
        for (size_t at = 0; at < sizeof memory; at++) {
            assert_int_equal(memory[at], UNTOUCH);
        }
    }
    /* The last byte one past the limit; a framebuffer that wraps round. */
    struct framebuffer fb = mode(32, 4, 4, 16, RGB32);
    assert_false(framebuffer_paint(&fb, VGA_RED, fb.addr + 4 * 16 - 2, 0, 0));
    assert_int_equal(memory[GUARD], UNTOUCH);
    assert_true(
        framebuffer_paint(&fb, VGA_RED, fb.addr + 4 * 16 - 1, 0, 0)); /* exactly */
    fb.addr = UINT64_MAX - 16;
    assert_false(framebuffer_paint(&fb, VGA_RED, UINT64_MAX, 0, 0));
    /* Not over what must be kept: its first byte, its last byte, both
     * within, around it; next to it is fine on either side. */
    fb = mode(32, 4, 4, 16, RGB32);
    uint64_t first = fb.addr, end = fb.addr + 4 * 16; /* the pixels' bytes */
    uint64_t keeps[][2] = {{end - 1, end + 8},
                           {first - 8, first + 1},
                           {first + 4, first + 8},
                           {first - 8, end + 8}};
    for (size_t i = 0; i < sizeof keeps / sizeof keeps[0]; i++) {
        assert_false(
            framebuffer_paint(&fb, VGA_RED, UINTPTR_MAX, keeps[i][0], keeps[i][1]));
        assert_int_equal(memory[GUARD], UNTOUCH);
    }
    assert_true(framebuffer_paint(&fb, VGA_RED, UINTPTR_MAX, end, end + 8));
    assert_true(framebuffer_paint(&fb, VGA_RED, UINTPTR_MAX, first - 8, first));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_32_bits_with_padded_rows),
        cmocka_unit_test(test_24_bits_at_an_odd_address),
        cmocka_unit_test(test_32_bits_unaligned),
        cmocka_unit_test(test_16_and_15_bits),
        cmocka_unit_test(test_refused_modes_are_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

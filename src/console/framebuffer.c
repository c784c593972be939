#include "console/framebuffer.h"

/* The VGA palette's 16 colours as the standard DAC sets them, 0xRRGGBB. */
static const uint32_t vga_rgb[16] = {
    0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
    0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

/* An 8-bit channel in a field of size bits (at most 8) at bit pos. */
static uint32_t
field(uint32_t channel, uint8_t pos, uint8_t size)
{
    return size ? (channel & 0xFF) >> (8 - size) << pos : 0;
}

uint32_t
framebuffer_pixel(const struct framebuffer *fb, enum vga_color color)
{
    uint32_t rgb = vga_rgb[color & 15];
    return field(rgb >> 16, fb->red_pos, fb->red_size) |
           field(rgb >> 8, fb->green_pos, fb->green_size) |
           field(rgb, fb->blue_pos, fb->blue_size);
}

/* True when each field fits in 8 bits and ends within the pixel. */
static bool
fields_fit(const struct framebuffer *fb)
{
    const uint8_t f[][2] = {{fb->red_pos, fb->red_size},
                            {fb->green_pos, fb->green_size},
                            {fb->blue_pos, fb->blue_size}};
    for (unsigned i = 0; i < 3; i++) {
        if (f[i][1] > 8 || f[i][0] + f[i][1] > fb->bpp) {
            return false;
        }
    }
    return true;
}

bool
framebuffer_paint(const struct framebuffer *fb, enum vga_color color, uint64_t limit,
                  uint64_t keep, uint64_t keep_end)
{
    uint32_t bytes = (fb->bpp + 7u) / 8;
    if ((fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) ||
        !fields_fit(fb) || !fb->width || !fb->height ||
        (uint64_t)fb->width * bytes > fb->pitch) {
        return false;
    }
    /* The last byte painted: the last row's start, plus its pixels. */
    uint64_t last = fb->addr + (uint64_t)(fb->height - 1) * fb->pitch +
                    (uint64_t)fb->width * bytes - 1;
    if (last < fb->addr || last > limit || (fb->addr < keep_end && last >= keep)) {
        return false;
    }
    /* Firmware maps a framebuffer uncached, so that every store is a bus
     * write of its own: a 32-bit pixel goes in one store where rows and
     * pixels are aligned to it (the usual case); otherwise, and for the
     * other sizes, byte by byte, the pixel's low byte first. */
    uint32_t pixel = framebuffer_pixel(fb, color);
    bool words = bytes == 4 && !((fb->addr | fb->pitch) & 3);
    for (uint32_t y = 0; y < fb->height; y++) {
        uintptr_t row = (uintptr_t)(fb->addr + (uint64_t)y * fb->pitch);
        if (words) {
            volatile uint32_t *p = (volatile uint32_t *)row;
            for (uint32_t x = 0; x < fb->width; x++) {
                p[x] = pixel;
            }
            continue;
        }
        volatile uint8_t *p = (volatile uint8_t *)row;
        for (uint32_t x = 0; x < fb->width; x++) {
            for (uint32_t b = 0; b < bytes; b++) {
                *p++ = (uint8_t)(pixel >> 8 * b);
            }
        }
    }
    return true;
}

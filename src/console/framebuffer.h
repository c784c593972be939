/* A linear framebuffer that a loader left in a graphics mode, where the
 * console's VGA text does not show: painted in one colour of the VGA
 * palette, so that the screen says the kernel runs. Pure logic on memory,
 * so that it runs on the host too. Internal to the color-console gate. */
#ifndef CONSOLE_FRAMEBUFFER_H
#define CONSOLE_FRAMEBUFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "console/vga_text.h"

/* A direct-colour mode, as Multiboot's framebuffer info gives it: height
 * rows of width pixels, bpp bits each, a row every pitch bytes from addr;
 * each of red, green and blue a field of size bits at bit pos. */
struct framebuffer {
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* The pixel of colour in fb's format: each field the top bits of the
 * colour's 8-bit channel. */
uint32_t framebuffer_pixel(const struct framebuffer *fb, enum vga_color color);

/* Paint every pixel of fb in colour, and nothing else (a row's bytes past
 * its last pixel stay as they are). False, and nothing painted, for a mode
 * it cannot paint: bpp other than 15, 16, 24 or 32, a field wider than 8
 * bits or past the pixel, no pixels, a row longer than the pitch, a last
 * byte past limit (the highest address the kernel reaches, inclusive), or
 * a framebuffer that overlaps [keep, keep_end) (the kernel's own image: a
 * loader's wrong address must not paint over the code). */
bool framebuffer_paint(const struct framebuffer *fb, enum vga_color color, uint64_t limit,
                       uint64_t keep, uint64_t keep_end);

#endif

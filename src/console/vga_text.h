/* Text on an 80x25 array of VGA cells: characters, control characters,
 * wrapping and scrolling. Pure logic on memory, so that it runs on the host
 * too; console.c points it at the real buffer at 0xB8000 and moves the
 * hardware cursor. The text is kept in a shadow in RAM, a ring of rows that
 * a scroll turns; each call ends by copying what changed to the device,
 * which is only ever written. */
#ifndef CONSOLE_VGA_TEXT_H
#define CONSOLE_VGA_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "pc/screen.h"

#define VGA_COLS SCREEN_COLS
#define VGA_ROWS SCREEN_ROWS
#define VGA_TAB  8

/* The 16 colours of the VGA text palette. */
enum vga_color {
    VGA_BLACK,
    VGA_BLUE,
    VGA_GREEN,
    VGA_CYAN,
    VGA_RED,
    VGA_MAGENTA,
    VGA_BROWN,
    VGA_LIGHT_GREY,
    VGA_DARK_GREY,
    VGA_LIGHT_BLUE,
    VGA_LIGHT_GREEN,
    VGA_LIGHT_CYAN,
    VGA_LIGHT_RED,
    VGA_LIGHT_MAGENTA,
    VGA_YELLOW,
    VGA_WHITE,
};

/* A cell as the hardware reads it: character low, attribute high. */
static inline uint16_t
vga_cell(uint8_t ch, enum vga_color fg, enum vga_color bg)
{
    return (uint16_t)(ch | (bg << 4 | fg) << 8);
}

struct vga_text {
    volatile uint16_t *cells; /* VGA_COLS * VGA_ROWS, row-major: the device */
    uint16_t
        shadow[VGA_ROWS * VGA_COLS]; /* the same cells, screen row r in row top + r */
    int top;                         /* (mod VGA_ROWS) */
    int dirty_from, dirty_to;        /* screen cells not yet copied out */
    int row, col;                    /* where the next character goes */
    enum vga_color fg, bg;
};

/* Take over cells in the given colours and clear them. */
void vga_text_init(struct vga_text *t, volatile uint16_t *cells, enum vga_color fg,
                   enum vga_color bg);

/* Colours for what is written from now on. */
void vga_text_set_color(struct vga_text *t, enum vga_color fg, enum vga_color bg);

/* Fill the screen with spaces in the current colours; cursor to 0,0. */
void vga_text_clear(struct vga_text *t);

/* Write n bytes: '\n' starts the next line, '\r' goes to column 0, '\t'
 * to the next multiple of 8 (wrapping past column 80), '\b' steps back one
 * column (and to the end of the previous line from column 0; it does not
 * erase). Other bytes are shown as their glyphs. Passing the bottom row
 * scrolls: the top line goes, the new bottom line is blank in the current
 * colours. */
void vga_text_write(struct vga_text *t, const char *s, size_t n);

#endif

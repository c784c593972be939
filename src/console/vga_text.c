#include "console/vga_text.h"

#include "core/string.h"

void
vga_text_init(struct vga_text *t, volatile uint16_t *cells, enum vga_color fg,
              enum vga_color bg)
{
    t->cells = cells;
    vga_text_set_color(t, fg, bg);
    vga_text_clear(t);
}

void
vga_text_set_color(struct vga_text *t, enum vga_color fg, enum vga_color bg)
{
    t->fg = fg;
    t->bg = bg;
}

/* Fill count cells from first on with blanks in the current colours. The
 * cells are only written, each once, so memset16 (a call the compiler cannot
 * see into, -fno-builtin) may write them without volatile. */
static void
blank(struct vga_text *t, int first, int count)
{
    memset16((uint16_t *)(t->cells + first), vga_cell(' ', t->fg, t->bg), (size_t)count);
}

void
vga_text_clear(struct vga_text *t)
{
    blank(t, 0, VGA_COLS * VGA_ROWS);
    t->row = t->col = 0;
}

/* Start the next line, scrolling the screen up by one when at the bottom. */
static void
newline(struct vga_text *t)
{
    t->col = 0;
    if (t->row < VGA_ROWS - 1) {
        t->row++;
        return;
    }
    /* memmove is a call the compiler cannot see into (-fno-builtin): every
     * byte is written, so dropping volatile for it is safe. */
    memmove((void *)t->cells, (const void *)(t->cells + VGA_COLS),
            (VGA_ROWS - 1) * VGA_COLS * sizeof t->cells[0]);
    blank(t, (VGA_ROWS - 1) * VGA_COLS, VGA_COLS);
}

/* Put one visible character at the cursor and advance, wrapping at 80. */
static void
put(struct vga_text *t, uint8_t ch)
{
    if (t->col == VGA_COLS) {
        newline(t);
    }
    t->cells[t->row * VGA_COLS + t->col++] = vga_cell(ch, t->fg, t->bg);
}

/* Put the glyphs from s on, as put() would one by one, and stop at end, at
 * the end of the line, or at a byte below ' ' (all control characters are);
 * returns where it stopped. Text is mostly runs of glyphs, so the console's
 * cost per character is this loop's: one load, test and store each. */
static const char *
put_run(struct vga_text *t, const char *s, const char *end)
{
    if (t->col == VGA_COLS) {
        newline(t);
    }
    uint16_t colours = vga_cell(0, t->fg, t->bg);
    volatile uint16_t *cell = t->cells + t->row * VGA_COLS + t->col;
    size_t room = (size_t)(VGA_COLS - t->col);
    size_t n = (size_t)(end - s) < room ? (size_t)(end - s) : room;
    /* Indexed from the run's end by i = -n .. -1: the index is also the
     * loop's count, one instruction less a character than counting up. */
    const uint8_t *from = (const uint8_t *)s + n;
    volatile uint16_t *to = cell + n;
    ptrdiff_t i = -(ptrdiff_t)n;
    for (; i < 0 && from[i] >= ' '; i++) {
        to[i] = colours | from[i];
    }
    t->col += (int)(n + (size_t)i);
    return (const char *)from + i;
}

void
vga_text_write(struct vga_text *t, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        if ((uint8_t)*s >= ' ') { /* a run of glyphs, at most to the line's end */
            s = put_run(t, s, end);
            continue;
        }
        char ch = *s++;
        switch (ch) {
        case '\n':
            newline(t);
            break;
        case '\r':
            t->col = 0;
            break;
        case '\t':
            do {
                put(t, ' ');
            } while (t->col % VGA_TAB);
            break;
        case '\b':
            if (t->col > 0) {
                t->col--;
            } else if (t->row > 0) {
                t->row--;
                t->col = VGA_COLS - 1;
            }
            break;
        default:
            put(t, (uint8_t)ch); /* a control byte shown as its glyph */
        }
    }
}

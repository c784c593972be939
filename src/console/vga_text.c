#include "console/vga_text.h"

#include "core/string.h"

#define VGA_CELLS (VGA_COLS * VGA_ROWS)

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

/* The shadow cell that shows at row, col: screen row 0 is shadow row top. */
static uint16_t *
shadow_cell(struct vga_text *t, int row, int col)
{
    int r = t->top + row;
    if (r >= VGA_ROWS) {
        r -= VGA_ROWS;
    }
    return &t->shadow[r * VGA_COLS + col];
}

/* Note that screen cells from .. to-1 changed in the shadow since the last
 * flush. */
static void
mark(struct vga_text *t, int from, int to)
{
    if (from < t->dirty_from) {
        t->dirty_from = from;
    }
    if (to > t->dirty_to) {
        t->dirty_to = to;
    }
}

/* Copy count shadow cells, from screen cell first on, to the device. The
 * device is only written, each cell once, so memcpy (a call the compiler
 * cannot see into, -fno-builtin) may write it without volatile. */
static void
copy_out(struct vga_text *t, int first, int count)
{
    int from = t->top * VGA_COLS + first; /* the ring's index of screen cell first */
    if (from >= VGA_CELLS) {
        from -= VGA_CELLS;
    }
    int before_wrap = VGA_CELLS - from < count ? VGA_CELLS - from : count;
    uint16_t *to = (uint16_t *)(t->cells + first);
    memcpy(to, &t->shadow[from], (size_t)before_wrap * sizeof t->shadow[0]);
    memcpy(to + before_wrap, &t->shadow[0],
           (size_t)(count - before_wrap) * sizeof t->shadow[0]);
}

/* Show on the device what changed in the shadow, and start a new change. */
static void
flush(struct vga_text *t)
{
    if (t->dirty_from < t->dirty_to) {
        copy_out(t, t->dirty_from, t->dirty_to - t->dirty_from);
    }
    t->dirty_from = VGA_CELLS;
    t->dirty_to = 0;
}

/* Fill count shadow cells of row from col on with blanks in the current
 * colours. */
static void
blank(struct vga_text *t, int row, int col, int count)
{
    memset16(shadow_cell(t, row, col), vga_cell(' ', t->fg, t->bg), (size_t)count);
}

void
vga_text_clear(struct vga_text *t)
{
    t->top = 0;
    blank(t, 0, 0, VGA_CELLS);
    t->row = t->col = 0;
    t->dirty_from = 0; /* set, not widened: init calls this on a struct never set */
    t->dirty_to = VGA_CELLS;
    flush(t);
}

/* Start the next line, scrolling the screen up by one when at the bottom.
 * A scroll only turns the ring, and the whole screen is copied out once,
 * when the write ends: however many lines a write scrolls, the device is
 * written once and never read (reading VGA memory is slow on a real card). */
static void
newline(struct vga_text *t)
{
    t->col = 0;
    if (t->row < VGA_ROWS - 1) {
        t->row++;
        return;
    }
    t->top = t->top == VGA_ROWS - 1 ? 0 : t->top + 1;
    blank(t, VGA_ROWS - 1, 0, VGA_COLS);
    mark(t, 0, VGA_CELLS);
}

/* Put one visible character at the cursor and advance, wrapping at 80. */
static void
put(struct vga_text *t, uint8_t ch)
{
    if (t->col >= VGA_COLS) { /* >: a write nested in this one moved col */
        newline(t);
    }
    int at = t->row * VGA_COLS + t->col;
    *shadow_cell(t, t->row, t->col++) = vga_cell(ch, t->fg, t->bg);
    mark(t, at, at + 1);
}

/* Put the glyphs from s on, as put() would one by one, and stop at end, at
 * the end of the line, or at a byte below ' ' (all control characters are);
 * returns where it stopped. Text is mostly runs of glyphs, so the console's
 * cost per character is this loop's: one load, test and store each. */
static const char *
put_run(struct vga_text *t, const char *s, const char *end)
{
    if (t->col >= VGA_COLS) { /* >: a write nested in this one moved col */
        newline(t);
    }
    uint16_t colours = vga_cell(0, t->fg, t->bg);
    size_t room = (size_t)(VGA_COLS - t->col);
    size_t n = (size_t)(end - s) < room ? (size_t)(end - s) : room;
    /* Indexed from the run's end by i = -n .. -1: the index is also the
     * loop's count, one instruction less a character than counting up. */
    const uint8_t *from = (const uint8_t *)s + n;
    uint16_t *to = shadow_cell(t, t->row, t->col) + n;
    ptrdiff_t i = -(ptrdiff_t)n;
    for (; i < 0 && from[i] >= ' '; i++) {
        to[i] = colours | from[i];
    }
    int at = t->row * VGA_COLS + t->col;
    t->col += (int)(n + (size_t)i);
    mark(t, at, at + (int)(n + (size_t)i));
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
    flush(t);
}

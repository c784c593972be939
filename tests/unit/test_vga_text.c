/* The console's text logic on a host-side 80x25 cell array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console/vga_text.h"

static uint16_t cells[VGA_COLS * VGA_ROWS];
static struct vga_text t;

static int
setup(void **state)
{
    (void)state;
    memset(cells, 0xEE, sizeof cells);
    vga_text_init(&t, cells, VGA_LIGHT_GREY, VGA_BLUE);
    return 0;
}

static void
write_str(const char *s)
{
    vga_text_write(&t, s, strlen(s));
}

/* The character at row, col. */
static char
at(int row, int col)
{
    return (char)(cells[row * VGA_COLS + col] & 0xFF);
}

/* The attribute at row, col. */
static uint8_t
attr(int row, int col)
{
    return (uint8_t)(cells[row * VGA_COLS + col] >> 8);
}

/* Row as a string, trailing spaces kept. */
static const char *
row_text(int row)
{
    static char buf[VGA_COLS + 1];
    for (int c = 0; c < VGA_COLS; c++) {
        buf[c] = at(row, c);
    }
    buf[VGA_COLS] = '\0';
    return buf;
}

static void
test_init_clears_in_colours(void **state)
{
    (void)state;
    for (int i = 0; i < VGA_COLS * VGA_ROWS; i++) {
        assert_int_equal(cells[i], 0x1720); /* ' ', light grey on blue */
    }
    assert_int_equal(t.row, 0);
    assert_int_equal(t.col, 0);
}

static void
test_cell_encoding(void **state)
{
    (void)state;
    assert_int_equal(vga_cell('A', VGA_YELLOW, VGA_RED), 0x4E41);
    vga_text_set_color(&t, VGA_WHITE, VGA_BLACK);
    write_str("Hi");
    assert_int_equal(cells[0], 0x0F48);
    assert_int_equal(cells[1], 0x0F69);
    assert_int_equal(cells[2], 0x1720);
    assert_int_equal(t.col, 2);
}

static void
test_wrap_at_80(void **state)
{
    (void)state;
    char line[86];
    memset(line, 'x', 85);
    line[85] = '\0';
    write_str(line);
    assert_int_equal(t.row, 1);
    assert_int_equal(t.col, 5);
    assert_int_equal(at(0, 79), 'x');
    assert_int_equal(at(1, 4), 'x');
    assert_int_equal(at(1, 5), ' ');
}

/* A full line followed by '\n' is one line, not a line and a blank one. */
static void
test_full_line_then_newline(void **state)
{
    (void)state;
    char line[81];
    memset(line, 'y', 80);
    line[80] = '\0';
    write_str(line);
    assert_int_equal(t.row, 0);
    assert_int_equal(t.col, 80);
    write_str("\nz");
    assert_int_equal(at(1, 0), 'z');
    assert_int_equal(t.row, 1);
}

static void
test_tabs(void **state)
{
    (void)state;
    write_str("a\tb");
    assert_int_equal(at(0, 8), 'b');
    write_str("1234567\tc"); /* col 9 + 7 = 16: tab to 24 */
    assert_int_equal(at(0, 24), 'c');
    write_str("\r\t\td"); /* tabs over existing text move, then write */
    assert_int_equal(at(0, 16), 'd');
    write_str("\r");
    char pad[79];
    memset(pad, '.', 78);
    pad[78] = '\0';
    write_str(pad);   /* col 78 */
    write_str("\te"); /* tab to 80: the line is full, e wraps to row 1 */
    assert_int_equal(at(0, 78), ' ');
    assert_int_equal(at(0, 79), ' ');
    assert_int_equal(at(1, 0), 'e');
}

static void
test_carriage_return_and_backspace(void **state)
{
    (void)state;
    write_str("hello\rj");
    assert_string_equal(strncmp(row_text(0), "jello", 5) == 0 ? "ok" : row_text(0), "ok");
    write_str("\b\b");
    assert_int_equal(t.col, 0);
    write_str("\b"); /* at column 0 of row 0: stays */
    assert_int_equal(t.row, 0);
    assert_int_equal(t.col, 0);
    write_str("\n\n\nabc\b\bX");
    assert_int_equal(at(3, 1), 'X');
    assert_int_equal(at(3, 2), 'c'); /* backspace does not erase */
    write_str("\r\b");               /* column 0 of row 3: end of row 2 */
    assert_int_equal(t.row, 2);
    assert_int_equal(t.col, 79);
}

/* 130 lines, each in its own colour: the last 24 stay in order with their
 * colours, the bottom line is blank in the current colours. A row that
 * scrolling created was blanked in the colours of the line before it (the
 * one whose '\n' scrolled), so only its text has its own line's colour. */
static void
test_scrolling_keeps_last_lines(void **state)
{
    (void)state;
    char line[32];
    for (int i = 1; i <= 130; i++) {
        vga_text_set_color(&t, (enum vga_color)(i % 16), (enum vga_color)((i + 3) % 8));
        snprintf(line, sizeof line, "line %d\n", i);
        write_str(line);
    }
    for (int r = 0; r < VGA_ROWS - 1; r++) {
        int n = 130 - (VGA_ROWS - 2) + r;
        snprintf(line, sizeof line, "line %d", n);
        assert_memory_equal(row_text(r), line, strlen(line));
        for (int c = 0; c < VGA_COLS; c++) {
            int owner = c < (int)strlen(line) ? n : n - 1;
            assert_int_equal(attr(r, c), ((owner + 3) % 8) << 4 | owner % 16);
        }
        assert_int_equal(at(r, (int)strlen(line)), ' ');
    }
    for (int c = 0; c < VGA_COLS; c++) {
        assert_int_equal(cells[24 * VGA_COLS + c], vga_cell(' ', 130 % 16, 133 % 8));
    }
    assert_int_equal(t.row, 24);
    assert_int_equal(t.col, 0);
}

/* Wrapping on the bottom row scrolls too. */
static void
test_wrap_on_bottom_row_scrolls(void **state)
{
    (void)state;
    for (int i = 0; i < 24; i++) {
        write_str("\n");
    }
    write_str("top?");
    char line[81];
    memset(line, 'w', 80);
    line[80] = '\0';
    write_str("\r");
    write_str(line);
    write_str("!");
    assert_int_equal(at(23, 0), 'w');
    assert_int_equal(at(24, 0), '!');
    assert_int_equal(at(24, 1), ' ');
}

static void
test_clear(void **state)
{
    (void)state;
    write_str("some text\nmore");
    vga_text_set_color(&t, VGA_BLACK, VGA_GREEN);
    vga_text_clear(&t);
    for (int i = 0; i < VGA_COLS * VGA_ROWS; i++) {
        assert_int_equal(cells[i], 0x2020);
    }
    assert_int_equal(t.row, 0);
    assert_int_equal(t.col, 0);
}

/* The device is written from the shadow: only the cells a write changed,
 * unless it scrolled, and then every cell. A cell changed behind the
 * console's back shows that. */
static void
test_device_written_where_changed(void **state)
{
    (void)state;
    write_str("ab");
    cells[5] = 0xBEEF;
    cells[VGA_COLS * VGA_ROWS - 1] = 0xDEAD;
    write_str("c\r\b");
    assert_int_equal(at(0, 2), 'c');
    assert_int_equal(cells[5], 0xBEEF);
    assert_int_equal(cells[VGA_COLS * VGA_ROWS - 1], 0xDEAD);
    for (int i = 0; i < VGA_ROWS; i++) {
        write_str("\n");
    }
    assert_string_equal(row_text(0), row_text(VGA_ROWS - 1));
    assert_int_equal(cells[5], 0x1720);
    assert_int_equal(cells[VGA_COLS * VGA_ROWS - 1], 0x1720);
}

/* The console as it was written before the run loop: one character at a
 * time, each through put(). vga_text_write must leave the same cells and
 * cursor for any bytes, however they are split into calls. */
struct model {
    uint16_t cells[VGA_COLS * VGA_ROWS];
    int row, col;
};

static void
model_newline(struct model *m, uint16_t blank)
{
    m->col = 0;
    if (m->row < VGA_ROWS - 1) {
        m->row++;
        return;
    }
    for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++) {
        m->cells[i] = m->cells[i + VGA_COLS];
    }
    for (int i = (VGA_ROWS - 1) * VGA_COLS; i < VGA_ROWS * VGA_COLS; i++) {
        m->cells[i] = blank;
    }
}

static void
model_put(struct model *m, uint8_t ch, uint16_t colours)
{
    if (m->col == VGA_COLS) {
        model_newline(m, colours | ' ');
    }
    m->cells[m->row * VGA_COLS + m->col++] = colours | ch;
}

static void
model_write(struct model *m, const char *s, size_t n, uint16_t colours)
{
    for (; n; n--, s++) {
        switch (*s) {
        case '\n':
            model_newline(m, colours | ' ');
            break;
        case '\r':
            m->col = 0;
            break;
        case '\t':
            do {
                model_put(m, ' ', colours);
            } while (m->col % VGA_TAB);
            break;
        case '\b':
            if (m->col > 0) {
                m->col--;
            } else if (m->row > 0) {
                m->row--;
                m->col = VGA_COLS - 1;
            }
            break;
        default:
            model_put(m, (uint8_t)*s, colours);
        }
    }
}

/* The next of a fixed pseudo-random sequence, 15 bits. */
static unsigned
random_next(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16 & 0x7FFF;
}

/* A byte the console must get right: mostly glyphs, and every kind of
 * byte below ' ' and above '~', often enough to meet each other. */
static char
random_byte(unsigned *seed)
{
    unsigned r = random_next(seed);
    switch (r % 16) {
    case 0:
        return '\n';
    case 1:
        return "\r\t\b"[r / 16 % 3];
    case 2:
        return (char)(r / 16 % 32); /* any control byte, shown or acted on */
    case 3:
        return (char)(0x7F + r / 16 % 129); /* DEL and the upper half */
    default:
        return (char)(' ' + r / 16 % 95);
    }
}

static void
test_same_as_one_by_one(void **state)
{
    (void)state;
    static struct model m;
    static char text[4096];
    unsigned seed = 14;
    for (size_t i = 0; i < VGA_COLS * VGA_ROWS; i++) {
        m.cells[i] = cells[i];
    }
    m.row = m.col = 0;
    for (int round = 0; round < 2000; round++) {
        size_t n = random_next(&seed) % (round % 10 == 0 ? sizeof text : 200);
        for (size_t i = 0; i < n; i++) {
            text[i] = random_byte(&seed);
        }
        enum vga_color fg = (enum vga_color)(seed >> 4 & 15),
                       bg = (enum vga_color)(seed >> 9 & 7);
        vga_text_set_color(&t, fg, bg);
        vga_text_write(&t, text, n);
        model_write(&m, text, n, vga_cell(0, fg, bg));
        assert_memory_equal(cells, m.cells, sizeof cells);
        assert_int_equal(t.row, m.row);
        assert_int_equal(t.col, m.col);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_clears_in_colours, setup),
        cmocka_unit_test_setup(test_cell_encoding, setup),
        cmocka_unit_test_setup(test_device_written_where_changed, setup),
        cmocka_unit_test_setup(test_wrap_at_80, setup),
        cmocka_unit_test_setup(test_full_line_then_newline, setup),
        cmocka_unit_test_setup(test_tabs, setup),
        cmocka_unit_test_setup(test_carriage_return_and_backspace, setup),
        cmocka_unit_test_setup(test_scrolling_keeps_last_lines, setup),
        cmocka_unit_test_setup(test_wrap_on_bottom_row_scrolls, setup),
        cmocka_unit_test_setup(test_clear, setup),
        cmocka_unit_test_setup(test_same_as_one_by_one, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

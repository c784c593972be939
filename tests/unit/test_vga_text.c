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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_clears_in_colours, setup),
        cmocka_unit_test_setup(test_cell_encoding, setup),
        cmocka_unit_test_setup(test_wrap_at_80, setup),
        cmocka_unit_test_setup(test_full_line_then_newline, setup),
        cmocka_unit_test_setup(test_tabs, setup),
        cmocka_unit_test_setup(test_carriage_return_and_backspace, setup),
        cmocka_unit_test_setup(test_scrolling_keeps_last_lines, setup),
        cmocka_unit_test_setup(test_wrap_on_bottom_row_scrolls, setup),
        cmocka_unit_test_setup(test_clear, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

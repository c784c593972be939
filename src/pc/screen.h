/* The raw VGA text screen, as the minimal kernel and the last-resort panic
 * path use it: no cursor, no scrolling, no formatting (that is the console
 * subsystem's job). A cell is the character in the low byte and the
 * attribute (background << 4 | foreground) in the high byte. */
#ifndef PC_SCREEN_H
#define PC_SCREEN_H

#include <stdint.h>

#define SCREEN_COLS     80
#define SCREEN_ROWS     25
#define SCREEN_VGA_ADDR 0xB8000u

#define SCREEN_CRTC_INDEX 0x3D4 /* CRT controller: a register's number here, */
#define SCREEN_CRTC_DATA  0x3D5 /* then its value here */

/* The attribute byte for the two colours (0-15 each). */
#define SCREEN_ATTR(fg, bg) ((uint8_t)(((bg) << 4) | (fg)))

/* Let attribute bit 7 select bright backgrounds instead of blinking, so that
 * all 16 colours can be backgrounds. */
void core_screen_no_blink(void);

/* Write value to CRT controller register index. */
void core_screen_crtc_write(uint8_t index, uint8_t value);

/* Show the text at SCREEN_VGA_ADDR as 80x25 whatever the loader left:
 * display start address 0 and 16-line character cells (the font is left
 * as it is). */
void core_screen_show(void);

/* Paint all 80x25 cells in attribute attr: the NUL-terminated text first,
 * from the top-left corner on (no control characters, cut at the last
 * cell), then spaces. */
void core_screen_paint(uint8_t attr, const char *text);

/* Write one row (0-24) of 80 cells in attribute attr: text from its
 * start, cut at 80 characters, then spaces. Returns what did not fit. */
const char *core_screen_row(int row, uint8_t attr, const char *text);

/* Write s and a newline to the debug port (0xE9: QEMU -debugcon, Bochs).
 * Harmless on hardware without one. */
void core_debug_line(const char *s);

#endif

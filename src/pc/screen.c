#include "pc/screen.h"

#include "asm/io.h"

#define VGA_STATUS         0x3DA /* reading it resets the attribute flip-flop */
#define VGA_ATTR_INDEX     0x3C0
#define VGA_ATTR_READ      0x3C1
#define VGA_ATTR_MODE      0x10
#define VGA_ATTR_SCREEN_ON 0x20 /* keep the display on while indexing */
#define VGA_ATTR_BLINK     0x08
#define CRTC_MAX_SCAN      0x09 /* bits 0-4: the character cell's height - 1 */
#define CRTC_START_HIGH    0x0C /* display start address, in cells from 0xB8000 */
#define CRTC_START_LOW     0x0D
#define CELL_LAST_LINE     15 /* 16-line cells: 25 rows in mode 3's 400 lines */
#define DEBUG_PORT         0xE9

static volatile uint16_t *const vga = (volatile uint16_t *)SCREEN_VGA_ADDR;

void
core_screen_no_blink(void)
{
    inb(VGA_STATUS);
    outb(VGA_ATTR_INDEX, VGA_ATTR_MODE | VGA_ATTR_SCREEN_ON);
    uint8_t mode = inb(VGA_ATTR_READ);
    outb(VGA_ATTR_INDEX, mode & ~VGA_ATTR_BLINK);
}

void
core_screen_crtc_write(uint8_t index, uint8_t value)
{
    outb(SCREEN_CRTC_INDEX, index);
    outb(SCREEN_CRTC_DATA, value);
}

/* Only the cell height changes, not the timing nor the font: after an 8x8
 * font the glyphs' lower halves are whatever font memory held. A font
 * upload (4 KiB, sequencer and graphics controller) is too much here. */
void
core_screen_show(void)
{
    core_screen_crtc_write(CRTC_START_HIGH, 0);
    core_screen_crtc_write(CRTC_START_LOW, 0);
    outb(SCREEN_CRTC_INDEX, CRTC_MAX_SCAN);
    uint8_t scan = inb(SCREEN_CRTC_DATA);
    outb(SCREEN_CRTC_DATA, (uint8_t)((scan & ~0x1F) | CELL_LAST_LINE));
}

const char *
core_screen_row(int row, uint8_t attr, const char *text)
{
    volatile uint16_t *cell = vga + row * SCREEN_COLS;
    for (int i = 0; i < SCREEN_COLS; i++) {
        uint8_t c = *text ? (uint8_t)*text++ : ' ';
        cell[i] = (uint16_t)(attr << 8 | c);
    }
    return text;
}

/* One loop over the whole screen rather than core_screen_row per row: the
 * minimal image has room for nothing more. */
void
core_screen_paint(uint8_t attr, const char *text)
{
    for (int i = 0; i < SCREEN_COLS * SCREEN_ROWS; i++) {
        uint8_t c = *text ? (uint8_t)*text++ : ' ';
        vga[i] = (uint16_t)(attr << 8 | c);
    }
}

void
core_debug_line(const char *s)
{
    while (*s) {
        outb(DEBUG_PORT, (uint8_t)*s++);
    }
    outb(DEBUG_PORT, '\n');
}

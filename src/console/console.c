#include "console/console.h"

#include "pc/serial.h"
#include "console/vga_text.h"
#include "core/format.h"
#include "core/panic.h"
#include "asm/io.h"
#include "pc/screen.h"
#include "core/string.h"

#define CRTC_CURSOR_START 0x0A /* bits 0-4: first scan line; bit 5: off */
#define CRTC_CURSOR_END   0x0B /* bits 0-4: last scan line */
#define CRTC_CURSOR_HIGH  0x0E
#define CRTC_CURSOR_LOW   0x0F
#define CURSOR_FIRST_LINE 14 /* an underline in the 16-line character cell */
#define CURSOR_LAST_LINE  15
#define PIT_COMMAND       0x43
#define PIT_CHANNEL2      0x42
#define PIT_CH2_SQUARE    0xB6 /* channel 2, low then high byte, square wave */
#define PIT_HZ            1193182
#define BELL_HZ           880
#define SPEAKER_ON        0x03  /* port B bit 0: timer 2 gate, bit 1: speaker on */
#define BELL_POLLS        30000 /* writes to port 0x80: about 30 ms on a PC */

static struct vga_text screen;

static const char *const color_names[16] = {CONFIG_COLOR_NAMES}; /* src/meson.build */

/* Put the hardware cursor under the cell the next character goes to (on the
 * last column while a line waits to wrap). */
static void
move_cursor(void)
{
    int col = screen.col < VGA_COLS ? screen.col : VGA_COLS - 1;
    uint16_t cell = (uint16_t)(screen.row * VGA_COLS + col);
    core_screen_crtc_write(CRTC_CURSOR_HIGH, (uint8_t)(cell >> 8));
    core_screen_crtc_write(CRTC_CURSOR_LOW, (uint8_t)cell);
}

void
console_init(void)
{
    serial_init();
    vga_text_init(&screen, (volatile uint16_t *)SCREEN_VGA_ADDR, CONFIG_FOREGROUND,
                  CONFIG_BACKGROUND);
    core_panic_set_screen(console_panic_screen);
    core_screen_crtc_write(CRTC_CURSOR_START, CURSOR_FIRST_LINE);
    core_screen_crtc_write(CRTC_CURSOR_END, CURSOR_LAST_LINE);
    move_cursor();
}

void
console_write(const char *s, size_t n)
{
    vga_text_write(&screen, s, n);
    serial_write(s, n);
    move_cursor();
}

void
console_set_color(enum vga_color fg, enum vga_color bg)
{
    vga_text_set_color(&screen, fg, bg);
}

void
console_clear(void)
{
    vga_text_clear(&screen);
    move_cursor();
}

int
console_color_by_name(const char *name)
{
    for (int i = 0; i < 16; i++) {
        if (strcmp(name, color_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *
console_color_name(enum vga_color color)
{
    return color_names[color & 15];
}

void
console_bell(void)
{
    serial_write("\a", 1);
    uint16_t divisor = PIT_HZ / BELL_HZ;
    outb(PIT_COMMAND, PIT_CH2_SQUARE);
    outb(PIT_CHANNEL2, (uint8_t)divisor);
    outb(PIT_CHANNEL2, (uint8_t)(divisor >> 8));
    uint8_t speaker = inb(IO_PORT_B) & IO_PORT_B_WRITABLE;
    outb(IO_PORT_B, speaker | SPEAKER_ON);
    io_delay(BELL_POLLS);
    outb(IO_PORT_B, speaker & ~SPEAKER_ON);
}

/* kvformat's sink: straight to the screen and the serial port. */
static void
console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write(s, n);
}

int
kvprintf(const char *fmt, va_list ap)
{
    return kvformat(console_sink, NULL, fmt, ap);
}

int
kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

void
console_panic_screen(const char *message, const char *file, int line)
{
    console_set_color(VGA_WHITE, VGA_RED);
    console_clear();
    kprintf("\n *** sluice: kernel panic ***\n\n %s\n\n at %s:%d\n\n The system is "
            "halted.",
            message, file, line);
}

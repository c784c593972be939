/* The color-console gate: the VGA text console, kprintf and the panic
 * screen. With -Dcolor-console=false the hooks below are empty and the API
 * is a compile-time error naming the option. */
#ifndef CONSOLE_CONSOLE_H
#define CONSOLE_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#include "config.h"
#include "console/vga_text.h"
#include "core/gate.h"

#if CONFIG_COLOR_CONSOLE

/* Start COM1, take over the VGA text buffer (cleared in the boot colours)
 * and show the cursor. */
void console_init(void);

/* Paint a panic report in white on red over the whole screen (what
 * console_init registers with core_panic_set_screen). */
void console_panic_screen(const char *message, const char *file, int line);

/* Write n bytes to the screen and COM1 (see vga_text_write for control
 * characters) and move the cursor after them. */
void console_write(const char *s, size_t n);

/* The terminal bell: BEL to COM1 and a short beep of the PC speaker. */
void console_bell(void);

/* Colours for what is written from now on. */
void console_set_color(enum vga_color fg, enum vga_color bg);

/* Clear the screen in the current colours; cursor to the top-left. */
void console_clear(void);

/* The colour called name ("light-blue", as the background option spells
 * them), or -1. */
int console_color_by_name(const char *name);

/* The name of a colour. */
const char *console_color_name(enum vga_color color);

/* printf to the console (see core/format.h); returns the bytes written. */
__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);

/* kprintf with a va_list. */
int kvprintf(const char *fmt, va_list ap);

#else

static inline void
console_init(void)
{
}

#define CONSOLE_OFF GATE_OFF("color-console")
CONSOLE_OFF void console_write(const char *s, size_t n);
CONSOLE_OFF void console_bell(void);
CONSOLE_OFF void console_set_color(enum vga_color fg, enum vga_color bg);
CONSOLE_OFF void console_clear(void);
CONSOLE_OFF int console_color_by_name(const char *name);
CONSOLE_OFF const char *console_color_name(enum vga_color color);
CONSOLE_OFF int kprintf(const char *fmt, ...);
CONSOLE_OFF int kvprintf(const char *fmt, va_list ap);

#endif
#endif

/* The console's cost per character, scrolls included, on the host: what
 * bench/console.py measures under callgrind.
 *
 *   console_bench text     write LINES lines of 79 characters and '\n'
 *   console_bench core     memmove the bytes those lines' scrolls would
 *                          move row by row, with core's memmove
 *   console_bench libc     the same with the C library's memmove
 * Only the function named in each mode is measured (--toggle-collect). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/vga_text.h"

#define LINES 5000
#define LINE  80 /* 79 characters and '\n' */

void *core_memmove(void *dst, const void *src, size_t n);

static uint16_t cells[VGA_COLS * VGA_ROWS];

__attribute__((noinline)) void
measure_text(struct vga_text *t, const char *text, size_t n)
{
    vga_text_write(t, text, n);
}

__attribute__((noinline)) void
measure_core(uint16_t *screen, long scrolls)
{
    for (long i = 0; i < scrolls; i++) {
        core_memmove(screen, screen + VGA_COLS, (VGA_ROWS - 1) * VGA_COLS * 2);
    }
}

__attribute__((noinline)) void
measure_libc(uint16_t *screen, long scrolls)
{
    for (long i = 0; i < scrolls; i++) {
        memmove(screen, screen + VGA_COLS, (VGA_ROWS - 1) * VGA_COLS * 2);
    }
}

int
main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "text";
    long scrolls = LINES - (VGA_ROWS - 1); /* the first 24 lines fill the screen */
    if (strcmp(mode, "text") == 0) {
        char *text = malloc(LINES * LINE);
        for (long i = 0; i < LINES * LINE; i++) {
            text[i] = i % LINE == LINE - 1 ? '\n' : (char)(' ' + i % 95);
        }
        struct vga_text t;
        vga_text_init(&t, cells, VGA_LIGHT_GREY, VGA_BLUE);
        measure_text(&t, text, LINES * LINE);
        free(text);
    } else if (strcmp(mode, "core") == 0) {
        measure_core(cells, scrolls);
    } else {
        measure_libc(cells, scrolls);
    }
    printf("%s: %d characters, %ld scrolls of %d bytes\n", mode, LINES * LINE, scrolls,
           (VGA_ROWS - 1) * VGA_COLS * 2);
    return 0;
}

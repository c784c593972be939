#include "irq/irq.h"

#include <stdbool.h>

#include "config.h"
#include "asm/io.h"
#include "pc/screen.h"
#include "irq/kbd.h"
#include "irq/nmi.h"
#include "shell/shell.h"

/* Without the console, keys paint the screen: a hex digit 0-9 or a-f shows
 * that VGA colour, any other key the next colour. */
static void
paint_key(const struct kbd_event *ev)
{
    static int color = CONFIG_BACKGROUND;
    if (!ev->pressed || !ev->ascii) {
        return;
    }
    char c = ev->ascii;
    if (c >= '0' && c <= '9') {
        color = c - '0';
    } else if (c >= 'a' && c <= 'f') {
        color = c - 'a' + 10;
    } else {
        color = (color + 1) % 16;
    }
    core_screen_paint(SCREEN_ATTR(CONFIG_FOREGROUND, color), "");
}

void
irq_main_loop(void)
{
    if (CONFIG_COLOR_CONSOLE) {
        shell_init();
    } else {
        core_screen_no_blink(); /* all 16 colours as backgrounds */
    }
    core_debug_line("sluice: waiting for keys");
    for (;;) {
        struct kbd_event ev;
        cpu_cli();
        if (!irq_nmi_idle()) {
            continue;
        }
        bool key = kbd_next(&ev);
        if (CONFIG_SHELL) {
            irq_com1_keys_resume();
        }
        if (!key) {
            cpu_wait_for_interrupt(); /* sti; hlt: no wake-up is missed */
            irq_nmi_busy();
            continue;
        }
        irq_nmi_busy();
        cpu_sti();
        if (CONFIG_COLOR_CONSOLE) {
            shell_key(&ev);
        } else {
            paint_key(&ev);
        }
    }
}

#include "irq/irq.h"

#include <stdbool.h>

#include "config.h"
#include "asm/io.h"
#include "pc/screen.h"
#include "irq/kbd.h"
#include "irq/nmi.h"
#include "shell/shell.h"

#define NMI_LINE 80

/* NMIs are reported by the loop below, never in the middle of the shell's
 * own output: the handler shows its line itself only while the loop is
 * idle (waiting_idle), and otherwise counts it in nmi_seen for the loop to
 * show. nmi_shown is written by the handler only while waiting_idle is true
 * and by the loop only while it is false, so the two never race. */
static volatile bool waiting_idle;
static volatile uint32_t nmi_seen, nmi_shown;
static volatile uint8_t nmi_reason;

void
irq_notice(const char *line)
{
    core_debug_line(line);
    if (CONFIG_COLOR_CONSOLE) {
        shell_notice(line);
    } else {
        core_screen_row(0, SCREEN_ATTR(CONFIG_FOREGROUND, CONFIG_BACKGROUND), line);
    }
}

/* Show an NMI's line. */
static void
show_nmi(uint8_t reason)
{
    char line[NMI_LINE];
    irq_nmi_describe(reason, line, sizeof line);
    irq_notice(line);
}

void
irq_loop_nmi(uint8_t reason)
{
    nmi_reason = reason;
    nmi_seen++;
    if (waiting_idle) {
        nmi_shown = nmi_seen;
        show_nmi(reason);
    }
}

/* Show the last NMI that came while the console was busy (one line for
 * several). The count and the reason are read again until no NMI came in
 * between, so that the line shown is the one counted. */
static void
show_deferred_nmi(void)
{
    while (nmi_shown != nmi_seen) {
        uint32_t seen = nmi_seen;
        uint8_t reason = nmi_reason;
        if (seen == nmi_seen) {
            nmi_shown = seen;
            show_nmi(reason);
        }
    }
}

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
        show_deferred_nmi();
        waiting_idle = true;
        if (nmi_shown != nmi_seen) { /* one came before waiting_idle was set */
            waiting_idle = false;
            continue;
        }
        bool key = kbd_next(&ev);
        if (CONFIG_SHELL) {
            irq_com1_keys_resume();
        }
        if (!key) {
            cpu_wait_for_interrupt(); /* sti; hlt: no wake-up is missed */
            waiting_idle = false;
            continue;
        }
        waiting_idle = false;
        cpu_sti();
        if (CONFIG_COLOR_CONSOLE) {
            shell_key(&ev);
        } else {
            paint_key(&ev);
        }
    }
}

/* One-line notices: what the keyboard gate tells the user outside any
 * command (no keyboard controller, an NMI). */
#include "config.h"
#include "irq/nmi.h"
#include "pc/screen.h"
#include "shell/shell.h"

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

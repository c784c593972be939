/* Uses every API function of the color-console gate. */
#include "console/console.h"

#define USES(f) f

static int
vprint(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = USES(kvprintf)(fmt, ap);
    va_end(ap);
    return n;
}

void
snippet(void)
{
    USES(kprintf)("%d", 1);
    vprint("%d", 2);
    USES(console_write)("x", 1);
    USES(console_bell)();
    USES(console_set_color)(VGA_WHITE, VGA_BLUE);
    USES(console_clear)();
    USES(console_set_color)(USES(console_color_by_name)("red"), VGA_BLACK);
    USES(kprintf)("%s", USES(console_color_name)(VGA_RED));
}

#include "ktest.h"

#include "core/format.h"
#include "asm/io.h"
#include "pc/screen.h"

#define DEBUG_EXIT_PORT 0xF4
#define EXIT_PASSED     0x10 /* QEMU exits with (value << 1) | 1 = 33 */
#define EXIT_FAILED     0x11 /* 35 */

static int tests_run;
static int tests_failed;

void
ktest_ok(bool passed, const char *name)
{
    char line[160];
    tests_run++;
    tests_failed += !passed;
    ksnprintf(line, sizeof line, "%sok %d - %s", passed ? "" : "not ", tests_run, name);
    core_debug_line(line);
}

void
ktest_diag(const char *text)
{
    char line[160];
    ksnprintf(line, sizeof line, "# %s", text);
    core_debug_line(line);
}

void
ktest_finish(void)
{
    char plan[16];
    ksnprintf(plan, sizeof plan, "1..%d", tests_run);
    core_debug_line(plan);
    outb(DEBUG_EXIT_PORT, tests_failed ? EXIT_FAILED : EXIT_PASSED);
    core_halt(); /* without isa-debug-exit: stop here */
}

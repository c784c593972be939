/* The test kernel: boots like sluice.elf, then does what its command line
 * (`qemu -kernel sluice-ktest.elf -append WORD`) asks:
 *   (nothing)  run every enabled subsystem's in-kernel suite, flat TAP on
 *              the debug port, and leave through isa-debug-exit;
 *   scroll     print 100 numbered lines in cycling colours, then halt;
 *   panic      panic with a known message;
 *   fault      raise a CPU exception (with the keyboard gate);
 *   nested-panic  panic, and panic again while the first report is made
 *              (with the keyboard gate);
 *   reboot     reset the machine as the shell's reboot does (with the
 *              keyboard gate);
 *   key-queue  let typed keys overflow the key queue, then report what it
 *              kept (with the keyboard gate);
 *   double-free, overflow  misuse the heap (with the heap gate);
 *   ubsan      overflow a signed addition (in builds with
 *              -Db_sanitize=undefined: the sanitizer's report).
 * The boot tests read the screen these leave behind. */
#include <limits.h>

#include "boot/boot.h"
#include "config.h"
#include "console/console.h"
#include "core/format.h"
#include "asm/io.h"
#include "core/panic.h"
#include "pc/screen.h"
#include "core/string.h"
#include "pc/reboot.h"
#include "ktest.h"

/* The last word of the loader's command line (QEMU puts the kernel's file
 * name first), or "" when there is none. */
static const char *
scenario(const struct multiboot_info *info)
{
    if (!(info->flags & MULTIBOOT_INFO_CMDLINE)) {
        return "";
    }
    const char *word = (const char *)(uintptr_t)info->cmdline;
    for (const char *p = word; *p; p++) {
        if (*p == ' ' && p[1]) {
            word = p + 1;
        }
    }
    return word;
}

/* 100 lines, line i in foreground i % 16 on background (i + 3) % 8. */
static void
print_lines(void)
{
    for (int i = 1; i <= 100; i++) {
        console_set_color((enum vga_color)(i % 16), (enum vga_color)((i + 3) % 8));
        kprintf("line %03d of the scrolling test\n", i);
    }
}

/* An overflowing signed addition that the compiler cannot fold (its
 * operand is volatile), for the sanitizer to report. With
 * -Dubsan=log the kernel goes on: say so on the debug port, halt. */
static void
ubsan_overflow(void)
{
    static volatile int one = 1;
    int big = INT_MAX;
    int sum = big + one; /* ktest: ubsan */
    char line[48];
    ksnprintf(line, sizeof line, "went on after the report: %d", sum);
    core_debug_line(line);
    core_halt();
}

void
kmain(uint32_t magic, const struct multiboot_info *info)
{
    boot_start(magic, info);
    const char *what = scenario(info);
    if (strcmp(what, "panic") == 0) {
        panic("test panic %d", 42);
    }
    if (CONFIG_KEYBOARD && strcmp(what, "fault") == 0) {
        ktest_fault();
    }
    if (CONFIG_KEYBOARD && strcmp(what, "nested-panic") == 0) {
        ktest_nested_panic();
    }
    if (CONFIG_KEYBOARD && strcmp(what, "reboot") == 0) {
        irq_reboot();
    }
    if (CONFIG_KEYBOARD && strcmp(what, "key-queue") == 0) {
        ktest_key_queue();
    }
    if (CONFIG_UBSAN && strcmp(what, "ubsan") == 0) {
        ubsan_overflow();
    }
    if (CONFIG_HEAP) {
        ktest_heap_misuse(what);
    }
    if (CONFIG_COLOR_CONSOLE && strcmp(what, "scroll") == 0) {
        print_lines();
        core_halt();
    }
    core_debug_line("TAP version 13");
    ktest_core();
    if (CONFIG_KEYBOARD) {
        ktest_irq();
    }
    if (CONFIG_HEAP) {
        ktest_heap(info);
    }
    ktest_finish();
}

#include "shell/shell.h"

#include <limits.h>
#include <stdint.h>

#include "asm/guard.h"
#include "asm/interrupts.h"
#include "asm/io.h"
#include "console/console.h"
#include "core/panic.h"
#include "core/string.h"
#include "heap/heap.h"
#include "pc/reboot.h"
#include "pc/screen.h"

#define PROMPT       "> "
#define LINE_MAX     76                 /* prompt plus line fit on one row */
#define MAX_WORDS    (LINE_MAX / 2 + 1) /* "a b c ...": every word of a line */
#define MAX_COMMANDS 16
#define CTRL_C       3
#define ESC          0x1B

static const struct shell_command *commands[MAX_COMMANDS];
static int command_count;
static char line[LINE_MAX + 1];
static int line_len;
static bool prompt_shown; /* the prompt and line[] are on the last row */

void
shell_register(const struct shell_command *cmd)
{
    if (command_count == MAX_COMMANDS) {
        panic("shell: more than %d commands", MAX_COMMANDS);
    }
    commands[command_count++] = cmd;
}

/* Parse a decimal number 0-999 into *out; false if s is not one. */
static bool
parse_number(const char *s, int *out)
{
    int n = 0;
    if (!*s || strlen(s) > 3) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        n = n * 10 + (*s - '0');
    }
    *out = n;
    return true;
}

static void help_run(int argc, char **argv);

static void
clear_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    console_clear();
}

static void
echo_run(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        kprintf(i + 1 < argc ? "%s " : "%s", argv[i]);
    }
    kprintf("\n");
}

/* A colour by name ("light-blue") or number (0-15), or -1. */
static int
color_arg(const char *s)
{
    int n;
    if (parse_number(s, &n)) {
        return n < 16 ? n : -1;
    }
    return console_color_by_name(s);
}

static void
color_run(int argc, char **argv)
{
    (void)argc;
    int fg = color_arg(argv[1]);
    int bg = color_arg(argv[2]);
    if (fg < 0 || bg < 0) {
        kprintf("usage: color FG BG, each 0-15 or a name:\n ");
        int col = 1;
        for (int i = 0; i < 16; i++) { /* whole names on 80 columns */
            const char *name = console_color_name((enum vga_color)i);
            if (col + 1 + (int)strlen(name) >= SCREEN_COLS) {
                kprintf("\n ");
                col = 1;
            }
            col += kprintf(" %s", name);
        }
        kprintf("\n");
        return;
    }
    if (fg == bg) {
        kprintf("color: FG and BG are both %s: text would be invisible\n",
                console_color_name((enum vga_color)fg));
        return;
    }
    if (bg > 7) {
        core_screen_no_blink();
    }
    console_set_color((enum vga_color)fg, (enum vga_color)bg);
    console_clear();
}

static void
fault_run(int argc, char **argv)
{
    (void)argc;
    int n;
    if (!parse_number(argv[1], &n) || n > 31) {
        kprintf("usage: fault N, N a CPU exception vector 0-31\n");
        return;
    }
    arch_raise_exception(n);
    kprintf("fault %d returned\n", n); /* traps (1, 3, 4) report and halt */
}

static void
reboot_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kprintf("rebooting\n");
    irq_reboot();
}

static void
halt_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kprintf("halted\n");
    core_halt();
}

/* The mem command, with the heap: its figures. */
static void
mem_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!CONFIG_HEAP) {
        return; /* not in the table */
    }
    struct heap_stats s;
    heap_stats(&s);
    int regions = heap_regions();
    kprintf("heap: %zu KiB in %d region%s\n"
            "  used %zu B, free %zu B, largest free block %zu B\n"
            "  live allocations %zu\n",
            s.total / 1024, regions, regions == 1 ? "" : "s", s.used, s.free,
            s.largest_free, s.live_allocations);
}

/* -Dguard-pages: call itself until the stack runs into its guard page,
 * which the kernel must report as a kernel stack overflow. The frame is
 * used after the call, so that the recursion is neither a loop nor a tail
 * call; depth never reaches UINT32_MAX. */
static uint32_t
overflow_recurse(uint32_t depth)
{
    volatile uint8_t frame[64];
    frame[depth % sizeof frame] = (uint8_t)depth;
    if (depth == UINT32_MAX) {
        return 0;
    }
    return overflow_recurse(depth + 1) + frame[depth % sizeof frame];
}

static void
overflow_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!arch_guard_active()) {
        kprintf("overflow: no guard pages on this CPU; not overrunning the stack\n");
        return;
    }
    kprintf("overflowing the kernel stack\n");
    kprintf("overflow returned %u\n", (unsigned)overflow_recurse(0));
}

/* -Dguard-pages: write a byte over this function's own first instruction,
 * in kernel text, which is mapped read-only: a page fault whose CR2 is
 * this function's address, error code 3 (a write to a present page). */
static void
poke_text_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)poke_text_run;
    if (!arch_guard_active()) {
        kprintf("poke-text: kernel text is writable on this CPU; not writing it\n");
        return;
    }
    kprintf("writing to kernel text at %p\n", (void *)text);
    *text = 0xCC;
    kprintf("poke-text returned: kernel text is writable\n");
}

/* -Dguard-pages: read a byte through a null pointer. Page 0 is not mapped,
 * so it is a page fault whose CR2 is 0, error code 0 (a read of a page not
 * present), reported as a null pointer dereference. The address comes
 * through a volatile, so the compiler cannot see the null pointer, and
 * UBSan's null check is off here: the page fault is what is shown. */
static volatile uintptr_t null_address;

__attribute__((no_sanitize("null"))) static void
null_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!arch_guard_active()) {
        kprintf("null: no paging on this CPU, page 0 is readable; not reading it\n");
        return;
    }
    volatile const uint8_t *null = (volatile const uint8_t *)null_address;
    kprintf("reading through a null pointer\n");
    uint8_t byte = *null;
    kprintf("null returned 0x%02x: page 0 is mapped (the loader's data lies in it)\n",
            byte);
}

/* Commands that exist with guard pages only, registered by shell_init. */
static const struct shell_command guard_commands[] = {
    {"overflow", "", "overflow the kernel stack (guard page)", overflow_run, 0},
    {"poke-text", "", "write to kernel text (read-only)", poke_text_run, 0},
    {"null", "", "read through a null pointer (page 0)", null_run, 0},
};

/* mem last: the table ends before it without the heap. */
static const struct shell_command builtins[] = {
    {"help", "", "list the commands", help_run, 0},
    {"clear", "", "clear the screen", clear_run, 0},
    {"echo", "TEXT", "print TEXT", echo_run, SHELL_ANY_ARGS},
    {"color", "FG BG", "set the text colours and clear", color_run, 2},
    {"fault", "N", "raise CPU exception N (0-31)", fault_run, 1},
    {"reboot", "", "reset the machine", reboot_run, 0},
    {"halt", "", "stop the CPU", halt_run, 0},
    {"mem", "", "show the heap's figures", mem_run, 0},
};

#define BUILTIN_COUNT (int)(sizeof builtins / sizeof builtins[0] - !CONFIG_HEAP)

/* The smash command, in stack-protector builds: writes twice its size into
 * a local buffer, over the canary above it (a size the compiler cannot see,
 * so the write is done as written). The canary check before it returns
 * calls __stack_chk_fail, whose panic names an address in this function. */
__attribute__((noinline)) static void
smash_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buffer[16];
    volatile size_t size = 2 * sizeof buffer;
    memset(buffer, 'S', size);
    kprintf("smash: %zu bytes written into a %zu-byte buffer\n", size, sizeof buffer);
}

static const struct shell_command smash_command = {
    "smash", "", "overflow a stack buffer (stack protector)", smash_run, 0};

/* The ubsan command, in builds with -Db_sanitize=undefined: undefined
 * behaviour on purpose, so that the sanitizer's report can be seen (and is
 * tested). The operand comes through a volatile: the compiler cannot fold
 * the result, nor drop the check. */
static volatile int ubsan_operand = 1;
static int ubsan_array[4];

static void
ubsan_run(int argc, char **argv)
{
    (void)argc;
    int one = ubsan_operand;
    int result;
    if (strcmp(argv[1], "overflow") == 0) {
        int big = INT_MAX;
        result = big + one; /* ubsan: overflow */
    } else if (strcmp(argv[1], "bounds") == 0) {
        result = ubsan_array[3 + one]; /* ubsan: bounds */
    } else if (strcmp(argv[1], "shift") == 0) {
        result = one << (31 + one); /* ubsan: shift */
    } else if (strcmp(argv[1], "misaligned") == 0) {
        int *p = (int *)((uintptr_t)&ubsan_array[0] + (uintptr_t)one);
        result = *p; /* ubsan: misaligned */
    } else {
        kprintf("usage: ubsan overflow|bounds|shift|misaligned\n");
        return;
    }
    kprintf("ubsan %s went on: %d\n", argv[1], result); /* -Dubsan=log */
}

static const struct shell_command ubsan_command = {
    "ubsan", "CHECK", "trip a UBSan check: overflow, bounds, shift, misaligned",
    ubsan_run, 1};

/* Command i of all: the built-ins first, then those registered. */
static const struct shell_command *
command(int i)
{
    return i < BUILTIN_COUNT ? &builtins[i] : commands[i - BUILTIN_COUNT];
}

static void
help_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < BUILTIN_COUNT + command_count; i++) {
        kprintf("  %-6s %-8s %s\n", command(i)->name, command(i)->usage,
                command(i)->help);
    }
    kprintf("a line holds %d characters; keys also come from COM1\n", LINE_MAX);
}

void
shell_init(void)
{
    if (CONFIG_STACK_PROTECTOR) {
        shell_register(&smash_command);
    }
    if (CONFIG_UBSAN) {
        shell_register(&ubsan_command);
    }
    if (CONFIG_GUARD_PAGES) {
        for (size_t i = 0; i < sizeof guard_commands / sizeof guard_commands[0]; i++) {
            shell_register(&guard_commands[i]);
        }
    }
    kprintf(PROMPT);
    prompt_shown = true;
}

void
shell_notice(const char *text)
{
    if (!prompt_shown) {
        kprintf("%s\n", text);
    } else if (line_len == 0) {
        kprintf("\r%s\n" PROMPT, text); /* over the prompt, then a new one */
    } else {
        kprintf("\n%s\n" PROMPT "%.*s", text, line_len, line);
    }
}

/* Run cmd with the line's words, if it takes that many arguments. */
static void
run_command(const struct shell_command *cmd, int argc, char **argv)
{
    if (cmd->args != SHELL_ANY_ARGS && argc - 1 != cmd->args) {
        kprintf("usage: %s%s%s\n", cmd->name, *cmd->usage ? " " : "", cmd->usage);
        return;
    }
    cmd->run(argc, argv);
}

/* Split the line into words (every one: a line has at most MAX_WORDS) and
 * run the command the first one names. */
static void
run_line(void)
{
    char *argv[MAX_WORDS];
    int argc = 0;
    for (char *p = line; *p;) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p) {
            argv[argc++] = p;
        }
        while (*p && *p != ' ') {
            p++;
        }
    }
    if (argc == 0) {
        return;
    }
    for (int i = 0; i < BUILTIN_COUNT + command_count; i++) {
        if (strcmp(argv[0], command(i)->name) == 0) {
            run_command(command(i), argc, argv);
            return;
        }
    }
    kprintf("unknown command: %s (type help)\n", argv[0]);
}

void
shell_key(const struct kbd_event *ev)
{
    if (!ev->pressed || !ev->ascii) {
        return;
    }
    /* Tab separates words as a space does: the line has no tab stops. */
    char c = ev->ascii == '\t' ? ' ' : ev->ascii;
    if (c == ESC) {
        return; /* no meaning here, as COM1's escape sequences (com1_keys.c) */
    }
    if (c == '\n' || c == '\r') {
        kprintf("\n");
        line[line_len] = '\0';
        run_line();
        line_len = 0;
        kprintf(PROMPT);
    } else if (c == '\b') {
        if (line_len > 0) {
            line_len--;
            kprintf("\b \b");
        }
    } else if (c == CTRL_C) {
        line_len = 0;
        kprintf("^C\n" PROMPT);
    } else if (c >= ' ' && c <= '~' && line_len < LINE_MAX) {
        line[line_len++] = c;
        console_write(&c, 1);
    } else {
        /* The line is full, or c is not a character it takes (a control
         * character, a byte of UTF-8 from COM1): nothing is typed, and
         * the bell says so. */
        console_bell();
    }
}

#!/usr/bin/env python3
"""Boot scenarios, each a test in the `boot` suite.

    boot_test.py SCENARIO --config BUILD/src/config.h --elf sluice.elf
                 [--iso sluice.iso] [--shots DIR]

A scenario boots the image in QEMU, checks what the machine shows and exits
0 on success, 1 with an explanation on failure. It takes a screendump PNG of
the final screen into --shots.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktap_run import EXIT_PASSED as KTEST_SUCCESS  # noqa: E402
import machine  # noqa: E402  its ubsan_reports
from machine import (COLS, ROWS, GdbStub, Machine, MachineError,  # noqa: E402
                     elf, elf_symbol, qcodes_for, read_log, run_qemu)

PANIC_ATTR = 0x4F  # white on red
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEMORY = '32M'
# What the Multiboot loader reports for -m 32M (both QEMU -kernel and GRUB):
# 639 KiB of conventional memory and, from 1 MiB up, 31 MiB less the 128 KiB
# that the firmware keeps at the top.
MEM_LOWER_KIB, MEM_UPPER_KIB = 639, 31616
BOOT_TIMEOUT = {'kernel': 15, 'iso': 40}
SCENARIOS = {}


class Skip(Exception):
    """A scenario that cannot apply to this image: the test is skipped."""


def scenario(fn):
    SCENARIOS[fn.__name__.replace('_', '-')] = fn
    return fn


def read_config(path):
    """The CONFIG_* values of a build, from its generated config.h."""
    with open(path) as f:
        return {m.group(1): int(m.group(2)) for m in
                re.finditer(r'#define (CONFIG_\w+) (\d+)', f.read())}


# The VGA text palette: the attribute nibble of each -Dbackground= name.
VGA_PALETTE = {'black': 0, 'blue': 1, 'green': 2, 'cyan': 3, 'red': 4, 'magenta': 5,
               'brown': 6, 'light-grey': 7, 'dark-grey': 8, 'light-blue': 9,
               'light-green': 10, 'light-cyan': 11, 'light-red': 12,
               'light-magenta': 13, 'yellow': 14, 'white': 15}
# The same colours as the standard VGA DAC shows them, 0xRRGGBB (the
# graphics-mode scenario's expected pixels).
VGA_RGB = dict(zip(VGA_PALETTE, (
    0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
    0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF)))


def boot_attr(cfg):
    return cfg['CONFIG_BACKGROUND'] << 4 | cfg['CONFIG_FOREGROUND']


def mismatches(cells, expected):
    """Describe the first differing cells of two 2000-cell screens."""
    bad = [(i, got, want) for i, (got, want) in enumerate(zip(cells, expected))
           if got != want]
    return ['cell {} (row {}, col {}): got {!r}/{:#04x}, want {!r}/{:#04x}'.format(
        i, i // COLS, i % COLS, chr(g[0]), g[1], chr(w[0]), w[1])
        for i, g, w in bad[:5]] + (['... {} cells differ'.format(len(bad))]
                                   if len(bad) > 5 else [])


def painted(text, attr):
    """A screen of text from the top-left corner, then spaces, all in attr."""
    text = text.ljust(COLS * ROWS)
    return [(ord(c), attr) for c in text]


def title_attr(cfg):
    fg = 14 if cfg['CONFIG_FOREGROUND'] == 15 else 1  # yellow, or blue
    return cfg['CONFIG_BACKGROUND'] << 4 | fg


# "1 region", "2 regions", never "1 regions".
REGIONS = r'(?:1 region|(?:[02-9]|\d\d+) regions)'


def boot_lines(cfg, mem_upper=MEM_UPPER_KIB, notices=()):
    """The lines the console shows after a boot, as (text, attribute); text
    is a string or a compiled regex that must match the whole line. mem_upper
    is the KiB the loader reports above 1 MiB; notices are lines the
    keyboard gate prints before the prompt."""
    on = lambda gate: '+' if cfg['CONFIG_' + gate] else '-'  # noqa: E731
    lines = [
        ('sluice 0.1.0', title_attr(cfg)),
        ('gates: {}color-console {}keyboard {}heap'.format(
            on('COLOR_CONSOLE'), on('KEYBOARD'), on('HEAP')), boot_attr(cfg)),
        ('memory: {} KiB below 1 MiB, {} KiB above'.format(
            MEM_LOWER_KIB, mem_upper), boot_attr(cfg)),
    ]
    if cfg['CONFIG_HEAP']:
        # All of RAM above 1 MiB but the image (tens of KiB), the loader's
        # data and the pool's own headers: the exact figure moves with the
        # image's size. QEMU puts its Multiboot data right after the image,
        # so the heap goes around it in two regions.
        lines.append((re.compile(r'heap: 3[01]\d{3} KiB in ' + REGIONS), boot_attr(cfg)))
    if cfg['CONFIG_KEYBOARD']:
        lines += [(text, boot_attr(cfg)) for text in notices]
        lines.append(('> ', boot_attr(cfg)))
    return lines


def screen_problems(cells, lines, blank_attr, first_row=0):
    """What differs between the screen and the expected lines from first_row
    on (text cells in the line's attribute, the rest of the screen blank in
    blank_attr). An empty list means they match."""
    rows = [''.join(chr(c) for c, _ in cells[r * COLS:(r + 1) * COLS])
            for r in range(ROWS)]
    problems = []
    for row in range(first_row, ROWS):
        i = row - first_row
        text, attr = lines[i] if i < len(lines) else ('', blank_attr)
        got = rows[row].rstrip(' ')
        if hasattr(text, 'fullmatch'):
            if not text.fullmatch(got):
                problems.append('row {}: {!r} does not match {!r}'.format(
                    row, got, text.pattern))
                continue
            text = got
        elif rows[row] != text.ljust(COLS):
            problems.append('row {}: {!r}, want {!r}'.format(row, got, text))
            continue
        for col in range(COLS):
            want = attr if col < len(text) else blank_attr
            if cells[row * COLS + col][1] != want:
                problems.append('row {} col {}: attribute {:#04x}, want {:#04x}'
                                .format(row, col, cells[row * COLS + col][1], want))
                break
    return problems


def wait_lines(m, lines, blank_attr, timeout, what, first_row=0):
    """Wait until the screen shows lines (see screen_problems)."""
    last = []

    def ok(m):
        last[:] = screen_problems(m.cells(), lines, blank_attr, first_row)
        return not last
    try:
        m.wait_until(ok, timeout, what)
    except MachineError as e:
        raise MachineError('{}\n{}'.format(e, '\n'.join(last[:6])))


def lines_screen(lines, attr):
    """A screen with these (text, attribute) lines from the top, the rest of
    every row and the rows below blank in attr."""
    cells = [(0x20, attr)] * (COLS * ROWS)
    for row, (text, text_attr) in enumerate(lines):
        for col, ch in enumerate(text):
            cells[row * COLS + col] = (ord(ch), text_attr)
    return cells


def cursor(m):
    """The hardware cursor's cell, read from the CRT controller (0x3D4/5)."""
    def crtc(index):
        m.port_out(0x3D4, index)
        return m.port_in(0x3D5)
    return crtc(0x0E) << 8 | crtc(0x0F)


def expect_cursor(m, cell):
    got = cursor(m)
    if got != cell:
        raise MachineError('cursor at cell {} (row {}, col {}), want {}'.format(
            got, got // COLS, got % COLS, cell))


def panic_line(path, needle):
    """The line number of needle in a source file (for __LINE__)."""
    with open(os.path.join(ROOT, path)) as f:
        for number, line in enumerate(f, 1):
            if needle in line:
                return number
    raise KeyError(needle)


def assert_no_panic(m):
    """The kernel did not panic: no report on the debug port."""
    if 'PANIC' in m.debug_log():
        raise MachineError('panicked:\n' + m.debug_log())


def assert_halted(m, timeout=5):
    """The CPU sits in hlt with interrupts off (IF clear), not spinning,
    within timeout seconds: the screen can be complete a few instructions
    before the `cli; hlt` that follows it."""
    deadline = time.monotonic() + timeout
    while True:
        regs = m.hmp('info registers')
        if run_qemu.halted_for_good(regs):
            return
        if time.monotonic() >= deadline:
            raise MachineError('expected the CPU halted with IF=0:\n' + regs[:400])
        time.sleep(0.02)


def pic_state(m):
    """The two 8259s' registers as QEMU's monitor shows them (`info pic`),
    as {'pic0': {'irr': 0x00, 'imr': 0xfd, 'isr': 0x00, 'irq_base': 0x20,
    ...}, 'pic1': {...}}; pic0 is the master. Reading them changes nothing."""
    out = m.hmp('info pic')
    return {chip: {k: int(v, 16) for k, v in re.findall(r'(\w+)=([0-9a-f]+)', fields)}
            for chip, fields in re.findall(r'^(pic[01]): (.*)$', out, re.M)}


def wait_screen(m, expected, how, what):
    m.wait_until(lambda m: m.cells() == expected, BOOT_TIMEOUT[how], what)


@scenario
def screen(args, cfg, how):
    """After boot every one of the 2000 cells is as expected (nothing left of
    the BIOS or GRUB): the minimal kernel paints them all in the background
    colour and halts; with the console, the banner in its colours, and the
    cursor under the next character."""
    image = args.iso if how == 'iso' else args.elf
    with Machine(image, iso=how == 'iso', memory=MEMORY) as m:
        try:
            if cfg['CONFIG_COLOR_CONSOLE']:
                lines = boot_lines(cfg)
                wait_lines(m, lines, boot_attr(cfg), BOOT_TIMEOUT[how], 'the banner')
            else:
                # The colour the option names, not config.h's opinion of it.
                attr = VGA_PALETTE[args.background] << 4 | cfg['CONFIG_FOREGROUND']
                wait_screen(m, painted('', attr), how, 'all 2000 cells painted {:#04x} '
                            '({})'.format(attr, args.background))
        finally:
            shoot(m, args, 'screen-' + how)
        if cfg['CONFIG_COLOR_CONSOLE']:
            last = len(lines) - 1
            expect_cursor(m, last * COLS + len(lines[last][0]) if cfg['CONFIG_KEYBOARD']
                          else len(lines) * COLS)
        if not cfg['CONFIG_KEYBOARD']:
            assert_halted(m)


def crtc(m, index):
    """CRT controller register index, read from outside (0x3D4/5)."""
    m.port_out(0x3D4, index)
    return m.port_in(0x3D5)


def boot_with_vga_left(args, cfg, ports, shot):
    """Boot with CRT controller registers written at _start (ports, as a
    loader may leave them), wait for the boot screen (and the main loop
    with the keyboard) and return the started machine."""
    m = boot_patched(args.elf, ports=ports)
    try:
        if cfg['CONFIG_COLOR_CONSOLE']:
            wait_lines(m, boot_lines(cfg), boot_attr(cfg), 15, 'the banner')
        else:
            wait_screen(m, painted('', boot_attr(cfg)), 'kernel', 'the boot colour')
        if cfg['CONFIG_KEYBOARD']:
            wait_main_loop(m)
    except BaseException:
        shoot(m, args, shot)
        m.close()
        raise
    return m


@scenario
def display_start(args, cfg, how):
    """A loader that left the display start address on page 1 (CRTC 0x0C =
    0x08: a black screen, whatever 0xB8000 holds): after boot the start
    address is 0 again (0x0C and 0x0D), so the screen shows the boot
    screen."""
    with boot_with_vga_left(args, cfg, [(0x3D4, 0x0C), (0x3D5, 0x08),
                                        (0x3D4, 0x0D), (0x3D5, 0x50)],
                            'display-start') as m:
        shoot(m, args, 'display-start')
        start = crtc(m, 0x0C) << 8 | crtc(m, 0x0D)
        if start:
            raise MachineError('display start address {:#06x}, want 0 '
                               '(the screen shows another page)'.format(start))


@scenario
def char_height(args, cfg, how):
    """A loader that left 8-line character cells (CRTC 0x09 = 0x47: 80x50,
    the 25 rows in the top half, no cursor lines 14-15): after boot the
    cells are 16 lines high again (0x09's low 5 bits 15, its other bits
    kept), and with the console the cursor is lines 14-15 of them."""
    with boot_with_vga_left(args, cfg, [(0x3D4, 0x09), (0x3D5, 0x47)],
                            'char-height') as m:
        shoot(m, args, 'char-height')
        scan = crtc(m, 0x09)
        if scan != 0x4F:
            raise MachineError('CRTC 0x09 (max scan line) {:#04x}, want 0x4f'.format(scan))
        if cfg['CONFIG_COLOR_CONSOLE']:
            shape = crtc(m, 0x0A), crtc(m, 0x0B)
            if shape != (14, 15):
                raise MachineError('cursor lines {}, want (14, 15)'.format(shape))


@scenario
def serial(args, cfg, how):
    """COM1 carries the same text as the screen, each line ending in CR LF."""
    with Machine(args.elf, memory=MEMORY) as m:
        want = re.compile('\r\n'.join(
            t.pattern if hasattr(t, 'pattern') else re.escape(t)
            for t, _ in boot_lines(cfg)))
        m.wait_until(lambda m: want.match(m.serial_log()), 15,
                     'the banner on COM1: ' + repr(want.pattern))


@scenario
def scroll(args, cfg, how):
    """A kernel that prints 100 lines shows the last 24 in order, each in its
    colours, and a blank bottom line with the cursor at its start."""
    with Machine(args.ktest, memory=MEMORY, cmdline='scroll') as m:
        lines, blanks = [], []
        for n in range(77, 101):
            lines.append(('line {:03d} of the scrolling test'.format(n),
                          (n + 3) % 8 << 4 | n % 16))
            blanks.append((n + 2) % 8 << 4 | (n - 1) % 16)  # line n-1's colours
        expected = lines_screen(lines + [('', 0)], 0)
        for row, attr in enumerate(blanks + [(103 % 8) << 4 | 100 % 16]):
            for col in range(len(lines[row][0]) if row < 24 else 0, COLS):
                expected[row * COLS + col] = (0x20, attr)
        try:
            wait_screen(m, expected, 'kernel', 'lines 77-100 scrolled into view')
        finally:
            shoot(m, args, 'scroll')
        expect_cursor(m, 24 * COLS)


def panic_rows(message_rows, where):
    """The panic screen's rows, as wait_lines takes them: the title, the
    message's rows, where it happened (' at FILE:LINE', text or pattern) and
    the closing line, all white on red."""
    return ([('', 0), (' *** sluice: kernel panic ***', PANIC_ATTR), ('', 0)] +
            [(row, PANIC_ATTR) for row in message_rows] +
            [('', 0), (where, PANIC_ATTR), ('', 0), (' The system is halted.', PANIC_ATTR)])


def expect_panic(m, args, cfg, report, rows, shot):
    """Wait for a panic whose debug-port line matches report (a pattern of
    the whole line, its newline included); the screen must then show
    rows(match), the panic screen, with the console, and COM1 the same
    text (expect_serial_mirror), or that line on red without it; the CPU
    halts, and QEMU is still running all along (-no-reboot: a reset, a
    triple fault in the report's own code say, ends it, and wait_until
    fails on that). Returns the match."""
    try:
        m.wait_until(lambda m: report.search(m.debug_log()), 15,
                     'the panic {!r} on the debug port'.format(report.pattern))
        match = report.search(m.debug_log())
        if cfg['CONFIG_COLOR_CONSOLE']:
            wait_lines(m, rows(match), PANIC_ATTR, 15, 'the panic screen')
            expect_serial_mirror(m)
        else:
            wait_screen(m, painted(match.group(0).rstrip('\n'), PANIC_ATTR), 'kernel',
                        'the red report')
    finally:
        shoot(m, args, shot)
    assert_halted(m)
    return match


PANIC_TITLE = '*** sluice: kernel panic ***'


def expect_serial_mirror(m):
    """COM1 carries the panic screen's text, the console's mirror: every
    row from the title on, in order, after the last title COM1 has (a row
    the screen wrapped is part of a longer line there)."""
    rows = [row.strip() for row in m.rows()]
    shown = [row for row in rows[rows.index(PANIC_TITLE):] if row]

    def missing(m):
        serial = m.serial_log().replace('\r\n', '\n')
        at = serial.rfind(PANIC_TITLE)
        for row in shown:
            found = serial.find(row, at) if at >= 0 else -1
            if found < 0:
                return row
            at = found + len(row)
        return None
    try:
        m.wait_until(lambda m: missing(m) is None, 5, 'the panic screen on COM1')
    except MachineError:
        raise MachineError('COM1 lacks the panic screen\'s row {!r}:\n{}'.format(
            missing(m), m.serial_log()[-1500:]))


@scenario
def panic(args, cfg, how):
    """panic() paints its report: with the console a white-on-red screen with
    message, file and line, mirrored on COM1; without it the report on a red
    screen. Both go to the debug port, and the CPU halts."""
    line = panic_line('tests/kernel/ktest_main.c', 'panic("test panic %d", 42)')
    where = 'tests/kernel/ktest_main.c:{}'.format(line)
    report = 'PANIC: test panic 42 (at {})'.format(where)
    with Machine(args.ktest, memory=MEMORY, cmdline='panic') as m:
        if cfg['CONFIG_COLOR_CONSOLE']:
            expected = lines_screen(panic_rows([' test panic 42'], ' at ' + where),
                                    PANIC_ATTR)
        else:
            expected = painted(report, PANIC_ATTR)
        try:
            wait_screen(m, expected, 'kernel', 'the panic report')
            if cfg['CONFIG_COLOR_CONSOLE']:
                expect_serial_mirror(m)
        finally:
            shoot(m, args, 'panic')
        if report + '\n' not in m.debug_log():
            raise MachineError('debug port lacks {!r}: {!r}'.format(
                report, m.debug_log()))
        assert_halted(m)


@scenario
def bad_magic(args, cfg, how):
    """Entered with a wrong EAX (not by a Multiboot loader), the kernel says
    so on screen and on the debug port, and halts."""
    with boot_patched(args.elf, lambda stub, info: stub.set_register('eax', 0x12345678)) as m:
        message = 'sluice: bad Multiboot magic'
        try:
            wait_screen(m, painted(message, PANIC_ATTR), 'kernel',
                        'the bad-magic message in white on red')
        finally:
            shoot(m, args, 'bad-magic')
        if message + '\n' not in m.debug_log():
            raise MachineError('debug port lacks the message: '
                               + repr(m.debug_log()))
        assert_halted(m)


# The Multiboot info's mem_upper, at offset 8: KiB of RAM from 1 MiB up to
# the first hole (valid when the flags have MB_INFO_MEMORY).
MB_INFO_MEM_UPPER = 8
# QEMU rounds -m up to a multiple of 8 KiB, and then refuses a memory
# backend of another size (Machine gives the backend the size as written).
QEMU_RAM_STEP_KIB = 8
NOT_ENOUGH_MEMORY = 'sluice: not enough memory'


def kib_needed(image):
    """The KiB above 1 MiB that the image reaches, .bss and stacks included,
    rounded up: the least mem_upper the entry accepts."""
    return -(-(elf_symbol(image, 'kernel_image_end') - (1 << 20)) // 1024)


def expect_not_enough_memory(m, args, shot):
    """The refusal on screen in white on red and on the debug port, the CPU
    halted and QEMU still running (no reset, no jump into absent memory)."""
    try:
        wait_screen(m, painted(NOT_ENOUGH_MEMORY, PANIC_ATTR), 'kernel',
                    'the not-enough-memory message in white on red')
    finally:
        shoot(m, args, shot)
    if NOT_ENOUGH_MEMORY + '\n' not in m.debug_log():
        raise MachineError('debug port lacks the message: ' + repr(m.debug_log()))
    assert_halted(m)
    if m.proc.poll() is not None:
        raise MachineError('QEMU exited: ' + m.output())


@scenario
def small_memory(args, cfg, how):
    """On a machine with less RAM above 1 MiB than the kernel reaches (its
    .bss and boot stack lie past the loaded image) the entry says so before
    it touches the stack, which would lie in no memory: in white on red and
    on the debug port, and halts. First QEMU with the largest -m below what
    the image needs (QEMU's firmware itself needs more than 1 MiB; every
    image needs more than 16 KiB above it), then at 32 MiB a loader that
    reports one KiB too few, then one that reports exactly enough, which
    gets the normal boot, as does one that reports no memory size (flags
    without MB_INFO_MEMORY: nothing to compare)."""
    need = kib_needed(args.elf)
    below = 1024 + (need - 1) // QEMU_RAM_STEP_KIB * QEMU_RAM_STEP_KIB
    with Machine(args.elf, memory='{}K'.format(below)) as m:
        expect_not_enough_memory(m, args, 'small-memory')

    def reporting(kib):
        return lambda stub, info: stub.write_memory(info + MB_INFO_MEM_UPPER,
                                                    struct.pack('<I', kib))
    with boot_patched(args.elf, reporting(need - 1)) as m:
        expect_not_enough_memory(m, args, 'small-memory-reported')
    unreported = boot_lines(cfg)
    unreported[2] = ('memory: not reported by the boot loader', boot_attr(cfg))
    for what, boot, lines in [
            ('exactly enough', lambda: boot_patched(args.elf, reporting(need)),
             boot_lines(cfg, mem_upper=need)),
            ('no memory size', lambda: boot_with_flags_cleared(args, MB_INFO_MEMORY),
             unreported)]:
        with boot() as m:
            try:
                if cfg['CONFIG_COLOR_CONSOLE']:
                    wait_lines(m, lines, boot_attr(cfg), 15, 'the banner: ' + what)
                else:
                    wait_screen(m, painted('', boot_attr(cfg)), 'kernel',
                                'the boot colour: ' + what)
            finally:
                shoot(m, args, 'small-memory-' + what.replace(' ', '-'))
            if NOT_ENOUGH_MEMORY in m.debug_log():
                raise MachineError('refused with {}: {}'.format(what, m.debug_log()))


EXCEPTIONS = [
    'divide error', 'debug', 'non-maskable interrupt', 'breakpoint', 'overflow',
    'bound range exceeded', 'invalid opcode', 'device not available',
    'double fault', 'coprocessor segment overrun', 'invalid TSS',
    'segment not present', 'stack-segment fault', 'general protection fault',
    'page fault', 'reserved exception 15', 'x87 floating-point error',
    'alignment check', 'machine check', 'SIMD floating-point exception',
    'virtualization exception', 'control protection exception'] + [
    'reserved exception {}'.format(n) for n in range(22, 28)] + [
    'hypervisor injection exception', 'VMM communication exception',
    'security exception', 'reserved exception 31']


def start_shell(args, cfg, how='kernel', extra=(), lines=None):
    """Boot the kernel (by -kernel or from the ISO, on QEMU with extra
    options) and wait for the shell's first prompt after lines (the usual
    boot_lines by default); returns the machine and the prompt's row."""
    m = Machine(args.iso if how == 'iso' else args.elf, iso=how == 'iso', memory=MEMORY,
                extra=extra).start()
    lines = lines or boot_lines(cfg)
    try:
        wait_lines(m, lines, boot_attr(cfg), BOOT_TIMEOUT[how], 'the shell prompt')
    except MachineError:
        m.close()
        raise
    return m, len(lines) - 1


def shell_session(args, cfg, name, typed, outputs, how='kernel'):
    """Type typed at the prompt; the screen must then show, from the prompt
    row on, the expected lines (prompt and echo, then outputs)."""
    m, row = start_shell(args, cfg, how)
    with m:
        m.send_keys(typed)
        try:
            wait_lines(m, [(line, boot_attr(cfg)) for line in outputs],
                       boot_attr(cfg), 15, 'the shell session', first_row=row)
        finally:
            shoot(m, args, name)


@scenario
def typing(args, cfg, how):
    """Lower and upper case, digits, punctuation, Backspace and Enter, typed
    with input-send-event, appear at the prompt; echo prints them back."""
    text = 'Hello, World! 0123456789 -=[];\'./` ~!@#$%^&*()_+{}:"|<>?'
    shell_session(args, cfg, 'typing', 'echo Xy\b\b' + text + '\n',
                  ['> echo ' + text, text, '> '])


KEYS_IN_FLIGHT = 8  # what QEMU's 16-byte PS/2 buffer holds


def burst_words():
    return ['{}{}'.format(i, 'abcdefghijklmnopqrstuvwxyz0123456789abcdefgh'[i:i + 34])
            for i in range(5)]


def send_burst(m, words):
    """Type `echo WORD` lines as fast as the PS/2 device takes them: each key
    is sent as soon as the kernel has echoed on COM1 the key sent
    KEYS_IN_FLIGHT keys before it. Returns the number of keys."""
    start = len(m.serial_log())
    keys, echoed = [], []  # echoed[i]: COM1 bytes once key i is handled
    for w in words:
        line = 'echo ' + w
        for i, ch in enumerate(line):
            keys.append(ch)
            echoed.append((echoed[-1] if echoed else 0) + 1)
        keys.append('\n')
        echoed.append(echoed[-1] + len('\r\n' + w + '\r\n> '))
    for i, ch in enumerate(keys):
        if i >= KEYS_IN_FLIGHT:
            need = start + echoed[i - KEYS_IN_FLIGHT]
            m.wait_until(lambda m: len(m.serial_log()) >= need, 15,
                         'the echo of key {}'.format(i - KEYS_IN_FLIGHT))
        m.press(qcodes_for(ch))
    return len(keys)


@scenario
def burst(args, cfg, how):
    """205 keys sent as fast as the keyboard takes them (never more than the
    8 its buffer holds ahead of the kernel) all arrive, in order, and the
    kernel's key queue dropped none (it says so on the debug port)."""
    words = burst_words()
    m, row = start_shell(args, cfg)
    with m:
        count = send_burst(m, words)
        assert count >= 200
        expected = []
        for w in words:
            expected += ['> echo ' + w, w]
        expected.append('> ')
        try:
            wait_lines(m, [(line, boot_attr(cfg)) for line in expected],
                       boot_attr(cfg), 20, 'all {} keys'.format(count), first_row=row)
        finally:
            shoot(m, args, 'burst')
            if 'dropped' in m.debug_log():
                raise MachineError('the kernel dropped keys:\n' + m.debug_log())


def register_rows(bits, ip=None):
    """The rows of a CPU exception report after its title, as patterns, for
    an image of bits 32 or 64 (ip: a pattern for EIP or RIP): the 32-bit
    frame in three rows, the 64-bit one (16 registers, CR2 for a page
    fault) in seven, three registers a row. A page fault's CR2 ends the
    first row (on i686 only with -Dguard-pages, which turns paging on)."""
    if bits == 32:
        h = r'[0-9a-f]{8}'
        return [r'EIP={} CS=0008 EFLAGS={}(?: CR2={})?'.format(ip or h, h, h),
                r'EAX={0} EBX={0} ECX={0} EDX={0}'.format(h),
                r'ESI={0} EDI={0} EBP={0} ESP={0}'.format(h)]
    h = r'[0-9a-f]{16}'
    names = ['RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP', 'RSP', 'R8 ', 'R9 ',
             'R10', 'R11', 'R12', 'R13', 'R14', 'R15']
    return [r'RIP={} CS=0008 RFLAGS=[0-9a-f]{{8}}(?: CR2={})?'.format(ip or h, h)] + [
        ' '.join('{}={}'.format(n, h) for n in names[i:i + 3])
        for i in range(0, 16, 3)]


def report_lines(vector, bits, ip=None, after_title=()):
    """The panic screen's rows for a report of CPU exception vector (ip a
    pattern for the instruction pointer; after_title: the texts of rows
    between the title and the registers), as wait_lines takes them."""
    head = re.compile(r' CPU exception {}: {}, (no error code|error code '
                      r'0x[0-9a-f]+)'.format(vector, re.escape(EXCEPTIONS[vector])))
    return panic_rows(
        [head] + [' ' + row for row in after_title] +
        [re.compile(' ' + row) for row in register_rows(bits, ip)],
        re.compile(r' at src/arch/x86/\w+/fault\.c:\d+'))


# The line an NMI gets; port 0x61's bit 4 (the refresh clock) toggles.
NMI_LINE = re.compile(r'NMI received: unknown reason \(port 0x61 = [0-9a-f]{2}\); going on')


def fault_scenario(args, cfg, vectors):
    """`fault N` shows the panic report naming vector N and its exception,
    with the registers, and the machine halts instead of rebooting. Vector
    2 is the NMI's: `int 2` runs the NMI handler, which reports an NMI of
    unknown reason on one line, and the shell goes on."""
    for n in vectors:
        m, row = start_shell(args, cfg)
        with m:
            m.send_keys('fault {}\n'.format(n))
            if n == 2:
                try:
                    wait_lines(m, [(t, boot_attr(cfg)) for t in
                                   ('> fault 2', 'fault 2 returned', NMI_LINE, '> ')],
                               boot_attr(cfg), 15, 'the NMI line', first_row=row)
                finally:
                    shoot(m, args, 'fault-2')
                continue
            try:
                wait_lines(m, report_lines(n, args.bits), PANIC_ATTR, 15,
                           'the report of exception {}'.format(n))
                expect_serial_mirror(m)
            finally:
                shoot(m, args, 'fault-{}'.format(n))
            try:
                assert_halted(m, timeout=5)
            except MachineError:
                if m.proc.poll() is not None:
                    raise MachineError('fault {}: QEMU exited (reset)'.format(n))
                raise
            # With paging (x86_64), fault 14 reads an address never mapped:
            # a real page fault, whose CR2 is that address.
            if n == 14 and args.bits == 64 and 'CR2=ffff800000000000' not in m.debug_log():
                raise MachineError('fault 14: no CR2=ffff800000000000 in the report:\n'
                                   + m.debug_log())


@scenario
def fault_report(args, cfg, how):
    """A real CPU exception (ud2 in the test kernel) is reported with EIP at
    the faulting instruction: on the debug port, and on the screen, as the
    panic screen with the console or as one line on red without it (the
    only report a keyboard-only kernel can show); then the CPU halts."""
    ip = '{:0{}x}'.format(elf_symbol(args.ktest, 'ktest_ud2'), args.bits // 4)
    sep = r'(?:\n |; )'  # the console's screen breaks the report into lines
    report = re.compile(
        r'PANIC: (CPU exception 6: invalid opcode, no error code' + sep +
        sep.join(register_rows(args.bits, ip)) +
        r') \(at src/arch/x86/\w+/fault\.c:\d+\)\n')
    with Machine(args.ktest, memory=MEMORY, cmdline='fault') as m:
        expect_panic(m, args, cfg, report, lambda _: report_lines(6, args.bits, ip),
                     'fault-report')


for _first in range(0, 32, 8):
    SCENARIOS['faults-{}-{}'.format(_first, _first + 7)] = (
        lambda first: lambda args, cfg, how: fault_scenario(
            args, cfg, range(first, first + 8)))(_first)


# A machine check as QEMU's monitor raises one: CPU 0, bank 3, MCi_STATUS
# valid and uncorrected with an enabled report, processor context corrupt,
# with a valid address and misc (0xbe...), MCG_STATUS RIPV and MCIP (5).
# With CR4.MCE clear, QEMU resets the machine ("MCE capability is not
# enabled, raising triple fault"), as a real CPU shuts down. The report
# must give back what the injection put in the machine's MSRs.
MCE_BANK, MCE_STATUS, MCE_MCG_STATUS, MCE_ADDR, MCE_MISC = (
    3, 0xbe00000000000000, 0x5, 0x12345000, 0x8c)
MCE_INJECTION = 'mce 0 {} {:#x} {:#x} {:#x} {:#x}'.format(
    MCE_BANK, MCE_STATUS, MCE_MCG_STATUS, MCE_ADDR, MCE_MISC)
MCE_LINES = ['MCG_STATUS={:016x}, 1 bank holds an error'.format(MCE_MCG_STATUS),
             'bank {}: status {:016x} addr {:016x} misc {:016x}'.format(
                 MCE_BANK, MCE_STATUS, MCE_ADDR, MCE_MISC)]
CR4_MCE = 1 << 6
# A CPU without the machine-check exception, for each width: the 486 (CPUID
# without MCE; a 386 would have no CPUID at all, which QEMU does not offer),
# and a 64-bit CPU with MCE taken away.
CPU_WITHOUT_MCE = {32: '486', 64: 'qemu64,mce=off'}


def cr4(m):
    """CR4 of the machine's CPU, from the monitor's `info registers`."""
    regs = m.hmp('info registers')
    found = re.search(r'CR4=([0-9a-f]+)', regs)
    if not found:
        raise MachineError('no CR4 in `info registers`:\n' + regs[:400])
    return int(found.group(1), 16)


@scenario
def machine_check(args, cfg, how):
    """A machine check while the kernel waits for keys is reported as CPU
    exception 18 (the kernel set CR4.MCE, the CPU listing MCE), the panic
    screen or the red line, not a silent reset: QEMU with -no-reboot would
    exit. The report gives MCG_STATUS and the bank that holds the error,
    with its status, address and misc, as the injection set them (`fault
    18`, a plain `int 18`, has no such lines: faults-16-23). Then the CPU
    halts. On -cpu max, which has MCE and MCA. On a CPU
    without MCE (a 486; on x86_64 qemu64 with mce=off) the kernel leaves
    CR4.MCE clear (on a 386 it may not touch CR4 at all) and runs as
    always: keys work."""
    h = r'[0-9a-f]+'
    sep = r'(?:\n |; )'  # the console's screen breaks the report into lines
    report = re.compile(
        r'PANIC: (CPU exception 18: machine check, no error code' + sep +
        sep.join([re.escape(line) for line in MCE_LINES] + register_rows(args.bits, h)) +
        r') \(at src/arch/x86/\w+/fault\.c:\d+\)\n')
    with Machine(args.elf, memory=MEMORY, extra=['-cpu', 'max']) as m:
        wait_main_loop(m)
        before = cr4(m)
        said = m.hmp(MCE_INJECTION)
        if 'triple fault' in said or 'disabled' in said or not before & CR4_MCE:
            raise MachineError('-cpu max: CR4={:#x} in the main loop, CR4.MCE {}; the '
                               'monitor\'s mce said {!r}; debug port:\n{}'.format(
                                   before, 'set' if before & CR4_MCE else 'clear',
                                   said.strip(), m.debug_log()))
        expect_panic(m, args, cfg, report,
                     lambda _: report_lines(18, args.bits, after_title=MCE_LINES),
                     'machine-check')
    cpu = CPU_WITHOUT_MCE[args.bits]
    with Machine(args.elf, memory=MEMORY, extra=['-cpu', cpu]) as m:
        try:
            wait_main_loop(m)
            if cr4(m) & CR4_MCE:
                raise MachineError('-cpu {}, without MCE: CR4.MCE set (CR4={:#x})'
                                   .format(cpu, cr4(m)))
            typed_ok(m, cfg, 'on -cpu ' + cpu)
        finally:
            shoot(m, args, 'machine-check-no-mce')


@scenario
def key_queue(args, cfg, how):
    """Keys typed while nothing reads the key queue (the test kernel's
    key-queue scenario): the first 64 events, 32 keys, stay queued intact
    and in order; the other 16 are dropped, counted, and each said on the
    debug port."""
    typed = 'abcdefghijklmnopqrstuvwxyz0123456789abcd'  # 40 keys, 80 events
    want = 'ktest: queued 64 events, typing "{}"; dropped 16\n'.format(typed[:32])
    with Machine(args.ktest, memory=MEMORY, cmdline='key-queue') as m:
        m.wait_until(lambda m: 'ktest: not reading keys' in m.debug_log(), 15,
                     'the test kernel to stop reading keys')
        m.send_keys(typed)
        m.wait_until(lambda m: 'ktest: queued' in m.debug_log(), 15, 'the queue report')
        log = m.debug_log()
        drops = log.count('kbd: key queue full, key event dropped\n')
        if want not in log or drops != 16:
            raise MachineError('want {!r} and 16 drop lines, got {} drop lines in:\n{}'
                               .format(want, drops, log))
        assert_halted(m)


@scenario
def unknown(args, cfg, how):
    """A command the shell does not know gets a clear message."""
    shell_session(args, cfg, 'unknown', 'frobnicate now\n',
                  ['> frobnicate now', 'unknown command: frobnicate (type help)', '> '])


@scenario
def help(args, cfg, how):
    """help lists the built-in commands and those of the enabled gates (mem
    only with the heap; smash only with the stack protector; ubsan only with
    UBSan; overflow, poke-text and null only with guard pages), and says how long
    a line may be."""
    commands = [('help', '', 'list the commands'), ('clear', '', 'clear the screen'),
                ('echo', 'TEXT', 'print TEXT'),
                ('color', 'FG BG', 'set the text colours and clear'),
                ('fault', 'N', 'raise CPU exception N (0-31)'),
                ('reboot', '', 'reset the machine'), ('halt', '', 'stop the CPU')]
    if cfg['CONFIG_HEAP']:
        commands.append(('mem', '', "show the heap's figures"))
    if cfg['CONFIG_STACK_PROTECTOR']:
        commands.append(('smash', '', 'overflow a stack buffer (stack protector)'))
    if cfg['CONFIG_UBSAN']:
        commands.append(('ubsan', 'CHECK',
                         'trip a UBSan check: overflow, bounds, shift, misaligned'))
    if cfg.get('CONFIG_GUARD_PAGES'):  # registered by the shell, after the built-ins
        commands += [('overflow', '', 'overflow the kernel stack (guard page)'),
                     ('poke-text', '', 'write to kernel text (read-only)'),
                     ('null', '', 'read through a null pointer (page 0)')]
    shell_session(args, cfg, 'help', 'help\n', ['> help'] + [
        '  {:<6} {:<8} {}'.format(*c) for c in commands] + [
        'a line holds 76 characters; keys also come from COM1', '> '])


@scenario
def mem(args, cfg, how):
    """mem prints the heap's figures: nothing allocated yet. From the ISO,
    GRUB's data sit below the image and the heap is one region: "1
    region", not "1 regions"."""
    shell_session(args, cfg, 'mem-' + how, 'mem\n', [
        '> mem', re.compile(r'heap: 3[01]\d{3} KiB in ' +
                            (r'1 region' if how == 'iso' else REGIONS)),
        re.compile(r'  used 0 B, free \d+ B, largest free block \d+ B'),
        '  live allocations 0', '> '], how)


def cleared_session(args, cfg, name, typed, attr):
    """Type typed at the prompt; every cell must then be blank in attr but
    the prompt's at the top left, with the cursor right after it."""
    m, row = start_shell(args, cfg)
    with m:
        m.send_keys(typed)
        try:
            wait_lines(m, [('> ', attr)], attr, 15,
                       'a blank screen in {:#04x} with the prompt on top'.format(attr))
        finally:
            shoot(m, args, name)
        expect_cursor(m, 2)


@scenario
def color(args, cfg, how):
    """color yellow blue clears the screen in yellow on blue."""
    cleared_session(args, cfg, 'color', 'color yellow blue\n', 0x1E)


@scenario
def clear(args, cfg, how):
    """clear blanks the screen, banner and earlier output included, in the
    boot colours: only the prompt is left."""
    cleared_session(args, cfg, 'clear', 'echo one\nclear\n', boot_attr(cfg))


@scenario
def halt(args, cfg, how):
    """halt prints "halted" and stops the CPU with interrupts off. A key
    typed then reaches the PIC (IRQ 1 waits in the master's request
    register) but the CPU never takes it: the screen stays as it was."""
    m, row = start_shell(args, cfg)
    with m:
        m.send_keys('halt\n')
        try:
            wait_lines(m, [(text, boot_attr(cfg)) for text in ('> halt', 'halted')],
                       boot_attr(cfg), 15, '"halted" and no new prompt', first_row=row)
            assert_halted(m, timeout=5)
            before = m.cells()
            m.send_keys('x')
            m.wait_until(lambda m: pic_state(m)['pic0']['irr'] & 0x02, 5,
                         'IRQ 1 requested at the master')
            if m.cells() != before:
                raise MachineError('a key typed after halt changed the screen:\n'
                                   + m.screen_text())
            assert_halted(m)
        finally:
            shoot(m, args, 'halt')


@scenario
def pic_masks(args, cfg, how):
    """Once the kernel waits for keys, the PICs (read with `info pic`) have
    IRQ 0-15 on vectors 0x20-0x2F and every line masked but the keyboard's
    IRQ 1 and, with the shell, COM1's IRQ 4. No slave line is used, so the
    cascade (IRQ 2), which pic_unmask opens only for lines 8-15, stays
    masked too."""
    with Machine(args.elf, memory=MEMORY) as m:
        m.wait_until(lambda m: 'sluice: waiting for keys\n' in m.debug_log(), 15,
                     'the main loop')
        master = 0xED if cfg['CONFIG_SHELL'] else 0xFD
        want = {'pic0': {'imr': master, 'irq_base': 0x20},
                'pic1': {'imr': 0xFF, 'irq_base': 0x28}}
        pics = pic_state(m)
        got = {chip: {k: pics[chip][k] for k in fields} for chip, fields in want.items()}
        if got != want:
            raise MachineError('PIC state {}, want {}'.format(got, want))


@scenario
def reboot(args, cfg, how):
    """reboot resets the machine (QEMU, run with -no-reboot, exits)."""
    m, row = start_shell(args, cfg)
    with m:
        m.send_keys('reboot\n')
        if m.wait_exit(10) is None:
            raise MachineError('still running 10 s after reboot:\n' + m.screen_text())


@scenario
def paint_keys(args, cfg, how):
    """Without the console, a hex digit paints the screen in that VGA colour
    and any other key in the next one."""
    fg = cfg['CONFIG_FOREGROUND']
    with Machine(args.elf, memory=MEMORY) as m:
        wait_screen(m, painted('', boot_attr(cfg)), 'kernel', 'the boot colour')
        m.wait_until(lambda m: 'sluice: waiting for keys\n' in m.debug_log(), 15,
                     'the main loop (keys sent earlier are flushed by kbd_init)')
        for key, color in (('1', 1), ('e', 14), (' ', 15), ('0', 0), ('x', 1)):
            m.send_keys(key)
            try:
                wait_screen(m, painted('', color << 4 | fg), 'kernel',
                            'colour {} after {!r}'.format(color, key))
            finally:
                shoot(m, args, 'paint-keys')


def heap_misuse(args, cfg, what, pattern):
    """A heap misuse in the test kernel ends in the named panic, on the debug
    port and on the screen, and the machine halts."""
    with Machine(args.ktest, memory=MEMORY, cmdline=what) as m:
        report = re.compile(r'PANIC: (' + pattern + r') \(at src/heap/pool\.c:\d+\)\n')
        message = expect_panic(
            m, args, cfg, report,
            lambda match: panic_rows([' ' + match.group(1)],
                                     re.compile(r' at src/heap/pool\.c:\d+')),
            'heap-' + what).group(1)
    address = int(re.search(r'0x([0-9a-f]+)', message).group(1), 16)
    if address < 0x100000:
        raise MachineError('{}: {:#x} is not a heap address'.format(message, address))


MB_INFO_MEMORY, MB_INFO_MMAP = 1 << 0, 1 << 6


def boot_patched(image, patch=None, ports=(), extra=(), cmdline=None):
    """Start image, stop at _start and let patch(stub, info) change what the
    loader handed over (info: the Multiboot info's address, from EBX; EAX
    holds the magic) and write ports, (port, byte) pairs in
    order, as firmware would have left the devices; then let it run on.
    Returns the started machine."""
    m = Machine(image, memory=MEMORY, gdb=True, extra=extra, cmdline=cmdline).start()
    stub = GdbStub(m.gdb_port, image)
    stub.run_to(elf_symbol(image, '_start'))
    if patch:
        patch(stub, stub.register('ebx'))
    for port, value in ports:
        m.port_out(port, value)
    stub.detach()
    return m


def boot_with_flags_cleared(args, clear):
    """Boot the kernel with bits of the Multiboot info flags cleared, as a
    loader that gives less would."""
    def patch(stub, info):
        flags = int.from_bytes(stub.read_memory(info, 4), 'little')
        stub.write_memory(info, (flags & ~clear).to_bytes(4, 'little'))
    return boot_patched(args.elf, patch)


@scenario
def heap_no_map(args, cfg, how):
    """Without a memory map the heap falls back to mem_upper: the banner
    shows a heap of all of RAM from 1 MiB up but the image and the loader's
    data, and nothing panics."""
    with boot_with_flags_cleared(args, MB_INFO_MMAP) as m:
        if cfg['CONFIG_COLOR_CONSOLE']:
            lines = boot_lines(cfg)
            try:
                wait_lines(m, lines, boot_attr(cfg), 15, 'the banner from mem_upper')
            finally:
                shoot(m, args, 'heap-no-map')
        else:
            wait_screen(m, painted('', boot_attr(cfg)), 'kernel', 'the boot colour')
            time.sleep(0.5)
            assert_no_panic(m)


@scenario
def heap_no_memory(args, cfg, how):
    """With neither a memory map nor mem_upper the heap refuses clearly."""
    message = 'heap: the boot loader gave no memory map and no mem_upper'
    with boot_with_flags_cleared(args, MB_INFO_MMAP | MB_INFO_MEMORY) as m:
        report = re.compile(r'PANIC: ' + re.escape(message) +
                            r' \(at src/heap/heap\.c:\d+\)\n')
        expect_panic(m, args, cfg, report,
                     lambda _: panic_rows([' ' + message],
                                          re.compile(r' at src/heap/heap\.c:\d+')),
                     'heap-no-memory')


def ktest_heap_kib(args, entry=None):
    """Run the test kernel's suites, after rewriting the first entry of the
    loader's memory map (QEMU's RAM below 640 KiB, which the heap never
    uses) as entry, (addr, len, type), through the gdb stub. Returns the
    KiB its heap managed; every in-kernel test must pass."""
    def patch(stub, info):
        if entry:
            mmap_addr = int.from_bytes(stub.read_memory(info + 48, 4), 'little')
            stub.write_memory(mmap_addr + 4, struct.pack('<QQI', *entry))  # after size
    with boot_patched(args.ktest, patch) as m:
        status = m.wait_exit(60)
        log = m.debug_log()
    managed = re.search(r'heap: (\d+) KiB managed', log)
    if status != KTEST_SUCCESS or 'not ok' in log or not managed:
        raise MachineError('test kernel with map entry {}: exit {}:\n{}'.format(
            entry, status, log))
    return int(managed.group(1))


@scenario
def heap_map(args, cfg, how):
    """The heap takes the memory map at its most cautious: an available
    entry that repeats RAM already listed adds nothing, and a reserved entry
    inside available RAM keeps those 4 MiB out of the heap."""
    at_16m, four_mib = 16 << 20, 4 << 20
    plain = ktest_heap_kib(args)
    repeated = ktest_heap_kib(args, (at_16m, four_mib, 1))
    holed = ktest_heap_kib(args, (at_16m, four_mib, 2))
    # Splitting RAM into one more region costs a few headers and the move
    # of its first block up to a 2 KiB boundary (where the heap looks for
    # small-object spans): up to 3 KiB, as the figure is rounded.
    if not 0 <= plain - repeated <= 1 or not 4096 <= plain - holed <= 4099:
        raise MachineError('heap KiB: {} from the plain map, {} with 16-20 MiB listed '
                           'twice (want the same, give or take 1), {} with 16-20 MiB '
                           'reserved (want 4 MiB less, give or take 3)'.format(plain, repeated, holed))


@scenario
def heap_double_free(args, cfg, how):
    """kfree of a block already freed panics, naming it."""
    heap_misuse(args, cfg, 'double-free', r'heap: double free of 0x[0-9a-f]+')


@scenario
def heap_overflow(args, cfg, how):
    """A write past a block's end that damages the next header panics when
    the block is freed, naming the damaged header and the culprit."""
    heap_misuse(args, cfg, 'overflow', r'heap: corrupted block header at 0x[0-9a-f]+ '
                r'\(overflow from the block at 0x[0-9a-f]+\?\)')


# -- firmware states and odd machines ---------------------------------------

NO_CONTROLLER = 'no PS/2 controller: keyboard off'
I8042_DATA, I8042_COMMAND = 0x60, 0x64


def expect_notice(m, args, cfg, notice, shot, extra_lines=()):
    """After boot the keyboard gate's one-line notice is on the debug port
    and on the screen: above the prompt with the console, on the top row of
    the painted screen without it."""
    m.wait_until(lambda m: notice + '\n' in m.debug_log(), 15,
                 '{!r} on the debug port'.format(notice))
    try:
        if cfg['CONFIG_COLOR_CONSOLE']:
            wait_lines(m, boot_lines(cfg, notices=[notice]), boot_attr(cfg), 15,
                       'the notice above the prompt')
        else:
            wait_screen(m, painted(notice, boot_attr(cfg)), 'kernel',
                        'the notice on the top row')
    finally:
        shoot(m, args, shot)


@scenario
def no_controller(args, cfg, how):
    """A PC without an 8042 (QEMU's pc and q35 with i8042=off: the status port
    reads 0xFF) boots to the main loop: one line says the keyboard is off,
    on the screen and the debug port, and the kernel goes on (an NMI is
    still reported there) instead of waiting forever."""
    for machine in ('pc', 'q35'):
        with Machine(args.elf, memory=MEMORY,
                     extra=['-machine', machine + ',i8042=off']) as m:
            expect_notice(m, args, cfg, NO_CONTROLLER, 'no-controller-' + machine)
            wait_main_loop(m)
            m.qmp('inject-nmi')
            m.wait_until(lambda m: NMI_LINE.search(m.debug_log()), 15,
                         'the NMI reported by the main loop')


@scenario
def reboot_fallback(args, cfg, how):
    """The reboot path (the test kernel's `reboot`, the shell's own) resets
    the machine whatever it lacks: through the 8042 on a PC, through the
    chipset's port 0xCF9 without an 8042, by a triple fault on an ISA PC
    without either. Each way that fails says so on the debug port."""
    lines = ['reboot: no PS/2 controller to pulse the reset line',
             'reboot: trying the reset control register (port 0xCF9)',
             'reboot: trying a triple fault']
    # The ISA PC's own CPU has no long mode: the x86_64 kernel gets a 64-bit one.
    cpu = [] if args.bits == 32 else ['-cpu', 'qemu64']
    for machine, said in (('pc', 0), ('pc,i8042=off', 2), ('isapc,i8042=off', 3)):
        with Machine(args.ktest, memory=MEMORY, cmdline='reboot',
                     extra=['-machine', machine] + cpu) as m:
            status = m.wait_exit(15)
            log = m.debug_log()
        got = [line for line in lines if line + '\n' in log]
        if status is None or got != lines[:said]:
            raise MachineError('-machine {}: want a reset after {}, got {} after:\n{}'.format(
                machine, lines[:said], 'a reset' if status is not None else 'no reset', log))


def typed_ok(m, cfg, what):
    """The keyboard works: at the shell, `echo ok` and Enter leave its echo,
    "ok" and a new prompt as the screen's last lines; without the console,
    keys 1 and e paint the screen blue, then yellow."""
    if not cfg['CONFIG_COLOR_CONSOLE']:
        for key, color in (('1', 1), ('e', 14)):
            m.send_keys(key)
            wait_screen(m, painted('', color << 4 | cfg['CONFIG_FOREGROUND']), 'kernel',
                        'key {} painting colour {} {}'.format(key, color, what))
        return
    m.send_keys('echo ok\n')
    m.wait_until(lambda m: m.screen_text().endswith('> echo ok\nok\n>'), 15,
                 '`echo ok` answered ' + what)


def wait_main_loop(m):
    m.wait_until(lambda m: 'sluice: waiting for keys\n' in m.debug_log(), 15,
                 'the main loop')


@scenario
def firmware_keys(args, cfg, how):
    """Keys pressed while SeaBIOS starts make it give up on the keyboard
    ("Timeout at i8042_flush" on its debug port, 0x402) and leave the 8042
    without translation; the kernel sets the controller up itself, so typing
    works. The state is checked on SeaBIOS's log, and made again (up to 5
    boots) when the keys came too late to reach it."""
    fw_log = os.path.join(tempfile.mkdtemp(prefix='sluice-seabios-'), 'seabios.log')
    for attempt in range(5):
        with Machine(args.elf, memory=MEMORY, extra=[
                '-chardev', 'file,id=seabios,path=' + fw_log,
                '-device', 'isa-debugcon,iobase=0x402,chardev=seabios']) as m:
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and not ('i8042_flush' in read_log(fw_log) or
                                                       'PS2 keyboard' in read_log(fw_log)):
                m.press(qcodes_for('a'))
                time.sleep(0.005)
            if 'Timeout at i8042_flush' not in read_log(fw_log):
                os.remove(fw_log)
                continue
            wait_main_loop(m)
            time.sleep(0.3)  # the last 'a's land at the prompt
            if cfg['CONFIG_COLOR_CONSOLE']:
                m.press(['ctrl', 'c'])  # drops them
            try:
                typed_ok(m, cfg, 'after SeaBIOS gave up on the keyboard')
            finally:
                shoot(m, args, 'firmware-keys')
                shutil.rmtree(os.path.dirname(fw_log))
            return
    raise MachineError('SeaBIOS never timed out in i8042_flush in 5 boots')


def shell_after_ports(args, cfg, ports, shot, then=None):
    """Boot with the 8042 programmed by ports at _start (as firmware may leave
    it), optionally do then(m) at the prompt, and type `echo ok`."""
    with boot_patched(args.elf, ports=ports) as m:
        wait_main_loop(m)
        if then:
            then(m)
        try:
            typed_ok(m, cfg, 'with the 8042 as ' + shot + ' left it')
        finally:
            shoot(m, args, shot)


@scenario
def no_translation(args, cfg, how):
    """Firmware that turned the 8042's translation off (configuration byte
    0x05: keyboard interrupt, system flag, no translation) leaves raw set 2
    codes; the kernel turns translation on, so `echo ok` types as it
    should (instead of "jjff,,``")."""
    shell_after_ports(args, cfg, [(I8042_COMMAND, 0x60), (I8042_DATA, 0x05)],
                      'no-translation')


@scenario
def mouse_enabled(args, cfg, how):
    """Firmware that left the mouse port enabled and reporting (aux port on,
    the mouse told to report, IRQ 12 enabled in the configuration byte):
    the kernel turns the aux port off, so moving the mouse cannot fill the
    controller's one output buffer, and keys still arrive."""
    def move_mouse(m):
        for _ in range(20):
            m.qmp('input-send-event', events=[
                {'type': 'rel', 'data': {'axis': 'x', 'value': 7}},
                {'type': 'rel', 'data': {'axis': 'y', 'value': -3}}])
            time.sleep(0.01)
    shell_after_ports(args, cfg, [(I8042_COMMAND, 0xA8), (I8042_COMMAND, 0xD4),
                                  (I8042_DATA, 0xF4), (I8042_COMMAND, 0x60),
                                  (I8042_DATA, 0x47)], 'mouse-enabled', move_mouse)


@scenario
def nmi_prompt(args, cfg, how):
    """An NMI while the kernel waits for keys is reported on one line (the
    reason from port 0x61) and the kernel goes on: at an empty prompt the
    line takes the prompt's place; with a half-typed line, the line and
    what was typed come back below it and typing continues. Without the
    console the line is on the screen's top row and keys still paint."""
    if not cfg['CONFIG_COLOR_CONSOLE']:
        with Machine(args.elf, memory=MEMORY) as m:
            wait_main_loop(m)
            m.qmp('inject-nmi')
            m.wait_until(lambda m: NMI_LINE.search(m.debug_log()), 15, 'the NMI line')
            line = NMI_LINE.search(m.debug_log()).group(0)
            wait_screen(m, painted(line, boot_attr(cfg)), 'kernel', 'the NMI line on top')
            m.send_keys('1')
            wait_screen(m, painted('', 1 << 4 | cfg['CONFIG_FOREGROUND']), 'kernel',
                        'key 1 painting the screen blue after the NMI')
        return
    m, row = start_shell(args, cfg)
    with m:
        attr = boot_attr(cfg)
        m.qmp('inject-nmi')
        wait_lines(m, [(NMI_LINE, attr), ('> ', attr)], attr, 15, 'the NMI line',
                   first_row=row)
        m.send_keys('ec')
        wait_lines(m, [(NMI_LINE, attr), ('> ec', attr)], attr, 15, 'the typed keys',
                   first_row=row)
        m.qmp('inject-nmi')
        wait_lines(m, [(NMI_LINE, attr), ('> ec', attr), (NMI_LINE, attr), ('> ec', attr)],
                   attr, 15, 'the NMI line, then the half-typed line again', first_row=row)
        m.send_keys('ho ok\n')
        try:
            wait_lines(m, [(t, attr) for t in
                           (NMI_LINE, '> ec', NMI_LINE, '> echo ok', 'ok', '> ')],
                       attr, 15, 'the line finished and run', first_row=row)
        finally:
            shoot(m, args, 'nmi-prompt')
        if m.debug_log().count('NMI received') != 2:
            raise MachineError('want 2 NMI lines on the debug port:\n' + m.debug_log())


def nmis_leave_report(m, args, shot):
    """The CPU is halted after a panic: NMIs wake it, and the report on the
    screen and the debug port stays as it was, the CPU halted again."""
    assert_halted(m, timeout=5)
    before, log = m.cells(), m.debug_log()
    for _ in range(3):
        m.qmp('inject-nmi')
        time.sleep(0.05)
    time.sleep(0.2)
    try:
        if m.cells() != before:
            raise MachineError('an NMI after the panic changed the screen:\n' +
                               m.screen_text())
    finally:
        shoot(m, args, shot)
    assert_halted(m, timeout=5)
    if m.debug_log() != log:
        raise MachineError('an NMI after the panic wrote to the debug port:\n' +
                           m.debug_log()[len(log):])


@scenario
def nmi_after_panic(args, cfg, how):
    """NMIs after a panic leave its report untouched and the CPU halted: after
    `fault 0` and after `fault 8` (the double fault, reported from its own
    task) at the shell, or after the test kernel's ud2 without the
    console."""
    if not cfg['CONFIG_COLOR_CONSOLE']:
        with Machine(args.ktest, memory=MEMORY, cmdline='fault') as m:
            m.wait_until(lambda m: 'PANIC: CPU exception 6' in m.debug_log(), 15,
                         'the report of the ud2')
            nmis_leave_report(m, args, 'nmi-after-panic')
        return
    for vector in (0, 8):
        m, row = start_shell(args, cfg)
        with m:
            m.send_keys('fault {}\n'.format(vector))
            wait_lines(m, report_lines(vector, args.bits), PANIC_ATTR, 15,
                       'the report of exception {}'.format(vector))
            nmis_leave_report(m, args, 'nmi-after-fault-{}'.format(vector))


@scenario
def nested_panic(args, cfg, how):
    """A panic while a panic is being made (the test kernel's: a data
    breakpoint under the first message's argument raises a debug exception
    during its formatting) adds one line, at the bottom of the screen and on
    the debug port, and erases nothing: the screen above is as the boot left
    it. Then the CPU halts, and an NMI changes nothing."""
    report = re.compile(r'PANIC while panicking: CPU exception 1: debug, no error code; '
                        r'[ER]IP=[0-9a-f]+ .* \(at src/arch/x86/\w+/fault\.c:\d+\)\n')
    with Machine(args.ktest, memory=MEMORY, cmdline='nested-panic') as m:
        m.wait_until(lambda m: report.search(m.debug_log()), 15,
                     'the nested panic on the debug port')
        line = report.search(m.debug_log()).group(0).rstrip('\n')
        if cfg['CONFIG_COLOR_CONSOLE']:
            lines = boot_lines(cfg)[:-1]  # the test kernel runs no shell
        else:
            lines = []
        lines += [('', 0)] * (ROWS - 1 - len(lines)) + [(line[:COLS], PANIC_ATTR)]
        try:
            wait_lines(m, lines, boot_attr(cfg), 15,
                       'the boot screen with the nested panic on the bottom row')
        finally:
            shoot(m, args, 'nested-panic')
        if 'PANIC: ' in m.debug_log():
            raise MachineError('the first panic was reported after all:\n' + m.debug_log())
        nmis_leave_report(m, args, 'nested-panic')


MB_MMAP_AT = 0x20000  # free conventional memory for a long map


def boot_with_map(image, entries, cmdline=None):
    """Boot image with the loader's memory map replaced by entries, (addr,
    len, type) each, written to MB_MMAP_AT through the gdb stub."""
    def patch(stub, info):
        data = b''.join(struct.pack('<IQQI', 20, *e) for e in entries)
        stub.write_memory(MB_MMAP_AT, data)
        stub.write_memory(info + 44, struct.pack('<II', len(data), MB_MMAP_AT))
    return boot_patched(image, patch, cmdline=cmdline)


# QEMU's map for 32 MiB below 1 MiB and the top 128 KiB it keeps for itself.
LOW_MAP = [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2)]
RAM_END = (32 << 20) - (128 << 10)


def striped_map(start, pairs, available, reserved):
    """LOW_MAP, then pairs of (available, reserved) entries of those sizes
    from start, then the rest of RAM available."""
    entries, at = list(LOW_MAP), start
    if start > 0x100000:
        entries.append((0x100000, start - 0x100000, 1))
    for _ in range(pairs):
        entries += [(at, available, 1), (at + available, reserved, 2)]
        at += available + reserved
    return entries + [(at, RAM_END - at, 1)]


@scenario
def heap_long_map(args, cfg, how):
    """A memory map of 100 entries (GRUB and some firmware give long ones),
    48 of them reserved holes between available stripes (each stripe 8 of
    the in-kernel test's 64 KiB chunks and room for their headers): the test
    kernel boots, and its heap manages exactly the RAM the map calls
    usable."""
    entries = striped_map(0x100000, 48, 520 << 10, 56 << 10)
    assert len(entries) == 100
    with boot_with_map(args.ktest, entries) as m:
        status = m.wait_exit(60)
        log = m.debug_log()
    if status != KTEST_SUCCESS or 'not ok' in log or 'left out' in log:
        raise MachineError('test kernel on a 100-entry map: exit {}:\n{}'.format(status, log))


@scenario
def heap_bad_map(args, cfg, how):
    """A memory map entry whose size field is wrong (here 0xFFFFFFF0: the
    next entry would lie past the map, and a 32-bit pointer would wrap round
    to below it) ends the map there, with a line on the debug port and, with
    the console, on screen. As the map's last entry (the BIOS ROM's, reserved)
    it changes nothing; as its first it leaves no RAM, so the heap takes RAM
    from mem_upper, as without a map. Either way the banner is the usual one
    and the kernel goes on."""
    for last, rest in ((True, 'the map ends there'), (False, 'RAM from mem_upper')):
        found = []

        def patch(stub, info):
            length, addr = struct.unpack('<II', stub.read_memory(info + 44, 8))
            entries, at = [], addr
            while at < addr + length:
                entries.append(at)
                at += 4 + struct.unpack('<I', stub.read_memory(at, 4))[0]
            found.append(len(entries) if last else 1)
            stub.write_memory(entries[-1 if last else 0], struct.pack('<I', 0xFFFFFFF0))
        with boot_patched(args.elf, patch) as m:
            notice = 'heap: memory map entry {} malformed (size 4294967280): {}'.format(
                found[0], rest)
            try:
                if cfg['CONFIG_COLOR_CONSOLE']:
                    lines = boot_lines(cfg)
                    lines.insert(3, (notice, boot_attr(cfg)))
                    wait_lines(m, lines, boot_attr(cfg), 15, 'the banner with the notice')
                m.wait_until(lambda m: notice + '\n' in m.debug_log(), 15, 'the notice')
                if cfg['CONFIG_KEYBOARD']:
                    wait_main_loop(m)
                    typed_ok(m, cfg, 'after the malformed map')
            finally:
                shoot(m, args, 'heap-bad-map-' + ('last' if last else 'first'))
            assert_no_panic(m)


LOW_FREE = 0x7000  # conventional memory no loader or BIOS data of QEMU's uses


def vga_framebuffer(m):
    """The physical address and size of the standard VGA's linear framebuffer
    (its PCI BAR 0, where the firmware put it), read from QEMU."""
    for bus in m.qmp('query-pci'):
        for dev in bus['devices']:
            if dev['class_info']['class'] == 0x0300:  # a VGA-compatible display
                bar = next(r for r in dev['regions'] if r.get('bar') == 0)
                return bar['address'], bar['size']
    raise MachineError('no VGA on the PCI bus')


@scenario
def graphics_mode(args, cfg, how):
    """A loader that left the display in a graphics mode says so in
    Multiboot's framebuffer info (flag 12; GRUB on UEFI must). VGA text does
    not show there, so the kernel paints a direct-colour mode in the
    background colour and says so on COM1 and the debug port; a palette
    mode it leaves as it is, and says that; so too a mode whose address is
    the kernel's own image (a loader's mistake), which painting would
    destroy. The mode here lies in the VGA's own memory, 8 MiB into its
    linear framebuffer (clear of the text planes), 40x30 pixels of 32 bits
    with 32 bytes of padding after each row: every pixel holds the colour,
    and the padding and the bytes around it are as they were. The kernel
    goes on."""
    width, height, pitch = 40, 30, 40 * 4 + 32
    rgb = VGA_RGB[args.background]
    pixel = bytes([rgb & 0xFF, rgb >> 8 & 0xFF, rgb >> 16, 0])
    for kind, over_kernel, painted, shot in ((1, False, True, 'rgb'),
                                             (0, False, False, 'indexed'),
                                             (1, True, False, 'over-kernel')):
        where = []

        def patch(stub, info):
            """QEMU's info ends before the framebuffer fields: a copy of
            it with them (GRUB's layout, the colour fields at 112) goes
            to free low memory, and EBX to the copy."""
            if over_kernel:
                addr = elf_symbol(args.elf, 'kernel_image_start')
            else:
                addr = vga_framebuffer(m)[0] + 0x800000
                stub.write_memory(addr - 64, b'\xee' * (pitch * height + 128))
            where.append(addr)
            flags, = struct.unpack('<I', stub.read_memory(info, 4))
            copy = struct.pack('<I', flags | 1 << 12) + stub.read_memory(info + 4, 84)
            copy += struct.pack('<QIIIBBH6BH', addr, pitch, width, height, 32, kind, 0,
                                16, 8, 8, 8, 0, 8, 0)
            stub.write_memory(LOW_FREE, copy)
            stub.set_register('ebx', LOW_FREE)

        m = Machine(args.elf, memory=MEMORY, gdb=True).start()
        with m:
            stub = GdbStub(m.gdb_port, args.elf)
            stub.run_to(elf_symbol(args.elf, '_start'))
            patch(stub, stub.register('ebx'))
            stub.detach()
            line = 'display: a {}x{} graphics mode (32 bits per pixel at {:#x}), {}: VGA ' \
                   'text does not show in it; the console\'s text is on COM1'.format(
                       width, height, where[0],
                       'painted ' + args.background if painted else 'not painted')
            try:
                m.wait_until(lambda m: line + '\n' in m.debug_log(), 15, 'the display line')
                m.wait_until(lambda m: line + '\r\n' in m.serial_log(), 15,
                             'the display line on COM1')
                if cfg['CONFIG_KEYBOARD']:
                    wait_main_loop(m)
                    typed_ok(m, cfg, 'after the graphics mode')
            finally:
                shoot(m, args, 'graphics-mode-' + shot)
            got = m.memory(where[0] - 64, pitch * height + 128) if not over_kernel else b''
            if over_kernel and m.memory(where[0], width * 4) == pixel * width:
                raise MachineError('the kernel\'s image was painted over')
        want = bytearray(b'\xee' * len(got))
        if painted:
            for y in range(height):
                at = 64 + y * pitch
                want[at:at + width * 4] = pixel * width
        if got != bytes(want):
            first = next(i for i in range(len(got)) if got[i] != want[i])
            raise MachineError('{} mode: framebuffer byte {:+d} (row {}) is {:#04x}, want '
                               '{:#04x}'.format(shot, first - 64, (first - 64) // pitch,
                                                got[first], want[first]))
        assert_no_panic(m)


@scenario
def uefi(args, cfg, how):
    """The ISO on UEFI firmware (OVMF, as a PC without BIOS): GRUB's UEFI
    half boots the kernel in the graphics mode the firmware set up, with
    the framebuffer in the Multiboot info; there is no VGA text. The kernel
    paints the whole display in the background colour (QEMU's screendump,
    every pixel) and says so in the console's text on COM1, the banner
    before it, and no error of GRUB's; with the keyboard the shell answers
    on COM1. OVMF's x86_64
    firmware needs qemu-system-x86_64, which runs the i686 image as well."""
    with Machine(args.iso, iso=True, memory='256M', qemu='qemu-system-x86_64',
                 extra=['-bios', args.ovmf]) as m:
        try:
            # The whole line: the debug port takes it a byte at a time.
            whole = re.compile(r'^display: .*\n', re.M)
            m.wait_until(lambda m: whole.search(m.debug_log()), 60, 'the display line')
            line = whole.search(m.debug_log()).group(0).rstrip('\n')
            want = re.compile(r'display: a (\d+)x(\d+) graphics mode \((?:15|16|24|32) bits '
                              r'per pixel at 0x[0-9a-f]+\), painted {}: VGA text does not '
                              r'show in it; the console\'s text is on COM1'.format(
                                  re.escape(args.background)))
            if not want.fullmatch(line):
                raise MachineError('the display line is {!r}'.format(line))
            m.wait_until(lambda m: line + '\r\n' in m.serial_log(), 15,
                         'the display line on COM1')
            before = m.serial_log().split(line)[0]
            if 'sluice 0.1.0\r\n' not in before:
                raise MachineError('COM1 lacks the banner:\n' + m.serial_log())
            if 'error:' in before:  # GRUB's, for a module the ISO lacks, say
                raise MachineError('an error on COM1 before the kernel:\n' + before)
            width, height, pixels = m.screen_pixels()
            mode = tuple(int(n) for n in want.fullmatch(line).groups())
            if (width, height) != mode:
                raise MachineError('the display shows {}x{}, the line says {}x{}'.format(
                    width, height, *mode))
            rgb = VGA_RGB[args.background].to_bytes(3, 'big')
            wrong = sum(pixels[i:i + 3] != rgb for i in range(0, len(pixels), 3))
            if wrong:
                raise MachineError('{} of {} pixels are not {} ({:06x})'.format(
                    wrong, width * height, args.background, VGA_RGB[args.background]))
            if cfg['CONFIG_KEYBOARD']:
                wait_main_loop(m)
                m.send_keys('echo ok\n')
                m.wait_until(lambda m: '> echo ok\r\nok\r\n> ' in m.serial_log(), 15,
                             '`echo ok` answered on COM1')
        finally:
            shoot(m, args, 'uefi')
        assert_no_panic(m)


def run_first(stub, image, code):
    """At _start (32-bit protected mode, paging off, on both widths), run
    code first, as firmware or a loader would have before: it is placed in
    free low memory with a jump back to _start after it."""
    start = elf_symbol(image, '_start')
    stub.run_to(start)
    back = LOW_FREE + len(code) + 6  # the jump's operand: where _start is kept
    stub.write_memory(LOW_FREE, code + b'\xff\x25' + struct.pack('<II', back, start))
    stub.set_register('eip', LOW_FREE)


def mov_to(address, value):
    """mov dword [address], value"""
    return b'\xc7\x05' + struct.pack('<II', address, value)


LAPIC = 0xFEE00000  # where the firmware put the local APIC's page


@scenario
def lapic_masked(args, cfg, how):
    """The 8259's interrupts reach the CPU through the local APIC's LINT0,
    which firmware is to leave in virtual-wire mode (ExtINT); qboot, a
    loader or another kernel may leave LINT0 masked, or the whole APIC
    software-disabled (which masks every entry). The kernel puts it back:
    keys typed reach the shell (or paint the screen), and QEMU's view of
    the APIC shows LINT0 ExtINT and LINT1 NMI, unmasked. Only the APIC's
    page is tried: QEMU 7.2's TCG has no x2APIC (its MSR path was tried by
    hand under KVM)."""
    for state, code in (('LINT0 masked', mov_to(LAPIC + 0x350, 0x10000)),
                        ('the APIC software-disabled', mov_to(LAPIC + 0xF0, 0xFF))):
        m = Machine(args.elf, memory=MEMORY, gdb=True).start()
        with m:
            stub = GdbStub(m.gdb_port, args.elf)
            run_first(stub, args.elf, code)
            stub.detach()
            try:
                wait_main_loop(m)
                typed_ok(m, cfg, 'with ' + state + ' at boot')
            finally:
                shoot(m, args, 'lapic-masked')
            lvt = {l.split()[0]: l for l in m.hmp('info lapic').splitlines()
                   if l.startswith(('LVT0', 'LVT1'))}
            for entry, mode in (('LVT0', 'ExtINT'), ('LVT1', 'NMI')):
                if entry not in lvt or mode not in lvt[entry] or 'masked' in lvt[entry]:
                    raise MachineError('with {} at boot: {} is {!r}, want {}, unmasked'.format(
                        state, entry, lvt.get(entry), mode))
        assert_no_panic(m)


@scenario
def heap_bad_lists(args, cfg, how):
    """Loader data too wrong to walk: a module count of 2^28 (on i686 its
    list's length wrapped round 32 bits, and the walk read garbage for
    minutes before a misleading panic), a module that ends before it
    starts (its length wrapped round to gigabytes of RAM kept out), an ELF
    section table of 2^32 - 1 headers of 0 bytes. Each is left out with a
    line on the debug port (and the screen), and the kernel boots at once
    with the whole heap; with guard pages, page 0 stays unmapped (they do
    not walk such a list either)."""
    def count(n):
        return lambda stub, info: stub.write_memory(info + 20, struct.pack('<I', n))

    def backwards(stub, info):
        stub.write_memory(LOW_FREE, struct.pack('<4I', 0x200000, 0x100000, 0, 0))
        stub.write_memory(info + 20, struct.pack('<II', 1, LOW_FREE))

    def sections(stub, info):
        flags, = struct.unpack('<I', stub.read_memory(info, 4))
        stub.write_memory(info, struct.pack('<I', flags & ~(1 << 4) | 1 << 5))
        stub.write_memory(info + 28, struct.pack('<4I', 0xFFFFFFFF, 0, 0x300000, 0))

    cases = [(count(1 << 28), 'heap: module list malformed (268435456 modules): not kept out'),
             (backwards, 'heap: 1 module ending before its start: not kept out'),
             (sections, 'heap: ELF section table malformed (4294967295 headers of 0 '
                        'bytes): not kept out')]
    for patch, notice in cases:
        with boot_patched(args.elf, patch) as m:
            try:
                m.wait_until(lambda m: notice + '\n' in m.debug_log(), 15, notice)
                if cfg['CONFIG_COLOR_CONSOLE']:
                    m.wait_until(lambda m: re.search(r'heap: 3[01]\d{3} KiB in ' + REGIONS,
                                                     m.screen_text()), 15, 'the whole heap')
                if cfg['CONFIG_KEYBOARD']:
                    wait_main_loop(m)
                    typed_ok(m, cfg, 'after: ' + notice)
            finally:
                shoot(m, args, 'heap-bad-lists')
            assert_no_panic(m)
            if 'page 0 stays mapped' in m.debug_log():  # guard pages: the list is not read
                raise MachineError('the guard pages read the list:\n' + m.debug_log())


@scenario
def heap_unreachable(args, cfg, how):
    """RAM the kernel cannot map is left out, and said: i686, without
    paging, reaches only the first 4 GiB, so of a 5 GiB PC (3 GiB below the
    PCI hole, 2 above 4 GiB) 2048 MiB; x86_64 on a CPU without 1 GiB pages
    has tables for 16 GiB above its first 4, so of a 21 GiB PC (18 GiB
    above 4 GiB, up to 22 GiB) 2048 MiB. The line is on the debug port (and
    the screen), and the kernel goes on."""
    memory, left_out = ('5G', 2048) if args.bits == 32 else ('21G', 2048)
    line = 'heap: {} MiB of RAM left out: beyond what this kernel maps\n'.format(left_out)
    with Machine(args.elf, memory=memory) as m:
        try:
            m.wait_until(lambda m: line in m.debug_log(), 15, 'the left-out line')
            if cfg['CONFIG_COLOR_CONSOLE']:
                m.wait_until(lambda m: line.rstrip('\n') in m.screen_text(), 15,
                             'the left-out line on screen')
            if cfg['CONFIG_KEYBOARD']:
                wait_main_loop(m)
                typed_ok(m, cfg, 'after RAM was left out')
        finally:
            shoot(m, args, 'heap-unreachable')
        assert_no_panic(m)


@scenario
def heap_full_table(args, cfg, how):
    """A map with more separate reserved holes than the heap's table holds
    (74 of 4 KiB, 60 KiB apart) still boots: the closest ranges are merged,
    the gaps between them (a few of the 60 KiB stripes, and the few KiB
    between the image and QEMU's data) left out and their total said on the
    debug port (and the console, whose heap line is then short by that
    much), with no panic."""
    entries = striped_map(4 << 20, 74, 60 << 10, 4 << 10)
    said = re.compile(r'heap: over 64 reserved ranges: (\d+) KiB between them left out\n')
    with boot_with_map(args.elf, entries) as m:
        m.wait_until(lambda m: said.search(m.debug_log()), 15, 'the left-out line')
        kib = int(said.search(m.debug_log()).group(1))
        if not 60 <= kib <= 20 * 60 + 64:
            raise MachineError('{} KiB left out: want some 60 KiB gaps'.format(kib))
        if cfg['CONFIG_KEYBOARD']:
            wait_main_loop(m)
        else:
            assert_halted(m, timeout=5)
        if cfg['CONFIG_COLOR_CONSOLE']:
            heap = re.search(r'^heap: (\d+) KiB in (\d+) region', m.screen_text(), re.M)
            usable = sum(size for addr, size, kind in entries
                         if kind == 1 and addr >= 0x100000) // 1024
            # The image (as large as a hardened build's may be), QEMU's data
            # after it and the pool's headers: under 64 KiB more than the
            # image; and each region's first block moved up to a 2 KiB
            # boundary (where the pool looks for small-object spans).
            sizes = elf.section_sizes(args.elf)
            image = (sizes['loadable'] + sizes['bss'] + 1023) // 1024
            if (said.search(m.screen_text() + '\n') is None or not heap or
                    not usable - kib - image - 64 - 2 * int(heap.group(2)) <=
                    int(heap.group(1)) <= usable - kib):
                raise MachineError('want the left-out line and a heap of {} KiB less '
                                   '{} (and the image) on the screen:\n{}'.format(
                                       usable, kib, m.screen_text()))
        assert_no_panic(m)


@scenario
def heap_modules(args, cfg, how):
    """40 Multiboot modules (-initrd), each with its command line: the test
    kernel boots and its heap keeps every module and string out."""
    folder = tempfile.mkdtemp(prefix='sluice-modules-')
    try:
        names = []
        for i in range(40):
            names.append(os.path.join(folder, 'module{:02d}'.format(i)))
            with open(names[-1], 'wb') as f:
                f.write(bytes([i]) * (1000 + 317 * i))
        modules = ','.join('{} arg{}'.format(n, i) for i, n in enumerate(names))
        with Machine(args.ktest, memory=MEMORY, extra=['-initrd', modules]) as m:
            status = m.wait_exit(60)
            log = m.debug_log()
    finally:
        shutil.rmtree(folder)
    if status != KTEST_SUCCESS or 'not ok' in log:
        raise MachineError('test kernel with 40 modules: exit {}:\n{}'.format(status, log))


# CPUs older than the i686, each with what its loader reports above 1 MiB.
OLD_CPUS = [('486', ['-cpu', '486'], MEM_UPPER_KIB),
            ('pentium', ['-cpu', 'pentium'], MEM_UPPER_KIB),
            ('isapc', ['-machine', 'isapc'], 31744)]  # no PCI hole at the top


@scenario
def old_cpus(args, cfg, how):
    """The kernel runs on every CPU that can reach it (a 486, a Pentium, the
    ISA PC's CPU): the same screen as on the default CPU, and with the shell
    `echo ok` answers."""
    for name, extra, mem_upper in OLD_CPUS:
        with Machine(args.elf, memory=MEMORY, extra=extra) as m:
            try:
                if cfg['CONFIG_COLOR_CONSOLE']:
                    wait_lines(m, boot_lines(cfg, mem_upper=mem_upper), boot_attr(cfg),
                               15, 'the banner on ' + name)
                else:
                    wait_screen(m, painted('', boot_attr(cfg)), 'kernel',
                                'the boot colour on ' + name)
                if cfg['CONFIG_KEYBOARD']:
                    wait_main_loop(m)
                    typed_ok(m, cfg, 'on ' + name)
                else:
                    assert_halted(m, timeout=5)
            finally:
                shoot(m, args, 'cpu-' + name)


# CPUs that a Multiboot loader can start but that have no long mode.
CPUS_WITHOUT_LONG_MODE = ['qemu32', 'pentium', '486']


@scenario
def no_long_mode(args, cfg, how):
    """The x86_64 kernel on a 32-bit CPU says why it cannot run, in white on
    red and on the debug port, and halts: no reset, no silent hang. qemu32
    lacks the long-mode bit, the Pentium and the 486 the extended CPUID
    leaf; a CPU without CPUID at all (EFLAGS.ID fixed) takes the same path,
    but QEMU has none."""
    message = 'sluice: no long mode: x86_64 needs a 64-bit CPU'
    for cpu in CPUS_WITHOUT_LONG_MODE:
        with Machine(args.elf, memory=MEMORY, extra=['-cpu', cpu]) as m:
            try:
                wait_screen(m, painted(message, PANIC_ATTR), 'kernel',
                            'the refusal on -cpu ' + cpu)
            finally:
                shoot(m, args, 'no-long-mode-' + cpu)
            if message + '\n' not in m.debug_log():
                raise MachineError('-cpu {}: the debug port lacks the message: {!r}'
                                   .format(cpu, m.debug_log()))
            assert_halted(m)


# RAM above 4 GiB: QEMU puts 3 GiB of -m 6G below the PCI hole and 3 above.
BIG_MEMORY, BIG_HEAP_KIB = '6G', 5 << 20


@scenario
def heap_above_4g(args, cfg, how):
    """The x86_64 heap takes RAM above 4 GiB, mapped in 2 MiB pages (the
    default CPU, which lacks 1 GiB pages) or in 1 GiB pages (-cpu max), as
    the debug port says: with -m 6G the banner's heap exceeds 5 GiB in at
    least 2 regions (below and above the PCI hole; a third where the image
    does not end on a page, and QEMU puts its data on the next one), and
    the shell still answers. (in-kernel-6G and in-kernel-6G-cpumax write to
    and check all of it, one way each.)"""
    for cpu, pages in [('qemu64', '2 MiB'), ('max', '1 GiB')]:
        with Machine(args.elf, memory=BIG_MEMORY, extra=['-cpu', cpu]) as m:
            heap = re.compile(r'^heap: (\d+) KiB in ([2-9]|\d\d+) regions$', re.M)
            try:
                m.wait_until(lambda m: heap.search(m.screen_text()), 15,
                             'the heap line on -cpu ' + cpu)
            finally:
                shoot(m, args, 'heap-above-4g-' + cpu)
            kib = int(heap.search(m.screen_text()).group(1))
            if kib <= BIG_HEAP_KIB:
                raise MachineError('-cpu {}: a heap of {} KiB, want over {} KiB'.format(
                    cpu, kib, BIG_HEAP_KIB))
            said = 'paging: RAM above 4 GiB in {} pages\n'.format(pages)
            if said not in m.debug_log():
                raise MachineError('-cpu {}: want {!r} on the debug port:\n{}'.format(
                    cpu, said, m.debug_log()))
            if cfg['CONFIG_KEYBOARD']:
                wait_main_loop(m)
                typed_ok(m, cfg, 'with 6 GiB on ' + cpu)


@scenario
def gdb_kmain(args, cfg, how):
    """The gdb run target's own gdb commands (tools/run_qemu.py) stop at
    kmain with the registers of the image's width: EIP on i686; on x86_64
    RIP, after the entry's switch from 32-bit to long mode."""
    m = Machine(args.elf, memory=MEMORY, gdb=True).start()
    with m:
        ip = 'eip' if args.bits == 32 else 'rip'
        cmd = run_qemu.gdb_command(args.elf, m.gdb_port)
        out = subprocess.run(cmd[:1] + ['-batch'] + cmd[1:] + [
            '-ex', 'info registers ' + ip, '-ex', 'monitor info registers'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60).stdout
    kmain = elf_symbol(args.elf, 'kmain')
    stopped = re.search(r'^Breakpoint 1, kmain \(', out, re.M)
    at = re.search(r'^{}\s+(0x[0-9a-f]+)\s'.format(ip), out, re.M)
    # The CPU's own state, from the monitor: on x86_64 a 64-bit code
    # segment and EFER.LMA (bit 10, long mode active); on i686 neither.
    efer = re.search(r'EFER=([0-9a-f]+)', out)
    long_mode = bool(re.search(r'^CS =.* CS64 ', out, re.M) and efer and
                     int(efer.group(1), 16) & 0x400)
    if not (stopped and at and kmain <= int(at.group(1), 16) < kmain + 16 and
            long_mode == (args.bits == 64)):
        raise MachineError('gdb did not stop at kmain ({:#x}) with {} in {}:\n{}'.format(
            kmain, ip, 'long mode' if args.bits == 64 else '32-bit mode', out))


@scenario
def args_rule(args, cfg, how):
    """One rule for every command's arguments: every word of a line is split
    (however many), a command given the wrong number gets its usage line,
    and `color` refuses text in the background's colour; its list of names
    wraps between names, never inside one."""
    names, rows = list(VGA_PALETTE), [' ']
    for name in names:
        if len(rows[-1]) + 1 + len(name) >= COLS:
            rows.append(' ')
        rows[-1] += ' ' + name
    shell_session(args, cfg, 'args',
                  'echo 1 2 3 4 5 6 7  8   9    10\nhalt now\nfault\ncolor red red\n'
                  'color pink red\n', [
                      '> echo 1 2 3 4 5 6 7  8   9    10', '1 2 3 4 5 6 7 8 9 10',
                      '> halt now', 'usage: halt', '> fault', 'usage: fault N',
                      '> color red red',
                      'color: FG and BG are both red: text would be invisible',
                      '> color pink red', 'usage: color FG BG, each 0-15 or a name:'] +
                  rows + ['> '])


@scenario
def line_full(args, cfg, how):
    """A line holds 76 characters: keys past that are not taken, and each
    rings the bell (BEL on COM1, a beep of the PC speaker) instead of
    vanishing silently."""
    text = ''.join(chr(ord('a') + i % 26) for i in range(80))
    m, row = start_shell(args, cfg)
    with m:
        m.send_keys(text)
        try:
            wait_lines(m, [('> ' + text[:76], boot_attr(cfg))], boot_attr(cfg), 15,
                       'the 76 characters a line holds', first_row=row)
            m.wait_until(lambda m: m.serial_log().count('\a') >= 4, 15,
                         'a BEL on COM1 for each of the 4 keys too many')
            time.sleep(0.3)  # no fifth
            if m.serial_log().count('\a') != 4:
                raise MachineError('{} BELs on COM1, want 4'.format(
                    m.serial_log().count('\a')))
        finally:
            shoot(m, args, 'line-full')


@scenario
def serial_shell(args, cfg, how):
    """The shell reads COM1 too (IRQ 4): what a terminal on the serial line
    types is edited and run as keys are, echoed on COM1 and the screen.
    Enter as CR, CR LF or LF counts once; Backspace as DEL or ^H; a burst of
    205 characters (5 lines) written at once loses nothing."""
    m = Machine(args.elf, memory=MEMORY, serial_socket=True).start()
    with m:
        wait_lines(m, boot_lines(cfg), boot_attr(cfg), 15, 'the shell prompt')
        row = len(boot_lines(cfg)) - 1
        m.type_serial(b'echo abX\x7fc\r')
        m.type_serial(b'echo deY\x08f\r\n')
        m.type_serial(b'echo lf\n')
        words = burst_words()
        m.type_serial(b''.join(b'echo ' + w.encode() + b'\r' for w in words))
        expected = ['> echo abc', 'abc', '> echo def', 'def', '> echo lf', 'lf']
        for w in words:
            expected += ['> echo ' + w, w]
        expected.append('> ')
        try:
            wait_lines(m, [(line, boot_attr(cfg)) for line in expected], boot_attr(cfg),
                       20, 'the serial session on the screen', first_row=row)
        finally:
            shoot(m, args, 'serial-shell')
        want = '\r\n'.join(expected)
        # A terminal shows "X\b \b" as nothing: the erased key and its erasure.
        m.wait_until(lambda m: re.sub('.\b \b', '', m.serial_log()).endswith(want), 15,
                     'the same lines on COM1')
        if 'dropped' in m.debug_log():
            raise MachineError('the kernel dropped keys:\n' + m.debug_log())


@scenario
def microvm(args, cfg, how):
    """QEMU's microvm, a machine of another kind: no PCI, no VGA, no 8042,
    and firmware (qboot) that leaves the local APIC's LINT0 masked, not in
    virtual-wire mode. The kernel says there is no keyboard controller and
    goes on; the shell, typed on COM1, answers there (its IRQ 4 comes
    through the 8259 and LINT0, which the kernel set to ExtINT)."""
    m = Machine(args.elf, memory=MEMORY, serial_socket=True, qemu='qemu-system-x86_64')
    m.cmd = ['none' if a == 'std' and m.cmd[i - 1] == '-vga' else a
             for i, a in enumerate(m.cmd)] + ['-M', 'microvm']
    m.start()
    with m:
        wait_main_loop(m)
        if 'no PS/2 controller' not in m.debug_log():
            raise MachineError('no notice of the missing 8042:\n' + m.debug_log())
        m.type_serial(b'echo on microvm\r')
        m.wait_until(lambda m: '> echo on microvm\r\non microvm\r\n> ' in m.serial_log(), 15,
                     'the shell answering on COM1')
        assert_no_panic(m)


@scenario
def serial_keys(args, cfg, how):
    """What else a terminal on COM1 sends. A line typed before the kernel
    runs (the machine started paused) is kept whole: the UART's FIFOs,
    switched on at boot, would drop what it holds ("cho" for "echo"). The
    arrows, Home, Delete and F-keys' escape sequences (ESC [ ... and ESC O
    x) are dropped whole, as the PS/2 keyboard's keys are, not typed as
    their tails, and so is one cut short by the next ESC; an ESC before a
    letter (Alt+x) drops the ESC. Tab
    separates words as a space does, on COM1 and the PS/2 keyboard. A byte
    the line does not take (UTF-8's, here of an e acute) rings the bell, a
    BEL on COM1, instead of vanishing."""
    m = Machine(args.elf, memory=MEMORY, serial_socket=True, extra=['-S']).start()
    with m:
        m.type_serial(b'echo typed ahead\r')
        m.qmp('cont')
        try:
            m.wait_until(lambda m: '> echo typed ahead\r\ntyped ahead\r\n> ' in m.serial_log(),
                         15, 'the line typed ahead, run whole')
            if "COM1's FIFOs stay off" not in m.debug_log():
                raise MachineError('no word of the FIFOs left off:\n' + m.debug_log())
            wait_main_loop(m)
            m.type_serial(b'echo a\x1b[Ab\x1b[1\x1b[Dc\x1b[Hd\x1b[3~e\x1bOPf\x1b[15~g\x1bxh\r')
            m.wait_until(lambda m: '> echo abcdefgxh\r\nabcdefgxh\r\n> ' in m.serial_log(), 15,
                         'the escape sequences dropped')
            m.type_serial(b'echo x\ty\r')
            m.wait_until(lambda m: '> echo x y\r\nx y\r\n> ' in m.serial_log(), 15,
                         'Tab on COM1 as a space')
            m.send_keys('echo p\tq\n')
            m.wait_until(lambda m: '> echo p q\r\np q\r\n> ' in m.serial_log(), 15,
                         'the Tab key as a space')
            m.type_serial('echo caf\u00e9!\r'.encode())
            m.wait_until(lambda m: '> echo caf\a\a!\r\ncaf!\r\n> ' in m.serial_log(), 15,
                         'a bell for each byte of the e acute')
        finally:
            shoot(m, args, 'serial-keys')
        if 'unknown command' in m.serial_log():
            raise MachineError('a wrong command ran:\n' + m.serial_log())


SERIAL_STALLED = ('serial: COM1 takes no bytes: what it cannot take at once is dropped '
                  'until it does\n')


@scenario
def serial_stalled(args, cfg, how):
    """A terminal on COM1 that stops reading (a paused qemu-nox; here a
    socket never read, so that QEMU's UART takes no more bytes once it is
    full) stalls the UART: the kernel says so once on the debug port and
    from then on drops what COM1 cannot take at once, instead of waiting on
    every byte. The shell on the screen keeps up: six `help`s and an `echo`
    typed ahead all run, and no key is dropped."""
    m = Machine(args.elf, memory=MEMORY, serial_socket=True).start()
    with m:
        wait_lines(m, boot_lines(cfg), boot_attr(cfg), 15, 'the shell prompt')
        m.hold_serial()
        m.send_keys('help\n' * 6 + 'echo done\n')
        try:
            m.wait_until(lambda m: m.screen_text().endswith('> echo done\ndone\n>'), 20,
                         'the echo after six helps')
        finally:
            shoot(m, args, 'serial-stalled')
        log = m.debug_log()
        if log.count(SERIAL_STALLED) != 1 or 'kbd: key queue full' in log:
            raise MachineError('want the stall said once and no key dropped:\n' + log)


@scenario
def reboot_run_target(args, cfg, how):
    """The run targets' QEMU command line (tools/run_qemu.py's, as `meson
    compile -C build qemu` runs it) has no -no-reboot: `reboot` resets the
    machine, which boots again to a new prompt, as a PC would, instead of
    ending QEMU."""
    cmd = run_qemu.qemu_command(args.elf, display='none')
    if '-no-reboot' in cmd:
        raise MachineError('the run targets pass -no-reboot: ' + ' '.join(cmd))
    with Machine(args.elf, run_target=True) as m:
        m.wait_until(lambda m: m.debug_log().count('sluice: waiting for keys\n') == 1, 15,
                     'the first boot')
        m.send_keys('reboot\n')
        m.wait_until(lambda m: m.debug_log().count('sluice: waiting for keys\n') == 2, 20,
                     'the second boot, after the reset')
        try:
            lines = boot_lines(cfg)  # on 128 MiB, as the run targets give
            lines[2] = (re.compile(r'memory: 639 KiB below 1 MiB, \d+ KiB above'), lines[2][1])
            if cfg['CONFIG_HEAP']:
                lines[3] = (re.compile(r'heap: \d+ KiB in ' + REGIONS), lines[3][1])
            wait_lines(m, lines, boot_attr(cfg), 15, 'the banner again')
        finally:
            shoot(m, args, 'reboot-run-target')


@scenario
def nox_pipe(args, cfg, how):
    """A script drives the kernel through the qemu-nox run target's pipe:
    `printf 'mem\\nhalt\\n' | run_qemu.py --nox sluice.elf` prints the image
    size, the banner, mem's figures and "halted" on standard output, and
    ends by itself once the kernel has halted."""
    size = os.path.join(os.path.dirname(args.elf), 'sluice.size')
    r = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'run_qemu.py'),
                        '--nox', '--size', size, args.elf], input=b'mem\nhalt\n',
                       capture_output=True, timeout=60)
    out = r.stdout.decode(errors='replace').replace('\r\n', '\n')
    want = [r'^sluice\.elf: \d+ loadable bytes', r'sluice 0\.1\.0\n',
            r'\n> mem\nheap: \d+ KiB in ' + REGIONS + r'\n  used 0 B, free \d+ B',
            r'\n> halt\nhalted\n']
    missing = [w for w in want if not re.search(w, out)]
    if r.returncode != 0 or missing:
        raise MachineError('exit {}, missing {} in:\n{}{}'.format(
            r.returncode, missing, out, r.stderr.decode(errors='replace')))


@scenario
def uefi_pipe(args, cfg, how):
    """The qemu-uefi run target through its pipe, as qemu-nox's: `printf
    'echo ok\\nhalt\\n' | run_qemu.py --uefi OVMF sluice.iso` boots the ISO on
    UEFI firmware and prints the image size, the banner with the display
    line, the shell's answers and "halted", and ends by itself."""
    size = os.path.join(os.path.dirname(args.elf), 'sluice.size')
    r = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'run_qemu.py'),
                        '--uefi', args.ovmf, '--size', size, args.iso],
                       input=b'echo ok\nhalt\n', capture_output=True, timeout=120)
    out = r.stdout.decode(errors='replace').replace('\r\n', '\n')
    want = [r'^sluice\.elf: \d+ loadable bytes', r'sluice 0\.1\.0\n',
            r'\ndisplay: a \d+x\d+ graphics mode .*, painted ' + re.escape(args.background),
            r'\n> echo ok\nok\n> halt\nhalted\n']
    missing = [w for w in want if not re.search(w, out)]
    if r.returncode != 0 or missing:
        raise MachineError('exit {}, missing {} in:\n{}{}'.format(
            r.returncode, missing, out, r.stderr.decode(errors='replace')))


# The stack protector (-Dstack-protector): the report of a smashed canary,
# and the guard chosen at boot on CPUs with and without RDRAND and RDTSC.
SMASH_REPORT = re.compile(r'PANIC: (stack smashing detected at 0x([0-9a-f]+)) '
                          r'\(at src/boot/stack_protector\.c:\d+\)\n')
SMASH_WHERE = re.compile(r' at src/boot/stack_protector\.c:\d+')


def expect_smash_report(m, args, cfg, shot):
    """Wait for the stack protector's panic, as expect_panic does (debug
    port, then the panic screen or the red line; the CPU halts); returns the
    message and the address it names."""
    match = expect_panic(m, args, cfg, SMASH_REPORT,
                         lambda match: panic_rows([' ' + match.group(1)], SMASH_WHERE),
                         shot)
    return match.group(1), int(match.group(2), 16)


def call_before(image, address):
    """Where the direct call (E8, 32-bit displacement) that ends right
    before address in image's code goes, or None when no call ends there."""
    e = elf.Elf(image)
    for _, _, flags, start, offset, size, *_ in e.sections:
        if flags & elf.SHF_EXECINSTR and start + 5 <= address <= start + size:
            code = e.image[offset + address - start - 5:offset + address - start]
            if code[0] == 0xE8:
                return address + struct.unpack('<i', code[1:])[0]


# -- Guard pages and W^X (-Dguard-pages) -----------------------------------

# The stacks with a guard page below them, by the symbol of that page (or of
# the stack whose first page it is) and the name a report gives them.
GUARDED_STACKS = {32: [('boot_guard_page', 'boot'), ('double_fault_stack', 'double-fault')],
                  64: [('boot_guard_page', 'boot'), ('double_fault_stack', 'double-fault'),
                       ('nmi_stack', 'NMI')]}
PAGE = 4096


def guard_report(m, args, cfg, pattern, rows, shot):
    """expect_panic for a report (the debug port's text after "PANIC: ")
    that matches pattern. Returns the match."""
    return expect_panic(m, args, cfg, re.compile(r'PANIC: ' + pattern), rows, shot)


@scenario
def stack_overflow(args, cfg, how):
    """The shell's `overflow` recurses until the boot stack runs into its
    guard page: reported as "kernel stack overflow at ADDRESS: the boot
    stack's guard page" (ADDRESS inside the page below the stack, read from
    the image's symbols), then the double fault that carried it (on its own
    stack: IST 1 on x86_64, a task of its own on i686) with the registers,
    on the debug port, COM1 and the panic screen; the CPU halts, no reset."""
    guard = elf_symbol(args.elf, 'boot_guard_page')
    digits = args.bits // 4
    sep = r'(?:\n |; )'
    pattern = (r"kernel stack overflow at 0x([0-9a-f]{%d}): the boot stack's guard page"
               % digits + sep + r'CPU exception 8: double fault, error code 0x0' + sep +
               sep.join(register_rows(args.bits)) + r' \(at src/arch/x86/\w+/fault\.c:\d+\)\n')

    def rows(match):
        head = [re.compile(re.escape(' kernel stack overflow at 0x{}: the boot stack\'s '
                                     'guard page'.format(match.group(1)))),
                re.compile(r' CPU exception 8: double fault, error code 0x0')]
        return panic_rows(head + [re.compile(' ' + r) for r in register_rows(args.bits)],
                          re.compile(r' at src/arch/x86/\w+/fault\.c:\d+'))
    m, _ = start_shell(args, cfg)
    with m:
        m.send_keys('overflow\n')
        match = guard_report(m, args, cfg, pattern, rows, 'stack-overflow')
    address = int(match.group(1), 16)
    if not guard <= address < guard + PAGE:
        raise MachineError('overflow reported at {:#x}, outside the guard page {:#x}-{:#x}'
                           .format(address, guard, guard + PAGE))


def shell_page_fault(args, cfg, command, cr2, error, shot, above=None):
    """Run the shell's command, which must fault: a page fault with error
    code error whose CR2 is cr2, reported (after the line above, when
    given) on the debug port, COM1 and the panic screen (shot names the
    screenshot); the CPU halts, QEMU goes on, and the command never says
    it returned."""
    digits = args.bits // 4
    pinned = ' CR2={:0{}x}'.format(cr2, digits)
    registers = register_rows(args.bits)
    registers[0] = registers[0].replace(r'(?: CR2=[0-9a-f]{%d})?' % digits, pinned)
    if pinned not in registers[0]:
        raise MachineError('register_rows has no CR2 group to pin: ' + registers[0])
    heads = ([re.escape(above)] if above else []) + [
        re.escape('CPU exception 14: page fault, error code {:#x}'.format(error))]
    sep = r'(?:\n |; )'
    pattern = sep.join(heads + registers) + r' \(at src/arch/x86/\w+/fault\.c:\d+\)\n'

    def rows(_):
        return panic_rows([re.compile(' ' + r) for r in heads + registers],
                          re.compile(r' at src/arch/x86/\w+/fault\.c:\d+'))
    m, _ = start_shell(args, cfg)
    with m:
        m.send_keys(command + '\n')
        guard_report(m, args, cfg, pattern, rows, shot)
        if command + ' returned' in m.serial_log():
            raise MachineError('`{}` returned instead of faulting'.format(command))


@scenario
def poke_text(args, cfg, how):
    """The shell's `poke-text` writes a byte over its own first instruction:
    kernel text is mapped read-only and CR0.WP binds the kernel, so it is
    a page fault with error code 0x3 (a write to a present page) whose CR2
    is that function's address (from the image's symbols), reported on the
    debug port, COM1 and the panic screen; the CPU halts."""
    shell_page_fault(args, cfg, 'poke-text', elf_symbol(args.elf, 'poke_text_run'), 0x3,
                     'poke-text')


@scenario
def null_pointer(args, cfg, how):
    """The shell's `null` reads a byte through a null pointer: page 0 is not
    mapped, so it is a page fault with error code 0x0 (a read of a page not
    present) whose CR2 is 0, reported with a line of its own above the
    usual report, "null pointer dereference at 0x00000000: page 0 is not
    mapped" (16 digits on x86_64), on the debug port, COM1 and the panic
    screen; the CPU halts, QEMU goes on."""
    title = 'null pointer dereference at 0x{}: page 0 is not mapped'.format(
        '0' * (args.bits // 4))
    shell_page_fault(args, cfg, 'null', 0, 0x0, 'null-pointer', above=title)


# Where null-page-loader moves the loader's memory map: in page 0, above the
# BIOS data area, in memory nothing uses once the kernel runs.
PAGE_ZERO_MMAP_AT = 0x800
PAGE_ZERO_KEPT = ("guard pages: page 0 stays mapped, the loader's data lies in it: "
                  "null pointers do not fault")


@scenario
def null_page_loader(args, cfg, how):
    """A Multiboot loader may put its data anywhere, page 0 included: with
    the memory map moved to 0x800 (through the gdb stub, at _start) the
    kernel leaves page 0 mapped and says so on the debug port, once, and
    boots as usual, its heap made from that map (the same boot screen);
    page 0 is mapped (`info tlb`), and with the shell `null` reads it and
    goes on. Unmapped, the heap's read of the map would fault."""
    def patch(stub, info):
        flags = int.from_bytes(stub.read_memory(info, 4), 'little')
        length, at = struct.unpack('<II', stub.read_memory(info + 44, 8))
        if not flags & MB_INFO_MMAP or not 0 < length <= PAGE - PAGE_ZERO_MMAP_AT:
            raise MachineError('no memory map to move: flags {:#x}, {} bytes'.format(
                flags, length))
        stub.write_memory(PAGE_ZERO_MMAP_AT, stub.read_memory(at, length))
        stub.write_memory(info + 48, struct.pack('<I', PAGE_ZERO_MMAP_AT))
    with boot_patched(args.elf, patch) as m:
        try:
            if cfg['CONFIG_COLOR_CONSOLE']:
                wait_lines(m, boot_lines(cfg), boot_attr(cfg), 15,
                           'the boot screen, with the map in page 0')
            wait_main_loop(m)
            if m.debug_log().count(PAGE_ZERO_KEPT + '\n') != 1:
                raise MachineError('debug port lacks {!r} (or has it twice):\n{}'.format(
                    PAGE_ZERO_KEPT, m.debug_log()))
            if mapping_of(tlb(m, args.bits), 0) is None:
                raise MachineError('page 0 is not mapped, with the loader\'s data in it')
            if cfg['CONFIG_SHELL']:
                m.send_keys('null\n')
                m.wait_until(lambda m: re.search(
                    r'null returned 0x[0-9a-f]{2}: page 0 is mapped', m.screen_text()), 10,
                    '`null` reading page 0 and going on')
                typed_ok(m, cfg, 'after `null`')
            assert_no_panic(m)
        finally:
            shoot(m, args, 'null-page-loader')


def tlb(m, bits):
    """The page tables as QEMU's monitor reads them (`info tlb`): a list of
    (virtual start, size, flags) for every present mapping; flags are QEMU's
    letters (W writable, X no-execute, P a large page, ...)."""
    out = m.hmp('info tlb')
    large = 4 << 20 if bits == 32 else 2 << 20
    maps = []
    for line in out.splitlines():
        found = re.match(r'^([0-9a-f]+): ([0-9a-f]+) ([-XGPDACTUW]{9})$', line.strip())
        if found:
            flags = found.group(3)
            maps.append((int(found.group(1), 16), large if 'P' in flags else PAGE, flags))
    if not maps:
        raise MachineError('info tlb shows no mapping:\n' + out[:400])
    return maps


def mapping_of(maps, address):
    """The flags of the mapping that holds address, or None."""
    for start, size, flags in maps:
        if start <= address < start + size:
            return flags
    return None


@scenario
def stack_smash(args, cfg, how):
    """The shell's smash (stack-protector builds) writes 32 bytes into a
    16-byte buffer, over its canary. Its check panics: "stack smashing
    detected at ADDRESS" on the debug port, on COM1 (the console's mirror)
    and on the panic screen's cells, and the CPU halts. ADDRESS is
    __stack_chk_fail's return address: a call to __stack_chk_fail ends
    there, and addr2line puts the byte before it in smash_run."""
    m, row = start_shell(args, cfg)
    with m:
        m.send_keys('smash\n')
        message, address = expect_smash_report(m, args, cfg, 'stack-smash')
        serial = m.serial_log()
    com1 = ' *** sluice: kernel panic ***\r\n\r\n {}\r\n\r\n at src/boot/stack_protector.c:'
    if com1.format(message) not in serial:
        raise MachineError('COM1 lacks the report {!r}:\n{}'.format(message, serial))
    target = call_before(args.elf, address)
    if target != elf_symbol(args.elf, '__stack_chk_fail'):
        raise MachineError('{:#x} does not follow a call to __stack_chk_fail (a call '
                           'to {})'.format(address, target and hex(target)))
    name = subprocess.run([args.addr2line, '-f', '-e', args.elf, hex(address - 1)],
                          capture_output=True, text=True, check=True).stdout.split()[0]
    if name != 'smash_run':
        raise MachineError('{:#x} - 1 is in {}, want smash_run'.format(address, name))


@scenario
def stack_fail_report(args, cfg, how):
    """Where there is no shell to smash a canary, the test makes the call a
    failed check makes, through the gdb stub: once boot_start has returned
    (the console, if any, is up), kmain calls __stack_chk_fail with a return
    address of the test's. The report names that address on the debug port,
    on the panic screen or, without the console, on the red line; the CPU
    halts. Skipped (exit 77) when the image has no __stack_chk_fail."""
    try:
        fail = elf_symbol(args.elf, '__stack_chk_fail')
    except KeyError:
        raise Skip('no function of this image needs a canary (with every gate off '
                   'and -Dstack-protector=strong or basic), so nothing calls '
                   '__stack_chk_fail and the linker dropped it')
    m = Machine(args.elf, memory=MEMORY, gdb=True).start()
    with m:
        word = args.bits // 8
        stub = GdbStub(m.gdb_port, args.elf)
        stub.run_to(elf_symbol(args.elf, 'boot_start'))
        back = int.from_bytes(stub.read_memory(stub.register('esp'), word), 'little')
        stub.run_to(back)  # in kmain, right after boot_start
        fake = elf_symbol(args.elf, 'kmain') + 1
        sp = stub.register('esp') - word
        stub.write_memory(sp, fake.to_bytes(word, 'little'))
        stub.set_register('esp', sp)
        stub.set_register('eip', fail)
        stub.detach()
        _, address = expect_smash_report(m, args, cfg, 'stack-fail-report')
    if address != fake:
        raise MachineError('the report names {:#x}, want the return address {:#x}'
                           .format(address, fake))


# The whole line, to its newline: a read may catch the debug port mid-line.
GUARD_LINE = re.compile(r'^stack guard chosen from (.*)\n', re.M)
RDRAND, RDTSC, LOADER = 'RDRAND', "RDTSC and the loader's data", "the loader's data alone"
# Each target's CPUs, and the source the guard must come from on each:
# RDRAND on a CPU without a TSC (so that only RDRAND can make two boots
# differ) and with one; the TSC without RDRAND; neither (i686's 486, and
# QEMU's x86_64 CPU with its TSC taken away).
GUARD_CPUS = {32: [('max,-tsc', RDRAND), ('max', RDRAND), ('qemu32', RDTSC),
                   ('486', LOADER)],
              64: [('max,-tsc', RDRAND), ('max', RDRAND), ('qemu64', RDTSC),
                   ('qemu64,-tsc', LOADER)]}


def boot_guard(args, cpu, cmdline):
    """Boot on -cpu cpu with the loader's command line cmdline; returns the
    guard's source, as the debug port says it, and the guard, read from
    __stack_chk_guard's address in RAM."""
    with Machine(args.elf, memory=MEMORY, extra=['-cpu', cpu], cmdline=cmdline) as m:
        m.wait_until(lambda m: GUARD_LINE.search(m.debug_log()), 15,
                     'the stack guard line on -cpu ' + cpu)
        raw = m.memory(elf_symbol(args.elf, '__stack_chk_guard'), args.bits // 8)
        return GUARD_LINE.search(m.debug_log()).group(1), int.from_bytes(raw, 'little')


@scenario
def stack_guard(args, cfg, how):
    """The guard comes from the best source the CPU has (the debug port
    names it), its low byte is 0 and the rest is not, and two boots of the
    same machine get different guards; from the loader's data alone, which
    is the same at every boot, two boots with different command lines do."""
    for cpu, source in GUARD_CPUS[args.bits]:
        cmdlines = ['one', 'two'] if source == LOADER else ['one', 'one']
        guards = []
        for cmdline in cmdlines:
            got, guard = boot_guard(args, cpu, cmdline)
            if got != source or guard & 0xFF or not guard >> 8:
                raise MachineError('-cpu {}: guard {:#x} from {}; want it from {}, with '
                                   'a zero low byte and other bits set'.format(
                                       cpu, guard, got, source))
            guards.append(guard)
        if guards[0] == guards[1]:
            raise MachineError('-cpu {}: two boots (command lines {}) got the same guard '
                               '{:#x}'.format(cpu, ' and '.join(cmdlines), guards[0]))


# The sanitizer's scenarios, in builds with -Db_sanitize=undefined. Each
# check's report: what it says (a pattern), the file, the marker comment on
# the check's line and the text under the column clang names.
UBSAN_SHELL = 'src/shell/shell.c'
UBSAN_CHECKS = {
    'overflow': (r"signed integer overflow: 2147483647 \+ 1 in 'int'", '+ one'),
    'bounds': (r"index 4 out of bounds for type 'int\[4\]'", 'ubsan_array['),
    'shift': (r"shift exponent 32 is too large for 32-bit type 'int'", '<<'),
    'misaligned': (r"load of misaligned address 0x[0-9a-f]+ for type 'int', "
                   r"which needs 4-byte alignment", '*p'),
}


def ubsan_where(path, marker, at):
    """(FILE:LINE, FILE:LINE:COLUMN) of the check on the line of path marked
    with marker, the column that of at."""
    with open(os.path.join(ROOT, path)) as f:
        for number, text in enumerate(f, 1):
            if marker in text:
                where = '{}:{}'.format(path, number)
                return where, '{}:{}'.format(where, text.index(at) + 1)
    raise KeyError(marker)


def wrapped(text):
    """text as the console shows it: 80 characters a row."""
    return [text[i:i + COLS] for i in range(0, len(text), COLS)] or ['']


def expect_ubsan(m, args, cfg, what, path, marker, at, shot, first_row, after):
    """The report of the check on path's line marked marker must name what
    (a pattern) and the check's file, line and column. By default
    (-Dubsan=panic) it panics: the report on the debug port, on COM1
    with the console, and on screen (the panic screen with the console, the
    line on red without it), and the CPU halts. With -Dubsan=log the
    report is a line on the debug port and, with the console, on COM1 and
    on screen from first_row on, followed by the lines after (as
    wait_lines takes them): the kernel went on."""
    m.ubsan_expected = True
    line, column = ubsan_where(path, marker, at)
    report = 'ubsan: {} at {}'.format(what, re.escape(column))
    if cfg['CONFIG_UBSAN_PANIC']:
        pattern = re.compile(r'PANIC: ({}) \(at {}\)\n'.format(report, re.escape(line)))
        match = expect_panic(m, args, cfg, pattern, lambda match: panic_rows(
            wrapped(' ' + match.group(1)), ' at ' + line), shot)
        text = match.group(1)
    else:
        pattern = re.compile('^({})\n'.format(report), re.M)
        m.wait_until(lambda m: pattern.search(m.debug_log()), 15,
                     'the report {!r} on the debug port'.format(pattern.pattern))
        text = pattern.search(m.debug_log()).group(1)
        if cfg['CONFIG_COLOR_CONSOLE']:
            try:
                wait_lines(m, [(row, boot_attr(cfg)) for row in wrapped(text)] +
                           [(a, boot_attr(cfg)) for a in after],
                           boot_attr(cfg), 15, 'the report, then the kernel going on',
                           first_row=first_row)
            finally:
                shoot(m, args, shot)
    if cfg['CONFIG_COLOR_CONSOLE'] and text not in m.serial_log():
        raise MachineError('COM1 lacks {!r}:\n{}'.format(text, m.serial_log()))


def ubsan_shell(args, cfg, check):
    """`ubsan CHECK` at the shell trips the check: see expect_ubsan."""
    what, at = UBSAN_CHECKS[check]
    m, row = start_shell(args, cfg)
    with m:
        m.send_keys('ubsan {}\n'.format(check))
        expect_ubsan(m, args, cfg, what, UBSAN_SHELL, '/* ubsan: {} */'.format(check), at,
                     'ubsan-' + check, row + 1,
                     [re.compile(r'ubsan {} went on: -?\d+'.format(check)), '> '])


for _check in UBSAN_CHECKS:
    SCENARIOS['ubsan-' + _check] = (
        lambda check: lambda args, cfg, how: ubsan_shell(args, cfg, check))(_check)


@scenario
def ubsan_ktest(args, cfg, how):
    """The test kernel overflows a signed addition (its command line says
    ubsan): the report as expect_ubsan has it, in every gate combination;
    without the console only the debug port (and a red screen when it
    panics) has it. With -Dubsan=log the kernel says it went on."""
    with Machine(args.ktest, memory=MEMORY, cmdline='ubsan') as m:
        lines = boot_lines(cfg)[:-1] if cfg['CONFIG_KEYBOARD'] else boot_lines(cfg)
        expect_ubsan(m, args, cfg, UBSAN_CHECKS['overflow'][0],
                     'tests/kernel/ktest_main.c', '/* ktest: ubsan */', '+ one',
                     'ubsan-ktest', len(lines), [])
        if not cfg['CONFIG_UBSAN_PANIC']:
            m.wait_until(lambda m: 'went on after the report: -2147483648\n' in
                         m.debug_log(), 15, 'the kernel going on after the report')


@scenario
def page_tables(args, cfg, how):
    """Read from outside (QEMU's `info tlb`), once the kernel is at its main
    loop: the guard page below every kernel stack is not mapped and the
    stacks' own lowest pages are; page 0 is not mapped (null pointers
    fault) and page 1 is; kernel text (kmain's page) and rodata are
    mapped read-only, the stack writable; on x86_64 (a CPU with NX) text is
    executable and rodata, the stack and RAM above the kernel are not, and
    with the heap, which maps RAM above 4 GiB when it finds some (-m 6G),
    that RAM is writable and not executable either."""
    above_4g = args.bits == 64 and cfg['CONFIG_HEAP']
    with Machine(args.elf, memory=BIG_MEMORY if above_4g else MEMORY) as m:
        wait_main_loop(m)
        maps = tlb(m, args.bits)
        log = m.debug_log()
    problems = []
    for symbol, name in GUARDED_STACKS[args.bits]:
        guard = elf_symbol(args.elf, symbol)
        if guard % PAGE:
            problems.append('{} guard page at {:#x}: not page-aligned'.format(name, guard))
        if mapping_of(maps, guard) is not None:
            problems.append('the {} stack\'s guard page {:#x} is mapped ({})'.format(
                name, guard, mapping_of(maps, guard)))
        if mapping_of(maps, guard + PAGE) is None:
            problems.append('the {} stack\'s lowest page {:#x} is not mapped'.format(
                name, guard + PAGE))
    nx = args.bits == 64
    want = [('text (kmain)', elf_symbol(args.elf, 'kmain'), False, False),
            ('rodata', elf_symbol(args.elf, 'kernel_text_end'), False, nx),
            ('the boot stack', elf_symbol(args.elf, 'boot_stack_top') - 8, True, nx),
            ('RAM at 16 MiB', 16 << 20, True, nx)]
    if above_4g:
        want.append(('RAM at 5 GiB', 5 << 30, True, nx))
    for what, address, writable, no_exec in want:
        flags = mapping_of(maps, address)
        if flags is None:
            problems.append('{} at {:#x} is not mapped'.format(what, address))
            continue
        if ('W' in flags) != writable:
            problems.append('{} at {:#x}: {} ({}writable expected)'.format(
                what, address, flags, '' if writable else 'not '))
        if ('X' in flags) != no_exec:
            problems.append('{} at {:#x}: {} ({}executable expected)'.format(
                what, address, flags, 'not ' if no_exec else ''))
    # Page 0 is not mapped (a null pointer dereference faults), the next
    # page is, and the kernel did not keep page 0 for the loader's data.
    if mapping_of(maps, 0) is not None:
        problems.append('page 0 is mapped ({})'.format(mapping_of(maps, 0)))
    if mapping_of(maps, PAGE) is None:
        problems.append('page 1 ({:#x}) is not mapped'.format(PAGE))
    if PAGE_ZERO_KEPT in log:
        problems.append('page 0 kept for the loader\'s data: ' + PAGE_ZERO_KEPT)
    if problems:
        raise MachineError('\n'.join(problems))


# What a CPU without the paging feature that hardening needs says, and how
# QEMU makes one: i686 without 4 MiB pages, x86_64 without NX.
GUARD_NOTICES = {
    32: (['-cpu', 'pentium,pse=off'],
         'guard pages: off, this CPU has no 4 MiB pages (PSE): no paging, text writable'),
    64: (['-cpu', 'qemu64,nx=off'],
         'guard pages: on; no NX on this CPU: data stays executable, text read-only')}


# What the shell's guard-page commands say on a CPU where guard pages are off.
GUARD_REFUSALS = [
    ('overflow', 'overflow: no guard pages on this CPU; not overrunning the stack'),
    ('poke-text', 'poke-text: kernel text is writable on this CPU; not writing it'),
    ('null', 'null: no paging on this CPU, page 0 is readable; not reading it')]


@scenario
def guard_notice(args, cfg, how):
    """On a CPU that lacks what hardening needs (i686: PSE, x86_64: NX) the
    kernel says so, on the debug port and, with the console, on a line of
    the boot screen, then runs as usual (keys answered); on i686 paging
    stays off (`info tlb`), and the shell's overflow, poke-text and null refuse;
    on x86_64 text is still read-only."""
    extra, notice = GUARD_NOTICES[args.bits]
    with Machine(args.elf, memory=MEMORY, extra=extra) as m:
        try:
            if cfg['CONFIG_COLOR_CONSOLE']:
                wait_lines(m, boot_lines(cfg, notices=[notice]), boot_attr(cfg), 15,
                           'the boot screen with the notice')
            wait_main_loop(m)
            if notice + '\n' not in m.debug_log():
                raise MachineError('debug port lacks {!r}:\n{}'.format(notice, m.debug_log()))
            typed_ok(m, cfg, 'after the notice')
            if args.bits == 32 and cfg['CONFIG_SHELL']:
                # Without guard pages the commands that need them refuse:
                # an overflow would run through the kernel's data.
                for command, refusal in GUARD_REFUSALS:
                    m.send_keys(command + '\n')
                    m.wait_until(lambda m: refusal in m.screen_text(), 10,
                                 'the refusal of ' + command)
            out = m.hmp('info tlb')
            if args.bits == 32 and 'PG disabled' not in out:
                raise MachineError('paging is on without PSE:\n' + out[:400])
            if args.bits == 64:
                flags = mapping_of(tlb(m, 64), elf_symbol(args.elf, 'kmain'))
                if flags is None or 'W' in flags:
                    raise MachineError('text without NX: {}'.format(flags))
        finally:
            shoot(m, args, 'guard-notice')


# What a loader that ran in long mode may leave behind, acted out: a jump
# at _start (written through the gdb stub, whose register writes on
# qemu-system-x86_64 garble a 32-bit CPU's CR0) to code in low RAM (which
# the kernel never uses) that sets EFER.LME, keeping the Multiboot magic in
# EAX, puts _start's first 8 bytes back and jumps there: mov %eax,%esi;
# mov $0xC0000080,%ecx; rdmsr; or $0x100,%eax; wrmsr; movl $A,start;
# movl $B,start+4; mov %esi,%eax; mov $start,%ecx; jmp *%ecx.
LME_SHIM_AT = 0x7000


def set_lme_first(stub, start):
    """Make the CPU, stopped at start, set EFER.LME before it runs start."""
    first = stub.read_memory(start, 8)
    shim = (b'\x89\xc6\xb9' + struct.pack('<I', 0xC0000080) + b'\x0f\x32\x0d' +
            struct.pack('<I', 0x100) + b'\x0f\x30' +
            b'\xc7\x05' + struct.pack('<I', start) + first[:4] +
            b'\xc7\x05' + struct.pack('<I', start + 4) + first[4:] +
            b'\x89\xf0\xb9' + struct.pack('<I', start) + b'\xff\xe1')
    stub.write_memory(LME_SHIM_AT, shim)
    stub.write_memory(start, b'\xe9' + struct.pack('<i', LME_SHIM_AT - (start + 5)))


@scenario
def loader_long_mode(args, cfg, how):
    """The i686 kernel on a 64-bit CPU, entered with EFER.LME set as a loader
    that ran in long mode may leave it (Multiboot leaves EFER undefined;
    turning paging on without PAE would then be a #GP, and QEMU wedges the
    CPU instead): the guard pages' set-up clears the bit and says so on
    the debug port; paging is then on (CR0.PG, read from QEMU) with LME
    clear, and the kernel answers keys."""
    start = elf_symbol(args.elf, '_start')
    m = Machine(args.elf, memory=MEMORY, gdb=True, qemu='qemu-system-x86_64').start()
    with m:
        stub = GdbStub(m.gdb_port, args.elf, bits=64)
        stub.run_to(start)
        set_lme_first(stub, start)
        stub.detach()
        try:
            wait_main_loop(m)
            regs = m.hmp('info registers')
            cr0 = int(re.search(r'CR0=([0-9a-f]+)', regs).group(1), 16)
            efer = int(re.search(r'EFER=([0-9a-f]+)', regs).group(1), 16)
            if not cr0 & 1 << 31 or efer & 1 << 8:
                raise MachineError('CR0={:08x} EFER={:x}: paging off or LME set'.format(
                    cr0, efer))
            notice = 'guard pages: EFER.LME was left set by the loader: cleared\n'
            if notice not in m.debug_log():
                raise MachineError('debug port lacks {!r}:\n{}'.format(notice, m.debug_log()))
            typed_ok(m, cfg, 'after LME was cleared')
        finally:
            shoot(m, args, 'loader-long-mode')


def shoot(m, args, name):
    if args.shots and m.proc.poll() is None:
        os.makedirs(args.shots, exist_ok=True)
        m.screendump(os.path.join(args.shots, name + '.png'))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('scenario', choices=sorted(SCENARIOS))
    p.add_argument('--config', required=True)
    p.add_argument('--elf', required=True)
    p.add_argument('--background', choices=sorted(VGA_PALETTE), default='red')
    p.add_argument('--iso')
    p.add_argument('--ovmf', help='the UEFI firmware (uefi)')
    p.add_argument('--ktest')
    p.add_argument('--how', choices=['kernel', 'iso'], default='kernel')
    p.add_argument('--shots')
    p.add_argument('--addr2line', help='llvm-addr2line or addr2line (stack-smash)')
    args = p.parse_args()
    args.bits = elf.bits_of(args.elf)  # 32 (i686) or 64 (x86_64)
    try:
        SCENARIOS[args.scenario](args, read_config(args.config), args.how)
    except MachineError as e:
        print('FAIL {}: {}'.format(args.scenario, e))
        return 1
    except Skip as e:
        print('SKIP {}: {}'.format(args.scenario, e))
        return 77  # meson test's exit code for a skipped test
    if machine.ubsan_reports:
        print('FAIL {}: the sanitizer reported undefined behaviour:\n{}'.format(
            args.scenario, '\n'.join(machine.ubsan_reports)))
        return 1
    print('ok {}'.format(args.scenario))
    return 0


if __name__ == '__main__':
    sys.exit(main())

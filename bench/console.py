#!/usr/bin/env python3
"""Console cost: instructions per character written, scrolling included,
and core's memmove against glibc's on the copies a scroll by moving rows
would make.

    bench/console.py

Builds bench/console/console_bench.c with the console's text logic and
core's string functions for the host at both kernel widths, gcc -m32 -O2
(i686) and gcc -m64 -O2 (x86_64, from gcc-multilib), each with that
width's block copies (src/arch/x86/include/asm/string.h), and counts
instructions with valgrind --tool=callgrind (deterministic), each run
collecting only its measured function: the console writing 5000 lines of
79 characters and '\n', core's memmove of the bytes those lines' scrolls
move (24 rows of 160 bytes each), and glibc's memmove of the same. The
console itself no longer moves rows to scroll (it turns a ring of rows in
RAM and copies the screen out once a write), but memmove is what every
other copy in the kernel uses, so its target stays measured on these.

What is compared: core's memmove is `rep movsl` (i686) or `rep movsq`
(x86_64), and callgrind counts every step of a `rep` instruction as one
instruction, so a 3840-byte scroll is 960 or 480 of them; glibc's
memmove copies 16 or 32 bytes an instruction with vector registers, which
the kernel does not use (it saves no SSE state).

Targets, each width: core memmove / glibc memmove <= 2; the console
<= 20 instructions per character, scrolling included.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEMMOVE_TARGET = 2  # core memmove / glibc memmove, on the scrolls' copies
CHAR_TARGET = 20  # console instructions per character, scrolling included
WIDTHS = {'i686': 32, 'x86_64': 64}  # the kernel's targets and their gcc -m
RENAMES = ['-D{0}=core_{0}'.format(f) for f in
           ('memset', 'memcpy', 'memmove', 'memcmp', 'strlen', 'strcmp', 'strncmp')]


def build(tmp, bits, harden=()):
    """The bench for one width (gcc -m32 or -m64 -O2, not position-independent,
    as the kernel is not), with the x86 string primitives of that width;
    harden: flags the kernel's sources get on top (bench/hardening.py)."""
    exe = os.path.join(tmp, 'console_bench{}'.format(bits))
    src = os.path.join(ROOT, 'src')
    cc = ['gcc', '-m{}'.format(bits), '-O2', '-fno-pie', '-I', src,
          '-I', os.path.join(src, 'arch', 'x86', 'include')]
    objects = []
    for path, flags in ((os.path.join('core', 'string.c'), ['-fno-builtin']),
                        (os.path.join('console', 'vga_text.c'), [])):
        objects.append(os.path.join(tmp, '{}{}.o'.format(os.path.basename(path), bits)))
        subprocess.run(cc + RENAMES + flags + list(harden) +
                       ['-c', os.path.join(src, path), '-o', objects[-1]], check=True)
    links = [f for f in harden if f.startswith('-fsanitize')]  # its runtime, not its checks
    bench = os.path.join(tmp, 'console_bench{}.o'.format(bits))
    subprocess.run(cc + ['-c', os.path.join(ROOT, 'bench', 'console', 'console_bench.c'),
                         '-o', bench], check=True)
    subprocess.run(cc + ['-no-pie', bench] + objects + links + ['-o', exe], check=True)
    return exe


def instructions(exe, mode, function, tmp):
    """Instructions executed inside function (and what it calls)."""
    out = os.path.join(tmp, 'callgrind.' + mode)
    r = subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
                        '--toggle-collect=' + function, exe, mode],
                       capture_output=True, text=True, check=True)
    refs = re.search(r'Collected : (\d+)', r.stderr) or re.search(r'refs:\s+([\d,]+)', r.stderr)
    return int(refs.group(1).replace(',', '')), r.stdout.strip()


def main():
    print('## Console: instructions per character (callgrind, gcc -O2)\n')
    print('Core\'s memmove is `rep movsl` on i686, `rep movsq` on x86_64: callgrind '
          'counts each step of a `rep` instruction (one 4- or 8-byte word) as one '
          'instruction. glibc\'s memmove copies with vector registers, which the '
          'kernel does not use.\n')
    print('| target | console: write the text, scrolling | per character | '
          'core memmove of the scrolled bytes | per scroll | glibc memmove | per scroll '
          '| core / glibc memmove |')
    print('|---|---|---|---|---|---|---|---|')
    targets = []
    for target, bits in WIDTHS.items():
        with tempfile.TemporaryDirectory() as tmp:
            exe = build(tmp, bits)
            text, what = instructions(exe, 'text', 'measure_text', tmp)
            core, _ = instructions(exe, 'core', 'measure_core', tmp)
            libc, _ = instructions(exe, 'libc', 'measure_libc', tmp)
        chars = int(re.search(r'(\d+) characters', what).group(1))
        scrolls = int(re.search(r'(\d+) scrolls', what).group(1))
        print('| {} (-m{}) | {} | {:.1f} | {} | {:.0f} | {} | {:.0f} | {:.2f} |'.format(
            target, bits, text, text / chars, core, core / scrolls, libc, libc / scrolls,
            core / libc))
        targets.append((target + ': core memmove / glibc memmove', core / libc,
                        MEMMOVE_TARGET))
        targets.append((target + ': console instructions per character', text / chars,
                        CHAR_TARGET))
    print('\n' + what.replace('text: ', 'Text: ') + ' (each width).\n')
    for name, value, target in targets:
        print('- {}: {:.2f} (target <= {}: {})'.format(
            name, value, target,
            'met' if value <= target else 'missed by {:.2f}'.format(value - target)))
    return 0


if __name__ == '__main__':
    sys.exit(main())

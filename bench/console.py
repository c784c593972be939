#!/usr/bin/env python3
"""Console cost: instructions per character written, scrolling included.

    bench/console.py

Builds bench/console/console_bench.c with the console's text logic and
core's string functions for the host (cc -O2), and counts instructions with
valgrind --tool=callgrind (deterministic), each run collecting only its
measured function. The floor is a plain memmove of the bytes the scrolls
move (core's memmove, which scrolling uses; glibc's shown for reference).
Target: the console within 2x of core's memmove floor.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RENAMES = ['-D{0}=core_{0}'.format(f) for f in
           ('memset', 'memcpy', 'memmove', 'memcmp', 'strlen', 'strcmp', 'strncmp')]


def build(tmp):
    exe = os.path.join(tmp, 'console_bench')
    core = os.path.join(tmp, 'string.o')
    src = os.path.join(ROOT, 'src')
    subprocess.run(['cc', '-O2', '-fno-builtin', '-I', src] + RENAMES +
                   ['-c', os.path.join(src, 'core', 'string.c'), '-o', core], check=True)
    console = os.path.join(tmp, 'vga_text.o')  # scrolls with core's memmove
    subprocess.run(['cc', '-O2', '-I', src] + RENAMES +
                   ['-c', os.path.join(src, 'console', 'vga_text.c'), '-o', console],
                   check=True)
    subprocess.run(['cc', '-O2', '-I', src,
                    os.path.join(ROOT, 'bench', 'console', 'console_bench.c'),
                    console, core, '-o', exe], check=True)
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
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        text, what = instructions(exe, 'text', 'measure_text', tmp)
        floor, _ = instructions(exe, 'floor', 'measure_floor', tmp)
        libc, _ = instructions(exe, 'libc', 'measure_libc', tmp)
    chars = int(re.search(r'(\d+) characters', what).group(1))
    ratio = text / floor
    print('## Console: instructions per character (callgrind, host -O2)\n')
    print(what + '\n')
    print('| what | instructions | per character |')
    print('|---|---|---|')
    print('| console: write the text, scrolling | {} | {:.1f} |'.format(text, text / chars))
    print('| floor: core memmove of the scrolled bytes | {} | {:.1f} |'.format(floor, floor / chars))
    print('| reference: glibc memmove of the same bytes | {} | {:.1f} |'.format(libc, libc / chars))
    print('\nconsole / core memmove floor: {:.2f} (target <= 2: {})'.format(
        ratio, 'met' if ratio <= 2 else 'missed by {:.2f}'.format(ratio - 2)))
    print('console / glibc memmove: {:.2f}'.format(text / libc))
    return 0


if __name__ == '__main__':
    sys.exit(main())

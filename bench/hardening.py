#!/usr/bin/env python3
"""What hardening costs, per target: image size, and instructions in the
console and allocator benches, hardened against not.

    bench/hardening.py

- Image: the full kernel (every gate on) built plain and with HARDENED
  (UBSan and the stack protector), its loadable bytes (text, rodata, data)
  and bss, as tools/elf.py counts them.
- Console and allocator: bench/console.py's and bench/alloc.py's
  measurements (callgrind, gcc -O2 at the target's width), sluice's code
  compiled plain and with HOST_HARDENING, gcc's flags for the checks the
  kernel build inserts. Only the checks run: no report is made, so gcc's
  UBSan runtime, which stands in for the kernel's, is never called.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(ROOT, 'tools')]
import alloc  # noqa: E402 (bench/alloc.py)
import console  # noqa: E402 (bench/console.py)
from elf import section_sizes  # noqa: E402 (tools/elf.py)

TARGETS = {'i686': 32, 'x86_64': 64}  # and the width the host benches are built for
HARDENED = ['-Dpreset=hardened']  # every gate, UBSan, the stack protector, guard pages
HOST_HARDENING = ['-fsanitize=undefined', '-fstack-protector-strong']


def image(tmp, target, options):
    """The full kernel's sizes for target, built with options."""
    build = os.path.join(tmp, '{}{}'.format(target, len(options)))
    for cmd in (['meson', 'setup', build, '--cross-file',
                 os.path.join(ROOT, 'cross', target + '.ini')] + options,
                ['meson', 'compile', '-C', build, 'sluice.elf']):
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit('{} failed:\n{}{}'.format(' '.join(cmd), r.stdout, r.stderr))
    return section_sizes(os.path.join(build, 'sluice.elf'))


def console_per_char(tmp, bits, harden):
    """Console instructions per character written, scrolling included."""
    exe = console.build(tmp, bits, harden)
    text, what = console.instructions(exe, 'text', 'measure_text', tmp)
    return text / int(re.search(r'(\d+) characters', what).group(1))


def alloc_per_op(tmp, bits, harden):
    """{trace: (instructions per operation, worst operation)} of sluice's pool."""
    exe = alloc.build(tmp, bits, harden)
    out = {}
    for trace in alloc.TRACES:
        row = alloc.measure(exe, trace, 'sluice', tmp)
        out[trace] = (row['instructions'] / row['ops'], row['worst'])
    return out


def ratio(hardened, plain):
    return '{:.2f}x'.format(hardened / plain)


def main():
    print('## What hardening costs\n')
    print('Hardened: `{}` for the kernel (every gate on); for the host benches, '
          'sluice\'s sources compiled with `{}` (gcc, whose undefined group is close '
          'to clang\'s; no check fires, so only their cost is counted).\n'.format(' '.join(HARDENED),
                                                     ' '.join(HOST_HARDENING)))
    print('| target | measure | plain | hardened | hardened / plain |')
    print('|---|---|---|---|---|')
    for target, bits in TARGETS.items():
        with tempfile.TemporaryDirectory() as tmp:
            plain, hard = image(tmp, target, []), image(tmp, target, HARDENED)
            rows = [('image: loadable bytes', plain['loadable'], hard['loadable']),
                    ('image: text bytes', plain['text'], hard['text']),
                    ('image: bss bytes', plain['bss'], hard['bss'])]
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                rows.append(('console: instructions per character',
                             console_per_char(a, bits, ()),
                             console_per_char(b, bits, HOST_HARDENING)))
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                p, h = alloc_per_op(a, bits, ()), alloc_per_op(b, bits, HOST_HARDENING)
            for trace in alloc.TRACES:
                rows.append(('allocator, {}: instructions per operation'.format(trace),
                             p[trace][0], h[trace][0]))
                rows.append(('allocator, {}: worst operation'.format(trace),
                             p[trace][1], h[trace][1]))
        for what, before, after in rows:
            fmt = '{:.1f}' if isinstance(before, float) else '{}'
            print('| {} | {} | {} | {} | {} |'.format(target, what, fmt.format(before),
                                                       fmt.format(after),
                                                       ratio(after, before)))
    print()
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Boot-to-screen benchmark: the minimal image against a bare QEMU baseline.

    bench/boot.py [--target i686|x86_64] [--rounds N] [--build-root DIR]

Baseline: a Multiboot kernel that only leaves QEMU through isa-debug-exit
(bench/baseline.asm): its time is QEMU's start, SeaBIOS and the Multiboot
loader; for x86_64 (bench/baseline_x86_64.asm) it first enters long mode, as
any 64-bit kernel must. sluice: the minimal image (-Dpreset=minimal) of the
target, timed until all 2000
VGA cells are painted red, read with QMP pmemsave. Both are started the same
way and watched by the same 5 ms polling loop, interleaved round by round,
so that the noise of a shared machine hits both alike. Reports medians and
their ratio (target: at most 1.2), then the image size of every gate
combination (built under --build-root) and what each gate costs.
"""
import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'boot'))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
from builddir import ensure  # noqa: E402
from elf import section_sizes  # noqa: E402
from machine import Machine  # noqa: E402

GATES = ['color-console', 'keyboard', 'heap']
POLL = 0.005


def sh(cmd):
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.STDOUT)


BASELINES = {'i686': 'baseline.asm', 'x86_64': 'baseline_x86_64.asm'}


def baseline_image(tmp, target):
    obj, elf = os.path.join(tmp, 'baseline.o'), os.path.join(tmp, 'baseline.elf')
    sh(['nasm', '-f', 'elf32', '-o', obj, os.path.join(ROOT, 'bench', BASELINES[target])])
    sh(['ld.lld', '-m', 'elf_i386', '-Ttext', '0x100000', '-e', '_start', '-o', elf, obj])
    return elf


def time_until(elf, done):
    """Seconds from starting QEMU until done(machine) holds."""
    start = time.monotonic()
    m = Machine(elf).start()
    try:
        while not done(m):
            time.sleep(POLL)
        return time.monotonic() - start
    finally:
        m.close()


def painted_red(m):
    return m.cells() == [(0x20, 0x4F)] * 2000


def exited(m):
    return m.proc.poll() is not None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--target', choices=sorted(BASELINES), default='i686')
    p.add_argument('--rounds', type=int, default=15)
    p.add_argument('--build-root', default=os.path.join(ROOT, 'build-bench'))
    args = p.parse_args()
    root = os.path.join(args.build_root, args.target)

    sizes = {}
    for values in itertools.product([False, True], repeat=len(GATES)):
        combo = dict(zip(GATES, values))
        name = '+'.join(g for g in GATES if combo[g]) or 'minimal'
        elf = ensure(os.path.join(root, name), options=[
            '-D{}={}'.format(g, str(v).lower()) for g, v in combo.items()],
            target=args.target)
        sizes[name] = section_sizes(elf)
    minimal = os.path.join(root, 'minimal', 'sluice.elf')

    with tempfile.TemporaryDirectory() as tmp:
        base_elf = baseline_image(tmp, args.target)
        base, ours = [], []
        for _ in range(args.rounds):
            base.append(time_until(base_elf, exited))
            ours.append(time_until(minimal, painted_red))
    b, o = statistics.median(base), statistics.median(ours)
    ratio = o / b
    t = args.target
    print('## {}: boot to screen ({} rounds, interleaved, TCG)\n'.format(t, args.rounds))
    print('| image | median | min | max |')
    print('|---|---|---|---|')
    print('| baseline ({}) | {:.1f} ms | {:.1f} ms | {:.1f} ms |'.format(
        'exits at once' if t == 'i686' else 'enters long mode, exits',
        b * 1e3, min(base) * 1e3, max(base) * 1e3))
    print('| sluice minimal (screen red) | {:.1f} ms | {:.1f} ms | {:.1f} ms |'.format(
        o * 1e3, min(ours) * 1e3, max(ours) * 1e3))
    print('\nratio sluice / baseline: {:.2f} (target <= 1.2: {})\n'.format(
        ratio, 'met' if ratio <= 1.2 else 'missed by {:.2f}'.format(ratio - 1.2)))
    print('## {}: image size per combination (bytes)\n'.format(t))
    print('| combination | loadable | text | rodata | data | bss |')
    print('|---|---|---|---|---|---|')
    for name, s in sizes.items():
        print('| {} | {} | {} | {} | {} | {} |'.format(
            name, s['loadable'], s['text'], s['rodata'], s['data'], s['bss']))
    print('\n## {}: image size per subsystem (loadable bytes its gate adds)\n'.format(t))
    print('Alone: the minimal image with only this gate on, less the minimal image '
          '(this includes the core code the subsystem pulls in, such as the formatter '
          'behind its panic messages). '
          'In the full kernel: the full image less the full image without this gate '
          '(this includes what the gate adds to the others, such as the heap\'s '
          '`mem` command in the shell).\n')
    print('| gate | folder | alone | in the full kernel |')  # the gate's main folder
    print('|---|---|---|---|')
    full = '+'.join(GATES)
    for gate, folder in zip(GATES, ['src/console/', 'src/irq/', 'src/heap/']):
        without = '+'.join(g for g in GATES if g != gate)
        print('| `{}` | `{}` | {} | {} |'.format(
            gate, folder, sizes[gate]['loadable'] - sizes['minimal']['loadable'],
            sizes[full]['loadable'] - sizes[without]['loadable']))
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Allocator benchmark: sluice's TLSF pool against glibc's malloc, a K&R
first-fit free list and a bump allocator, on three fixed traces.

    bench/alloc.py

Builds bench/alloc/alloc_bench.c 32-bit (gcc -m32 -O2, from gcc-multilib),
so that the pool's headers are the kernel's 16 bytes, and not as a
position-independent executable, since the kernel is not one either (glibc
is measured as it ships, a shared library). Reports per trace and
allocator:
- instructions per operation: valgrind --tool=callgrind, counting only
  replay() (the trace is generated before it); deterministic;
- the median and the worst operation in TSC cycles, each operation's
  fastest of 51 replays (callgrind cannot time single operations), and
  their ratio;
- peak footprint / peak live bytes: the highest byte the pool or the K&R
  and bump arenas reached, glibc's arena plus mmapped bytes (mallinfo2).
Targets: fewer instructions per operation than glibc on the mixed trace;
the worst operation within 4x of the median; footprint at most 1.10x.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOCATORS = ['sluice', 'glibc', 'kr', 'bump']
TRACES = {'mixed': '8 B - 4 KiB, random lifetimes',
          'realloc': 'a buffer grown by realloc to 256 KiB, 20 times',
          'small': '8-64 B objects, each freed 16 allocations later'}
PANIC = r'''
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
void core_panic(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panic at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
'''


def build(tmp):
    panic = os.path.join(tmp, 'panic.c')
    with open(panic, 'w') as f:
        f.write(PANIC)
    exe = os.path.join(tmp, 'alloc_bench')
    alloc = os.path.join(ROOT, 'bench', 'alloc')
    subprocess.run(['gcc', '-m32', '-O2', '-fno-pie', '-no-pie',
                    '-I', os.path.join(ROOT, 'src'), '-I', alloc,
                    os.path.join(alloc, 'alloc_bench.c'), os.path.join(alloc, 'others.c'),
                    os.path.join(ROOT, 'src', 'heap', 'pool.c'), panic, '-o', exe],
                   check=True)
    return exe


def run(exe, allocator, trace, mode, tmp):
    cmd = [exe, allocator, trace, mode]
    if mode == 'count':
        cmd = ['valgrind', '--tool=callgrind', '--toggle-collect=replay',
               '--callgrind-out-file=' + os.path.join(tmp, 'cg.out')] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    out = r.stdout + r.stderr
    if 'exhausted' in out:
        return None
    fields = dict(re.findall(r'(\w+) (\d+)', r.stdout))
    if mode == 'count':
        fields['instructions'] = re.search(r'Collected : (\d+)', r.stderr).group(1)
    return {k: int(v) for k, v in fields.items()}


def main():
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        for trace in TRACES:
            for a in ALLOCATORS:
                count = run(exe, a, trace, 'count', tmp)
                if count is None:
                    rows[trace, a] = None
                    continue
                rows[trace, a] = count
                rows[trace, a].update(run(exe, a, trace, 'time', tmp))
                rows[trace, a].update(run(exe, a, trace, 'footprint', tmp))
    print('## Allocator traces (32-bit, gcc -O2, not PIE; instructions by callgrind)\n')
    for trace, what in TRACES.items():
        print('### {}: {}\n'.format(trace, what))
        print('| allocator | instructions/op | median op (cycles) | worst op (cycles) '
              '| worst/median | peak footprint / peak live |')
        print('|---|---|---|---|---|---|')
        for a in ALLOCATORS:
            r = rows[trace, a]
            if r is None:
                print('| {} | runs out of its 512 MiB arena | | | | |'.format(a))
                continue
            print('| {} | {:.1f} | {} | {} | {:.1f} | {:.2f} ({} / {} B) |'.format(
                a, r['instructions'] / r['ops'], r['median_cycles'], r['worst_cycles'],
                r['worst_cycles'] / r['median_cycles'],
                r['peak_footprint'] / r['peak_live'], r['peak_footprint'], r['peak_live']))
        print()
    s, g = rows['mixed', 'sluice'], rows['mixed', 'glibc']
    verdicts = [
        ('instructions/op on mixed below glibc',
         s['instructions'] / s['ops'] < g['instructions'] / g['ops'],
         '{:.1f} vs {:.1f}'.format(s['instructions'] / s['ops'], g['instructions'] / g['ops'])),
        ('worst op within 4x of the median (mixed)',
         s['worst_cycles'] <= 4 * s['median_cycles'],
         '{:.1f}x'.format(s['worst_cycles'] / s['median_cycles'])),
        ('footprint at most 1.10x live (mixed)', s['peak_footprint'] <= 1.10 * s['peak_live'],
         '{:.2f}x'.format(s['peak_footprint'] / s['peak_live'])),
    ]
    print('### Targets (sluice)\n')
    for what, ok, value in verdicts:
        print('- {}: {} ({})'.format(what, 'met' if ok else 'missed', value))
    return 0


if __name__ == '__main__':
    sys.exit(main())

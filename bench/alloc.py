#!/usr/bin/env python3
"""Allocator benchmark: sluice's TLSF pool against glibc's malloc, a K&R
first-fit free list, the same list searched for the best fit and a bump
allocator, on three fixed traces.

    bench/alloc.py

Builds bench/alloc/alloc_bench.c 32-bit (gcc -m32 -O2, from gcc-multilib),
so that the pool's headers are the kernel's 16 bytes, and not as a
position-independent executable, since the kernel is not one either (glibc
is measured as it ships, a shared library). Reports per trace and
allocator:
- the instructions of every single operation: callgrind collects only in
  replay_op() (one call per operation; the trace is generated before) and
  dumps its costs after each call into one file; deterministic, unlike
  timing single operations on a shared machine. From them: instructions
  per operation (their mean), the median and the worst operation;
- peak footprint / peak live bytes: the highest byte the pool or the K&R,
  best-fit and bump arenas reached, glibc's arena plus mmapped bytes
  (mallinfo2).
Targets: fewer instructions per operation than glibc on the mixed trace;
the worst operation within 4x of the median; footprint at most 1.10x.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOCATORS = ['sluice', 'glibc', 'kr', 'best', 'bump']
ONLY_ON = {'best': 'mixed'}  # a footprint reference: slow, and K&R's twin elsewhere
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


def allocators(trace):
    return [a for a in ALLOCATORS if ONLY_ON.get(a, trace) == trace]


def run(exe, allocator, trace, mode, tmp):
    """The figures alloc_bench prints; for mode count, the instructions of
    each operation under 'costs'. None when the arena ran out."""
    cmd = [exe, allocator, trace, mode]
    out = os.path.join(tmp, 'cg-{}-{}.out'.format(allocator, trace))
    if mode == 'count':
        cmd = ['valgrind', '--tool=callgrind', '--toggle-collect=replay_op',
               '--dump-after=replay_op', '--combine-dumps=yes',
               '--callgrind-out-file=' + out] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    if 'exhausted' in r.stdout:
        return None
    if r.returncode != 0:
        sys.exit('{} failed:\n{}{}'.format(' '.join(cmd), r.stdout, r.stderr))
    fields = {k: int(v) for k, v in re.findall(r'(\w+) (\d+)', r.stdout)}
    if mode == 'count':
        fields['costs'] = operation_costs(out)
        os.remove(out)
        if len(fields['costs']) != fields['ops']:
            sys.exit('callgrind gave {} parts for {} operations'.format(
                len(fields['costs']), fields['ops']))
    return fields


def operation_costs(path):
    """The total of each part that --dump-after wrote (the last part, written
    at exit, is not an operation's)."""
    costs, trigger = [], None
    with open(path) as f:
        for line in f:
            if line.startswith('desc: Trigger:'):
                trigger = line
            elif line.startswith('summary:') and '--dump-after' in trigger:
                costs.append(int(line.split()[1]))
    return costs


def measure(exe, trace, allocator, tmp):
    """One allocator's figures on one trace, or None if it ran out."""
    count = run(exe, allocator, trace, 'count', tmp)
    if count is None:
        return None
    costs = sorted(count['costs'])
    row = {'ops': count['ops'], 'instructions': sum(costs),
           'median': costs[len(costs) // 2], 'worst': costs[-1]}
    row.update(run(exe, allocator, trace, 'footprint', tmp))
    return row


def main():
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        jobs = [(trace, a) for trace in TRACES for a in allocators(trace)]
        # Callgrind's runs are deterministic, so they may share the cores.
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
            for (trace, a), row in zip(jobs, pool.map(lambda job: measure(exe, *job, tmp), jobs)):
                rows[trace, a] = row
    print('## Allocator traces (32-bit, gcc -O2, not PIE; instructions by callgrind)\n')
    print('Instructions are counted for every operation on its own; "best" is the\n'
          'K&R list searched whole for the smallest fitting block, the classic\n'
          'reference for how little a placement policy fragments.\n')
    for trace, what in TRACES.items():
        print('### {}: {}\n'.format(trace, what))
        print('| allocator | instructions/op | median op (instructions) '
              '| worst op (instructions) | worst/median | peak footprint / peak live |')
        print('|---|---|---|---|---|---|')
        for a in allocators(trace):
            r = rows[trace, a]
            if r is None:
                print('| {} | runs out of its 512 MiB arena | | | | |'.format(a))
                continue
            print('| {} | {:.1f} | {} | {} | {:.1f} | {:.2f} ({} / {} B) |'.format(
                a, r['instructions'] / r['ops'], r['median'], r['worst'],
                r['worst'] / r['median'],
                r['peak_footprint'] / r['peak_live'], r['peak_footprint'], r['peak_live']))
        print()
    s, g, b = rows['mixed', 'sluice'], rows['mixed', 'glibc'], rows['mixed', 'best']
    verdicts = [
        ('instructions/op on mixed below glibc',
         s['instructions'] / s['ops'] < g['instructions'] / g['ops'],
         '{:.1f} vs {:.1f}'.format(s['instructions'] / s['ops'], g['instructions'] / g['ops'])),
        ('worst op within 4x of the median (mixed)',
         s['worst'] <= 4 * s['median'],
         '{:.2f}x: {} against {} instructions'.format(s['worst'] / s['median'], s['worst'],
                                                     s['median'])),
        ('footprint at most 1.10x live (mixed)', s['peak_footprint'] <= 1.10 * s['peak_live'],
         '{:.2f}x, {:+.2f}x from the target; exhaustive best fit on the same trace: '
         '{:.2f}x'.format(s['peak_footprint'] / s['peak_live'],
                          s['peak_footprint'] / s['peak_live'] - 1.10,
                          b['peak_footprint'] / b['peak_live'])),
    ]
    print('### Targets (sluice)\n')
    for what, ok, value in verdicts:
        print('- {}: {} ({})'.format(what, 'met' if ok else 'missed', value))
    return 0


if __name__ == '__main__':
    sys.exit(main())

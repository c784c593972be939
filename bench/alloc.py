#!/usr/bin/env python3
"""Allocator benchmark: sluice's TLSF pool against glibc's malloc, a K&R
first-fit free list, the same list searched for the best fit and a bump
allocator, on three fixed traces.

    bench/alloc.py [--bits 32|64]

Builds bench/alloc/alloc_bench.c for the i686 kernel's width (gcc -m32 -O2,
from gcc-multilib), or with --bits 64 for x86_64's, so that the pool's
headers are the kernel's, and not as a
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

One trace's footprint depends on its draw as much as on the allocator, so
the mixed trace's kind is also replayed with SWEEP seeds (seed 0 is the
trace above): the spread of every allocator's footprint over them.
"""
import argparse
import concurrent.futures
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOCATORS = ['sluice', 'glibc', 'kr', 'best', 'bump']
ONLY_ON = {'best': 'mixed'}  # a footprint reference: slow, and K&R's twin elsewhere
FOOTPRINT_TARGET = 1.10  # peak footprint / peak live, on the mixed trace
SWEEP = 32
SWEPT = ['sluice', 'glibc', 'kr', 'best']  # a bump pointer's footprint is all it allocated
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


def build(tmp, bits):
    panic = os.path.join(tmp, 'panic.c')
    with open(panic, 'w') as f:
        f.write(PANIC)
    exe = os.path.join(tmp, 'alloc_bench{}'.format(bits))
    alloc = os.path.join(ROOT, 'bench', 'alloc')
    subprocess.run(['gcc', '-m{}'.format(bits), '-O2', '-fno-pie', '-no-pie',
                    '-I', os.path.join(ROOT, 'src'), '-I', alloc,
                    os.path.join(alloc, 'alloc_bench.c'), os.path.join(alloc, 'others.c'),
                    os.path.join(ROOT, 'src', 'heap', 'pool.c'), panic, '-o', exe],
                   check=True)
    return exe


def allocators(trace):
    return [a for a in ALLOCATORS if ONLY_ON.get(a, trace) == trace]


def run(exe, allocator, trace, mode, tmp, seed=0):
    """The figures alloc_bench prints; for mode count, the instructions of
    each operation under 'costs'. None when the arena ran out."""
    cmd = [exe, allocator, trace, mode, str(seed)]
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


def footprint_ratio(exe, allocator, seed, tmp):
    """Peak footprint / peak live of one allocator on the mixed trace of
    this seed."""
    r = run(exe, allocator, 'mixed', 'footprint', tmp, seed)
    return r['peak_footprint'] / r['peak_live']


def print_sweep(ratios):
    """The table of the seed sweep; ratios[a]: allocator a's footprints."""
    print('### mixed, {} traces of the same kind (seeds 0-{})\n'.format(SWEEP, SWEEP - 1))
    print('Peak footprint / peak live bytes of each trace; the same sizes and '
          'lifetimes\nfor every allocator within a trace.\n')
    print('| allocator | median | lowest | highest | traces within {:.2f}x |'.format(
        FOOTPRINT_TARGET))
    print('|---|---|---|---|---|')
    for a in SWEPT:
        r = sorted(ratios[a])
        print('| {} | {:.3f} | {:.3f} | {:.3f} | {} of {} |'.format(
            a, statistics.median(r), r[0], r[-1],
            sum(x <= FOOTPRINT_TARGET for x in r), len(r)))
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--bits', type=int, choices=[32, 64], default=32,
                   help='the width to build the traces for: i686\'s or x86_64\'s')
    args = p.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp, args.bits)
        jobs = [(trace, a) for trace in TRACES for a in allocators(trace)]
        sweep = [(a, seed) for a in SWEPT for seed in range(SWEEP)]
        # Callgrind's runs are deterministic, so they may share the cores.
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
            for (trace, a), row in zip(jobs, pool.map(lambda job: measure(exe, *job, tmp), jobs)):
                rows[trace, a] = row
            ratios = {a: [] for a in SWEPT}
            for (a, _), ratio in zip(sweep, pool.map(
                    lambda job: footprint_ratio(exe, *job, tmp), sweep)):
                ratios[a].append(ratio)
    print('## Allocator traces ({}-bit, gcc -O2, not PIE; instructions by callgrind)\n'
          .format(args.bits))
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
    print_sweep(ratios)
    s, g, b = rows['mixed', 'sluice'], rows['mixed', 'glibc'], rows['mixed', 'best']
    verdicts = [
        ('instructions/op on mixed below glibc',
         s['instructions'] / s['ops'] < g['instructions'] / g['ops'],
         '{:.1f} vs {:.1f}'.format(s['instructions'] / s['ops'], g['instructions'] / g['ops'])),
        ('worst op within 4x of the median (mixed)',
         s['worst'] <= 4 * s['median'],
         '{:.2f}x: {} against {} instructions'.format(s['worst'] / s['median'], s['worst'],
                                                     s['median'])),
        ('footprint at most {:.2f}x live (mixed)'.format(FOOTPRINT_TARGET),
         s['peak_footprint'] <= FOOTPRINT_TARGET * s['peak_live'],
         '{:.2f}x, {:+.2f}x from the target; exhaustive best fit on the same trace: '
         '{:.2f}x; medians over {} traces of the kind: sluice {:.3f}x, best fit '
         '{:.3f}x'.format(s['peak_footprint'] / s['peak_live'],
                          s['peak_footprint'] / s['peak_live'] - FOOTPRINT_TARGET,
                          b['peak_footprint'] / b['peak_live'], SWEEP,
                          statistics.median(ratios['sluice']),
                          statistics.median(ratios['best']))),
    ]
    print('### Targets (sluice)\n')
    for what, ok, value in verdicts:
        print('- {}: {} ({})'.format(what, 'met' if ok else 'missed', value))
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Allocator benchmark: sluice's pool (TLSF with small-object spans in
front) against the same pool before the spans, glibc's malloc, a K&R
first-fit free list, the same list searched for the best fit and a bump
allocator, on four fixed traces.

    bench/alloc.py [--bits 32|64]

Builds bench/alloc/alloc_bench.c for the i686 kernel's width (gcc -m32 -O2,
from gcc-multilib), or with --bits 64 for x86_64's, so that the pool's
headers are the kernel's, and not as a
position-independent executable, since the kernel is not one either (glibc
is measured as it ships, a shared library). The reference "tlsf" is
src/heap/pool.c and pool.h as of commit REFERENCE, the pool before the
spans, taken from git and compiled beside today's with its heap_pool_
names renamed (bench/alloc/reference.c). Reports per trace and
allocator:
- the instructions of every single operation: callgrind collects only in
  replay_op() (one call per operation; the trace is generated before) and
  dumps its costs after each call into one file; deterministic, unlike
  timing single operations on a shared machine. From them: instructions
  per operation (their mean), the median and the worst operation;
- peak footprint / peak live bytes: the highest byte the pool or the K&R,
  best-fit and bump arenas reached, glibc's arena plus mmapped bytes
  (mallinfo2).

One trace's footprint depends on its draw as much as on the allocator, so
the mixed trace's kind is also replayed with SWEEP seeds (seed 0 is the
trace above): the spread of every allocator's footprint over them.

Targets, each printed as met or missed with its numbers:
- fewer instructions per operation than glibc on mixed, realloc and small,
  and on small at most SMALL_TARGET times glibc's;
- the worst single operation on mixed and on small no dearer than the
  reference pool's (so a fast path hides no slow refill);
- over the SWEEP mixed traces, the median footprint at most
  FOOTPRINT_TARGET times exhaustive best fit's median;
- on small-many, a footprint below glibc's and at most MANY_TARGET times
  the reference pool's.
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
ALLOCATORS = ['sluice', 'tlsf', 'glibc', 'kr', 'best', 'bump']
# best is a footprint reference: slow, and K&R's twin elsewhere; K&R's
# first fit walks a list of thousands of free blocks on small-many.
ONLY_ON = {'best': ['mixed'], 'kr': ['mixed', 'realloc', 'small']}
REFERENCE = 'bb161a4'  # the pool before the small-object spans
SMALL_TARGET = 0.75    # instructions/op on small, times glibc's
FOOTPRINT_TARGET = 1.03  # median footprint on the mixed sweep, times best fit's
MANY_TARGET = 1.10     # footprint on small-many, times the reference pool's
SWEEP = 32
SWEPT = ['sluice', 'tlsf', 'glibc', 'kr', 'best']  # a bump pointer's is all it allocated
TRACES = {'mixed': '8 B - 4 KiB, random lifetimes',
          'realloc': 'a buffer grown by realloc to 256 KiB, 20 times',
          'small': '8-64 B objects, each freed 16 allocations later',
          'small-many': '8-64 B objects, 40,000 live, random lifetimes'}
REFERENCE_NAMES = ['init', 'add', 'alloc', 'alloc_aligned', 'calloc', 'realloc', 'free',
                   'stats']
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


def reference_objects(tmp, bits, alloc):
    """The reference pool (REFERENCE's pool.c and pool.h, from git) and
    reference.c, compiled with the old pool.h found first and heap_pool_*
    renamed ref_pool_*: the object files to link."""
    heap = os.path.join(tmp, 'reference', 'heap')
    os.makedirs(heap)
    for name in ('pool.c', 'pool.h'):
        text = subprocess.run(['git', '-C', ROOT, 'show',
                               '{}:src/heap/{}'.format(REFERENCE, name)],
                              capture_output=True, text=True, check=True).stdout
        with open(os.path.join(heap, name), 'w') as f:
            f.write(text)
    renames = ['-Dheap_pool_{0}=ref_pool_{0}'.format(n) for n in REFERENCE_NAMES]
    objects = []
    for src in (os.path.join(heap, 'pool.c'), os.path.join(alloc, 'reference.c')):
        obj = os.path.join(tmp, 'ref-' + os.path.basename(src) + '.o')
        subprocess.run(['gcc', '-m{}'.format(bits), '-O2', '-fno-pie', '-c'] + renames +
                       ['-I', os.path.dirname(heap), '-I', os.path.join(ROOT, 'src'),
                        '-I', alloc, src, '-o', obj], check=True)
        objects.append(obj)
    return objects


def build(tmp, bits, harden=()):
    """The bench for one width; harden: flags the kernel's pool.c gets on top
    (bench/hardening.py)."""
    panic = os.path.join(tmp, 'panic.c')
    with open(panic, 'w') as f:
        f.write(PANIC)
    exe = os.path.join(tmp, 'alloc_bench{}'.format(bits))
    alloc = os.path.join(ROOT, 'bench', 'alloc')
    cc = ['gcc', '-m{}'.format(bits), '-O2', '-fno-pie', '-I', os.path.join(ROOT, 'src')]
    pool = os.path.join(tmp, 'pool.o')
    subprocess.run(cc + list(harden) + ['-c', os.path.join(ROOT, 'src', 'heap', 'pool.c'),
                                        '-o', pool], check=True)
    objects = [pool]
    for src in (os.path.join(alloc, 'alloc_bench.c'), os.path.join(alloc, 'others.c'), panic):
        objects.append(os.path.join(tmp, os.path.basename(src) + '.o'))
        subprocess.run(cc + ['-I', alloc, '-c', src, '-o', objects[-1]], check=True)
    links = [f for f in harden if f.startswith('-fsanitize')]  # its runtime, not its checks
    subprocess.run(cc + ['-no-pie'] + objects + reference_objects(tmp, bits, alloc) + links +
                   ['-o', exe], check=True)
    return exe


def allocators(trace):
    return [a for a in ALLOCATORS if trace in ONLY_ON.get(a, [trace])]


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
    """The table of the seed sweep; ratios[a]: allocator a's footprints,
    by seed."""
    print('### mixed, {} traces of the same kind (seeds 0-{})\n'.format(SWEEP, SWEEP - 1))
    print('Peak footprint / peak live bytes of each trace; the same sizes and '
          'lifetimes\nfor every allocator within a trace.\n')
    print('| allocator | median | lowest | highest | traces within {:.2f}x best fit\'s |'
          .format(FOOTPRINT_TARGET))
    print('|---|---|---|---|---|')
    for a in SWEPT:
        r = sorted(ratios[a])
        within = sum(x <= FOOTPRINT_TARGET * b for x, b in zip(ratios[a], ratios['best']))
        print('| {} | {:.3f} | {:.3f} | {:.3f} | {} of {} |'.format(
            a, statistics.median(r), r[0], r[-1], within, len(r)))
    print()


def per_op(row):
    """Instructions per operation of one allocator's row."""
    return row['instructions'] / row['ops']


def verdicts(rows, ratios):
    """The targets: (what, met, the numbers)."""
    out = []
    for trace in ('mixed', 'realloc', 'small'):
        s, g = per_op(rows[trace, 'sluice']), per_op(rows[trace, 'glibc'])
        out.append(('instructions/op on {} below glibc\'s'.format(trace), s < g,
                    '{:.1f} vs {:.1f}, {:.2f}x'.format(s, g, s / g)))
    s, g = per_op(rows['small', 'sluice']), per_op(rows['small', 'glibc'])
    out.append(('instructions/op on small at most {:.2f}x glibc\'s'.format(SMALL_TARGET),
                s <= SMALL_TARGET * g, '{:.2f}x: {:.1f} vs {:.1f}'.format(s / g, s, g)))
    for trace in ('mixed', 'small'):
        s, t = rows[trace, 'sluice'], rows[trace, 'tlsf']
        out.append(('worst op on {} no dearer than the pool before the spans'.format(trace),
                    s['worst'] <= t['worst'],
                    '{} vs {} instructions (median {} vs {})'.format(
                        s['worst'], t['worst'], s['median'], t['median'])))
    s, b = statistics.median(ratios['sluice']), statistics.median(ratios['best'])
    out.append(('median footprint over {} mixed traces at most {:.2f}x best fit\'s'.format(
        SWEEP, FOOTPRINT_TARGET), s <= FOOTPRINT_TARGET * b,
        '{:.3f} vs {:.3f}, {:.3f}x'.format(s, b, s / b)))
    s, g, t = (rows['small-many', a]['peak_footprint'] for a in ('sluice', 'glibc', 'tlsf'))
    out.append(('footprint on small-many below glibc\'s', s < g,
                '{} vs {} B, {:.2f}x'.format(s, g, s / g)))
    out.append(('footprint on small-many at most {:.2f}x the pool before the spans'.format(
        MANY_TARGET), s <= MANY_TARGET * t, '{} vs {} B, {:.2f}x'.format(s, t, s / t)))
    return out


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
    print('Instructions are counted for every operation on its own; "tlsf" is\n'
          'sluice\'s pool before its small-object spans (commit {}); "best" is the\n'
          'K&R list searched whole for the smallest fitting block, the classic\n'
          'reference for how little a placement policy fragments.\n'.format(REFERENCE))
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
    print('### Targets (sluice)\n')
    for what, ok, value in verdicts(rows, ratios):
        print('- {}: {} ({})'.format(what, 'met' if ok else 'missed', value))
    return 0


if __name__ == '__main__':
    sys.exit(main())

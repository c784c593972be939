#!/usr/bin/env python3
"""Set up, build and test every combination of the gates, on every target.

    tests/matrix.py [--jobs N] [--target TARGET | --only TARGET:NAME] [--list]
                    [--json FILE] [BUILD_ROOT]

Each target (i686, x86_64: a cross file each) times each of the 2^3
combinations gets its own build directory under BUILD_ROOT (default
build-matrix/), BUILD_ROOT/TARGET/NAME, where `meson setup`, `meson compile`
and `meson test` run as a user would run them; so does Step 2's preset, the
minimal kernel on another background (-Dpreset=blue), since the gates'
tests are all red otherwise, and the hardened preset (every gate on, with
UBSan, the stack protector and guard pages), whose boot tests also fail on
any sanitizer report. The unit suite is host code that the gates
only add to, the same binaries in every combination that builds them, so
it runs once a target, in the all-gates combination, which builds all of
it; the boot and gates suites run everywhere. Where the unit suite does
not run, ninja builds what the other suites need instead of `meson
compile`, which would compile the unit tests too. Prints a table
(configuration, image size, tests passed and failed) and ends with a line
"N passed, M failed" counting tests over the whole matrix. Exits 1 if
anything failed, including a setup or a build. --only TARGET:NAME runs one
configuration (as each job of .github/workflows/ci.yml does), --target
TARGET one target's ten; --list prints the names. Before the last line it
prints where the time went, per target: each step's wall and CPU time
(setup, build, test) and each suite's test time; --json FILE writes all of
it for bench/run.
"""
import argparse
import concurrent.futures
import itertools
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def gate_names():
    """The gates, as src/meson.build's table lists them (described once)."""
    with open(os.path.join(ROOT, 'src', 'meson.build')) as f:
        listed = re.search(r"^gate_names = \[([^\]]*)\]", f.read(), re.M).group(1)
    return re.findall(r"'([\w-]+)'", listed)


GATES = gate_names()
TARGETS = {'i686': 'cross/i686.ini', 'x86_64': 'cross/x86_64.ini'}
# Where all gates are on, every suite runs; elsewhere all but these.
ONCE_ONLY = ['unit']
sys.path.insert(0, os.path.join(ROOT, 'tools'))
from elf import section_sizes  # noqa: E402


def configurations():
    """(TARGET:NAME, cross file, meson setup options, suites to leave out)
    of every combination on every target, then the presets."""
    for target, cross in TARGETS.items():
        for values in itertools.product([False, True], repeat=len(GATES)):
            combo = dict(zip(GATES, values))
            yield (target + ':' + ('+'.join(g for g in GATES if combo[g]) or 'minimal'),
                   cross, ['-D{}={}'.format(g, str(v).lower()) for g, v in combo.items()],
                   [] if all(values) else ONCE_ONLY)
        yield target + ':minimal-blue', cross, ['-Dpreset=blue'], ONCE_ONLY
        yield target + ':hardened', cross, ['-Dpreset=hardened'], ONCE_ONLY


def run(cmd, log):
    """Run cmd with its output in log; returns (exit status, CPU seconds
    that cmd and every process it waited for used, user and system)."""
    log.write('$ ' + ' '.join(cmd) + '\n')
    log.flush()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def targets_for(build, skipped_suites):
    """What the build directory's tests outside skipped_suites need, and
    every default target that no left-out test alone needs, as ninja's
    outputs: `meson compile` builds every test's executable ('all' holds
    them), and `meson test` builds them before it runs any test, so the
    unit tests and their sanitizer variants and fuzzers would be compiled
    where they do not run."""
    def introspect(what):
        return json.loads(subprocess.run(['meson', 'introspect', build, what], cwd=ROOT,
                                         check=True, capture_output=True, text=True).stdout)
    left_out = set('sluice:' + suite for suite in skipped_suites)
    needed, only_left_out = set(), set()
    for test in introspect('--tests'):
        (only_left_out if left_out & set(test['suite']) else needed).update(test['depends'])
    only_left_out -= needed
    outputs = []
    for target in introspect('--targets'):
        if target['id'] in needed or (target['build_by_default'] and
                                      target['id'] not in only_left_out):
            outputs += [os.path.relpath(f, build) for f in target['filename']]
    return outputs


def build_and_test(name, cross, options, skipped_suites, build_root, test_jobs):
    """Returns a result dict for one configuration; never raises."""
    build = os.path.join(build_root, *name.split(':'))
    os.makedirs(os.path.dirname(build), exist_ok=True)
    result = {'name': name, 'size': None, 'passed': 0, 'failed': 0,
              'failures': [], 'log': build + '.log', 'steps': {}, 'cpu': {},
              'suites': {}}
    start = time.monotonic()

    def timed(step, cmd, log):
        begun = time.monotonic()
        status, result['cpu'][step] = run(cmd, log)
        result['steps'][step] = time.monotonic() - begun
        return status

    with open(result['log'], 'w') as log:
        if os.path.exists(os.path.join(build, 'meson-private')):
            setup = ['meson', 'setup', '--reconfigure', build] + options
        else:
            setup = ['meson', 'setup', build, '--cross-file', cross] + options
        compile_all = ['meson', 'compile', '-C', build]
        for step, cmd in (('setup', setup), ('build', compile_all)):
            if step == 'build' and skipped_suites:
                cmd = ['ninja', '-C', build] + targets_for(build, skipped_suites)
            if timed(step, cmd, log) != 0:
                result['failed'] += 1
                result['failures'].append(step)
                result['seconds'] = time.monotonic() - start
                return result
        result['size'] = section_sizes(os.path.join(build, 'sluice.elf'))['loadable']
        testlog = os.path.join(build, 'meson-logs', 'testlog.json')
        if os.path.exists(testlog):
            os.remove(testlog)
        # Where suites are left out, everything their tests need is built
        # (targets_for): a rebuild here would build the rest too.
        timed('test', ['meson', 'test', '-C', build, '--print-errorlogs',
                       '--num-processes', str(test_jobs)] +
              (['--no-rebuild'] if skipped_suites else []) +
              ['--no-suite=' + suite for suite in skipped_suites], log)
    if not os.path.exists(testlog):
        result['failed'] += 1
        result['failures'].append('meson test')
    else:
        with open(testlog) as f:
            for line in f:
                t = json.loads(line)
                suite = t['name'].split(' / ')[0].split(':')[-1]
                result['suites'][suite] = result['suites'].get(suite, 0) + t['duration']
                if t['result'] in ('OK', 'EXPECTEDFAIL'):
                    result['passed'] += 1
                elif t['result'] != 'SKIP':
                    result['failed'] += 1
                    result['failures'].append(t['name'])
    result['seconds'] = time.monotonic() - start
    return result


def breakdown(results):
    """Where the time went, per target: the wall and CPU time of each step
    summed over its configurations, and each suite's test time (tests of a
    configuration run side by side, so these add up to more than the
    test step's wall time)."""
    rows = []
    for target in TARGETS:
        mine = [r for r in results if r['name'].startswith(target + ':')]
        if not mine:
            continue
        steps = {step: sum(r['steps'].get(step, 0) for r in mine)
                 for step in ('setup', 'build', 'test')}
        cpu = {step: sum(r['cpu'].get(step, 0) for r in mine)
               for step in ('setup', 'build', 'test')}
        suites = {}
        for r in mine:
            for suite, seconds in r['suites'].items():
                suites[suite] = suites.get(suite, 0) + seconds
        rows.append({'target': target, 'steps': steps, 'cpu': cpu, 'suites': suites})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('build_root', nargs='?', default=os.path.join(ROOT, 'build-matrix'))
    p.add_argument('--jobs', type=int, default=2,
                   help='combinations built and tested at once (default 2)')
    p.add_argument('--only', metavar='NAME', help='run this configuration alone')
    p.add_argument('--target', choices=sorted(TARGETS),
                   help='run only this target\'s configurations')
    p.add_argument('--list', action='store_true', help='print the configurations\' names')
    p.add_argument('--json', metavar='FILE', help='also write the results and timings here')
    args = p.parse_args()
    configs = list(configurations())
    if args.target:
        configs = [c for c in configs if c[0].startswith(args.target + ':')]
    if args.only:
        configs = [c for c in configs if c[0] == args.only]
        if not configs:
            p.error('no configuration {!r}; --list names them'.format(args.only))
    if args.list:
        print('\n'.join(c[0] for c in configs))
        return 0
    os.makedirs(args.build_root, exist_ok=True)
    start = time.monotonic()
    # Longest first: the all-gates combinations, which alone run every
    # suite, then by the number of gates on (each adds boot scenarios).
    longest_first = sorted(configs, key=lambda c: (bool(c[3]), -sum(
        o.endswith('=true') for o in c[2])))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        done = dict(zip([c[0] for c in longest_first], pool.map(
            lambda c: build_and_test(*c, args.build_root, 2), longest_first)))
    results = [done[c[0]] for c in configs]

    print('{:<36} {:>9} {:>7} {:>7} {:>6}'.format(
        'configuration', 'image (B)', 'passed', 'failed', 'time'))
    for r in results:
        print('{:<36} {:>9} {:>7} {:>7} {:>5.1f}s'.format(
            r['name'], r['size'] if r['size'] is not None else '-',
            r['passed'], r['failed'], r['seconds']))
    for r in results:
        if r['failed']:
            print('\n{}: failed: {} (log: {})'.format(
                r['name'], ', '.join(r['failures']), r['log']))
            with open(r['log']) as f:
                tail = f.read()[-3000:]
            print('\n'.join('    ' + line for line in tail.splitlines()))
    passed = sum(r['passed'] for r in results)
    failed = sum(r['failed'] for r in results)
    wall = time.monotonic() - start
    rows = breakdown(results)
    print('\nseconds per target, summed over its configurations: wall time and '
          'CPU time (user + system, every process) of each step; each suite\'s '
          'test time, summed over its tests')
    for row in rows:
        print('  {}: {}; suites: {}'.format(row['target'], ', '.join(
            '{} {:.1f} (CPU {:.1f})'.format(step, row['steps'][step], row['cpu'][step])
            for step in ('setup', 'build', 'test')), ', '.join(
            '{} {:.1f}'.format(suite, seconds) for suite, seconds in sorted(row['suites'].items()))))
    cpu = sum(sum(row['cpu'].values()) for row in rows)
    print('  CPU time in all: {:.1f} s, at least {:.1f} s of wall time on {} cores'.format(
        cpu, cpu / (os.cpu_count() or 1), os.cpu_count() or 1))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'wall': wall, 'passed': passed, 'failed': failed, 'cpu': cpu,
                       'configurations': results, 'targets': rows}, f, indent=1)
    print('\nmatrix of {} configurations in {:.1f}s'.format(len(results), wall))
    print('{} passed, {} failed'.format(passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

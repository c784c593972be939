#!/usr/bin/env python3
"""presets.py MESON NM SOURCE_ROOT CROSS NAME=GATES=BACKGROUND=HARDENING GATE...:
the preset NAME (whose gates on are GATES, comma-separated, whose
background is BACKGROUND and whose hardening options are HARDENING, as
OPTION:VALUE pairs, comma-separated, as src/meson.build's tables say;
GATE... are all the gates) sets up with its gates and hardening for the
target of cross file CROSS, and a gate or hardening option set with
`meson configure` wins over the preset and keeps winning.

For each preset: `meson setup -Dpreset=NAME`, then each gate in turn set to
the opposite of the preset's value with `meson configure -DGATE=...` and
sluice.elf rebuilt (which regenerates the build first). After every step
the summary (printed by the regeneration) says each gate's value and where
it comes from, and the image says the same: a gate's entry point is in it
exactly when the gate is on, and its size changes with every flip. Then
-DGATE=auto for the last gate gives the preset's value back, and a regeneration on its own
(`meson setup --reconfigure`, as an edited meson.build makes one) keeps
every value. The hardening options are checked the same way at every step
(the summary's value and source, and each runtime's symbol in the image
exactly when its option is on); a preset with any of them on has them all
turned off with `meson configure` at the end, and the image loses them.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_symbols import SUBSYSTEMS  # noqa: E402  each gate's entry point


class Failure(Exception):
    pass


def run(cmd, root):
    r = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure('{} failed:\n{}'.format(' '.join(cmd), (r.stdout + r.stderr)[-1500:]))
    return r.stdout


# Each hardening option's value that means off, a symbol its runtime puts
# in every image that has it (any symbol that starts with it), and the gate
# it needs, if any: without it a preset's value is off.
HARDENING = {'stack-protector': ('none', '__stack_chk_guard', None),
             'ubsan': ('off', '__ubsan_handle_', None),
             'guard-pages': ('false', 'arch_guard_init', 'keyboard')}


def check(meson, nm, root, build, summary, preset, want, sources, hardening):
    """Rebuild; the summary (what setup printed, or else the rebuild's
    regeneration) and the image agree with want (gate: on), sources
    (gate: 'preset NAME' or '-DGATE') and hardening (option: (value,
    source))."""
    # The rebuild regenerates first after `meson configure`, and so prints
    # the summary itself; after a setup, the setup printed it.
    built = run([meson, 'compile', '-C', build, 'sluice.elf'], root)
    summary = summary or built
    for gate, on in want.items():
        line = r'^\s*{}\s*: {} \({}\)$'.format(re.escape(gate), 'YES' if on else 'NO',
                                             re.escape(sources[gate]))
        if not re.search(line, summary, re.M):
            raise Failure('{}: the summary lacks {!r}:\n{}'.format(preset, line, summary))
    elf = os.path.join(build, 'sluice.elf')
    symbols = set(line.split()[-1] for line in run([nm, '--defined-only', elf], root)
                  .splitlines() if line.strip())
    for gate, on in want.items():
        entry = SUBSYSTEMS[gate]['entry']
        if (entry in symbols) != on:
            raise Failure('{}: -D{} is {} but {} is {} the image'.format(
                preset, gate, on, entry, 'in' if not on else 'not in'))
    for option, (value, source) in hardening.items():
        off, symbol, needs = HARDENING[option]
        if needs and not want[needs] and value != off and source.startswith('preset'):
            value, source = off, source + ', but needs ' + needs
        line = r'^\s*{}\s*: {} \({}\)$'.format(re.escape(option), re.escape(value),
                                              re.escape(source))
        if not re.search(line, summary, re.M):
            raise Failure('{}: the summary lacks {!r}:\n{}'.format(preset, line, summary))
        found = any(name.startswith(symbol) for name in symbols)
        if found != (value != off):
            raise Failure('{}: -D{}={} but {}* is {} the image'.format(
                preset, option, value, symbol, 'in' if found else 'not in'))
    return os.path.getsize(elf), sum(1 for _ in symbols)


def main():
    meson, nm, root, cross, described = sys.argv[1:6]
    preset, gates_on, colour, hardened = described.split('=')
    gates = sys.argv[6:]
    values = [gate in gates_on.split(',') for gate in gates]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        build = os.path.join(tmp, 'build')
        try:
            summary = run([meson, 'setup', build, '--cross-file', cross,
                           '-Dpreset=' + preset], root)
            want = dict(zip(gates, values))
            sources = {gate: 'preset ' + preset for gate in gates}
            hardening = {option: (value, 'preset ' + preset) for option, value in
                         (pair.split(':') for pair in hardened.split(',') if pair)}
            if not re.search(r'^\s*preset\s*: {}$'.format(preset), summary, re.M):
                raise Failure('{}: the summary does not name the preset'.format(preset))
            if not re.search(r'^\s*background\s*: {} \(preset {}\)$'.format(
                    colour, preset), summary, re.M):
                raise Failure('{}: the summary lacks the background {}'.format(
                    preset, colour))
            image = check(meson, nm, root, build, summary, preset, want, sources, hardening)
            for gate in gates:
                want[gate] = not want[gate]
                sources[gate] = '-D' + gate
                run([meson, 'configure', build,
                     '-D{}={}'.format(gate, str(want[gate]).lower())], root)
                flipped = check(meson, nm, root, build, None, preset, want, sources, hardening)
                if flipped == image:
                    raise Failure('{}: the image did not change with -D{}={}'.format(
                        preset, gate, str(want[gate]).lower()))
                image = flipped
            gate = gates[-1]
            want[gate], sources[gate] = values[-1], 'preset ' + preset
            run([meson, 'configure', build, '-D{}=auto'.format(gate)], root)
            summary = run([meson, 'setup', '--reconfigure', build], root)
            check(meson, nm, root, build, summary, preset, want, sources, hardening)
            on = [o for o, (value, _) in hardening.items() if value != HARDENING[o][0]]
            if on:
                hardening.update({o: (HARDENING[o][0], '-D' + o) for o in on})
                run([meson, 'configure', build] +
                    ['-D{}={}'.format(o, HARDENING[o][0]) for o in on], root)
                check(meson, nm, root, build, None, preset, want, sources, hardening)
            print('ok: preset {} set up; every gate flipped and kept through '
                  'regeneration; -D{}=auto gives the preset\'s back; hardening '
                  'as the preset says{}'.format(
                      preset, gate, ', then off: ' + ', '.join(on) if on else ''))
        except Failure as e:
            print('FAIL: {}'.format(e))
            failed += 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

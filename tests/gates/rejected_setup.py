#!/usr/bin/env python3
"""rejected_setup.py MESON SOURCE_ROOT: configurations that `meson setup`
must refuse, each with a message that says what to change. The build
folders lie outside the source folder, so the native build's message must
give both paths in full."""
import os
import subprocess
import sys
import tempfile

CASES = [
    ('a native build (no cross file)', [],
     'needs the cross file of its target (i686 or x86_64). Run:\n'
     '  meson setup {build} --cross-file {root}/cross/i686.ini'),
    ('an architecture sluice has no folder for', ['--cross-file', '{tmp}/riscv64.ini'],
     'sluice has no architecture "riscv64" (the cross file\'s cpu_family); '
     'supported: x86, x86_64'),
    ('link-time optimisation', ['--cross-file', 'cross/i686.ini', '-Db_lto=true'],
     'sluice is not built with link-time optimisation: set -Db_lto=false'),
    ('a sanitizer the kernel has no runtime for',
     ['--cross-file', 'cross/i686.ini', '-Db_sanitize=address'],
     'b_sanitize=address makes no sense for the kernel: it has no runtime for it. '
     'Use -Db_sanitize=undefined or none'),
    ('the undefined-behaviour sanitizer with another',
     ['--cross-file', 'cross/i686.ini', '-Db_sanitize=address,undefined'],
     'b_sanitize=address,undefined makes no sense for the kernel'),
    ('the sanitizer\'s checks without its runtime',
     ['--cross-file', 'cross/i686.ini', '-Db_sanitize=undefined', '-Dubsan=off'],
     '-Dubsan=off, but -Db_sanitize=undefined puts checks in the kernel that need '
     'its runtime: set -Dubsan=panic or log, or -Db_sanitize=none'),
    ('a background that is not a VGA colour',
     ['--cross-file', 'cross/i686.ini', '-Dbackground=pink'],
     'Value "pink" (of type "string") for combo option'),
    ('guard pages without the IDT that reports their faults',
     ['--cross-file', 'cross/i686.ini', '-Dguard-pages=true', '-Dkeyboard=false'],
     '-Dguard-pages=true needs the keyboard gate, whose IDT reports a fault in a guard '
     'page: add -Dkeyboard=true, or set -Dguard-pages=false'),
]


def main():
    meson, root = sys.argv[1:3]
    failed = 0
    for what, args, message in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            build = os.path.realpath(tmp) + '/build'
            # A target of ours, toolchain and all, with another machine.
            with open(os.path.join(root, 'cross', 'x86_64.ini')) as f:
                other = f.read().replace("cpu_family = 'x86_64'", "cpu_family = 'riscv64'")
            with open(os.path.join(tmp, 'riscv64.ini'), 'w') as f:
                f.write(other)
            args = [a.format(tmp=tmp) for a in args]
            r = subprocess.run([meson, 'setup', build] + args, cwd=root,
                               capture_output=True, text=True)
        out = r.stdout + r.stderr
        message = message.format(build=build, root=os.path.realpath(root))
        if r.returncode == 0 or message not in out:
            print('FAIL: {} was not rejected with {!r}:\n{}'.format(
                what, message, out[-800:]))
            failed += 1
        else:
            print('ok: {} rejected'.format(what))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

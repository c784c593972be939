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
     'needs its cross file. Run:\n  meson setup {build} --cross-file {root}/cross/i686.ini'),
    ('link-time optimisation', ['--cross-file', 'cross/i686.ini', '-Db_lto=true'],
     'sluice is not built with link-time optimisation: set -Db_lto=false'),
    ('a background that is not a VGA colour',
     ['--cross-file', 'cross/i686.ini', '-Dbackground=pink'],
     'Value "pink" (of type "string") for combo option'),
]


def main():
    meson, root = sys.argv[1:3]
    failed = 0
    for what, args, message in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            build = os.path.realpath(tmp) + '/build'
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

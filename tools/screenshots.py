#!/usr/bin/env python3
"""Generate the pictures of docs/steps.md and the README.

    tools/screenshots.py [BUILD_ROOT]

Builds each step's image with its preset (under BUILD_ROOT, default
build-steps/), boots it in QEMU, types what the step needs through QMP and
saves QEMU's screendump as docs/img/stepN-*.png. The boot tests drive QEMU
the same way (tests/boot/machine.py), so the pictures show what the tests
check. Last, it writes docs/debugging.md's sample panic report from a real
`fault 13` (the gates suite checks it against the build).
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'boot'))
from machine import Machine  # noqa: E402

from builddir import ensure  # noqa: E402

# (picture, target, preset (and build directory), what to type once the
# kernel waits)
STEPS = [
    ('step1-red', 'i686', 'minimal', None),
    ('step2-blue', 'i686', 'blue', None),
    ('step3-console', 'i686', 'console', None),
    ('step4-keyboard', 'i686', 'keyboard', 'echo j\nhelp\necho Hello, World!\n'),
    ('step5-heap', 'i686', 'full', 'color yellow blue\nmem\n'),
    ('step6-x86_64', 'x86_64', 'full', 'help\nmem\nfault 14\n'),
    ('sluice', 'i686', 'full', 'help\nmem\n'),  # the README's picture
]


def main():
    build_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'build-steps')
    out = os.path.join(ROOT, 'docs', 'img')
    os.makedirs(out, exist_ok=True)
    for picture, target, preset, typed in STEPS:
        folder = preset if target == 'i686' else target + '-' + preset
        elf = ensure(os.path.join(build_root, folder), preset, target=target)
        with Machine(elf, memory='32M') as m:
            # Settled: the screen stops changing (the minimal kernels print
            # nothing anywhere else), or the main loop says it waits.
            last, deadline = None, time.monotonic() + 20
            while time.monotonic() < deadline:
                if typed and 'sluice: waiting for keys\n' in m.debug_log():
                    break
                cells = m.cells()
                if not typed and cells == last and cells[0][1] != 0x07:
                    break
                last = cells
                time.sleep(0.2)
            if typed:
                m.send_keys(typed)
                # Done: a prompt on COM1 (the console's mirror) after each
                # line, or the report of a fault the last line raised.
                prompts = typed.count('\n') + 1 - ('fault' in typed)
                m.wait_until(lambda m: m.serial_log().count('\n> ') >= prompts, 20,
                             'the shell to answer {!r}'.format(typed))
                if 'fault' in typed:
                    m.wait_until(lambda m: 'The system is halted.' in m.screen_text(),
                                 20, 'the panic report')
            path = os.path.join(out, picture + '.png')
            m.screendump(path)
            print(os.path.relpath(path, ROOT))
    panic_sample(ensure(os.path.join(build_root, 'full'), 'full'))
    return 0


def panic_sample(elf):
    """Write docs/debugging.md's sample report: `fault 13` at the shell, and
    what addr2line says of its EIP."""
    with Machine(elf, memory='32M') as m:
        m.wait_until(lambda m: 'sluice: waiting for keys\n' in m.debug_log(), 20,
                     'the main loop')
        m.send_keys('fault 13\n')
        m.wait_until(lambda m: 'The system is halted.' in m.screen_text(), 20,
                     'the panic report')
        report = m.screen_text().split('\n')[1:]
    eip = re.search(r' EIP=([0-9a-f]{8}) ', '\n'.join(report)).group(1)
    function, where = subprocess.run(['addr2line', '-f', '-e', elf, eip], check=True,
                                     capture_output=True, text=True).stdout.split()
    # As addr2line prints it, with the build folder of docs/debugging.md's
    # gdb session in front.
    where = re.sub(r'^.*?(src/)', r'/home/you/sluice/build/../\1', where)
    block = ('\n```\n{}\n```\n\n```\n$ addr2line -f -e build/sluice.elf {}\n{}\n{}\n```\n'
             .format('\n'.join(report), eip, function, where))
    page = os.path.join(ROOT, 'docs', 'debugging.md')
    with open(page) as f:
        text = f.read()
    text = re.sub(r'(<!-- panic-sample.*?-->\n).*?(<!-- /panic-sample -->)',
                  lambda m: m.group(1) + block.lstrip('\n') + m.group(2), text, flags=re.S)
    with open(page, 'w') as f:
        f.write(text)
    print(os.path.relpath(page, ROOT) + ' (the panic sample)')


if __name__ == '__main__':
    sys.exit(main())

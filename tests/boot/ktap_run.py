#!/usr/bin/env python3
"""ktap_run.py IMAGE [--iso] [--memory 32M] [--cpu MODEL] [--append CMDLINE]: boot a test
kernel (an ELF by QEMU -kernel, or with --iso an ISO by GRUB) and pass on the
flat TAP it prints on the debug port.

Only the success code of isa-debug-exit (33: the kernel wrote 0x10 after
all its tests passed) counts as a pass; any other ending (a failed test's 35,
a reset, a hang past the time limit) adds a "Bail out!" line and exits 1.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import UBSAN_MARK, Machine  # noqa: E402

EXIT_PASSED, EXIT_FAILED = 33, 35


def main():
    p = argparse.ArgumentParser()
    p.add_argument('image')
    p.add_argument('--iso', action='store_true')
    p.add_argument('--memory', default='32M')
    p.add_argument('--cpu', help='a QEMU CPU model (default: QEMU\'s)')
    p.add_argument('--append')
    p.add_argument('--timeout', type=float, default=60)
    args = p.parse_args()
    with Machine(args.image, iso=args.iso, memory=args.memory, cmdline=args.append,
                 extra=['-cpu', args.cpu] if args.cpu else []) as m:
        status = m.wait_exit(args.timeout)
        log = m.debug_log()
    # What the kernel says on the debug port outside its tests (the paging
    # line, say) passes as TAP comments, after the version line, which must
    # come first.
    tap = ('ok ', 'not ok ', '1..', '#', 'Bail out!')
    lines = log.splitlines()
    version = [line for line in lines if line.startswith('TAP version')]
    for line in version[:1] + [line for line in lines if line not in version[:1]]:
        print(line if line.startswith(tap) or line in version[:1] else '# ' + line)
    # A sanitizer's report fails the run even when the kernel went on
    # (-Dubsan=log): the test kernel must meet no undefined behaviour.
    reports = [line for line in lines if UBSAN_MARK in line]
    if reports:
        print('Bail out! the sanitizer reported undefined behaviour: ' +
              ' | '.join(reports))
        return 1
    if status == EXIT_PASSED:
        return 0
    if status is None:
        print('Bail out! no exit within {}s'.format(args.timeout))
    elif status == EXIT_FAILED:
        print('# the kernel reported failed tests (exit {})'.format(status))
    else:
        print('Bail out! QEMU ended with {}: the kernel reset, faulted or '
              'never finished'.format(status))
    return 1


if __name__ == '__main__':
    sys.exit(main())

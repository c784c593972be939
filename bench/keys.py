#!/usr/bin/env python3
"""Key-to-screen latency of the full kernel, and keys lost in a burst.

    bench/keys.py [--keys 50] [--build DIR]

Boots DIR/sluice.elf (default: build-bench/color-console+keyboard+heap, set
up by bench/boot.py or here) and waits for the shell prompt. Then, for each
of --keys keys with an idle gap between them, measures the time from QMP
`send-key` returning to the character appearing in the VGA text buffer
(polled with pmemsave), next to a bare QMP round trip (`query-status`)
measured between the same keys. Reports medians and their ratio, and the
keys lost when 205 keys are sent as fast as QEMU's PS/2 keyboard takes them
(its buffer holds 8 keys: each key waits until the key 8 before it is
echoed).
"""
import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'boot'))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
from builddir import ensure  # noqa: E402
from boot_test import burst_words, send_burst  # noqa: E402
from machine import COLS, Machine  # noqa: E402

FULL = 'color-console+keyboard+heap'


def prompt_cell(m):
    """The cell right after the last "> " on screen."""
    rows = m.rows()
    for r in range(len(rows) - 1, -1, -1):
        if rows[r].startswith('> '):
            return r * COLS + 2 + len(rows[r][2:].rstrip())
    raise RuntimeError('no prompt on screen')


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--keys', type=int, default=50)
    p.add_argument('--build', default=os.path.join(ROOT, 'build-bench', FULL))
    args = p.parse_args()
    elf = ensure(args.build)

    latencies, round_trips = [], []
    with Machine(elf) as m:
        m.wait_until(lambda m: 'sluice: waiting for keys\n' in m.debug_log(), 30, 'the shell')
        letters = 'abcdefghijklmnopqrstuvwxyz'
        for i in range(args.keys):
            if i and i % 40 == 0:  # keep the line short: start a new one
                m.press(['ret'])
                time.sleep(0.1)
            cell = prompt_cell(m)
            ch = letters[i % 26]
            time.sleep(0.05)  # idle gap: the kernel is asleep in hlt
            t0 = time.monotonic()
            m.qmp('query-status')
            round_trips.append(time.monotonic() - t0)
            m.qmp('send-key', keys=[{'type': 'qcode', 'data': ch}])
            t0 = time.monotonic()
            while m.cells()[cell][0] != ord(ch):
                pass
            latencies.append(time.monotonic() - t0)
        m.press(['ret'])

        # The burst, as the boot test sends it.
        words = burst_words()
        time.sleep(0.2)
        t0 = time.monotonic()
        count = send_burst(m, words)
        burst_time = time.monotonic() - t0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            screen = m.screen_text()
            if all('\n' + w + '\n' in screen for w in words):
                break
            time.sleep(0.05)
        screen = m.screen_text()
        lost = sum(len(w) for w in words if '\n' + w + '\n' not in screen)
        kernel_drops = m.debug_log().count('dropped')

    key, rt = statistics.median(latencies), statistics.median(round_trips)
    print('## Key to screen ({} keys, idle gaps, TCG)\n'.format(args.keys))
    print('| what | median | min | max |')
    print('|---|---|---|---|')
    print('| QMP round trip (query-status) | {:.2f} ms | {:.2f} ms | {:.2f} ms |'.format(
        rt * 1e3, min(round_trips) * 1e3, max(round_trips) * 1e3))
    print('| send-key returned -> character in VGA memory | {:.2f} ms | {:.2f} ms | '
          '{:.2f} ms |'.format(key * 1e3, min(latencies) * 1e3, max(latencies) * 1e3))
    print('\nkey latency / QMP round trip: {:.2f} (each poll of the screen is itself a '
          'QMP round trip)'.format(key / rt))
    print('\nburst of {} keys in {:.2f} s ({:.0f} keys/s, at most 8 ahead of the '
          'echo): {} characters missing on screen, {} dropped by the kernel '
          '(target 0: {})'.format(count, burst_time, count / burst_time, lost,
                                  kernel_drops,
                                  'met' if lost == 0 and kernel_drops == 0 else 'missed'))
    return 0


if __name__ == '__main__':
    sys.exit(main())

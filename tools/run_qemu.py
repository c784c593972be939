#!/usr/bin/env python3
"""Boot sluice in QEMU for a person (the qemu, qemu-iso and gdb run targets).

    run_qemu.py [--iso] [--gdb] IMAGE

The display fits where you are: a window when there is a graphical session
(DISPLAY or WAYLAND_DISPLAY), the text screen drawn in the terminal
(-display curses) otherwise. The debug port (0xE9) log goes to
debugcon.log and COM1 to serial.log in the build directory.
"""
import os
import shutil
import subprocess
import sys
import time


def qemu_command(image, iso, display=True):
    # TCG, not KVM: under KVM the VGA window is coalesced MMIO, and a kernel
    # that halts with interrupts off never exits to QEMU to flush it, so the
    # screen would never show what it wrote.
    cmd = ['qemu-system-i386', '-accel', 'tcg', '-m', '128M', '-no-reboot',
           '-debugcon', 'file:debugcon.log', '-serial', 'file:serial.log']
    cmd += ['-cdrom', image] if iso else ['-kernel', image]
    if not display:
        cmd += ['-display', 'none']
    elif not (os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY')):
        cmd += ['-display', 'curses']
    return cmd


def attach_terminal():
    """`meson compile` (1.0) runs ninja with stdin on /dev/null, so the run
    target would get no keys: take the controlling terminal back."""
    if os.isatty(0):
        return
    try:
        tty = os.open('/dev/tty', os.O_RDWR)
    except OSError:
        return  # no terminal at all (a script, CI): nothing to type with
    os.dup2(tty, 0)
    os.close(tty)


def main():
    attach_terminal()
    args = sys.argv[1:]
    iso, gdb = '--iso' in args, '--gdb' in args
    image = [a for a in args if not a.startswith('--')][0]
    if not gdb:
        cmd = qemu_command(image, iso)
        os.execvp(cmd[0], cmd)
    # QEMU waits, paused and without a display (the terminal is gdb's), for
    # gdb on localhost:1234; gdb loads the symbols, connects, and stops at
    # kmain. Quitting gdb stops QEMU. `monitor sendkey j` in gdb types a key.
    cmd = qemu_command(image, iso, display=False)
    qemu = subprocess.Popen(cmd + ['-S', '-gdb', 'tcp:127.0.0.1:1234'],
                            stdin=subprocess.DEVNULL)
    time.sleep(0.5)
    gdb_cmd = [shutil.which('gdb') or 'gdb', '-q', image,
               '-ex', 'target remote 127.0.0.1:1234',
               '-ex', 'break kmain', '-ex', 'continue']
    try:
        sys.exit(subprocess.call(gdb_cmd))
    finally:
        qemu.kill()


if __name__ == '__main__':
    main()

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
import signal
import socket
import subprocess
import sys


def qemu_command(image, iso, terminal=True):
    # TCG, not KVM: under KVM the VGA window is coalesced MMIO, and a kernel
    # that halts with interrupts off never exits to QEMU to flush it, so the
    # screen would never show what it wrote.
    cmd = ['qemu-system-i386', '-accel', 'tcg', '-m', '128M', '-no-reboot',
           '-debugcon', 'file:debugcon.log', '-serial', 'file:serial.log']
    cmd += ['-cdrom', image] if iso else ['-kernel', image]
    if not (os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY')):
        # No window: draw in the terminal, unless gdb needs it (terminal=False).
        cmd += ['-display', 'curses' if terminal else 'none']
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


def call_in_foreground(cmd):
    """Run cmd as the terminal's foreground process group, as a shell runs a
    job, so that Ctrl+C reaches it alone, not meson, ninja or this script;
    give the terminal back when it ends. Returns its exit status."""
    if not os.isatty(0) or os.tcgetpgrp(0) != os.getpgrp():
        return subprocess.call(cmd)  # no terminal of ours to hand over
    ours = os.getpgrp()
    # A process group that is not the foreground may set it with SIGTTOU
    # ignored: the child before it runs cmd, this script after.
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)

    def take_terminal():
        os.setpgid(0, 0)
        os.tcsetpgrp(0, os.getpid())
        signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    try:
        return subprocess.call(cmd, preexec_fn=take_terminal)
    finally:
        os.tcsetpgrp(0, ours)


def debug(image, iso):
    """QEMU paused with a gdb stub on a free localhost port, and gdb with the
    symbols attached to it, stopped at kmain. Ctrl+C in gdb stops the guest;
    quitting gdb stops QEMU."""
    # The stub listens on a socket opened here: the kernel picks a free port,
    # and gdb can connect at once.
    stub = socket.create_server(('127.0.0.1', 0))
    port, fd = stub.getsockname()[1], stub.fileno()
    # Its own session keeps QEMU away from the terminal and its signals.
    # Without a window the terminal is gdb's; a window would not be in its way.
    qemu = subprocess.Popen(
        qemu_command(image, iso, terminal=False) + [
            '-S', '-gdb', 'chardev:gdb', '-chardev',
            'socket,id=gdb,server=on,wait=off,fd={}'.format(fd)],
        stdin=subprocess.DEVNULL, pass_fds=[fd], start_new_session=True)
    stub.close()
    gdb = [shutil.which('gdb') or 'gdb', '-q', image,
           '-ex', 'target remote 127.0.0.1:{}'.format(port),
           '-ex', 'break kmain', '-ex', 'continue']
    # A closed terminal or a kill ends this script through `finally`.
    for sig in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, lambda n, _: sys.exit(128 + n))
    try:
        return call_in_foreground(gdb)
    finally:
        qemu.kill()
        qemu.wait()


def main():
    attach_terminal()
    args = sys.argv[1:]
    iso, gdb = '--iso' in args, '--gdb' in args
    image = [a for a in args if not a.startswith('--')][0]
    if gdb:
        sys.exit(debug(image, iso))
    cmd = qemu_command(image, iso)
    os.execvp(cmd[0], cmd)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Boot sluice in QEMU for a person (the qemu, qemu-iso, qemu-nox, qemu-uefi
and gdb run targets).

    run_qemu.py [--iso | --gdb | --nox | --uefi FIRMWARE] [--size FILE] IMAGE

The display fits where you are: a window when there is a graphical session
(DISPLAY or WAYLAND_DISPLAY), the text screen drawn in the terminal
(-display curses) otherwise; --nox draws no screen at all and puts COM1,
where the shell reads and writes too, on the terminal, as xv6's `make
qemu-nox` does. The debug port (0xE9) log goes to debugcon.log
and, but with --nox, COM1 to serial.log in the build directory. A `reboot`
resets the machine as it would a PC: only the tests run QEMU with
-no-reboot. Before QEMU starts, the image's size (FILE, which the build
writes) and how to quit are printed.

Through a pipe (standard input not a terminal), --nox and --uefi type what
they read
into COM1 once the shell's first prompt is there, and ends QEMU once the
input is over and the kernel has halted (`halt`, a panic) or said nothing
for IDLE_SECONDS:

    printf 'mem\nhalt\n' | ninja -C build qemu-nox
"""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elf  # noqa: E402  the image's width picks QEMU

IDLE_SECONDS = 3
QUIT_HINTS = {
    'window': 'QEMU: close its window to quit.',
    'curses': 'QEMU draws the screen in this terminal. To quit: Alt+2 (or Esc and 2 '
              'pressed together), then type quit and Enter.',
    'nox': 'QEMU: COM1 is this terminal. To quit: Ctrl+A, then X.',
    'gdb': 'gdb: Ctrl+C stops the kernel, continue resumes it; quit (or Ctrl+D) '
           'ends gdb and QEMU.',
}


def display_kind(nox=False):
    """Where the screen goes: 'nox', 'window' or 'curses'."""
    if nox:
        return 'nox'
    return 'window' if os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY') \
        else 'curses'


def qemu_command(image, iso=False, display='curses', logs='.', uefi=None):
    """The QEMU command line of the run targets. display: 'window', 'curses',
    'nox' (COM1 and the monitor on the terminal), 'pipe' (COM1 on standard
    input and output) or 'none'; logs: the folder
    of debugcon.log and serial.log; uefi: the UEFI firmware to boot the ISO
    image on (x86_64 firmware, so the 64-bit QEMU for either image). No
    -no-reboot: a person's reboot resets the machine."""
    # TCG, not KVM: under KVM the VGA window is coalesced MMIO, and a kernel
    # that halts with interrupts off never exits to QEMU to flush it, so the
    # screen would never show what it wrote.
    cmd = ['qemu-system-x86_64' if uefi else elf.qemu_for(image), '-accel', 'tcg',
           '-m', '256M' if uefi else '128M', '-nic', 'none',
           '-debugcon', 'file:' + os.path.join(logs, 'debugcon.log')]
    if uefi:
        cmd += ['-bios', uefi]
    cmd += ['-cdrom', image] if iso or uefi else ['-kernel', image]
    if display == 'nox':
        # COM1 and the monitor on the terminal, no screen at all. Not
        # -nographic: it also makes SeaBIOS write to COM1, escape codes that
        # clear the terminal (and the lines printed before) and turn its line
        # wrapping off for good.
        return cmd + ['-display', 'none', '-serial', 'mon:stdio']
    if display == 'pipe':  # COM1 alone on standard input and output
        return cmd + ['-display', 'none', '-serial', 'stdio']
    cmd += ['-serial', 'file:' + os.path.join(logs, 'serial.log')]
    if display != 'window':
        cmd += ['-display', display]
    return cmd


def piped_input():
    """Standard input is a pipe or a file (a script), not a terminal, nor the
    /dev/null that `meson compile` gives run targets."""
    mode = os.fstat(0).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


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


def gdb_command(image, port):
    """gdb on image's symbols, attached to QEMU's stub at port and stopped
    at kmain: on x86_64 after the switch from 32-bit to long mode, which
    gdb, told the image's 64-bit architecture, follows through."""
    return [shutil.which('gdb') or 'gdb', '-q', image,
            '-ex', 'target remote 127.0.0.1:{}'.format(port),
            '-ex', 'break kmain', '-ex', 'continue']


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
        qemu_command(image, iso, 'window' if display_kind() == 'window' else 'none') + [
            '-S', '-gdb', 'chardev:gdb', '-chardev',
            'socket,id=gdb,server=on,wait=off,fd={}'.format(fd)],
        stdin=subprocess.DEVNULL, pass_fds=[fd], start_new_session=True)
    stub.close()
    gdb = gdb_command(image, port)
    # A closed terminal or a kill ends this script through `finally`.
    for sig in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, lambda n, _: sys.exit(128 + n))
    try:
        return call_in_foreground(gdb)
    finally:
        qemu.kill()
        qemu.wait()


def through_pipe(image, uefi=None):
    """qemu-nox (or qemu-uefi) with standard input a pipe: type it into COM1
    after the first prompt, and end QEMU when the input is over and the
    kernel has halted or gone quiet. Returns 0, or 1 if QEMU ended by itself
    with an error."""
    folder = tempfile.mkdtemp(prefix='sluice-nox-')
    qmp_path = os.path.join(folder, 'qmp.sock')
    qemu = subprocess.Popen(
        qemu_command(image, display='pipe', uefi=uefi) + [
            '-qmp', 'unix:{},server=on,wait=off'.format(qmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    seen = {'prompt': threading.Event(), 'last': time.monotonic()}

    def copy_output():
        tail = b''
        while True:
            chunk = qemu.stdout.read1(4096)
            if not chunk:
                return
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            seen['last'] = time.monotonic()
            tail = (tail + chunk)[-64:]
            if b'\n> ' in tail:
                seen['prompt'].set()
    copier = threading.Thread(target=copy_output, daemon=True)
    copier.start()
    # No shell in this build: type anyway. UEFI firmware takes seconds more.
    seen['prompt'].wait(timeout=40 if uefi else 10)
    try:
        qemu.stdin.write(sys.stdin.buffer.read())
        qemu.stdin.flush()
    except BrokenPipeError:
        pass
    seen['last'] = time.monotonic()  # the input may have been slow to come
    qmp = _qmp_connect(qmp_path)
    ended_by_itself = False
    try:
        while True:
            if qemu.poll() is not None:
                ended_by_itself = True
                break
            if _halted_for_good(qmp) or time.monotonic() - seen['last'] > IDLE_SECONDS:
                time.sleep(0.2)  # the last output, on its way through the UART
                break
            time.sleep(0.1)
    finally:
        qemu.kill()
        qemu.wait()
        copier.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if ended_by_itself and qemu.returncode != 0 else 0


def _qmp_connect(path):
    deadline = time.monotonic() + 10
    while True:
        try:
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(path)
            break
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    qmp = sock.makefile('rw')
    qmp.readline()
    _qmp(qmp, 'qmp_capabilities')
    return qmp


def _qmp(qmp, command, **arguments):
    import json
    qmp.write(json.dumps({'execute': command, 'arguments': arguments}) + '\n')
    qmp.flush()
    while True:
        reply = json.loads(qmp.readline())
        if 'return' in reply or 'error' in reply:
            return reply.get('return')


def _halted_for_good(qmp):
    return halted_for_good(
        _qmp(qmp, 'human-monitor-command', **{'command-line': 'info registers'}) or '')


def halted_for_good(regs):
    """From the monitor's `info registers`: the CPU sits in hlt with
    interrupts off (`halt`, a panic), so nothing but an NMI wakes it."""
    flags = re.search(r'[ER]FL=([0-9a-f]+)', regs)  # i386 EFL, x86_64 RFL
    return bool('HLT=1' in regs and flags and not int(flags.group(1), 16) & 0x200)


def main():
    args = sys.argv[1:]
    size = args[args.index('--size') + 1] if '--size' in args else None
    uefi = args[args.index('--uefi') + 1] if '--uefi' in args else None
    iso, gdb, nox = '--iso' in args, '--gdb' in args, '--nox' in args or bool(uefi)
    image = [a for a in args[:] if not a.startswith('--') and a not in (size, uefi)][0]
    if size and os.path.exists(size):
        with open(size) as f:
            sys.stdout.write(f.read())
    if nox and piped_input():
        sys.exit(through_pipe(image, uefi))
    attach_terminal()
    if gdb:
        print(QUIT_HINTS['gdb'])
        sys.stdout.flush()
        sys.exit(debug(image, iso))
    display = display_kind(nox)
    print(QUIT_HINTS[display])
    sys.stdout.flush()
    cmd = qemu_command(image, iso, display, uefi=uefi)
    os.execvp(cmd[0], cmd)


if __name__ == '__main__':
    main()

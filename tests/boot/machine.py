"""A QEMU machine driven from outside, as hardware would be observed.

The tests read the machine, not the kernel's opinion of itself: the VGA text
buffer through QMP `pmemsave` of 0xB8000, the screen through `screendump`,
the debug port (0xE9) and COM1 through files, keys through QMP
`input-send-event` (Machine.press says why not `send-key`), and the exit code
that isa-debug-exit gives. Python standard library only.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'tools'))
import elf  # noqa: E402  images of either width
import run_qemu  # noqa: E402  the run targets' command line

VGA_ADDR, COLS, ROWS = 0xB8000, 80, 25
DEBUG_EXIT_PORT = 0xF4

# QEMU qcodes (the key names of input-send-event) of the characters a test
# may type.
_KEYS = {' ': 'spc', '\n': 'ret', '\b': 'backspace', '\t': 'tab', '-': 'minus',
         '=': 'equal', '[': 'bracket_left', ']': 'bracket_right',
         ';': 'semicolon', "'": 'apostrophe', '`': 'grave_accent',
         '\\': 'backslash', ',': 'comma', '.': 'dot', '/': 'slash'}
_SHIFTED = dict(zip('!@#$%^&*()_+{}:"~|<>?', '1234567890-=[];\'`\\,./'))


def qcodes_for(ch):
    """The qcodes that type ch on a US keyboard."""
    if ch.isalpha():
        return ['shift', ch.lower()] if ch.isupper() else [ch]
    if ch.isdigit():
        return [ch]
    if ch in _SHIFTED:
        return ['shift'] + qcodes_for(_SHIFTED[ch])
    return [_KEYS[ch]]


class MachineError(Exception):
    pass


# What the kernel's undefined-behaviour sanitizer (src/ubsan/, in builds with
# -Db_sanitize=undefined) writes in every report, and every report line that
# a machine's debug port or COM1 held when it was closed, but on machines
# whose scenario asked for one (ubsan_expected). boot_test.py fails a
# scenario that leaves any here, so that every boot test of a sanitized
# build also proves that the kernel met no undefined behaviour.
UBSAN_MARK = 'ubsan: '
ubsan_reports = []


class Machine:
    """One QEMU process: started by start(), stopped by close().

    By default QEMU runs as the tests need it: no default devices, no
    window, -no-reboot (a reset ends QEMU), isa-debug-exit. run_target=True
    starts it with the run targets' own command line instead
    (tools/run_qemu.py, with no window), as a person would. serial_socket
    puts COM1 on a socket, as a terminal on the serial line would have it:
    type_serial writes to it, and serial_log has all that the terminal read
    from it. qemu names another system emulator than the image's own (an
    i686 image on qemu-system-x86_64's 64-bit CPU)."""

    def __init__(self, image, iso=False, memory='32M', extra=(), gdb=False,
                 cmdline=None, run_target=False, serial_socket=False, qemu=None):
        self.dir = tempfile.mkdtemp(prefix='sluice-qemu-')
        self.qmp_path = os.path.join(self.dir, 'qmp.sock')
        self.debug_path = os.path.join(self.dir, 'debugcon.log')
        self.serial_path = os.path.join(self.dir, 'serial.log')
        self.serial_socket_path = os.path.join(self.dir, 'com1.sock')
        self.serial_socket = serial_socket
        self._serial = None
        self._held = None
        qmp = ['-qmp', 'unix:{},server=on,wait=off'.format(self.qmp_path)]
        if run_target:
            cmd = run_qemu.qemu_command(image, iso, display='none', logs=self.dir) + qmp
        else:
            # wait=on: QEMU starts the machine once start() has connected
            # the terminal, so that it reads COM1 from the first byte.
            serial = (['-chardev', 'socket,id=com1,path={},server=on,wait=on'
                       .format(self.serial_socket_path),
                       '-serial', 'chardev:com1'] if serial_socket
                      else ['-serial', 'file:' + self.serial_path])
            # Guest RAM in a memfd: the host gives it pages as the guest
            # touches them, 4 KiB at a time. Plain anonymous RAM is madvised
            # for transparent huge pages, so that every first touch zeroes
            # 2 MiB: a heap test that writes across 6 GiB then took 18 s of
            # page zeroing instead of 0.3 s. The guest sees the same RAM.
            cmd = [qemu or elf.qemu_for(image), '-accel', 'tcg', '-m', memory,
                   '-object', 'memory-backend-memfd,id=ram,size=' + memory,
                   '-machine', 'memory-backend=ram',
                   '-display', 'none', '-no-reboot', '-nodefaults', '-vga', 'std',
                   '-debugcon', 'file:' + self.debug_path] + qmp + serial + [
                   '-device', 'isa-debug-exit,iobase={:#x},iosize=4'.format(
                       DEBUG_EXIT_PORT)]
            cmd += ['-cdrom', image] if iso else ['-kernel', image]
        if cmdline is not None:
            cmd += ['-append', cmdline]
        if gdb:
            self.gdb_port = _free_port()
            cmd += ['-S', '-gdb', 'tcp:127.0.0.1:{}'.format(self.gdb_port)]
        self.cmd = cmd + list(extra)
        self.proc = None
        self._qmp = None
        self.ubsan_expected = False  # the scenario makes a report on purpose

    # -- lifetime ---------------------------------------------------------
    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        if self.serial_socket:
            self._serial = self._connect(self.serial_socket_path, deadline)
            self._start_terminal()
        self._qmp = self._connect(self.qmp_path, deadline).makefile('rw')
        try:
            json.loads(self._qmp.readline())  # the greeting
        except (OSError, ValueError):  # QEMU quit on its options (-m 1100K, say)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            raise MachineError('QEMU did not start: ' + self.output())
        self.qmp('qmp_capabilities')
        return self

    def _connect(self, path, deadline):
        """A socket connected to QEMU's socket at path, once QEMU has made
        it; MachineError if QEMU quits first or takes past deadline."""
        while True:
            sock = socket.socket(socket.AF_UNIX)
            try:
                sock.connect(path)
                return sock
            except OSError:
                sock.close()
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise MachineError('QEMU did not start: ' + self.output())
                time.sleep(0.01)

    def _start_terminal(self):
        """Read all that COM1 sends into serial_log, as a terminal would, or
        QEMU's socket would fill and stall COM1. The reader is a process of
        its own (cat), not a thread, which would wait for the interpreter's
        lock while the test polls QEMU: QEMU writes COM1 a byte at a time,
        each byte costs the socket a buffer of its own, and a socket full for
        longer than the kernel waits on the UART (on a loaded host) lost
        bytes. The log is what cat read, not QEMU's chardev logfile: when
        the socket is full, QEMU 7.2 logs the byte it could not send, and
        again when its UART sends it on a retry (chardev/char.c logs a
        failed write whole), so that a byte showed twice in the log."""
        with open(self.serial_path, 'ab') as log:
            self._drain = subprocess.Popen(['cat'], stdin=self._serial.fileno(), stdout=log)

    def _stop_terminal(self):
        if self._serial:
            self._drain.kill()
            self._drain.wait()
            self._serial.close()
            self._serial = None

    def type_serial(self, data):
        """Send bytes to COM1 as a terminal on the serial line would."""
        self._serial.sendall(data)

    def hold_serial(self):
        """Make COM1's terminal one that never reads (a paused one): once
        the socket is full, QEMU's UART takes no more bytes. What COM1
        sends from then on is not logged."""
        self._stop_terminal()
        self._held = socket.socket(socket.AF_UNIX)
        self._held.connect(self.serial_socket_path)

    def close(self):
        self._stop_terminal()
        if self._held:
            self._held.close()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.ubsan_expected:
            for log in (self.debug_log(), self.serial_log()):
                ubsan_reports.extend(line for line in log.splitlines()
                                     if UBSAN_MARK in line)
        if self._qmp:
            try:
                self._qmp.close()
            except OSError:  # QEMU has gone (a reset with -no-reboot)
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self if self.proc else self.start()

    def __exit__(self, *exc):
        self.close()

    def output(self):
        """What QEMU itself printed (errors), once it has exited."""
        if self.proc and self.proc.poll() is not None and self.proc.stdout:
            return self.proc.stdout.read().decode(errors='replace')
        return ''

    def wait_exit(self, timeout):
        """Wait for QEMU to exit; returns its exit status or None."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    # -- QMP --------------------------------------------------------------
    def qmp(self, command, **arguments):
        if self.proc.poll() is not None:
            raise MachineError('QEMU exited ({}) before {}: {}'.format(
                self.proc.returncode, command, self.output()))
        msg = {'execute': command}
        if arguments:
            msg['arguments'] = arguments
        self._qmp.write(json.dumps(msg) + '\n')
        self._qmp.flush()
        while True:
            line = self._qmp.readline()
            if not line:
                raise MachineError('QMP closed during ' + command)
            reply = json.loads(line)
            if 'error' in reply:
                raise MachineError('{}: {}'.format(command, reply['error']))
            if 'return' in reply:
                return reply['return']

    def hmp(self, command_line):
        """A command of QEMU's human monitor; returns what it printed."""
        return self.qmp('human-monitor-command', **{'command-line': command_line})

    def port_out(self, port, value):
        """Write a byte to an I/O port, as the CPU would (monitor `o`)."""
        self.hmp('o /b {:#x} {:#x}'.format(port, value))

    def port_in(self, port):
        """Read a byte from an I/O port (monitor `i`)."""
        return int(self.hmp('i /b {:#x}'.format(port)).split('=')[-1].strip(), 16)

    def memory(self, addr, size):
        """size bytes of guest physical memory at addr."""
        path = os.path.join(self.dir, 'mem.bin')
        self.qmp('pmemsave', val=addr, size=size, filename=path)
        with open(path, 'rb') as f:
            return f.read()

    def cells(self):
        """The 2000 VGA text cells as (character, attribute) pairs."""
        raw = self.memory(VGA_ADDR, COLS * ROWS * 2)
        return [(raw[i], raw[i + 1]) for i in range(0, len(raw), 2)]

    def rows(self):
        """The screen's text as 25 strings of 80 characters."""
        text = ''.join(chr(c) for c, _ in self.cells())
        return [text[r * COLS:(r + 1) * COLS] for r in range(ROWS)]

    def screen_text(self):
        return '\n'.join(r.rstrip() for r in self.rows()).rstrip()

    def screendump(self, path):
        self.qmp('screendump', filename=os.path.abspath(path), format='png')

    def screen_pixels(self):
        """What the display shows, as QEMU draws it: (width, height, the
        pixels' RGB bytes row by row), from a PPM screendump."""
        path = os.path.join(self.dir, 'screen.ppm')
        self.qmp('screendump', filename=path)
        with open(path, 'rb') as f:
            magic, size, depth, pixels = f.read().split(b'\n', 3)
        width, height = map(int, size.split())
        if magic != b'P6' or depth != b'255' or len(pixels) != width * height * 3:
            raise MachineError('screendump: not an 8-bit PPM of {}x{}'.format(width, height))
        return width, height, pixels

    def send_keys(self, text, gap=0.01):
        """Type text, one key every gap seconds (see press). QEMU's PS/2
        keyboard holds 16 bytes, 8 keys: typed faster than a starved vCPU
        reads them, the device itself drops keys."""
        for ch in text:
            self.press(qcodes_for(ch))
            time.sleep(gap)

    def press(self, names):
        """Press the keys named by their qcodes in order, then release them
        in reverse order, in one input-send-event. Unlike send-key, which
        queues each release behind a hold-time delay in QEMU's input queue
        (and that queue drops events when many are pending), this hands
        every event to the PS/2 device before the command returns."""
        key = lambda name, down: {'type': 'key', 'data': {  # noqa: E731
            'down': down, 'key': {'type': 'qcode', 'data': name}}}
        self.qmp('input-send-event', events=[key(n, True) for n in names] +
                 [key(n, False) for n in reversed(names)])

    # -- logs -------------------------------------------------------------
    def debug_log(self):
        return read_log(self.debug_path)


    def serial_log(self):
        return read_log(self.serial_path)

    # -- waiting ----------------------------------------------------------
    def wait_until(self, predicate, timeout, what):
        """Poll predicate(self) until true; MachineError after timeout with the
        screen and the logs, so that a failure shows what the machine did."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate(self):
                return
            if self.proc.poll() is not None:
                raise MachineError('QEMU exited ({}) waiting for {}: it reset or '
                                   'shut down. {}'.format(self.proc.returncode,
                                                          what, self.output()))
            if time.monotonic() > deadline:
                raise MachineError('timed out after {}s waiting for {}\n'
                                   '--- screen ---\n{}\n--- debug port ---\n{}'
                                   '--- COM1, its end ---\n{!r}'
                                   .format(timeout, what, self.screen_text(),
                                           self.debug_log(), self.serial_log()[-600:]))
            time.sleep(0.02)


class GdbStub:
    """A minimal GDB remote protocol client for QEMU's stub: enough to stop at
    an address and change a register, as a wrong boot loader would."""

    def __init__(self, port, image, bits=None):
        self.bits = bits or elf.bits_of(image)  # the stub's: 64 from qemu-system-x86_64
        deadline = time.monotonic() + 10
        while True:
            try:
                self.sock = socket.create_connection(('127.0.0.1', port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.buf = b''

    def _send(self, payload):
        data = payload.encode()
        self.sock.sendall(b'$%s#%02x' % (data, sum(data) & 0xFF))
        while self._byte() != b'+':
            pass

    def _byte(self):
        while not self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise MachineError('gdb stub closed the connection')
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def _receive(self):
        while self._byte() != b'$':
            pass
        payload = b''
        while True:
            b = self._byte()
            if b == b'#':
                break
            payload += b
        self._byte(), self._byte()  # checksum
        self.sock.sendall(b'+')
        return payload.decode()

    def command(self, payload):
        self._send(payload)
        return self._receive()

    def run_to(self, addr):
        """Continue until execution reaches addr (a hardware breakpoint)."""
        assert self.command('Z1,{:x},1'.format(addr)) == 'OK'
        self._send('c')
        reply = self._receive()
        self.command('z1,{:x},1'.format(addr))
        return reply

    # Where the 32-bit registers that the loader hands over, and the stack
    # and instruction pointers, sit in the stub's register packet: 4-byte
    # slots in gdb's i386 order (EAX ECX EDX EBX ESP EBP ESI EDI EIP),
    # 8-byte slots in its x86-64 order (RAX RBX RCX RDX RSI RDI RBP RSP
    # R8-R15 RIP) from qemu-system-x86_64, even while the CPU is still in
    # 32-bit mode. 'esp' and 'eip' name the low halves of RSP and RIP there.
    SLOTS = {32: {'eax': 0, 'ebx': 3 * 4, 'esp': 4 * 4, 'eip': 8 * 4},
             64: {'eax': 0, 'ebx': 1 * 8, 'esp': 7 * 8, 'eip': 16 * 8}}

    def set_register(self, name, value):
        """Set the low 32 bits of a register (a name in SLOTS). QEMU's stub
        has no single-register write (P), so this reads them all (g) and
        writes them all back (G)."""
        regs = self.command('g')
        at = self.SLOTS[self.bits][name] * 2
        regs = regs[:at] + value.to_bytes(4, 'little').hex() + regs[at + 8:]
        reply = self.command('G' + regs)
        if reply != 'OK':
            raise MachineError('gdb stub refused to write register: ' + reply)

    def register(self, name):
        """The low 32 bits of a register (a name in SLOTS)."""
        at = self.SLOTS[self.bits][name] * 2
        return int.from_bytes(bytes.fromhex(self.command('g')[at:at + 8]), 'little')

    def read_memory(self, addr, size):
        return bytes.fromhex(self.command('m{:x},{:x}'.format(addr, size)))

    def write_memory(self, addr, data):
        """Write data at addr, in pieces that fit QEMU's 4 KiB packets."""
        for at in range(0, len(data), 1024):
            piece = data[at:at + 1024]
            reply = self.command('M{:x},{:x}:{}'.format(addr + at, len(piece), piece.hex()))
            if reply != 'OK':
                raise MachineError('gdb stub refused to write memory: ' + reply)

    def detach(self):
        self.command('D')
        self.sock.close()


def elf_symbol(path, name):
    """The address of a global symbol in an image of either width."""
    return elf.symbol(path, name)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def read_log(path):
    """A log file's text so far ('' before it exists)."""
    try:
        with open(path, 'rb') as f:
            return f.read().decode('latin-1')
    except FileNotFoundError:
        return ''

#!/usr/bin/env python3
"""check_symbols.py NM ELF GATE on|off: a gate's subsystem is in the image
exactly when the gate is on.

Off: no symbol of the subsystem (by name prefix) is in the image.
On: its entry points are there, which shows that this test can see them.
"""
import subprocess
import sys

SUBSYSTEMS = {
    'color-console': {'prefixes': ('console_', 'vga_', 'kprintf', 'serial_'),
                      'entry': 'console_init'},
    'keyboard': {'prefixes': ('irq_', 'kbd_', 'idt_', 'gdt_', 'pic_', 'shell_',
                              'isr_', 'exception_'),
                 'entry': 'irq_init'},
    'heap': {'prefixes': ('heap_', 'kmalloc', 'kfree', 'krealloc', 'kcalloc'),
             'entry': 'heap_init'},
}


def main():
    nm, elf, gate, state = sys.argv[1:5]
    listing = subprocess.run([nm, '--defined-only', elf], check=True,
                             capture_output=True, text=True).stdout
    names = [line.split()[-1] for line in listing.splitlines() if line.strip()]
    sub = SUBSYSTEMS[gate]
    if state == 'off':
        found = [n for n in names if n.startswith(sub['prefixes'])]
        if found:
            print('FAIL: -D{}=false but the image has: {}'.format(
                gate, ' '.join(found)))
            return 1
        print('ok: no {} symbol among {}'.format('/'.join(sub['prefixes']),
                                                  len(names)))
    else:
        if sub['entry'] not in names:
            print('FAIL: -D{}=true but {} is missing'.format(gate, sub['entry']))
            return 1
        print('ok: {} present'.format(sub['entry']))
    return 0


if __name__ == '__main__':
    sys.exit(main())

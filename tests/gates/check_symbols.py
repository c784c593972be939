#!/usr/bin/env python3
"""check_symbols.py NM ELF GATE on|off LIB [MEMBER...]: a gate's subsystem is
in the image exactly when the gate is on. GATE may also be stack-protector or
ubsan, options that are not gates but whose runtimes must leave no symbol
either when they are off: the stack protector's (src/boot/stack_protector.c,
off with none) and the sanitizer's (src/ubsan/, on exactly with UBSan; its
entry is a pattern, any __ubsan_handle_ function, since only the handlers
that the code's checks call are linked).

Off: no symbol of the subsystem (by name prefix) is in the image.
On: its entry points are there, which shows that this test can see them,
and every global symbol that the subsystem's objects in LIB (the kernel
library) define has one of the prefixes, so that the off check cannot miss
a symbol for want of one. The MEMBERs are those objects, as src/meson.build's
table of sources names them (FOLDER_FILE.c.o), from every folder the gate
reaches.
"""
import fnmatch
import os
import subprocess
import sys

SUBSYSTEMS = {
    'color-console': {'prefixes': ('console_', 'vga_', 'kprintf', 'kvprintf',
                                   'serial_', 'framebuffer_'),
                      'entry': 'console_init'},
    'keyboard': {'prefixes': ('irq_', 'kbd_', 'desc_', 'idt_', 'gdt_', 'pic_',
                              'shell_', 'isr_', 'exception_', 'i8042_', 'arch_',
                              'x86_'),
                 'entry': 'irq_init'},
    'heap': {'prefixes': ('heap_', 'kmalloc', 'kfree', 'krealloc', 'kcalloc',
                          'paging_', 'boot_memory_'),
             'entry': 'heap_init'},
    # The guard is in every protected image (the entry sets it), while
    # __stack_chk_fail is dropped when no function needs a canary.
    'stack-protector': {'prefixes': ('__stack_chk_', 'boot_stack_guard_'),
                        'entry': '__stack_chk_guard'},
    'ubsan': {'prefixes': ('__ubsan_',), 'entry': '__ubsan_handle_*'},
}
# The option's values that mean off and on, where they are not false and true.
VALUES = {'stack-protector': ('none', 'basic|strong|all')}


def defined(nm, path):
    """(member, name, type) for each symbol path defines; member is the
    archive member's file name (None for an ELF image)."""
    listing = subprocess.run([nm, '--defined-only', path], check=True,
                             capture_output=True, text=True).stdout
    member, symbols = None, []
    for line in listing.splitlines():
        if line.endswith(':'):
            member = os.path.basename(line[:-1])
        elif line.strip():
            fields = line.split()
            symbols.append((member, fields[-1], fields[-2]))
    return symbols


def main():
    nm, elf, gate, state, lib = sys.argv[1:6]
    members = set(sys.argv[6:])
    names = [name for _, name, _ in defined(nm, elf)]
    sub = SUBSYSTEMS[gate]
    if state == 'off':
        found = [n for n in names if n.startswith(sub['prefixes'])]
        if found:
            print('FAIL: -D{}={} but the image has: {}'.format(
                gate, VALUES.get(gate, ('false',))[0], ' '.join(found)))
            return 1
        print('ok: no {} symbol among {}'.format('/'.join(sub['prefixes']),
                                                  len(names)))
        return 0
    if not fnmatch.filter(names, sub['entry']):
        print('FAIL: -D{}={} but {} is missing'.format(
            gate, VALUES.get(gate, ('', 'true'))[1], sub['entry']))
        return 1
    unlisted = ['{} ({})'.format(name, member)
                for member, name, kind in defined(nm, lib)
                if member in members and kind.isupper()
                and not name.startswith(sub['prefixes'])]
    if unlisted:
        print('FAIL: the {} sources define global symbols without a checked prefix: {}'
              .format(gate, ', '.join(unlisted)))
        return 1
    seen = {member for member, *_ in defined(nm, lib)} & members
    if not seen:
        print('FAIL: none of the {} objects is in {}'.format(gate, lib))
        return 1
    print('ok: {} present; every global symbol of its {} objects has a checked prefix'
          .format(sub['entry'], len(seen)))
    return 0


if __name__ == '__main__':
    sys.exit(main())

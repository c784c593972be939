#!/usr/bin/env python3
"""check_isa.py OBJDUMP [--cpu-checked FUNCTION]... ELF...: the images use no
instruction newer than the 80386, so that every CPU a Multiboot loader can
start (a 486, a Pentium, the ISA PC's) runs all of the kernel rather than
triple-faulting on the first cmov before anything is on the screen
(src/meson.build sets -march=i386).

ud2 is allowed: it is the instruction defined to raise invalid opcode, and
every CPU, the 80386 included, raises that for it. So are cpuid, rdtsc,
rdrand, rdmsr and wrmsr in a FUNCTION named by --cpu-checked, one that
asks the CPU first (EFLAGS.ID for CPUID, CPUID for the others): the stack
protector's boot_stack_guard_init, cpu_can_page of the guard pages' paging
set-up, and the keyboard gate's exception_machine_check_init (CR4.MCE where
CPUID lists MCE, the banks where it lists MCA) and machine_check_lines
(which reads the banks only where that function found them)."""
import re
import subprocess
import sys

# Mnemonics (AT&T, as llvm-objdump prints them) that need a later CPU, by the
# CPU that brought them. x87 instructions (mnemonics starting with f) are
# out too: the kernel is built without the FPU, which a 386 may lack.
NEWER = {
    '486': r'bswap|cmpxchg|xadd|invd|wbinvd|invlpg',
    'Pentium': r'cpuid|rdtsc|rdmsr|wrmsr|cmpxchg8b|rsm',
    'Pentium Pro': r'cmov\w*|rdpmc|sysenter|sysexit|nop[wl]',  # nopl: the long NOP
    'later': r'pause|popcnt|lzcnt|tzcnt|movbe|crc32|rdrand|rdseed|prefetch\w*|clflush'
             r'|[lsm]fence|monitor|mwait|endbr32|xgetbv',
    'an FPU': r'f\w+',
}
NEWER_RE = re.compile(r'^(?:{})l?$'.format('|'.join(NEWER.values())))
VECTOR_REGISTER = re.compile(r'%[xy]?mm\d')
CPU_CHECKED = re.compile(r'^(?:cpuid|rdtsc|rdrand|rdmsr|wrmsr)l?$')


def main():
    objdump, args = sys.argv[1], sys.argv[2:]
    checked = set()
    while args[:1] == ['--cpu-checked']:
        checked.add(args[1])
        args = args[2:]
    images = args
    found = []
    for image in images:
        listing = subprocess.run([objdump, '-d', '--no-show-raw-insn', image], check=True,
                                 capture_output=True, text=True).stdout
        count, function = 0, None
        for line in listing.splitlines():
            start = re.match(r'[0-9a-f]+ <(.*)>:$', line)
            if start:
                function = start.group(1)
            m = re.match(r'\s*([0-9a-f]+):\s+(\S+)(.*)', line)
            if not m:
                continue
            count += 1
            if function in checked and CPU_CHECKED.match(m.group(2)):
                continue
            if NEWER_RE.match(m.group(2)) or VECTOR_REGISTER.search(m.group(3)):
                found.append('{}: {:>8}: {}{}'.format(image, m.group(1), m.group(2),
                                                      m.group(3)))
        if count == 0:
            print('FAIL: no instructions disassembled in ' + image)
            return 1
        print('{}: {} instructions read'.format(image, count))
    if found:
        print('FAIL: instructions newer than the 80386:\n' + '\n'.join(found[:20]))
        return 1
    print('ok: every instruction is the 80386\'s')
    return 0


if __name__ == '__main__':
    sys.exit(main())

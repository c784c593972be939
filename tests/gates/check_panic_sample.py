#!/usr/bin/env python3
"""check_panic_sample.py ADDR2LINE ELF ROOT [SIZE]: docs/debugging.md's
sample panic report is this build's: its EIP is, by addr2line on ELF, the
function and line the page says, and its `at file:line` is where the i686
exception reporter (src/arch/x86/i686/fault.c) calls panic.
tools/screenshots.py remakes the sample from a real `fault 13`. With SIZE
(the build's sluice.size, on the default background), the image size that
debugging.md's gdb session prints and the README's full i686 image size
are this build's too."""
import os
import re
import subprocess
import sys


def size_problems(root, page, size_file):
    """Where the page and the README quote the size that `meson compile`
    prints for this image, and they say something else."""
    with open(size_file) as f:
        line = f.read().strip()
    loadable = int(re.match(r'sluice\.elf: (\d+) loadable bytes', line).group(1))
    problems = []
    quoted = re.search(r'^sluice\.elf: \d+ loadable bytes.*$', page, re.M)
    if not quoted or quoted.group(0) != line:
        problems.append('docs/debugging.md quotes {!r}, the build prints {!r}'.format(
            quoted and quoted.group(0), line))
    with open(os.path.join(root, 'README.md')) as f:
        readme = f.read()
    said = re.search(r'\(i686, every\s+gate: ([\d,]+) loadable bytes', readme)
    if not said or int(said.group(1).replace(',', '')) != loadable:
        problems.append('README.md says the full i686 image has {} loadable bytes, '
                        'this build has {:,}'.format(said and said.group(1), loadable))
    for p in problems:
        print('FAIL ' + p + ' (measure again and mend the text)')
    if not problems:
        print('ok: the docs quote this image\'s size, {} loadable bytes'.format(loadable))
    return problems


def main():
    addr2line, elf, root = sys.argv[1:4]
    with open(os.path.join(root, 'docs', 'debugging.md')) as f:
        page = f.read()
    sample = re.search(r'<!-- panic-sample.*?-->(.*?)<!-- /panic-sample -->', page, re.S)
    if not sample:
        print('FAIL: docs/debugging.md has no panic-sample block')
        return 1
    text = sample.group(1)
    eip = re.search(r' EIP=([0-9a-f]{8}) ', text).group(1)
    said = re.search(r'addr2line -f -e build/sluice\.elf (\w+)\n(\w+)\n(\S+)\n', text)
    at = re.search(r' at (src/arch/x86/i686/fault\.c):(\d+)', text)
    problems = []
    if not said or said.group(1) != eip:
        problems.append('the addr2line line does not use the report\'s EIP ' + eip)
    else:
        out = subprocess.run([addr2line, '-f', '-e', elf, eip], check=True,
                             capture_output=True, text=True).stdout.split()
        where = re.sub(r'^.*?(src/)', r'\1', out[1])
        page_where = re.sub(r'^.*?(src/)', r'\1', said.group(3))
        if (out[0], where) != (said.group(2), page_where):
            problems.append('EIP {} is {} at {} in this build, the page says {} at {}'
                            .format(eip, out[0], where, said.group(2), said.group(3)))
    # __LINE__ of a call written over several lines is that of its last.
    with open(os.path.join(root, 'src', 'arch', 'x86', 'i686', 'fault.c')) as f:
        lines = f.read().split('\n')
    start = next(n for n, l in enumerate(lines) if l.strip().startswith('panic('))
    line = next(n for n in range(start, len(lines)) if lines[n].rstrip().endswith(');')) + 1
    if not at or int(at.group(2)) != line:
        problems.append('the report says {}, the reporter panics at line {}'.format(
            at.group(0) if at else 'no "at"', line))
    for p in problems:
        print('FAIL ' + p + ' (remake it with tools/screenshots.py)')
    if len(sys.argv) > 4:
        problems += size_problems(root, page, sys.argv[4])
    if not problems:
        print('ok: EIP {} is {} at {}, as the page says'.format(eip, said.group(2),
                                                                said.group(3)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

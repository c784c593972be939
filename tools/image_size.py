#!/usr/bin/env python3
"""image_size.py ELF OUT WHAT: print and record the image's loadable bytes
and what was built (WHAT: the preset and the gates in force).

Loadable means what the loader copies into memory from the file: every
allocated section that has contents (text, rodata, data); .bss is only
zeroed, so it is listed apart. The run targets print OUT again each time
they start (tools/run_qemu.py), so that the size shows on every run.
"""
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from elf import section_sizes  # noqa: E402


def main():
    elf, out, what = sys.argv[1:4]
    s = section_sizes(elf)
    line = ('{}: {} loadable bytes (text {}, rodata {}, data {}), bss {}; {}'
            .format(elf.rsplit('/', 1)[-1], s['loadable'], s['text'],
                    s['rodata'], s['data'], s['bss'], what))
    print(line)
    with open(out, 'w') as f:
        f.write(line + '\n')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""image_size.py ELF OUT: print and record the image's loadable bytes.

Loadable means what the loader copies into memory from the file: every
allocated section that has contents (text, rodata, data); .bss is only
zeroed, so it is listed apart.
"""
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from elfsize import section_sizes  # noqa: E402


def main():
    elf, out = sys.argv[1], sys.argv[2]
    s = section_sizes(elf)
    line = ('{}: {} loadable bytes (text {}, rodata {}, data {}), bss {}'
            .format(elf.rsplit('/', 1)[-1], s['loadable'], s['text'],
                    s['rodata'], s['data'], s['bss']))
    print(line)
    with open(out, 'w') as f:
        f.write(line + '\n')


if __name__ == '__main__':
    main()

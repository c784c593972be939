"""Section sizes of an ELF32 image, read straight from its section headers.

The same figures as `llvm-size` (Berkeley format: its "text" is our text +
rodata), split so that a gate's cost in code and in constants shows apart.
"""
import struct

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_NOBITS = 8


def section_sizes(path):
    """Return {'text', 'rodata', 'data', 'bss', 'loadable'} in bytes."""
    with open(path, 'rb') as f:
        image = f.read()
    if image[:5] != b'\x7fELF\x01':
        raise ValueError('{}: not an ELF32 file'.format(path))
    shoff, = struct.unpack_from('<I', image, 0x20)
    shentsize, shnum = struct.unpack_from('<HH', image, 0x2E)
    sizes = dict.fromkeys(('text', 'rodata', 'data', 'bss'), 0)
    for i in range(shnum):
        _, kind, flags, _, _, size = struct.unpack_from(
            '<IIIIII', image, shoff + i * shentsize)
        if not flags & SHF_ALLOC:
            continue
        if kind == SHT_NOBITS:
            sizes['bss'] += size
        elif flags & SHF_EXECINSTR:
            sizes['text'] += size
        elif flags & SHF_WRITE:
            sizes['data'] += size
        else:
            sizes['rodata'] += size
    sizes['loadable'] = sizes['text'] + sizes['rodata'] + sizes['data']
    return sizes

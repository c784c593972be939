"""What the tools need from an ELF image of either target (ELF32 for i686,
ELF64 for x86_64), read straight from its headers: section sizes, symbol
addresses, and which QEMU runs it.

section_sizes gives the same figures as `llvm-size` (Berkeley format: its
"text" is our text + rodata), split so that a gate's cost in code and in
constants shows apart.
"""

import struct

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_SYMTAB, SHT_NOBITS = 2, 8
EM_386, EM_X86_64 = 3, 62
QEMU = {EM_386: 'qemu-system-i386', EM_X86_64: 'qemu-system-x86_64'}


class Elf:
    """An ELF file's section headers, either class."""

    def __init__(self, path):
        with open(path, 'rb') as f:
            self.image = f.read()
        if self.image[:4] != b'\x7fELF' or self.image[4] not in (1, 2):
            raise ValueError('{}: not an ELF file'.format(path))
        self.bits = 32 if self.image[4] == 1 else 64
        self.machine, = struct.unpack_from('<H', self.image, 0x12)
        if self.bits == 32:
            shoff, = struct.unpack_from('<I', self.image, 0x20)
            shentsize, shnum = struct.unpack_from('<HH', self.image, 0x2E)
            shape = '<IIIIIIIIII'
        else:
            shoff, = struct.unpack_from('<Q', self.image, 0x28)
            shentsize, shnum = struct.unpack_from('<HH', self.image, 0x3A)
            shape = '<IIQQQQIIQQ'
        # name, type, flags, addr, offset, size, link, info, align, entsize
        self.sections = [struct.unpack_from(shape, self.image, shoff + i * shentsize)
                         for i in range(shnum)]

    def symbol(self, name):
        """The address of a symbol (from .symtab); KeyError if absent."""
        for sh in self.sections:
            if sh[1] != SHT_SYMTAB:
                continue
            strtab = self.sections[sh[6]][4]
            size = 16 if self.bits == 32 else 24
            for off in range(sh[4], sh[4] + sh[5], size):
                if self.bits == 32:
                    st_name, value = struct.unpack_from('<II', self.image, off)
                else:
                    st_name, = struct.unpack_from('<I', self.image, off)
                    value, = struct.unpack_from('<Q', self.image, off + 8)
                end = self.image.index(b'\0', strtab + st_name)
                if self.image[strtab + st_name:end].decode() == name:
                    return value
        raise KeyError(name)


def section_sizes(path):
    """Return {'text', 'rodata', 'data', 'bss', 'loadable'} in bytes."""
    sizes = dict.fromkeys(('text', 'rodata', 'data', 'bss'), 0)
    for _, kind, flags, _, _, size, *_ in Elf(path).sections:
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


def symbol(path, name):
    """The address of a global symbol in an image."""
    return Elf(path).symbol(name)


def image_of(path):
    """The ELF image itself, for an ISO made from it beside it (NAME.iso is
    made from NAME.elf)."""
    return path[:-len('.iso')] + '.elf' if path.endswith('.iso') else path


def qemu_for(path):
    """The QEMU system emulator for an image (or its ISO): i386 or x86_64."""
    elf = Elf(image_of(path))
    if elf.machine not in QEMU:
        raise ValueError('{}: no QEMU for ELF machine {}'.format(path, elf.machine))
    return QEMU[elf.machine]


def bits_of(path):
    """32 or 64: the image's (or its ISO's) target width."""
    return Elf(image_of(path)).bits




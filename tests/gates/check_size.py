#!/usr/bin/env python3
"""check_size.py LLVM_SIZE ELF MAX: the image's loadable bytes (text +
rodata + data, what the loader copies) are at most MAX.

The figure is read from the section headers (tools/elf.py, which the
build's size report uses) and must agree with llvm-size's Berkeley
text + data, whose text includes rodata."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tools'))
from elf import section_sizes  # noqa: E402

llvm_size, elf, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
sizes = section_sizes(elf)
berkeley = subprocess.run([llvm_size, '--format=berkeley', elf], check=True,
                          capture_output=True, text=True).stdout.splitlines()[1].split()
text_data = int(berkeley[0]) + int(berkeley[1])
if text_data != sizes['loadable']:
    print('FAIL: llvm-size says text + data = {}, the section headers {}'.format(
        text_data, sizes['loadable']))
    sys.exit(1)
verdict = 'ok' if sizes['loadable'] <= limit else 'FAIL'
print('{}: {} loadable bytes (limit {}; llvm-size agrees): {}'.format(
    verdict, sizes['loadable'], limit, sizes))
sys.exit(verdict != 'ok')

#!/usr/bin/env python3
"""check_size.py ELF MAX: the image's loadable bytes (text + rodata + data,
what the loader copies) are at most MAX."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tools'))
from elfsize import section_sizes  # noqa: E402

sizes = section_sizes(sys.argv[1])
limit = int(sys.argv[2])
verdict = 'ok' if sizes['loadable'] <= limit else 'FAIL'
print('{}: {} loadable bytes (limit {}): {}'.format(verdict, sizes['loadable'],
                                                    limit, sizes))
sys.exit(verdict != 'ok')

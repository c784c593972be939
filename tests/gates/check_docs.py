#!/usr/bin/env python3
"""check_docs.py ROOT: every relative link in README.md and docs/*.md leads
to a file or folder that exists, and a link followed by ", N lines" (as the
reading lists of docs/steps.md give them) names a file of N lines, in a
list whose counts never go down (smallest first), so that the guide's
reading order stays true as the code changes. And no file of the
repository refers to one outside it: a relative path that climbs out of
the tree (such as a contract kept beside the clone) is an error."""
import glob
import os
import re
import sys

root = sys.argv[1]
problems = []
pages = [os.path.join(root, 'README.md')] + sorted(glob.glob(os.path.join(root, 'docs', '*.md')))
for page in pages:
    with open(page) as f:
        text = re.sub(r'^```.*?^```', '', f.read(), flags=re.M | re.S)  # code, not links
    for m in re.finditer(r'\]\(([^)\s]+)\)(, (\d+) lines)?', text):
        target = m.group(1).split('#')[0]
        if not target or re.match(r'[a-z]+:', target):
            continue  # an anchor in the page, or a URL
        path = os.path.normpath(os.path.join(os.path.dirname(page), target))
        where = '{}: {}'.format(os.path.relpath(page, root), m.group(1))
        if not os.path.exists(path):
            problems.append(where + ': no such file')
        elif m.group(3):
            with open(path) as f:
                count = sum(1 for _ in f)
            if count != int(m.group(3)):
                problems.append('{}: says {} lines, has {}'.format(where, m.group(3), count))
    # A reading list: consecutive "- [file](path), N lines" items.
    last = 0
    for line in text.splitlines():
        m = re.match(r'- \[[^\]]*\]\(([^)]+)\), (\d+) lines', line)
        if m and int(m.group(2)) < last:
            problems.append('{}: {} is listed after a longer file'.format(
                os.path.relpath(page, root), m.group(1)))
        last = int(m.group(2)) if m else 0
# Nothing in the repository may point outside it: a relative path (in a
# comment, a string, a link) that climbs out of the tree from the file's
# folder, or from the top where build files name paths, is an error.
TEXT = ('.c', '.h', '.asm', '.ld', '.py', '.md', '.build', '.txt', '.ini', '.cfg', '.sh',
        '.yml', '.clang-format', 'run', 'install-deps')
CLIMB = re.compile(r'(?<![\w.])((?:\.\./)+[\w.-]+(?:/[\w.-]+)*)')
top = os.path.realpath(root)
for folder, dirs, files in os.walk(top):
    # Not the repository's own text: git's folder, the pictures, and build
    # folders, by the usual name or by what Meson puts in one (a build
    # folder may have any name: its logs are full of paths that climb).
    dirs[:] = [d for d in dirs if d not in ('.git', 'img') and not d.startswith('build') and
               not os.path.isdir(os.path.join(folder, d, 'meson-private'))]
    for name in files:
        if not name.endswith(TEXT):
            continue
        path = os.path.join(folder, name)
        with open(path, errors='replace') as f:
            for number, line in enumerate(f, 1):
                for m in CLIMB.finditer(line):
                    outside = [base for base in (folder, top) if not os.path.realpath(
                        os.path.join(base, m.group(1))).startswith(top + os.sep)]
                    if len(outside) == 2 or (outside and not os.path.exists(
                            os.path.join(folder, m.group(1)))):
                        problems.append('{}:{}: {} points outside the repository'.format(
                            os.path.relpath(path, top), number, m.group(1)))
for p in problems:
    print('FAIL ' + p)
print('{} pages checked, {} problems'.format(len(pages), len(problems)))
sys.exit(1 if problems else 0)

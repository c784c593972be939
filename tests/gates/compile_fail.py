#!/usr/bin/env python3
"""compile_fail.py GATE on|off SNIPPET -- COMPILER ARGS...

Compile a snippet that calls every API function of a gated subsystem.
Gate off: the compile must fail, once for each call, with
`GATE is disabled: reconfigure with -DGATE=true`.
Gate on: the same snippet must compile (the control that keeps the first
half honest).
"""
import re
import subprocess
import sys


def main():
    gate, state, snippet = sys.argv[1:4]
    compiler = sys.argv[sys.argv.index('--') + 1:]
    with open(snippet) as f:
        calls = sorted(set(re.findall(r'USES\((\w+)\)\(', f.read())))
    result = subprocess.run(compiler + ['-c', snippet, '-o', '/dev/null'],
                            capture_output=True, text=True)
    message = '{0} is disabled: reconfigure with -D{0}=true'.format(gate)
    if state == 'on':
        if result.returncode != 0:
            print('FAIL: snippet does not compile with the gate on:\n'
                  + result.stderr)
            return 1
        print('ok: {} compiles with -D{}=true'.format(', '.join(calls), gate))
        return 0
    if result.returncode == 0:
        print('FAIL: snippet compiled with -D{}=false'.format(gate))
        return 1
    missing = [c for c in calls if not re.search(
        r"call to '?{}'? declared with 'error' attribute: {}".format(
            c, re.escape(message)), result.stderr)]
    if missing or not calls:
        print('FAIL: no "{}" error for: {}\n{}'.format(message, missing,
                                                       result.stderr))
        return 1
    print('ok: {} each fail with "{}"'.format(', '.join(calls), message))
    return 0


if __name__ == '__main__':
    sys.exit(main())

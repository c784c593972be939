#!/usr/bin/env python3
"""check_workflow.py SOURCE_ROOT: .github/workflows/ci.yml has one job per
configuration that tests/matrix.py runs, no more and no fewer, and each job
installs with tools/install-deps and runs `tests/matrix.py --only` on its
configuration, as .ci/run runs the whole matrix, so the two cannot drift.
Needs Debian's python3-yaml (tools/install-deps installs it)."""
import os
import subprocess
import sys

import yaml


def main():
    root = sys.argv[1]
    with open(os.path.join(root, '.github', 'workflows', 'ci.yml')) as f:
        workflow = yaml.safe_load(f)
    names = subprocess.run([sys.executable, os.path.join(root, 'tests', 'matrix.py'),
                            '--list'], check=True, capture_output=True,
                           text=True).stdout.split()
    problems = [] if workflow.get('jobs') else ['the workflow has no jobs']
    for job_name, job in (workflow.get('jobs') or {}).items():
        configs = job.get('strategy', {}).get('matrix', {}).get('config', [])
        if sorted(configs) != sorted(names):
            problems.append('job {}: configurations {}, tests/matrix.py runs {}'.format(
                job_name, sorted(configs), sorted(names)))
        runs = [step.get('run', '') for step in job.get('steps', [])]
        for command in ('tools/install-deps', "tests/matrix.py --only '${{ matrix.config }}'"):
            if command not in runs:
                problems.append('job {}: no step runs {!r}'.format(job_name, command))
    with open(os.path.join(root, '.ci', 'run')) as f:
        ci_run = f.read()
    if 'tools/install-deps' not in ci_run or 'tests/matrix.py' not in ci_run:
        problems.append('.ci/run no longer installs and runs tests/matrix.py')
    for p in problems:
        print('FAIL ' + p)
    if not problems:
        print('ok: the workflow runs the {} configurations of tests/matrix.py'.format(
            len(names)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

"""Build directories for the scripts (benchmarks, screenshots).

ensure(path, presets, options) sets a build directory up once with
cross/i686.ini, the given presets (cross/NAME) and -D options, then
reconfigures it with the options on later calls, and builds sluice.elf.
"""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure(path, presets=(), options=()):
    """Set up (or reconfigure) path and build its sluice.elf; returns it."""
    quiet = {'cwd': ROOT, 'check': True, 'stdout': subprocess.DEVNULL}
    if os.path.exists(os.path.join(path, 'meson-private')):
        if options:
            subprocess.run(['meson', 'setup', '--reconfigure', path] + list(options), **quiet)
    else:
        cross = ['--cross-file', 'cross/i686.ini']
        for preset in presets:
            cross += ['--cross-file', 'cross/' + preset]
        subprocess.run(['meson', 'setup', path] + cross + list(options), **quiet)
    subprocess.run(['meson', 'compile', '-C', path, 'sluice.elf'], **quiet)
    return os.path.join(path, 'sluice.elf')

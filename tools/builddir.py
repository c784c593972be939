"""Build directories for the scripts (benchmarks, screenshots).

ensure(path, preset, options, target) sets a build directory up once with
the target's cross file (cross/TARGET.ini, i686 unless said), the preset
(-Dpreset=NAME) and -D options, then reconfigures it with them on later
calls, and builds sluice.elf.
"""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure(path, preset=None, options=(), target='i686'):
    """Set up (or reconfigure) path and build its sluice.elf; returns it."""
    quiet = {'cwd': ROOT, 'check': True, 'stdout': subprocess.DEVNULL}
    options = (['-Dpreset=' + preset] if preset else []) + list(options)
    if os.path.exists(os.path.join(path, 'meson-private')):
        if options:
            subprocess.run(['meson', 'setup', '--reconfigure', path] + options, **quiet)
    else:
        subprocess.run(['meson', 'setup', path, '--cross-file',
                        'cross/{}.ini'.format(target)] + options, **quiet)
    subprocess.run(['meson', 'compile', '-C', path, 'sluice.elf'], **quiet)
    return os.path.join(path, 'sluice.elf')

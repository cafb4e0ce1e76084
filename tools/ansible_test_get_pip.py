"""Offline stand-in for get-pip.py, for ansible-test's pip bootstrap.

ansible-test puts pip into every virtualenv it creates (--venv, and one per
sanity test) by running get-pip.py, which it downloads from a host this
project cannot reach and caches as ~/.ansible/test/cache/get_pip_<ver>.py.
`make sanity` copies this file there when that cache entry is missing.

Like get-pip.py it runs a pip that needs no installation, here the wheel
bundled with Python's ensurepip, to install the requested packages (ansible-test
asks for `pip==<ver>`) from the package index into the running interpreter.
"""

from __future__ import annotations

import ensurepip
import glob
import os
import sys


def main():
    # get-pip.py options ansible-test passes; without them pip alone is installed.
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    wheels = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")))
    if not wheels:
        sys.exit("ansible_test_get_pip: no pip wheel bundled with ensurepip in %s" % sys.executable)
    sys.path.insert(0, wheels[-1])

    from pip._internal.cli.main import main as pip_main

    sys.exit(pip_main(["install", "--quiet", "--upgrade", "--force-reinstall"] + args))


if __name__ == "__main__":
    main()

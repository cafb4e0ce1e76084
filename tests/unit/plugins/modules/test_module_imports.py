"""A module file and its work in module_utils import no platform package: a task loads only the one it uses."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.unit.plugins.module_utils.test_clients import MODULES, PACKAGE

PLATFORM_PACKAGES = ("incontrol", "_incontrol", "peplink_router", "_peplink_router", "_router_api", "ncm", "_ncm", "telecomx", "_telecomx")


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_module_loads_no_platform(module):
    prefix = PACKAGE + ".module_utils."
    code = "import sys; import %s.modules.%s; print(' '.join(name[%d:] for name in sys.modules if name.startswith(%r)))" % (
        PACKAGE,
        module,
        len(prefix),
        prefix,
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    ).stdout.split()
    assert [name for name in loaded if name.split(".")[0] in PLATFORM_PACKAGES] == []

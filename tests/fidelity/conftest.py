"""Fixtures shared by the fidelity tests (tests/fidelity/test_*.py).

`simulator`: one simulator process per test module, on a free loopback port, stopped
after the module. A module shapes it with module-level names:

    SIM_FLEET = 30                       # --fleet N (devices per platform)
    SIM_SEED = "default"                 # or --seed NAME
    SIM_SETTINGS = {"reboot_seconds": 1} # --set NAME=VALUE (world settings)

`reset_simulator`: the same process, reset to its seed (state, faults, request log)
before the test.
"""

from __future__ import annotations

import pytest

from tests.simulator.process import Simulator


@pytest.fixture(scope="module")
def simulator(request):
    module = request.module
    with Simulator(fleet=getattr(module, "SIM_FLEET", None), seed=getattr(module, "SIM_SEED", None), settings=getattr(module, "SIM_SETTINGS", None)) as sim:
        yield sim


@pytest.fixture
def reset_simulator(simulator):
    simulator.reset()
    return simulator

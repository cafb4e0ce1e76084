"""The simulated world: one fleet, four platform states, the clock, faults and the log."""

from __future__ import annotations

import asyncio
import importlib
import time

from tests.simulator.faults import FaultRules, RequestLog

# Order matters: InControl reads the Peplink routers' state, so the routers come first.
PLATFORM_MODULES = (
    ("peplink", "tests.simulator.peplink"),
    ("incontrol", "tests.simulator.incontrol"),
    ("ncm", "tests.simulator.ncm"),
    ("telecomx", "tests.simulator.telecomx"),
)


def platform_modules():
    return [(name, importlib.import_module(path)) for name, path in PLATFORM_MODULES]


class World(object):
    def __init__(self, fleet):
        self.seed = fleet
        self.log = RequestLog()
        self.faults = FaultRules()
        self.latency = 0.0  # seconds added to every non-control request (benchmarks)
        self.reset()

    def reset(self):
        """Back to the seed: fresh platform states, no faults, an empty log."""
        self.faults.clear()
        self.log.clear()
        self.latency = 0.0
        for name, module in platform_modules():
            setattr(self, name, module.State(self))

    def states(self):
        return dict((entry[0], getattr(self, entry[0])) for entry in PLATFORM_MODULES)

    def dump(self):
        return dict((name, state.dump()) for name, state in self.states().items())

    def expire_tokens(self, platform=None):
        for name, state in self.states().items():
            if platform in (None, name):
                state.expire_tokens()

    def now(self):
        return time.time()

    async def sleep(self, seconds):
        await asyncio.sleep(seconds)

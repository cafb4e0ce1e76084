"""The Starlette app: every platform's routes on one port, behind the fault middleware."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.simulator import control
from tests.simulator.faults import FaultMiddleware
from tests.simulator.world import platform_modules


def build_app(world):
    routes = control.routes()
    for platform in platform_modules():
        routes.extend(platform[1].routes())
    app = Starlette(routes=routes)
    app.state.world = world
    return FaultMiddleware(app, world)

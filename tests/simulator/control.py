"""The /_sim/ control API: reset, state, request log, faults, latency, settings."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import Route


def _world(request):
    return request.app.state.world


async def reset(request):
    _world(request).reset()
    return JSONResponse({"reset": True})


async def state(request):
    return JSONResponse(_world(request).dump())


async def requests(request):
    if request.method == "DELETE":
        _world(request).log.clear()
        return JSONResponse({"cleared": True})
    since = int(request.query_params.get("since", 0))
    return JSONResponse(_world(request).log.snapshot(since))


async def faults(request):
    world = _world(request)
    if request.method == "DELETE":
        world.faults.clear()
        return JSONResponse({"cleared": True})
    if request.method == "POST":
        body = await request.json()
        try:
            for spec in body if isinstance(body, list) else [body]:
                world.faults.add(spec)
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"faults": world.faults.describe()})


async def latency(request):
    world = _world(request)
    world.latency = float((await request.json()).get("ms", 0)) / 1000.0
    return JSONResponse({"latency_ms": world.latency * 1000.0})


async def expire_tokens(request):
    body = await request.json() if (await request.body()) else {}
    _world(request).expire_tokens(body.get("platform"))
    return JSONResponse({"expired": body.get("platform") or "all"})


def routes():
    return [
        Route("/_sim/reset", reset, methods=["POST"]),
        Route("/_sim/state", state, methods=["GET"]),
        Route("/_sim/requests", requests, methods=["GET", "DELETE"]),
        Route("/_sim/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sim/latency", latency, methods=["POST"]),
        Route("/_sim/expire_tokens", expire_tokens, methods=["POST"]),
    ]

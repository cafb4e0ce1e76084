"""Request log, fault injection and added latency, as one ASGI middleware.

A fault rule matches the next `count` requests by method and path (a regular
expression searched in the path) and replaces or delays their answer. Control
calls under /_sim/ are never logged, delayed or faulted.

What each fault means for the request itself: `status`, `malformed_json`,
`stat_fail` and `drop` answer instead of the platform, so the request is not
carried out; `delay` reads the request, waits, then lets the platform carry it
out and answer (late: past the client's timeout, the answer is lost but the
change is made); `expire_tokens` expires the platform's tokens, then the
platform answers (refusing the now-expired token).
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import json
import re
import threading
import time
from collections import Counter


def platform_of(path):
    if path.startswith("/peplink/"):
        return "peplink"
    if path.startswith("/api/v2"):
        return "ncm"
    if path.startswith(("/rest/", "/api/oauth2")):
        return "incontrol"
    if path.startswith(("/auth", "/network")):
        return "telecomx"
    return "unknown"


class RequestLog(object):
    """Every non-control request, with its answer's status; counts per `METHOD path`."""

    MAX_ENTRIES = 200000  # the counts stay exact beyond this; the entries are trimmed

    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        with self._lock:
            self.entries = []
            self.counts = Counter()
            self._seq = itertools.count(1)

    def start(self, method, path, query):
        entry = {"seq": next(self._seq), "time": time.time(), "method": method, "path": path, "query": query, "platform": platform_of(path), "status": None}
        with self._lock:
            self.entries.append(entry)
            if len(self.entries) > self.MAX_ENTRIES:
                del self.entries[: len(self.entries) - self.MAX_ENTRIES]
            self.counts["%s %s" % (method, path)] += 1
        return entry

    def snapshot(self, since=0):
        with self._lock:
            return {"requests": [entry for entry in self.entries if entry["seq"] > since], "counts": dict(self.counts)}


class FaultRule(object):
    FIELDS = (
        "method",
        "path",
        "count",
        "status",
        "retry_after",
        "retry_after_date",
        "body",
        "delay",
        "drop",
        "malformed_json",
        "stat_fail",
        "expire_tokens",
        "headers",
    )

    def __init__(self, spec):
        unknown = set(spec) - set(self.FIELDS)
        if unknown:
            raise ValueError("unknown fault fields: %s" % ", ".join(sorted(unknown)))
        self.spec = dict(spec)
        self.method = (spec.get("method") or "*").upper()
        self.pattern = re.compile(spec.get("path") or ".*")
        self.remaining = int(spec.get("count", 1))

    def matches(self, method, path):
        return self.remaining > 0 and self.method in ("*", method) and self.pattern.search(path) is not None

    def describe(self):
        return dict(self.spec, remaining=self.remaining)


class FaultRules(object):
    def __init__(self):
        self._lock = threading.Lock()
        self.rules = []

    def add(self, spec):
        rule = FaultRule(spec)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self):
        with self._lock:
            self.rules = []

    def take(self, method, path):
        """The first live rule matching this request, with one use consumed."""
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    return rule
        return None

    def describe(self):
        with self._lock:
            return [rule.describe() for rule in self.rules]


async def _send_json(send, status, body, headers=()):
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())] + list(headers),
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def _buffered(receive):
    """Read the request body now; return a `receive` that hands it to the app later."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away before sending everything: the app sees an empty body
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replay():
        return pending.pop() if pending else await receive()

    return replay


class FaultMiddleware(object):
    def __init__(self, app, world):
        self.app = app
        self.world = world

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/_sim/"):
            await self.app(scope, receive, send)
            return
        world = self.world
        method, path = scope["method"], scope["path"]
        entry = world.log.start(method, path, scope.get("query_string", b"").decode("latin-1"))

        async def logged_send(message):
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        if world.latency:
            await asyncio.sleep(world.latency)
        rule = world.faults.take(method, path)
        if rule is None:
            await self.app(scope, receive, logged_send)
            return
        spec = rule.spec
        if spec.get("expire_tokens"):
            world.expire_tokens(entry["platform"])
        if spec.get("delay"):
            # The server has the whole request before it is slow, so a request whose answer comes
            # after the client's read timeout is still carried out, as on a real server: the case
            # that makes resending a non-idempotent request (a reboot, a create) dangerous.
            receive = await _buffered(receive)
            await asyncio.sleep(float(spec["delay"]))
        if spec.get("drop"):
            # Promise a body, send part of it, stop: the client sees the connection die mid-answer.
            entry["status"] = "dropped"
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
            raise ConnectionAbortedError("simulated dropped connection")
        if spec.get("malformed_json"):
            await _send_json(logged_send, 200, b'{"data": [{"id": "1", "name": ')
            return
        if spec.get("stat_fail"):
            await _send_json(logged_send, 200, {"stat": "fail", "code": int(spec.get("status") or 999), "message": spec.get("body") or "Simulated failure"})
            return
        if spec.get("status"):
            headers = [(name.lower().encode(), str(value).encode()) for name, value in (spec.get("headers") or {}).items()]
            if spec.get("retry_after") is not None:
                headers.append((b"retry-after", str(spec["retry_after"]).encode()))
            if spec.get("retry_after_date") is not None:
                when = time.time() + float(spec["retry_after_date"])
                headers.append((b"retry-after", email.utils.formatdate(when, usegmt=True).encode()))
            body = spec.get("body")
            if body is None:
                body = {"error": "simulated", "status": int(spec["status"])}
            await _send_json(logged_send, int(spec["status"]), body, headers)
            return
        await self.app(scope, receive, logged_send)

"""A small loopback HTTP server that misbehaves on purpose: redirects, trickles, floods, loops, lies.

Each test installs handlers: `server.route(path, handler)`, where handler(request) returns
(status, headers, body) or None after writing the answer itself through request.wfile (to trickle or
flood). Every request is recorded (method, path, headers, body) so a test can check what reached
the server, e.g. that no credential did.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        server = self.server
        path = self.path.split("?")[0]
        server.log.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": self.body.decode("utf-8", "replace")})
        handler = server.routes.get(path) or server.routes.get("*")
        answer = handler(self) if handler else (404, {}, {"error": "no route"})
        if answer is None:
            return  # the handler wrote (or withheld) the answer itself
        status, headers, body = answer
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers = dict({"Content-Type": "application/json"}, **headers)
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class HostileServer(object):
    """ThreadingHTTPServer on 127.0.0.1 (a free port); use as a context manager."""

    def __init__(self, host="127.0.0.1"):
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.log = []
        self.url = "http://%s:%d" % (host, self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path, handler):
        self.httpd.routes[path] = handler

    @property
    def log(self):
        return self.httpd.log

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(body, status=200, headers=None):
    """A handler that always gives this answer."""
    return lambda request: (status, headers or {}, body)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's one pooled httpx client (HttpSession), and the deadline that bounds a whole request on its sockets.

The request loop that uses it (retries, redirects, limits, paging) is ApiClient in http.py.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import ssl
import sys
import threading
import time
import traceback
from typing import Any, Iterator, Optional

from ansible_collections.wanfleet.routers.plugins.module_utils.connection import DEFAULT_TIMEOUT
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils._version import COLLECTION_VERSION

# httpx's __init__ imports its command-line client, httpx._main, whenever rich and click are
# installed (ansible-lint brings them into many controller environments); it falls back to a stub
# `httpx.main` when that import fails. No module uses the CLI, and every task is a new process:
# loading it cost each task about 75 ms of CPU (bench/bench_task_cost.py). So the first import
# of httpx in a process is made with httpx._main blocked; the block is lifted right after, so an
# explicit `import httpx._main` still works.
_HTTPX_CLI = "httpx._main"
_BLOCK_HTTPX_CLI = "httpx" not in sys.modules and _HTTPX_CLI not in sys.modules
if _BLOCK_HTTPX_CLI:
    sys.modules[_HTTPX_CLI] = None  # type: ignore[assignment]  # makes `from ._main import main` raise ImportError
try:
    import httpcore
    import httpx

    HAS_HTTPX = True
    HTTPX_IMPORT_ERROR = None
except ImportError:
    httpcore = httpx = None  # type: ignore[assignment]  # HttpSession refuses to start; nothing else runs then
    HAS_HTTPX = False
    HTTPX_IMPORT_ERROR = traceback.format_exc()
finally:
    if _BLOCK_HTTPX_CLI and sys.modules.get(_HTTPX_CLI, False) is None:
        del sys.modules[_HTTPX_CLI]

USER_AGENT = "wanfleet.routers/%s" % COLLECTION_VERSION


_deadline = threading.local()


@contextlib.contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Within the block, every read and write of this thread's requests ends `seconds` from now at the latest."""
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = None


class _DeadlineStream(object):
    """A socket of httpcore whose reads and writes end at the request's deadline, so `timeout` bounds a
    whole request (a server that trickles one byte at a time resets a per-read timeout for ever)."""

    def __init__(self, stream):
        self._stream = stream

    @staticmethod
    def _timeout(timeout):
        deadline = getattr(_deadline, "at", None)
        if deadline is None:
            return timeout
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the request took longer than its timeout")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, self._timeout(timeout))

    def write(self, buffer, timeout=None):
        return self._stream.write(buffer, self._timeout(timeout))

    def close(self):
        return self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, self._timeout(timeout)))

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(object):
    """httpcore's network backend with _DeadlineStream sockets."""

    def __init__(self, backend):
        self._backend = backend

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _DeadlineStream(self._backend.connect_tcp(host, port, _DeadlineStream._timeout(timeout), local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _DeadlineStream(self._backend.connect_unix_socket(path, _DeadlineStream._timeout(timeout), socket_options))

    def sleep(self, seconds):
        return self._backend.sleep(seconds)


def _bound_transports(client: Any) -> None:
    """Give every connection pool of an httpx client (direct and proxies) the deadline backend."""
    for transport in [client._transport] + list(client._mounts.values()):  # pylint: disable=protected-access
        pool = getattr(transport, "_pool", None)
        if pool is not None and hasattr(pool, "_network_backend"):
            pool._network_backend = _DeadlineBackend(pool._network_backend)  # pylint: disable=protected-access


class HttpSession(object):
    """The one pooled httpx client of a run, with the run's transport settings."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, validate_certs: bool = True, ca_path: Optional[str] = None, transport: Any = None) -> None:
        if not HAS_HTTPX:
            raise WanfleetError("the Python library httpx is required on the controller")
        if not validate_certs:
            verify = False
        elif ca_path:
            if not os.path.exists(ca_path):
                raise WanfleetError("ca_path %s does not exist" % ca_path)
            verify = ssl.create_default_context(cafile=ca_path)
        else:
            verify = True
        self.timeout = float(timeout)
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            verify=verify,
            trust_env=True,  # HTTPS_PROXY/NO_PROXY and SSL_CERT_FILE from the environment
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,  # ApiClient follows same-origin redirects itself (credentials stay home)
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            transport=transport,
            # No shared cookie jar: one router's session cookie must never reach another router on the
            # same host; the platforms that use cookies send them explicitly.
            cookies=httpx.Cookies(http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))),
        )
        _bound_transports(self.client)

    def close(self) -> None:
        self.client.close()

"""Start and stop the simulator from tests, benchmarks and the demo."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import threading

import httpx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Simulator(object):
    """A simulator process on a free loopback port; a context manager.

    `url` is the base URL; `ca_file` is set with tls=True. The control helpers
    wrap the /_sim/ API.
    """

    def __init__(self, fleet=None, seed=None, tls=False, latency_ms=0, settings=None, startup_timeout=60):
        args = [sys.executable, "-m", "tests.simulator", "--port", "0"]
        if fleet is not None:
            args += ["--fleet", str(fleet)]
        if seed is not None:
            args += ["--seed", seed]
        if tls:
            args.append("--tls")
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        for name, value in (settings or {}).items():
            args += ["--set", "%s=%s" % (name, value)]
        self.args = args
        self.startup_timeout = startup_timeout
        self.process = None
        self.url = None
        self.ca_file = None
        self._control = None

    def start(self):
        self.process = subprocess.Popen(self.args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        lines = []
        timer = threading.Timer(self.startup_timeout, self.process.kill)
        timer.start()
        try:
            for line in self.process.stdout:
                lines.append(line)
                if line.startswith("CA "):
                    self.ca_file = line.split(" ", 1)[1].strip()
                if line.startswith("READY "):
                    self.url = line.split(" ", 1)[1].strip()
                    break
        finally:
            timer.cancel()
        if not self.url:
            self.stop()
            raise RuntimeError("the simulator did not start:\n" + "".join(lines))
        # Keep draining its output so a chatty server never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        self._control = httpx.Client(base_url=self.url, verify=ssl.create_default_context(cafile=self.ca_file) if self.ca_file else True, timeout=30)
        return self

    def stop(self):
        if self._control is not None:
            self._control.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- control API ----------------------------------------------------------

    def _call(self, method, path, **kwargs):
        response = self._control.request(method, "/_sim/" + path, **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self):
        return self._call("POST", "reset")

    def state(self):
        return self._call("GET", "state")

    def requests(self, since=0):
        return self._call("GET", "requests", params={"since": since})["requests"]

    def clear_requests(self):
        return self._call("DELETE", "requests")

    def writes(self, since=0):
        """Requests that could change state: everything but GET/HEAD, less logins."""
        return [entry for entry in self.requests(since) if entry["method"] not in ("GET", "HEAD") and not _is_auth_path(entry["path"])]

    def fault(self, **spec):
        return self._call("POST", "faults", json=spec)

    def clear_faults(self):
        return self._call("DELETE", "faults")

    def latency(self, ms):
        return self._call("POST", "latency", json={"ms": ms})

    def expire_tokens(self, platform=None):
        return self._call("POST", "expire_tokens", json={"platform": platform} if platform else {})

    def credentials_environment(self):
        """The simulator's credentials as the environment variables a user exports (docs/simulator.md);
        the router's URL names one router, so PEPLINK_URL is the caller's to add."""
        return {
            "INCONTROL_URL": self.url,
            "INCONTROL_CLIENT_ID": "sim-client",
            "INCONTROL_CLIENT_SECRET": "sim-secret",
            "INCONTROL_ORG": "sim-org",
            "CP_BASE_URL": self.platform_url("ncm"),
            "X_CP_API_ID": "sim-cp-id",
            "X_CP_API_KEY": "sim-cp-key",
            "X_ECM_API_ID": "sim-ecm-id",
            "X_ECM_API_KEY": "sim-ecm-key",
            "TELECOMX_URL": self.url,
            "TELECOMX_USERNAME": "manager@example.com",
            "TELECOMX_PASSWORD": "sim-password",
            "PEPLINK_USERNAME": "admin",
            "PEPLINK_PASSWORD": "admin",
        }

    def platform_url(self, platform, serial=None):
        """The base URL a client of `platform` is given (SPEC section 6)."""
        if platform == "peplink_router":
            return "%s/peplink/%s" % (self.url, serial)
        if platform == "ncm":
            return self.url + "/api/v2"
        return self.url


AUTH_PATHS = ("/api/oauth2/token", "/api/login", "/api/logout", "/api/auth.token.grant", "/auth/login", "/auth/logout")


def _is_auth_path(path):
    return path.endswith(AUTH_PATHS)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Access tokens reused across the tasks of a run.

Every Ansible task is a new process, so without this each task would log in
again: twice the requests, and a large share of InControl's 20 requests/s.
Tokens are kept on the controller in files only their owner can read, one per
(platform, URL, credential) with the credential hashed, never stored. An
exclusive lock per entry makes forks that start together log in once: the
first one logs in, the others wait and then read its token.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - Windows controllers are not supported by Ansible
    HAS_FCNTL = False

# A token this close to its expiry is not handed out: the task might outlive it.
EXPIRY_MARGIN = 60.0


def default_cache_dir():
    base = os.environ.get("WANFLEET_CACHE_DIR")
    if base:
        return base
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wanfleet.routers", "tokens")


def cache_key(platform, url, *credential_parts):
    digest = hashlib.sha256()
    for part in (platform, url.rstrip("/")) + credential_parts:
        digest.update(str(part if part is not None else "").encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


class TokenCache(object):
    """File-backed token store; `enabled=False` keeps tokens in memory for this process only."""

    def __init__(self, enabled=True, directory=None, clock=time.time):
        self.enabled = enabled and HAS_FCNTL
        self.directory = directory or default_cache_dir()
        self._clock = clock
        self._memory = {}

    def _path(self, key):
        return os.path.join(self.directory, key + ".json")

    def get(self, key):
        """The cached entry (a dict with at least `token`) if still valid, else None."""
        entry = self._memory.get(key)
        if entry is None and self.enabled:
            entry = self._read(key)
        if entry and self._valid(entry):
            self._memory[key] = entry
            return entry
        return None

    def put(self, key, entry):
        """Store an entry; `expires_at` (epoch seconds) or None for "until refused"."""
        self._memory[key] = entry
        if self.enabled:
            self._write(key, entry)

    def invalidate(self, key):
        self._memory.pop(key, None)
        if self.enabled:
            try:
                os.unlink(self._path(key))
            except OSError:
                pass

    def obtain(self, key, login, force=False):
        """Return a valid entry, calling login() -> entry at most once across concurrent forks."""
        if not force:
            entry = self.get(key)
            if entry:
                return entry
        if not self.enabled:
            entry = login()
            self.put(key, entry)
            return entry
        self._ensure_dir()
        fd = os.open(self._path(key) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            entry = self._read(key)
            # Another fork may have logged in while we waited; under force, only a
            # token other than the one that was refused counts.
            stale = self._memory.get(key) if force else None
            if entry and self._valid(entry) and (stale is None or entry.get("token") != stale.get("token")):
                self._memory[key] = entry
                return entry
            entry = login()
            self.put(key, entry)
            return entry
        finally:
            os.close(fd)

    def _valid(self, entry):
        expires_at = entry.get("expires_at")
        return expires_at is None or expires_at - EXPIRY_MARGIN > self._clock()

    def _ensure_dir(self):
        # exist_ok: concurrent forks race to create it.
        os.makedirs(self.directory, mode=0o700, exist_ok=True)

    def _read(self, key):
        try:
            with open(self._path(key)) as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("token") else None

    def _write(self, key, entry):
        self._ensure_dir()
        handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w") as stream:
                json.dump(entry, stream)
            os.replace(tmp, self._path(key))  # atomic: readers see the old or the new file
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass

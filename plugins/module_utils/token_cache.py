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

The folder is used only when it belongs to the user and no one else may write
in it; files are opened without following symbolic links and written whole
(a temporary file renamed) with mode 0600. Otherwise, or when the folder cannot
be created (a read-only home), tokens stay in memory and `warning` says why.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import tempfile
import time

try:
    import fcntl

    HAS_FCNTL = True
except ImportError:  # pragma: no cover - Windows controllers are not supported by Ansible
    HAS_FCNTL = False

# A token this close to its expiry is not handed out: the task might outlive it.
EXPIRY_MARGIN = 60.0
# Opening a cache file never follows a symbolic link planted in its place.
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


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
        self.warning = None  # why the folder is not used, when it is not
        self._checked = False
        self._clock = clock
        self._memory = {}

    def _path(self, key):
        return os.path.join(self.directory, key + ".json")

    def usable(self):
        """True when the folder may hold tokens (created if missing); else the cache falls back to memory."""
        if self.enabled and not self._checked:
            self._checked = True
            problem = _unsafe_directory(self.directory)
            if problem:
                self.enabled = False
                self.warning = "the token cache %s %s: tokens are kept in memory for this task only" % (self.directory, problem)
        return self.enabled

    def get(self, key):
        """The cached entry (a dict with at least `token`) if still valid, else None."""
        entry = self._memory.get(key)
        if entry is None and self.usable():
            entry = self._read(key)
        if entry and self._valid(entry):
            self._memory[key] = entry
            return entry
        return None

    def put(self, key, entry):
        """Store an entry; `expires_at` (epoch seconds) or None for "until refused"."""
        self._memory[key] = entry
        if self.usable():
            self._write(key, entry)

    def invalidate(self, key):
        self._memory.pop(key, None)
        if self.usable():
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
        fd = self._open(key + ".json.lock", os.O_RDWR | os.O_CREAT) if self.usable() else None
        if fd is None:
            entry = login()
            self.put(key, entry)
            return entry
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

    def _open(self, name, flags):
        """A file descriptor of a cache file (0600, never through a symbolic link), or None."""
        try:
            return os.open(os.path.join(self.directory, name), flags | NOFOLLOW, 0o600)
        except OSError:
            return None

    def _read(self, key):
        fd = self._open(key + ".json", os.O_RDONLY)
        if fd is None:
            return None
        try:
            with os.fdopen(fd) as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        return entry if well_formed(entry) else None

    def _write(self, key, entry):
        try:
            handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")  # 0600, a new file
        except OSError:
            return
        try:
            with os.fdopen(handle, "w") as stream:
                json.dump(entry, stream)
            os.replace(tmp, self._path(key))  # atomic: readers see the old or the new file; a link there is replaced
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def well_formed(entry):
    """A cache entry as the clients write it: a non-empty string token, a finite expiry or none, and plain
    values only; anything else (a planted or corrupted file) is ignored and replaced."""
    if not isinstance(entry, dict) or not isinstance(entry.get("token"), str) or not entry["token"]:
        return False
    expires_at = entry.get("expires_at")
    if expires_at is not None and (isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)) or not math.isfinite(expires_at)):
        return False
    return all(value is None or isinstance(value, str) for name, value in entry.items() if name != "expires_at")


def _unsafe_directory(directory):
    """Why `directory` must not hold tokens (created 0700 if missing), or None when it may."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)  # exist_ok: concurrent forks race to create it
        info = os.stat(directory)
    except OSError as exc:
        return "cannot be created or read (%s)" % (exc.strerror or exc)
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.geteuid():
        return "belongs to another user (uid %d)" % info.st_uid
    if info.st_mode & 0o022:
        return "may be written by other users (mode %04o)" % stat.S_IMODE(info.st_mode)
    if not os.access(directory, os.W_OK | os.X_OK):
        return "is not writable"
    return None

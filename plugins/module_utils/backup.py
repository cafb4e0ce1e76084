# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration backups on the controller's disk: no platform knowledge here.

A platform client's `config_backup(device)` returns {"content": bytes, "format": "json" | "conf"};
this file decides where the copy goes, whether it changed, writes it atomically and keeps
the timestamped history. Nothing is written in check mode.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time

# A file name keeps letters, digits, dot, dash and underscore; anything else becomes "_".
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
HISTORY_DIR = "history"


def json_content(document):
    """A JSON backup's bytes: sorted keys and a fixed layout, so equal documents give equal files."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def file_stem(device):
    """The file name (without extension) of a device's backup: its name, else serial, else id."""
    label = device.name or getattr(device, "serial", None) or device.id
    stem = _UNSAFE.sub("_", str(label)).lstrip(".")
    return stem or _UNSAFE.sub("_", str(device.id))


def unique_stems(devices):
    """{device id: stem}; devices whose stems collide get "-<id>" appended, so no file serves two devices."""
    stems = dict((device.id, file_stem(device)) for device in devices)
    counts = {}
    for stem in stems.values():
        counts[stem] = counts.get(stem, 0) + 1
    return dict((device_id, stem if counts[stem] == 1 else "%s-%s" % (stem, _UNSAFE.sub("_", str(device_id)))) for device_id, stem in stems.items())


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def key_fingerprints(content):
    """{top-level key: short digest of its value} of a JSON backup, None for anything else.

    The diff shows which keys changed without showing a value (a value may hold a secret).
    """
    try:
        document = json.loads(content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
    if not isinstance(document, dict):
        return None
    return dict((key, sha256(json_content(value))[:12]) for key, value in document.items())


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _write_atomically(path, content):
    """Write through a temporary file in the same folder and rename it over `path`."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)  # configurations are sensitive even with their secrets removed
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _keep_history(folder, stem, extension, content, keep, now):
    """Add a timestamped copy under history/<stem>/ and drop the oldest beyond `keep`."""
    history = os.path.join(folder, HISTORY_DIR, stem)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    _write_atomically(os.path.join(history, "%s.%s" % (stamp, extension)), content)
    copies = sorted(name for name in os.listdir(history) if name.endswith("." + extension) and not name.startswith("."))
    for name in copies[: max(0, len(copies) - keep)]:
        os.unlink(os.path.join(history, name))


def store(dest, platform, stem, backup, check_mode=False, history=False, keep=10, now=None):
    """Put one backup at dest/<platform>/<stem>.<format>; returns (entry, diff).

    entry: {path, changed, sha256, size}; diff: {"before": ..., "after": ...} keyed by the path,
    with JSON key fingerprints (or the digest of a binary file). An unchanged file is not rewritten.
    """
    folder = os.path.join(dest, platform)
    path = os.path.join(folder, "%s.%s" % (stem, backup["format"]))
    content = backup["content"] if "content" in backup else json_content(backup["document"])
    old = _read(path)
    changed = old != content
    if changed and not check_mode:
        _write_atomically(path, content)
        if history:
            _keep_history(folder, stem, backup["format"], content, keep, time.time() if now is None else now)
    entry = {"path": path, "changed": changed, "sha256": sha256(content), "size": len(content)}
    diff = {"before": {}, "after": {}}
    if changed:
        if old is not None:
            diff["before"][path] = key_fingerprints(old) or {"sha256": sha256(old)}
        diff["after"][path] = key_fingerprints(content) or {"sha256": entry["sha256"]}
    return entry, diff

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ctrl-C (SIGINT) and AWX's cancel (SIGTERM) while a module works: a failure like any other.

ansible-core's worker exits on either signal at once (os._exit), and a module process dies of
SIGTERM, so neither the rollback of a half-made change nor a router's logout would run. While a
module's operate() runs (both ways of running it, see ansible_module.perform), `Interruptible`
catches these signals and stops the work at the next safe point: before the next request is sent
(ApiClient checks `checkpoint()`), never in the middle of one, so the answer of a write under way
is read and recorded (a created group's id, a write to discard) before Interrupted, a
WanfleetError, is raised. The resources' rollback (Resource.rollback through resource.ensure), the
modules' own handling and the client's close() (logout) then run as for any failure; further
signals are held back until that cleanup is done. On exit the previous handlers are restored, and
`resend_last()` hands the signal to them (the worker then ends as ansible-core meant it to).

A task stops at most one request (bounded by `timeout`) or one poll interval of a wait after the
signal.
"""

from __future__ import annotations

import signal
import threading

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import WanfleetError

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(WanfleetError):
    """The run was interrupted (SIGINT or SIGTERM); cleanup ran before this is reported."""

    kind = "interrupted"


class Interruptible(object):
    """Context manager: SIGINT/SIGTERM end the work at the next checkpoint(); handlers restored on exit."""

    active = None  # the Interruptible of the run under way in this process, if any
    last = None  # the signal that interrupted the last run in this process (for resend_last)

    def __init__(self):
        self.received = None  # the first signal number received, if any
        self._pending = False  # received and not raised yet
        self._settled = False  # the work is over: a signal stops nothing more
        self._previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for signum in SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
            Interruptible.active = self
        return self

    def _handle(self, signum, frame):
        # A second signal (AWX sends SIGTERM again, ansible-core terminates its workers) is held back:
        # the cleanup of the first one is under way and must finish, or the device is left half-configured.
        if self.received is None:
            self.received = Interruptible.last = signum
            self._pending = not self._settled

    def checkpoint(self):
        """Raise Interrupted once, if a signal came: called where stopping is safe (before a request)."""
        if self._pending:
            self._pending = False
            raise Interrupted("interrupted by %s (Ctrl-C or a cancelled job): stopped before its next request" % signal.Signals(self.received).name)

    def settle(self):
        """The work is done (or failed and was cleaned up): a signal from now on stops nothing more."""
        self._pending = False
        self._settled = True

    def __exit__(self, *exc):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}
        if Interruptible.active is self:
            Interruptible.active = None
        return False

    @classmethod
    def resend_last(cls):
        """Hand the signal that interrupted the last run to the handlers that were there before it."""
        if cls.last is not None:
            signum, cls.last = cls.last, None
            signal.raise_signal(signum)


def checkpoint():
    """Interruptible.checkpoint() of the run under way, if any (ApiClient calls it before each request)."""
    guard = Interruptible.active
    if guard is not None:
        guard.checkpoint()

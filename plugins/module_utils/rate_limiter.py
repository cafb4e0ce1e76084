# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request rate of one account, shared by a run's threads and forks and adapted to the platform's 429s.

ApiClient (http.py) asks its RateLimiter for a slot before each request and tells it of each 429.
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
import time
from typing import Any, Callable, Optional

from ansible_collections.wanfleet.routers.plugins.module_utils.connection import RETRY_MAX_WAIT
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import HAS_FCNTL

if HAS_FCNTL:
    import fcntl

LATE_SLOT_RETRIES = 3
# Adaptation to the platform's 429s (AIMD). A cut sets the rate a little below what this controller
# had accepted lately (its share of a limit it may share with controllers it cannot see); then the
# rate grows by the same number of requests/s each second on every controller (which is what makes
# their shares converge), back up to the ceiling.
# The new rate, of the rate accepted lately (jittered by +-CUT_JITTER): CUT_FACTOR when this controller had the
# whole limit, down to CUT_FACTOR_SHARED when it had a small share (with N controllers each cut gives back less,
# so cuts, and 429s, come N times as often).
CUT_FACTOR = 0.9
CUT_FACTOR_SHARED = 0.7
CUT_JITTER = 0.05
CUT_HOLD = 1.0  # seconds after a cut in which more 429s do not cut again: they answer the old rate
# Growth per second, of the ceiling (no ceiling: of the highest rate a cut started from), jittered x0.5-1.5
# per cut so that slices do not move in lock-step.
GROWTH_PER_SECOND = 0.005
PROBE_SECONDS = 5.0  # the growth speeds up with the time without a 429 (a slice that finished left room)
START_FRACTION = 0.25  # a new schedule with a known ceiling starts at this fraction of it and doubles
DOUBLING_SECONDS = 1.0  # every second until the first 429 or the start rate: slices do not start at 4 x the limit
MIN_RATE = 0.2  # requests/s: a controller never stops altogether
RECENT_SECONDS = 2.0  # "lately": requests sent and refused are counted with this decay time
MIN_SPAN = 0.5  # seconds: the least time a rate is measured over
MIN_SAMPLE = 5  # requests accepted lately: with fewer, a cut takes the allowed rate as its base
MAX_STATE_BYTES = 4096


class RateLimiter(object):
    """Spaces requests at a rate that adapts to the platform's 429s, across threads and forks.

    `ceiling` is the most it ever allows (a documented limit, or the user's `rate_limit`; None: no
    number is known, so requests are not spaced until the platform refuses one); `start` the rate it
    begins with (default the ceiling). On a 429 (`refused()`) the rate is cut to a little below what
    the platform accepted lately, and the whole schedule waits out a Retry-After; while requests pass
    the rate grows back slowly (additive increase, multiplicative decrease, with jitter).

    With a state file, every process of the run (Ansible forks) shares the schedule and the rate
    through an flock-ed file, so 20 forks stay under a per-organization limit together and adapt as
    one controller. Other controllers (AWX job slices on other nodes) show only through the 429s.
    """

    def __init__(
        self,
        ceiling: Optional[float] = None,
        start: Optional[float] = None,
        state_file: Optional[str] = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.ceiling = float(ceiling) if ceiling else None
        self.start = min(float(start), self.ceiling or float(start)) if start else self.ceiling
        self.state_file = state_file if HAS_FCNTL else None
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self._lock = threading.Lock()
        self._state = None  # this process's state when there is no state file

    # ---- the state: {next, rate, cut_at, held_until, scale, growth, sent, refused, span, at, starting}

    def _fresh(self, now):
        scale = self.ceiling or 0.0
        return {
            "next": 0.0,
            "rate": self.start,
            "cut_at": now,
            "held_until": 0.0,
            "scale": scale,
            "growth": GROWTH_PER_SECOND * scale,
            "sent": 0.0,
            "refused": 0.0,
            "span": 0.0,
            "at": now,
            "starting": 1.0 if self.start else 0.0,
        }

    def _update(self, change):
        """change(state, now) with the state locked (the state file flock-ed); returns what it returns."""
        with self._lock:
            now = self._clock()
            fd = self._open()
            if fd is None:
                self._state = self._state or self._fresh(now)
                return change(self._state, now)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                state = self._read(fd, now)
                result = change(state, now)
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                os.write(fd, json.dumps(state, sort_keys=True).encode("ascii"))
            finally:
                os.close(fd)  # closing releases the flock
            return result

    def _open(self):
        if not self.state_file:
            return None
        try:
            # Never through a symbolic link planted in its place (the folder is checked by TokenCache.usable()).
            return os.open(self.state_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            self.state_file = None  # spacing this process's requests only beats failing every request
            return None

    def _read(self, fd, now):
        """The state in the file; a field that is missing or not a number >= 0 is taken fresh."""
        state = self._fresh(now)
        try:
            stored = json.loads(os.read(fd, MAX_STATE_BYTES).decode("ascii"))
        except ValueError:
            return state
        for key in state:
            value = stored.get(key) if isinstance(stored, dict) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
                state[key] = float(value)
        if self.ceiling is None and isinstance(stored, dict) and stored.get("rate") is None:
            state["rate"] = None  # no number known and no 429 yet
        return state

    def rate(self, state: dict, now: float) -> Optional[float]:
        """Requests/s allowed now: the rate of the last cut and what it grew since, at most the ceiling (None: any)."""
        if state["rate"] is None:
            return None
        elapsed = max(0.0, now - state["cut_at"])
        if state["starting"]:
            ramp = DOUBLING_SECONDS * math.log(1.0 / START_FRACTION, 2)
            if elapsed < ramp:
                return state["rate"] * START_FRACTION * 2.0 ** (elapsed / DOUBLING_SECONDS)
            elapsed -= ramp  # then it grows from the start rate as from a cut
        grown = state["rate"] + state["growth"] * elapsed * (1.0 + elapsed / PROBE_SECONDS)
        return min(grown, self.ceiling) if self.ceiling else grown

    def current_rate(self) -> Optional[float]:
        """Requests/s allowed now (None: no spacing)."""
        return self._update(self.rate)

    @staticmethod
    def _age(state, now):
        """Decay the counts of requests sent and refused; `span` is the time they cover."""
        decay = math.exp(-max(0.0, now - state["at"]) / RECENT_SECONDS)
        state.update(sent=state["sent"] * decay, refused=state["refused"] * decay, at=now, span=state["span"] * decay + RECENT_SECONDS * (1.0 - decay))

    # ---- requests ------------------------------------------------------------------------

    def _reserve(self, state, now):
        self._age(state, now)
        state["sent"] += 1
        rate = self.rate(state, now)
        interval = 1.0 / rate if rate else 0.0
        slot = max(now, state["next"])
        state["next"] = slot + interval
        return slot, interval

    def wait(self) -> None:
        """Wait for this request's slot in the schedule."""
        for attempt in range(LATE_SLOT_RETRIES + 1):
            slot, interval = self._update(self._reserve)
            delay = slot - self._clock()
            if delay > 0:
                self._sleep(delay)
            # A process that wakes up late (a busy controller: 20 forks on a few cores) would send in
            # the time of a later slot, and the two requests would reach the platform together: 20
            # forks doing so put 30 requests into one second. A slot missed by more than half an
            # interval is given up and a new one taken (a few times at most, then the request goes).
            if self._clock() - slot <= interval / 2.0 or attempt == LATE_SLOT_RETRIES:
                return

    def refused(self, retry_after: Optional[float] = None) -> None:
        """The platform refused a request for its rate (HTTP 429): cut the rate, wait out `retry_after`."""
        self._update(lambda state, now: self._cut(state, now, retry_after))

    def _cut(self, state, now, retry_after):
        self._age(state, now)
        state["refused"] += 1
        # Within the hold, a 429 most likely answers a request sent before the last cut took effect.
        if now >= state["held_until"]:
            self._lower(state, now)
        if retry_after:
            state["next"] = max(state["next"], now + min(retry_after, RETRY_MAX_WAIT))

    def _lower(self, state, now):
        span = max(state["span"], MIN_SPAN)
        passed = state["sent"] - state["refused"]
        # What the platform accepted lately, unless too few requests went for a measure (after a pause).
        accepted = passed / span if passed >= MIN_SAMPLE else None
        allowed = self.rate(state, now)
        known = [value for value in (accepted, allowed) if value]
        base = min(known) if known else state["sent"] / span
        scale = self.ceiling or max(base, state["scale"])  # no ceiling: the highest rate a cut started from
        share = min(1.0, base / scale) if scale else 1.0
        factor = CUT_FACTOR_SHARED + (CUT_FACTOR - CUT_FACTOR_SHARED) * share
        rate = max(MIN_RATE, base * (factor + CUT_JITTER * (2.0 * self._rand() - 1.0)))
        if allowed and state["next"] > now:
            # The slots already handed out were spaced for the old rate: the next one comes later.
            state["next"] = now + (state["next"] - now) * allowed / rate
        state.update(rate=rate, cut_at=now, held_until=now + CUT_HOLD, scale=scale, starting=0.0, growth=GROWTH_PER_SECOND * scale * (0.5 + self._rand()))

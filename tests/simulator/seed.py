"""Deterministic fleets: the same name and size always give the same world."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Named seeds and the number of devices each gives every platform.
NAMED_SEEDS = {
    "default": 3,
    "demo": 4,  # `make demo`: a small mixed fleet
    "small": 2,
}


@dataclass(frozen=True)
class Fleet:
    """What a platform module builds its state from."""

    name: str = "default"
    size: int = 3  # devices per platform
    settings: dict = field(default_factory=dict, compare=False)

    def rng(self, platform):
        """A random generator private to one platform of this fleet."""
        return random.Random("%s:%d:%s" % (self.name, self.size, platform))

    def setting(self, name, default):
        return self.settings.get(name, default)


def fleet_from_args(seed=None, fleet=None, settings=None):
    if fleet is not None:
        return Fleet(name="fleet", size=int(fleet), settings=dict(settings or {}))
    name = seed or "default"
    if name not in NAMED_SEEDS:
        raise SystemExit("unknown seed %r; known: %s" % (name, ", ".join(sorted(NAMED_SEEDS))))
    return Fleet(name=name, size=NAMED_SEEDS[name], settings=dict(settings or {}))

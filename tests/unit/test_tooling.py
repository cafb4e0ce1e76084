"""The pre-commit hooks run the checks of `make test`: the same ruff, and Makefile targets that exist."""

from __future__ import annotations

import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        return handle.read()


def hooks():
    config = yaml.safe_load(read(".pre-commit-config.yaml"))
    return dict((hook["id"], hook) for repo in config["repos"] for hook in repo["hooks"])


def test_pre_commit_runs_the_ruff_that_make_test_runs():
    pins = re.findall(r"^ruff==(\S+)$", read("requirements-dev.txt"), re.M)
    assert len(pins) == 1
    assert hooks()["ruff"]["additional_dependencies"] == ["ruff==" + pins[0]]
    assert re.search(r"^TEST_STEPS \?=.*\bruff\b", read("Makefile"), re.M)


def test_every_make_hook_calls_a_target_of_the_makefile():
    targets = set(re.findall(r"^([\w-]+):", read("Makefile"), re.M))
    called = [hook["entry"].split()[1] for hook in hooks().values() if hook["entry"].startswith("make ")]
    assert called and set(called) <= targets, (called, sorted(targets))

"""Every module's documentation as ansible-doc renders it, with the shared fragments merged in."""

from __future__ import annotations

import glob
import importlib
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
MODULES = sorted(os.path.basename(path)[:-3] for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py")) if not path.endswith("__init__.py"))
SUPPORT = ("full", "partial", "none", "N/A")
# Platforms SPEC accepts only to refuse them with the reason (config_backup: the router API has no configuration export).
REFUSED_WITH_A_REASON = {"config_backup": {"peplink_router"}}


@pytest.fixture(scope="module")
def rendered():
    """{module: its doc} from one ansible-doc --json run over every module (fails if any does not render)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"), ANSIBLE_NOCOLOR="1")
    process = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "--json", "-t", "module"] + ["wanfleet.routers.%s" % name for name in MODULES],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict((name.split(".")[-1], entry["doc"]) for name, entry in json.loads(process.stdout).items())


@pytest.mark.parametrize("name", MODULES)
def test_each_module_has_every_attribute_described_with_its_support(rendered, name):
    attributes = rendered[name]["attributes"]
    assert set(attributes) == {"action", "check_mode", "diff_mode", "platform"}
    for attribute in attributes.values():
        assert attribute["description"] and attribute["support"] in SUPPORT, attribute
    assert attributes["check_mode"]["support"] == "full"  # every module runs in check mode without writing


@pytest.mark.parametrize("name", MODULES)
def test_the_documented_platforms_are_the_ones_the_module_supports(rendered, name):
    spec = importlib.import_module("ansible_collections.wanfleet.routers.plugins.modules.%s" % name).SPEC
    accepted = set(spec["platforms"]) - REFUSED_WITH_A_REASON.get(name, set())
    assert sorted(rendered[name]["attributes"]["platform"]["platforms"]) == sorted(accepted)

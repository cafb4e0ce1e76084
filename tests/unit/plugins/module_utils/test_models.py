"""Normalisation of what the platforms return."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    Device,
    has_pattern,
    id_from_url,
    mac_digits,
    normalize_mac,
    normalize_status,
)


@pytest.mark.parametrize("given", ["AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff", "AABBCCDDEEFF", " aa bb cc dd ee ff "])
def test_mac_notations(given):
    assert normalize_mac(given) == "aa:bb:cc:dd:ee:ff"
    assert mac_digits(given) == "aabbccddeeff"


@pytest.mark.parametrize("bad", ["aa:bb:cc:dd:ee", "gg:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff:00", "router"])
def test_bad_macs(bad):
    with pytest.raises(ValueError):
        normalize_mac(bad)


def test_ids_from_urls_and_numbers():
    assert id_from_url("https://www.cradlepointecm.com/api/v2/groups/42/") == "42"
    assert id_from_url(42) == "42" and id_from_url(None) is None


@pytest.mark.parametrize(
    "given, expected", [("ONLINE", "online"), ("offline", "offline"), (True, "online"), (False, "offline"), ("initialized", "unknown"), (None, "unknown")]
)
def test_status(given, expected):
    assert normalize_status(given) == expected


def test_device_record_normalises_and_matches():
    device = Device(
        platform="ncm",
        id=7,
        name="r1",
        serial="S1",
        mac="00-11-22-33-44-55",
        status="online",
        group_id="https://x/api/v2/groups/3/",
        wan=[{"id": 1, "priority": 1}],
        raw={"a": 1},
    )
    record = device.record()
    assert record["id"] == "7" and record["group_id"] == "3" and record["mac"] == "00:11:22:33:44:55"
    assert "raw" not in record and device.record(include_raw=True)["raw"] == {"a": 1}
    assert record["wan"][0]["id"] == "1"
    assert all(device.matches(key) for key in ("7", "r1", "S1", "001122334455"))
    assert not device.matches("r2")


# ---- building the models: no plugin search, no lasting change to the environment --------------------------

IMPORT_AND_REPORT = """
import json, os
from ansible_collections.wanfleet.routers.plugins.module_utils import ansible_module, models
from pydantic.plugin import _loader
models.Device(platform="ncm", id="1", wan=[{"id": "1"}], ssids=[{"id": "2"}]).record()
pending, unbuilt = [models.Record], []
while pending:
    model = pending.pop()
    pending.extend(model.__subclasses__())
    unbuilt += [model.__name__] if model is not models.Record and not model.__pydantic_complete__ else []
print(json.dumps({"setting": os.environ.get("PYDANTIC_DISABLE_PLUGINS"), "searched": _loader._plugins is not None,
                  "unbuilt": unbuilt}))
"""


def import_and_report(setting=None):
    """What importing the modules' code and using a model did, in a fresh interpreter: {setting, searched, unbuilt}."""
    env = dict((key, value) for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS")
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    process = subprocess.run([sys.executable, "-c", IMPORT_AND_REPORT], env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(process.stdout)


def test_the_models_are_built_without_pydantic_plugin_search_and_the_environment_is_left_alone():
    assert import_and_report() == {"setting": None, "searched": False, "unbuilt": []}


def test_a_users_own_pydantic_plugin_setting_is_kept():
    assert import_and_report("some_plugin") == {"setting": "some_plugin", "searched": True, "unbuilt": []}


@pytest.mark.parametrize(
    "key, wanted, result",
    [
        ("name", "store-*", True),  # a shell pattern, case ignored
        ("name", ["x*", "Store-01"], True),  # any of a list
        ("name", "Store-0", False),  # no pattern: the whole value
        ("model", "BR1*", True),
        ("serial", "1824-????-*", True),
        ("status", "ONLINE", True),  # not a pattern key: exact, case ignored
        ("status", "on*", False),
        ("group", None, False),
    ],
)
def test_one_filter_behaviour_for_every_platform(key, wanted, result):
    device = Device(platform="ncm", id="1", name="Store-01", model="BR1 Mini", serial="1824-ABCD-0001", status="online", group="Stores")
    assert device.passes(key, wanted) is result


def test_a_filter_may_read_another_value_than_the_field():
    device = Device(platform="incontrol", id="1", model="Balance 20X")
    assert device.passes("model", "b20x", ["Balance 20X", "B20X"]) and not device.passes("model", "b20x")
    assert has_pattern(["a", "b*"]) and not has_pattern("plain-name")

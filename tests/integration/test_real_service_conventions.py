"""Ansible conventions the real services taught us (issue 14), end to end through ansible-playbook.

- A module that speaks one platform (telecomx_device, alert_rule) needs no `platform`, and refuses
  another one clearly.
- Check mode across a play: an object a previous task would create is a predicted change with a
  warning, not a failure; outside check mode the same task still fails.
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import credentials

pytestmark = pytest.mark.integration


def task(title, module, ignore_errors=False, **args):
    entry = {"name": title, "wanfleet.routers." + module: args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def test_single_platform_modules_default_their_platform(sim, run_playbook):
    run = run_playbook([
        task("tx", "telecomx_device", mac_address="00:11:22:33:44:99", name="Default platform", model="XVS-200"),
        task("rule", "alert_rule", alert_types=["connection_state"], groups=["Retail IBR900"], schedule="none"),
        task("tx elsewhere", "telecomx_device", ignore_errors=True, platform="ncm", mac_address="00:11:22:33:44:98"),
        task("rule elsewhere", "alert_rule", ignore_errors=True, platform="incontrol", alert_types=["connection_state"]),
    ], defaults=credentials(sim), check=True, env={"WANFLEET_PLATFORM": "incontrol"})
    tx, rule = run.task("tx"), run.task("rule")
    assert not tx.get("failed") and tx["changed"] is True, tx
    assert tx["invocation"]["module_args"]["platform"] == "telecomx"
    assert not rule.get("failed") and rule["invocation"]["module_args"]["platform"] == "ncm", rule
    assert "wanfleet.routers.telecomx_device does not support platform ncm; it supports: telecomx" \
        in run.task("tx elsewhere")["msg"]
    assert "wanfleet.routers.alert_rule does not support platform incontrol; it supports: ncm" \
        in run.task("rule elsewhere")["msg"]
    assert sim.writes() == []

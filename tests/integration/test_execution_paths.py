"""The two ways a module runs (plugins/plugin_utils/controller.py): in the controller's worker, and as a
module process when the task needs one. Both give the same result; the module process is chosen for
`wanfleet_run_on_controller: false` and for a task with an `environment`."""

from __future__ import annotations

import re

from tests.integration.conftest import credentials

MODULE_PROCESS = re.compile(r"wanfleet\.routers: running wanfleet\.routers\.(\w+) as a module process: (.+)")


def three_ways(module, args, register):
    """The same task three times: in the worker, with wanfleet_run_on_controller false, with an environment."""
    return [
        {"name": "worker", module: args, "register": register + "_worker"},
        {"name": "variable", module: args, "register": register + "_variable", "vars": {"wanfleet_run_on_controller": False}},
        {"name": "environment", module: args, "register": register + "_environment", "environment": {"WANFLEET_EXAMPLE": "1"}},
    ]


def comparable(result):
    return dict((key, value) for key, value in result.items() if key not in ("invocation", "_ansible_no_log", "ansible_facts"))


def test_a_read_runs_in_the_worker_unless_the_task_needs_a_module_process(sim, run_playbook):
    run = run_playbook(three_ways("wanfleet.routers.device_info", {"platform": "peplink_router"}, "info"), defaults=credentials(sim), extra_args=["-vvv"])
    assert run.rc == 0, run.stdout[-3000:]
    chosen = MODULE_PROCESS.findall(run.stdout)
    assert chosen == [("device_info", "wanfleet_run_on_controller is false"), ("device_info", "the task has an environment (WANFLEET_EXAMPLE)")], chosen
    # Two module processes started, not three: the worker task started none.
    assert len(re.findall(r"EXEC /bin/sh -c '(?:\S+=\S+ )*\S*python\S* \S+/AnsiballZ_device_info\.py && sleep 0'", run.stdout)) == 2
    worker, variable, environment = (comparable(run.task(name)) for name in ("worker", "variable", "environment"))
    assert worker["devices"] and worker == variable == environment


def test_a_check_mode_change_predicts_the_same_both_ways_and_writes_nothing(sim, run_playbook):
    args = {"platform": "ncm", "group": "Retail IBR900", "id": "0.1", "name": "Staff", "passphrase": "Execution-paths-psk-1", "security": "wpa2_personal"}
    sim.clear_requests()
    run = run_playbook(three_ways("wanfleet.routers.ssid_profile", args, "ssid"), defaults=credentials(sim), check=True, diff=True)
    assert run.rc == 0, run.stdout[-3000:]
    worker, variable, environment = (comparable(run.task(name)) for name in ("worker", "variable", "environment"))
    assert worker["changed"] is True and worker["diff"]["after"]["passphrase"] == "********"
    assert worker == variable == environment
    assert not sim.writes() and "Execution-paths-psk-1" not in run.stdout

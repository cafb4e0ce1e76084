"""The harness itself: a playbook runs against the simulator and its results are read back."""

from __future__ import annotations


def test_a_playbook_runs_and_results_are_recorded(run_playbook):
    run = run_playbook([{"name": "hello", "ansible.builtin.debug": {"msg": "hi"}}])
    assert run.rc == 0, run.stdout + run.stderr
    assert run.task("hello")["msg"] == "hi"


def test_simulator_control_api(sim):
    assert sim.requests() == []
    state = sim.state()
    assert set(state) == {"peplink", "incontrol", "ncm", "telecomx"}

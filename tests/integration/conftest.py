"""Integration fixtures: the simulator, and real ansible-playbook / ansible-inventory runs against it."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile

import pytest
import yaml

from tests.simulator.process import ROOT, Simulator

HERE = os.path.dirname(os.path.abspath(__file__))
# The ansible-* commands and the Python that runs modules: this interpreter's venv, or the venv of
# WANFLEET_ANSIBLE_VENV (`make test-matrix`: one venv per ansible-core minor, with requirements.txt only).
# The simulator and pytest stay in this interpreter.
ANSIBLE_VENV = os.environ.get("WANFLEET_ANSIBLE_VENV")
BIN = os.path.join(ANSIBLE_VENV, "bin") if ANSIBLE_VENV else os.path.dirname(sys.executable)
ANSIBLE_PYTHON = os.path.join(BIN, "python") if ANSIBLE_VENV else sys.executable


@functools.lru_cache(maxsize=None)
def ansible_core_version():
    """(major, minor) of the ansible-core the tests run, e.g. (2, 16)."""
    output = subprocess.run([os.path.join(BIN, "ansible"), "--version"], capture_output=True, text=True, check=True).stdout
    return tuple(int(part) for part in output.split("core ", 1)[1].split("]", 1)[0].split(".")[:2])


def collections_path():
    """A collections path holding this checkout as wanfleet.routers: make's, or one made here."""
    for path in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        if path and os.path.realpath(os.path.join(path, "ansible_collections", "wanfleet", "routers")) == os.path.realpath(ROOT):
            return path
    base = tempfile.mkdtemp(prefix="wanfleet-collections-")
    os.makedirs(os.path.join(base, "ansible_collections", "wanfleet"))
    os.symlink(ROOT, os.path.join(base, "ansible_collections", "wanfleet", "routers"))
    return base


@pytest.fixture(scope="session")
def ansible_env(tmp_path_factory):
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_PYTHON_INTERPRETER": ANSIBLE_PYTHON,
            "WANFLEET_CACHE_DIR": str(tmp_path_factory.mktemp("token-cache")),
            "PATH": BIN + os.pathsep + env.get("PATH", ""),
        }
    )
    for name in list(env):
        if name.startswith(("INCONTROL_", "PEPLINK_", "X_CP_", "X_ECM_", "TELECOMX_", "CP_BASE_URL", "WANFLEET_PLATFORM")):
            del env[name]
    return env


@pytest.fixture(scope="session")
def simulator():
    settings = {"reboot_seconds": 2, "telecomx_provision_seconds": 1, "telecomx_delete_seconds": 1}
    with Simulator(seed="default", settings=settings) as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    """The session's simulator, reset to its seed before the test."""
    simulator.reset()
    return simulator


def credentials(sim, serial=None):
    """module_defaults for group/wanfleet.routers.all: credentials of every platform of the simulator."""
    return {
        "incontrol": {"url": sim.url, "client_id": "sim-client", "client_secret": "sim-secret", "organization": "sim-org"},
        "peplink_router": {"url": sim.platform_url("peplink_router", serial or first_router_serial(sim)), "username": "admin", "password": "admin"},
        "ncm": {"url": sim.platform_url("ncm"), "cp_api_id": "sim-cp-id", "cp_api_key": "sim-cp-key", "ecm_api_id": "sim-ecm-id", "ecm_api_key": "sim-ecm-key"},
        "telecomx": {"url": sim.url, "username": "manager@example.com", "password": "sim-password"},
    }


def credentials_environment(sim):
    """The simulator's credentials as the environment variables a user exports (docs/simulator.md)."""
    return sim.credentials_environment()


def first_router_serial(sim):
    return sorted(sim.state()["peplink"]["routers"])[0]


class PlaybookRun(object):
    def __init__(self, process, results):
        self.rc = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.results = results

    def task(self, name):
        """The result of the (last) task with this name."""
        matches = [entry["result"] for entry in self.results if entry["task"] == name]
        assert matches, "no task %r in %s\n%s" % (name, [e["task"] for e in self.results], self.stdout)
        return matches[-1]

    def failed_task(self, name):
        """The result of the (last) task with this name, which must have failed (ignore_errors kept the play going)."""
        entries = [entry for entry in self.results if entry["task"] == name]
        assert entries and entries[-1]["status"] == "failed", "task %r did not fail: %s" % (name, entries)
        return entries[-1]["result"]

    @property
    def failed(self):
        return [entry for entry in self.results if entry["status"] == "failed"]


@pytest.fixture
def run_playbook(ansible_env, tmp_path):
    """run_playbook(tasks, defaults=..., check=False, diff=False, extra_args=()) -> PlaybookRun."""
    counter = [0]

    def run(tasks, defaults=None, check=False, diff=False, extra_args=(), env=None, play_vars=None):
        counter[0] += 1
        play = {"name": "integration", "hosts": "localhost", "connection": "local", "gather_facts": False, "vars": play_vars or {}, "tasks": tasks}
        if defaults is not None:
            play["module_defaults"] = {"group/wanfleet.routers.all": defaults}
        playbook = tmp_path / ("play%d.yml" % counter[0])
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        results_file = tmp_path / ("results%d.jsonl" % counter[0])
        args = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", str(playbook)]
        args += (["--check"] if check else []) + (["--diff"] if diff else []) + list(extra_args)
        # Own temp dirs per run: parallel runs sharing ~/.ansible/tmp have collided.
        process_env = dict(
            ansible_env,
            WANFLEET_RESULTS_FILE=str(results_file),
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
            ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
        )
        process_env.update(env or {})
        process = subprocess.run(args, env=process_env, capture_output=True, text=True, timeout=600, cwd=str(tmp_path), check=False)
        results = [json.loads(line) for line in results_file.read_text().splitlines()] if results_file.exists() else []
        return PlaybookRun(process, results)

    return run

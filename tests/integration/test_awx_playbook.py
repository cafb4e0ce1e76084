"""playbooks/awx_credential_types.yml without AWX: awx.awx is not installed here, so the test runs everything but the
awx.awx task (reading the definitions shipped next to the playbook) and checks what that task is given."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.integration.conftest import BIN
from tests.simulator.process import ROOT

pytestmark = pytest.mark.integration

PLAYBOOK = os.path.join(ROOT, "playbooks", "awx_credential_types.yml")


def load():
    with open(PLAYBOOK) as handle:
        return yaml.safe_load(handle)


def run_without_awx(ansible_env, folder, extensions):
    """The playbook, its awx.awx task replaced by one that prints what it would get, in a layout like the collection's."""
    plays = load()
    tasks = plays[0]["tasks"]
    assert "awx.awx.credential_type" in tasks[-1]
    tasks[-1] = {"name": "What awx.awx.credential_type gets", "ansible.builtin.debug": {"msg": "{{ wanfleet_credential_types | to_json }}"}}
    (folder / "playbooks").mkdir(parents=True)
    (folder / "playbooks" / "awx_credential_types.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    os.symlink(extensions, str(folder / "extensions"))
    results = folder / "results.jsonl"
    process = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), str(folder / "playbooks" / "awx_credential_types.yml")],
        env=dict(ansible_env, WANFLEET_RESULTS_FILE=str(results)),
        cwd=str(folder),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return process, [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []


def test_the_awx_task_creates_each_definition_as_it_is():
    task = load()[0]["tasks"][-1]
    assert task["awx.awx.credential_type"] == {
        "name": "{{ item.name }}",
        "description": "{{ item.description }}",
        "kind": "{{ item.kind }}",
        "inputs": "{{ item.inputs }}",
        "injectors": "{{ item.injectors }}",
        "state": "present",
    }
    assert task["loop"] == "{{ wanfleet_credential_types }}"


def test_the_playbook_reads_the_definitions_next_to_it(ansible_env, tmp_path):
    process, results = run_without_awx(ansible_env, tmp_path, os.path.join(ROOT, "extensions"))
    assert process.returncode == 0, process.stdout + process.stderr
    message = [entry["result"]["msg"] for entry in results if entry["task"] == "What awx.awx.credential_type gets"][0]
    given = json.loads(message) if isinstance(message, str) else message
    directory = os.path.join(ROOT, "extensions", "awx", "credential_types")
    expected = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name)) as handle:
            expected.append(yaml.safe_load(handle))
    assert given == expected and len(given) == 5
    assert all(definition["kind"] == "cloud" and definition["injectors"]["env"] for definition in given)


def test_the_playbook_fails_when_it_finds_no_definition(ansible_env, tmp_path):
    empty = tmp_path / "empty-extensions"
    (empty / "awx" / "credential_types").mkdir(parents=True)
    process = run_without_awx(ansible_env, tmp_path / "collection", str(empty))[0]
    assert process.returncode != 0
    assert "expected 5 credential type definitions" in process.stdout

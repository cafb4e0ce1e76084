"""playbooks/backup.yml and playbooks/firmware.yml as an AWX job template runs them: credentials in the environment."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.integration.conftest import BIN
from tests.simulator.process import ROOT

pytestmark = pytest.mark.integration


def environment(sim, ansible_env, tmp_path):
    return dict(
        ansible_env,
        INCONTROL_URL=sim.url,
        INCONTROL_CLIENT_ID="sim-client",
        INCONTROL_CLIENT_SECRET="sim-secret",
        INCONTROL_ORG="sim-org",
        CP_BASE_URL=sim.platform_url("ncm"),
        X_CP_API_ID="sim-cp-id",
        X_CP_API_KEY="sim-cp-key",
        X_ECM_API_ID="sim-ecm-id",
        X_ECM_API_KEY="sim-ecm-key",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
    )


def playbook(name, env, tmp_path, **extra_vars):
    command = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", os.path.join(ROOT, "playbooks", name), "-e", json.dumps(extra_vars)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=str(tmp_path), check=False)


def test_backup_playbook_saves_every_platform_in_the_environment(sim, ansible_env, tmp_path):
    env = environment(sim, ansible_env, tmp_path)
    dest = tmp_path / "backups"
    first = playbook("backup.yml", env, tmp_path, wanfleet_backup_dest=str(dest))
    assert first.returncode == 0, first.stdout + first.stderr
    assert sorted(os.listdir(str(dest))) == ["incontrol", "ncm"]
    assert len([name for name in os.listdir(str(dest / "incontrol")) if name.endswith(".conf")]) == 3
    again = playbook("backup.yml", env, tmp_path, wanfleet_backup_dest=str(dest))
    assert again.returncode == 0 and "changed=0" in again.stdout
    missing = playbook("backup.yml", env, tmp_path)
    assert missing.returncode != 0 and "wanfleet_backup_dest" in missing.stdout


def test_firmware_playbook_sets_an_ncm_group(sim, ansible_env, tmp_path):
    env = environment(sim, ansible_env, tmp_path)
    run = playbook(
        "firmware.yml",
        env,
        tmp_path,
        wanfleet_firmware_platform="ncm",
        wanfleet_firmware_group="Retail IBR900",
        wanfleet_firmware_version="7.23.40",
        wanfleet_firmware_wait_timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "changed=1" in run.stdout and "upgrade" in run.stdout.split("What was done")[1]
    assert [entry["method"] for entry in sim.writes()] == ["PATCH"]

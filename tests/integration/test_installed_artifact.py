"""The built artifact in a virtualenv of its own, used from a folder that is not the checkout, as a user does it.

The virtualenv is the one of WANFLEET_ANSIBLE_VENV (`make versions`: the oldest and newest supported ansible-core,
`make test-matrix`: each of them): ansible-core from PyPI, nothing of the checkout. The test builds the tarball with
that ansible-galaxy, installs it, installs the installed collection's requirements.txt (the README's step), and
then runs ansible-doc, ansible-inventory and ansible-playbook from an empty project folder, with only the installed
collection on ANSIBLE_COLLECTIONS_PATH and no PYTHONPATH. The simulator (from the checkout) is only the server.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.integration.conftest import ANSIBLE_VENV, BIN, ansible_core_version, credentials_environment
from tests.integration.test_inventory import plain
from tests.simulator.process import ROOT, Simulator

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not ANSIBLE_VENV, reason="runs in a venv of its own: make versions / make test-matrix")]


def run(args, env, cwd, expect=0):
    process = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, cwd=str(cwd), check=False)
    assert process.returncode == expect, "%s\n%s%s" % (" ".join(args), process.stdout, process.stderr)
    return process


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """(project folder, environment): the artifact installed; the environment knows nothing of the checkout."""
    base = tmp_path_factory.mktemp("installed")
    env = dict(
        (name, value)
        for name, value in os.environ.items()
        if not name.startswith(
            ("ANSIBLE_", "PYTHON", "WANFLEET_", "INCONTROL_", "PEPLINK_", "X_CP_", "X_ECM_", "TELECOMX_", "CP_BASE_URL", "VIRTUAL_ENV", "PYTEST")
        )
    )
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(base / "collections"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": str(base / "ansible-local"),
            "ANSIBLE_REMOTE_TMP": str(base / "ansible-remote"),
            "WANFLEET_CACHE_DIR": str(base / "tokens"),
            "HOME": str(base / "home"),
            "PATH": BIN + os.pathsep + "/usr/bin:/bin",
        }
    )
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(base / "dist"), ROOT], env, base)
    tarball = next((base / "dist").glob("wanfleet-routers-*.tar.gz"))
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", str(tarball)], env, base)
    installed = base / "collections" / "ansible_collections" / "wanfleet" / "routers"
    # The README's step; the cached venv has them already, so pip has nothing to fetch.
    run([os.path.join(BIN, "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(installed / "requirements.txt")], env, base)
    folder = base / "project"
    folder.mkdir()
    return folder, env


def test_the_installed_collection_is_the_one_used(project):
    folder, env = project
    listing = run([os.path.join(BIN, "ansible-galaxy"), "collection", "list", "wanfleet.routers", "--format", "json"], env, folder)
    paths = json.loads(listing.stdout)
    assert list(paths) == [env["ANSIBLE_COLLECTIONS_PATH"] + "/ansible_collections"], paths
    docs = json.loads(run([os.path.join(BIN, "ansible-doc"), "--json", "-t", "module", "wanfleet.routers.device_info"], env, folder).stdout)
    assert docs["wanfleet.routers.device_info"]["doc"]["filename"].startswith(env["ANSIBLE_COLLECTIONS_PATH"])
    for kind, name in (("inventory", "wanfleet.routers.fleet"), ("role", "wanfleet.routers.site_provision")):
        assert name.upper() in run([os.path.join(BIN, "ansible-doc"), "-t", kind, name], env, folder).stdout.upper()
    # What the artifact ships for AWX is where docs/awx.md says it is.
    root = os.path.join(env["ANSIBLE_COLLECTIONS_PATH"], "ansible_collections", "wanfleet", "routers")
    for name in ("playbooks/awx_credential_types.yml", "CHANGELOG.md", "extensions/awx/credential_types/ncm.yml"):
        assert os.path.isfile(os.path.join(root, name)), name
    assert not os.path.exists(os.path.join(root, "tests", "unit")) and not os.path.exists(os.path.join(root, "Makefile"))


def test_the_user_agent_names_the_artifact_version(project):
    folder, env = project
    root = os.path.join(env["ANSIBLE_COLLECTIONS_PATH"], "ansible_collections", "wanfleet", "routers")
    with open(os.path.join(root, "MANIFEST.json"), encoding="utf-8") as handle:
        version = json.load(handle)["collection_info"]["version"]
    code = "from ansible_collections.wanfleet.routers.plugins.module_utils.http import USER_AGENT; print(USER_AGENT)"
    printed = run([os.path.join(BIN, "python"), "-c", code], dict(env, PYTHONPATH=env["ANSIBLE_COLLECTIONS_PATH"]), folder)
    assert printed.stdout.strip() == "wanfleet.routers/" + version


def test_inventory_and_playbook_from_a_project_folder(project):
    folder, env = project
    with Simulator(seed="default") as sim:
        env = dict(env, **credentials_environment(sim))
        (folder / "fleet.wanfleet.yml").write_text(
            yaml.safe_dump(
                {
                    "plugin": "wanfleet.routers.fleet",
                    "sources": [{"platform": "incontrol"}, {"platform": "ncm"}, {"platform": "telecomx"}],
                    "cache": True,
                    "cache_plugin": "ansible.builtin.jsonfile",
                    "cache_connection": str(folder / "cache"),
                }
            )
        )
        hosts = plain(json.loads(run([os.path.join(BIN, "ansible-inventory"), "-i", "fleet.wanfleet.yml", "--list"], env, folder).stdout))
        platforms = set(hosts["_meta"]["hostvars"][name]["wanfleet_platform"] for name in hosts["wanfleet_online"]["hosts"])
        assert platforms == {"incontrol", "ncm", "telecomx"}
        sim.clear_requests()
        run([os.path.join(BIN, "ansible-inventory"), "-i", "fleet.wanfleet.yml", "--list"], env, folder)
        assert sim.requests() == []  # served from the plugin's cache
        # ansible-inventory --flush-cache exists from 2.19 on; before, docs/inventory.md gives ansible-playbook --flush-cache.
        flush = subprocess.run(
            [os.path.join(BIN, "ansible-inventory"), "-i", "fleet.wanfleet.yml", "--list", "--flush-cache"],
            env=env,
            cwd=str(folder),
            capture_output=True,
            text=True,
            check=False,
        )
        assert (flush.returncode == 0) == (ansible_core_version() >= (2, 19)), flush.stderr

        (folder / "online.yml").write_text(
            yaml.safe_dump(
                [
                    {
                        "name": "Every online router, read live",
                        "hosts": "wanfleet_online",
                        "gather_facts": False,
                        "tasks": [
                            {
                                "name": "Read",
                                "wanfleet.routers.device_info": {"platform": "{{ wanfleet_platform }}", "device": "{{ wanfleet_id }}"},
                                "register": "live",
                            },
                            {"name": "Same router", "ansible.builtin.assert": {"that": ["live.devices[0].id == wanfleet_id"]}},
                        ],
                    }
                ]
            )
        )
        played = run([os.path.join(BIN, "ansible-playbook"), "-i", "fleet.wanfleet.yml", "online.yml"], env, folder)
        # A play that sends nothing: every request of this run is the inventory listing the fleet again.
        (folder / "nothing.yml").write_text(
            yaml.safe_dump([{"name": "Nothing", "hosts": "localhost", "gather_facts": False, "tasks": [{"ansible.builtin.meta": "noop"}]}])
        )
        sim.clear_requests()
        run([os.path.join(BIN, "ansible-playbook"), "-i", "fleet.wanfleet.yml", "nothing.yml", "--flush-cache"], env, folder)
        assert sim.requests(), "ansible-playbook --flush-cache did not list the fleet again"
    assert "failed=0" in played.stdout and " ok=2 " in played.stdout
    assert played.stdout.count(" ok=2 ") == len(hosts["wanfleet_online"]["hosts"])

"""The artifact: `ansible-galaxy collection build`, installed into an empty collections path and used from there.

Nothing here sees the checkout through ANSIBLE_COLLECTIONS_PATH: every command gets only the path the
tarball was installed into, the way a user, AWX or an execution environment gets the collection.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from tests.demo import sites as demo_sites
from tests.integration.conftest import BIN, credentials_environment
from tests.simulator.process import ROOT, Simulator

pytestmark = pytest.mark.integration

MODULES = sorted(
    os.path.basename(path)[:-3] for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py")) if not os.path.basename(path).startswith("_")
)
EE_DEFINITION = os.path.join(ROOT, "docs", "awx", "execution-environment.yml")
EE_TARBALL_DEFINITION = os.path.join(ROOT, "docs", "awx", "execution-environment-tarball.yml")


def recap(stdout):
    """{host: {ok, changed, failed, ...}} from the PLAY RECAP of a run."""
    lines = stdout[stdout.rindex("PLAY RECAP") :].splitlines()[1:]
    return dict(
        (line.split()[0], dict((key, int(value)) for key, value in (part.split("=") for part in line.split(":", 1)[1].split())))
        for line in lines
        if " : ok=" in line
    )


def command(args, env, cwd, timeout=600):
    process = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
    assert process.returncode == 0, "%s\n%s%s" % (" ".join(args), process.stdout, process.stderr)
    return process


@pytest.fixture(scope="module")
def installed(tmp_path_factory, ansible_env):
    """(tarball, collections path with only the installed artifact, environment that sees only that path)."""
    base = tmp_path_factory.mktemp("packaging")
    env = dict(
        ansible_env,
        ANSIBLE_COLLECTIONS_PATH=str(base / "collections"),
        ANSIBLE_LOCAL_TEMP=str(base / "ansible-local"),
        ANSIBLE_REMOTE_TMP=str(base / "ansible-remote"),
    )
    env.pop("ANSIBLE_CALLBACK_PLUGINS", None)
    env.pop("ANSIBLE_CALLBACKS_ENABLED", None)
    env["PYTHONPATH"] = ""  # nothing from the checkout
    command([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(base / "dist"), ROOT], env, ROOT)
    tarball = glob.glob(str(base / "dist" / "wanfleet-routers-*.tar.gz"))[0]
    command([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p", str(base / "collections"), tarball], env, str(base))
    return tarball, str(base / "collections"), env


def test_the_tarball_holds_what_users_and_execution_environments_need(installed):
    tarball = installed[0]
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    for name in (
        "meta/runtime.yml",
        "meta/execution-environment.yml",
        "requirements.txt",
        "bindep.txt",
        "README.md",
        "LICENSE",
        "playbooks/site.yml",
        "playbooks/fleet_report.yml",
        "playbooks/templates/fleet_report.html.j2",
        "roles/site_provision/meta/argument_specs.yml",
        "plugins/inventory/fleet.py",
        "docs/getting-started.md",
        "docs/awx/execution-environment.yml",
        "docs/awx/execution-environment-tarball.yml",
        "CHANGELOG.md",
        "changelogs/changelog.yaml",
        "tests/config.yml",
        "playbooks/awx_credential_types.yml",
    ):
        assert name in names, name
    for module in MODULES:
        assert "plugins/modules/%s.py" % module in names
    credential_types = [name for name in names if name.startswith("extensions/awx/credential_types/") and name.endswith(".yml")]
    assert len(credential_types) == 5, credential_types
    # What only a developer needs stays in the repository.
    dropped = (
        ".venv",
        ".build",
        ".git/",
        "tests/output",
        "tests/unit",
        "tests/integration",
        "tests/simulator",
        "bench",
        "tools",
        "Makefile",
        "requirements-dev.txt",
        "changelogs/fragments",
        "docs/dev/",
    )
    assert not [name for name in names if name.startswith(dropped) or "__pycache__" in name]
    assert manifest["collection_info"]["namespace"] == "wanfleet" and manifest["collection_info"]["name"] == "routers"


def test_the_installed_modules_import_and_document_themselves(installed):
    path, env = installed[1:]
    root = os.path.join(path, "ansible_collections", "wanfleet", "routers")
    assert os.path.isfile(os.path.join(root, "plugins", "modules", "device_info.py"))
    script = "; ".join("import ansible_collections.wanfleet.routers.plugins.modules.%s" % module for module in MODULES)
    script += "; import ansible_collections.wanfleet.routers.plugins.inventory.fleet"
    command(
        [sys.executable, "-c", script + "; import sys; print(sys.modules['ansible_collections.wanfleet.routers'].__path__)"], dict(env, PYTHONPATH=path), path
    )
    listing = command([os.path.join(BIN, "ansible-doc"), "-l", "wanfleet.routers"], env, path).stdout
    assert sorted(line.split()[0] for line in listing.splitlines() if line.startswith("wanfleet.routers.")) == [
        "wanfleet.routers." + module for module in MODULES
    ]
    docs = json.loads(command([os.path.join(BIN, "ansible-doc"), "--json", "-t", "module"] + ["wanfleet.routers." + m for m in MODULES], env, path).stdout)
    for module in MODULES:
        doc = docs["wanfleet.routers." + module]["doc"]
        assert doc["collection"] == "wanfleet.routers" and "platform" in doc["options"], module
        assert docs["wanfleet.routers." + module]["examples"], module
    role = command([os.path.join(BIN, "ansible-doc"), "-t", "role", "wanfleet.routers.site_provision"], env, path).stdout
    assert "site_provision_platform" in role and "site_provision_ssids" in role
    inventory = command([os.path.join(BIN, "ansible-doc"), "-t", "inventory", "wanfleet.routers.fleet"], env, path).stdout
    assert "sources" in inventory


def test_the_demo_playbooks_run_from_the_installed_collection(installed, tmp_path):
    """make demo's site.yml (as wanfleet.routers.site) and the report, from the installed artifact only."""
    env = installed[2]
    with Simulator(seed="demo", settings={"reboot_seconds": 1}) as sim:
        env = dict(env, WANFLEET_CACHE_DIR=str(tmp_path / "tokens"), **credentials_environment(sim))
        inventory = tmp_path / "sites.yml"
        inventory.write_text(yaml.safe_dump({"wanfleet_sites": {"hosts": demo_sites(sim)}}))
        playbook = [os.path.join(BIN, "ansible-playbook"), "-i", str(inventory), "wanfleet.routers.site"]
        first = recap(command(playbook, env, str(tmp_path), timeout=900).stdout)
        assert first["stores-ncm"]["changed"] > 0 and first["hq-router"]["changed"] > 0, first
        second = recap(command(playbook, env, str(tmp_path), timeout=900).stdout)
        assert sorted(second) == ["branches-incontrol", "depot-telecomx", "hq-router", "localhost", "stores-ncm"]
        assert [host for host, counts in second.items() if counts["changed"] or counts["failed"]] == [], second
        # As from a shell in tmp_path: the report's default place is $PWD (not the installed collection's playbooks/).
        report = command([os.path.join(BIN, "ansible-playbook"), "wanfleet.routers.fleet_report"], dict(env, PWD=str(tmp_path)), str(tmp_path))
    assert "Fleet report: %s (12 devices" % (tmp_path / "fleet-report.html") in report.stdout
    assert "12 devices on 3 platforms" in (tmp_path / "fleet-report.html").read_text()


def test_ansible_builder_creates_the_execution_environment_context(installed, tmp_path):
    """ansible-builder create (no container build: there is no engine here), for the shipped definition and for a variant
    that installs the built tarball; then the introspection the image build runs finds the collection's requirements."""
    tarball, path, env = installed
    builder = os.path.join(BIN, "ansible-builder")
    shipped = command([builder, "create", "-f", EE_DEFINITION, "-c", str(tmp_path / "shipped"), "--output-filename", "Containerfile"], env, str(tmp_path))
    assert "Complete!" in shipped.stdout
    assert yaml.safe_load((tmp_path / "shipped" / "_build" / "requirements.yml").read_text())["collections"][0]["name"] == "wanfleet.routers"

    # The tarball variant, used as its comment says: the tarball beside it as wanfleet-routers.tar.gz.
    with open(EE_DEFINITION) as handle:
        galaxy = yaml.safe_load(handle)
    with open(EE_TARBALL_DEFINITION) as handle:
        from_tarball = yaml.safe_load(handle)
    assert from_tarball.pop("additional_build_files") == [{"src": "wanfleet-routers.tar.gz", "dest": "collections"}]
    assert from_tarball["dependencies"].pop("galaxy") == {"collections": [{"name": "collections/wanfleet-routers.tar.gz", "type": "file"}]}
    del galaxy["dependencies"]["galaxy"]
    assert from_tarball == galaxy  # the two definitions differ only in where the collection comes from
    shutil.copy(EE_TARBALL_DEFINITION, str(tmp_path))
    shutil.copy(tarball, str(tmp_path / "wanfleet-routers.tar.gz"))
    command(
        [builder, "create", "-f", os.path.basename(EE_TARBALL_DEFINITION), "-c", str(tmp_path / "local"), "--output-filename", "Containerfile"],
        env,
        str(tmp_path),
    )
    assert (tmp_path / "local" / "_build" / "collections" / "wanfleet-routers.tar.gz").is_file()
    containerfile = (tmp_path / "local" / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile

    introspected = yaml.safe_load(
        command([sys.executable, str(tmp_path / "local" / "_build" / "scripts" / "introspect.py"), "introspect", path], env, str(tmp_path)).stdout
    )
    python = " ".join(introspected["python"])
    assert "httpx" in python and "pydantic" in python and "wanfleet.routers" in python
    assert any(line.startswith("ca-certificates") for line in introspected["system"])

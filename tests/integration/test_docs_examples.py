"""Every example of docs/ and README.md, and the EXAMPLES of every plugin, run as written against the simulator.

A page is a user's project folder: its examples run in order, the way a reader pastes them.

- A YAML block whose first line is a comment naming a file (`# inventories/fleet.wanfleet.yml`) is written to that
  file; an inventory file (`*.wanfleet.yml`) is then listed with ansible-inventory.
- Other YAML blocks: a list of plays runs with ansible-playbook (with the page's last inventory file when its hosts
  are not localhost), a list of tasks runs as a play on localhost, an inventory file (`plugin:`) or a part of one
  (`keyed_groups:`, `cache:`, ...) is completed with the three platforms' sources and listed.
- Shell blocks: every ansible-playbook / ansible-inventory / ansible / ansible-doc command line runs in the folder.
  Set-up commands (installing, exporting credentials, make) are not run: the test gives what they would.
- `<!-- example: COMMAND -->` right before a block: the block is written to a file and COMMAND runs, with `{file}` its
  name (for variables meant for a playbook, say). `<!-- example: not run: REASON -->` says why a block cannot run
  here, and what tests it instead.

The credentials are the simulator's, in the environment variables a user exports (docs/simulator.md), and the
variables an example expects the user to have (vault_...) are given as extra variables. Values that stand for a
user's own devices (a serial number, a router's address, a MAC address) are replaced by the simulator's before
running: REAL_VALUES below. A run must run a task on at least one host, and no task may fail.
"""

from __future__ import annotations

import ast
import glob
import json
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from tests.integration.conftest import BIN, credentials_environment
from tests.simulator.ncm import PEOPLE
from tests.simulator.process import ROOT, Simulator

pytestmark = pytest.mark.integration

PAGES = sorted(os.path.relpath(path, ROOT) for path in glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True) if "/dev/" not in path) + [
    "README.md"
]
PLUGINS = sorted(
    os.path.relpath(path, ROOT)
    for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py")) + glob.glob(os.path.join(ROOT, "plugins", "inventory", "*.py"))
    if not path.endswith("__init__.py")
)
BLOCK = re.compile(r"^(?P<marker> *<!-- example: (?P<how>.*?) -->\n)?(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
RUN_COMMANDS = ("ansible-playbook", "ansible-inventory", "ansible-doc", "ansible ")
SET_UP_COMMANDS = (
    "export ",
    "ansible-galaxy ",
    "python3 -m pip",
    "pip ",
    "make ",
    "git ",
    "cp ",
    "ansible-builder ",
    "openssl ",
    "|",
    "python3 -m venv",
    "python3 -m tests.simulator",
    "curl ",
)
# The user's own variables that examples refer to.
EXTRA_VARS = {
    "vault_router_password": "admin",
    "vault_staff_psk": "staff-passphrase",
    "vault_office_psk": "office-passphrase",
    "vault_depot_psk": "depot-passphrase",
    "vault_cp_api_id": "sim-cp-id",
    "vault_cp_api_key": "sim-cp-key",
    "vault_ecm_api_id": "sim-ecm-id",
    "vault_ecm_api_key": "sim-ecm-key",
    "vault_ic2_client_id": "sim-client",
    "vault_ic2_client_secret": "sim-secret",
    "ncm_eu_ecm_api_id": "sim-ecm-id",
    "vault_ncm_eu_cp_api_key": "sim-cp-key",
}
INVENTORY_KEYS = {
    "sources",
    "keyed_groups",
    "groups",
    "compose",
    "strict",
    "cache",
    "cache_plugin",
    "cache_connection",
    "cache_timeout",
    "hostnames",
    "duplicate_hostnames",
    "detail",
    "concurrency",
    "strict_permissions",
}


def real_values(sim):
    """What the examples' placeholder values stand for, in the simulator's fleet."""
    state = sim.state()
    stores = sorted(router["name"] for router in state["ncm"]["routers"] if router["state"] == "online" and router["product"] == "IBR900")
    # The router at an address has SSID profiles of its own (not InControl's); the one through InControl is another.
    routers = state["peplink"]["routers"]
    local = [
        serial
        for serial in sorted(routers)
        if not any(ssid.get("incontrolManaged") for ssid in routers[serial]["running"]["ssid"].values()) and "2" in routers[serial]["running"]["ssid"]
    ]
    routers = local[:1] + [serial for serial in sorted(routers) if serial not in local[:1]]
    customer = [user["customer"] for user in state["telecomx"]["users"] if user["username"] == "manager@example.com"][0]
    device = sorted(
        (device for device in state["telecomx"]["devices"] if device["customer"] == customer and device["state"] == "ACTIVE"), key=lambda device: device["name"]
    )[0]
    return {
        "https://192.168.50.1": sim.platform_url("peplink_router", routers[0]),
        "/etc/ssl/router-ca.pem": sim.ca_file,
        "1824-1234-ABCD": routers[1],
        "store-001": stores[0],
        "store-041": stores[0],
        "store-042": stores[1],
        "MM180012345678": stores[1],
        "00:11:22:33:44:55": ":".join(device["macAddress"][i : i + 2] for i in range(0, 12, 2)),
        "5f1c0c9d2a4e1b0012345678": customer,
        "organization: Main": "organization: sim-org",
        "noc@example.com": "%s.%s@example.com" % tuple(part.lower() for part in PEOPLE[0]),  # alert e-mails go to NCM users
        "branch-007": state["peplink"]["routers"][sorted(state["peplink"]["routers"])[-1]]["name"],  # one through InControl
    }


def blocks(text):
    """(line, marker, language, body) of every fenced block of a Markdown page."""
    for match in BLOCK.finditer(text):
        body = "\n".join(line[len(match.group("indent")) :] for line in match.group("body").splitlines()) + "\n"
        yield text[: match.start()].count("\n") + 1, match.group("how"), match.group("lang"), body


def plugin_examples(path):
    """The EXAMPLES of a plugin: one YAML document each (an inventory's examples are several files)."""
    with open(os.path.join(ROOT, path)) as handle:
        tree = ast.parse(handle.read())
    text = [node.value.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES"][0]
    return [(1, None, "yaml", document.strip() + "\n") for document in text.split("\n---\n")]


class Project(object):
    """A reader's project folder for one page, with the simulator's credentials in the environment."""

    def __init__(self, sim, folder, env):
        self.sim, self.folder, self.env = sim, folder, env
        self.inventory = None
        self.values = dict(real_values(sim), **{"/var/backups/routers": str(folder / "backups")})
        self.count = 0
        (folder / "extra_vars.yml").write_text(yaml.safe_dump(EXTRA_VARS))

    def real(self, text):
        for placeholder, value in self.values.items():
            text = text.replace(placeholder, value)
        return text

    def write(self, name, text):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.real(text))
        return name

    def run(self, args, where):
        process = subprocess.run(args, env=self.env, cwd=str(self.folder), capture_output=True, text=True, timeout=900, check=False)
        assert process.returncode == 0, "%s: %s\n%s%s" % (where, " ".join(args), process.stdout[-6000:], process.stderr[-6000:])
        return process

    def list_inventory(self, name, where):
        self.inventory = name
        data = json.loads(self.run([os.path.join(BIN, "ansible-inventory"), "-i", name, "--list", "-e", "@extra_vars.yml"], where).stdout)
        assert data["_meta"]["hostvars"], "%s: %s lists no host" % (where, name)

    def playbook(self, name, plays, where, args=()):
        inventory = [] if all(play.get("hosts") == "localhost" for play in plays) else ["-i", self.inventory]
        assert inventory != ["-i", None], "%s: a play over inventory hosts, but the page wrote no inventory before it" % where
        self.check_played(self.run([os.path.join(BIN, "ansible-playbook"), name, "-e", "@extra_vars.yml"] + inventory + list(args), where), where)

    @staticmethod
    def check_played(process, where):
        recap = process.stdout[process.stdout.rfind("PLAY RECAP") :]
        assert re.search(r" : ok=[1-9]", recap), "%s: no task ran on any host\n%s" % (where, process.stdout)
        assert not re.search(r"(failed|unreachable)=[1-9]", recap), "%s\n%s" % (where, process.stdout)

    def yaml_block(self, body, where):
        self.count += 1
        first = body.splitlines()[0]
        named = re.match(r"# (\S+\.ya?ml)\b", first)
        data = yaml.safe_load(self.real(body))
        if named:
            name = self.write(named.group(1), body)
            if name.endswith((".wanfleet.yml", ".wanfleet.yaml")):
                self.list_inventory(name, where)
            return
        if isinstance(data, list) and all(isinstance(item, dict) and "hosts" in item for item in data):
            self.playbook(self.write("example%d.yml" % self.count, body), data, where)
        elif isinstance(data, list):
            play = [{"name": "Example", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": data}]
            self.playbook(self.write("example%d.yml" % self.count, yaml.safe_dump(play, sort_keys=False)), play, where)
        elif isinstance(data, dict) and (data.get("plugin") == "wanfleet.routers.fleet" or set(data) <= INVENTORY_KEYS):
            whole = dict({"plugin": "wanfleet.routers.fleet", "sources": [{"platform": "incontrol"}, {"platform": "ncm"}, {"platform": "telecomx"}]}, **data)
            self.list_inventory(self.write("example%d.wanfleet.yml" % self.count, yaml.safe_dump(whole, sort_keys=False)), where)
        else:
            raise AssertionError("%s: an example the test does not know how to run; mark it <!-- example: ... -->" % where)

    def shell_block(self, body, where):
        for line in body.replace("\\\n", " ").splitlines():
            command = line.strip().lstrip("$ ").split("  #")[0].split(" # ")[0].strip()
            if not command or command.startswith("#") or command.startswith(SET_UP_COMMANDS):
                continue
            assert command.startswith(RUN_COMMANDS), "%s: a command the test does not know: %s" % (where, command)
            args = shlex.split(self.real(command))
            args = [os.path.join(BIN, args[0])] + args[1:] + (["-e", "@extra_vars.yml"] if args[0] != "ansible-doc" else [])
            process = self.run(args, "%s: %s" % (where, command))
            if args[0].endswith("ansible-playbook"):
                self.check_played(process, where)


@pytest.fixture(scope="module")
def simulator_tls():
    """The simulator over HTTPS: the examples' https:// router addresses and their ca_path work as written."""
    settings = {"reboot_seconds": 1, "telecomx_provision_seconds": 1, "telecomx_delete_seconds": 1}
    with Simulator(seed="demo", tls=True, settings=settings) as sim:
        yield sim


@pytest.fixture
def project(simulator_tls, ansible_env, tmp_path):
    """A fresh fleet with what the examples name (an NCM group Stores, an InControl group Warehouse), and a folder."""
    simulator_tls.reset()
    folder = tmp_path / "project"
    env = dict(
        ansible_env,
        HOME=str(tmp_path / "home"),
        PWD=str(folder),
        WANFLEET_CA_PATH=simulator_tls.ca_file,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
        NCM_EU_CP_API_ID="sim-cp-id",
        NCM_EU_CP_API_KEY="sim-cp-key",
        NCM_EU_ECM_API_ID="sim-ecm-id",
        NCM_EU_ECM_API_KEY="sim-ecm-key",
        **credentials_environment(simulator_tls),
    )
    env.pop("ANSIBLE_CALLBACK_PLUGINS")
    env.pop("ANSIBLE_CALLBACKS_ENABLED")
    folder.mkdir()
    (tmp_path / "home").mkdir()
    project = Project(simulator_tls, folder, env)
    state = simulator_tls.state()
    setup = [
        {
            "name": "The groups the examples name",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "NCM group Stores",
                    "wanfleet.routers.group": {
                        "platform": "ncm",
                        "name": "Stores",
                        "product": "IBR900",
                        "target_firmware": "7.24.10",
                        "devices": [project.values["store-001"]],
                    },
                },
                {
                    "name": "InControl group Warehouse",
                    "wanfleet.routers.group": {"platform": "incontrol", "name": "Warehouse", "devices": [sorted(state["peplink"]["routers"])[-1]]},
                },
            ],
        }
    ]
    project.playbook(project.write("setup.yml", yaml.safe_dump(setup)), setup, "setup")
    return project


def run_examples(project, where, examples):
    ran = 0
    for line, how, lang, body in examples:
        here = "%s:%d" % (where, line)
        if how and how.startswith("not run:"):
            continue
        if how:  # a command that uses the block, written to a file
            project.count += 1
            project.shell_block(how.format(file=project.write("example%d.yml" % project.count, body)), here)
            ran += 1
            continue
        if lang == "yaml":
            project.yaml_block(body, here)
        elif lang in ("sh", "console", "bash"):
            project.shell_block(body, here)
        else:
            continue  # output shown to the reader, a folder layout, Python of the developer guide
        ran += 1
    return ran


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run_as_written(project, page):
    with open(os.path.join(ROOT, page)) as handle:
        examples = list(blocks(handle.read()))
    run_examples(project, page, examples)
    for line, how, _lang, _body in examples:
        assert not how or not how.startswith("not run") or len(how) > 30, "%s:%d: say why it is not run" % (page, line)


@pytest.mark.parametrize("plugin", PLUGINS)
def test_plugin_examples_run_as_written(project, plugin):
    examples = plugin_examples(plugin)
    assert run_examples(project, plugin, examples) == len(examples)


def test_requirements_simulator_lists_what_the_simulator_imports():
    """docs/simulator.md: requirements-simulator.txt is all the simulator needs besides the standard library."""
    with open(os.path.join(ROOT, "requirements-simulator.txt")) as handle:
        listed = set(line.split("==")[0].strip().lower() for line in handle if line.strip() and not line.startswith("#"))
    imported = set()
    for path in glob.glob(os.path.join(ROOT, "tests", "simulator", "*.py")):
        with open(path) as handle:
            for node in ast.walk(ast.parse(handle.read())):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    imported.add(node.module.split(".")[0])
    third_party = set(name for name in imported if name not in sys.stdlib_module_names and name != "tests")
    assert third_party == listed, (third_party, listed)


# What a reader does not have: the project's internal specification, its copies of the vendors' documents, their
# digests and line numbers. Docs and code comments cite the vendors' own pages by title, section and name instead.
INTERNAL_CITATION = re.compile(
    r"SPEC section|docs/api/|\.\./shared|[a-z-]+-digest\.md|beyond-the-docs|Unchanged in this phase|"
    r"(peplink|telecomx|cradlepoint)[a-z0-9-]*\.txt|\bL[0-9]{2,5}\b|§|held doc|\[GAP\]"
)


def internal_citations(paths):
    found = []
    for page in paths:
        path = os.path.join(ROOT, page)
        if os.path.exists(path):
            with open(path) as handle:
                found += ["%s:%d: %s" % (page, number, line.strip()) for number, line in enumerate(handle, 1) if INTERNAL_CITATION.search(line)]
    return found


def test_docs_cite_only_what_a_reader_has():
    """A reader has the repository and the vendors' public pages: no project-internal specification or file copies."""
    assert internal_citations(PAGES + ["roles/site_provision/README.md"]) == []


def test_code_comments_cite_only_what_a_reader_has():
    """The same for the code a reader opens: plugins, roles and playbooks."""
    sources = [
        os.path.relpath(os.path.join(folder, name), ROOT)
        for top in ("plugins", "roles", "playbooks")
        for folder, _dirs, names in os.walk(os.path.join(ROOT, top))
        for name in names
        if name.endswith((".py", ".yml", ".yaml", ".j2"))
    ]
    assert len(sources) > 50
    assert internal_citations(sources) == []


def test_an_internal_citation_is_found():
    """The check above can fail: a line number of a vendor file copy is caught."""
    assert INTERNAL_CITATION.search("# the reply envelope (L121-132)")
    assert INTERNAL_CITATION.search("# see SPEC section 2")
    assert not INTERNAL_CITATION.search("# InControl 2 API docs, model device_list_obj")

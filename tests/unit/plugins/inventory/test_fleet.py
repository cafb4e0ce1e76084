"""wanfleet.routers.fleet without HTTP: host names, duplicates, groups, sources, cache key, failures, docs in step."""

from __future__ import annotations

import contextlib
import os
import threading

import pytest
import yaml
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader

from ansible_collections.wanfleet.routers.plugins.inventory import fleet
from ansible_collections.wanfleet.routers.plugins.module_utils.connection import CREDENTIALS, TRANSPORT
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AuthError,
    PermissionDeniedError,
    ServerError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
CREDENTIAL_TYPES = os.path.join(ROOT, "extensions", "awx", "credential_types")
DEFAULTS = {
    "sources": [],
    "hostnames": ["name", "serial", "mac", "id"],
    "duplicate_hostnames": "suffix",
    "strict_permissions": True,
    "concurrency": 4,
    "detail": False,
    "include": [],
    "compose": {},
    "groups": {},
    "keyed_groups": [],
    "strict": False,
    "leading_separator": True,
    "use_extra_vars": False,
    "cache": False,
}


class Display(object):
    def __init__(self):
        self.warnings, self.verbose = [], []

    def warning(self, message):
        self.warnings.append(message)

    def v(self, message):
        self.verbose.append(message)

    vv = vvv = v


try:
    from ansible.template import trust_as_template as trusted
except ImportError:  # before 2.19 every string is a template

    def trusted(value):
        return value


def make_plugin(**options):
    plugin = fleet.InventoryModule()
    plugin.options = dict(DEFAULTS, **options)
    plugin.get_option = plugin.options.__getitem__
    plugin.inventory = InventoryData()
    plugin.loader = DataLoader()
    plugin._vars = {}
    plugin.display = Display()
    return plugin


def record(platform="ncm", id="1", name=None, serial=None, mac=None, model=None, status="online", group=None, **extra):
    base = {
        "platform": platform,
        "id": id,
        "name": name,
        "serial": serial,
        "mac": mac,
        "model": model,
        "firmware": None,
        "status": status,
        "group": group,
        "group_id": None,
        "source": platform,
    }
    base.update(extra)
    return base


def hostnames(plugin):
    return sorted(plugin.inventory.hosts)


def members(plugin, group):
    return sorted(host.name for host in plugin.inventory.groups[group].get_hosts())


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for options in CREDENTIALS.values():
        for _name, env, _secret in options:
            monkeypatch.delenv(env, raising=False)
    for _kind, env, _default in TRANSPORT.values():
        monkeypatch.delenv(env, raising=False)


# ---- host names --------------------------------------------------------------------------------------


def test_hostnames_follow_the_precedence_list():
    plugin = make_plugin(hostnames=["serial", "name"])
    plugin.populate([record(id="1", name="a", serial="S1"), record(id="2", name="b"), record(id="3")])
    assert hostnames(plugin) == ["S1", "b", "ncm_3"]  # the last has none of the fields


def test_unknown_hostnames_field():
    plugin = make_plugin(hostnames=["name", "hostname"])
    with pytest.raises(AnsibleParserError, match="hostnames: hostname is not one of name, serial, mac, id"):
        plugin.populate([record(name="a")])


def test_duplicates_get_the_id_suffix_and_one_warning():
    plugin = make_plugin()
    records = [record("incontrol", "7", name="shop")] + [record("ncm", str(i), name="shop") for i in (1, 2, 3)]
    plugin.populate(records)
    assert hostnames(plugin) == ["shop", "shop_1", "shop_2", "shop_3"]
    assert plugin.inventory.hosts["shop"].vars["wanfleet_platform"] == "incontrol"
    assert len(plugin.display.warnings) == 1
    assert plugin.display.warnings[0].startswith("wanfleet.routers.fleet: 3 device(s) got a host name")
    assert "shop -> shop_1" in plugin.display.warnings[0]
    assert len(plugin.display.verbose) == 3  # every rename at -vv


def test_the_warning_shows_a_few_clashes_only():
    plugin = make_plugin()
    plugin.populate([record(id=str(i), name="same") for i in range(1, 40)])
    assert len(plugin.inventory.hosts) == 39
    assert "and 33 more" in plugin.display.warnings[0]


def test_a_suffix_that_is_taken_gets_the_platform_too():
    plugin = make_plugin()
    plugin.populate([record(id="9", name="x_5"), record(id="5", name="x"), record(id="5", name="x", platform="telecomx"), record("telecomx", "5", name="x_5")])
    assert hostnames(plugin) == ["x", "x_5", "x_5_5", "x_telecomx_5"]


def test_duplicates_error_lists_the_clashes():
    plugin = make_plugin(duplicate_hostnames="error")
    with pytest.raises(AnsibleError) as raised:
        plugin.populate([record("incontrol", "7", name="shop"), record("ncm", "1", name="shop")])
    assert "1 device(s)" in str(raised.value)
    assert "shop (ncm 1, also incontrol 7)" in str(raised.value)
    assert plugin.inventory.hosts == {}


# ---- variables and groups ------------------------------------------------------------------------------


def test_hostvars_and_groups():
    plugin = make_plugin()
    plugin.populate(
        [record(id="1", name="r1", model="IBR900-600M", group="Stores / East", status="offline"), record("incontrol", "2", name="r2", status="unknown")]
    )
    variables = plugin.inventory.hosts["r1"].vars
    assert variables["wanfleet_id"] == "1" and variables["wanfleet_group"] == "Stores / East"
    assert variables["ansible_connection"] == "local"
    assert variables["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
    assert "wanfleet_wan" not in variables and "wanfleet_raw" not in variables
    assert members(plugin, "wanfleet_ncm") == ["r1"]
    assert members(plugin, "wanfleet_offline") == ["r1"]
    assert members(plugin, "wanfleet_unknown") == ["r2"]
    assert members(plugin, "wanfleet_group_stores___east") == ["r1"]
    assert members(plugin, "wanfleet_model_ibr900_600m") == ["r1"]
    assert sorted(group.name for group in plugin.inventory.hosts["r2"].get_groups()) == ["wanfleet_incontrol", "wanfleet_unknown"]


def test_the_interpreter_is_a_template_the_core_trusts():
    template = pytest.importorskip("ansible.template")
    if not hasattr(template, "is_trusted_as_template"):
        pytest.skip("ansible-core before 2.19 templates every string")
    plugin = make_plugin()
    plugin.populate([record(name="r1")])
    variables = plugin.inventory.hosts["r1"].vars
    assert template.is_trusted_as_template(variables["ansible_python_interpreter"])


def test_constructed_options_see_the_hostvars():
    # what the file gives is trusted as a template (ansible-core 2.19 marks it so when it reads the file)
    plugin = make_plugin(
        compose={"upper": trusted("wanfleet_name | upper")},
        groups={"down": trusted("wanfleet_status != 'online'")},
        keyed_groups=[{"key": trusted("wanfleet_source"), "prefix": "src"}],
    )
    plugin.populate([record(name="r1"), record(id="2", name="r2", status="offline")])
    assert plugin.inventory.hosts["r1"].vars["upper"] == "R1"
    assert members(plugin, "down") == ["r2"]
    assert members(plugin, "src_ncm") == ["r1", "r2"]


def test_group_name_sanitises():
    assert fleet.group_name("wanfleet_group", "Zürich HQ-1") == "wanfleet_group_z_rich_hq_1"


# ---- sources --------------------------------------------------------------------------------------------

NCM = {"cp_api_id": "a", "cp_api_key": "bbbb", "ecm_api_id": "c", "ecm_api_key": "dddd"}


def test_sources_are_completed_from_the_environment(monkeypatch):
    monkeypatch.setenv("X_CP_API_ID", "from-env")
    plugin = make_plugin(
        sources=[{"platform": "ncm", "ncm": {"cp_api_key": "k"}, "detail": True}, {"platform": "ncm", "filters": {"state": "online"}}], detail=False
    )
    first, second = plugin.sources()
    assert first["ncm"]["cp_api_id"] == "from-env" and first["ncm"]["cp_api_key"] == "k"
    assert first["detail"] is True and second["detail"] is False
    assert first["name"] == "ncm" and second["name"] == "ncm_1"  # names stay unique
    assert second["filters"] == {"state": "online"}
    assert first["timeout"] == 30.0 and first["validate_certs"] is True


@pytest.mark.parametrize(
    "given, message",
    [
        ([], "non-empty list"),
        (["ncm"], "must be a dictionary"),
        ([{"platform": "peplink_router"}], "InControl organization"),
        ([{"platform": "ncm", "filter": {}}], "unknown key(s) filter"),
        ([{"platform": "ncm", "telecomx": {}}], "put the telecomx credentials in a source of its own"),
        ([{"platform": "ncm", "filters": ["state"]}], "filters must be a dictionary"),
        ([{"platform": "ncm", "ncm": {"api_key": "x"}}], "unknown option(s) api_key"),
        ([{"platform": "ncm", "timeout": "soon"}], "timeout must be of type float"),
    ],
)
def test_source_errors(given, message):
    with pytest.raises(AnsibleParserError) as raised:
        make_plugin(sources=given).sources()
    assert message in str(raised.value)


def test_templates_in_sources_are_rendered(monkeypatch):
    monkeypatch.setenv("SECOND_KEY", "from-lookup")
    plugin = make_plugin(sources=[{"platform": "ncm", "ncm": dict(NCM, cp_api_key="{{ lookup('env', 'SECOND_KEY') }}", ecm_api_id="{{ account }}")}])
    plugin._vars = {"account": "from-extra-vars"}
    plugin.options["sources"] = [{"platform": "ncm", "ncm": dict((key, trusted(value)) for key, value in plugin.get_option("sources")[0]["ncm"].items())}]
    source = plugin.sources()[0]
    assert source["ncm"]["cp_api_key"] == "from-lookup" and source["ncm"]["ecm_api_id"] == "from-extra-vars"
    assert source["ncm"]["cp_api_key"].__class__ is str  # plain text, whatever tags the template had


def test_environment_values_are_never_templated(monkeypatch):
    monkeypatch.setenv("X_CP_API_KEY", "{{ lookup('pipe', 'id') }}")
    source = make_plugin(sources=[{"platform": "ncm", "ncm": dict(NCM, cp_api_key=None)}]).sources()[0]
    assert source["ncm"]["cp_api_key"] == "{{ lookup('pipe', 'id') }}"


def test_cache_key_covers_the_listing_but_no_secret():
    def key(**source):
        plugin = make_plugin(sources=[dict({"platform": "ncm", "ncm": dict(NCM)}, **source)])
        return plugin.cache_key("/inv/fleet.wanfleet.yml", plugin.sources())

    base = key()
    assert base == key()
    assert base.startswith("wanfleet.routers.fleet_") or "_" in base
    assert key(ncm=dict(NCM, cp_api_key="rotated")) == base  # a rotated secret is the same account
    assert "bbbb" not in base
    assert key(filters={"state": "online"}) != base
    assert key(detail=True) != base
    assert key(ncm=dict(NCM, url="https://other.example/api/v2")) != base


# ---- listing ----------------------------------------------------------------------------------------------


class FakeClient(object):
    def __init__(self, outcome):
        self.outcome = outcome
        self.calls = []
        self.retries = []

    def devices(self, filters=None, detail=False, include=()):
        self.calls.append((filters, detail))
        if isinstance(self.outcome, Exception):
            raise self.outcome
        self.retries = [("GET", "/routers/", 429, 0.1), ("GET", "/routers/", 503, 0.2)] if filters.get("throttled") else []
        return self.outcome


@pytest.fixture
def clients(monkeypatch):
    """platform -> FakeClient; open_client hands them out and records the sources it was given."""
    made = {}
    lock = threading.Lock()

    @contextlib.contextmanager
    def open_client(params, redactor=None, session=None):
        with lock:
            client = made[params["name"]]
        yield client

    monkeypatch.setattr(fleet, "open_client", open_client)
    return made


def device(platform, id, name, **extra):
    return Device(platform=platform, id=id, name=name, serial="S" + id, status="online", wan=[{"id": "1"}], **extra)


def ncm_source(name="ncm", **extra):
    return dict({"platform": "ncm", "name": name, "ncm": dict(NCM)}, **extra)


def test_fetch_in_source_order_sorted_by_id_without_repeats(clients):
    clients["ic"] = FakeClient([device("incontrol", "10", "b"), device("incontrol", "9", "a")])
    clients["ncm"] = FakeClient([device("ncm", "100", "x"), device("ncm", "20", "y")])
    clients["again"] = FakeClient([device("ncm", "20", "y")])
    plugin = make_plugin(
        sources=[{"platform": "incontrol", "name": "ic", "incontrol": {"client_id": "i", "client_secret": "ssss"}}, ncm_source(), ncm_source("again")]
    )
    records, complete = plugin.fetch(plugin.sources())
    assert complete is True
    assert [(r["source"], r["id"]) for r in records] == [("ic", "9"), ("ic", "10"), ("ncm", "20"), ("ncm", "100")]
    assert set(records[0]) == set(fleet.RECORD_FIELDS) | {"source"}  # no wan/ssids without detail
    assert clients["ncm"].calls == [({}, False)]


def test_detail_keeps_wan_and_telecomx_is_always_read_in_full(clients):
    clients["ncm"] = FakeClient([device("ncm", "1", "x")])
    clients["telecomx"] = FakeClient([device("telecomx", "a1", "t")])
    plugin = make_plugin(sources=[ncm_source(detail=True), {"platform": "telecomx", "telecomx": {"token": "tttt"}}])
    records = plugin.fetch(plugin.sources())[0]
    assert records[0]["wan"][0]["id"] == "1"
    assert "wan" not in records[1]
    assert clients["telecomx"].calls == [({}, True)]  # full items: the serial number


def test_retries_are_reported_once_per_source(clients):
    clients["ncm"] = FakeClient([device("ncm", "1", "x")])
    plugin = make_plugin(sources=[ncm_source(filters={"throttled": True})])
    plugin.fetch(plugin.sources())
    assert plugin.display.warnings == ["wanfleet.routers.fleet: source ncm: 2 request(s) were retried (429 x1, 503 x1); the listing is complete"]


def test_a_failed_source_fails_everything(clients):
    clients["ic"] = FakeClient([device("incontrol", "1", "a")])
    clients["ncm"] = FakeClient(ServerError("ncm: GET /routers/ failed with HTTP 503 (while listing, after 500 items; no partial list is returned)"))
    plugin = make_plugin(sources=[{"platform": "incontrol", "name": "ic", "incontrol": {"client_id": "i", "client_secret": "ssss"}}, ncm_source()])
    with pytest.raises(AnsibleError) as raised:
        plugin.fetch(plugin.sources())
    assert str(raised.value) == (
        "wanfleet.routers.fleet: the fleet could not be listed, so no host is added: ncm: GET /routers/ "
        "failed with HTTP 503 (while listing, after 500 items; no partial list is returned)"
    )


def test_every_failed_source_is_named(clients):
    both_running = threading.Barrier(2, timeout=10)

    class Failing(FakeClient):
        def devices(self, filters=None, detail=False, include=()):
            both_running.wait()  # a source not yet started when another fails is not started at all
            raise AuthError("ncm: GET /routers/ failed with HTTP 401")

    clients["eu"] = Failing(None)
    clients["us"] = Failing(None)
    plugin = make_plugin(sources=[ncm_source("eu"), ncm_source("us")])
    with pytest.raises(AnsibleError) as raised:
        plugin.fetch(plugin.sources())
    assert "source eu: ncm: GET" in str(raised.value) and "source us: ncm: GET" in str(raised.value)


@pytest.mark.parametrize("strict", [True, False])
def test_strict_permissions(clients, strict):
    clients["ncm"] = FakeClient(PermissionDeniedError("ncm: GET /routers/ failed with HTTP 403"))
    clients["ic"] = FakeClient([device("incontrol", "1", "a")])
    plugin = make_plugin(
        strict_permissions=strict, sources=[ncm_source(), {"platform": "incontrol", "name": "ic", "incontrol": {"client_id": "i", "client_secret": "ssss"}}]
    )
    if strict:
        with pytest.raises(AnsibleError, match="set strict_permissions: false"):
            plugin.fetch(plugin.sources())
        return
    records, complete = plugin.fetch(plugin.sources())
    assert [r["source"] for r in records] == ["ic"]
    assert complete is False  # so the listing is not cached
    assert plugin.display.warnings == ["wanfleet.routers.fleet: source ncm is left out (strict_permissions is false): ncm: GET /routers/ failed with HTTP 403"]


def test_after_a_failure_no_further_source_is_started(clients):
    clients["first"] = FakeClient(AuthError("ncm: GET /routers/ failed with HTTP 401"))
    clients["second"] = FakeClient([device("ncm", "1", "x")])
    plugin = make_plugin(concurrency=1, sources=[ncm_source("first"), ncm_source("second")])
    with pytest.raises(AnsibleError):
        plugin.fetch(plugin.sources())
    assert clients["second"].calls == []


def test_authentication_errors_ignore_strict_permissions(clients):
    clients["ncm"] = FakeClient(AuthError("ncm: GET /routers/ failed with HTTP 401"))
    plugin = make_plugin(strict_permissions=False, sources=[ncm_source()])
    with pytest.raises(AnsibleError, match="HTTP 401"):
        plugin.fetch(plugin.sources())


def test_a_bug_is_not_disguised_as_an_api_error(clients):
    clients["ncm"] = FakeClient(KeyError("group"))
    plugin = make_plugin(sources=[ncm_source()])
    with pytest.raises(AnsibleError, match="source ncm: unexpected KeyError"):
        plugin.fetch(plugin.sources())


def test_missing_credentials_stop_before_any_client(clients):
    plugin = make_plugin(sources=[ncm_source(ncm={"cp_api_id": "a"})])
    with pytest.raises(AnsibleParserError, match="X_CP_API_KEY"):
        plugin.fetch(plugin.sources())


@pytest.mark.parametrize(
    "path, accepted",
    [
        ("fleet.wanfleet.yml", True),
        ("x/ncm.wanfleet.yaml", True),
        ("wanfleet.yml", True),
        ("fleet.yml", False),
        ("mywanfleet.yml", False),
        ("wanfleet.yml.bak", False),
    ],
)
def test_verify_file(tmp_path, path, accepted):
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("plugin: wanfleet.routers.fleet\n")
    assert make_plugin().verify_file(str(target)) is accepted


# ---- documentation in step with the code ------------------------------------------------------------------


def documentation():
    return yaml.safe_load(fleet.DOCUMENTATION)


def test_every_credential_and_its_variable_is_documented():
    suboptions = documentation()["options"]["sources"]["suboptions"]
    assert suboptions["platform"]["choices"] == list(fleet.INVENTORY_PLATFORMS)
    for platform in fleet.INVENTORY_PLATFORMS:
        documented = suboptions[platform]["suboptions"]
        assert sorted(documented) == sorted(name for name, _env, _secret in CREDENTIALS[platform])
        for name, env, _secret in CREDENTIALS[platform]:
            assert "E(%s)" % env in str(documented[name]["description"]), (platform, name)
    for name, (_kind, env, _default) in TRANSPORT.items():
        assert "E(%s)" % env in str(suboptions[name]["description"]), name
    assert set(suboptions) == set(fleet.SOURCE_KEYS) | set(fleet.INVENTORY_PLATFORMS)


def test_examples_are_valid_configurations():
    for example in fleet.EXAMPLES.strip().split("\n\n"):
        config = yaml.safe_load(example)
        assert config["plugin"] == "wanfleet.routers.fleet"
        for source in config["sources"]:
            assert set(source) <= fleet.SOURCE_KEYS | {source["platform"]}


@pytest.mark.parametrize("platform", ["incontrol", "ncm", "telecomx", "peplink_router"])
def test_awx_credential_types_inject_the_collection_variables(platform):
    with open(os.path.join(CREDENTIAL_TYPES, platform + ".yml")) as handle:
        definition = yaml.safe_load(handle)
    assert definition["kind"] == "cloud"  # the only kind an inventory source from a project accepts
    fields = dict((field["id"], field) for field in definition["inputs"]["fields"])
    env = definition["injectors"]["env"]
    assert sorted(fields) == sorted(name for name, _env, _secret in CREDENTIALS[platform])
    for name, variable, secret in CREDENTIALS[platform]:
        assert env[variable] == "{{ %s }}" % name
        assert bool(fields[name].get("secret")) is secret, name
    assert set(env) == set(variable for _name, variable, _secret in CREDENTIALS[platform])
    assert set(definition["inputs"]["required"]) <= set(fields)


def test_awx_fleet_credential_type_covers_every_inventory_platform():
    with open(os.path.join(CREDENTIAL_TYPES, "fleet.yml")) as handle:
        definition = yaml.safe_load(handle)
    fields = dict((field["id"], field) for field in definition["inputs"]["fields"])
    env = definition["injectors"]["env"]
    expected = {}
    for platform in fleet.INVENTORY_PLATFORMS:
        for name, variable, secret in CREDENTIALS[platform]:
            field = "%s_%s" % (platform, name)
            expected[variable] = "{{ %s }}" % field
            assert bool(fields[field].get("secret")) is secret, field
    assert env == expected
    assert not any(variable.startswith("ANSIBLE_") for variable in env)


# ---- hostile names and an edited cache (issue 19) -----------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("store-7\nall", "store-7_all"),
        ("a,b:c", "a_b_c"),
        ("web[0:3]", "web_0_3_"),
        ("!db01&x", "_db01_x"),
        ("00:30:44:7a:a0:4f", "00_30_44_7a_a0_4f"),
        ("北京 1", "北京_1"),
        ("-rf", "_rf"),
        ("!!! ,,", None),
        ("", None),
        (None, None),
    ],
)
def test_host_names_carry_no_pattern_characters(value, expected):
    assert fleet.host_name(value) == expected


def test_taken_and_reserved_names_are_suffixed_and_own_groups_hold_only_hosts():
    plugin = make_plugin()
    plugin.inventory.add_host("db01")
    plugin.inventory.add_group("webservers")
    plugin.populate(
        [
            record(id="1", name="db01"),
            record(id="2", name="webservers"),
            record(id="3", name="localhost"),
            record(id="4", name="all"),
            record(id="5", name="wanfleet_online"),
            record(id="6", name="ungrouped"),
        ]
    )
    assert hostnames(plugin) == ["all_4", "db01", "db01_1", "localhost_3", "ungrouped_6", "wanfleet_online_5", "webservers_2"]
    assert not [key for key in plugin.inventory.hosts["db01"].vars if key.startswith(("wanfleet_", "ansible_"))]
    assert plugin.inventory.groups["webservers"].get_hosts() == [] and plugin.inventory.groups["webservers"].vars == {}
    assert plugin.inventory.groups["wanfleet_online"].child_groups == []
    assert "6 device(s) got a host name that was taken" in plugin.display.warnings[0]


def test_a_failure_while_adding_hosts_takes_back_every_host_and_group():
    plugin = make_plugin(compose={"upper": "wanfleet_group.upper()"}, strict=True)
    plugin.inventory.add_host("static")
    with pytest.raises(AnsibleError):
        plugin.populate([record(id="1", name="a", group="G"), record(id="2", name="b", group=None)])
    assert hostnames(plugin) == ["static"]
    assert sorted(plugin.inventory.groups) == ["all", "ungrouped"]


def test_distinct_vendor_names_giving_one_group_name_stay_apart():
    plugin = make_plugin()
    plugin.populate(
        [
            record(id="1", name="a", group="Stores East", group_id="11"),
            record(id="2", name="b", group="stores-east", group_id="12"),
            record(id="3", name="c", group="Stores East", group_id="11", platform="incontrol"),
        ]
    )
    assert members(plugin, "wanfleet_group_stores_east") == ["a", "c"]
    assert members(plugin, "wanfleet_group_stores_east_12") == ["b"]
    assert "'stores-east' is wanfleet_group_stores_east_12" in plugin.display.warnings[0]


SOURCES = [{"name": "ncm", "platform": "ncm", "detail": False}]


def test_a_cached_listing_is_plain_checked_data():
    good = record(id="7", name="r", mac="00:30:44:7a:a0:4f", status="offline", group="G", group_id="3")
    records, problem = fleet.cached_records({"format": fleet.CACHE_FORMAT, "records": [good]}, SOURCES)
    assert problem is None and records == [good]
    tagged = dict(good, firmware=trusted("{{ lookup('pipe', 'id') }}"))
    records = fleet.cached_records({"format": fleet.CACHE_FORMAT, "records": [tagged]}, SOURCES)[0]
    assert records[0]["firmware"].__class__ is str  # the tag is gone: an untrusted string like any API value


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda r: dict(r, status="<img>"), "(status)"),
        (lambda r: 7, "is not a dictionary"),
        (lambda r: dict(r, extra=1), "keys"),
        (lambda r: dict(r, id=None), "not a device record"),
        (lambda r: dict(r, mac="nonsense"), "not a device record"),
        (lambda r: dict(r, platform="telecomx"), "platform"),
        (lambda r: dict(r, source="other"), "no configured source"),
        (lambda r: dict(r, name=5), "not a device record"),
    ],
)
def test_an_edited_cache_record_is_a_miss(edit, reason):
    cached = {"format": fleet.CACHE_FORMAT, "records": [edit(record(id="7", name="r"))]}
    records, problem = fleet.cached_records(cached, SOURCES)
    assert records is None and reason in problem


INCLUDING = [{"name": "ncm", "platform": "ncm", "detail": False, "include": ["cellular", "location"]}]
MODEM = {"wan_id": "11", "carrier": "Verizon", "rsrp": -95}
PLACE = {"latitude": 44.9, "longitude": -93.2, "accuracy_m": 10, "method": "gps", "updated_at": None}


def test_a_cached_listing_with_includes_is_used():
    good = record(id="7", name="r", cellular=[MODEM], location=PLACE)
    records, problem = fleet.cached_records({"format": fleet.CACHE_FORMAT, "records": [good]}, INCLUDING)
    assert problem is None and records == [good]
    nowhere = dict(good, location=None, cellular=[])
    assert fleet.cached_records({"format": fleet.CACHE_FORMAT, "records": [nowhere]}, INCLUDING)[1] is None


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda r: dict(r, cellular="Verizon"), "cellular"),
        (lambda r: dict(r, cellular=[{"carrier": "x"}]), "cellular"),
        (lambda r: dict(r, location=[1, 2]), "location"),
        (lambda r: dict(r, extra=1), "keys"),
    ],
)
def test_an_edited_included_value_is_a_miss(edit, reason):
    cached = {"format": fleet.CACHE_FORMAT, "records": [edit(record(id="7", name="r", cellular=[MODEM], location=PLACE))]}
    records, problem = fleet.cached_records(cached, INCLUDING)
    assert records is None and reason in problem


def test_includes_a_source_does_not_ask_for_are_a_miss():
    cached = {"format": fleet.CACHE_FORMAT, "records": [record(id="7", name="r", cellular=[MODEM])]}
    assert fleet.cached_records(cached, SOURCES)[0] is None

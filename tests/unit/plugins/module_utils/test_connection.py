"""Connection options: env fallbacks with the dicts omitted, defaults, credential checks, docs in step."""

from __future__ import annotations

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.wanfleet.routers.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.wanfleet.routers.plugins.module_utils import connection
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError

ENV = {
    "WANFLEET_PLATFORM",
    "INCONTROL_URL",
    "INCONTROL_CLIENT_ID",
    "INCONTROL_CLIENT_SECRET",
    "INCONTROL_ORG",
    "PEPLINK_URL",
    "PEPLINK_USERNAME",
    "PEPLINK_PASSWORD",
    "PEPLINK_CLIENT_ID",
    "PEPLINK_CLIENT_SECRET",
    "CP_BASE_URL",
    "X_CP_API_ID",
    "X_CP_API_KEY",
    "X_ECM_API_ID",
    "X_ECM_API_KEY",
    "TELECOMX_URL",
    "TELECOMX_USERNAME",
    "TELECOMX_PASSWORD",
    "TELECOMX_TOKEN",
    "TELECOMX_CUSTOMER",
    "WANFLEET_VALIDATE_CERTS",
    "WANFLEET_CA_PATH",
    "WANFLEET_TIMEOUT",
    "WANFLEET_MAX_RETRIES",
    "WANFLEET_TOKEN_CACHE",
    "WANFLEET_RATE_LIMIT",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def validate(params):
    result = ArgumentSpecValidator(connection.connection_argument_spec()).validate(params)
    assert not result.error_messages, result.error_messages
    return result


def test_environment_alone_is_enough(monkeypatch):
    monkeypatch.setenv("WANFLEET_PLATFORM", "ncm")
    for name, value in [("X_CP_API_ID", "a"), ("X_CP_API_KEY", "bbbb"), ("X_ECM_API_ID", "c"), ("X_ECM_API_KEY", "dddd")]:
        monkeypatch.setenv(name, value)
    result = validate({})
    params = result.validated_parameters
    assert params["platform"] == "ncm"
    assert params["ncm"] == {"url": None, "cp_api_id": "a", "cp_api_key": "bbbb", "ecm_api_id": "c", "ecm_api_key": "dddd"}
    assert {"bbbb", "dddd"} <= result._no_log_values
    settings = connection.platform_settings(params)
    assert settings["url"] == "https://www.cradlepointecm.com/api/v2"
    assert settings["auth"] == ("cp_api_id", "cp_api_key", "ecm_api_id", "ecm_api_key")


def test_given_values_win_over_environment(monkeypatch):
    monkeypatch.setenv("INCONTROL_CLIENT_ID", "from-env")
    params = validate({"platform": "incontrol", "incontrol": {"client_id": "given", "client_secret": "s3cret"}}).validated_parameters
    assert params["incontrol"]["client_id"] == "given"


def test_transport_defaults_and_environment(monkeypatch):
    params = validate({"platform": "telecomx"}).validated_parameters
    assert (params["validate_certs"], params["timeout"], params["max_retries"], params["token_cache"]) == (True, 30.0, 5, True)
    monkeypatch.setenv("WANFLEET_VALIDATE_CERTS", "false")
    monkeypatch.setenv("WANFLEET_TOKEN_CACHE", "no")
    params = validate({"platform": "telecomx"}).validated_parameters
    assert params["validate_certs"] is False and params["token_cache"] is False


@pytest.mark.parametrize(
    "platform, given, hint",
    [
        ("incontrol", {}, "incontrol.client_id (INCONTROL_CLIENT_ID)+incontrol.client_secret (INCONTROL_CLIENT_SECRET)"),
        ("peplink_router", {"url": "https://10.0.0.1", "username": "admin"}, "peplink_router.password (PEPLINK_PASSWORD)"),
        ("telecomx", {"username": "u@example.com"}, "telecomx.token (TELECOMX_TOKEN)"),
        ("ncm", {"cp_api_id": "a"}, "ncm.ecm_api_key (X_ECM_API_KEY)"),
    ],
)
def test_missing_credentials_name_option_and_variable(platform, given, hint):
    params = validate({"platform": platform, platform: given}).validated_parameters
    with pytest.raises(InputError) as caught:
        connection.platform_settings(params)
    assert hint in caught.value.message and caught.value.message.startswith(platform + ": credentials are missing")


def test_router_url_is_required_and_checked():
    params = validate({"platform": "peplink_router", "peplink_router": {"username": "a", "password": "b"}}).validated_parameters
    with pytest.raises(InputError, match="url is required.*PEPLINK_URL"):
        connection.platform_settings(params)
    params["peplink_router"]["url"] = "192.168.1.1"
    with pytest.raises(InputError, match="must start with http"):
        connection.platform_settings(params)


def test_resolve_source_matches_the_argument_spec(monkeypatch):
    monkeypatch.setenv("TELECOMX_PASSWORD", "pw-from-env")
    monkeypatch.setenv("WANFLEET_TIMEOUT", "12")
    source = connection.resolve_source({"platform": "telecomx", "telecomx": {"username": "m@example.com"}})
    assert source["telecomx"]["password"] == "pw-from-env" and source["telecomx"]["username"] == "m@example.com"
    assert source["timeout"] == 12.0 and source["validate_certs"] is True
    with pytest.raises(InputError, match="unknown option"):
        connection.resolve_source({"platform": "ncm", "ncm": {"api_key": "x"}})
    with pytest.raises(InputError, match="platform must be one of"):
        connection.resolve_source({"platform": "meraki"})


def test_rate_limit_from_the_environment_and_refused_when_not_a_positive_number(monkeypatch):
    monkeypatch.setenv("WANFLEET_RATE_LIMIT", "4.5")
    params = validate({"platform": "incontrol", "incontrol": {"client_id": "a", "client_secret": "b"}}).validated_parameters
    assert params["rate_limit"] == 4.5
    assert connection.resolve_source({"platform": "ncm"})["rate_limit"] == 4.5
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(InputError, match="rate_limit must be a positive number"):
            connection.platform_settings(dict(params, rate_limit=bad))


def test_doc_fragment_documents_exactly_the_argument_spec():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = connection.connection_argument_spec()
    assert set(doc) == set(spec)
    for platform, options in connection.CREDENTIALS.items():
        assert set(doc[platform]["suboptions"]) == set(option[0] for option in options)
        for name, env in (option[:2] for option in options):
            assert "E(%s)" % env in " ".join(doc[platform]["suboptions"][name]["description"])
    for name, (kind, env, default) in connection.TRANSPORT.items():
        assert doc[name]["type"] == kind
        assert doc[name].get("default") == default
        assert "E(%s)" % env in " ".join(doc[name]["description"])


def test_secret_values_lists_only_secrets():
    params = {"platform": "ncm", "ncm": {"cp_api_id": "id1", "cp_api_key": "key1", "ecm_api_id": "id2", "ecm_api_key": "key2"}}
    assert sorted(connection.secret_values(params)) == ["key1", "key2"]


@pytest.mark.parametrize(
    "platform, given, message",
    [
        ("ncm", {"cp_api_id": "a", "cp_api_key": "b", "ecm_api_id": "c"}, "ncm: credentials are missing: set ncm.ecm_api_key (X_ECM_API_KEY)"),
        (
            "peplink_router",
            {"url": "https://10.0.0.1", "username": "admin"},
            "peplink_router: credentials are missing: set peplink_router.password (PEPLINK_PASSWORD) or "
            "peplink_router.client_id (PEPLINK_CLIENT_ID)+peplink_router.client_secret (PEPLINK_CLIENT_SECRET)",
        ),
    ],
)
def test_missing_credentials_message_names_only_what_is_missing(platform, given, message):
    params = validate({"platform": platform, platform: given}).validated_parameters
    with pytest.raises(InputError) as caught:
        connection.platform_settings(params)
    assert caught.value.message == message


def test_the_transport_defaults_live_in_connection_and_everyone_uses_them():
    from ansible_collections.wanfleet.routers.plugins.module_utils import clients, http

    assert (http.DEFAULT_TIMEOUT, http.DEFAULT_MAX_RETRIES) == (connection.DEFAULT_TIMEOUT, connection.DEFAULT_MAX_RETRIES) == (30.0, 5)
    assert connection.transport_value({"timeout": None}, "timeout") == connection.DEFAULT_TIMEOUT
    assert connection.transport_value({}, "max_retries") == connection.DEFAULT_MAX_RETRIES
    assert connection.transport_value({"max_retries": 0}, "max_retries") == 0  # 0 (no retry) is a value, not "unset"
    params = {"platform": "ncm", "ncm": {"cp_api_id": "a", "cp_api_key": "b", "ecm_api_id": "c", "ecm_api_key": "d"}}
    with clients.open_client(params) as client:
        assert client.max_retries == connection.DEFAULT_MAX_RETRIES

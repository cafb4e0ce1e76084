"""Fidelity of the NCM v2 simulator (tests/simulator/ncm.py) to the vendor document.

`L<n>` = line n of shared/docs/api/cradlepoint-netcloud-api-v2.txt. The documented
request/response examples are replayed (request bodies verbatim, with the doc's
`https://www.cradlepointecm.com/api/v2/` URLs pointed at the simulator's records)
and the documented statuses and body shapes asserted; the behaviour tests check the
rules the document states in prose (paging, the trailing slash, config diffs and
layering, passwords, reboots, roles). Where the document contradicts itself the
test asserts the choice ncm.py made and says so.
"""

from __future__ import annotations

import copy
import time

import httpx
import pytest

SIM_FLEET = 60  # three default-size pages of routers, and (>= 50) one never-connected access point
SIM_SETTINGS = {"ncm_sync_seconds": 0.3, "ncm_reboot_seconds": 1.0, "ncm_reboot_delay": 0.1}

DOC_BASE = "https://www.cradlepointecm.com/api/v2/"
KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}
RO_KEYS = dict(KEYS, **{"X-ECM-API-ID": "sim-ecm-ro-id", "X-ECM-API-KEY": "sim-ecm-ro-key"})

# The key sets of the documented records.
ROUTER_KEYS = set(
    (  # L6195-6225 (GET routers/, first record)
        "account actual_firmware asset_id config_status configuration_manager created_at custom1 custom2 description "
        "device_type full_product_name group id ipv4_address last_known_location locality mac name product "
        "reboot_required resource_url serial_number state state_updated_at target_firmware updated_at "
        "upgrade_pending"
    ).split()
)
GROUP_KEYS = set("account configuration device_type id name product resource_url target_firmware".split())  # L3830
CM_KEYS = set("account actual configuration id pending resource_url router suspended synched target version_number".split())  # L2033-2512, L10220-10232
FIRMWARE_KEYS = set(
    "built_at default_configuration expires_at hash id is_deprecated product released_at resource_url uploaded_at url version".split()
)  # L3378-3392
USER_KEYS = set("account email first_name id last_name resource_url username".split())  # L6740-6760
RULE_KEYS = set(
    "account alert_config_id associated_accounts associated_groups email_destinations external_rules "
    "filter_criteria http_destinations last_summary_ts schedule settings updated_at".split()
)  # L1318
DEST_KEYS = set("account authentication destination_config_id enabled endpoint last_error_at last_error_text name suspended updated_at".split())  # L987-1004
NET_DEVICE_KEYS = set(
    (  # L4923-4996
        "account bsid carrier carrier_id channel connection_state dns0 dns1 esn gateway gsn homecarrid hostname iccid "
        "id imei imsi ipv4_address ipv6_address is_asset is_gps_supported is_upgrade_available is_upgrade_supported "
        "ltebandwidth mac manufacturer mdn meid mfg_model mfg_product mn_ha_spi mn_ha_ss mode model modem_fw mtu nai "
        "name netmask pin_status port prlv profile resource_url rfband rfchannel roam router rxchannel serial "
        "service_type ssid summary txchannel type uid updated_at uptime ver_pkg version wimax_realm"
    ).split()
)
META_KEYS = {"limit", "next", "offset", "previous"}

UNAUTHORIZED = {
    "status_code": 401,
    "exception": "unauthorized",  # L293-301, verbatim
    "message": " Invalid Credentials i.e. missing or invalid keys.",
    "success": False,
}
FORBIDDEN = {"exception": {"message": "forbidden", "type": "error"}, "errors": []}  # L303-311
INVALID_PATH = {  # L9100-9117, verbatim
    "errors": [{"configuration": {"message": "cannot set foo to bar: invalid path", "reason": "invalid path", "value": "bar", "path": ["foo"]}}],
    "exception": {"message": "bad or missing data", "type": "validation"},
}

# Config examples of the appendix, verbatim.
GPS = {"configuration": [{"system": {"gps": {"enabled": True}}}, []]}  # L9137-9161
COMPLICATED = {
    "configuration": [  # L9190-9240
        {
            "lan": {
                "00000001-2a38-3724-a6fa-02dfdfbc129e": {
                    "_id_": "00000001-2a38-3724-a6fa-02dfdfbc129e",
                    "devices": [{"type": "ethernet", "uid": "aleph"}],
                    "dhcpcd": {},
                    "enabled": True,
                    "ip_address": "192.168.20.1",
                    "name": "Aleph LAN",
                    "netmask": "255.255.255.0",
                }
            },
            "security": {
                "zfw": {
                    "forwardings": {
                        "00000004-356d-30f0-962f-bb705dfddfc9": {
                            "_id_": "00000004-356d-30f0-962f-bb705dfddfc9",
                            "dst_zone_id": "00000002-695c-3d87-95cb-d0ee2029d0b5",
                            "enabled": True,
                            "filter_policy_id": "00000000-77db-3b20-980e-2de482869073",
                            "src_zone_id": "00000005-e091-3d73-80d1-9a51d6143759",
                        }
                    },
                    "zones": {
                        "00000005-e091-3d73-80d1-9a51d6143759": {
                            "_id_": "00000005-e091-3d73-80d1-9a51d6143759",
                            "devices": [
                                {
                                    "trigger_field": "config_id",
                                    "trigger_group": "lan",
                                    "trigger_neg": False,
                                    "trigger_predicate": "is",
                                    "trigger_value": "00000001-2a38-3724-a6fa-02dfdfbc129e",
                                }
                            ],
                            "name": "aleph",
                        }
                    },
                }
            },
            "vlan": {"2": {"mode": "lan", "ports": [{"mode": "tagged", "port": 4}], "uid": "aleph", "vid": 3}},
        },
        [["vlan", 1, "ports", 3], ["lan", "00000001-0d93-319d-8220-4a1fb0372b51"]],
    ]
}
PRIMARY_LAN = {
    "configuration": [
        {
            "lan": {
                "00000000-0d93-319d-8220-4a1fb0372b51": {  # L9487-9500
                    "_id_": "00000000-0d93-319d-8220-4a1fb0372b51",
                    "ip_address": "192.168.30.1",
                }
            }
        },
        [],
    ]
}
INSERT_LAN = {
    "configuration": [
        {
            "lan": {
                "00000002-2a38-3724-a6fa-02dfdfbc129e": {  # L9526-9545
                    "_id_": "00000002-2a38-3724-a6fa-02dfdfbc129e",
                    "ip_address": "192.168.40.1",
                    "name": "Gamma",
                    "netmask": "255.255.255.0",
                    "dhcpd": {"enabled": True},
                    "devices": [],
                }
            }
        },
        [],
    ]
}
WIFI = {
    "configuration": [
        {
            "wlan": {
                "radio": {
                    "0": {
                        "bss": {
                            "0": {  # L9648-9668
                                "ssid": "MBR1400-8c1",
                                "wpapsk": "t311-n00ne",
                            }
                        }
                    }
                }
            }
        },
        [],
    ]
}
PASSWORD = {
    "configuration": [
        {
            "wlan": {
                "radio": {
                    "0": {
                        "bss": {
                            "0": {  # L10112-10130
                                "radius0nasid": None,
                                "wpapsk": "2secret4Usorry",
                            }
                        }
                    }
                }
            }
        },
        [],
    ]
}
ADD_USER = {
    "configuration": [
        {
            "system": {
                "pci_dss": True,
                "users": {
                    "1": {  # L9673-9690
                        "group": "admin",
                        "password": "SuperDuper1",
                        "username": "super",
                    }
                },
            }
        },
        [],
    ]
}
STATIC_5X = {
    "configuration": [
        {
            "wan": {
                "rules": {
                    "00000001-dea3-3ccd-a78d-e0196084396f": {  # L9700-9725
                        "_id_": "00000001-dea3-3ccd-a78d-e0196084396f",
                        "ip_mode": "static",
                        "static": {
                            "dns": {"0": {"ip_address": "172.21.21.50"}, "1": {}},
                            "gateway": "172.19.8.1",
                            "ip_address": "172.19.9.30",
                            "netmask": "255.255.252.0",
                        },
                    }
                }
            }
        },
        [],
    ]
}
STATIC_6X = {
    "configuration": [
        {
            "wan": {
                "rules2": {
                    "00000000-a81d-3590-93ca-8b1fcfeb8e14": {  # L9727-9745
                        "_id_": "00000000-a81d-3590-93ca-8b1fcfeb8e14",
                        "ip_mode": "static",
                        "static": {"ip_address": "172.19.9.30", "netmask": "255.255.252.0"},
                    }
                }
            }
        },
        [],
    ]
}
APN_6X = {
    "configuration": [
        {
            "wan": {
                "rules2": {
                    "00000002-a81d-3590-93ca-8b1fcfeb8e14": {  # L9778-9797
                        "_id_": "00000002-a81d-3590-93ca-8b1fcfeb8e14",
                        "modem": {"apn_mode": "manual", "manual_apn": "myapn"},
                    }
                }
            }
        },
        [],
    ]
}
PRIMARY = "00000000-0d93-319d-8220-4a1fb0372b51"  # the Primary LAN's _id_ (L9322-9331)
CLIENT_USAGE = {"configuration": [{"stats": {"client_usage": {"enabled": False}}}, []]}  # L2530-2542


# ---- fixtures and helpers ----------------------------------------------------------------


@pytest.fixture
def sim(reset_simulator):
    return reset_simulator


@pytest.fixture
def api(sim):
    with httpx.Client(base_url=sim.url + "/api/v2", headers=KEYS, timeout=30) as client:
        yield client


@pytest.fixture
def ro(sim):
    with httpx.Client(base_url=sim.url + "/api/v2", headers=RO_KEYS, timeout=30) as client:
        yield client


def base(api):
    return str(api.base_url).rstrip("/") + "/"


def doc(api, url):
    """A URL of the doc's examples, pointed at the simulator."""
    return url.replace(DOC_BASE, base(api))


def first(api, path, **params):
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data, "no %s matching %s" % (path, params)
    return data[0]


def router(api, **params):
    return first(api, "/routers/", **params)


def cm_of(api, router_id):
    return first(api, "/configuration_managers/", router=router_id)


def id_of(url):
    return url.rstrip("/").rsplit("/", 1)[1]


def wait_for(predicate, timeout=8.0, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def wait_until(fetch, ready, timeout=8.0):
    """fetch() again until ready(value); return that value."""
    return wait_for(lambda: next((value for value in [fetch()] if ready(value)), None), timeout)


def ungrouped_online(api):
    return next(r for r in api.get("/routers/", params={"state": "online", "limit": 500}).json()["data"] if r["group"] is None)


def grouped_online(api):
    return next(r for r in api.get("/routers/", params={"state": "online", "limit": 500}).json()["data"] if r["group"] is not None)


# ---- authentication (L17-45, L293-301) --------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        dict(KEYS, **{"X-ECM-API-KEY": "wrong"}),
        dict(KEYS, **{"X-CP-API-ID": "wrong"}),
        {k: v for k, v in KEYS.items() if k != "X-CP-API-KEY"},
    ],
)
def test_bad_keys_answer_the_documented_unauthorized_body(sim, headers):
    response = httpx.get(sim.url + "/api/v2/routers/", headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_calls_count_when_the_cp_keys_are_valid(sim, api):
    # L40-45: valid CP keys make a call count against the account, whatever the ECM keys
    before = sim.state()["ncm"]["api_calls"]
    httpx.get(sim.url + "/api/v2/routers/", headers=dict(KEYS, **{"X-ECM-API-KEY": "wrong"}))
    httpx.get(sim.url + "/api/v2/routers/", headers=dict(KEYS, **{"X-CP-API-KEY": "wrong"}))
    api.get("/routers/")
    assert sim.state()["ncm"]["api_calls"] == before + 2


def test_read_only_keys_read_but_get_403_on_writes(api, ro):
    r = router(api)
    assert ro.get("/routers/").status_code == 200
    for response in (
        ro.put("/routers/%s/" % r["id"], json={"name": "x"}),
        ro.delete("/routers/%s/" % r["id"]),
        ro.post("/groups/", json={"name": "x"}),
        ro.patch("/configuration_managers/%s/" % cm_of(api, r["id"])["id"], json=GPS),
        ro.post("/reboot_activity/", json={"router": r["resource_url"]}),
    ):
        assert response.status_code == 403
        assert response.json() == FORBIDDEN
    assert router(api, id=r["id"])["name"] == r["name"]


# ---- trailing slash (L114-116) ------------------------------------------------------------


def test_missing_trailing_slash_is_a_301_and_a_second_call(sim, api):
    sim.clear_requests()
    response = api.get("/routers", params={"limit": 5})
    assert response.status_code == 301
    assert response.headers["location"] == base(api) + "routers/?limit=5"
    followed = api.get("/routers", params={"limit": 5}, follow_redirects=True)
    assert followed.status_code == 200 and len(followed.json()["data"]) == 5
    counts = sim._call("GET", "requests")["counts"]
    assert counts["GET /api/v2/routers"] == 2 and counts["GET /api/v2/routers/"] == 1
    detail = api.get("/routers/%s" % router(api)["id"])
    assert detail.status_code == 301 and detail.headers["location"].endswith("/")


def test_redirect_comes_before_authentication(sim):
    response = httpx.get(sim.url + "/api/v2/accounts")
    assert response.status_code == 301 and response.headers["location"] == sim.url + "/api/v2/accounts/"


# ---- envelope, paging, fields, filters (L185-272, L8741-8822) ---------------------------


def test_list_envelope_and_router_record_match_the_doc(api):
    body = api.get("/routers/").json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {
        "limit": 20,
        "next": base(api) + "routers/?limit=20&offset=20",
        "offset": 0,
        "previous": None,
    }  # L270, L199 (next retains the limit)
    assert len(body["data"]) == 20
    for record in body["data"]:
        assert set(record) == ROUTER_KEYS
        assert isinstance(record["id"], str)  # ids are strings in every example
        for key in ("account", "product", "resource_url", "configuration_manager"):
            assert record[key].startswith(base(api))
        assert record["state"] in ("online", "offline", "initialized")
        assert record["config_status"] in ("synched", "pending", "suspended")
        assert record["resource_url"] == base(api) + "routers/%s/" % record["id"]
        assert record["configuration_manager"] == base(api) + "routers/%s/configuration_manager/" % record["id"]


def test_single_get_is_the_bare_object_and_id_filter_a_list(api):
    r = router(api, offset=3)
    bare = api.get("/routers/%s/" % r["id"])  # L153
    assert bare.status_code == 200 and bare.json() == r
    listed = api.get("/routers/", params={"id": r["id"]}).json()  # L6307-6345
    assert listed["data"] == [r]
    assert listed["meta"] == {"limit": 20, "next": None, "offset": 0, "previous": None}


def test_paging_through_next_returns_every_router_once(api):
    seen, url, pages = [], "/routers/?limit=7", 0
    while url:
        body = api.get(url).json()
        assert body["meta"]["limit"] == 7
        seen.extend(r["id"] for r in body["data"])
        url, pages = body["meta"]["next"], pages + 1
    assert len(seen) == SIM_FLEET == len(set(seen))
    assert pages == 9
    second = api.get("/routers/", params={"limit": 7, "offset": 7}).json()["meta"]
    assert second["previous"] == base(api) + "routers/?limit=7&offset=0"
    assert second["next"] == base(api) + "routers/?limit=7&offset=14"


def test_next_keeps_the_filters(api):
    body = api.get("/routers/", params={"state": "online", "limit": 5, "fields": "id,state"}).json()
    assert body["meta"]["next"].startswith(base(api) + "routers/?state=online&fields=id%2Cstate&limit=5&offset=5")
    assert all(set(r) == {"id", "state"} and r["state"] == "online" for r in body["data"])


def test_limit_is_capped_at_500(api):
    # L195: max 500 per call; over it the simulator clamps (Tastypie max_limit; the vendor SDK's
    # limit='all' sends limit=1000000 and follows meta.next)
    body = api.get("/routers/", params={"limit": 1000000}).json()
    assert body["meta"]["limit"] == 500 and len(body["data"]) == SIM_FLEET
    assert api.get("/routers/", params={"limit": -1}).status_code == 400
    assert api.get("/routers/", params={"limit": "ten"}).status_code == 400


def test_fields_returns_only_those_fields(api):
    # L215-217, L8761-8771
    accounts = api.get("/accounts/").json()["data"]
    one = api.get("/accounts/%s/" % accounts[0]["id"], params={"fields": "name,is_disabled"})
    assert one.json() == {"name": accounts[0]["name"], "is_disabled": False}
    rows = api.get("/routers/", params={"fields": "name,state,group,mac"}).json()["data"]
    assert all(set(r) == {"name", "state", "group", "mac"} for r in rows)


def test_filters_in_and_and(api):
    # L8756: GET routers/?group__in=5,6,7&state=offline
    groups = api.get("/groups/").json()["data"]
    wanted = [g["id"] for g in groups[:2]]
    rows = api.get("/routers/", params={"group__in": ",".join(wanted), "state": "offline", "limit": 500}).json()
    everything = api.get("/routers/", params={"limit": 500}).json()["data"]
    expected = [r for r in everything if r["group"] and id_of(r["group"]) in wanted and r["state"] == "offline"]
    assert rows["data"] == expected
    bracket = api.get("/routers/", params={"group__in": "[%s]" % ",".join(wanted), "state": "offline", "limit": 500}).json()["data"]
    assert bracket == expected  # L8750 prints the list in brackets
    assert api.get("/routers/", params={"id__in": ",".join(str(n) for n in range(101))}).status_code == 400
    assert api.get("/routers/", params={"id__in": ",".join(str(n) for n in range(100))}).status_code == 200


def test_filter_rules(api):
    assert api.get("/routers/", params={"locality": "US/Mountain"}).status_code == 400  # not filterable
    assert api.get("/routers/", params={"name__gt": "a"}).status_code == 400  # op not allowed
    assert api.get("/routers/", params={"nonsense": "1"}).status_code == 400  # not a field: refused
    t = router(api)["updated_at"]
    newer = api.get("/routers/", params={"updated_at__gt": t, "limit": 500}).json()["data"]
    assert all(r["updated_at"] > t for r in newer)
    # L382: an unencoded "+" arrives as a space and does not work
    assert api.get("/routers/?updated_at__gt=" + t).status_code == 400


def test_expand_account_and_group(api):
    # L8787: GET routers/?expand=account,group
    r = grouped_online(api)
    expanded = api.get("/routers/", params={"id": r["id"], "expand": "account,group"}).json()["data"][0]
    assert set(expanded["group"]) == GROUP_KEYS and expanded["group"]["resource_url"] == r["group"]
    assert expanded["account"]["resource_url"] == r["account"]


# ---- errors (L274-335) ---------------------------------------------------------------------


def test_method_not_allowed_is_the_documented_generic_error(api):
    response = api.post("/routers/", json={"name": "x"})
    assert response.status_code == 405
    assert response.json() == {
        "errors": [{"path": base(api) + "routers/"}, {"method": "POST"}],
        "exception": {"message": "method not allowed", "type": "error"},
    }
    assert api.put("/alert_rules/%s/" % api.get("/alert_rules/").json()["data"][0]["alert_config_id"], json={}).status_code == 405  # L1086: no PUT


def test_malformed_json_is_a_server_error_shape(api):
    response = api.post("/groups/", content=b'{"name": "x",\n "product": 1\n', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [] and body["exception"]["type"] == "server_error"
    assert "line 3 column 1" in body["exception"]["message"]


def test_unknown_field_is_a_validation_error(api):
    r = router(api)
    response = api.put("/routers/%s/" % r["id"], json={"foo": "bar"})
    assert response.status_code == 400
    assert response.json() == {"exception": {"type": "validation", "message": "bad or missing data"}, "errors": [{"foo": "no such field"}]}  # L323-335


def test_missing_record(api):
    assert api.get("/routers/1/").status_code == 404
    assert api.get("/configuration_managers/1/").json() == FORBIDDEN  # L8904: 403 for managers


# ---- routers (L6106-6398) -------------------------------------------------------------------


def test_put_router_name_returns_202_and_the_object(api):
    r = router(api)
    response = api.put("/routers/%s/" % r["id"], json={"name": "My AP-22"})  # L6356-6358
    assert response.status_code == 202
    body = response.json()
    assert body == dict(r, name="My AP-22", updated_at=body["updated_at"])
    assert body["updated_at"] > r["updated_at"]
    # a GET-modify-PUT round trip of the whole record is accepted; changing a read-only field is not
    assert api.put("/routers/%s/" % r["id"], json=dict(body, description="round trip")).status_code == 202
    bad = api.put("/routers/%s/" % r["id"], json={"mac": "00:00:00:00:00:00"})
    assert bad.status_code == 400 and bad.json()["errors"] == [{"mac": "read only field"}]


def test_delete_router(api):
    r = router(api, offset=5)
    response = api.delete("/routers/%s/" % r["id"])
    assert response.status_code == 204 and response.content == b""
    assert api.get("/routers/%s/" % r["id"]).status_code == 404
    assert api.get("/configuration_managers/", params={"router": r["id"]}).json()["data"] == []
    assert api.get("/net_devices/", params={"router": r["id"]}).json()["data"] == []


def test_router_group_moves_follow_the_product_rule(api):
    groups = api.get("/groups/", params={"limit": 500}).json()["data"]
    r = grouped_online(api)
    same = [g for g in groups if g["product"] == r["product"] and g["resource_url"] != r["group"]]
    other = [g for g in groups if g["product"] != r["product"]]
    refused = api.put("/routers/%s/" % r["id"], json={"group": other[0]["resource_url"]})
    assert refused.status_code == 400 and "group" in refused.json()["errors"][0]  # L3707
    moved = api.put("/routers/%s/" % r["id"], json={"group": same[0]["resource_url"]})
    assert moved.status_code == 202
    assert moved.json()["group"] == same[0]["resource_url"]
    assert moved.json()["target_firmware"] == same[0]["target_firmware"]  # L6144
    gone = api.put("/routers/%s/" % r["id"], json={"group": None})
    assert gone.json()["group"] is None and gone.json()["target_firmware"] is None


def test_never_connected_access_point(api):
    # L6240-6268, the second record of the routers example: what an initialized device leaves null
    ap = router(api, state="initialized")
    assert ap["device_type"] == "access_point" and ap["full_product_name"] == "unknown"
    for key in ("actual_firmware", "group", "ipv4_address", "serial_number", "state_updated_at", "target_firmware"):
        assert ap[key] is None
    assert api.post("/reboot_activity/", json={"router": ap["resource_url"]}).status_code == 201


def test_group_product_cannot_change_under_its_routers(api):
    r = grouped_online(api)
    other = first(api, "/products/", name="AP22")
    response = api.put(r["group"], json={"product": other["resource_url"], "target_firmware": _fw(api, other["resource_url"])["resource_url"]})
    assert response.status_code == 400 and "product" in response.json()["errors"][0]


def test_adding_a_router_to_a_group_upgrades_it(api):
    # L3708: "endpoints are automatically upgraded to that version when they are added to the group"
    r = ungrouped_online(api)
    group = next(g for g in api.get("/groups/", params={"limit": 500}).json()["data"] if g["product"] == r["product"])
    moved = api.put("/routers/%s/" % r["id"], json={"group": group["resource_url"]}).json()
    if moved["actual_firmware"] != group["target_firmware"]:
        assert moved["upgrade_pending"] is True
        done = wait_until(lambda: router(api, id=r["id"]), lambda x: x["state"] == "online" and not x["upgrade_pending"])
        assert done["actual_firmware"] == group["target_firmware"]


# ---- groups (L3703-3927) ---------------------------------------------------------------------


def _fw(api, product_url):
    return next(f for f in api.get("/firmwares/", params={"limit": 500}).json()["data"] if f["product"] == product_url and not f["is_deprecated"])


def test_group_lifecycle_as_documented(api):
    account = api.get("/accounts/").json()["data"][0]
    product = first(api, "/products/", name="IBR1100")
    firmware = _fw(api, product["resource_url"])
    # L3844-3849 (the POST example body, with our account, product 23 and firmware)
    created = api.post(
        "/groups/",
        json={
            "account": account["resource_url"],
            "name": "IBR1100",
            "product": doc(api, DOC_BASE + "products/23/"),
            "target_firmware": firmware["resource_url"],
        },
    )
    assert created.status_code == 201
    group = created.json()
    assert set(group) == GROUP_KEYS
    assert group["resource_url"] == base(api) + "groups/"  # L3878: the collection URL
    assert group["configuration"] == [{}, []] and group["device_type"] == "router" and group["name"] == "IBR1100"
    gid = group["id"]
    found = api.get("/groups/", params={"name": "IBR1100"}).json()  # L3830 (name filter)
    assert [g["id"] for g in found["data"]] == [gid]
    renamed = api.put("/groups/%s/" % gid, json={"name": "IBR1100 Group"})  # L3890-3906
    assert renamed.status_code == 202
    assert renamed.json() == dict(group, name="IBR1100 Group", resource_url=base(api) + "groups/%s/" % gid)
    patched = api.patch("/groups/%s/" % gid, json={"configuration": [{"system": {"gps": {"enabled": True}}}, []]})
    # conflict: L3911-3918 prints a config fragment as the PATCH answer, L9460/L9575 say no payload
    assert patched.status_code == 202 and patched.content == b""
    assert api.get("/groups/%s/" % gid, params={"fields": "configuration"}).json() == {
        "configuration": [{"system": {"gps": {"enabled": True}}}, []]
    }  # L9552-9570
    deleted = api.delete("/groups/%s/" % gid)
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.get("/groups/%s/" % gid).status_code == 404


def test_group_post_requires_the_table_fields(api):
    # conflict: L120's example omits account and target_firmware; the table (L3720-3730) requires
    # them. L145 gives the account a default (the requestor's), so only target_firmware is required
    # (tests/fidelity/test_third_party_clients.py checks the default).
    response = api.post("/groups/", json={"name": "Test Group", "product": doc(api, DOC_BASE + "products/1/")})
    assert response.status_code == 400
    assert {k for e in response.json()["errors"] for k in e} == {"target_firmware"}
    product = first(api, "/products/", name="IBR900")
    wrong = _fw(api, first(api, "/products/", name="E300")["resource_url"])
    mismatch = api.post(
        "/groups/",
        json={
            "account": api.get("/accounts/").json()["data"][0]["resource_url"],
            "name": "x",
            "product": product["resource_url"],
            "target_firmware": wrong["resource_url"],
        },
    )
    assert mismatch.status_code == 400 and "target_firmware" in mismatch.json()["errors"][0]


# ---- configuration_managers (L1942-2566, L8832-10269) ---------------------------------------


def test_config_manager_record(api):
    r = grouped_online(api)
    cm = cm_of(api, r["id"])
    assert set(cm) == CM_KEYS
    assert cm["router"] == r["resource_url"] and cm["id"] != r["id"]  # L8878: not the router's id
    assert cm["target"][0]["ecm"] == {"config_version": cm["version_number"]}
    assert "ecm" not in cm["configuration"][0]
    assert api.get(r["configuration_manager"]).json() == cm  # the router's link answers (L6215)
    # the SDK's lookup (L9645 implies GET filters on router.id)
    assert first(api, "/configuration_managers/", **{"router.id": r["id"], "fields": "id"}) == {"id": cm["id"]}
    nightly = api.get("/configuration_managers/", params={"fields": "actual,router.id,router.mac,router.name", "limit": 2}).json()["data"][0]  # L9626
    assert set(nightly) == {"actual", "router"} and set(nightly["router"]) == {"id", "mac", "name"}


def test_put_replaces_and_echoes_fields(api):
    cm = cm_of(api, ungrouped_online(api)["id"])
    url = "/configuration_managers/%s/" % cm["id"]
    put = api.put(url, params={"fields": "configuration"}, json=GPS)  # L9137-9161
    assert put.status_code == 202 and put.json() == GPS
    after = api.get(url).json()
    assert after["version_number"] == cm["version_number"] + 1  # L9166-9172
    assert after["synched"] is False and after["target"][0]["system"] == {"gps": {"enabled": True}}
    again = api.put(url, params={"fields": "version_number"}, json=GPS)  # L9174: no change, no bump
    assert again.json() == {"version_number": cm["version_number"] + 1}
    cleared = api.put(url, params={"fields": "configuration"}, json={"configuration": [{}, []]})  # L9412-9420
    assert cleared.status_code == 202 and cleared.json() == {"configuration": [{}, []]}


def test_put_complicated_config(api):
    cm = cm_of(api, ungrouped_online(api)["id"])
    url = "/configuration_managers/%s/" % cm["id"]
    response = api.put(url, params={"fields": "version_number"}, json=COMPLICATED)  # L9190-9245
    assert response.status_code == 202
    assert response.json() == {"version_number": cm["version_number"] + 1}
    stored = api.get(url).json()
    assert stored["configuration"] == COMPLICATED["configuration"]
    assert stored["target"][1] == COMPLICATED["configuration"][1]


def test_invalid_path_is_the_documented_409(api):
    cm = cm_of(api, router(api)["id"])
    response = api.put("/configuration_managers/%s/" % cm["id"], json={"configuration": [{"foo": "bar"}, []]})
    assert response.status_code == 409  # L9094-9117 (conflict: L9073 says 400; PUT follows the example)
    assert response.json() == INVALID_PATH
    removal = api.put("/configuration_managers/%s/" % cm["id"], json={"configuration": [{}, [["baz", 6]]]})
    assert removal.status_code == 409  # L10150-10157: removals of unknown paths are invalid too
    assert removal.json()["errors"][0]["configuration"]["reason"] == "invalid path"
    patched = api.patch("/configuration_managers/%s/" % cm["id"], json={"configuration": [{"foo": "bar"}, []]})
    assert patched.status_code == 400 and patched.json() == INVALID_PATH  # L9458 (PATCH: 400)
    old_rules = api.put("/configuration_managers/%s/" % cm["id"], json=STATIC_5X)
    assert old_rules.status_code == 409  # wan.rules is the 5.x path (L9696); our firmwares are 7.x


def test_other_fields_in_put_are_409_and_list_put_is_405(api):
    cm = cm_of(api, router(api)["id"])
    response = api.put("/configuration_managers/%s/" % cm["id"], json=dict(GPS, version_number=3))
    assert response.status_code == 409  # L9067
    for params in ({}, {"synched": "false"}):  # L9080-9086
        listed = api.put("/configuration_managers/", params=params, json=GPS)
        assert listed.status_code == 405
        assert listed.json()["exception"] == {"message": "method not allowed", "type": "error"}


@pytest.mark.parametrize("example", [PRIMARY_LAN, INSERT_LAN, WIFI, PASSWORD, ADD_USER, STATIC_6X, APN_6X, CLIENT_USAGE, COMPLICATED])
def test_documented_config_examples_are_accepted(api, example):
    cm = cm_of(api, router(api, state="online")["id"])
    for method in ("PUT", "PATCH"):
        response = api.request(method, "/configuration_managers/%s/" % cm["id"], json=example)
        assert response.status_code == 202, response.text
        if method == "PATCH":
            assert response.content == b""  # L9460: PATCH never returns a payload


def test_missing_id_in_an_id_array_element(api):
    cm = cm_of(api, router(api)["id"])
    body = copy.deepcopy(PRIMARY_LAN)
    del body["configuration"][0]["lan"]["00000000-0d93-319d-8220-4a1fb0372b51"]["_id_"]
    response = api.patch("/configuration_managers/%s/" % cm["id"], json=body)
    assert response.status_code == 400
    assert response.json() == {  # L9507-9520, verbatim but for the URL
        "exception": {"message": "invalid literal for int() with base 10: &#39;00000000-0d93-319d-8220-4a1fb0372b51&#39;", "type": "error"},
        "errors": [{"path": base(api) + "configuration_managers/%s/" % cm["id"]}],
    }


def test_patch_merges_put_replaces_removals_remove(api):
    cm = cm_of(api, ungrouped_online(api)["id"])
    url = "/configuration_managers/%s/" % cm["id"]
    api.put(url, json={"configuration": [{}, []]})
    api.patch(url, json=GPS)
    api.patch(url, json={"configuration": [{"system": {"logging": {"level": "debug"}}}, []]})
    assert api.get(url).json()["configuration"] == [{"system": {"gps": {"enabled": True}, "logging": {"level": "debug"}}}, []]  # L9425-9440
    api.patch(url, json={"configuration": [{}, []]})  # "will do nothing at all"
    assert api.get(url).json()["configuration"][0]["system"]["gps"] == {"enabled": True}
    api.put(url, json={"configuration": [{"system": {"logging": {"level": "debug"}}}, []]})
    assert api.get(url).json()["configuration"] == [{"system": {"logging": {"level": "debug"}}}, []]
    # a removal takes a default element out of the target: here the Guest LAN (L9255-9265)
    api.put(url, json={"configuration": [{}, [["lan", "00000001-0d93-319d-8220-4a1fb0372b51"]]]})
    after = api.get(url).json()
    assert after["target"][1] == [["lan", "00000001-0d93-319d-8220-4a1fb0372b51"]]
    assert after["pending"][1] == [["lan", "00000001-0d93-319d-8220-4a1fb0372b51"]]
    # PATCH cannot remove (L9443): the stored update survives a PATCH removal of the same path
    api.put(url, json={"configuration": [{"wlan": {"radio": {"0": {"bss": {"1": {"enabled": True}}}}}}, []]})
    api.patch(url, json={"configuration": [{}, [["wlan", "radio", 0, "bss", 1, "enabled"]]]})
    assert api.get(url).json()["target"][0]["wlan"] == {"radio": {"0": {"bss": {"1": {"enabled": True}}}}}


def test_group_config_shows_through_router_target(api):
    # L10023-10088, the layering example
    r = grouped_online(api)
    gid = id_of(r["group"])
    api.put("/groups/%s/" % gid, json={"configuration": [{"system": {"logging": {"level": "debug"}, "gps": {"enabled": False}}}, []]})
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    api.put(url, json={"configuration": [{}, []]})
    assert api.get(url).json()["target"][0]["system"] == {"logging": {"level": "debug"}, "gps": {"enabled": False}}
    api.patch(url, json={"configuration": [{"system": {"gps": {"enabled": True}, "timezone": "UTC"}}, []]})
    cm = api.get(url).json()
    assert cm["configuration"][0] == {"system": {"gps": {"enabled": True}, "timezone": "UTC"}}
    assert cm["target"][0]["system"] == {"logging": {"level": "debug"}, "gps": {"enabled": True}, "timezone": "UTC"}
    version = cm["version_number"]
    api.put("/routers/%s/" % r["id"], json={"group": None})  # "What if instead you removed the device"
    cm = api.get(url).json()
    assert cm["target"][0]["system"] == {"gps": {"enabled": True}, "timezone": "UTC"}
    assert cm["version_number"] == version + 1


def test_config_syncs_to_an_online_router(api):
    r = ungrouped_online(api)
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    api.patch(url, json={"configuration": [{"system": {"timezone": "Europe/Copenhagen"}}, []]})
    pending = api.get(url).json()
    assert pending["synched"] is False and router(api, id=r["id"])["config_status"] == "pending"
    assert pending["pending"][0]["system"] == {"timezone": "Europe/Copenhagen"}
    assert pending["pending"][0]["ecm"] == {"config_version": pending["version_number"]}  # L9600-9612
    synched = wait_until(lambda: api.get(url).json(), lambda c: c["synched"])
    assert synched["pending"] == [{}, []]
    assert synched["actual"][0]["system"]["timezone"] == "Europe/Copenhagen"
    assert synched["actual"][0]["ecm"] == {"config_version": synched["version_number"]}
    assert router(api, id=r["id"])["config_status"] == "synched"


def test_actual_keys_id_arrays_by_index(api):
    # L9010-9036: the device reports `_id_` arrays by index, the target by UUID
    r = ungrouped_online(api)
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    api.put(url, json=PRIMARY_LAN)
    cm = wait_until(lambda: api.get(url).json(), lambda c: c["synched"])
    assert cm["target"][0]["lan"] == PRIMARY_LAN["configuration"][0]["lan"]
    assert cm["actual"][0]["lan"] == {"0": {"ip_address": "192.168.30.1"}}


def test_offline_router_stays_pending(api):
    r = next(x for x in api.get("/routers/", params={"state": "offline", "limit": 500}).json()["data"])
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    api.patch(url, json=GPS)
    time.sleep(SIM_SETTINGS["ncm_sync_seconds"] * 2)
    assert api.get(url).json()["synched"] is False
    resumed = api.put(url, params={"fields": "suspended"}, json={"suspended": True})  # L9395-9410
    assert resumed.json() == {"suspended": True}
    # L9391: resuming only works while the device is online; offline it stays suspended
    assert api.put(url, params={"fields": "suspended"}, json={"suspended": False}).json() == {"suspended": True}
    assert router(api, id=r["id"])["config_status"] == "suspended"


def test_device_rejects_remote_admin_without_port(api):
    # L9924-9950: DTD-valid, rejected by the device; sync is suspended
    r = ungrouped_online(api)
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    body = {"configuration": [{"firewall": {"remote_admin": {"enabled": True, "secure_only": False}}}, []]}
    assert api.patch(url, json=body).status_code == 202
    cm = wait_until(lambda: api.get(url).json(), lambda c: c["suspended"])
    assert cm["synched"] is False and router(api, id=r["id"])["config_status"] == "suspended"


def test_passwords_read_back_as_a_star(api):
    r = grouped_online(api)
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    assert api.patch(url, json=PASSWORD).status_code == 202
    cm = api.get(url, params={"fields": "configuration"}).json()
    assert cm["configuration"][0]["wlan"]["radio"]["0"]["bss"]["0"]["wpapsk"] == "*"  # L10096-10108
    full = api.get(url).json()
    assert full["target"][0]["wlan"]["radio"]["0"]["bss"]["0"]["wpapsk"] == "*"
    assert "2secret4Usorry" not in api.get(url).text
    group = api.get(r["group"]).json()
    assert "*" in str(group["configuration"]) or group["configuration"] == [{}, []]
    # writing the "*" back is not a password: too short for a WPA key
    star = api.patch(url, json={"configuration": [{"wlan": {"radio": {"0": {"bss": {"0": {"wpapsk": "*"}}}}}}, []]})
    assert star.status_code == 400
    assert star.json()["errors"][0]["configuration"]["reason"] == "too short (min length=8)"


@pytest.mark.parametrize(
    "updates, reason",
    [
        ({"wlan": {"radio": {"0": {"bss": {"0": {"enabled": "yes"}}}}}}, "not a boolean"),
        ({"wlan": {"radio": {"0": {"bss": {"0": {"authmode": "wpa9"}}}}}}, "invalid option"),
        ({"wlan": {"radio": {"0": {"bss": {"9": {"ssid": "x"}}}}}}, "bad array index"),
        ({"wlan": {"radio": {"0": {"bss": {"0": {"ssid": "x" * 33}}}}}}, "too long (max length=32)"),
        (
            {"wan": {"rules2": {"00000000-a81d-3590-93ca-8b1fcfeb8e14": {"_id_": "00000000-a81d-3590-93ca-8b1fcfeb8e14", "priority": "high"}}}},
            "not a float type",
        ),
        ({"wan": {"rules2": {}}}, "empty dict"),
        ({"lan": {PRIMARY: {"_id_": PRIMARY, "ip_address": "300.1.1.1"}}}, "invalid ipv4 address"),
        ({"system": "x"}, "not a dict"),
    ],
)
def test_value_validation_uses_the_documented_catalogue(api, updates, reason):
    cm = cm_of(api, router(api)["id"])
    response = api.put("/configuration_managers/%s/" % cm["id"], json={"configuration": [updates, []]})
    assert response.status_code == 409
    assert response.json()["errors"][0]["configuration"]["reason"] == reason  # L10159-10190


# ---- reboot_activity (L5229-5259) ---------------------------------------------------------


def test_reboot_online_router_goes_offline_and_back(api):
    r = ungrouped_online(api)
    api.put("/routers/%s/" % r["id"], json={"name": "renamed-%s" % r["id"]})

    def hostnames():
        return {nd["hostname"] for nd in api.get("/net_devices/", params={"router": r["id"]}).json()["data"]}

    assert hostnames() == {r["name"]}  # L8707-8711: the hostname changes only with a reboot
    response = api.post("/reboot_activity/", json={"router": r["resource_url"]})
    assert response.status_code == 201
    down = wait_until(lambda: router(api, id=r["id"]), lambda x: x["state"] == "offline")
    assert down["state_updated_at"] > r["state_updated_at"]
    up = wait_until(lambda: router(api, id=r["id"]), lambda x: x["state"] == "online")
    assert up["state_updated_at"] > down["state_updated_at"]
    assert hostnames() == {"renamed-%s" % r["id"]}
    samples = api.get("/router_state_samples/", params={"router": r["id"]}).json()
    assert [s["state"] for s in samples["data"]] == ["online", "offline"]  # newest first
    assert set(samples["meta"]) == {"limit", "next"}  # no offset paging (L203-211)


def test_reboot_offline_router_is_lost(sim, api):
    r = next(x for x in api.get("/routers/", params={"state": "offline", "limit": 500}).json()["data"])
    response = api.post("/reboot_activity/", json={"router": r["resource_url"]})
    assert response.status_code == 201  # L5236: accepted, but "the request will be lost"
    time.sleep(SIM_SETTINGS["ncm_reboot_delay"] + SIM_SETTINGS["ncm_reboot_seconds"] + 0.3)
    assert router(api, id=r["id"]) == r
    last = sim.state()["ncm"]["reboots"][-1]
    assert (last["router"], last["delivered"]) == (int(r["id"]), False)


def test_reboot_group_and_bad_requests(api):
    r = grouped_online(api)
    assert api.post("/reboot_activity/", json={"group": r["group"]}).status_code == 201
    wait_for(lambda: router(api, id=r["id"])["state"] == "offline")
    assert api.post("/reboot_activity/", json={"router": base(api) + "routers/1/"}).status_code == 403  # L5238
    assert api.post("/reboot_activity/", json={"router": r["resource_url"], "group": r["group"]}).status_code == 400
    assert api.get("/reboot_activity/").status_code == 405  # L5240: POST only


# ---- alerts: rules and push destinations (L823-1427) ---------------------------------------


def _destination(api, url="https://example.com.com"):
    # L1010-1017, the POST example body
    return api.post("/alert_push_destinations/", json={"endpoint": {"url": url}, "authentication": {"secret": "mysecretsecret"}, "name": "mypushexample"})


def test_push_destination_lifecycle(api):
    created = _destination(api)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == DEST_KEYS | {"resource_url"}
    assert body["authentication"] == {"secret": "*"} and body["enabled"] is True  # L939
    assert body["resource_url"] == base(api) + "alert_push_destinations/"
    did = body["destination_config_id"]
    listed = api.get("/alert_push_destinations/", params={"destination_config_id": did}).json()
    assert listed["meta"] == {"limit": 20, "next": None} and set(listed["data"][0]) == DEST_KEYS  # L987-1008
    assert _destination(api).status_code == 400  # L935: no two with the same URL
    patched = api.patch("/alert_push_destinations/%s/" % did, json={"endpoint": {"url": "https://example.com"}})
    assert patched.status_code == 202 and patched.content == b""  # L1040-1050
    assert api.patch("/alert_push_destinations/%s/" % did, json={"suspended": True}).status_code == 400  # L972
    assert api.patch("/alert_push_destinations/%s/" % did, json={"suspended": "False"}).status_code == 202
    assert api.post("/test_alert_push_destinations/", json={"destination_config_id": did}).status_code == 201
    deleted = api.delete("/alert_push_destinations/%s/" % did)
    assert deleted.status_code == 204 and deleted.content == b""


def test_alert_rule_lifecycle(api):
    did = _destination(api).json()["destination_config_id"]
    # L1353-1360, the POST example body
    created = api.post("/alert_rules/", json={"schedule": "daily", "filter_criteria": {"alert_type__in": ["account_locked"]}, "http_destinations": [did]})
    assert created.status_code == 201
    rule = created.json()
    assert set(rule) == RULE_KEYS | {"resource_url"}
    assert rule["resource_url"] == base(api) + "alert_rules/"
    assert rule["associated_accounts"] == [] and rule["email_destinations"] == [] and rule["external_rules"] is None
    rid = rule["alert_config_id"]
    one = api.get("/alert_rules/", params={"alert_config_id": rid}).json()  # L1310-1345
    assert set(one["data"][0]) == RULE_KEYS and one["meta"] == {"limit": 20, "next": None}
    patched = api.patch("/alert_rules/%s/" % rid, json={"schedule": "hourly"})  # L1408-1415
    assert patched.status_code == 201 and patched.content == b""
    assert api.get("/alert_rules/%s/" % rid).json()["schedule"] == "hourly"
    user = first(api, "/users/")
    assert set(user) == USER_KEYS
    assert api.patch("/alert_rules/%s/" % rid, json={"email_destinations": [int(user["id"])]}).status_code == 201
    assert api.patch("/alert_rules/%s/" % rid, json={"email_destinations": [1]}).status_code == 400
    assert api.patch("/alert_rules/%s/" % rid, json={"schedule": "Hourly"}).status_code == 400  # conflict L1098
    assert api.patch("/alert_rules/%s/" % rid, json={"filter_criteria": {"alert_type__in": ["no_such_alert"]}}).status_code == 400
    deleted = api.delete("/alert_rules/%s/" % rid)
    assert deleted.status_code == 204 and deleted.content == b""


def test_alert_rule_post_requires_fields_and_pdp_settings(api):
    missing = api.post("/alert_rules/", json={"filter_criteria": {"alert_type__in": ["connection_state"]}})
    assert missing.status_code == 400
    assert {k for e in missing.json()["errors"] for k in e} == {"http_destinations", "schedule"}
    pdp = {"schedule": None, "http_destinations": [], "filter_criteria": {"alert_type__in": ["pdp_router_overage"]}}
    assert api.post("/alert_rules/", json=pdp).status_code == 400  # L1375-1402
    pdp["settings"] = {"pdp_router_overage": {"carrier": "VERIZON", "thresholds": [25, 50, 75, 90]}}
    assert api.post("/alert_rules/", json=pdp).status_code == 201


def test_alert_rules_page_by_cursor_only(api):
    made = set()
    for n in range(25):
        response = api.post("/alert_rules/", json={"schedule": None, "http_destinations": [], "filter_criteria": {"alert_type__in": ["connection_state"]}})
        made.add(response.json()["alert_config_id"])
    seen, url = [], "/alert_rules/?limit=10"
    while url:
        body = api.get(url).json()
        assert set(body["meta"]) == {"limit", "next"}
        seen.extend(r["alert_config_id"] for r in body["data"])
        url = body["meta"]["next"]
    assert len(seen) == len(set(seen)) and made <= set(seen)
    # offset is not supported (L203-211): it is ignored, the first page comes back
    assert api.get("/alert_rules/", params={"limit": 10, "offset": 10}).json()["data"] == api.get("/alert_rules/", params={"limit": 10}).json()["data"]


# ---- the read-only resources ------------------------------------------------------------------


def test_products_example(api):
    # L5205-5222, verbatim (product 29 is the doc's AER3150)
    assert api.get("/products/", params={"id": 29}).json() == {
        "data": [{"device_type": "router", "id": "29", "name": "AER3150", "resource_url": base(api) + "products/29/", "series": 3}],
        "meta": {"limit": 20, "next": None, "offset": 0, "previous": None},
    }


def test_firmwares_and_default_configuration(api):
    fw = first(api, "/firmwares/", version="7.24.10")
    assert set(fw) == FIRMWARE_KEYS
    assert fw["default_configuration"] == fw["resource_url"] + "default_configuration/"
    defaults = api.get(fw["default_configuration"]).json()
    assert "wlan" in defaults and "rules2" in defaults["wan"]
    assert api.get("/firmwares/", params={"product": 29}).status_code == 400  # not filterable (L3310)


def test_net_devices_of_a_router(api):
    r = grouped_online(api)
    rows = api.get("/net_devices/", params={"router": r["id"], "mode": "wan"}).json()["data"]
    assert rows and all(set(nd) == NET_DEVICE_KEYS for nd in rows)
    assert all(nd["router"] == r["resource_url"] and nd["mode"] == "wan" for nd in rows)
    assert {nd["type"] for nd in rows} <= {"ethernet", "mdm"}
    eth = next(nd for nd in rows if nd["type"] == "ethernet")
    assert eth["name"] == "ethernet-wan" and eth["ipv4_address"] == r["ipv4_address"]


def test_disabled_wan_rule_disconnects_its_modem(api):
    r = next(
        x
        for x in api.get("/routers/", params={"state": "online", "limit": 500}).json()["data"]
        if x["group"] is None and first(api, "/products/", id=id_of(x["product"]))["name"] in ("IBR900", "E300")
    )
    url = "/configuration_managers/%s/" % cm_of(api, r["id"])["id"]
    rule = "00000002-a81d-3590-93ca-8b1fcfeb8e14"  # the LTE rule (L9780)
    api.patch(url, json={"configuration": [{"wan": {"rules2": {rule: {"_id_": rule, "disabled": True}}}}, []]})
    wait_for(lambda: api.get(url).json()["synched"])
    modem = next(nd for nd in api.get("/net_devices/", params={"router": r["id"]}).json()["data"] if nd["type"] == "mdm")
    assert modem["connection_state"] == "disconnected"


def test_users_filter_by_email(api):
    user = first(api, "/users/")
    assert api.get("/users/", params={"email": user["email"]}).json()["data"] == [user]

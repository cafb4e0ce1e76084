import json
from tests.integration.conftest import credentials

def t(title, module, **args):
    return {"name": title, "wanfleet.routers." + module: dict(args, platform="incontrol", incontrol=CREDS[0]), "ignore_errors": True}
CREDS = [None]

def test_explore(sim, run_playbook):
    CREDS[0] = credentials(sim)["incontrol"]
    tasks = [
        t("all", "device_info"),
        t("one", "device_info", device="router-002"),
        t("grp", "group", name="Branches", devices=["router-001"], timezone="Europe/Copenhagen"),
        t("grp2", "group", name="New", country="dk", devices=["router-003"]),
        t("ssid", "ssid_profile", group="Branches", name="Branch WiFi", vlan_id=30, passphrase="new-pass-1234"),
        t("ssid2", "ssid_profile", group="Branches", name="Guest", security="open", band="5"),
        t("wan", "wan_priority", device="router-002", connections=[{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2}]),
        t("reboot", "reboot", device="router-002", wait=True, wait_sleep=1, wait_timeout=30),
    ]
    run = run_playbook(tasks, diff=True, env={"ANSIBLE_COLLECTIONS_PATH": "/tmp/ic_colls"})
    print(run.stdout[-6000:], run.stderr[-2000:])
    for n in [x["name"] for x in tasks]:
        r = run.task(n)
        r.pop("invocation", None)
        print(n, json.dumps(r, indent=None)[:1500])
    for r in sim.requests():
        print(r["method"], r["path"], r["query"], r["status"])
    assert 0

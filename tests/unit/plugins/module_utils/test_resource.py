"""ensure(): compare only what the user set, check mode writes nothing, diffs mask secrets."""

from __future__ import annotations

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import MASK, Redactor, ServerError
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN, Resource, changes_between, ensure


class FakeResource(Resource):
    secret_keys = ("passphrase",)
    unordered_keys = ("members",)

    def __init__(self, current, desired, fail_on_write=False):
        super(FakeResource, self).__init__(client=None, params={})
        self.current = current
        self.wanted = desired
        self.writes = []
        self.rolled_back = False
        self.fail_on_write = fail_on_write

    def read(self):
        return None if self.current is None else dict(self.current)

    def desired(self, current):
        return dict(self.wanted)

    def create(self, desired):
        self._write("create")
        return dict((k, v) for k, v in desired.items() if v is not None)

    def update(self, current, desired, changes):
        self._write("update", changes)
        return dict(current, **changes)

    def delete(self, current):
        self._write("delete")

    def rollback(self):
        self.rolled_back = True

    def _write(self, *what):
        if self.fail_on_write:
            raise RuntimeError("boom")
        self.writes.append(what)


def test_unset_keys_are_not_managed():
    assert changes_between({"name": "a", "vlan_id": None}, {"name": "a", "vlan_id": 5}) == {}
    assert changes_between({"vlan_id": 7}, {"vlan_id": 5}) == {"vlan_id": 7}


def test_unordered_lists_compare_as_sets_and_ordered_lists_do_not():
    assert changes_between({"members": ["b", "a"]}, {"members": ["a", "b"]}, unordered_keys=("members",)) == {}
    assert changes_between({"order": ["b", "a"]}, {"order": ["a", "b"]}) == {"order": ["b", "a"]}


def test_nested_dicts_compare_only_the_given_subkeys():
    assert changes_between({"wifi": {"ssid": "x", "channel": None}}, {"wifi": {"ssid": "x", "channel": 6, "extra": 1}}) == {}


@pytest.mark.parametrize(
    "policy, have, expected",
    [
        ("always", UNKNOWN, {"passphrase": "new-pass"}),
        ("on_create", UNKNOWN, {}),
        ("always", "new-pass", {}),
        ("on_create", "old-pass", {"passphrase": "new-pass"}),  # readable secrets are compared under either policy
    ],
)
def test_secret_policy(policy, have, expected):
    assert changes_between({"passphrase": "new-pass"}, {"passphrase": have}, ("passphrase",), update_secrets=policy) == expected


def test_no_change_sends_no_write_and_reports_unchanged():
    resource = FakeResource({"name": "a", "vlan_id": 5}, {"name": "a", "vlan_id": 5})
    result = ensure(resource, "present", check_mode=False)
    assert result["changed"] is False and resource.writes == []


def test_check_mode_predicts_without_writing():
    resource = FakeResource({"name": "a", "vlan_id": 5, "passphrase": "old-pass"}, {"name": "a", "vlan_id": 9, "passphrase": "new-pass"})
    result = ensure(resource, "present", check_mode=True, result_key="profile")
    assert resource.writes == []
    assert result["changed"] is True and result["changed_keys"] == ["passphrase", "vlan_id"]
    assert result["diff"] == {"before": {"passphrase": MASK, "vlan_id": 5}, "after": {"passphrase": MASK, "vlan_id": 9}}
    assert result["profile"]["passphrase"] == MASK and result["profile"]["vlan_id"] == 9


def test_create_update_delete():
    created = ensure(FakeResource(None, {"name": "a", "vlan_id": None}), "present", check_mode=False)
    assert created["changed"] and created["diff"] == {"before": {}, "after": {"name": "a"}}
    updated = FakeResource({"name": "a", "vlan_id": 1}, {"name": "a", "vlan_id": 2})
    assert ensure(updated, "present", check_mode=False)["changed"] and updated.writes == [("update", {"vlan_id": 2})]
    gone = FakeResource({"name": "a"}, {})
    assert ensure(gone, "absent", check_mode=False)["changed"] and gone.writes == [("delete",)]
    absent = FakeResource(None, {})
    assert ensure(absent, "absent", check_mode=False)["changed"] is False and absent.writes == []


def test_failure_during_write_rolls_back_and_reraises():
    resource = FakeResource({"name": "a", "vlan_id": 1}, {"vlan_id": 2}, fail_on_write=True)
    with pytest.raises(RuntimeError):
        ensure(resource, "present", check_mode=False)
    assert resource.rolled_back


class UndoingResource(FakeResource):
    """Fails its write with a platform error; undoing it says what it did, or fails with a secret in the text."""

    def __init__(self, undo_error=None):
        super(UndoingResource, self).__init__(None, {"name": "a"})
        self.client = type("Client", (), {"redactor": Redactor(["s3cret-token"])})()
        self.undo_error = undo_error

    def create(self, desired):
        raise ServerError("incontrol: POST /group failed with HTTP 500")

    def rollback(self):
        if self.undo_error:
            raise self.undo_error
        return "; the new group was deleted"


def test_what_the_rollback_undid_is_added_to_the_error():
    with pytest.raises(ServerError) as caught:
        ensure(UndoingResource(), "present", check_mode=False)
    assert str(caught.value) == "incontrol: POST /group failed with HTTP 500; the new group was deleted"


def test_a_failed_rollback_keeps_the_original_error_and_says_why_without_secrets():
    with pytest.raises(ServerError) as caught:
        ensure(UndoingResource(RuntimeError("refused for token s3cret-token")), "present", check_mode=False)
    message = str(caught.value)
    assert message.startswith("incontrol: POST /group failed with HTTP 500; undoing the change failed too (refused for token ")
    assert "s3cret-token" not in message and message.endswith(Resource.rollback_failed)


class FixedSlot(FakeResource):
    can_delete = False


def test_absent_means_disabled_where_objects_cannot_be_deleted():
    slot = FixedSlot({"name": "Guest", "enabled": True}, {"name": "Guest"})
    result = ensure(slot, "absent", check_mode=False)
    assert result["changed"] and slot.writes == [("update", {"enabled": False})]
    assert result["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}
    again = FixedSlot({"name": "Guest", "enabled": False}, {"name": "Guest"})
    assert ensure(again, "absent", check_mode=False)["changed"] is False and again.writes == []


def test_prediction_merges_nested_dicts():
    resource = FakeResource({"wifi": {"ssid": "a", "channel": 6, "password": "old-secret"}}, {"wifi": {"ssid": "b", "channel": None}})
    result = ensure(resource, "present", check_mode=True, result_key="device")
    assert result["device"]["wifi"] == {"ssid": "b", "channel": 6, "password": MASK}
    assert result["diff"]["before"]["wifi"]["password"] == MASK

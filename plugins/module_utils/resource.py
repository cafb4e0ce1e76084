# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converging one object to the state the user asked for, the same way on every platform.

A platform implements a Resource (read / create / update / delete of one kind
of object, in normalised form); `ensure()` does the rest: compare only the
keys the user set, honour check mode (no write), build the diff with secrets
masked, and report `changed` truthfully.
"""

from __future__ import annotations

from typing import Any, Collection, Iterable

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import MASK, WanfleetError, mask_secret_keys


class Unknown(object):
    """A value the platform does not read back (NCM passwords come back as "*")."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


class Resource(object):
    """One object of one platform, in normalised form (dicts of the module's option names).

    Subclasses set `secret_keys` (masked in diffs; compared only when readable
    or when `update_secrets` is "always") and `unordered_keys` (lists compared
    as sets), and implement validate/read/desired/create/update/delete.
    """

    secret_keys = ()
    unordered_keys = ()
    # False where the platform has a fixed set of these objects (SSID slots): "absent" then means
    # disabled, converged like any other change.
    can_delete = True
    # Set by ensure(): a resource whose read() must itself send a request (Peplink pending config)
    # checks it to send nothing in check mode.
    check_mode = False

    def __init__(self, client: Any, params: dict[str, Any]) -> None:
        self.client = client
        self.params = params

    def validate(self) -> None:
        """Check the input locally; raise InputError before any request."""

    def read(self) -> dict[str, Any] | None:
        """The current object (normalised dict) or None when it does not exist."""
        raise NotImplementedError

    def desired(self, current: dict[str, Any] | None) -> dict[str, Any] | None:
        """The keys the user set, normalised (names resolved to ids); None means unmanaged."""
        raise NotImplementedError

    def create(self, desired: dict[str, Any]) -> dict[str, Any]:
        """Create the object; return it as read() would."""
        raise NotImplementedError

    def update(self, current: dict[str, Any], desired: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """Apply `changes` ({key: new value}); return the object as read() would."""
        raise NotImplementedError

    def delete(self, current: dict[str, Any]) -> None:
        raise NotImplementedError

    def rollback(self) -> str | None:
        """Undo a half-applied change after a failure, where the platform allows it.

        Return what was undone, as a note for the user ("; ..."), or None when nothing had to be;
        raise when undoing failed. `rollback_failed` is then the advice added to the error.
        """
        return None

    rollback_failed = "the platform may hold part of the change; check it"


def not_existing(error: WanfleetError, kind: str, key: object) -> WanfleetError:
    """Mark a not-found error as naming a `kind` ("group", "device", "rule") that does not exist: in check
    mode an earlier task of the play may be about to create it, so the task predicts instead of failing
    (predicted_for_missing())."""
    error.missing = (kind, str(key))
    return error


def predicted_for_missing(error: Exception, reads_only: bool) -> tuple[dict[str, Any], str] | None:
    """(result, warning) for a check-mode task whose `error` names an object that does not exist yet, or None.

    A task that writes predicts a change; a read (device_info) predicts nothing to read."""
    missing = getattr(error, "missing", None)
    if not missing:
        return None
    kind, key = missing
    warning = "check mode: would act on %s %s, which does not exist yet (an earlier task may create it; outside check mode this fails: %s)" % (
        kind,
        key,
        error.message,
    )
    result = {"changed": False, "devices": []} if reads_only else {"changed": True}
    return result, warning


def values_differ(wanted: Any, have: Any, unordered: bool = False) -> bool:
    if isinstance(wanted, dict) and isinstance(have, dict):
        return any(values_differ(value, have.get(key)) for key, value in wanted.items() if value is not None)
    if unordered and isinstance(wanted, list) and isinstance(have, list):
        return sorted(map(repr, wanted)) != sorted(map(repr, have))
    return wanted != have


def changes_between(
    desired: dict[str, Any],
    current: dict[str, Any] | None,
    secret_keys: Collection[str] = (),
    unordered_keys: Collection[str] = (),
    update_secrets: str = "always",
) -> dict[str, Any]:
    """{key: wanted} for every key the user set whose value differs from the current one."""
    changes = {}
    for key, wanted in desired.items():
        if wanted is None:
            continue
        have = (current or {}).get(key)
        if key in secret_keys:
            if current is not None and (have is UNKNOWN or have is None) and update_secrets != "always":
                continue  # on_create: an existing object's unreadable secret is left alone
            if have is UNKNOWN or values_differ(wanted, have):
                changes[key] = wanted
        elif values_differ(wanted, have, key in unordered_keys):
            changes[key] = wanted
    return changes


def merged(current: dict[str, Any] | None, changes: dict[str, Any]) -> dict[str, Any]:
    """The current object with the changes laid over it; nested dicts are merged key by key,
    since the user's dict options manage only the keys they give."""
    result = dict(current or {})
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            value = merged(result[key], dict((k, v) for k, v in value.items() if v is not None))
        result[key] = value
    return result


def masked(record: dict[str, Any] | None, keys: Iterable[str], secret_keys: Collection[str]) -> dict[str, Any]:
    """The record limited to `keys`, secrets replaced by the mask (absent stays absent)."""
    if record is None:
        return {}
    return _visible(dict((key, record.get(key)) for key in keys), secret_keys)


def ensure(resource: Resource, state: str, check_mode: bool, update_secrets: str = "always", result_key: str = "object") -> dict[str, Any]:
    """Converge `resource` to `state` ('present' or 'absent'); return the module result."""
    resource.check_mode = check_mode
    resource.validate()
    current = resource.read()
    secret_keys = resource.secret_keys
    if state == "absent" and not resource.can_delete:
        if current is None:
            return {"changed": False, result_key: None, "diff": {"before": {}, "after": {}}}
        return _converge(resource, current, {"enabled": False}, check_mode, update_secrets, result_key)
    if state == "absent":
        if current is None:
            return {"changed": False, result_key: None, "diff": {"before": {}, "after": {}}}
        keys = sorted(current)
        if not check_mode:
            resource.delete(current)
        return {"changed": True, result_key: None, "diff": {"before": masked(current, keys, secret_keys), "after": {}}}

    desired = resource.desired(current)
    if current is None:
        keys = sorted(key for key, value in desired.items() if value is not None)
        predicted = dict((key, desired[key]) for key in keys)
        after = predicted if check_mode else _apply(resource, resource.create, desired)
        return {"changed": True, result_key: _visible(after, secret_keys), "diff": {"before": {}, "after": masked(desired, keys, secret_keys)}}

    return _converge(resource, current, desired, check_mode, update_secrets, result_key)


def ensure_module(module: Any, resource: Resource, result_key: str, state: str | None = None, secrets_option: str | None = None) -> dict[str, Any]:
    """A resource module's result: `resource` ensure()d to the module's O(state) (or `state`) in its check mode.

    `secrets_option` names the module's option that says when a secret is rewritten ("always" without it).
    """
    params = module.params
    return ensure(
        resource, state or params["state"], module.check_mode, update_secrets=params[secrets_option] if secrets_option else "always", result_key=result_key
    )


def _converge(resource, current, desired, check_mode, update_secrets, result_key):
    secret_keys = resource.secret_keys
    changes = changes_between(desired, current, secret_keys, resource.unordered_keys, update_secrets)
    keys = sorted(changes)
    if not changes:
        return {"changed": False, result_key: _visible(current, secret_keys), "diff": {"before": {}, "after": {}}}
    predicted = merged(current, changes)
    after = predicted if check_mode else _apply(resource, resource.update, current, desired, changes)
    return {
        "changed": True,
        result_key: _visible(after, secret_keys),
        "changed_keys": keys,
        "diff": {"before": masked(current, keys, secret_keys), "after": masked(predicted, keys, secret_keys)},
    }


def _apply(resource, action, *args):
    try:
        return action(*args)
    except Exception as error:
        try:
            note = resource.rollback()
        except Exception as exc:  # the original error is what the user must see; add why undoing it failed
            note = "; undoing the change failed too (%s): %s" % (resource.client.redactor.text(str(exc)), resource.rollback_failed)
        if note and isinstance(error, WanfleetError):
            error.message += note
            error.args = (error.message,)
        raise


def _visible(record, secret_keys):
    """The object as shown to the user: secrets masked at any depth, unknowns as the mask."""
    if record is None:
        return None
    shown = dict((key, MASK if (key in secret_keys and value not in (None, "")) or value is UNKNOWN else value) for key, value in record.items())
    return mask_secret_keys(shown)

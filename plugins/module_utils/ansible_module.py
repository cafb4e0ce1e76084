# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares, wherever it runs.

A module file declares SPEC (its arguments and platforms) and operate(module, client) -> result.
It runs in one of two ways with the same code in between (perform()):
- as an Ansible module process: main() -> WanfleetModule(**SPEC).run(operate), below;
- inside the controller's worker, without a module process, through the collection's action
  plugin (plugins/plugin_utils/controller.py), which builds an object with the same interface
  (params, check_mode, platform, redactor).
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.errors import UnsupportedError as UnsupportedParametersError

from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
from ansible_collections.wanfleet.routers.plugins.module_utils.connection import connection_argument_spec
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import Redactor, UnsupportedError, WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.http import HAS_HTTPX, HTTPX_IMPORT_ERROR, cut
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interruptible
from ansible_collections.wanfleet.routers.plugins.module_utils.models import HAS_PYDANTIC, PYDANTIC_IMPORT_ERROR
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import predicted_for_missing

# SPEC keys that are AnsibleModule / ArgumentSpecValidator arguments (besides argument_spec).
SPEC_CONSTRAINTS = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")


def full_argument_spec(argument_spec, platforms=()):
    """The module's own options plus the connection options every module takes (doc fragment wanfleet.routers.connection).

    A module that speaks one platform defaults `platform` to it (an explicit other platform is
    still refused by unsupported_platform()); WANFLEET_PLATFORM, set for the other modules of a
    play, does not apply to it.
    """
    spec = connection_argument_spec()
    if len(platforms) == 1:
        spec["platform"] = dict(spec["platform"], required=False, default=platforms[0])
        spec["platform"].pop("fallback", None)
    spec.update(argument_spec)
    return spec


def validation_message(errors, module_name):
    """Every argument-validation problem of `errors` (a ValidationResult's), each with its option, in one message.

    ansible-core reports the first validation error only, and for a string given where a dict (or
    list of dicts) is expected that first error is a bare "dictionary requested, could not parse
    JSON or key=value" without the option's name; the errors after it name it.
    """
    messages = []
    for error in errors:
        text = error.msg
        if isinstance(error, UnsupportedParametersError):  # worded as AnsibleModule words it
            text = "Unsupported parameters for (wanfleet.routers.%s) module: %s" % (module_name, text)
        messages.append(text)
    messages = list(dict.fromkeys(messages))
    return "; ".join(text for text in messages if not any(text != other and text in other for other in messages))


def unsupported_platform(module_name, platform, platforms):
    """The error for a platform the module does not support, or None."""
    if platform in platforms:
        return None
    return UnsupportedError(
        "wanfleet.routers.%s does not support platform %s; it supports: %s" % (module_name, platform, ", ".join(platforms)), platform=platform
    )


def perform(module, operate):
    """Open the platform client, call operate(module, client); return (result, error, warnings).

    `error` is the WanfleetError that ended the run (secrets masked), else None; SIGINT and SIGTERM
    during the run are such an error (interrupt.Interruptible). Retries that
    happened on the way are reported as warnings, so a user sees throttling instead of only a slow
    task. The tokens obtained during the run join module.redactor's secrets.
    """
    client = None
    result = error = None
    notes = []
    try:
        # Outside open_client: an interrupt leaves the rollback and close() (logout) to run.
        with Interruptible() as interruption, open_client(module.params, redactor=module.redactor) as client:
            try:
                result = operate(module, client)
            finally:
                interruption.settle()  # close() (logout) below runs whatever comes
    except WanfleetError as failure:
        error = failure.redacted(module.redactor)
        predicted = predicted_for_missing(error, getattr(module, "reads_only", False)) if module.check_mode else None
        if predicted:
            (result, note), error = predicted, None
            notes.append(module.redactor.text(note))
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError) as failure:
        # A platform client reading an answer of a shape it does not expect (a name that is a list, an
        # item that is a number): a typed error naming the platform and the request, not a traceback.
        if client is None or client.last_request is None:
            raise
        method, url = client.last_request
        error = client.malformed(method, url, "something the collection cannot read (%s: %s)" % (type(failure).__name__, cut(failure, 120)))
        error.exception = module.redactor.text(traceback.format_exc())  # where the reading failed, shown at -vvv
    return result, error, client_warnings(client) + notes


def client_warnings(client):
    if client is None:
        return []
    warnings = ["%s: %s" % (client.platform, notice) for notice in getattr(client, "notices", None) or ()]
    cache = getattr(client, "token_cache", None)
    if cache is not None and cache.warning:
        warnings.append(cache.warning)
    if client.retries:
        method, path, reason, delay = client.retries[-1]
        warnings.append("%s: %d request(s) were retried (last: %s %s, %s, waited %ss)" % (client.platform, len(client.retries), method, path, reason, delay))
    return warnings


class WanfleetModule(AnsibleModule):
    """A module of this collection as an Ansible module process.

    Usage:  WanfleetModule(**SPEC).run(operate)
    SPEC:   argument_spec, platforms, and any of SPEC_CONSTRAINTS; check mode is always supported.
    """

    def __init__(self, argument_spec, platforms, reads_only=False, **constraints):
        super(WanfleetModule, self).__init__(argument_spec=full_argument_spec(argument_spec, tuple(platforms)), supports_check_mode=True, **constraints)
        if not HAS_HTTPX:
            self.fail_json(msg=missing_required_lib("httpx"), exception=HTTPX_IMPORT_ERROR)
        if not HAS_PYDANTIC:
            self.fail_json(msg=missing_required_lib("pydantic"), exception=PYDANTIC_IMPORT_ERROR)
        self.platform = self.params["platform"]
        self.platforms = tuple(platforms)
        self.reads_only = reads_only  # the module never writes (device_info): check mode predicts no change
        self.redactor = Redactor(self.no_log_values)
        error = unsupported_platform(self._name.split(".")[-1], self.platform, self.platforms)
        if error:
            self.fail(error)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        """fail_json; an argument-validation failure names every problem (validation_message())."""
        validation = getattr(self, "validation_result", None)
        if getattr(self, "platform", None) is None and validation is not None and validation.error_messages and msg.endswith(validation.errors.msg):
            msg = validation_message(validation.errors, self._name.split(".")[-1])
        super(WanfleetModule, self).fail_json(msg=msg, **kwargs)

    def fail(self, error, **result):
        """Fail with a WanfleetError's message and details, secrets masked."""
        error.redacted(self.redactor)
        result.update(error.to_result())
        self.fail_json(msg=error.message, **result)

    def run(self, operate):
        """perform(operate), then exit (or fail) the module process."""
        result, error, warnings = perform(self, operate)
        for warning in warnings:
            self.warn(warning)
        self.no_log_values.update(self.redactor.secrets)  # tokens obtained during the run
        if error is not None:
            self.fail(error)
        self.exit_json(**result)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AnsibleModule with the collection's connection options and error handling."""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

# Every task is a new Python process, and pydantic looks for plugins (entry points of the group
# "pydantic") by reading the metadata of every installed distribution when the first model is built:
# about 25 ms of each task on a controller with a hundred packages. No module uses pydantic plugins,
# so a module process skips the search, unless the user set PYDANTIC_DISABLE_PLUGINS. This file is
# imported by modules only (never by the inventory plugin, which runs inside the controller), and it
# must run before models.py builds its models.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
from ansible_collections.wanfleet.routers.plugins.module_utils.connection import connection_argument_spec
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import Redactor, UnsupportedError, WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.http import HAS_HTTPX, HTTPX_IMPORT_ERROR
from ansible_collections.wanfleet.routers.plugins.module_utils.models import HAS_PYDANTIC, PYDANTIC_IMPORT_ERROR


class WanfleetModule(AnsibleModule):
    """A module of this collection: `platforms` are the ones it supports.

    Usage:  module = WanfleetModule(argument_spec=..., platforms=(...), supports_check_mode=True)
            module.run(lambda client: {...result...})
    """

    def __init__(self, argument_spec, platforms, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super(WanfleetModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_HTTPX:
            self.fail_json(msg=missing_required_lib("httpx"), exception=HTTPX_IMPORT_ERROR)
        if not HAS_PYDANTIC:
            self.fail_json(msg=missing_required_lib("pydantic"), exception=PYDANTIC_IMPORT_ERROR)
        self.platform = self.params["platform"]
        self.platforms = tuple(platforms)
        self.redactor = Redactor(self.no_log_values)
        if self.platform not in self.platforms:
            self.fail(UnsupportedError(
                "wanfleet.routers.%s does not support platform %s; it supports: %s"
                % (self._name.split(".")[-1], self.platform, ", ".join(self.platforms)),
                platform=self.platform))

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        """fail_json; an argument-validation failure names every problem, each with its option.

        ansible-core reports the first validation error only, and for a string given where a
        dict (or list of dicts) is expected that first error is a bare "dictionary requested,
        could not parse JSON or key=value" without the option's name; the errors after it name it.
        """
        validation = getattr(self, "validation_result", None)
        if getattr(self, "platform", None) is None and validation is not None and validation.error_messages \
                and msg == validation.errors.msg:
            messages = list(dict.fromkeys(validation.error_messages))
            msg = "; ".join(text for text in messages if not any(text != other and text in other for other in messages))
        super(WanfleetModule, self).fail_json(msg=msg, **kwargs)

    def fail(self, error, **result):
        """Fail with a WanfleetError's message and details, secrets masked."""
        error.redacted(self.redactor)
        result.update(error.to_result())
        self.fail_json(msg=error.message, **result)

    def run(self, operation):
        """Open the platform client, call operation(client) -> result dict, exit.

        Retries that happened on the way are reported as warnings, so a user
        sees throttling instead of only a slow task.
        """
        client = None
        try:
            with open_client(self.params, redactor=self.redactor) as client:
                for secret in self.redactor.secrets:
                    self.no_log_values.add(secret)
                result = operation(client)
                self._report_warnings(client)
        except WanfleetError as error:
            if client is not None:
                self._report_warnings(client)
            self.fail(error)
        for secret in self.redactor.secrets:  # tokens obtained during the run
            self.no_log_values.add(secret)
        self.exit_json(**result)

    def _report_warnings(self, client):
        for notice in getattr(client, "notices", None) or ():
            self.warn("%s: %s" % (client.platform, notice))
        if client.retries:
            method, path, reason, delay = client.retries[-1]
            self.warn("%s: %d request(s) were retried (last: %s %s, %s, waited %ss)"
                      % (client.platform, len(client.retries), method, path, reason, delay))

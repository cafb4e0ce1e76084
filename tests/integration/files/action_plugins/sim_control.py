# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: drive the simulator's /_sim/ control API from a playbook, on the controller.

An action plugin runs inside the controller's worker, so arming a fault or reading the simulator's
state between two module tasks costs no module process (ansible.builtin.uri would cost one each).

    - sim_control: {url: "{{ sim_url }}", reset: true, faults: [{method: POST, path: "...", status: 503}]}
    - sim_control: {url: "{{ sim_url }}", capture: true, settle: true}
      # -> {"state": GET /_sim/state, "requests": the request log since the last reset}

`settle` first waits until every logged request has been answered (a late answer after a read timeout).
"""

from __future__ import annotations

import json
import time

from ansible.module_utils.urls import open_url
from ansible.plugins.action import ActionBase


def _call(url, method, path, body=None):
    data = None if body is None else json.dumps(body)
    response = open_url(
        url.rstrip("/") + "/_sim/" + path, method=method, data=data, headers={"Content-Type": "application/json"}, timeout=30, validate_certs=False
    )
    return json.loads(response.read().decode("utf-8"))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        url = args["url"]
        if args.get("reset"):
            _call(url, "POST", "reset")
        if args.get("faults"):
            result["faults"] = _call(url, "POST", "faults", list(args["faults"]))["faults"]
        if args.get("capture"):
            deadline = time.time() + 15
            requests = _call(url, "GET", "requests")["requests"]
            while args.get("settle") and time.time() < deadline and any(entry["status"] is None for entry in requests):
                time.sleep(0.05)
                requests = _call(url, "GET", "requests")["requests"]
            result["requests"] = requests
            result["state"] = _call(url, "GET", "state")
        result["changed"] = False
        return result

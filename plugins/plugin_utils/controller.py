# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module of this collection inside the controller's worker, without a module process.

Every module only talks HTTP to a platform API, and in practice runs on the controller
(`ansible_connection: local`). There, a module process is pure overhead: a new Python
interpreter, the AnsiballZ payload, ansible's module_utils and the module's own imports
compiled from source, for every host and every task (bench/bench_task_cost.py). The action
plugin of each module (plugins/action/<module>.py) therefore runs the module file's
operate() in the worker, with the same argument validation, no_log masking, result keys
and messages as the module process (plugins/module_utils/ansible_module.py shares them).
ansible.netcommon offers the same for network modules ("import_modules").

It falls back to running the module as a module whenever the worker is not where the module
process would run, or would run differently: a connection other than local (delegate_to a
jump host, for example), become, async, a task or play `environment` (the module would see
it, the worker does not), the controller's Python without httpx or pydantic, or the host
variable `wanfleet_run_on_controller: false`.
"""

from __future__ import annotations

import importlib
import json

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import (
    SPEC_CONSTRAINTS,
    full_argument_spec,
    perform,
    unsupported_platform,
    validation_message,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import Redactor
from ansible_collections.wanfleet.routers.plugins.module_utils.http import HAS_HTTPX
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interruptible
from ansible_collections.wanfleet.routers.plugins.module_utils.models import HAS_PYDANTIC
from ansible_collections.wanfleet.routers.plugins.plugin_utils.ansible_compat import (
    alias_warnings,
    no_log_values,
    shell_tmpdir,
    task_environment,
)

MODULES = "ansible_collections.wanfleet.routers.plugins.modules."
LOCAL_CONNECTIONS = ("local", "ansible.builtin.local", "ansible.legacy.local")
RUN_ON_CONTROLLER_VAR = "wanfleet_run_on_controller"

display = Display()


class ControllerModule(object):
    """What operate(module, client) uses of a module (params, check_mode, platform, redactor), built
    from the task's arguments with the module's own argument spec."""

    def __init__(self, spec, args, check_mode):
        validator = ArgumentSpecValidator(
            full_argument_spec(spec["argument_spec"], tuple(spec["platforms"])), **dict((key, spec[key]) for key in SPEC_CONSTRAINTS if key in spec)
        )
        validation = validator.validate(args)
        self.params = validation.validated_parameters
        self.validation = validation
        self.no_log_values = no_log_values(validation)
        self.warnings = ["Both option %s and its alias %s are set." % (item["option"], item["alias"]) for item in alias_warnings(validation)]
        self.check_mode = check_mode
        self.reads_only = spec.get("reads_only", False)
        self.platform = self.params.get("platform")
        self.redactor = Redactor(self.no_log_values)


def run_on_controller(name, args, check_mode):
    """The result the module `name` would return for `args`, computed here."""
    code = importlib.import_module(MODULES + name)
    module = ControllerModule(code.SPEC, args, check_mode)
    result = error = None
    if module.validation.error_messages:
        result = {"failed": True, "msg": validation_message(module.validation.errors, name)}
    else:
        error = unsupported_platform(name, module.platform, tuple(code.SPEC["platforms"]))
        if error is None:
            result, error, warnings = perform(module, code.operate)
            module.warnings.extend(warnings)
    if error is not None:
        error.redacted(module.redactor)
        result = dict(error.to_result(), failed=True, msg=error.message)
    result["invocation"] = {"module_args": module.params}
    if module.warnings:
        result["warnings"] = module.warnings
    # As AnsibleModule.exit_json: every no_log value (and every token of the run) masked, with
    # booleans and None kept as they are.
    kept = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
    result = remove_values(result, module.no_log_values | module.redactor.secrets)
    result.update(kept)
    return result


class ControllerAction(ActionBase):
    """The action plugin of every module of the collection (see the module docstring)."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ControllerAction, self).run(tmp, task_vars)
        args = self._plain_args()
        reason = self._reason_for_a_module_process(task_vars or {}, args)
        if reason:
            display.vvv("wanfleet.routers: running %s as a module process: %s" % (self._task.resolved_action, reason))
            wrap_async = self._task.async_val and not self._connection.has_native_async
            result.update(self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(shell_tmpdir(self._connection))
            return result
        name = self._task.resolved_action.split(".")[-1]
        result.update(run_on_controller(name, args, bool(self._task.check_mode)))
        if Interruptible.last is not None:
            # The main process is going away (it sent us the signal) and reads no result: say what happened
            # through Display (shown while ansible-playbook still runs, after Ctrl-C), then end as
            # ansible-core ends an interrupted worker.
            display.error("wanfleet.routers.%s: %s" % (name, result.get("msg", "interrupted after the task's work was done")))
            Interruptible.resend_last()
        return result

    def _plain_args(self):
        """The task's arguments as the module process would receive them: plain JSON types (no data
        tags); None when they are not JSON (the module path then handles them)."""
        try:
            return json.loads(json.dumps(dict(self._task.args)))
        except (TypeError, ValueError):
            return None

    def _reason_for_a_module_process(self, task_vars, args):
        """Why this task must run as a module process, or None when it can run here."""
        if not boolean(self._templar.template(task_vars.get(RUN_ON_CONTROLLER_VAR, True)), strict=False):
            return "%s is false" % RUN_ON_CONTROLLER_VAR
        if not (HAS_HTTPX and HAS_PYDANTIC):
            return "the controller's Python lacks httpx or pydantic"
        if self._connection.transport not in LOCAL_CONNECTIONS:
            return "the connection is %s, not local" % self._connection.transport
        if self._play_context.become:
            return "become is set"
        if self._task.async_val:
            return "async is set"
        environment = task_environment(self)
        if environment:
            return "the task has an environment (%s)" % ", ".join(sorted(environment))
        if args is None:
            return "the arguments are not plain JSON"
        return None

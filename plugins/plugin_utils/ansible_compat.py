# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every use of an ansible-core API that is private or differs between the supported cores (2.16 to 2.19).

Nothing else in the collection touches these (tests/unit/plugins/plugin_utils/test_ansible_compat.py
refuses a private ansible-core import or attribute anywhere else): when a core release changes one of
them, this file is the one to fix. Each shim says which cores need it and why.
"""

from __future__ import annotations

import re
from typing import Any

from ansible.release import __version__ as ANSIBLE_CORE_VERSION

CORE_VERSION = tuple(int(part) for part in re.findall(r"\d+", ANSIBLE_CORE_VERSION)[:2])

# 2.19 (data tagging): a string a plugin hands to the templar is untrusted unless marked, so the inventory's
# interpreter template "{{ ansible_playbook_python }}" must be marked. 2.16-2.18 template every plain string
# and have no trust_as_template.
try:
    from ansible.template import trust_as_template  # pylint: disable=unused-import  # re-exported
except ImportError:

    def trust_as_template(value: Any) -> Any:
        return value


if CORE_VERSION < (2, 19):
    # 2.16-2.18: before data tagging, strings from an API must be wrapped or a device named
    # "{{ lookup('pipe', ...) }}" would be templated on the controller. Only strings that could be templates are
    # wrapped, as community.general does: a wrapped value shows as {"__ansible_unsafe": ...} in
    # ansible-inventory's JSON, which older AWX stores verbatim.
    from ansible.utils.unsafe_proxy import wrap_var as _wrap_var

    _TEMPLATE_CHARS = re.compile(r"[{}%#]")

    def make_unsafe(value: Any) -> Any:
        if isinstance(value, str):
            return _wrap_var(value) if _TEMPLATE_CHARS.search(value) else value
        if isinstance(value, list):
            return [make_unsafe(item) for item in value]
        if isinstance(value, dict):
            return dict((key, make_unsafe(item)) for key, item in value.items())
        return value
else:

    def make_unsafe(value: Any) -> Any:  # 2.19 marks everything an inventory plugin sets as untrusted
        return value


def no_log_values(validation: Any) -> set:
    """The no_log values an ArgumentSpecValidator result found (option values and no_log sub-options).

    2.16-2.19: ValidationResult keeps them in the private `_no_log_values` and has no public accessor;
    AnsibleModule reads the same attribute.
    """
    return set(validation._no_log_values)  # pylint: disable=protected-access


def alias_warnings(validation: Any) -> list:
    """[{"option", "alias"}] of the options a task set under both their name and an alias.

    2.16-2.19: ValidationResult keeps them in the private `_warnings`; AnsibleModule reads the same attribute
    to warn "Both option X and its alias Y are set."
    """
    return list(validation._warnings)  # pylint: disable=protected-access


def task_environment(action: Any) -> dict:
    """The task's and play's `environment`, as the module process would see it, for an action plugin.

    2.16-2.19: only ActionBase._compute_environment_string computes it, and only hands the raw mapping out
    through its `raw_environment_out` argument.
    """
    environment: dict = {}
    action._compute_environment_string(raw_environment_out=environment)  # pylint: disable=protected-access
    return environment


def shell_tmpdir(connection: Any) -> Any:
    """The remote temporary directory _execute_module made (None when it made none).

    2.16-2.19: the connection's shell plugin holds it in the private `_shell.tmpdir`; ansible-core's own
    action plugins (ansible.builtin.command...) remove it through the same attribute after _execute_module.
    """
    return connection._shell.tmpdir  # pylint: disable=protected-access

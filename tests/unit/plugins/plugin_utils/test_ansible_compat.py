# -*- coding: utf-8 -*-
"""Private or version-dependent ansible-core APIs are used in plugins/plugin_utils/ansible_compat.py only.

A private ansible-core API is: a module of ansible-core with a private part in its name
(ansible._internal, ansible.module_utils._internal...) or one of INTERNAL_MODULES; a private name
imported from ansible-core; or an underscore attribute that ansible-core defines and this collection
does not, read from anything but `self` (validation._no_log_values, connection._shell...) or from
`self` outside the protected API that ansible-core's plugin base classes offer their subclasses
(SUBCLASS_API).
"""

from __future__ import annotations

import ast
import os
import re

import ansible
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
PLUGINS = os.path.join(ROOT, "plugins")
COMPAT = os.path.join(PLUGINS, "plugin_utils", "ansible_compat.py")
# Modules whose API is internal to ansible-core or changed between 2.16 and 2.19.
INTERNAL_MODULES = ("ansible.executor", "ansible.template", "ansible.utils.unsafe_proxy", "ansible.release")
# What ansible-core's docs on action and inventory plugins have subclasses use (and ansible-core's own plugins do),
# and AnsibleModule's `_name` (the module's name as the task called it), which modules read in every core since 2.0;
# module_utils code runs in the module process, where plugin_utils (and so ansible_compat.py) is not shipped.
SUBCLASS_API = frozenset(
    (
        "_task",
        "_connection",
        "_play_context",
        "_templar",
        "_loader",
        "_shared_loader_obj",
        "_execute_module",
        "_remove_tmp_path",
        "_supports_check_mode",
        "_supports_async",
        "_cache",
        "_read_config_data",
        "_vars",
        "_set_composite_vars",
        "_add_host_to_composed_groups",
        "_add_host_to_keyed_groups",
        "_options",
        "_name",
    )
)
_DEFINED = re.compile(r"^\s*def (_[A-Za-z]\w*)|self\.(_[A-Za-z]\w*)\s*=[^=]|^\s+(_[A-Za-z]\w*)\s*[:=][^=]", re.M)


def python_files(top):
    for folder, _dirs, files in os.walk(top):
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def defined_names(top):
    """The underscore names defined (def, attribute or class attribute) under `top`."""
    names = set()
    for path in python_files(top):
        with open(path, encoding="utf-8", errors="replace") as handle:
            names.update(name for match in _DEFINED.findall(handle.read()) for name in match if name)
    return names


@pytest.fixture(scope="module")
def core_private_names():
    """Underscore names ansible-core defines that this collection does not (its own private names are its business)."""
    return defined_names(os.path.dirname(ansible.__file__)) - defined_names(PLUGINS)


def private_uses(source, core_private):
    """(line, what) of each private ansible-core API `source` uses."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Attribute) and node.attr in core_private:
            on_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not (on_self and node.attr in SUBCLASS_API):
                found.append((node.lineno, "." + node.attr))
            continue
        else:
            continue
        for module, name in modules:
            if module != "ansible" and not module.startswith("ansible."):
                continue
            private_part = any(part.startswith("_") for part in module.split("."))
            internal = any(module == known or module.startswith(known + ".") for known in INTERNAL_MODULES)
            if private_part or internal or (name or "").startswith("_"):
                found.append((node.lineno, "%s%s" % (module, " import " + name if name else "")))
    return found


def test_plugins_use_private_ansible_core_apis_only_through_the_compat_module(core_private_names):
    offenders = []
    for path in python_files(PLUGINS):
        if path == COMPAT:
            continue
        with open(path, encoding="utf-8") as handle:
            offenders += ["%s:%d %s" % (os.path.relpath(path, ROOT), line, what) for line, what in private_uses(handle.read(), core_private_names)]
    assert offenders == []


def test_the_compat_module_holds_what_the_check_refuses(core_private_names):
    """The check finds what ansible_compat.py does (so it would find it anywhere else)."""
    with open(COMPAT, encoding="utf-8") as handle:
        found = set(what for _line, what in private_uses(handle.read(), core_private_names))
    assert {
        "._no_log_values",
        "._warnings",
        "._shell",
        "._compute_environment_string",
        "ansible.release import __version__",
        "ansible.template import trust_as_template",
        "ansible.utils.unsafe_proxy import wrap_var",
    } <= found


@pytest.mark.parametrize(
    "source",
    [
        "from ansible.module_utils._internal import _traceback\n",
        "import ansible._internal._templating\n",
        "from ansible.executor.task_result import TaskResult\n",
        "from ansible.utils.display import _DeferredWarningContext\n",
        "def run(validation):\n    return validation._no_log_values\n",
        "class A:\n    def run(self):\n        return self._compute_environment_string()\n",
    ],
)
def test_the_check_refuses_each_kind_of_private_use(source, core_private_names):
    assert private_uses(source, core_private_names)


@pytest.mark.parametrize(
    "source",
    [
        "from ansible.plugins.action import ActionBase\n",
        "from ansible.module_utils.common.arg_spec import ArgumentSpecValidator\n",
        "class A:\n    def run(self):\n        return self._execute_module(task_vars={})\n",
        "from ansible_collections.wanfleet.routers.plugins.module_utils._ncm import client\n",
    ],
)
def test_the_check_lets_public_and_subclass_apis_pass(source, core_private_names):
    assert private_uses(source, core_private_names) == []


def test_validation_shims_read_what_ansible_module_reads():
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    from ansible_collections.wanfleet.routers.plugins.plugin_utils.ansible_compat import alias_warnings, no_log_values

    spec = {"password": {"type": "str", "no_log": True}, "name": {"type": "str", "aliases": ["label"]}}
    validation = ArgumentSpecValidator(spec).validate({"password": "pw-Compat-1", "name": "a", "label": "b"})
    assert no_log_values(validation) == {"pw-Compat-1"}
    assert alias_warnings(validation) == [{"option": "name", "alias": "label"}]

"""The public functions of the shared module_utils carry type hints, and the hints name things that exist."""

from __future__ import annotations

import importlib
import inspect
import typing

import pytest

HINTED = ("checks", "clients", "connection", "errors", "models", "resource")

HINTED += ("config_backup", "firmware", "reboot", "waiting")  # the modules' work and the one poll loop


def public_functions(name):
    """(qualified name, function) for the public functions of a module_utils file and the methods of its classes."""
    module = importlib.import_module("ansible_collections.wanfleet.routers.plugins.module_utils.%s" % name)
    for attribute, value in vars(module).items():
        if attribute.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            yield attribute, inspect.unwrap(value)
        elif inspect.isclass(value):
            for method_name, method in vars(value).items():
                method = method.fget if isinstance(method, property) else method
                if inspect.isfunction(method) and (not method_name.startswith("_") or method_name == "__init__"):
                    yield "%s.%s" % (attribute, method_name), method


@pytest.mark.parametrize("name", HINTED)
def test_every_public_function_has_hints_for_its_arguments_and_result(name):
    unhinted = []
    for qualified, function in public_functions(name):
        hints = typing.get_type_hints(function)  # fails on a hint naming nothing
        arguments = [parameter for parameter in inspect.signature(function).parameters if parameter != "self"]
        missing = [argument for argument in arguments if argument not in hints] + (["return"] if "return" not in hints else [])
        if missing:
            unhinted.append("%s: %s" % (qualified, ", ".join(missing)))
    assert not unhinted, unhinted

"""perform(): a platform answer of a shape the client does not expect is a typed error with its traceback."""

from __future__ import annotations

import contextlib

from ansible_collections.wanfleet.routers.plugins.module_utils import ansible_module
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import MalformedResponseError, Redactor
from ansible_collections.wanfleet.routers.plugins.module_utils.http import ApiClient, HttpSession

SECRET = "Malformed-secret-77"


class Module(object):
    params = {"platform": "ncm"}
    check_mode = False
    redactor = Redactor([SECRET])


def test_an_unreadable_answer_is_a_typed_error_keeping_where_it_failed(monkeypatch):
    session = HttpSession(timeout=5)
    client = ApiClient("https://api.example.test/api/v2", session, redactor=Module.redactor)
    client.platform = "ncm"
    client.last_request = ("GET", "https://api.example.test/api/v2/routers/")

    @contextlib.contextmanager
    def open_client(params, redactor):
        yield client

    def operate(module, client):
        return {"name": ["a list where a name was expected", SECRET]}["name"].lower()

    monkeypatch.setattr(ansible_module, "open_client", open_client)
    result, error, warnings = ansible_module.perform(Module(), operate)
    session.close()
    assert result is None and warnings == [] and isinstance(error, MalformedResponseError)
    assert error.message.startswith("ncm: GET /routers/ answered something the collection cannot read (AttributeError")
    details = error.to_result()
    assert details["error_kind"] == "malformed" and "in operate" in details["exception"]
    assert SECRET not in details["exception"] and SECRET not in error.message

# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError


@pytest.mark.parametrize(
    "value",
    [
        None,
        "12345678",
        "x" * 63,
        "a b c d e f",
        "~!@#$%^&*()",
        "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789",  # 64 hex digits: a raw key
    ],
)
def test_passphrases_accepted(value):
    check_passphrase(value, "incontrol")


@pytest.mark.parametrize(
    "value, length",
    [
        ("", 0),
        ("1234567", 7),
        ("x" * 64, 64),
        ("g" * 64, 64),
        ("x" * 65, 65),
        ("pass\u00e9word", 9),
        ("tab\there!", 9),
        ("new\nline!", 9),
    ],
)
def test_passphrases_refused_without_showing_the_value(value, length):
    with pytest.raises(InputError) as caught:
        check_passphrase(value, "telecomx", "wifi.password_5g")
    message = str(caught.value)
    assert message == ("telecomx: wifi.password_5g must be 8 to 63 printable ASCII characters or 64 hexadecimal digits (it has %d characters)" % length)
    assert caught.value.platform == "telecomx"

"""How an answer's JSON is read: as JavaScript's JSON.parse (the official CLI's reader) reads it."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from pspace_py.api.decode import decode
from pspace_py.api.errors import InvalidResponseError


def read(body: bytes, content_type: str = "application/json") -> Any:
    response = httpx.Response(200, content=body, headers={"content-type": content_type})
    return decode(response, body, "GET", "/machines/ps1")


def test_an_object_is_read_with_its_keys_in_order() -> None:
    assert list(read(b'{"b": 1, "a": [true, null, "\\u00e9"]}').items()) == [
        ("b", 1),
        ("a", [True, None, "é"]),
    ]


@pytest.mark.parametrize("body", [b'{"n": NaN}', b'{"n": Infinity}', b'{"n": -Infinity}', b"{"])
def test_what_is_not_json_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidResponseError, match="not JSON"):
        read(body)


def test_a_number_too_large_for_a_double_is_infinity() -> None:
    # JSON allows 1e999; JSON.parse gives Infinity (written back as null).
    assert read(b'{"n": 1e999, "m": -1e999}') == {"n": math.inf, "m": -math.inf}


def test_an_integer_beyond_64_bits_is_read_as_a_double_as_json_parse_reads_it() -> None:
    [number] = read(b"[123456789012345678901234567890]")
    assert number == 1.2345678901234568e29


def test_64_bit_integers_are_exact() -> None:
    assert read(b"[18446744073709551615, -9223372036854775808]") == [2**64 - 1, -(2**63)]


def test_a_lone_surrogate_escape_is_kept() -> None:
    assert read(b'{"name": "x\\ud800y"}') == {"name": "x\ud800y"}


def test_utf16_json_is_still_json() -> None:
    assert read('{"name": "é"}'.encode("utf-16")) == {"name": "é"}


def test_a_duplicate_key_keeps_the_last_value() -> None:
    assert read(b'{"a": 1, "a": 2}') == {"a": 2}

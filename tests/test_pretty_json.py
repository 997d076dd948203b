"""JSON on stdout: 2-space indented as json.dumps(indent=2, ensure_ascii=False) lays it out,
numbers spelled as JavaScript's JSON.stringify spells them, always valid JSON."""

from __future__ import annotations

import io
import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pspace_py.output import Output
from pspace_py.output.pretty_json import encode, write_page, write_value

# Floats from 1e-4 up are spelled alike by Python's repr and by JSON.stringify (for integral
# values below 1e16 Python keeps '.0', as the API's own JSON text has it); smaller ones have
# their own test below.
same_spelling_floats = st.floats(allow_nan=True, allow_infinity=True).filter(
    lambda x: not math.isfinite(x) or x == 0 or abs(x) >= 1e-4
)
scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text()


def json_values(floats: st.SearchStrategy[float] = same_spelling_floats) -> Any:
    return st.recursive(
        scalars | floats,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=25,
    )


# What a terminal would act on: DEL and the C1 controls, written as \u escapes instead.
TERMINAL_SAFE = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def finite(value: Any) -> Any:
    """``value`` with NaN and the infinities as None: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return type(value)((key, finite(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def reference(value: Any, indent: str = "") -> str:
    """json.dumps, but NaN and infinities are null, as JSON.stringify (the official CLI)."""
    text = json.dumps(finite(value), indent=2, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + indent).translate(TERMINAL_SAFE)


def strict_json(text: str | bytes) -> Any:
    """Parse as JSON is (RFC 8259): NaN, Infinity and -Infinity are refused."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def shown(value: Any) -> str:
    stdout = io.StringIO()
    Output(json_mode=True, stdout=stdout).json(value)
    return stdout.getvalue()


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_written_as_null_so_the_output_is_json(number: float) -> None:
    assert strict_json(shown({"hourly": number, "tuple": (number,)})) == {
        "hourly": None,
        "tuple": [None],
    }


@pytest.mark.parametrize("number", [math.nan, math.inf])
def test_nan_is_null_on_the_fallback_path_too(number: float) -> None:
    # A key that is not a string is encoded the standard library's way; NaN stays null there.
    assert strict_json(shown({1: number, "big": 10**30})) == {"1": None, "big": 10**30}


@given(json_values(), st.sampled_from(["", "  ", "    "]))
def test_laid_out_as_the_standard_library_does(value: Any, indent: str) -> None:
    assert encode(value, indent.encode()).decode() == reference(value, indent)


@given(json_values(st.floats()))
def test_every_float_reads_back_as_itself(value: Any) -> None:
    assert strict_json(encode(value)) == finite(value)


@pytest.mark.parametrize(
    ("number", "spelled"),
    [
        # As node's JSON.stringify writes them (checked with node 18)...
        (1e-5, "0.00001"),
        (2.5e-5, "0.000025"),
        (1e-7, "1e-7"),
        (5e-324, "5e-324"),
        (1e21, "1e+21"),
        # ...and where it does not: it writes 0.000001, 10000000000000000 and 1.
        (1e-6, "1e-6"),
        (1e16, "1e+16"),
        (1.0, "1.0"),
    ],
)
def test_how_floats_are_spelled(number: float, spelled: str) -> None:
    assert shown([number]) == f"[\n  {spelled}\n]\n"


@pytest.mark.parametrize(
    "value",
    [
        {"t": (1, 2)},  # tuples are arrays
        {1: "int key", False: "bool key", None: "none key", 2.5: "float key"},
        OrderedDict(b=1, a=2),
        {"big": 10**30, "neg": -0.0, "nan": math.nan, "é": 'ü\u2028\x00"\\'},
        [True, False, None, [], {}, [[]], [{}]],
        {"deep": json.loads("[" * 300 + "]" * 300)},  # deeper than orjson goes
    ],
)
def test_anything_unusual_is_laid_out_the_same(value: Any) -> None:
    assert encode(value, b"  ").decode() == reference(value, "  ")


def test_del_and_c1_controls_are_escaped_for_the_terminal() -> None:
    text = shown({"name": "a\x7fb\x9bc\x80d\xa0e©"})
    assert text == '{\n  "name": "a\\u007fb\\u009bc\\u0080d\xa0e©"\n}\n'
    assert strict_json(text) == {"name": "a\x7fb\x9bc\x80d\xa0e©"}


def test_a_lone_surrogate_is_written_as_its_escape_as_json_stringify_writes_it() -> None:
    # JSON can carry "\ud800" (the API's answer is read with it); UTF-8 cannot.
    value = json.loads('{"name": "x\\ud800y"}')
    text = shown(value)
    assert text == '{\n  "name": "x\\ud800y"\n}\n'
    assert strict_json(text) == value


def test_what_json_cannot_encode_fails_as_json_does() -> None:
    with pytest.raises(TypeError):
        encode({"when": object()})
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular"):
        encode(circular)


def test_written_as_utf8_whatever_the_stream_encoding() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="latin-1")
    stream.write("before\n")
    write_value(stream, {"name": "ünïcødé ☃"})
    stream.write("after\n")
    stream.flush()
    assert raw.getvalue() == ('before\n{\n  "name": "ünïcødé ☃"\n}\nafter\n').encode()


@pytest.mark.slow
@given(st.lists(st.dictionaries(st.text(max_size=6), json_values(), max_size=5), max_size=5))
def test_a_streamed_list_is_the_whole_list_dumped(items: list[dict[str, Any]]) -> None:
    stdout = io.StringIO()
    count = Output(json_mode=True, stdout=stdout).json_items(iter(items))
    assert count == len(items)
    assert stdout.getvalue() == reference(items) + "\n"


@pytest.mark.slow
@given(
    st.lists(st.dictionaries(st.text(max_size=6), json_values(), max_size=5), max_size=5),
    st.booleans(),
    st.none() | st.text(max_size=8),
    st.permutations(["hasMore", "items", "nextPage"]),
)
def test_a_streamed_page_is_the_whole_envelope_dumped(
    items: list[dict[str, Any]], has_more: bool, next_page: str | None, keys: list[str]
) -> None:
    stdout = io.StringIO()
    envelope = {"hasMore": has_more, "items": items, "nextPage": next_page}
    count = write_page(stdout, iter(items), has_more=has_more, next_page=next_page, keys=keys)
    assert count == len(items)
    assert stdout.getvalue() == reference({key: envelope[key] for key in keys}) + "\n"


class CountingRaw(io.RawIOBase):
    """What stdout's buffer is under PYTHONUNBUFFERED: every write is a system call."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.calls = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.calls += 1
        self.data += data
        return len(data)


def test_a_long_list_is_written_in_blocks_even_to_an_unbuffered_stdout() -> None:
    raw = CountingRaw()
    # TextIOWrapper over a raw stream with write_through: what python -u gives as sys.stdout.
    stdout = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)  # type: ignore[arg-type]
    items = [{"id": f"ps{n:06d}", "name": "x" * 100} for n in range(5000)]

    count = write_page(stdout, iter(items), has_more=False, next_page=None)

    assert count == 5000
    assert json.loads(bytes(raw.data)) == {"hasMore": False, "items": items, "nextPage": None}
    assert len(raw.data) > 500_000
    assert raw.calls <= len(raw.data) // 32_000 + 2  # blocks of tens of kilobytes, not items


def test_what_was_encoded_is_written_when_the_items_fail_midway() -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")

    def items() -> Any:
        yield {"n": 1}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_page(stdout, items(), has_more=False, next_page=None)
    assert raw.getvalue() == b'{\n  "hasMore": false,\n  "items": [\n    {\n      "n": 1\n    }'

"""The indented-JSON encoder writes exactly what json.dumps(indent=2, ensure_ascii=False) does."""

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
from pspace_py.output.pretty_json import TERMINAL_SAFE, dumps_indented, write_page

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


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
    return text.replace("\n", "\n" + indent)


def strict_json(text: str) -> Any:
    """Parse as JSON is (RFC 8259): NaN, Infinity and -Infinity are refused."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_written_as_null_so_the_output_is_json(number: float) -> None:
    stdout = io.StringIO()
    Output(json_mode=True, stdout=stdout).json({"hourly": number, "tuple": (number,)})
    assert strict_json(stdout.getvalue()) == {"hourly": None, "tuple": [None]}


@given(json_values, st.sampled_from(["", "  ", "    "]))
def test_same_text_as_the_standard_library(value: Any, indent: str) -> None:
    assert dumps_indented(value, indent) == reference(value, indent)


@pytest.mark.parametrize(
    "value",
    [
        {"t": (1, 2)},  # tuples are arrays
        {1: "int key", False: "bool key", None: "none key", 2.5: "float key"},
        OrderedDict(b=1, a=2),
        {"big": 10**30, "neg": -0.0, "nan": math.nan, "é": 'ü\u2028\x00"\\'},
        [True, False, None, [], {}, [[]], [{}]],
    ],
)
def test_anything_unusual_matches_too(value: Any) -> None:
    assert dumps_indented(value, "  ") == reference(value, "  ")


def test_what_json_cannot_encode_fails_as_json_does() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"when": object()})
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular"):
        dumps_indented(circular)


@given(st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=5), max_size=5))
def test_a_streamed_list_is_the_whole_list_dumped(items: list[dict[str, Any]]) -> None:
    stdout = io.StringIO()
    count = Output(json_mode=True, stdout=stdout).json_items(iter(items))
    assert count == len(items)
    # The same text as json.dumps, but for DEL and C1 controls, which are \u-escaped.
    expected = reference(items).translate(TERMINAL_SAFE)
    assert stdout.getvalue() == expected + "\n"


@given(
    st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=5), max_size=5),
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
    expected = reference({key: envelope[key] for key in keys})
    assert stdout.getvalue() == expected.translate(TERMINAL_SAFE) + "\n"

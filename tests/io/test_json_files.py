"""The JSON reader's limits: how deep a document nests and how long a number is, told apart
from what the document's strings hold."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.errors import InputError
from planner.io.json_files import MAX_DEPTH, MAX_NUMBER_DIGITS, parse_json_bytes


def nesting(value: Any) -> int:
    """How deep lists and objects nest, counted on the parsed value."""
    if isinstance(value, dict):
        return 1 + max(map(nesting, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(nesting, value), default=0)
    return 0


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def test_a_document_as_deep_as_the_limit_is_read_one_deeper_is_refused() -> None:
    assert nesting(parse_json_bytes(nested(MAX_DEPTH).encode(), "doc.json")) == MAX_DEPTH
    with pytest.raises(InputError, match=rf"^doc\.json: nested more than {MAX_DEPTH} levels deep$"):
        parse_json_bytes(nested(MAX_DEPTH + 1).encode(), "doc.json")


@pytest.mark.parametrize("text", [
    '"' + "]" * 60 + '"',  # closing brackets in a string do not hide the depth that follows
    '"\\\\"',  # an escaped backslash ends the string at the next quote
    '"\\"]]]]]]]]"',  # an escaped quote does not end it
    '"\\\\\\"]]]"',  # an escaped backslash, then an escaped quote
    '"é]]]]"',  # other characters (more than one byte each)
])
def test_brackets_in_strings_are_not_the_documents(text: str) -> None:
    doc = "[" * 40 + text + "," + nested(MAX_DEPTH - 40 + 1) + "]" * 40
    assert nesting(json.loads(doc)) == MAX_DEPTH + 1
    with pytest.raises(InputError, match="nested more than"):
        parse_json_bytes(doc.encode(), "doc.json")
    shallow = "[" + text + "," + '"' + "[" * 120 + '"' + "]"
    assert parse_json_bytes(shallow.encode(), "doc.json") == json.loads(shallow)


TEXTS = st.text(alphabet=st.sampled_from(list('[]{}"\\/,:é 1a\n')), max_size=12)
VALUES = st.recursive(
    st.one_of(TEXTS, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXTS, inner, max_size=4)),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.booleans())
def test_any_document_within_the_limit_reads_as_json_reads_it(value: Any, ascii_only: bool) -> None:
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert nesting(value) <= MAX_DEPTH
    assert parse_json_bytes(data, "doc.json") == json.loads(data)


@settings(max_examples=100, deadline=None)
@given(VALUES, st.integers(min_value=1, max_value=8))
def test_any_document_past_the_limit_is_refused(value: Any, extra: int) -> None:
    depth = MAX_DEPTH - nesting(value) + extra  # wrapped in this many lists: past the limit
    data = ("[" * depth + json.dumps(value) + "]" * depth).encode()
    with pytest.raises(InputError, match="nested more than"):
        parse_json_bytes(data, "doc.json")


def test_a_number_longer_than_the_limit_is_refused_not_a_string_of_digits() -> None:
    digits = "7" * MAX_NUMBER_DIGITS
    assert parse_json_bytes(f'{{"n": {digits}, "f": 0.{digits}}}'.encode(), "doc.json")["n"] == int(digits)
    for number in ("7" + digits, f"-{digits}7", f"1.{digits}7", f"2e{digits}7"):
        with pytest.raises(InputError, match=rf"^doc\.json: a number with more than {MAX_NUMBER_DIGITS} digits \(starting 7"):
            parse_json_bytes(f'{{"n": {number}}}'.encode(), "doc.json")
    long_text = "7" * (5 * MAX_NUMBER_DIGITS)
    assert parse_json_bytes(f'{{"id": "{long_text}"}}'.encode(), "doc.json") == {"id": long_text}

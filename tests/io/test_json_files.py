"""The JSON reader's limits: how deep a document nests and how long a number is, told apart
from what the document's strings hold."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.errors import InputError
from planner.io.json_files import (
    _NOT_QUICKLY,
    MAX_DEPTH,
    MAX_NUMBER_DIGITS,
    _parsed_quickly,
    parse_json_bytes,
)


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


# -- the quick parser (pydantic-core's) gives what json's gives, or leaves the document to it --

NUMBERS = st.builds(
    lambda sign, whole, frac, exp: f"{sign}{whole}{frac}{exp}",
    st.sampled_from(["", "-"]),
    st.from_regex(r"0|[1-9][0-9]{0,40}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,40}", fullmatch=True)),
    st.one_of(st.just(""), st.from_regex(r"[eE][+-]?[0-9]{1,3}", fullmatch=True)),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(NUMBERS, min_size=1, max_size=8))
def test_numbers_read_as_json_reads_them(numbers: list[str]) -> None:
    """Every float correctly rounded alike, long mantissas and huge or tiny exponents too
    (1e400 is infinite in both, 1e-400 zero), every integer exact."""
    doc = ("[" + ",".join(numbers) + "]").encode()
    assert quick(doc) == json.loads(doc)


PIECES = st.sampled_from(['{', '}', '[', ']', ',', ':', '"', '"a"', '1', '-', '.', 'e', '0', '1.5', 'true', 'null',
                          'NaN', '-Infinity', '\\', '\\u', 'd800', '\\ud800', '\\n', '\x01', ' ', '\n', 'é', '\ufeff'])


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=20))
def test_a_document_the_quick_parser_reads_json_reads_the_same(pieces: list[str]) -> None:
    """On anything, valid or not: where the quick parser gives a value, json's gives the same
    one; where json's refuses, the quick one has left the document to it (so every refusal
    is json's, with its message)."""
    data = "".join(pieces).encode("utf-8", "surrogatepass")
    value = _parsed_quickly(data)
    try:
        expected = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        assert value is _NOT_QUICKLY
        return
    if value is not _NOT_QUICKLY:
        assert repr(value) == repr(expected)  # (repr: NaN is not equal to itself)


def test_what_the_quick_parser_leaves_to_json() -> None:
    """A lone surrogate escape, a raw control character, a trailing comma: json's parser
    decides, as before (the first is text to it, the others are refused with its message)."""
    assert _parsed_quickly(b'["\\ud800"]') is _NOT_QUICKLY
    assert parse_json_bytes(b'["\\ud800"]', "doc.json") == ["\ud800"]
    with pytest.raises(InputError, match=r"^doc\.json: not valid JSON \(line 1, column 4: Invalid control character"):
        parse_json_bytes(b'["a\x01b"]', "doc.json")
    with pytest.raises(InputError, match=r"^doc\.json: not valid JSON \(line 1, column 4"):
        parse_json_bytes(b"[1,]", "doc.json")
    assert parse_json_bytes(b'\xef\xbb\xbf{"a": 1}', "doc.json") == {"a": 1}


def quick(data: bytes) -> Any:
    value = _parsed_quickly(data)
    assert value is not _NOT_QUICKLY, data
    return value

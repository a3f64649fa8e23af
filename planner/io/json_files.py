"""Reading JSON: the one reader for catalog, overlay, plan and import files, and the parser
for downloaded documents. Every failure is one InputError naming the file (or URL).

Limits, so that no file can exhaust memory or the stack, or hand the program a number it
cannot use: the size (MAX_JSON_BYTES unless the caller gives its own), the nesting depth
(MAX_DEPTH) and the length of a number (MAX_NUMBER_DIGITS). A number too large for a float
(1e400), like the NaN and Infinity that some writers produce, is read as a non-finite float,
which every field that takes a number refuses by name: the entry holding it is the one
left out, not the whole file. Text is UTF-8, with or without a byte-order mark.

A document is read by pydantic-core's parser where it can (the same values in about two
thirds of the time) and by json's everywhere else (see _parsed_quickly).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from pathlib import Path
from typing import Any

from pydantic_core import from_json

from planner.domain.errors import InputError

#: Largest file read when the caller sets no limit of its own.
MAX_JSON_BYTES = 64 * 1024 * 1024
#: Deepest nesting of lists and objects read (catalogs, plans and price lists need < 10).
MAX_DEPTH = 64
#: Most digits in one number (a price or a token count needs a few dozen at most; longer
#: numbers up to this are read, and refused by the field that takes them).
MAX_NUMBER_DIGITS = 1000

_BOM = b"\xef\xbb\xbf"
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_NUMBER_DIGITS + 1},}}")
#: every byte but the brackets and the quotes (a UTF-8 sequence never holds an ASCII byte)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\x02\x02")
_STEPS = {1: 1, 2: -1}


class _LongNumber(Exception):
    """A number with more than MAX_NUMBER_DIGITS digits in a row (its digits)."""


def _number(convert: Any) -> Any:
    def read(text: str) -> Any:
        if len(text) > MAX_NUMBER_DIGITS and (m := _LONG_NUMBER.search(text)) is not None:
            raise _LongNumber(m.group())
        return convert(text)
    return read


#: JSON's own parser, handed each number's text to check its length before reading it
_DECODER = json.JSONDecoder(parse_int=_number(int), parse_float=_number(float))


def read_bytes(path: Path, limit: int) -> bytes:
    """A user file's bytes; InputError naming it when it is missing, a folder, unreadable or
    over `limit` bytes (refused before it is read)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        if (size := path.stat().st_size) > limit:
            raise InputError(f"{path}: file is {byte_size(size)}, over the {byte_size(limit)} limit")
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > limit:  # grew since stat
        raise InputError(f"{path}: file is over the {byte_size(limit)} limit")
    return data


def read_text(path: Path, limit: int) -> str:
    """A user text file (CSV, usage exports) as UTF-8, with or without a byte-order mark."""
    return _decode(read_bytes(path, limit), str(path))


def read_json(path: Path, max_bytes: int | None = None) -> Any:
    """Parse a JSON file (UTF-8, with or without a byte-order mark). A file over `max_bytes`
    (MAX_JSON_BYTES by default) is refused before it is read."""
    return parse_json_bytes(read_bytes(path, MAX_JSON_BYTES if max_bytes is None else max_bytes), str(path))


def parse_json_bytes(data: bytes, source: str) -> Any:
    """Parse a JSON document; `source` (a file name or URL) starts every error message."""
    value = _parsed_quickly(data)
    if value is _NOT_QUICKLY:
        value = _parse_text(_decode(data, source), source)
    if _depth(data) > MAX_DEPTH:
        raise InputError(f"{source}: nested more than {MAX_DEPTH} levels deep")
    return value


#: (no value: the document is left to json's parser)
_NOT_QUICKLY = object()
#: each digit as "0", every other byte as a space: a run of digits longer than
#: MAX_NUMBER_DIGITS is then a run of that many "0"s
_DIGITS_AS_ZEROS = bytes(ord("0") if b in b"0123456789" else ord(" ") for b in range(256))
_LONG_RUN = b"0" * (MAX_NUMBER_DIGITS + 1)


def _parsed_quickly(data: bytes) -> Any:
    """pydantic-core's JSON parser reads a document in two thirds of json's time and gives
    the same values (the same floats, ints, strings, duplicate keys resolved alike; a
    suite of tests compares them). It is used where it reads the document and no run of
    digits anywhere is longer than MAX_NUMBER_DIGITS; everything else (every document it
    refuses, any long number, a UTF-16 file) is left to json's parser, whose checks and
    messages the user sees."""
    if _looks_like_utf16(data):
        return _NOT_QUICKLY
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if _LONG_RUN in data.translate(_DIGITS_AS_ZEROS):
        return _NOT_QUICKLY
    try:
        return from_json(data, allow_inf_nan=True)
    except ValueError:
        return _NOT_QUICKLY


def _parse_text(text: str, source: str) -> Any:
    try:
        return _DECODER.decode(text)
    except _LongNumber as e:
        raise InputError(
            f"{source}: a number with more than {MAX_NUMBER_DIGITS} digits "
            f"(starting {str(e)[:12]}…); no price or count is that long"
        ) from None
    except json.JSONDecodeError as e:
        raise InputError(f"{source}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise InputError(f"{source}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as e:  # an integer over the interpreter's digit limit
        raise InputError(f"{source}: a number is too long to read ({_first_line(e)})") from None


def _looks_like_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or NUL bytes (no UTF-8 text has them) near the start."""
    head = data[:64]
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and not head.startswith(_BOM))


def _decode(data: bytes, source: str) -> str:
    if _looks_like_utf16(data):
        raise InputError(f"{source}: not UTF-8 text (it looks like UTF-16); save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{source}: not UTF-8 text ({e.reason} at byte {e.start:,})") from None


def _depth(data: bytes) -> int:
    """How deeply lists and objects nest in the valid JSON document `data` (bytes: a bracket
    or a quote is one byte in UTF-8 and never part of another character). Escaped
    backslashes, then escaped quotes, are taken out (inside a string they come in pairs,
    left to right), so every quote left opens or closes a string; of the brackets and
    quotes alone, every other piece between quotes is a string's, and its brackets are
    not the document's. Two quotes side by side hold no bracket between them, whichever
    strings they open or close: they are dropped first (most strings hold no bracket),
    which leaves few pieces to split."""
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    brackets = b"".join(marks.split(b'"')[::2])
    if not brackets:
        return 0
    return max(accumulate(map(_STEPS.__getitem__, brackets.translate(_DEPTH_STEP))))


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def byte_size(n: int) -> str:
    """'512 bytes', '1.5 MB', '64 MB'."""
    if n < 1024 * 1024:
        return f"{n:,} byte" + ("" if n == 1 else "s")
    mb = n / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 10 or mb.is_integer() else f"{mb:.1f} MB"

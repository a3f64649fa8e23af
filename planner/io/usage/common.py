"""What the usage readers share: the file's text, CSV rows with named columns, and checked
values (counts, money, dates), each failure one line naming the file, the row and the field."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from planner.domain.actuals import UsageRecord
from planner.domain.errors import InputError
from planner.io.json_files import read_text as read_user_text

#: Largest usage file read (a spend log holds one row per request).
MAX_USAGE_BYTES = 256 * 1024 * 1024
#: The same ceiling a plan puts on a count.
MAX_COUNT = Decimal("1e15")


@dataclass
class UsageFile:
    """The records read from one usage file, and one line per entry that could not be."""

    path: str
    format: str
    records: list[UsageRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class BadValue(InputError):
    """One bad field of one entry."""


def read_text(path: Path) -> str:
    """A usage file's text (planner.io.json_files.read_text, with the usage files' size limit)."""
    return read_user_text(path, MAX_USAGE_BYTES)


def norm(text: str) -> str:
    """A header compared loosely: 'Input Tokens', 'input_tokens' and 'input-tokens' alike."""
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def csv_rows(path: Path, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]
             ) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, field -> cell) for each non-empty row of a CSV whose header names the columns
    (`wanted`: field -> header names it may go by). A missing required column raises."""
    text = read_text(path)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    # (the delimiter is the one the header uses most; quoting is the usual CSV's)
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
        if header is None:
            raise InputError(f"{path}: empty file (expected a header row naming {', '.join(required)})")
        names = [norm(h) for h in header]
        columns = {}
        for name, aliases in wanted.items():
            hit = next((i for i, h in enumerate(names) if h in {norm(a) for a in aliases}), None)
            if hit is not None:
                columns[name] = hit
        missing = [n for n in required if n not in columns]
        if missing:
            shown = ", ".join(f"'{wanted[n][0]}'" for n in missing)
            raise InputError(f"{path}: row {reader.line_num}: missing column{'s' if len(missing) > 1 else ''} "
                             f"{shown} (found: {', '.join(h.strip() for h in header)})")
        for cells in reader:
            if any(c.strip() for c in cells):
                yield f"{path}: row {reader.line_num}", {n: cells[i].strip() if i < len(cells) else ""
                                                         for n, i in columns.items()}
    except csv.Error as e:
        raise InputError(f"{path}: row {reader.line_num}: not valid CSV ({e})") from None


def count(value: Any, name: str, *, required: bool = True) -> Decimal:
    """A non-negative finite count (tokens, requests) from a cell or a JSON number."""
    if value is None or value == "":
        if required:
            raise BadValue(f"field '{name}': missing")
        return Decimal(0)
    if isinstance(value, bool):
        raise BadValue(f"field '{name}': {value!r} is not a number")
    try:
        v = Decimal(str(value).replace(",", "")) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        raise BadValue(f"field '{name}': {str(value)[:40]!r} is not a number") from None
    if not v.is_finite():
        raise BadValue(f"field '{name}': {value} is not a finite number")
    if v < 0:
        raise BadValue(f"field '{name}': {value} is negative")
    if v > MAX_COUNT:
        raise BadValue(f"field '{name}': {value} is too large")
    return v


def amount(value: Any, name: str) -> Decimal | None:
    """A cost; None when the cell is empty. (A credit or refund may be negative.)"""
    if value is None or value == "":
        return None
    text = str(value).strip().lstrip("$").replace(",", "")
    if isinstance(value, bool):
        raise BadValue(f"field '{name}': {value!r} is not an amount")
    try:
        v = Decimal(repr(value)) if isinstance(value, float) else Decimal(text)
    except InvalidOperation:
        raise BadValue(f"field '{name}': {str(value)[:40]!r} is not an amount") from None
    if not v.is_finite() or abs(v) > MAX_COUNT:
        raise BadValue(f"field '{name}': {value} is not a usable amount")
    return v


def day(value: Any, name: str) -> date:
    """A date: YYYY-MM-DD, an ISO date-time (2026-03-01T00:00:00Z) or Unix seconds (UTC)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).date()
        except (OverflowError, OSError, ValueError):
            raise BadValue(f"field '{name}': {value} is not a time") from None
    text = str(value or "").strip()
    if not text:
        raise BadValue(f"field '{name}': missing")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise BadValue(f"field '{name}': {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def tags(value: Any) -> tuple[str, ...]:
    """Tags as a file gives them: a JSON list or object ({"team": "search"} gives
    "team=search" and "search"), or text separated by commas or semicolons."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            pass
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += [f"{k}={v}", str(v)]
        return tuple(out)
    if isinstance(value, list):
        return tuple(str(v) for v in value if v not in (None, ""))
    if value in (None, ""):
        return ()
    return tuple(t.strip() for t in str(value).replace(";", ",").split(",") if t.strip())


def entries(usage: UsageFile, items: Iterator[tuple[str, Callable[[], list[UsageRecord]]]]) -> UsageFile:
    """Run each entry's reader: its records are kept, a bad value is one problem line."""
    for where, read in items:
        try:
            usage.records.extend(dataclasses.replace(r, source=where) for r in read())
        except BadValue as e:
            usage.problems.append(f"{where}: {e}")
    return usage


def checked(**values: Any) -> UsageRecord:
    """A record whose counts agree: cached input is part of the input. (`entries` sets
    where it came from.)"""
    r = UsageRecord("", **values)
    if r.cached_tokens > r.input_tokens:
        raise BadValue(f"field 'cached input tokens': {r.cached_tokens} exceeds the input tokens ({r.input_tokens})")
    return r

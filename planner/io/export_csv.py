"""CSV export of a plan's line items for Excel: UTF-8 with BOM, plain numbers, no formula injection."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.formatting import plain_money
from planner.io.atomic import write_bytes_atomic
from planner.io.export_table import Column, ExportData, Kind, plain

#: A text cell whose first non-blank character is one of these (or its full-width or small
#: form: "＝", "﹦", ...) would be read by a spreadsheet as a formula.
FORMULA_TRIGGERS = frozenset("=+-@")
#: A cell starting with one of these is neutralized whatever follows.
CONTROL_STARTS = ("\t", "\r", "\n")


def safe_text(text: str) -> str:
    """Prefix a single quote to text a spreadsheet would otherwise run as a formula: a formula
    character first, or after leading blanks, in its ASCII, full-width or small form."""
    if text.startswith(CONTROL_STARTS):
        return "'" + text
    rest = text.lstrip()
    if rest and unicodedata.normalize("NFKC", rest[0]) in FORMULA_TRIGGERS:
        return "'" + text
    return text


def cell_text(value: Any, kind: Kind, currency: str = "USD") -> str:
    """One cell as plain text: numbers with '.' decimal and no separators, money to the
    currency's minor unit (1234.50 USD, 1235 JPY), whatever the display locale."""
    if value is None:
        return ""
    if kind is Kind.TEXT:
        return safe_text(str(value))
    if kind is Kind.DATE:
        return value.isoformat() if isinstance(value, date) else safe_text(str(value))
    if isinstance(value, str):
        return safe_text(value)
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if kind is Kind.MONEY:
        return plain_money(value, currency)
    if kind is Kind.UNIT_MONEY:
        return f"{value:.6f}"
    return plain(value)


def _row(columns: tuple[Column, ...], values: list[Any], currency: str) -> list[str]:
    return [cell_text(v, c.kind, currency) for c, v in zip(columns, values, strict=True)]


def csv_text(data: ExportData) -> str:
    """The CSV as text (without the BOM): a header row, one row per line, the totals row."""
    t = data.table
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([safe_text(h) for h in t.headers()])
    for row in t.rows:
        w.writerow(_row(t.columns, t.row_values(row), data.currency))
    w.writerow(_row(t.columns, t.total_values(), data.currency))
    return out.getvalue()


def export_csv(data: ExportData, path: Path) -> None:
    """Write the CSV atomically, UTF-8 with a BOM so Excel reads the encoding right; the bytes
    on disk are counted before the file replaces `path`."""
    write_bytes_atomic(Path(path), csv_text(data).encode("utf-8-sig"))

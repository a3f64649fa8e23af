"""CSV exports for Excel and BI tools: the line items, the budget by month (lines x months
with group subtotals and fiscal-year totals) and the long format (one figure a row, base and
scenarios). UTF-8 with BOM, plain numbers, no formula injection."""

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
from planner.io.export_table import LONG_HEADERS, Column, ExportData, Kind, LongRow, plain

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
    for row in t.all_rows:
        w.writerow(_row(t.columns, t.row_values(row), data.currency))
    w.writerow(_row(t.columns, t.total_values(), data.currency))
    return out.getvalue()


def export_csv(data: ExportData, path: Path) -> None:
    """Write the CSV atomically, UTF-8 with a BOM so Excel reads the encoding right; the bytes
    on disk are counted before the file replaces `path`."""
    _write(path, csv_text(data))


def _write(path: Path, text: str) -> None:
    write_bytes_atomic(Path(path), text.encode("utf-8-sig"))


def by_month_text(data: ExportData) -> str:
    """The budget by month: a header (group, line, the months, the total, each fiscal year),
    each line, each group's subtotal, the total; then the plan, its revision and the date."""
    bm = data.by_month
    if bm is None:
        raise ValueError("the export has no budget by month")
    cur = data.currency
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([safe_text(h) for h in ("Group", "Line", *bm.labels, f"Total ({cur})",
                                       *(f"{fy} ({cur})" for fy in bm.fiscal_years))])
    for r in bm.rows:
        name = {"group": "Subtotal", "total": "Total"}.get(r.kind, r.name)
        w.writerow([safe_text(r.group), safe_text(name),
                    *(cell_text(v, Kind.MONEY, cur) for v in (*r.months, r.total, *r.fiscal))])
    w.writerow([])
    w.writerow(["Plan", safe_text(data.plan_name), "Revision", str(data.revision), "Currency", cur,
                "Exported", data.exported_text])
    return out.getvalue()


#: the long format's metrics that are counts, and those that are per-unit amounts (6 places)
_COUNTS = frozenset({"requests", "outcomes", "users"})
_UNIT = frozenset({"cost_per_outcome", "cost_per_user"})


def _long_amount(r: LongRow) -> str:
    kind = Kind.COUNT if r.metric in _COUNTS else Kind.UNIT_MONEY if r.metric in _UNIT else Kind.MONEY
    return cell_text(r.amount, kind, r.currency or "USD")


def long_text(data: ExportData) -> str:
    """One figure a row (plan, scenario, group, line, model, month, metric, amount, currency,
    revision): a pivot table reads it as it is."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(LONG_HEADERS)
    for r in data.long_rows:
        w.writerow([safe_text(r.plan), safe_text(r.scenario), safe_text(r.group), safe_text(r.line),
                    safe_text(r.model), r.month, r.metric, _long_amount(r), r.currency, str(r.revision)])
    return out.getvalue()


def export_by_month_csv(data: ExportData, path: Path) -> None:
    _write(path, by_month_text(data))


def export_long_csv(data: ExportData, path: Path) -> None:
    if not data.long_rows and data.table.rows:
        raise ValueError("the export was built without its long-format rows (build_export(long=True))")
    _write(path, long_text(data))

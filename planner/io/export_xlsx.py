"""XLSX export: the line table, summary, assumptions and forecast as typed cells with live totals."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Format, Workbook
from xlsxwriter.worksheet import Worksheet

from planner.domain.currency import minor_digits
from planner.formatting import currency_affixes
from planner.io.atomic import write_bytes_atomic
from planner.io.export_table import (
    ExportData,
    Kind,
    Spec,
    forecast_columns,
    model_cost_columns,
    multiplier_columns,
    price_columns,
    values,
    waterfall_columns,
)

WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Text is text: a line called "=HYPERLINK(...)" must never become a formula.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

def money_format(currency: str, places: int | None = None) -> str:
    """The number format of an amount: the currency's minor digits (or `places`) and its
    symbol where the display locale puts it: '"$"#,##0.00' (USD, en_US), '#,##0" ¥"' (JPY, de_DE)."""
    places = minor_digits(currency) if places is None else places
    body = "#,##0" + ("." + "0" * places if places else "")
    prefix, suffix = currency_affixes(currency)
    return (f'"{prefix}"' if prefix else "") + body + (f'"{suffix}"' if suffix else "")


class _Formats:
    def __init__(self, wb: Workbook, currency: str) -> None:
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
        self.wb = wb
        self.currency = currency
        self._cache: dict[tuple[str, bool], Format] = {}
        self.base = base
        self.header = wb.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#E8EEF4",
                "bottom": 1,
                "text_wrap": True,
                "valign": "bottom",
            }
        )
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.section = wb.add_format({**base, "bold": True, "font_size": 11})
        self.label = wb.add_format({**base})
        self.note = wb.add_format({**base, "font_color": "#5F6B76", "italic": True})

    _NUM = {
        Kind.COUNT: "#,##0",
        Kind.PRICE: "0.00####",
        Kind.RATE: "0.0#%",
        Kind.SHARE: "0.0#%",
        Kind.DATE: "yyyy-mm-dd",
    }

    def get(self, kind: Kind, total: bool = False, fractional: bool = False) -> Format:
        key = (f"{kind}:{fractional}", total)
        if key not in self._cache:
            props: dict[str, Any] = dict(self.base)
            if kind is Kind.MONEY:
                props["num_format"] = money_format(self.currency)
            elif kind is Kind.UNIT_MONEY:
                props["num_format"] = money_format(self.currency, 6)
            elif kind is Kind.COUNT and fractional:
                props["num_format"] = "#,##0.00"
            elif kind in self._NUM:
                props["num_format"] = self._NUM[kind]
            if total:
                props.update({"bold": True, "top": 1})
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]


def _write(
    ws: Worksheet, row: int, col: int, value: Any, kind: Kind, fmts: _Formats, total: bool = False
) -> None:
    """One typed cell: numbers as numbers, dates as dates, text always as a string."""
    if value is None:
        ws.write_blank(row, col, None, fmts.get(Kind.TEXT, total))
    elif kind is Kind.TEXT or isinstance(value, str):
        ws.write_string(row, col, str(value), fmts.get(Kind.TEXT, total))
    elif kind is Kind.DATE or isinstance(value, date):
        dt = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, dt.replace(tzinfo=None), fmts.get(Kind.DATE, total))
    else:
        fractional = kind is Kind.COUNT and Decimal(value) != Decimal(value).to_integral_value()
        ws.write_number(row, col, float(value), fmts.get(kind, total, fractional))


def _num(value: Decimal) -> int | float:
    """A formula's cached value: an int when whole (Excel shows 278000, not 278000.0)."""
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() and abs(d) < 2**53 else float(d)


def _sum_formula(
    ws: Worksheet, row: int, col: int, first: int, last: int, value: Decimal | None, fmt: Format
) -> None:
    """A SUM over rows first..last of `col`, with its computed value cached so it opens right."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
        return
    if last < first:
        ws.write_number(row, col, float(value), fmt)
        return
    c = xl_col_to_name(col)
    ws.write_formula(row, col, f"=SUM({c}{first + 1}:{c}{last + 1})", fmt, _num(value))


def _headers(ws: Worksheet, row: int, headers: list[str], fmts: _Formats) -> None:
    for col, h in enumerate(headers):
        ws.write_string(row, col, h, fmts.header)


def _widths(ws: Worksheet, spec: Spec) -> None:
    for c, col in enumerate(spec):
        ws.set_column(c, c, col.width)


def _table(
    ws: Worksheet, row: int, spec: Spec, rows: Sequence[Any], fmts: _Formats
) -> tuple[int, int]:
    """The spec's header at `row`, then one typed row per item; returns (first, last) data rows
    (last < first when there are none)."""
    _headers(ws, row, [c.header for c in spec], fmts)
    first = row + 1
    for r, item in enumerate(rows, start=first):
        for c, (col, value) in enumerate(zip(spec, values(spec, item), strict=True)):
            _write(ws, r, c, value, col.kind, fmts)
    return first, first + len(rows) - 1


def _total_row(
    ws: Worksheet, row: int, spec: Spec, total: Any, summed: Sequence[str],
    span: tuple[int, int], fmts: _Formats,
) -> None:
    """A bold total row: SUM formulas (with their values cached) in the `summed` columns."""
    for c, col in enumerate(spec):
        value = total.value(col.key)
        if col.key in summed:
            _sum_formula(ws, row, c, span[0], span[1], value, fmts.get(col.kind, True))
        else:
            _write(ws, row, c, value, col.kind, fmts, total=True)


# ---------------------------------------------------------------------------------------


def _plan_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Plan")
    t = data.table
    ws.set_row(0, 42)
    first, last = _table(ws, 0, t.columns, t.rows, fmts)
    _total_row(ws, last + 1, t.columns, t.total, t.total.SUMMED, (first, last), fmts)
    _widths(ws, t.columns)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(last, 0), len(t.columns) - 1)


def _section(ws: Worksheet, row: int, title: str, fmts: _Formats) -> int:
    ws.write_string(row, 0, title, fmts.section)
    return row + 1


def _summary_items(ws: Worksheet, data: ExportData, fmts: _Formats) -> int:
    _headers(ws, 0, ["Item", "Value", "Note"], fmts)
    row = 1
    for item in data.summary:
        ws.write_string(row, 0, item.label, fmts.label)
        _write(ws, row, 1, item.value, item.kind, fmts)
        if item.note:
            ws.write_string(row, 2, item.note, fmts.note)
        row += 1
    return row


def _waterfall(ws: Worksheet, row: int, data: ExportData, fmts: _Formats) -> int:
    """The waterfall table; its end row is a formula: the baseline minus the steps."""
    spec = waterfall_columns(data.currency)
    row = _section(ws, row, f"Savings waterfall ({data.currency}/month)", fmts)
    first, last = _table(ws, row, spec, data.waterfall, fmts)
    amount = [c.key for c in spec].index("amount")
    steps = [r for r, w in enumerate(data.waterfall, start=first) if w.role == "step"]
    for r, w in enumerate(data.waterfall, start=first):
        if w.role != "end":
            continue
        b = xl_rowcol_to_cell(first, amount)
        formula = f"={b}"
        if steps:
            s0, s1 = xl_rowcol_to_cell(steps[0], amount), xl_rowcol_to_cell(steps[-1], amount)
            formula = f"={b}-SUM({s0}:{s1})"
        ws.write_formula(r, amount, formula, fmts.get(Kind.MONEY, True), _num(w.amount))
    return last + 1


def _cost_by_model(ws: Worksheet, row: int, data: ExportData, fmts: _Formats) -> int:
    spec = model_cost_columns(data.currency)
    row = _section(ws, row, f"Cost by model ({data.currency}/month, expected)", fmts)
    first, last = _table(ws, row, spec, data.by_model, fmts)
    ws.write_string(last + 1, 0, "Total", fmts.get(Kind.TEXT, True))
    for c, col in enumerate(spec[1:], start=1):
        if col.key == "monthly":
            _sum_formula(ws, last + 1, c, first, last, data.monthly_expected,
                         fmts.get(Kind.MONEY, True))
        else:
            ws.write_blank(last + 1, c, None, fmts.get(Kind.TEXT, True))
    return last + 2


def _summary_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Summary")
    row = _summary_items(ws, data, fmts)
    row = _waterfall(ws, row + 1, data, fmts)
    row = _cost_by_model(ws, row + 1, data, fmts)
    notes = data.note_lines()
    if notes:
        row = _section(ws, row + 1, "Notes", fmts)
        for n in notes:
            ws.write_string(row, 0, n, fmts.label)
            row += 1
    for c, w in enumerate((44, 18, 40, 14, 30)):
        ws.set_column(c, c, w)


def _assumptions_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Assumptions")
    facts: list[tuple[str, Any, Kind]] = [
        ("Catalog", data.catalog_name, Kind.TEXT),
        ("Catalog prices as of", data.catalog_as_of, Kind.DATE),
        ("Currency", data.currency_text, Kind.TEXT),
        ("Default batch discount (fraction)", data.batch_discount, Kind.RATE),
    ]
    for r, (label, value, kind) in enumerate(facts):
        ws.write_string(r, 0, label, fmts.label)
        _write(ws, r, 1, value, kind, fmts)
    row = _section(ws, len(facts) + 1, "Prices used (USD per 1M tokens)", fmts)
    _, last = _table(ws, row, price_columns(), data.by_model, fmts)
    row = _section(ws, last + 2, "Flat multipliers (savings as fractions)", fmts)
    _, last = _table(ws, row, multiplier_columns(), data.multipliers, fmts)
    if not data.multipliers:
        ws.write_string(last + 1, 0, "none", fmts.note)
    _widths(ws, price_columns())


def _forecast_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Forecast")
    cur = data.currency
    spec = forecast_columns(cur)
    ws.set_row(0, 30)
    first, last = _table(ws, 0, spec, data.forecast, fmts)
    summed = ("requests", "baseline", "low", "expected", "high")
    _total_row(ws, last + 1, spec, data.forecast_total, summed, (first, last), fmts)
    row = last + 3
    settings: list[tuple[str, Any, Kind]] = [
        ("Monthly volume growth (fraction)", data.monthly_growth, Kind.RATE),
        ("Yearly price trend (fraction)", data.yearly_price_trend, Kind.RATE),
    ]
    if data.budget is not None:
        settings.append((f"Monthly budget ({cur})", data.budget, Kind.MONEY))
    for label, value, kind in settings:
        ws.write_string(row, 0, label, fmts.label)
        _write(ws, row, 1, value, kind, fmts)
        row += 1
    _widths(ws, spec)
    ws.freeze_panes(1, 1)


def xlsx_bytes(data: ExportData) -> bytes:
    """The workbook as bytes: sheets Plan, Summary, Assumptions, Forecast."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    created = data.exported_at.replace(tzinfo=None)
    wb.set_properties(
        {
            "title": f"{data.plan_name}: LLM cost budget",
            "subject": "Monthly LLM API cost plan",
            "author": "Cost Planner",
            "created": created,
        }
    )
    fmts = _Formats(wb, data.currency)
    _plan_sheet(wb, data, fmts)
    _summary_sheet(wb, data, fmts)
    _assumptions_sheet(wb, data, fmts)
    _forecast_sheet(wb, data, fmts)
    wb.close()
    return buf.getvalue()


def check_xlsx(path: Path) -> None:
    """ValueError unless `path` is a readable workbook (a zip whose members all read back)."""
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            names = set(z.namelist())
    except (zipfile.BadZipFile, EOFError) as e:
        raise ValueError(f"the workbook written is not readable ({e})") from e
    if bad is not None or "xl/workbook.xml" not in names:
        raise ValueError("the workbook written is not readable (a damaged part)")


def export_xlsx(data: ExportData, path: Path) -> None:
    """Build the workbook in memory and write it atomically, checked as a readable zip."""
    write_bytes_atomic(Path(path), xlsx_bytes(data), verify=check_xlsx)

"""XLSX export: the line table, summary, assumptions and forecast as typed cells with live totals."""

from __future__ import annotations

import io
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
from planner.io.export_table import ExportData, Kind

WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Text is text: a line called "=HYPERLINK(...)" must never become a formula.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

#: Column widths (characters) of the Plan sheet by column key.
PLAN_WIDTHS = {
    "name": 28,
    "requests": 14,
    "input_tokens": 12,
    "output_tokens": 12,
    "model_name": 22,
    "model_id": 30,
    "routing": 44,
    "cached_prefix": 12,
    "baseline": 16,
    "optimized": 16,
    "notes": 40,
}
DEFAULT_WIDTH = 13


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


# ---------------------------------------------------------------------------------------


def _plan_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Plan")
    t = data.table
    _headers(ws, 0, t.headers(), fmts)
    ws.set_row(0, 42)
    for r, row in enumerate(t.rows, start=1):
        for c, (col, value) in enumerate(zip(t.columns, t.row_values(row), strict=True)):
            _write(ws, r, c, value, col.kind, fmts)
    last = len(t.rows)
    total_row = last + 1
    for c, col in enumerate(t.columns):
        value = t.total.value(col.key)
        if col.key in t.total.SUMMED:
            _sum_formula(ws, total_row, c, 1, last, value, fmts.get(col.kind, True))
        else:
            _write(ws, total_row, c, value, col.kind, fmts, total=True)
    for c, col in enumerate(t.columns):
        ws.set_column(c, c, PLAN_WIDTHS.get(col.key, DEFAULT_WIDTH))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(last, 0), len(t.columns) - 1)


def _summary_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Summary")
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 40)
    _headers(ws, 0, ["Item", "Value", "Note"], fmts)
    row = 1
    for item in data.summary:
        ws.write_string(row, 0, item.label, fmts.label)
        _write(ws, row, 1, item.value, item.kind, fmts)
        if item.note:
            ws.write_string(row, 2, item.note, fmts.note)
        row += 1

    row += 1
    ws.write_string(row, 0, f"Savings waterfall ({data.currency}/month)", fmts.section)
    row += 1
    _headers(ws, row, ["Step", f"Amount ({data.currency}/month)", "Note"], fmts)
    row += 1
    base_row = row
    steps: list[int] = []
    for w in data.waterfall:
        ws.write_string(row, 0, w.label, fmts.label)
        if w.role == "end":
            b = xl_rowcol_to_cell(base_row, 1)
            if steps:
                first, last = xl_rowcol_to_cell(steps[0], 1), xl_rowcol_to_cell(steps[-1], 1)
                formula = f"={b}-SUM({first}:{last})"
            else:
                formula = f"={b}"
            ws.write_formula(row, 1, formula, fmts.get(Kind.MONEY, True), _num(w.amount))
            ws.write_string(row, 2, "baseline minus the savings", fmts.note)
        else:
            _write(ws, row, 1, w.amount, Kind.MONEY, fmts)
            if w.role == "step":
                steps.append(row)
                ws.write_string(row, 2, "saving (negative: costs more)", fmts.note)
        row += 1

    row += 1
    ws.write_string(row, 0, f"Cost by model ({data.currency}/month, expected)", fmts.section)
    row += 1
    _headers(ws, row, ["Model", f"Expected ({data.currency}/month)", "Model ID"], fmts)
    row += 1
    first = row
    for m in data.by_model:
        ws.write_string(row, 0, m.name, fmts.label)
        _write(ws, row, 1, m.monthly, Kind.MONEY, fmts)
        ws.write_string(row, 2, m.id, fmts.label)
        row += 1
    ws.write_string(row, 0, "Total", fmts.get(Kind.TEXT, True))
    _sum_formula(
        ws,
        row,
        1,
        first,
        row - 1,
        sum((m.monthly for m in data.by_model), Decimal(0)),
        fmts.get(Kind.MONEY, True),
    )
    ws.write_blank(row, 2, None, fmts.get(Kind.TEXT, True))
    row += 2

    notes = _notes(data)
    if notes:
        ws.write_string(row, 0, "Notes", fmts.section)
        row += 1
        for n in notes:
            ws.write_string(row, 0, n, fmts.label)
            row += 1


def _notes(data: ExportData) -> list[str]:
    out = [p for p in data.notes.splitlines() if p.strip()]
    out += [f"{name}: {note}" for name, note in data.line_notes]
    out += [f"Note: {n}" for n in data.notices]
    return out


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
    row = len(facts) + 1
    ws.write_string(row, 0, "Prices used (USD per 1M tokens)", fmts.section)
    row += 1
    headers = [
        "Model",
        "Model ID",
        "Provider",
        "Input (USD/1M)",
        "Output (USD/1M)",
        "Cache read (USD/1M)",
        "Cache write (USD/1M)",
        "Batch input (USD/1M)",
        "Batch output (USD/1M)",
        "Batch pricing",
        "Long-context threshold (tokens)",
        "Long-context input (USD/1M)",
        "Long-context output (USD/1M)",
        "Source",
        "Source URL",
        "Price as of",
        "Pinned in plan",
    ]
    _headers(ws, row, headers, fmts)
    row += 1
    for m in data.by_model:
        cells: list[tuple[Any, Kind]] = [
            (m.name, Kind.TEXT),
            (m.id, Kind.TEXT),
            (m.provider, Kind.TEXT),
            (m.input, Kind.PRICE),
            (m.output, Kind.PRICE),
            (m.cache_read, Kind.PRICE),
            (m.cache_write_effective, Kind.PRICE),
            (m.batch_input_effective, Kind.PRICE),
            (m.batch_output_effective, Kind.PRICE),
            (m.batch_text, Kind.TEXT),
            (Decimal(m.long_context_threshold) if m.long_context_threshold else None, Kind.COUNT),
            (m.long_context_input, Kind.PRICE),
            (m.long_context_output, Kind.PRICE),
            (m.source, Kind.TEXT),
            (m.source_url, Kind.TEXT),
            (m.as_of, Kind.DATE),
            ("yes" if m.pinned else "no", Kind.TEXT),
        ]
        for c, (value, kind) in enumerate(cells):
            _write(ws, row, c, value, kind, fmts)
        row += 1

    row += 1
    ws.write_string(row, 0, "Flat multipliers (savings as fractions)", fmts.section)
    row += 1
    _headers(ws, row, ["Multiplier", "Enabled", "Low", "Expected", "High", "Note"], fmts)
    row += 1
    for mult in data.multipliers:
        cells = [
            (mult.name, Kind.TEXT),
            ("on" if mult.enabled else "off", Kind.TEXT),
            (mult.low, Kind.RATE),
            (mult.expected, Kind.RATE),
            (mult.high, Kind.RATE),
            (mult.note, Kind.TEXT),
        ]
        for c, (value, kind) in enumerate(cells):
            _write(ws, row, c, value, kind, fmts)
        row += 1
    if not data.multipliers:
        ws.write_string(row, 0, "none", fmts.note)

    widths = [24, 30, 12, 11, 11, 11, 11, 11, 11, 20, 14, 12, 12, 44, 30, 12, 10]
    ws.set_column(0, 0, 34)
    for c, w in enumerate(widths[1:], start=1):
        ws.set_column(c, c, w)


def _forecast_sheet(wb: Workbook, data: ExportData, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Forecast")
    cur = data.currency
    headers = [
        "Month",
        "Requests",
        f"Baseline ({cur})",
        f"Low ({cur})",
        f"Expected ({cur})",
        f"High ({cur})",
        "Over budget",
    ]
    _headers(ws, 0, headers, fmts)
    ws.set_row(0, 30)
    keys = ("requests", "baseline", "low", "expected", "high")
    kinds = (Kind.COUNT, Kind.MONEY, Kind.MONEY, Kind.MONEY, Kind.MONEY)
    for r, m in enumerate(data.forecast, start=1):
        ws.write_string(r, 0, m.label, fmts.label)
        for c, (k, kind) in enumerate(zip(keys, kinds, strict=True), start=1):
            _write(ws, r, c, getattr(m, k), kind, fmts)
        ws.write_string(r, 6, "yes" if m.over_budget else "", fmts.label)
    last = len(data.forecast)
    total = last + 1
    ws.write_string(total, 0, data.forecast_total.label, fmts.get(Kind.TEXT, True))
    for c, (k, kind) in enumerate(zip(keys, kinds, strict=True), start=1):
        _sum_formula(ws, total, c, 1, last, getattr(data.forecast_total, k), fmts.get(kind, True))
    ws.write_blank(total, 6, None, fmts.get(Kind.TEXT, True))
    row = total + 2
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
    ws.set_column(0, 0, 30)
    ws.set_column(1, 5, 15)
    ws.set_column(6, 6, 11)
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


def export_xlsx(data: ExportData, path: Path) -> None:
    """Build the workbook in memory and write it atomically."""
    write_bytes_atomic(Path(path), xlsx_bytes(data))

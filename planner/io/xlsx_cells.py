"""The workbook's cells: formats (inputs visibly inputs, money in the plan's currency), typed
writes, formulas with their cached values, cross-sheet references and a largest-remainder
footing written as formulas."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.workbook import Format, Workbook
from xlsxwriter.worksheet import Worksheet

from planner.domain.currency import minor_digits
from planner.formatting import currency_affixes
from planner.io.export_table import Kind

WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Text is text: a line called "=HYPERLINK(...)" must never become a formula.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

#: the fill of an input cell (and of the legend's sample)
INPUT_FILL = "#FFF2CC"
#: places an amount is snapped to before it is rounded to the currency's minor unit, so that
#: a binary float a hair under a half-cent (12.344999…) rounds half-up as the exact engine does
SNAP_PLACES = 9


def money_format(currency: str, places: int | None = None) -> str:
    """The number format of an amount: the currency's minor digits (or `places`) and its
    symbol where the display locale puts it: '"$"#,##0.00' (USD, en_US), '#,##0" ¥"' (JPY, de_DE)."""
    places = minor_digits(currency) if places is None else places
    body = "#,##0" + ("." + "0" * places if places else "")
    prefix, suffix = currency_affixes(currency)
    return (f'"{prefix}"' if prefix else "") + body + (f'"{suffix}"' if suffix else "")


_NUM = {
    Kind.COUNT: "#,##0",
    Kind.PRICE: "0.00####",
    Kind.RATE: "0.0#%",
    Kind.SHARE: "0.0#%",
    Kind.DATE: "yyyy-mm-dd",
}


class Formats:
    """The workbook's cell formats, made once each: by kind, as a total, as an input."""

    def __init__(self, wb: Workbook, currency: str) -> None:
        self.wb = wb
        self.currency = currency
        self.base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
        self._cache: dict[tuple, Format] = {}
        self.header = self._add(bold=True, bg_color="#E8EEF4", bottom=1, text_wrap=True,
                                valign="bottom")
        self.working_header = self._add(bold=True, bg_color="#EEEEEE", font_color="#5F6B76",
                                        bottom=1, text_wrap=True, valign="bottom")
        self.title = self._add(bold=True, font_size=14)
        self.section = self._add(bold=True, font_size=11)
        self.label = self._add()
        self.note = self._add(font_color="#5F6B76", italic=True)

    def _add(self, **props: Any) -> Format:
        return self.wb.add_format({**self.base, **props})

    def get(self, kind: Kind, total: bool = False, fractional: bool = False,
            entry: bool = False, places: int | None = None) -> Format:
        """A cell's format: its kind's number format; bold with a rule above as a total; a
        light yellow, unlocked cell as an input (`entry`)."""
        key = (kind, total, fractional, entry, places)
        if key not in self._cache:
            props: dict[str, Any] = {}
            if kind is Kind.MONEY:
                props["num_format"] = money_format(self.currency, places)
            elif kind is Kind.UNIT_MONEY:
                props["num_format"] = money_format(self.currency, 6)
            elif kind is Kind.COUNT and fractional:
                props["num_format"] = "#,##0.00"
            elif kind in _NUM:
                props["num_format"] = _NUM[kind]
            if total:
                props.update({"bold": True, "top": 1})
            if entry:
                props.update({"bg_color": INPUT_FILL, "locked": False, "border": 1,
                              "border_color": "#D6C48A"})
            self._cache[key] = self._add(**props)
        return self._cache[key]


def is_fractional(value: Any) -> bool:
    d = Decimal(value)
    return d != d.to_integral_value()


def write(ws: Worksheet, row: int, col: int, value: Any, kind: Kind, fmts: Formats,
          total: bool = False, entry: bool = False) -> None:
    """One typed cell: numbers as numbers, dates as dates, text always as a string."""
    if value is None:
        ws.write_blank(row, col, None, fmts.get(Kind.TEXT, total, entry=entry))
    elif kind is Kind.TEXT or isinstance(value, str):
        ws.write_string(row, col, str(value), fmts.get(Kind.TEXT, total, entry=entry))
    elif kind is Kind.DATE or isinstance(value, date):
        dt = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, dt.replace(tzinfo=None), fmts.get(Kind.DATE, total, entry=entry))
    else:
        fractional = kind is Kind.COUNT and is_fractional(value)
        ws.write_number(row, col, float(value), fmts.get(kind, total, fractional, entry))


def cached(value: Any) -> Any:
    """A formula's cached value: an int when whole (Excel shows 278000, not 278000.0), text
    as is, '' for none."""
    if value is None:
        return ""
    if isinstance(value, str | bool):
        return value
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() and abs(d) < 2**53 else float(d)


def formula(ws: Worksheet, row: int, col: int, text: str, value: Any, fmt: Format) -> None:
    """A formula with the app's figure cached, so a viewer that does not recalculate shows it."""
    ws.write_formula(row, col, "=" + text, fmt, cached(value))


def ref(sheet: str | None, row: int, col: int, absolute: bool = True) -> str:
    """A cell reference ('Inputs'!$C$5, or C5 on the same sheet)."""
    cell = xl_rowcol_to_cell(row, col, absolute, absolute)
    return f"{quote_sheetname(sheet)}!{cell}" if sheet else cell


def span(sheet: str | None, first: int, last: int, col: int) -> str:
    """A column range over rows first..last (absolute)."""
    top = xl_rowcol_to_cell(first, col, True, True)
    bottom = xl_rowcol_to_cell(last, col, True, True)
    return f"{quote_sheetname(sheet)}!{top}:{bottom}" if sheet else f"{top}:{bottom}"


def rounded(expr: str, places: int) -> str:
    """An amount rounded half-up to `places` as the engine rounds it (snapped first: see
    SNAP_PLACES)."""
    return f"ROUND(ROUND({expr},{SNAP_PLACES}),{places})"


def headers(ws: Worksheet, row: int, names: Sequence[str], fmt: Format, col: int = 0) -> None:
    for c, h in enumerate(names, start=col):
        ws.write_string(row, c, h, fmt)


def foot_to_formulas(
    ws: Worksheet, rows: Sequence[int], cols: tuple[int, int, int], units_row: int, target: str,
    quantum: Decimal, unrounded: Sequence[Decimal], footed: Sequence[Decimal], fmts: Formats,
    kind: Kind = Kind.MONEY, places: int | None = None, scale: int = 1,
) -> None:
    """Amounts footed to `target` by the largest remainder (planner.domain.money.foot_to),
    as formulas. `cols` = (footed, floor, remainder): the unrounded amount of each row is the
    formula already in its floor column's left neighbour (`cols[1] - 1`). The footed column
    holds floor + the residual units, given to the largest remainders first (the smallest
    when the residual is negative), ties in row order; divided by `scale` (percent -> fraction).
    The residual (in units of `quantum`) is worked out once, in the remainder column of `units_row`."""
    out, fl, rem = cols
    raw = fl - 1
    n = len(rows)
    if not n:
        return
    q = cached(quantum)
    first, last = rows[0], rows[-1]
    floors = span(None, first, last, fl)
    rems = span(None, first, last, rem)
    plain = fmts.get(Kind.COUNT, fractional=True)
    floor_values = [u.quantize(quantum, rounding=ROUND_FLOOR) for u in unrounded]
    residual = (sum(footed, Decimal(0)) - sum(floor_values, Decimal(0))) / quantum
    formula(ws, units_row, rem, f"ROUND(({target}-SUM({floors}))/{q},0)", residual, fmts.get(Kind.COUNT))
    units = ref(None, units_row, rem)
    for r, u, f, floor_value in zip(rows, unrounded, footed, floor_values, strict=True):
        formula(ws, r, fl, f"INT(ROUND({ref(None, r, raw)}/{q},6))*{q}", floor_value, plain)
        formula(ws, r, rem, f"ROUND({ref(None, r, raw)}-{ref(None, r, fl)},12)", u - floor_value, plain)
        me = ref(None, r, rem)
        before = f"COUNTIF({span(None, first, r - 1, rem)},{me})" if r > first else "0"
        desc = f"(COUNTIF({rems},\">\"&{me})+{before}+1)"
        asc = f"(COUNTIF({rems},\"<\"&{me})+{before}+1)"
        text = (f"{ref(None, r, fl)}+{q}*IF({units}>=0,INT({units}/{n})+IF({desc}<=MOD({units},{n}),1,0),"
                f"-(INT(-{units}/{n})+IF({asc}<=MOD(-{units},{n}),1,0)))")
        if scale != 1:
            text, f = f"({text})/{scale}", f / scale
        formula(ws, r, out, text, f, fmts.get(kind, places=places))

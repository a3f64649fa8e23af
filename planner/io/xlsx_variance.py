"""The workbook's Variance sheet: plan versus actual of a month, per line with the volume,
mix, price and lever parts, per model with the billed-price gap, per month, the usage no line
claims and the notices.

The amounts are values: the imported facts as planner.domain.actuals shows them (a variance
of what was billed is not a formula over the plan's inputs). Variance (actual − planned) and
variance % are formulas over the sheet's own cells, caching the domain's figures."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.domain.actuals import SPLIT_LABELS, Variance
from planner.domain.summary import fraction_of
from planner.io.export_table import Kind
from planner.io.xlsx_cells import Formats, formula, headers, ref, rounded, write
from planner.io.xlsx_scenarios import sheet_name

SHEET = "Variance"
#: the split's parts as Split's fields, in the order of SPLIT_LABELS (Split.parts' order)
SPLIT_KEYS = ("volume", "mix", "price", "lever")


def _difference(ws: Worksheet, row: int, planned_col: int, planned: Decimal, actual: Decimal,
                fmts: Formats, total: bool = False) -> None:
    """Variance = actual − planned and variance % = variance ÷ planned to 4 places, as every
    shown share (blank when nothing was planned), as formulas over the two cells left of them."""
    p, a = ref(None, row, planned_col, False), ref(None, row, planned_col + 1, False)
    formula(ws, row, planned_col + 2, f"{a}-{p}", actual - planned, fmts.get(Kind.MONEY, total))
    d = ref(None, row, planned_col + 2, False)
    formula(ws, row, planned_col + 3, f'IF({p}=0,"",{rounded(f"{d}/{p}", 4)})', fraction_of(actual - planned, planned),
            fmts.get(Kind.SHARE, total))


def variance_sheet(wb: Workbook, v: Variance, taken: Iterable[str], fmts: Formats) -> Worksheet:
    """The Variance sheet (named apart from the sheets in `taken`)."""
    ws = wb.add_worksheet(sheet_name(SHEET, taken))
    ws.write_string(0, 0, f"Plan versus actual: {v.month:%B %Y}", fmts.title)
    ws.write_string(1, 0, f"Amounts in {v.currency}: the imported usage against the plan (values); Variance and "
                    "Variance % are formulas. Actual: the billed cost where the usage states it, else the catalog "
                    "cost of its tokens. The four parts add up to the variance.", fmts.note)
    r = 3
    headers(ws, r, ["Line", "Planned", "Actual", "Variance", "Variance %", *SPLIT_LABELS], fmts.header)
    rows, total = v.shown()
    for row in [*rows, total]:
        r += 1
        last = row is total
        write(ws, r, 0, row.name, Kind.TEXT, fmts, total=last)
        write(ws, r, 1, row.planned, Kind.MONEY, fmts, total=last)
        write(ws, r, 2, row.actual, Kind.MONEY, fmts, total=last)
        _difference(ws, r, 1, row.planned, row.actual, fmts, last)
        for c, key in enumerate(SPLIT_KEYS, start=5):
            write(ws, r, c, getattr(row.split, key), Kind.MONEY, fmts, total=last)
    r += 2
    ws.write_string(r, 0, "By model", fmts.section)
    r += 1
    headers(ws, r, ["Model", "Planned", "Actual", "Catalog cost", "Billed vs catalog", "Flagged"], fmts.header)
    for m in v.shown_models():
        r += 1
        write(ws, r, 0, m.model_id, Kind.TEXT, fmts)
        write(ws, r, 1, m.planned, Kind.MONEY, fmts)
        write(ws, r, 2, m.actual, Kind.MONEY, fmts)
        write(ws, r, 3, m.catalog, Kind.MONEY, fmts)
        write(ws, r, 4, m.price_gap, Kind.SHARE, fmts)
        write(ws, r, 5, "more than 2% apart" if m.flagged else "", Kind.TEXT, fmts)
    r += 2
    ws.write_string(r, 0, "By month", fmts.section)
    r += 1
    headers(ws, r, ["Month", "Planned", "Actual", "Variance", "Variance %"], fmts.header)
    for mt in v.months:
        r += 1
        write(ws, r, 0, f"{mt.month:%Y-%m}", Kind.TEXT, fmts)
        write(ws, r, 1, mt.planned, Kind.MONEY, fmts)
        write(ws, r, 2, mt.actual, Kind.MONEY, fmts)
        _difference(ws, r, 1, mt.planned, mt.actual, fmts)
    if v.unmatched:
        r += 2
        ws.write_string(r, 0, "Usage no line claims (the (unmatched) row)", fmts.section)
        r += 1
        headers(ws, r, ["Usage key", "Model", "Requests", "Cost", "Why it matches no line"], fmts.header)
        for u, cost in v.shown_unmatched():
            r += 1
            write(ws, r, 0, u.key, Kind.TEXT, fmts)
            write(ws, r, 1, u.model_id, Kind.TEXT, fmts)
            write(ws, r, 2, u.usage.requests, Kind.COUNT, fmts)
            write(ws, r, 3, cost, Kind.MONEY, fmts)
            write(ws, r, 4, u.reason, Kind.TEXT, fmts)
    if v.notices:
        r += 2
        ws.write_string(r, 0, "Notices", fmts.section)
        for n in v.notices:
            r += 1
            ws.write_string(r, 0, n, fmts.label)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 8, 13)
    return ws

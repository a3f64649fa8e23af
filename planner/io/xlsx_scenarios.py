"""The scenario sheets: one per scenario of the plan (its lines' baseline and expected amounts
and the totals, as the app costs the scenario) and a Comparison sheet (the base and each
scenario side by side, then each scenario against the base: each line and each lever, the
biggest movers first). Amounts are values: the figures the app shows for each scenario."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planner.domain.summary import ADD_ON_TAG, fraction_of
from planner.io.export_sections import Costed, Source, cost_scenarios
from planner.io.export_table import ExportData, Kind, ScenarioChange, scenario_columns
from planner.io.xlsx_cells import Formats, headers, write

COMPARISON = "Comparison"
#: the longest sheet name Excel accepts
MAX_SHEET_NAME = 31
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(wanted: str, taken: Iterable[str]) -> str:
    """A valid Excel sheet name close to `wanted`: no []:*?/\\, no leading or trailing
    apostrophe, at most 31 characters, unlike every name in `taken` (Excel ignores case)."""
    base = _BAD.sub("-", " ".join(wanted.split())).strip("'").strip() or "Scenario"
    used = {t.casefold() for t in taken}
    name, n = base[:MAX_SHEET_NAME].rstrip("'").rstrip(), 1
    while name.casefold() in used or name.casefold() == "history":
        n += 1
        tail = f" ({n})"
        name = base[:MAX_SHEET_NAME - len(tail)].rstrip("'").rstrip() + tail
    return name


def scenario_sheets(wb: Workbook, data: ExportData, source: Source, taken: Iterable[str],
                    fmts: Formats) -> list[Worksheet]:
    """The Comparison sheet and one sheet per scenario (none when the plan has no scenarios)."""
    if not data.scenarios:
        return []
    names = list(taken)
    names.append(sheet_name(COMPARISON, names))
    comparison = wb.add_worksheet(names[-1])
    out = [comparison]
    for costed, change in zip(cost_scenarios(source)[1:], data.scenario_changes, strict=True):
        names.append(sheet_name(costed.label, names))
        ws = wb.add_worksheet(names[-1])
        _scenario_sheet(ws, costed, change.notes, data.currency, fmts)
        out.append(ws)
    _comparison_sheet(comparison, data, fmts)
    return out


def _scenario_sheet(ws: Worksheet, costed: Costed, notes: str, cur: str, fmts: Formats) -> None:
    """A scenario's lines: baseline and expected (low, high) a month, and the totals."""
    sm = costed.result.summary()
    ws.write_string(0, 0, f"Scenario: {costed.label}", fmts.title)
    ws.write_string(1, 0, notes or "The base with the scenario's changes.", fmts.note)
    ws.write_string(2, 0, "Amounts as the app costs the scenario (values; the base's inputs are on "
                          "the Inputs sheet).", fmts.note)
    head = ["Line", "Model", f"Baseline ({cur}/month)", f"Optimized, expected ({cur}/month)",
            f"Low ({cur}/month)", f"High ({cur}/month)"]
    headers(ws, 4, head, fmts.header)
    row = 5
    for i, line in enumerate(costed.plan.lines):
        write(ws, row, 0, line.name, Kind.TEXT, fmts)
        write(ws, row, 1, line.model, Kind.TEXT, fmts)
        for col, v in enumerate((sm.line_baseline[i], sm.line_optimized[i], sm.line_low[i], sm.line_high[i]), 2):
            write(ws, row, col, v, Kind.MONEY, fmts)
        row += 1
    for a, amount in zip(costed.result.add_ons, sm.add_on_amounts, strict=True):
        write(ws, row, 0, a.name, Kind.TEXT, fmts)
        write(ws, row, 1, ADD_ON_TAG, Kind.TEXT, fmts)
        for col in (3, 4, 5):
            write(ws, row, col, amount, Kind.MONEY, fmts)
        row += 1
    write(ws, row, 0, "Total", Kind.TEXT, fmts, total=True)
    write(ws, row, 1, "", Kind.TEXT, fmts, total=True)
    for col, v in enumerate((sm.baseline, sm.optimized, sm.low, sm.high), 2):
        write(ws, row, col, v, Kind.MONEY, fmts, total=True)
    ws.set_column(0, 1, 30)
    ws.set_column(2, 5, 16)
    ws.freeze_panes(5, 1)


def _comparison_sheet(ws: Worksheet, data: ExportData, fmts: Formats) -> None:
    """The base and each scenario side by side, then each scenario against the base."""
    spec = scenario_columns(data.currency)
    ws.write_string(0, 0, "Scenarios against the base", fmts.title)
    ws.write_string(1, 0, "Each scenario changes some lines or plan-wide settings of the base and follows "
                          "it in everything else. Change: the scenario's figure minus the base's.", fmts.note)
    headers(ws, 3, [c.header for c in spec] + ["Change (%)"], fmts.header)
    row = 4
    for r in data.scenarios:
        for col, c in enumerate(spec):
            value = None if (c.key == "change" and r.label == "Base") else getattr(r, c.key)
            write(ws, row, col, value, c.kind, fmts)
        write(ws, row, len(spec), r.change_fraction, Kind.SHARE, fmts)
        row += 1
    base = data.scenarios[0]
    for change, side in zip(data.scenario_changes, data.scenarios[1:], strict=True):
        row = _changes(ws, row + 1, change, data.currency, fmts)
        _change_row(ws, row, ("Total", base.monthly, side.monthly, side.change, side.change_fraction), fmts,
                    total=True)
        row += 1
        row = _levers(ws, row, change, data.currency, fmts)
    ws.set_column(0, 0, 34)
    ws.set_column(1, len(spec), 17)


def _changes(ws: Worksheet, row: int, c: ScenarioChange, cur: str, fmts: Formats) -> int:
    """One scenario against the base, each line (the biggest movers first); the next free row."""
    ws.write_string(row, 0, f"{c.name} against the base", fmts.section)
    if c.notes:
        ws.write_string(row + 1, 0, c.notes, fmts.note)
    row += 2
    headers(ws, row, ["Line", f"Base ({cur}/month)", f"{c.name} ({cur}/month)", f"Change ({cur}/month)",
                      "Change (%)"], fmts.header)
    row += 1
    for name, base, new, delta, frac in c.lines:
        _change_row(ws, row, (name, base, new, delta, frac), fmts)
        row += 1
    return row


def _levers(ws: Worksheet, row: int, c: ScenarioChange, cur: str, fmts: Formats) -> int:
    """Each lever's saving that moved, the biggest first; the next free row. The fraction is
    of the base's saving, as a line's is of the base's amount."""
    if c.levers:
        row += 1
        headers(ws, row, ["Saving by lever", f"Base ({cur}/month)", f"{c.name} ({cur}/month)",
                          f"Change ({cur}/month)", "Change (%)"], fmts.header)
        row += 1
        for label, base, new, delta in c.levers:
            _change_row(ws, row, (label, base, new, delta, fraction_of(delta, base)), fmts)
            row += 1
    return row


def _change_row(ws: Worksheet, row: int, cells: tuple[str, Decimal | None, Decimal | None, Decimal,
                                                         Decimal | None], fmts: Formats, total: bool = False) -> None:
    name, base, new, delta, frac = cells
    write(ws, row, 0, name, Kind.TEXT, fmts, total)
    for col, v in enumerate((base, new, delta), 1):
        write(ws, row, col, v, Kind.MONEY, fmts, total)
    write(ws, row, 4, frac, Kind.SHARE, fmts, total)

"""XLSX export: a live workbook. Inputs holds every assumption (inputs in light yellow); Plan,
By month, Forecast and Summary compute every amount from them with formulas that follow the
engine (docs/costs.md), each caching the app's own figure; Workings shows each line's steps.
Lines a formula cannot follow carry the engine's amounts as values, listed on the Summary.
A plan's scenarios get a Comparison sheet and a sheet each, as values (xlsx_scenarios)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import xlsxwriter

from planner.domain.actuals import Variance
from planner.io.atomic import write_bytes_atomic
from planner.io.export_sections import Source
from planner.io.export_table import ExportData
from planner.io.xlsx_amounts import (
    BY_MONTH,
    FORECAST,
    PLAN,
    WORKINGS,
    by_month_sheet,
    forecast_sheet,
    layout,
    plan_sheet,
    workings_sheet,
)
from planner.io.xlsx_cells import WORKBOOK_OPTIONS, Formats, money_format
from planner.io.xlsx_groups import SHEET as BY_GROUP
from planner.io.xlsx_groups import group_sheet
from planner.io.xlsx_inputs import SHEET as INPUTS
from planner.io.xlsx_inputs import inputs_sheet
from planner.io.xlsx_model import line_models
from planner.io.xlsx_scenarios import scenario_sheets
from planner.io.xlsx_summary import summary_sheet
from planner.io.xlsx_variance import variance_sheet

__all__ = ["check_xlsx", "export_xlsx", "money_format", "xlsx_bytes"]

#: the sheets in the order the workbook shows them
SHEETS = ("Summary", PLAN, BY_MONTH, FORECAST, INPUTS, WORKINGS)


def xlsx_bytes(data: ExportData, source: Source, variance: Variance | None = None) -> bytes:
    """The workbook as bytes: sheets Summary, Plan, By month, (By group, where the lines name
    groups,) Forecast, Inputs, Workings; then, when the plan has scenarios, Comparison and one
    sheet per scenario; then, with a `variance`, the Variance sheet (plan versus actual of its
    month)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    wb.set_properties({
        "title": f"{data.plan_name}: LLM cost budget",
        "subject": "Monthly LLM API cost plan",
        "author": "Cost Planner",
        "created": data.exported_at.replace(tzinfo=None),
    })
    fmts = Formats(wb, data.currency)
    lay = layout(source)
    names = list(SHEETS)
    if data.group_waterfall is not None and source.plan.lines:
        names.insert(names.index(BY_MONTH) + 1, BY_GROUP)
    sheets = {name: wb.add_worksheet(name) for name in names}
    lines = line_models(source)
    refs = inputs_sheet(sheets[INPUTS], source, data, lines, fmts)
    workings_sheet(sheets[WORKINGS], lines, refs, fmts)
    plan_sheet(sheets[PLAN], source, lines, refs, lay, fmts)
    by_month_sheet(sheets[BY_MONTH], source, lines, refs, lay, fmts)
    forecast_sheet(sheets[FORECAST], source, data, refs, lay, fmts)
    summary_sheet(sheets["Summary"], source, data, lines, refs, lay, fmts)
    if BY_GROUP in sheets:
        group_sheet(sheets[BY_GROUP], source, data, refs, lay, fmts)
    extra = scenario_sheets(wb, data, source, tuple(names), fmts)
    if variance is not None:
        extra.append(variance_sheet(wb, variance, [ws.get_name() for ws in wb.worksheets()], fmts))
    for ws in [*sheets.values(), *extra]:
        # formulas are locked against accidental edits; input cells are unlocked (no password)
        ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
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


def export_xlsx(data: ExportData, path: Path, source: Source, variance: Variance | None = None) -> None:
    """Build the workbook in memory and write it atomically, checked as a readable zip.
    `source` is what `data` was built from (the plan, its catalog and result): the workbook's
    formulas need the plan's inputs, not only its figures."""
    write_bytes_atomic(Path(path), xlsx_bytes(data, source, variance), verify=check_xlsx)

"""Workbook test helpers: export a plan, read it back with openpyxl, recalculate it with a
formula engine (the `formulas` package), find a labelled cell."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from planner.domain.catalog import Catalog
from planner.domain.costing import compute
from planner.domain.plan import Plan
from planner.io.export_sections import Source, build_export
from planner.io.export_xlsx import export_xlsx
from tests.conftest import REPO

EXAMPLES = REPO / "data" / "examples"
EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
CENT = Decimal("0.01")


def export(plan: Plan, catalog: Catalog, path: Path) -> Path:
    result = compute(plan, catalog)
    data = build_export(plan, catalog, result, exported_at=EXPORTED_AT)
    export_xlsx(data, path, Source.of(plan, catalog, result))
    return path


class Recalculated:
    """A workbook recalculated by a formula engine: cell values by sheet and address."""

    def __init__(self, path: Path) -> None:
        import formulas

        self.book = path.name
        model = formulas.ExcelModel().loads(str(path)).finish()
        self.solution = model.calculate()

    def __call__(self, sheet: str, address: str) -> Any:
        v = self.solution[f"'[{self.book}]{sheet.upper()}'!{address}"]
        v = v.value[0][0] if hasattr(v, "value") else v
        return v

    def money(self, sheet: str, address: str) -> Decimal:
        """An amount to the cent (the float a spreadsheet holds, 802.0599999999999, is 802.06)."""
        return Decimal(repr(float(self(sheet, address)))).quantize(CENT)


def find(ws: Any, text: str, col: int | None = None) -> tuple[int, int]:
    """(row, column), 1-based, of the first cell holding `text` (in column `col` if given)."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == text and (col is None or c.column == col):
                return c.row, c.column
    raise KeyError(text)


def cell_in(ws: Any, row_label: str, header: str, header_row_label: str | None = None) -> str:
    """The address of the cell in the row labelled `row_label` (column A) under `header` (in
    the header row at or above it; `header_row_label` names that row's first cell)."""
    r, _ = find(ws, row_label, 1)
    hr = r
    while hr > 0 and header not in [c.value for c in ws[hr]]:
        hr -= 1
    if header_row_label is not None:
        hr, _ = find(ws, header_row_label, 1)
    _, c = find_in_row(ws, hr, header)
    return ws.cell(r, c).coordinate


def find_in_row(ws: Any, row: int, text: str) -> tuple[int, int]:
    for c in ws[row]:
        if c.value == text:
            return row, c.column
    raise KeyError(text)


def load(path: Path, data_only: bool = False) -> Any:
    return openpyxl.load_workbook(path, data_only=data_only)

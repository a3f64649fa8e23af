"""The exports' group waterfalls: the PDF's summary by group and the workbook's By group sheet
show each group's baseline, steps and expected amount as the domain works them out, and the
workbook's formulas recalculate to them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.domain.costing import compute
from planner.domain.plan import Plan
from planner.formatting import fmt_money
from planner.io.catalog_files import load_effective
from planner.io.export_pdf import export_pdf
from planner.io.export_sections import build_export
from planner.io.plan_files import open_plan
from tests.conftest import REPO
from tests.io.test_xlsx_recalc import assert_formulas_match_cached
from tests.io.xlsx_helpers import Recalculated, export, find, load

EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
GROUPS = ["Customer", "Customer", "", "Internal", "Internal", "Internal"]
#: names a spreadsheet's SUMIF would read as a pattern or a comparison, or match whatever the case
ODD_GROUPS = ["Ops*", "Ops*", "", ">5", "Ops", "ops"]


def grouped_suite(names: list[str] = GROUPS) -> Plan:
    """The product suite in two groups and one line with none, with retries and a platform fee
    (steps of their own) besides its semantic-caching multiplier."""
    p = open_plan(REPO / "data" / "examples" / "product-suite.costplan")
    lines = [ln.model_copy(update={"group": g}) for ln, g in zip(p.lines, names, strict=True)]
    return p.model_copy(update={"lines": lines, "retry_overhead": D("0.05"), "platform_fee": D("0.02")})


def amount(x: D) -> str:
    return fmt_money(x, "USD", symbol=False)


def test_pdf_summary_shows_each_groups_waterfall(qapp, tmp_path: Path):
    plan, cat = grouped_suite(), load_effective().catalog
    r = compute(plan, cat)
    out = tmp_path / "budget.pdf"
    export_pdf(build_export(plan, cat, r, exported_at=EXPORTED_AT), out)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    groups = r.by_group(GROUPS)
    assert [g.name for g in groups] == ["Customer", "(no group)", "Internal"]
    section = text[text.index("Savings waterfall by group"):]
    assert "Step Customer (no group) Internal" in section
    assert f"Baseline {' '.join(amount(g.baseline) for g in groups)}" in section
    for k, step in enumerate(r.waterfall):
        assert f"{step.label} {' '.join(amount(g.waterfall_steps[k].saving) for g in groups)}" in section, step.label
    assert f"Optimized (expected) {' '.join(amount(g.optimized) for g in groups)}" in section
    # each column foots, and the groups' expected amounts add up to the plan's
    for g in groups:
        assert g.baseline - sum(s.saving for s in g.waterfall_steps) == g.optimized
    assert sum(g.optimized for g in groups) == r.summary().optimized


@pytest.mark.slow
@pytest.mark.parametrize("names", [GROUPS, ODD_GROUPS], ids=["plain", "pattern-like"])
def test_workbook_by_group_recalculates_to_the_domains_figures(tmp_path: Path, names):
    plan = grouped_suite(names)
    cat = load_effective().catalog
    path = export(plan, cat, tmp_path / "b.xlsx")
    assert load(path).sheetnames[:4] == ["Summary", "Plan", "By month", "By group"]
    assert assert_formulas_match_cached(path) > 200
    calc = Recalculated(path)
    ws = load(path)["By group"]
    groups = compute(plan, cat).by_group(names)
    from openpyxl.utils import get_column_letter

    head_row, _ = find(ws, "Group", 1)
    wf_row, _ = find(ws, "Baseline (own model, no levers)", 1)
    labels = {ws.cell(r, 1).value: r for r in range(wf_row, wf_row + 30) if ws.cell(r, 1).value}
    for j, g in enumerate(groups):
        row = head_row + 1 + j
        assert ws.cell(row, 1).value == g.name
        figures = [calc.money("By group", f"{get_column_letter(c)}{row}") for c in range(5, 10)]
        assert figures == [g.baseline, g.low, g.optimized, g.high, g.savings]
        assert calc("By group", f"C{row}") == len(g.lines)
        col = get_column_letter(2 + j)
        assert calc.money("By group", f"{col}{wf_row}") == g.baseline
        for s in g.waterfall_steps:
            assert calc.money("By group", f"{col}{labels[s.label]}") == s.saving, (g.name, s.label)
        assert calc.money("By group", f"{col}{labels['Optimized (expected)']}") == g.optimized
    # a multiplier that is off in the app is a row of zeros that stays live in the workbook
    assert all(calc.money("By group", f"{get_column_letter(2 + j)}{labels['Smart routing (off)']}") == 0
               for j in range(len(groups)))


def test_a_plan_without_groups_has_no_by_group_sheet_nor_section(qapp, tmp_path: Path):
    plan, cat = open_plan(REPO / "data" / "examples" / "product-suite.costplan"), load_effective().catalog
    data = build_export(plan, cat, compute(plan, cat), exported_at=EXPORTED_AT)
    assert data.group_waterfall is None
    assert "By group" not in load(export(plan, cat, tmp_path / "b.xlsx")).sheetnames


def test_more_groups_than_fit_across_go_on_in_a_second_table(qapp, tmp_path: Path):
    p = open_plan(REPO / "data" / "examples" / "product-suite.costplan")
    names = [f"Team {k + 1}" for k in range(len(p.lines))]
    plan = p.model_copy(update={"lines": [ln.model_copy(update={"group": g}) for ln, g in zip(p.lines, names,
                                                                                              strict=True)]})
    cat = load_effective().catalog
    r = compute(plan, cat)
    out = tmp_path / "budget.pdf"
    export_pdf(build_export(plan, cat, r, exported_at=EXPORTED_AT), out)
    text = " ".join(" ".join(pg.extract_text().split()) for pg in PdfReader(out).pages)
    section = text[text.index("Savings waterfall by group"):text.index("Range per month")]
    groups = r.by_group(names)
    assert "Step Team 1 Team 2 Team 3 Team 4 Team 5 Baseline" in section
    assert f"Step Team 6 Baseline {amount(groups[5].baseline)}" in section
    assert section.count("Optimized (expected)") == 2

"""The workbook's scenario sheets read back: one sheet per scenario with its lines and totals,
and a Comparison sheet whose figures are the ones `cost-planner quote --scenario` gives."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.plan import Scenario
from planner.io.catalog_files import load_effective
from planner.io.export_xlsx import money_format
from planner.io.plan_files import open_plan
from planner.io.xlsx_scenarios import sheet_name
from tests.io.xlsx_helpers import EXAMPLES, cell_in, export, find, load

SUITE = EXAMPLES / "product-suite.costplan"
SCENARIOS = ("Cheaper models", "Twice the volume")
CENT = Decimal("0.01")
MONTHLY = "Monthly expected (USD)"


def money(value) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT)


def quote(capsys, *argv: str) -> dict:
    """`cost-planner quote product-suite [argv] --json`, as a user runs it."""
    capsys.readouterr()
    assert main(["quote", str(SUITE), *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> object:
    out = tmp_path_factory.mktemp("scenarios") / "suite.xlsx"
    export(open_plan(SUITE), load_effective().catalog, out)
    return load(out, data_only=True)


def column(ws, header: str, header_row: int) -> int:
    return next(c.column for c in ws[header_row] if c.value == header)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_sheet_totals_are_the_scenarios_quote(book, capsys, name):
    q = quote(capsys, "--scenario", name)
    ws = book[name]
    header_row, _ = find(ws, "Line", 1)
    opt, base = column(ws, "Optimized, expected (USD/month)", header_row), column(ws, "Baseline (USD/month)", header_row)
    total_row, _ = find(ws, "Total", 1)
    lines = range(header_row + 1, total_row)
    assert len(lines) == len(open_plan(SUITE).lines)
    assert money(ws.cell(total_row, opt).value) == Decimal(q["optimized_monthly"])
    assert money(ws.cell(total_row, base).value) == Decimal(q["baseline_monthly"])
    # the totals foot: each is its lines' amounts added up
    assert sum(money(ws.cell(r, opt).value) for r in lines) == Decimal(q["optimized_monthly"])
    assert sum(money(ws.cell(r, base).value) for r in lines) == Decimal(q["baseline_monthly"])
    assert ws.cell(total_row, opt).number_format == money_format("USD")


def test_comparison_side_by_side_is_each_quote(book, capsys):
    ws = book["Comparison"]
    base = quote(capsys)
    assert money(ws[cell_in(ws, "Base", MONTHLY)].value) == Decimal(base["optimized_monthly"])
    for name in SCENARIOS:
        q = quote(capsys, "--scenario", name)
        assert money(ws[cell_in(ws, name, MONTHLY)].value) == Decimal(q["optimized_monthly"])
        assert money(ws[cell_in(ws, name, "Low (USD/month)")].value) == Decimal(q["optimized_monthly_low"])
        assert money(ws[cell_in(ws, name, "High (USD/month)")].value) == Decimal(q["optimized_monthly_high"])
        assert money(ws[cell_in(ws, name, "Next 12 months (USD)")].value) == Decimal(q["next_12_months"])
        change = Decimal(q["optimized_monthly"]) - Decimal(base["optimized_monthly"])
        assert money(ws[cell_in(ws, name, "Change from base (USD/month)")].value) == change
        fraction = ws[cell_in(ws, name, "Change (%)", "Scenario")]
        assert Decimal(repr(fraction.value)) == (change / Decimal(base["optimized_monthly"])).quantize(Decimal("0.0001"))
        assert fraction.number_format.endswith("%")


def test_twice_the_volume_doubles_the_base_and_overruns_the_budget(book):
    ws = book["Comparison"]
    base = money(ws[cell_in(ws, "Base", MONTHLY)].value)
    doubled = money(ws[cell_in(ws, "Twice the volume", MONTHLY)].value)
    # each line's cents are rounded on their own: twice the volume is within a cent a line of 2x
    assert abs(doubled - 2 * base) <= CENT * 6
    budget = base + money(ws[cell_in(ws, "Base", "Budget headroom (USD/month)")].value)
    assert money(ws[cell_in(ws, "Twice the volume", "Budget headroom (USD/month)")].value) == budget - doubled


def _changes(ws, scenario: str) -> list[tuple]:
    """The per-line rows under '<scenario> against the base': (line, base, scenario, change, fraction)."""
    start, _ = find(ws, f"{scenario} against the base", 1)
    header = next(r for r in range(start, ws.max_row + 1) if ws.cell(r, 1).value == "Line")
    rows = []
    r = header + 1
    while ws.cell(r, 1).value != "Total":
        rows.append(tuple(ws.cell(r, c).value for c in range(1, 6)))
        r += 1
    return rows


@pytest.mark.parametrize("name", SCENARIOS)
def test_comparison_per_line_changes_biggest_movers_first(book, capsys, name):
    per_line = _changes(book["Comparison"], name)
    scenario_sheet = book[name]
    base_sheet = book["Plan"]
    for line, before, after, change, fraction in per_line:
        assert money(before) == money(base_sheet[cell_in(base_sheet, line, "Optimized, expected (USD/month)")].value)
        assert money(after) == money(scenario_sheet[cell_in(scenario_sheet, line, "Optimized, expected (USD/month)")].value)
        assert money(change) == money(after) - money(before)
        assert Decimal(repr(fraction)) == ((money(after) - money(before)) / money(before)).quantize(Decimal("0.0001"))
    moves = [abs(money(c)) for _, _, _, c, _ in per_line]
    assert moves == sorted(moves, reverse=True)
    q, base = quote(capsys, "--scenario", name), quote(capsys)
    assert sum(money(c) for _, _, _, c, _ in per_line) == (Decimal(q["optimized_monthly"])
                                                         - Decimal(base["optimized_monthly"]))


def test_comparison_per_lever_changes_are_the_quotes_savings(book, capsys):
    ws = book["Comparison"]
    base = {w["label"]: Decimal(w["saving"]) for w in quote(capsys)["waterfall"]}
    cheaper = {w["label"]: Decimal(w["saving"]) for w in quote(capsys, "--scenario", "Cheaper models")["waterfall"]}
    start, _ = find(ws, "Cheaper models against the base", 1)
    head = next(r for r in range(start, ws.max_row + 1) if ws.cell(r, 1).value == "Saving by lever")
    rows = []
    r = head + 1
    while ws.cell(r, 1).value:
        rows.append(tuple(ws.cell(r, c).value for c in range(1, 6)))
        r += 1
    moved = {k for k in base if base[k] != cheaper.get(k)}
    assert {label for label, *_ in rows} == moved
    for label, before, after, change, _fraction in rows:
        assert (money(before), money(after)) == (base[label], cheaper[label])
        assert money(change) == cheaper[label] - base[label]
    assert [abs(money(c)) for *_, c, _ in rows] == sorted((abs(money(c)) for *_, c, _ in rows), reverse=True)


def test_a_plan_without_scenarios_gets_no_scenario_sheets(tmp_path: Path):
    out = export(open_plan(EXAMPLES / "small-saas.costplan"), load_effective().catalog, tmp_path / "b.xlsx")
    assert load(out).sheetnames == ["Summary", "Plan", "By month", "Forecast", "Inputs", "Workings"]


def test_scenario_names_become_valid_unique_sheet_names(tmp_path: Path):
    plan = open_plan(SUITE)
    base = plan.scenarios[0]
    odd = ["Plan", "a/b: [c]*?\\", "x" * 40, "x" * 40 + " again", "'quoted'"]
    scenarios = [base.model_copy(update={"name": n}) for n in odd]
    plan = plan.model_copy(update={"scenarios": [*scenarios, Scenario(name="comparison")]})
    names = load(export(plan, load_effective().catalog, tmp_path / "odd.xlsx")).sheetnames[6:]
    assert names == ["Comparison", "Plan (2)", "a-b- -c----", "x" * 31, "x" * 27 + " (2)", "quoted", "comparison (2)"]
    assert len({n.casefold() for n in names}) == len(names)


def test_sheet_name_rules():
    assert sheet_name("  ", []) == "Scenario"
    assert sheet_name("History", []) == "History (2)"
    assert sheet_name("summary", ["Summary"]) == "summary (2)"
    assert sheet_name("Summary", ["Summary", "Summary (2)"]) == "Summary (3)"

"""Plan versus actual in the exports: the PDF's section and the workbook's Variance sheet, read
back, against planner.domain.actuals' shown figures (and by hand for the fixtures' total).

The fixtures (tests/fixtures/usage, figured in tests/test_cli_actuals.py): planned $12.10,
actual $14.90, +$2.80 (+23.1%) = volume +$2.42, mix +$2.50, price +$0.14, levers −$2.26;
GPT-4o Mini billed $1.40 against $1.26 at catalog prices (+11.1%, flagged). The plan with
only Support bot leaves the Mini usage unmatched: $13.50 + $1.40 against $10.00."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from planner.domain.actuals import UsageMapping, Variance, variance
from planner.domain.catalog import Catalog
from planner.domain.costing import compute
from planner.domain.plan import Plan
from planner.formatting import fmt_money, fmt_pct
from planner.io.catalog_files import load_catalog
from planner.io.export_job import ExportTargets, run_export
from planner.io.plan_files import open_plan
from planner.io.usage import load_usage
from tests.conftest import FIXTURES
from tests.io.test_export_pdf import chart_image, page_texts
from tests.io.test_xlsx_recalc import assert_formulas_match_cached
from tests.io.xlsx_helpers import Recalculated, find, load

USAGE = FIXTURES / "usage"
FILES = [USAGE / "openai-usage-2026-03.json", USAGE / "openai-costs-2026-03.json"]
EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
D = Decimal


def catalog() -> Catalog:
    return load_catalog(USAGE / "catalog.json")


def support_only(tmp_path: Path) -> Plan:
    raw = json.loads((USAGE / "support.costplan").read_text())
    raw["lines"] = raw["lines"][:1]
    path = tmp_path / "support-only.costplan"
    path.write_text(json.dumps(raw))
    return open_plan(path)


def plan_and_variance(plan: Plan | None = None) -> tuple[Plan, Catalog, Variance]:
    cat = catalog()
    plan = plan or open_plan(USAGE / "support.costplan")
    loaded = load_usage(FILES, cat)
    return plan, cat, variance(plan, cat, loaded.records, UsageMapping(keys=dict(plan.actuals_mapping)))


def export(tmp_path: Path, plan: Plan, cat: Catalog, v: Variance, charts=None) -> tuple[Path, Path]:
    pdf, xlsx = tmp_path / "budget.pdf", tmp_path / "budget.xlsx"
    run_export(plan, cat, ExportTargets(xlsx=xlsx, pdf=pdf), exported_at=EXPORTED_AT, variance=v,
               variance_charts=charts)
    return pdf, xlsx


def signed(x: Decimal, cur: str = "USD") -> str:
    return ("+" if x > 0 else "\u2212" if x < 0 else "") + fmt_money(abs(x), cur)


def pct(x: Decimal | None) -> str:
    return "—" if x is None else ("+" if x > 0 else "\u2212" if x < 0 else "") + fmt_pct(abs(x) * 100, 1)


def section(pdf: Path) -> str:
    pages = page_texts(pdf)
    (page,) = [t for t in pages if "Plan versus actual" in t]
    return page


def test_the_pdf_has_the_plan_versus_actual_section(tmp_path):
    plan, cat, v = plan_and_variance()
    pdf, _ = export(tmp_path, plan, cat, v, charts=lambda: [("Variance waterfall", chart_image())])
    text = section(pdf)
    rows, total = v.shown()
    for r in [*rows, total]:
        cells = [r.name, fmt_money(r.planned, "USD"), fmt_money(r.actual, "USD"), signed(r.variance),
                 pct(r.variance_fraction), *(signed(getattr(r.split, k)) for k in ("volume", "mix", "price", "lever"))]
        assert " ".join(cells) in text
    # by hand: the total row of the fixtures
    assert "Total $12.10 $14.90 +$2.80 +23.1% +$2.42 +$2.50 +$0.14 −$2.26" in text
    # the per-model table: Mini billed $1.40 against $1.26 at catalog prices, flagged
    assert "openai/gpt-4o-mini $2.10 $1.40 $1.26 +11.1% ▲" in text
    assert "openai/gpt-4o $10.00 $13.50 $13.50 0.0%" in text
    assert "Mar 2026 $12.10 $14.90 +$2.80 +23.1%" in text  # by month
    assert "Variance waterfall" in text  # the picture's title
    assert "billed above the catalog price of the same tokens by 11.1%" in text  # the notice
    # the rest of the budget is there, the sign-off last
    pages = page_texts(pdf)
    assert "Line items" in " ".join(pages) and "Sign-off" in pages[-1]


def test_unmatched_usage_in_the_pdf(tmp_path):
    plan, cat, v = plan_and_variance(support_only(tmp_path))
    pdf, _ = export(tmp_path, plan, cat, v)
    text = section(pdf)
    # $1.40 of Mini usage no line claims: all of it volume
    assert "(unmatched) $0.00 $1.40 +$1.40 — +$1.40 $0.00 $0.00 $0.00" in text
    assert "Total $10.00 $14.90 +$4.90 +49.0%" in text
    assert "Usage no line claims" in text and "gpt-4o-mini-2024-07-18 openai/gpt-4o-mini 12,000 $1.40" in text


def test_a_pdf_without_actuals_has_no_section(tmp_path):
    plan, cat = open_plan(USAGE / "support.costplan"), catalog()
    pdf = tmp_path / "budget.pdf"
    run_export(plan, cat, ExportTargets(pdf=pdf), exported_at=EXPORTED_AT)
    assert not any("Plan versus actual" in t for t in page_texts(pdf))


def rows_below(ws, header: str) -> list[list]:
    """The rows of the table whose header row starts with `header`, up to the first blank row."""
    r, _ = find(ws, header, 1)
    out = []
    r += 1
    while ws.cell(r, 1).value not in (None, ""):
        out.append([ws.cell(r, c).value for c in range(1, ws.max_column + 1)])
        r += 1
    return out


def test_the_workbook_has_a_variance_sheet(tmp_path):
    plan, cat, v = plan_and_variance(support_only(tmp_path))
    _, xlsx = export(tmp_path, plan, cat, v)
    wb = load(xlsx)
    assert wb.sheetnames[-1] == "Variance"
    ws = wb["Variance"]
    rows, total = v.shown()
    table = rows_below(ws, "Line")
    assert [r[0] for r in table] == ["Support bot", "(unmatched)", "Total"]
    calc = Recalculated(xlsx)
    for sheet_row, r in zip(table, [*rows, total], strict=True):
        name, planned, actual, var, frac, *parts = sheet_row[:9]
        # amounts are the domain's values; variance and variance % are formulas over the row
        assert (D(str(planned)), D(str(actual))) == (r.planned, r.actual)
        assert [D(str(x)) for x in parts] == [r.split.volume, r.split.mix, r.split.price, r.split.lever]
        assert isinstance(var, str) and var.startswith("=") and isinstance(frac, str) and frac.startswith("=")
    r0, _ = find(ws, "Line", 1)
    for i, r in enumerate([*rows, total], start=r0 + 1):
        assert calc.money("Variance", f"D{i}") == r.actual - r.planned
        got = calc("Variance", f"E{i}")
        if r.variance_fraction is None:
            assert got in ("", None)
        else:
            assert D(repr(float(got))).quantize(D("0.0001")) == r.variance_fraction
    # by hand: $14.90 − $10.00 = $4.90, 4.90 / 10.00 = 49%
    assert calc.money("Variance", f"D{r0 + 3}") == D("4.90")
    assert float(calc("Variance", f"E{r0 + 3}")) == pytest.approx(0.49)
    models = {r[0]: r for r in rows_below(ws, "Model")}
    mini = models["openai/gpt-4o-mini"]
    assert (D(str(mini[2])), D(str(mini[3])), mini[5]) == (D("1.40"), D("1.26"), "more than 2% apart")
    assert float(mini[4]) == pytest.approx(0.1111)  # 1.40 / 1.26 − 1
    (march,) = rows_below(ws, "Month")
    assert (D(str(march[1])), D(str(march[2]))) == (D("10.00"), D("14.90"))
    unmatched = rows_below(ws, "Usage key")
    assert [(u[0], u[1], u[2], D(str(u[3]))) for u in unmatched] == [
        ("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", 12000, D("1.40"))]
    # money in the plan's currency format, like the other sheets
    assert ws[f"B{r0 + 1}"].number_format == wb["Plan"][_money_cell(wb)].number_format == '"$"#,##0.00'


def _money_cell(wb) -> str:
    """The address of a money cell on the Plan sheet (the first line's optimized amount)."""
    ws = wb["Plan"]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.number_format, str) and '"$"' in c.number_format:
                return c.coordinate
    raise KeyError("no money cell")


def test_every_formula_still_recalculates_to_its_cached_figure(tmp_path):
    plan, cat, v = plan_and_variance()
    _, xlsx = export(tmp_path, plan, cat, v)
    assert assert_formulas_match_cached(xlsx) > 10


def test_csv_exports_are_unchanged_by_actuals(tmp_path):
    plan, cat, v = plan_and_variance()
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    run_export(plan, cat, ExportTargets(csv=a, by_month_csv=tmp_path / "a-m.csv"), exported_at=EXPORTED_AT)
    run_export(plan, cat, ExportTargets(csv=b, by_month_csv=tmp_path / "b-m.csv"), exported_at=EXPORTED_AT,
               variance=v)
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a-m.csv").read_bytes() == (tmp_path / "b-m.csv").read_bytes()
    assert compute(plan, cat).summary().optimized == D("12.10")

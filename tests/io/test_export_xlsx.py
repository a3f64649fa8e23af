"""XLSX export read back: the sheets, inputs visibly inputs and unlocked, formulas protected
and caching the app's figures, money in the plan's currency, text never a formula."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from planner.domain.plan import Currency
from planner.io.catalog_files import load_effective
from planner.io.export_xlsx import money_format
from planner.io.plan_files import open_plan
from planner.io.xlsx_cells import INPUT_FILL
from tests.io.xlsx_helpers import EXAMPLES, cell_in, export, find, load

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@x", "=1+1"]
SHEETS = ["Summary", "Plan", "By month", "Forecast", "Inputs", "Workings"]


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("suite") / "budget.xlsx"
    export(open_plan(EXAMPLES / "product-suite.costplan"), load_effective().catalog, out)
    assert [p.name for p in out.parent.iterdir()] == ["budget.xlsx"]  # atomic: no temp file left
    return out


def money(value) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


def test_sheets(suite):
    # product-suite has two scenarios: a comparison and a sheet each follow the plan's sheets
    assert load(suite).sheetnames == [*SHEETS, "Comparison", "Cheaper models", "Twice the volume"]


def test_amounts_are_formulas_caching_the_apps_figures(suite):
    book, cached = load(suite), load(suite, data_only=True)
    plan = cached["Plan"]
    total = cell_in(plan, "Total", "Optimized, expected (USD/month)")
    assert book["Plan"][total].value.startswith("=SUM(")
    assert money(plan[total].value) == Decimal("551.64")
    # each line's amount rounds its unrounded working amount to the cent
    line = cell_in(plan, "Support bot", "Optimized, expected (USD/month)")
    assert book["Plan"][line].value.startswith("=ROUND(ROUND(")
    summary = cached["Summary"]
    r, _ = find(summary, "Monthly expected (USD)", 1)
    assert money(summary.cell(r, 2).value) == Decimal("551.64")
    assert book["Summary"].cell(r, 2).value == "=Plan!$F$8"
    r, _ = find(summary, "Annual run-rate (USD, 12 x monthly expected)", 1)
    assert money(summary.cell(r, 2).value) == Decimal("551.64") * 12
    # the forecast's first month is this month; its total adds up the shown months
    forecast = cached["Forecast"]
    months = [money(forecast.cell(r, 5).value) for r in range(2, 14)]
    assert months[0] == Decimal("551.64")
    assert money(forecast.cell(14, 5).value) == sum(months)


def test_every_amount_on_plan_by_month_and_forecast_is_a_formula(suite):
    book = load(suite)
    for name in ("Plan", "By month", "Forecast"):
        for row in book[name].iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, int | float):
                    pytest.fail(f"{name}!{c.coordinate} is a value: {c.value}")
    # the one routed line keeps the app's amounts, in its Workings row, and says why
    workings = load(suite, data_only=True)["Workings"]
    r, _ = find(workings, "Code review", 1)
    assert workings.cell(r, 26).value == "values: routed across several models"


def test_inputs_are_yellow_and_unlocked_formulas_are_protected(suite):
    book = load(suite)
    inputs = book["Inputs"]
    assert inputs["A2"].value == "Input" and inputs["A2"].fill.fgColor.rgb.endswith(INPUT_FILL[1:])
    assert "Light yellow cells are inputs" in inputs["B2"].value
    requests = inputs[cell_in(inputs, "Support bot", "Requests/month")]
    assert requests.fill.fgColor.rgb.endswith(INPUT_FILL[1:]) and not requests.protection.locked
    growth = inputs[cell_in(inputs, "Monthly volume growth (fraction)", "Value")]
    assert not growth.protection.locked and growth.value == pytest.approx(0.08)
    price = inputs[cell_in(inputs, "anthropic/claude-haiku-4-5", "Input")]
    assert not price.protection.locked and price.value == pytest.approx(0.25)
    # a derived price is a locked formula: the plan's default discount on the input price
    batch = inputs[cell_in(inputs, "anthropic/claude-haiku-4-5", "Batch input")]
    assert batch.value.startswith("=") and batch.protection.locked
    # a routed line's own inputs are facts, not inputs (its amounts are values)
    routed = inputs[cell_in(inputs, "Code review", "Requests/month")]
    assert routed.protection.locked
    for ws in book.worksheets:
        assert ws.protection.sheet and not ws.protection.password
    assert book["Plan"]["F2"].protection.locked


def test_no_broken_references_or_array_formulas(suite):
    with zipfile.ZipFile(suite) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "#REF!" not in xml and 't="array"' not in xml, name


def test_hostile_text_is_stored_as_strings_not_formulas(tmp_path: Path):
    base = open_plan(EXAMPLES / "small-saas.costplan")
    lines = [base.lines[0].model_copy(update={"name": n}) for n in HOSTILE]
    out = export(base.model_copy(update={"lines": lines}), load_effective().catalog, tmp_path / "evil.xlsx")
    inputs = load(out)["Inputs"]
    r, _ = find(inputs, "Line", 1)
    for k, name in enumerate(HOSTILE, start=1):
        c = inputs.cell(r + k, 1)
        assert c.data_type == "s" and c.value == name  # verbatim, a string
    with zipfile.ZipFile(out) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert not [f for f in re.findall(r"<f>(.*?)</f>", sheets) if "HYPERLINK" in f]


def test_plan_currency_formats(tmp_path: Path):
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    chf = plan.model_copy(update={"currency": Currency(code="CHF", per_usd=Decimal("0.8"))})
    out = export(chf, load_effective().catalog, tmp_path / "chf.xlsx")
    with zipfile.ZipFile(out) as z:
        # CHF before the amount in en_US, a no-break space between: "CHF 1,234.50"
        assert "&quot;CHF\xa0&quot;#,##0.00" in z.read("xl/styles.xml").decode()
    book = load(out)
    assert "Baseline (CHF/month)" in [c.value for c in book["Plan"][1]]
    inputs = book["Inputs"]
    rate = inputs[cell_in(inputs, "Currency rate (CHF per USD)", "Value")]
    assert rate.value == pytest.approx(0.8) and not rate.protection.locked


def test_yen_amounts_have_no_decimals(tmp_path: Path):
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    jpy = plan.model_copy(update={"currency": Currency(code="JPY", per_usd=Decimal("150"))})
    out = export(jpy, load_effective().catalog, tmp_path / "jpy.xlsx")
    book = load(out)
    formats = {c.number_format for ws in book.worksheets for row in ws.iter_rows() for c in row
               if "¥" in c.number_format}
    # monthly amounts in whole yen; the cost per request keeps its six decimals
    assert formats == {'"¥"#,##0', '"¥"#,##0.000000'}
    plan_ws = book["Plan"]
    assert plan_ws[cell_in(load(out, data_only=True)["Plan"], "Total", "Baseline (JPY/month)")].value.startswith(
        "=SUM(")


def test_money_formats_follow_the_display_locale():
    from planner.formatting import set_display_locale

    assert money_format("USD") == '"$"#,##0.00'
    assert money_format("BHD") == '"BHD\xa0"#,##0.000'
    set_display_locale("de_DE")
    assert money_format("EUR") == '#,##0.00"\xa0€"'
    assert money_format("JPY") == '#,##0"\xa0¥"'

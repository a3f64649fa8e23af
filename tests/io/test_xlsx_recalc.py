"""The live workbook recalculated by a formula engine: every formula gives the figure it caches,
and inputs changed in the workbook give what the app quotes for the same changes, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from planner.domain.catalog import PricePoint
from planner.domain.costing import compute
from planner.domain.plan import Currency, FlatMultiplier, Forecast, Line, Plan, PromptCache
from planner.io.catalog_files import load_effective
from planner.io.plan_files import open_plan
from tests.domain.domain_helpers import catalog, mp
from tests.io.xlsx_helpers import EXAMPLES, Recalculated, cell_in, export, find, load

D = Decimal
SUITE = EXAMPLES / "product-suite.costplan"


def assert_formulas_match_cached(path: Path) -> int:
    """Every formula cell recalculates to the value the workbook caches for it."""
    calc = Recalculated(path)
    formulas_book, cached_book = load(path), load(path, data_only=True)
    n = 0
    for ws in formulas_book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if not (isinstance(c.value, str) and c.value.startswith("=")):
                    continue
                n += 1
                got, want = calc(ws.title, c.coordinate), cached_book[ws.title][c.coordinate].value
                if isinstance(want, int | float) and not isinstance(want, bool):
                    assert float(got) == pytest.approx(want, rel=1e-9, abs=1e-9), (ws.title, c.coordinate, c.value)
                else:
                    assert str(got) == str(want if want is not None else ""), (ws.title, c.coordinate, c.value)
    return n


@pytest.mark.slow
@pytest.mark.parametrize("name", ["product-suite", "routed-1m-mix"])
def test_every_formula_recalculates_to_its_cached_figure(tmp_path, name):
    plan = open_plan(EXAMPLES / f"{name}.costplan")
    assert assert_formulas_match_cached(export(plan, load_effective().catalog, tmp_path / "b.xlsx")) > 200


@pytest.mark.slow
def test_yen_plan_with_groups_and_a_short_horizon_recalculates_to_its_cached_figures(tmp_path):
    plan = open_plan(SUITE)
    lines = [ln.model_copy(update={"group": "Support" if i < 2 else ("" if i == 2 else "Product")})
             for i, ln in enumerate(plan.lines)]
    plan = plan.model_copy(update={
        "lines": lines,
        "currency": Currency(code="JPY", per_usd=D("151.3")),
        "forecast": Forecast(horizon_months=6, monthly_growth=D("0.03")),
        "monthly_budget": D("90000"),
    })
    path = export(plan, load_effective().catalog, tmp_path / "jpy.xlsx")
    assert_formulas_match_cached(path)
    months = load(path, data_only=True)["By month"]
    r, _ = find(months, "By group", 1)
    assert [months.cell(r + k, 1).value for k in (1, 2, 3)] == ["Support", "(no group)", "Product"]


def set_cell(path: Path, sheet: str, address: str, value) -> None:
    book = load(path)
    book[sheet][address] = value
    book.save(path)


def shown(calc: Recalculated, ws, row_label: str, header: str) -> Decimal:
    return calc.money(ws.title, cell_in(ws, row_label, header))


@pytest.mark.slow
def test_changed_inputs_recalculate_like_the_app(tmp_path):
    """A line's requests, a model's input price and the monthly growth changed in the workbook:
    the recalculated lines, months, totals, waterfall and cost by model are the app's quote
    for the plan and catalog changed alike."""
    plan, cat = open_plan(SUITE), load_effective().catalog
    path = export(plan, cat, tmp_path / "suite.xlsx")
    book, labels = load(path), load(path, data_only=True)
    inputs = book["Inputs"]
    edits = {
        cell_in(inputs, "Support bot", "Requests/month"): 64000,
        cell_in(inputs, "anthropic/claude-haiku-4-5", "Input"): 0.4,
        cell_in(inputs, "Monthly volume growth (fraction)", "Value"): 0.05,
    }
    for address, value in edits.items():
        inputs[address] = value
    book.save(path)

    lines = [ln.model_copy(update={"requests": D(64000)}) if ln.name == "Support bot" else ln for ln in plan.lines]
    changed = plan.model_copy(update={"lines": lines, "forecast": plan.forecast.model_copy(
        update={"monthly_growth": D("0.05")})})
    haiku = cat.by_id["anthropic/claude-haiku-4-5"].with_changes(input=D("0.4"))
    changed_cat = cat.replace_models([haiku if m.id == haiku.id else m for m in cat.models])
    app = compute(changed, changed_cat).summary()
    assert app.optimized != compute(plan, cat).summary().optimized

    calc = Recalculated(path)
    sheet = labels["Plan"]
    for i, ln in enumerate(plan.lines):
        assert shown(calc, sheet, ln.name, "Optimized, expected (USD/month)") == app.line_optimized[i], ln.name
        assert shown(calc, sheet, ln.name, "Baseline (USD/month)") == app.line_baseline[i], ln.name
    assert shown(calc, sheet, "Total", "Optimized, expected (USD/month)") == app.optimized
    months = labels["By month"]
    for m in app.forecast:
        assert shown(calc, labels["Forecast"], m.label, "Expected (USD)") == m.expected, m.label
        assert shown(calc, labels["Forecast"], m.label, "Baseline (USD)") == m.baseline, m.label
        assert shown(calc, months, "Total", m.label) == m.expected
    summary = book["Summary"]
    for label, value in (("Monthly expected (USD)", app.optimized), ("Next 12 months, forecast (USD)",
                                                                        app.next_12_months),
                         ("Budget headroom (USD/month)", app.headroom), ("Optimized (expected)", app.optimized)):
        r, _ = find(summary, label, 1)
        assert calc.money("Summary", f"B{r}") == value, label
    for step in app.waterfall_steps:
        r, _ = find(summary, step.label, 1)
        assert calc.money("Summary", f"B{r}") == step.saving, step.label
    for share in app.by_model:
        r, _ = find(summary, share.model_id, 4)
        assert calc.money("Summary", f"B{r}") == share.amount, share.model_id


# A hand-made plan, costed by hand (docs/costs.md): one model at $1 in / $4 out per 1M tokens,
# cache read $0.10, cache write $1.25; batch at the default 50% off.
ACME = mp("acme/m1", "1", "4", name="Acme M1", cache_read=D("0.10"), cache_write=D("1.25"))


def hand_plan(**kw) -> Plan:
    line = Line(name="Assistant", model=ACME.id, requests=D(10000), input_tokens=D(2000), output_tokens=D(500),
                prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8")),
                response_cache_hit_rate=D("0.1"), batch_share=D("0.5"))
    trim = FlatMultiplier(name="Prompt trimming", enabled=True, low=D("0.05"), expected=D("0.1"), high=D("0.2"))
    return Plan(name="Hand", lines=[line], multipliers=[trim], forecast=Forecast(monthly_growth=D("0.1")), **kw)


@pytest.mark.slow
def test_a_hand_made_plan_recalculates_to_hand_figures(tmp_path):
    # baseline 10,000 × (2,000 × $1 + 500 × $4)/1M = $40.00; 9,000 requests after the response
    # cache; with prompt caching a request costs (500 × 1 + 1,500 × (0.8 × 0.1 + 0.2 × 1.25) + 500 × 4)/1M
    # = $0.002995, at batch prices (half) $0.0014975; half batched: 9,000 × $0.00224625 = $20.21625;
    # the multiplier saves 10%: $18.194625 -> $18.19; month 2 grows 10%: $20.0140875 -> $20.01
    path = export(hand_plan(), catalog(ACME), tmp_path / "hand.xlsx")
    book = load(path, data_only=True)
    calc = Recalculated(path)
    plan_ws = book["Plan"]
    assert shown(calc, plan_ws, "Assistant", "Baseline (USD/month)") == D("40.00")
    assert shown(calc, plan_ws, "Assistant", "Optimized, expected (USD/month)") == D("18.19")
    assert shown(calc, plan_ws, "Assistant", "Low, best case (USD/month)") == D("16.17")  # 20.21625 × 0.8
    assert shown(calc, plan_ws, "Assistant", "High, worst case (USD/month)") == D("19.21")  # × 0.95
    assert shown(calc, book["By month"], "Assistant", "Month 2") == D("20.01")
    # the steps foot to 40.00 - 18.19 = 21.81: 4.00 + 9.045 + 6.73875 + 2.021625, the two
    # cents of rounding to the largest remainders (batch, then prompt caching)
    summary = book["Summary"]
    for label, amount in (("App-side caches", "4.00"), ("Routing mix", "0.00"), ("Prompt caching", "9.05"),
                          ("Batch", "6.74"), ("Prompt trimming", "2.02"), ("Optimized (expected)", "18.19")):
        r, _ = find(summary, label, 1)
        assert calc.money("Summary", f"B{r}") == D(amount), label

    # twice the requests, the multiplier off, a 5% retry overhead: by hand, 2 × $20.21625 × 1.05
    set_cell(path, "Inputs", cell_in(book["Inputs"], "Assistant", "Requests/month"), 20000)
    set_cell(path, "Inputs", cell_in(book["Inputs"], "Prompt trimming", "Enabled"), "off")
    set_cell(path, "Inputs", cell_in(book["Inputs"], "Retry overhead (fraction)", "Value"), 0.05)
    calc = Recalculated(path)
    assert shown(calc, plan_ws, "Assistant", "Optimized, expected (USD/month)") == D("42.45")  # 42.4541250
    assert shown(calc, plan_ws, "Assistant", "Baseline (USD/month)") == D("80.00")
    changed = hand_plan(retry_overhead=D("0.05"))
    changed.lines[0].requests = D(20000)
    changed.multipliers[0].enabled = False
    app = compute(changed, catalog(ACME)).summary()
    assert [calc.money("Forecast", f"E{2 + k}") for k in range(12)] == [m.expected for m in app.forecast]
    for step in app.waterfall_steps:
        r, _ = find(summary, step.label, 1)
        assert calc.money("Summary", f"B{r}") == step.saving, step.label


@pytest.mark.slow
def test_lines_a_formula_cannot_follow_are_values_listed_on_the_summary(tmp_path):
    """A multi-turn line and a routed line keep the app's amounts (with a comment saying why);
    the currency rate and the multipliers still apply to them by formula."""
    other = mp("acme/m2", "0.2", "0.8", name="Acme M2")
    chat = Line(name="Chat", model=ACME.id, requests=D(1000), input_tokens=D(300), output_tokens=D(200), turns=4,
                system_tokens=D(500))
    routed = Line(name="Routed", model=ACME.id, requests=D(5000), input_tokens=D(1000), output_tokens=D(100),
                  routing=[{"model": ACME.id, "share": D("0.5")}, {"model": other.id, "share": D("0.5")}])
    plan = hand_plan().model_copy(update={"lines": [*hand_plan().lines, chat, routed]})
    path = export(plan, catalog(ACME, other), tmp_path / "values.xlsx")
    assert_formulas_match_cached(path)
    book = load(path, data_only=True)
    summary = book["Summary"]
    r, _ = find(summary, "Lines costed as values (the app's amounts: a formula cannot follow them)", 1)
    listed = {summary.cell(r + k, 1).value: summary.cell(r + k, 2).value for k in (2, 3)}
    assert listed == {"Chat": "a multi-turn session", "Routed": "routed across several models"}
    plan_ws = book["Plan"]
    r, _ = find(plan_ws, "Chat", 1)
    assert "multi-turn" in plan_ws.cell(r, 1).comment.text
    # turning the multiplier off raises the values lines too, as in the app
    set_cell(path, "Inputs", cell_in(book["Inputs"], "Prompt trimming", "Enabled"), "off")
    calc = Recalculated(path)
    off = plan.model_copy(update={"multipliers": [plan.multipliers[0].model_copy(update={"enabled": False})]})
    app = compute(off, catalog(ACME, other)).summary()
    for i, ln in enumerate(plan.lines):
        assert shown(calc, plan_ws, ln.name, "Optimized, expected (USD/month)") == app.line_optimized[i]


@pytest.mark.slow
def test_a_known_price_change_keeps_the_lines_months_the_apps(tmp_path):
    """A model whose price drops in the forecast's fourth month: its line is costed as values
    (the months after the change are the app's), the other line stays live."""
    cut = PricePoint(date=date(2026, 9, 1), input=D("0.5"), output=D("2"))
    dated = mp("acme/m3", "1", "4", name="Acme M3", as_of=date(2026, 5, 1), history=(cut,))
    other = Line(name="Other", model=ACME.id, requests=D(3000), input_tokens=D(100), output_tokens=D(100))
    plan = hand_plan().model_copy(update={
        "lines": [*hand_plan().lines, Line(name="Dated", model=dated.id, requests=D(1000), input_tokens=D(1000),
                                           output_tokens=D(1000)), other],
        "forecast": Forecast(start_month=date(2026, 6, 1), monthly_growth=D("0.1"))})
    path = export(plan, catalog(ACME, dated), tmp_path / "dated.xlsx")
    assert_formulas_match_cached(path)
    book = load(path, data_only=True)
    months = book["By month"]
    # (1,000 × 1,000 × $1 + 1,000 × 1,000 × $4)/1M = $5.00, less the 10% multiplier: $4.50, then
    # × 1.1 a month; from Sep 2026 at half the prices: $2.25 × 1.1^3 = $2.99475 -> $2.99
    assert [months[cell_in(months, "Dated", m)].value for m in ("Jun 2026", "Sep 2026")] == [4.5, 2.99]
    r, _ = find(book["Summary"], "Dated", 1)
    assert book["Summary"].cell(r, 2).value == "a known price change during the forecast"


@pytest.mark.slow
def test_fixed_add_ons_are_inputs_the_workbook_recalculates(tmp_path):
    """The hand plan ($18.19 a month, growing 10%) with a $70.00 and a $29.995 add-on and a
    $150 budget: every formula gives its cached figure; the add-ons are in every month, the
    waterfall and the total, not in the savings or the cost by model; changing one in the
    workbook gives what the app quotes for the same change."""
    from planner.domain.plan import AddOn

    add_ons = [AddOn(name="Vector store", monthly=D(70), group="Search"), AddOn(name="Tracing", monthly=D("29.995"))]
    plan = hand_plan(add_ons=add_ons, monthly_budget=D(150))
    path = export(plan, catalog(ACME), tmp_path / "addons.xlsx")
    assert assert_formulas_match_cached(path) > 100
    book = load(path, data_only=True)
    calc = Recalculated(path)
    plan_ws, summary = book["Plan"], book["Summary"]
    # by hand: 18.19 + 70.00 + 30.00 (29.995 rounded half-up once) = 118.19
    assert shown(calc, plan_ws, "Tracing", "Optimized, expected (USD/month)") == D("30.00")
    assert shown(calc, plan_ws, "Total", "Optimized, expected (USD/month)") == D("118.19")
    # month 2: the line grows 10% ($20.01), the add-ons do not: 20.01 + 100.00
    assert shown(calc, book["By month"], "Total", "Month 2") == D("120.01")
    # month 2's low: $20.21625 × 0.8 (the multiplier at its high saving) × 1.1 = 17.7903 -> 17.79, + 100.00
    assert calc.money("Forecast", "D3") == D("117.79")
    for label, amount in (("Vector store", "-70.00"), ("Tracing", "-30.00"), ("Optimized (expected)", "118.19"),
                          ("Savings (USD/month)", "21.81"), ("Fixed monthly add-ons (USD)", "100.00")):
        r, _ = find(summary, label, 1)
        assert calc.money("Summary", f"B{r}") == D(amount), label
    # the budget buys (150 − 100) ÷ the lines’ $0.0018194625 a request = 27,480.7 -> 27,480 requests
    r, _ = find(summary, "Requests per month the budget buys", 1)
    assert int(calc("Summary", f"B{r}")) == 27480 == int(D(50) / (D("18.194625") / 10000))
    r, _ = find(summary, "acme/m1", 4)
    assert calc.money("Summary", f"B{r}") == D("18.19")

    set_cell(path, "Inputs", cell_in(book["Inputs"], "Vector store", "Amount (USD/month)"), 120)
    calc = Recalculated(path)
    changed = hand_plan(add_ons=[add_ons[0].model_copy(update={"monthly": D(120)}), add_ons[1]],
                        monthly_budget=D(150))
    app = compute(changed, catalog(ACME)).summary()
    assert app.optimized == D("168.19")
    assert shown(calc, plan_ws, "Total", "Optimized, expected (USD/month)") == app.optimized
    assert [calc.money("Forecast", f"E{2 + k}") for k in range(12)] == [m.expected for m in app.forecast]
    r, _ = find(summary, "Budget headroom (USD/month)", 1)
    assert calc.money("Summary", f"B{r}") == app.headroom == D("-18.19")
    r, _ = find(summary, "Requests per month the budget buys", 1)
    assert int(calc("Summary", f"B{r}")) == app.requests_affordable == 0


@pytest.mark.slow
def test_groups_with_fixed_add_ons_recalculate_to_the_apps_group_figures(tmp_path):
    """The product suite in two groups with a $70 add-on in 'Product' and a $39.99 one with no
    group: the By month and By group sheets' formulas give the app's figures, each group's
    waterfall carries its own add-on, and a changed add-on amount moves its group only."""
    from planner.domain.plan import AddOn

    plan = open_plan(SUITE)
    lines = [ln.model_copy(update={"group": "Support" if i < 3 else "Product"}) for i, ln in enumerate(plan.lines)]
    plan = plan.model_copy(update={"lines": lines, "add_ons": [AddOn(name="Vector store", monthly=D(70), group="Product"),
                                                               AddOn(name="Tracing", monthly=D("39.99"))]})
    cat = load_effective().catalog
    path = export(plan, cat, tmp_path / "groups.xlsx")
    assert_formulas_match_cached(path)
    book = load(path, data_only=True)
    r = compute(plan, cat)
    groups = {g.name: g for g in r.by_group([ln.group for ln in plan.lines])}
    assert groups["(no group)"].optimized == D("39.99")
    calc = Recalculated(path)
    sheet = book["By group"]
    for name, g in groups.items():
        assert calc.money("By group", cell_in(sheet, name, "Expected (USD/month)")) == g.optimized, name
        assert calc.money("By group", cell_in(sheet, name, "Savings (USD/month)")) == g.savings, name
    set_cell(path, "Inputs", cell_in(book["Inputs"], "Vector store", "Amount (USD/month)"), 100)
    calc = Recalculated(path)
    product = groups["Product"].optimized + 30
    assert calc.money("By group", cell_in(sheet, "Product", "Expected (USD/month)")) == product
    assert calc.money("By group", cell_in(sheet, "Support", "Expected (USD/month)")) == groups["Support"].optimized

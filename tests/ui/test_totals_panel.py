"""TotalsPanel: totals, range, waterfall, budget and forecast as the engine computes them; undoable inputs."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel

from planner.domain.presets import SCENARIOS
from planner.formatting import fmt_money
from planner.ui.multipliers_model import COL_ON, MultipliersModel
from planner.ui.plan_document import PlanDocument
from planner.ui.totals_panel import TotalsPanel
from planner.ui.worksheet_model import COL_BASELINE, COL_OPTIMIZED, WorksheetModel
from tests.conftest import emitted
from tests.ui.workload_helpers import (  # noqa: F401  (fixtures)
    assert_engine,
    doc,
    line,
    make_doc,
    money_of,
    session,
    shipped_doc,
)

D = Decimal


@pytest.fixture
def make_panel(qtbot):
    def make(d: PlanDocument) -> TotalsPanel:
        p = TotalsPanel(d)
        qtbot.addWidget(p)
        return p

    return make


@pytest.fixture
def small_saas(shipped_doc, make_panel) -> TotalsPanel:
    return make_panel(shipped_doc("small-saas"))


def waterfall(p: TotalsPanel) -> list[tuple[str, str]]:
    """(name, amount) rows of the waterfall as shown."""
    g = p.waterfall_grid
    out = []
    for r in range(g.rowCount()):
        name, val = g.itemAtPosition(r, 0), g.itemAtPosition(r, 1)
        if name is None or val is None or not isinstance(name.widget(), QLabel):
            continue
        out.append((name.widget().text().strip(), val.widget().text()))
    return out


def commit_currency(p: TotalsPanel, code: str, rate: str | None = None) -> None:
    p.code.setText(code)
    p.code.editingFinished.emit()
    if rate is not None:
        p.rate.setText(rate)
        p.rate.editingFinished.emit()


def set_semantic_caching(d: PlanDocument, on: bool) -> None:
    m = MultipliersModel(d)
    r = next(i for i, x in enumerate(d.plan.multipliers) if x.name == "Semantic caching")
    m.setData(m.index(r, COL_ON), Qt.CheckState.Checked if on else Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)


# -- the seed scenarios ------------------------------------------------------------------------------


def test_small_saas_by_hand(small_saas):
    p = small_saas
    # 10,000 x (500 x $3 + 1,000 x $15)/1e6 = $165 on Claude Sonnet 4.6, no levers
    assert p.baseline.text() == "$165.00"
    assert p.optimized.text() == "$165.00"
    assert p.range.text() == "$165.00 – $165.00"
    assert p.savings.text() == "$0.00  (0.00%)"
    assert p.annual.text() == "$1,980.00"
    assert p.per_request.text() == "$0.016500"
    # budget $250: headroom $85 = 34.00%; it buys 10,000 x 250/165 = 15,151.5 requests, rounded
    # down: 15,152 would cost $250.008
    assert p.headroom.text() == "$85.00 (34.00%)"
    assert p.affordable.text() == "15,151 /month"
    # +5%/month volume, -30%/year prices: month k costs 165 x 1.05^k x 0.7^(k/12),
    # which passes $250 only at k = 22, beyond the 12-month horizon
    assert p.crossed.text() == "not in horizon"
    by_hand = sum(165 * 1.05**k * 0.7 ** (k / 12) for k in range(12))  # ~ $2,202.9
    assert abs(float(money_of(p.forecast_total.text())) - by_hand) < 0.01
    assert p.forecast_label.text() == "12-month total"


def test_routed_mix_by_hand(shipped_doc, make_panel):
    p = make_panel(shipped_doc("routed-1m-mix"))
    # every call on Opus: 1M x (500 x 15 + 1,000 x 75)/1e6 = $82,500; the mix: $18,892.50 (see test_workload_tab)
    assert p.baseline.text() == "$82,500.00"
    assert p.optimized.text() == "$18,892.50"
    assert p.savings.text() == "$63,607.50  (77.10%)"
    rows = dict(waterfall(p))
    assert rows["Baseline"] == "$82,500.00"
    assert rows["Routing mix"] == "−$63,607.50"
    assert rows["App-side caches"] == rows["Prompt caching"] == rows["Batch"] == "$0.00"
    assert rows["Optimized"] == "$18,892.50"
    # budget $25,000: headroom $6,107.50 = 24.43%
    assert p.headroom.text() == "$6,107.50 (24.43%)"


@pytest.mark.parametrize("key", [s.key for s in SCENARIOS])
def test_panel_equals_the_engine_for_every_example(shipped_doc, make_panel, key):
    d = shipped_doc(key)
    p = make_panel(d)
    assert_engine(d)
    r = d.result
    _, base = r.footed_lines("baseline")
    _, opt = r.footed_lines("optimized")
    assert p.baseline.text() == fmt_money(base)
    assert p.optimized.text() == fmt_money(opt)
    # the range foots like the total: the sum of each line's rounded low and high
    sm = r.summary()
    cents = D("0.01")
    low = sum((ln.optimized_low.quantize(cents, rounding=ROUND_HALF_UP) for ln in r.lines), D(0))
    high = sum((ln.optimized_high.quantize(cents, rounding=ROUND_HALF_UP) for ln in r.lines), D(0))
    assert (sm.low, sm.high) == (low, high)
    assert p.range.text() == f"{fmt_money(low)} – {fmt_money(high)}"
    # annual is 12 x the monthly total shown; the forecast starts at it and adds the shown months
    assert sm.annual_run_rate == opt * 12 and sm.forecast[0].expected == opt
    assert sm.forecast_total.expected == sum(m.expected for m in sm.forecast)
    assert p.annual.text() == fmt_money(opt * 12)
    assert p.forecast_total.text() == fmt_money(sm.forecast_total.expected)
    assert money_of(p.savings.text()) == base - opt
    # the waterfall foots: its steps add up to baseline - optimized, to the cent
    rows = waterfall(p)
    assert rows[0] == ("Baseline", fmt_money(base)) and rows[-1] == ("Optimized", fmt_money(opt))
    steps = [money_of(v) for _, v in rows[1:-1]]
    assert base + sum(steps) == opt
    # and the worksheet's line amounts add up to the totals shown
    m = WorksheetModel(d)
    shown = [money_of(m.index(i, COL_OPTIMIZED).data()) for i in range(m.rowCount())]
    assert sum(shown) == money_of(p.optimized.text())
    shown = [money_of(m.index(i, COL_BASELINE).data()) for i in range(m.rowCount())]
    assert sum(shown) == money_of(p.baseline.text())


def test_product_suite_waterfall_by_lever(shipped_doc, make_panel):
    p = make_panel(shipped_doc("product-suite"))
    names = [n for n, _ in waterfall(p)]
    assert names == ["Baseline", "App-side caches", "Routing mix", "Prompt caching", "Batch", "Semantic caching",
                     "Optimized"]
    assert p.optimized.text() == "$551.64"  # $848.66925 before the multiplier x 0.65 (see test_levers_panel)


# -- range and multipliers -----------------------------------------------------------------------------


def test_range_uses_the_multipliers_low_and_high(small_saas):
    p = small_saas
    set_semantic_caching(p.doc, True)
    # expected $165 x 0.65 = $107.25; best $165 x (1 - 0.50) = $82.50; worst $165 x (1 - 0.20) = $132.00
    assert p.optimized.text() == "$107.25"
    assert p.range.text() == "$82.50 – $132.00"
    assert dict(waterfall(p))["Semantic caching"] == "−$57.75"
    assert p.savings.text() == "$57.75  (35.00%)"


# -- budget ----------------------------------------------------------------------------------------------


def test_budget_edit_is_undoable(small_saas):
    p, d = small_saas, small_saas.doc
    p.budget.setValue(300)
    p.budget.editingFinished.emit()
    assert d.plan.monthly_budget == D(300)
    assert p.headroom.text() == "$135.00 (45.00%)"
    d.undo_stack.undo()
    assert d.plan.monthly_budget == D(250)
    assert p.headroom.text() == "$85.00 (34.00%)"
    assert p.budget.value() == 250
    p.budget.setValue(0)  # none
    p.budget.editingFinished.emit()
    assert d.plan.monthly_budget is None
    assert p.headroom.text() == p.crossed.text() == "—"


def test_budget_crossed_month(small_saas):
    p, d = small_saas, small_saas.doc
    p.budget.setValue(170)
    p.budget.editingFinished.emit()
    # month 2 (k=1): 165 x 1.05 x 0.7^(1/12) = $168.18 <= $170; month 3 (k=2): 165 x 1.1025 x 0.7^(1/6) = $171.41
    # headroom $5.00 of $170 = 2.94%
    assert p.crossed.text() == "Month 3"
    assert p.headroom.text() == "$5.00 (2.94%)"
    p.start_on.setChecked(True)
    p.start.setDate(QDate(2027, 1, 1))
    assert p.crossed.text() == "Mar 2027"
    p.budget.setValue(150)  # over from the start
    p.budget.editingFinished.emit()
    assert p.crossed.text() == "Jan 2027"
    assert p.headroom.text() == "-$15.00 (-10.00%)"
    assert_engine(d)


# -- forecast --------------------------------------------------------------------------------------------


def test_forecast_edit_is_undoable(small_saas):
    p, d = small_saas, small_saas.doc
    p.growth.setValue(0)
    p.growth.editingFinished.emit()
    p.trend.setValue(0)
    p.trend.editingFinished.emit()
    p.horizon.setValue(6)
    p.horizon.editingFinished.emit()
    assert (d.plan.forecast.monthly_growth, d.plan.forecast.yearly_price_trend, d.plan.forecast.horizon_months) == (0, 0, 6)
    assert p.forecast_total.text() == "$990.00"  # 6 x $165, flat
    assert p.forecast_label.text() == "6-month total"
    assert d.undo_stack.count() == 3
    for _ in range(3):
        d.undo_stack.undo()
    assert d.plan.forecast.monthly_growth == D("0.05") and d.plan.forecast.horizon_months == 12
    assert p.growth.value() == 5 and p.horizon.value() == 12
    assert_engine(d)


# -- currency --------------------------------------------------------------------------------------------


def test_currency_eur_at_0_9_multiplies_every_amount(small_saas):
    p, d = small_saas, small_saas.doc
    before_forecast = d.result.summary().forecast_total.expected
    commit_currency(p, "EUR", "0.9")
    assert (d.plan.currency.code, d.plan.currency.per_usd) == ("EUR", D("0.9"))
    # $165 x 0.9 = €148.50 a month, €1,782.00 a year, €0.014850 a request
    assert p.baseline.text() == "€148.50"
    assert p.optimized.text() == "€148.50"
    assert p.range.text() == "€148.50 – €148.50"
    assert p.annual.text() == "€1,782.00"
    assert p.per_request.text() == "€0.014850"
    # the forecast adds months rounded to cents: within half a cent a month of the exact x 0.9
    sm = d.result.summary()
    assert p.forecast_total.text() == fmt_money(sm.forecast_total.expected, "EUR")
    assert abs(sm.forecast_total.expected - before_forecast * D("0.9")) <= D("0.01") * len(sm.forecast)
    m = WorksheetModel(d)
    assert m.index(0, COL_BASELINE).data() == "€148.50"
    assert m.headerData(COL_BASELINE, Qt.Orientation.Horizontal).endswith("EUR")
    # the budget is in the plan currency: €250 - €148.50 = €101.50
    assert p.headroom.text() == "€101.50 (40.60%)"
    assert p.budget.prefix() == "EUR "
    assert_engine(d)


def test_currency_change_is_undoable(small_saas):
    p, d = small_saas, small_saas.doc
    commit_currency(p, "EUR", "0.9")
    while d.undo_stack.canUndo():
        d.undo_stack.undo()
    assert d.plan.currency.code == "USD"
    assert p.optimized.text() == "$165.00"
    assert p.code.text() == "USD" and not p.rate.isEnabled()
    d.undo_stack.redo()
    d.undo_stack.redo()
    assert p.optimized.text() == "€148.50"


@pytest.mark.parametrize(("code", "rate"), [("EUR", "abc"), ("EUR", "0"), ("EUR", "-1"), ("EU", None)])
def test_bad_currency_input_is_refused_with_a_message(qtbot, small_saas, code, rate):
    p, d = small_saas, small_saas.doc
    if rate is not None:
        commit_currency(p, code)
    n = d.undo_stack.count()
    before = d.plan.currency
    with emitted(p.message) as blocker:
        if rate is None:
            commit_currency(p, code)
        else:
            p.rate.setText(rate)
            p.rate.editingFinished.emit()
    assert blocker.args[0].startswith("Currency:") and "old value was kept" in blocker.args[0]
    assert d.plan.currency == before
    assert d.undo_stack.count() == n
    assert p.rate.text() == f"{before.per_usd.normalize():f}"  # the field shows the kept value again


@pytest.mark.parametrize("code", ["ABC", "XYZ"])
def test_a_code_that_is_not_iso_4217_is_refused(small_saas, code):
    p, d = small_saas, small_saas.doc
    commit_currency(p, "EUR", "0.9")
    n = d.undo_stack.count()
    with emitted(p.message) as blocker:
        commit_currency(p, code)
    assert blocker.args[0] == f"Currency: currency '{code}' is not an ISO 4217 code. The old value was kept."
    assert d.plan.currency.code == "EUR" and d.undo_stack.count() == n
    assert p.code.text() == "EUR"  # the field shows the kept code again
    assert p.optimized.text() == "€148.50"


def test_yen_amounts_are_whole_yen(small_saas):
    p, d = small_saas, small_saas.doc
    commit_currency(p, "JPY", "150")
    # $165 x 150 = ¥24,750 a month, ¥297,000 a year; $0.0165 x 150 = ¥2.475 a request
    assert p.baseline.text() == "¥24,750"
    assert p.annual.text() == "¥297,000"
    assert p.per_request.text() == "¥2.475000"
    assert WorksheetModel(d).index(0, COL_BASELINE).data() == "¥24,750"


def test_amounts_in_the_display_locale(small_saas):
    from planner.formatting import set_display_locale

    p, d = small_saas, small_saas.doc
    commit_currency(p, "EUR", "0.9")
    set_display_locale("de_DE")
    d.resultChanged.emit()
    assert p.optimized.text() == "148,50\xa0€"
    assert p.annual.text() == "1.782,00\xa0€"
    assert p.per_request.text() == "0,014850\xa0€"


def test_a_yen_budget_is_in_whole_yen(small_saas):
    p, d = small_saas, small_saas.doc
    commit_currency(p, "JPY", "150")
    assert p.budget.decimals() == 0
    p.budget.setValue(30000)
    p.budget.editingFinished.emit()
    assert d.plan.monthly_budget == D("30000")
    assert p.headroom.text() == "¥5,250 (17.50%)"  # ¥30,000 - ¥24,750
    commit_currency(p, "EUR", "0.9")
    assert p.budget.decimals() == 2


def test_a_scenarios_plan_wide_overrides_are_marked(qtbot, make_panel, doc):
    """A scenario that changes the budget and the retry overhead shows both in italics with a
    tooltip naming it; the base shows them plain again."""
    from planner.ui.levers_panel import PlanLeversPanel

    panel = make_panel(doc)
    levers = PlanLeversPanel(doc)
    qtbot.addWidget(levers)
    doc.add_scenario("Lean")
    doc.set_plan_attr("monthly_budget", Decimal(90), "Change budget")
    doc.set_plan_attr("retry_overhead", Decimal("0.05"), "Change retry overhead")
    assert doc.plan_overrides() == {"monthly_budget", "retry_overhead"}
    for w in (panel.budget, levers.retry):
        assert w.font().italic() and "Scenario 'Lean' changes this setting" in w.toolTip()
    assert not panel.growth.font().italic() and not levers.fee.font().italic()
    doc.activate(None)
    for w in (panel.budget, levers.retry):
        assert not w.font().italic() and "Scenario" not in w.toolTip()

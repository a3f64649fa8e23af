"""The Group selector: the totals, the savings waterfall and the plan's charts for one
group's lines, as a user picks it at the tabs' corner.

Hand-figured on Alpha ($3 in, $15 out per 1M; batch at the plan's 50% off):
Chat (Support) 10,000 × (500 × 3 + 1,000 × 15) / 1M = $165.00; Search (Search) 2,000 ×
(1,000 × 3 + 100 × 15) / 1M = $9.00; Mail (Support) 3,000 × (200 × 3 + 300 × 15) / 1M =
$15.30 baseline, half batched: 3,000 × (0.5 × 0.0051 + 0.5 × 0.00255) = $11.475, shown $11.48.
Support: baseline $180.30, optimized $176.48; its batch step saves $3.825, shown $3.82 so
that the steps add up to 180.30 − 176.48."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt

from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.domain.plan import Line, Plan
from planner.io.catalog_files import LoadedCatalog
from planner.ui.main_window import TAB_CHARTS, TAB_MODELS, TAB_WORKLOAD, MainWindow
from planner.ui.session import Session

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15))


def grouped_plan() -> Plan:
    return Plan(name="Teams", monthly_budget=D(150), lines=[
        Line(name="Chat", group="Support", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/a"),
        Line(name="Search", group="Search", requests=D(2000), input_tokens=D(1000), output_tokens=D(100), model="p/a"),
        Line(name="Mail", group="Support", requests=D(3000), input_tokens=D(200), output_tokens=D(300), model="p/a",
             batch_share=D("0.5")),
    ])


@pytest.fixture
def win(qtbot, tmp_path):
    cat = Catalog(as_of=date(2026, 5, 1), models=(A,))
    w = MainWindow(Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=tmp_path / "o.json"), today=date(2026, 6, 1))
    qtbot.addWidget(w)
    w.set_document(w.files.new_document(grouped_plan()))
    w.resize(1366, 768)
    w.show()
    w.show_tab(TAB_WORKLOAD)
    return w


def waterfall_rows(totals) -> dict[str, str]:
    grid = totals.waterfall_grid
    out = {}
    for r in range(grid.rowCount()):
        name, value = grid.itemAtPosition(r, 0), grid.itemAtPosition(r, 1)
        if name is not None and value is not None and name.widget() is not value.widget():  # (not the rule)
            out[name.widget().text().strip()] = value.widget().text()
    return out


def test_choosing_a_group_shows_its_footed_totals_and_waterfall(win):
    sel, totals = win.group_selector, win.workload_tab.totals
    assert [sel.combo.itemText(i) for i in range(sel.combo.count())] == ["All lines", "Support", "Search"]
    assert sel.combo.isEnabled() and "sums of its lines' amounts as shown" in sel.combo.toolTip()
    assert totals.optimized.text() == "$185.48"  # 165.00 + 9.00 + 11.48: every line
    assert sel.select("Support")
    assert (totals.baseline.text(), totals.optimized.text()) == ("$180.30", "$176.48")
    assert totals.savings.text().startswith("$3.82")
    assert totals.annual.text() == "$2,117.76"  # 12 × 176.48
    rows = waterfall_rows(totals)
    assert rows["Baseline"] == "$180.30" and rows["Batch"] == "−$3.82" and rows["Optimized"] == "$176.48"
    assert totals.totals_box.title() == "Monthly cost: Support (2 lines)"
    assert totals.budget_box.title() == "Budget (whole plan)"
    assert not totals.per_user.isVisible()
    assert sel.select(None)
    assert totals.optimized.text() == "$185.48" and totals.totals_box.title() == "Monthly cost"


def test_the_charts_follow_the_group_and_cost_by_group_shows_each_range(win, qtbot):
    from planner.ui.charts.charts import (
        CostByGroupChart,
        CostByLineChart,
        ForecastChart,
        WaterfallChart,
    )

    win.group_selector.select("Support")
    win.show_tab(TAB_CHARTS)
    qtbot.waitUntil(lambda: win.charts_tab is not None and win.charts_tab.isVisible())
    tab = win.charts_tab
    tab.refresh(force=True)
    bars = tab.chart(WaterfallChart).bars
    assert (bars[0].end, bars[-1].end) == (pytest.approx(180.30), pytest.approx(176.48))
    batch = next(b for b in bars if b.label == "Batch")
    assert batch.start - batch.end == pytest.approx(3.82)
    assert tab.chart(CostByLineChart).values == {"baseline": [165.0, 15.3], "optimized": [165.0, 11.48]}
    assert tab.chart(ForecastChart).data.expected[0] == pytest.approx(176.48)
    assert tab.chart(ForecastChart).data.budget is None  # the budget is the plan's
    assert "Support" in tab.chart(WaterfallChart).heading.text()
    groups = tab.chart(CostByGroupChart).bars
    assert [(b.label, b.expected, b.lines) for b in groups] == [("Support", 176.48, 2), ("Search", 9.0, 1)]
    # back to every line: the waterfall ends at the plan's total
    win.group_selector.select(None)
    assert tab.chart(WaterfallChart).bars[-1].end == pytest.approx(185.48)


def test_the_choice_survives_a_recompute_and_resets_when_its_group_goes(win):
    sel, totals = win.group_selector, win.workload_tab.totals
    sel.select("Support")
    win.doc.set_line_fields(0, "More chats", requests=D(20_000))  # Chat: $330.00
    assert sel.group == "Support" and totals.optimized.text() == "$341.48"  # 330.00 + 11.48
    win.doc.set_line_fields(0, "Regroup", group="Search")
    assert sel.group == "Support" and totals.optimized.text() == "$11.48"  # Mail alone
    win.doc.set_line_fields(2, "Regroup", group="Search")
    assert sel.group is None and sel.combo.currentText() == "All lines"
    assert totals.optimized.text() == "$350.48" and totals.totals_box.title() == "Monthly cost"
    win.doc.set_lines({i: ln.model_copy(update={"group": ""}) for i, ln in enumerate(win.doc.plan.lines)}, "Ungroup")
    assert not sel.combo.isEnabled() and "Give lines a group" in sel.combo.toolTip()


def test_the_selector_is_reached_by_keyboard_and_only_where_it_applies(win):
    sel = win.group_selector
    assert sel.label.text() == "&Group:" and sel.label.buddy() is sel.combo
    assert sel.combo.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert sel.isVisibleTo(win)
    win.show_tab(TAB_MODELS)
    assert not sel.isVisibleTo(win)


def test_another_plan_starts_on_all_lines(win, qtbot):
    win.group_selector.select("Support")
    with qtbot.assertNotEmitted(win.group_selector.message):
        win.set_document(win.files.new_document(grouped_plan()))
    assert win.group_selector.group is None and win.workload_tab.totals.optimized.text() == "$185.48"


def test_a_group_of_fixed_add_ons_only_can_be_chosen(qtbot, tmp_path):
    """Lines with no group and a $40 add-on charged to 'Platform': the selector offers both
    groups; 'Platform' shows the add-on alone, its waterfall one step."""
    from planner.domain.plan import AddOn

    cat = Catalog(as_of=date(2026, 5, 1), models=(A,))
    w = MainWindow(Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=tmp_path / "o.json"), today=date(2026, 6, 1))
    qtbot.addWidget(w)
    plan = Plan(name="Fixed", lines=[Line(name="Chat", requests=D(1000), input_tokens=D(1000), output_tokens=D(0),
                                          model="p/a")],
                add_ons=[AddOn(name="Vector store", monthly=D(40), group="Platform")])
    w.set_document(w.files.new_document(plan))
    w.show_tab(TAB_WORKLOAD)
    sel, totals = w.group_selector, w.workload_tab.totals
    assert [sel.combo.itemText(i) for i in range(sel.combo.count())] == ["All lines", "(no group)", "Platform"]
    assert sel.select("Platform")
    # 1,000 × 1,000 × $3 / 1e6 = $3.00 for the lines; the group is the $40.00 add-on alone
    assert totals.optimized.text() == "$40.00" and totals.baseline.text() == "$0.00"
    assert waterfall_rows(totals)["Vector store"] == "+$40.00"
    assert sel.select("(no group)") and totals.optimized.text() == "$3.00"

"""Charts: the plotted numbers come from the engine, follow edits live, and save as images."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from planner.domain import chart_data as cd
from planner.domain.catalog import Catalog, ModelPrice, Overlay, PricePoint
from planner.domain.costing import compute
from planner.domain.plan import FlatMultiplier, Line, Plan, PromptCache
from planner.domain.ranking import rank
from planner.io.catalog_files import LoadedCatalog
from tests.conftest import REPO
from tests.domain.domain_helpers import two_line_split

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15), cache_read=D("0.3"), quality={"tokenrate": 80},
               history=(PricePoint(date=date(2024, 1, 1), input=D(10), output=D(30)), PricePoint(date=date(2026, 1, 1), input=D(3), output=D(15))))
B = ModelPrice(id="p/b", name="Beta", provider="P", input=D("0.1"), output=D("0.4"), quality={"tokenrate": 60},
               history=(PricePoint(date=date(2025, 1, 1), input=D("0.1"), output=D("0.4")),))
C = ModelPrice(id="p/c", name="Gamma", provider="P", input=D(1), output=D(2), quality={"tokenrate": 50})
CAT = Catalog(as_of=date(2026, 5, 1), models=(A, B, C))


def plan() -> Plan:
    # Chat: 10,000 x (500 x 3 + 1000 x 15)/1e6 = 165.00 baseline; prefix 400 hit 0.9:
    #   input (100 x 3 + 400 x (0.9 x 0.3 + 0.1 x 3)) = 300 + 228 = 528 -> (528 + 15,000)/1e6 x 10,000 = 155.28
    # Tags: 1,000 x (300 x 0.1 + 50 x 0.4)/1e6 = 0.05
    # multiplier 10% expected: 155.28 x 0.9 = 139.752 -> 139.75; 0.05 x 0.9 = 0.045 -> 0.05 (half-up)
    return Plan(
        name="Charted",
        lines=[
            Line(name="Chat", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/a",
                 prompt_cache=PromptCache(prefix_tokens=D(400), hit_rate=D("0.9"))),
            Line(name="Tags", requests=D(1000), input_tokens=D(300), output_tokens=D(50), model="p/b"),
        ],
        multipliers=[FlatMultiplier(name="Routing", enabled=True, low=D("0.05"), expected=D("0.1"), high=D("0.2"))],
        monthly_budget=D(150),
    )


def test_chart_data_from_the_engine():
    p = plan()
    r = compute(p, CAT)
    rows = cd.cost_by_line(r)
    assert rows == [("Chat", 165.0, 139.75), ("Tags", 0.05, 0.05)]
    bars = cd.waterfall(r)
    assert [b.label for b in bars] == ["Baseline", "App-side caches", "Routing mix", "Prompt caching", "Batch", "Routing", "Optimized"]
    assert bars[0].end == 165.05 and bars[-1].end == 139.80
    # prompt caching 165.05 -> 155.33 (9.72 saved), the 10% multiplier 15.53 (footed to baseline - optimized)
    assert bars[3].start - bars[3].end == pytest.approx(9.72)
    assert sum(b.start - b.end for b in bars[1:-1]) == pytest.approx(165.05 - 139.80)
    f = cd.forecast(r)
    # month 1 of the forecast is the monthly total shown (139.75 + 0.05)
    assert f.budget == 150.0 and len(f.expected) == 12 and f.expected[0] == 139.80


def test_quality_vs_price_frontier_and_plan_highlight():
    ranking = rank(CAT, "tokenrate", 3.0, 0)
    pts = {p.model_id: p for p in cd.quality_vs_price(ranking, CAT, {"p/a"})}
    # blended 3:1: A (9 + 15)/4 = 6.0, B (0.3 + 0.4)/4 = 0.175, C (3 + 2)/4 = 1.25
    assert pts["p/a"].price == pytest.approx(6.0) and pts["p/a"].in_plan
    # Gamma costs more than Beta and scores lower: not on the frontier
    assert pts["p/b"].on_frontier and pts["p/a"].on_frontier and not pts["p/c"].on_frontier


def test_sensitivity_is_the_engine_at_each_ratio():
    p = plan()
    series = cd.sensitivity(p, CAT, rank(CAT, "tokenrate", 3.0, 0), points=3)
    first = series[0]
    assert first.name == "Plan as it is" and first.x == [0.0, 50.0, 100.0]
    # at 50% input, each line's odds scaled by one factor: Chat 735/765 (prefix 400 kept), Tags 322/28
    (chat_in, chat_out), (tags_in, tags_out) = two_line_split(p.lines, 0.5)
    assert (chat_in, tags_in) == (735, 322)
    at_half = Plan.model_validate({**p.model_dump(), "lines": [
        {**p.lines[0].model_dump(), "input_tokens": chat_in, "output_tokens": chat_out},
        {**p.lines[1].model_dump(), "input_tokens": tags_in, "output_tokens": tags_out}]})
    assert first.y[1] == pytest.approx(float(compute(at_half, CAT).optimized))
    names = [s.name for s in series]
    assert "All on Alpha" in names and "All on Beta" in names
    assert "All on Gamma (alternative)" in names  # the one model the plan does not use


def test_price_history_running_minimum():
    pts, cheapest = cd.price_history(CAT)
    assert [(p.when, p.price) for p in pts] == [(date(2024, 1, 1), 10.0), (date(2025, 1, 1), 0.1), (date(2026, 1, 1), 3.0)]
    assert [(d, v) for d, v, _ in cheapest] == [(date(2024, 1, 1), 10.0), (date(2025, 1, 1), 0.1)]


# -- widgets ----------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path):
    from planner.ui.main_window import TAB_CHARTS, MainWindow
    from planner.ui.plan_document import PlanDocument
    from planner.ui.session import Session

    session = Session(LoadedCatalog(CAT, CAT, Overlay()), overlay_path=tmp_path / "overlay.json")
    win = MainWindow(session, today=date(2026, 6, 1))
    win.set_document(PlanDocument(lambda: session.catalog, plan(), parent=win))
    qtbot.addWidget(win)
    win.resize(1300, 900)
    win.show()
    win.show_tab(TAB_CHARTS)
    qtbot.waitUntil(lambda: win.charts_tab is not None and win.charts_tab.isVisible())
    return win


def test_charts_plot_the_engine_figures(window, qtbot):
    from planner.ui.charts.charts import CostByLineChart, ForecastChart, WaterfallChart

    tab = window.charts_tab
    line_chart = tab.chart(CostByLineChart)
    assert line_chart.values == {"baseline": [165.0, 0.05], "optimized": [139.75, 0.05]}
    wf = tab.chart(WaterfallChart)
    assert wf.bars[-1].end == pytest.approx(139.80)
    fc = tab.chart(ForecastChart)
    assert fc.data.expected == [float(m.expected) for m in window.doc.result.summary().forecast]


def test_charts_follow_the_input_output_slider(window, qtbot):
    from planner.ui.charts.charts import CostByLineChart, SensitivityChart
    from planner.ui.main_window import TAB_CHARTS, TAB_WORKLOAD
    from planner.ui.workload_tab import SLIDER_STEPS

    tab = window.charts_tab
    before = tab.chart(CostByLineChart).values["baseline"][0]
    window.show_tab(TAB_WORKLOAD)
    wt = window.workload_tab
    wt._slider_pressed()
    wt.slider.setValue(SLIDER_STEPS // 10)  # 10% input: output-heavy costs more on Alpha ($15 out)
    wt._slider_released()
    window.show_tab(TAB_CHARTS)
    qtbot.waitUntil(lambda: tab.chart(CostByLineChart).values["baseline"][0] != before, timeout=3000)
    after = tab.chart(CostByLineChart).values["baseline"][0]
    # at 10% the plan's odds scale together: Chat 1,500 tokens -> 135 in / 1,365 out
    (chat_in, chat_out), _ = two_line_split(plan().lines, 0.1)
    assert (chat_in, chat_out) == (135, 1365)
    # 10,000 x (135 x 3 + 1,365 x 15)/1e6 = 10,000 x 20,880 / 1e6 = 208.80
    assert after == 208.8
    assert after == float(window.doc.result.lines[0].baseline)
    # the sensitivity chart redraws when the drag pauses (and once it is scrolled into view);
    # its "plan as it is" at 10% input is the engine's total
    sens = tab.chart(SensitivityChart)
    tab.scroll.ensureWidgetVisible(sens)
    qtbot.waitUntil(lambda: bool(sens.series) and sens.series[0].y[1] == pytest.approx(float(window.doc.result.optimized)),
                    timeout=3000)


def _many_lines(n: int) -> list[Line]:
    return [Line(name=f"Feature {i + 1}", requests=D(1000 + 10 * i), input_tokens=D(400 + i), output_tokens=D(200 + i),
                 model="p/a" if i % 3 else "p/b") for i in range(n)]


def _plotted(tab) -> dict:
    """What the plan charts show: bar lengths, label texts and the forecast line, as drawn."""
    from planner.ui.charts.charts import (
        CostByLineChart,
        CostByModelChart,
        ForecastChart,
        WaterfallChart,
    )

    line = tab.chart(CostByLineChart)
    wf = tab.chart(WaterfallChart)
    by_model = tab.chart(CostByModelChart)
    fc = tab.chart(ForecastChart)
    return {
        "line_bars": [float(w) for w in line.opt_bars.opts["width"]],
        "line_base_bars": [float(w) for w in line.base_bars.opts["width"]],
        "line_labels": list(line.value_labels.texts),
        "line_names": list(line.cat_axis.labels),
        "waterfall_labels": list(wf.value_labels.texts),
        "model_bars": by_model.bars_by_colour.count(),
        "model_labels": len(by_model.value_labels.texts),
        "forecast": [float(v) for v in fc.expected.yData],
    }


def _engine(doc) -> dict:
    from planner.ui.charts.base import money_text

    rows = cd.cost_by_line(doc.result)
    bars = cd.waterfall(doc.result)
    cur = doc.result.currency
    return {
        "line_bars": [r[2] for r in rows],
        "line_base_bars": [r[1] for r in rows],
        "line_labels": [money_text(r[2], cur, 2) for r in rows],
        "line_names": [r[0] for r in rows],
        "waterfall_labels": [money_text(b.end, cur, 2) if b.kind == "total" else
                             ("−" if b.end < b.start else "+") + money_text(abs(b.end - b.start), cur, 2) for b in bars],
        "model_bars": len(doc.result.by_model),
        "model_labels": len(doc.result.by_model),
        "forecast": cd.forecast(doc.result).expected,
    }


def test_charts_show_the_engine_figures_once_a_drag_ends(window, qtbot):
    """A fast drag with the charts in view: however many steps the redraws skipped, the last
    one is drawn, and what is plotted (bars, value labels, forecast) is the engine's."""
    from planner.ui.charts.charts import CostByLineChart, SensitivityChart
    from planner.ui.workload_tab import SLIDER_STEPS

    tab = window.charts_tab
    window.doc.insert_lines(2, _many_lines(30), "More lines")
    qtbot.waitUntil(lambda: _plotted(tab) == _engine(window.doc), timeout=3000)
    wt = window.workload_tab
    wt._slider_pressed()
    for v in [*range(SLIDER_STEPS // 2, SLIDER_STEPS // 10, -SLIDER_STEPS // 25), SLIDER_STEPS // 10]:
        wt.slider.setValue(v)
    wt._slider_released()
    assert window.doc.plan.lines[0].input_tokens < 150  # Chat more output-heavy than the plan's 10%
    qtbot.waitUntil(lambda: _plotted(tab) == _engine(window.doc), timeout=3000)
    # once the results stop, the axes fit the values exactly again (as a chart drawn afresh)
    line = tab.chart(CostByLineChart)
    rows = cd.cost_by_line(window.doc.result)
    top = max(v for r in rows for v in r[1:])
    qtbot.waitUntil(lambda: line.plot.getViewBox().viewRange()[0] == [0, top * 1.18], timeout=3000)
    # the sensitivity chart, scrolled into view, re-costs the plan as it is now
    sens = tab.chart(SensitivityChart)
    tab.scroll.ensureWidgetVisible(sens)
    share = cd.plan_input_share(window.doc.plan)
    qtbot.waitUntil(lambda: bool(sens.series) and sens.now_line.value() == pytest.approx(share), timeout=3000)
    plan_as_it_is = cd.sensitivity(window.doc.plan, window.doc.catalog, tab.context().ranking)[0]
    assert sens.series[0].y == pytest.approx(plan_as_it_is.y)


def test_fewer_lines_leave_no_stray_bars_or_labels(window, qtbot):
    """Items are reused from one redraw to the next: going from 102 lines to 2 leaves 2 bars
    of each kind, 2 labels and 2 names, and the plot holds no more items than before."""
    from planner.ui.charts.charts import CostByLineChart, CostByModelChart

    tab = window.charts_tab
    line = tab.chart(CostByLineChart)
    items_before = len(line.plot.getViewBox().addedItems)
    scene_before = len(line.plot.scene().items())
    window.doc.insert_lines(2, _many_lines(100), "More lines")
    qtbot.waitUntil(lambda: len(line.value_labels.texts) == 102, timeout=3000)
    assert _plotted(tab) == _engine(window.doc)
    window.doc.remove_lines(range(2, 102), "Fewer lines")
    qtbot.waitUntil(lambda: len(line.value_labels.texts) == 2, timeout=3000)
    shown = _plotted(tab)
    assert shown == _engine(window.doc)
    assert len(shown["line_bars"]) == len(shown["line_base_bars"]) == len(shown["line_names"]) == 2
    assert shown["line_labels"] == ["$139.75", "$0.05"]
    assert len(line.plot.getViewBox().addedItems) == items_before
    assert len(line.plot.scene().items()) == scene_before
    by_model = tab.chart(CostByModelChart)
    assert by_model.bars_by_colour.count() == 2 and by_model.cat_axis.labels == ["Alpha", "Beta"]


def test_charts_scrolled_into_view_catch_up(window, qtbot):
    """Charts out of sight wait; scrolled into view, they show the current figures."""
    from planner.ui.charts.charts import CostByModelChart, ForecastChart
    from planner.ui.charts.charts_tab import REDRAW_INTERVAL_MS

    tab = window.charts_tab
    window.resize(1300, 420)  # only the first row of charts in view
    by_model, fc = tab.chart(CostByModelChart), tab.chart(ForecastChart)
    qtbot.waitUntil(lambda: not tab.on_screen(by_model), timeout=3000)
    for _ in range(3):  # (the layout settles)
        QApplication.processEvents()
    window.doc.set_line_fields(0, "More chat", requests=D(20_000))
    qtbot.wait(REDRAW_INTERVAL_MS * 2)  # any redraw it brings is over
    expected = [float(v) for v in cd.forecast(window.doc.result).expected]
    tab.scroll.ensureWidgetVisible(fc)
    qtbot.waitUntil(lambda: [float(v) for v in fc.expected.yData] == expected, timeout=3000)
    assert by_model.values["cost"] == [b.value for b in cd.cost_by_model(window.doc.result, window.doc.catalog, window.doc.plan)]


def test_chart_saves_png_and_svg(window, tmp_path):
    from planner.ui.charts.charts import WaterfallChart

    chart = window.charts_tab.chart(WaterfallChart)
    png = chart.save(tmp_path / "w.png")
    svg = chart.save(tmp_path / "w.svg")
    img = QImage(str(png))
    assert not img.isNull() and img.width() > 100
    text = svg.read_text()
    assert svg.stat().st_size > 1000 and "<svg" in text


def test_clicking_a_model_in_the_scatter_selects_it(window, qtbot):
    from planner.ui.charts.charts import QualityPriceChart
    from planner.ui.main_window import TAB_MODELS

    chart = window.charts_tab.chart(QualityPriceChart)
    chart.modelClicked.emit("p/c")
    assert window.tabs.currentIndex() == TAB_MODELS
    assert [m.id for m in window.models_tab.selected_models()] == ["p/c"]


def test_pdf_chart_images_render(window):
    from planner.ui.charts.charts_tab import chart_images

    d = window.doc
    images = chart_images(d.plan, d.result, d.catalog, window.models_tab.model.ranking, QSize(800, 400))
    assert [t for t, _ in images] == ["Cost by line", "Savings waterfall", "Forecast"]
    for _, img in images:
        assert img.width() >= 800 and not img.isNull()
        # not blank: some pixel differs from white
        assert any(img.pixel(x, y) != 0xFFFFFFFF for x in range(0, img.width(), 17) for y in range(0, img.height(), 17))


def test_pdf_chart_images_draw_each_plan_afresh(window):
    """The PDF's charts are reused from one export to the next: a plan with fewer lines after
    a bigger one gives the same image as drawing it first."""
    from planner.ui.charts.charts_tab import chart_images

    d = window.doc
    ranking = window.models_tab.model.ranking
    small = chart_images(d.plan, d.result, d.catalog, ranking, QSize(800, 400))
    big_plan = d.plan.model_copy(update={"lines": d.plan.lines + _many_lines(60)})
    big = chart_images(big_plan, compute(big_plan, CAT), d.catalog, ranking, QSize(800, 400))
    again = chart_images(d.plan, d.result, d.catalog, ranking, QSize(800, 400))
    assert [img for _, img in again] == [img for _, img in small]
    assert [img for _, img in big] != [img for _, img in small]


def test_startup_does_not_import_pyqtgraph(tmp_path):
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "from planner.qt_runtime import make_app; from planner.ui.app import create_window; app=make_app(); w=create_window(); w.show(); app.processEvents();"
        "assert 'pyqtgraph' not in sys.modules, 'pyqtgraph imported at start-up';"
        "w.show_tab(2); app.processEvents(); assert 'pyqtgraph' in sys.modules; print('ok'); w.close()"
    )
    env = {**__import__("os").environ, "COST_PLANNER_HOME": str(tmp_path)}
    p = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-1500:]
    assert "ok" in p.stdout


def test_log_ticks():
    assert cd.log_ticks(0.05, 60) == [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]
    assert cd.log_ticks(0, 1) == []
    assert all(math.isfinite(t) for t in cd.log_ticks(1e-3, 1e3))


def test_money_labels_in_the_currency_and_the_display_locale():
    from planner.formatting import set_display_locale
    from planner.ui.charts.base import money_text

    assert money_text(1234.5, "USD", 2) == "$1,234.50"
    assert money_text(1234.5, "JPY", 2) == "¥1,235"  # whole yen
    assert money_text(0.25, "JPY", 2) == "¥0.25"  # a tick under one yen keeps its decimals
    assert money_text(-1234.5, "USD", 0) == "-$1,235"
    set_display_locale("de_DE")
    assert money_text(1234.5, "EUR", 2) == "1.234,50\xa0€"


def test_a_new_number_format_redraws_the_chart_labels(window, qtbot):
    from planner.ui.charts.charts import CostByLineChart

    tab = window.charts_tab
    qtbot.waitUntil(lambda: _plotted(tab) == _engine(window.doc), timeout=3000)
    window.set_number_format("de_DE")
    qtbot.waitUntil(lambda: _plotted(tab) == _engine(window.doc), timeout=3000)
    labels = list(tab.chart(CostByLineChart).value_labels.texts)
    assert labels and all("\xa0$" in t and "," in t for t in labels), labels


# -- empty plans, labels that do not overlap, multi-turn lines ---------------------------------


def turns_plan() -> Plan:
    return Plan(name="Chat", lines=[
        Line(name="Tags", requests=D(1000), input_tokens=D(300), output_tokens=D(50), model="p/b"),
        Line(name="Agent", requests=D(1000), input_tokens=D(100), output_tokens=D(50), model="p/c", turns=2),
    ])


def test_session_cost_by_turns_is_the_engine_at_each_turn_count():
    from planner.ui.charts.charts import session_costs

    # Gamma: $1 in, $2 out per 1M. N turns of 100 new input and 50 output re-send the history:
    # input 100N + 150·N(N−1)/2, output 50N.  N=1: (100 + 2 × 50)/1e6;  N=2: (350 + 2 × 100)/1e6;
    # N=3: (750 + 300)/1e6;  N=4: (1300 + 400)/1e6. (1..2T with T = 2.)
    got = session_costs(turns_plan(), CAT, 1)
    assert [(n, round(v, 10)) for n, v in got] == [(1, D("0.0002")), (2, D("0.00055")), (3, D("0.00105")), (4, D("0.0017"))]
    assert session_costs(turns_plan(), CAT, 0) == []  # not a multi-turn line


def test_turn_counts_are_spread_over_long_sessions():
    from planner.ui.charts.charts import MAX_TURN_POINTS, turn_counts

    assert turn_counts(3) == [1, 2, 3, 4, 5, 6]
    many = turn_counts(500)
    assert many[0] == 1 and many[-1] == 1000 and 500 in many and len(many) <= MAX_TURN_POINTS + 1


def test_multi_turn_chart_only_for_a_plan_with_a_multi_turn_line(window, qtbot):
    from planner.ui.charts.charts import MultiTurnChart
    from planner.ui.plan_document import PlanDocument

    assert not window.charts_tab.chart(MultiTurnChart).isVisible()
    window.set_document(PlanDocument(lambda: window.session.catalog, turns_plan(), parent=window))
    qtbot.waitUntil(lambda: window.charts_tab is not None and window.charts_tab.isVisible())
    tab = window.charts_tab
    chart = tab.chart(MultiTurnChart)
    tab.refresh()
    tab.scroll.ensureWidgetVisible(chart)
    qtbot.waitUntil(lambda: chart.isVisible() and "Agent" in chart.series)
    assert "Agent: 2 turns" in chart.key.text()


def test_an_empty_plan_shows_what_to_do_not_empty_axes(window, qtbot):
    from planner.ui.charts.base import EMPTY_TEXT
    from planner.ui.charts.charts import (
        CostByLineChart,
        ForecastChart,
        SensitivityChart,
        WaterfallChart,
    )
    from planner.ui.plan_document import PlanDocument

    window.set_document(PlanDocument(lambda: window.session.catalog, Plan(name="Empty"), parent=window))
    qtbot.waitUntil(lambda: window.charts_tab is not None and window.charts_tab.isVisible())
    tab = window.charts_tab
    tab.refresh(force=True)
    for cls in (CostByLineChart, WaterfallChart, ForecastChart, SensitivityChart):
        c = tab.chart(cls)
        assert c.empty.isVisible() and c.empty.text() == EMPTY_TEXT, cls.title
        assert not c.plot_widget.isVisible() and not c.key.isVisible()


def test_labels_that_would_overlap_move_or_are_left_out():
    from planner.ui.charts.base import place_labels

    size = (60.0, 14.0)
    # labels at one point: above right, below right, above left, below left, then a label
    # height further out, ... and once no spot is free, left out
    spots = place_labels([(100, 100)] * 13, [size] * 13)
    assert spots[:5] == [(103, 83), (103, 103), (37, 83), (37, 103), (103, 69)]
    assert spots[12] is None
    # a label that would leave the plot goes to the other side of its point
    assert place_labels([(380, 50)], [size], bounds=(400, 200)) == [(317, 33)]
    # far apart: each above right of its point
    assert place_labels([(0, 50), (300, 50)], [size, size]) == [(3, 33), (303, 33)]


def test_quality_vs_price_names_do_not_overlap(window):
    from planner.ui.charts.charts import QualityPriceChart

    chart = window.charts_tab.chart(QualityPriceChart)
    chart.draw(window.charts_tab.context())
    boxes = [item.mapRectToScene(item.boundingRect()) for item in chart.plot.items if type(item).__name__ == "TextItem"]
    assert boxes
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_a_crowded_bar_chart_draws_and_formats_only_the_amounts_that_fit(window, qtbot):
    """102 lines in a chart a few hundred pixels high: the amount of a row nearer than a line
    of text to the last one drawn is left out (as an axis leaves out ticks), and only the
    amounts drawn are formatted; every amount is still there to read, formatted alike."""
    from planner.ui.charts.base import FormattedTexts, money_text
    from planner.ui.charts.charts import CostByLineChart

    tab = window.charts_tab
    line = tab.chart(CostByLineChart)
    window.doc.insert_lines(2, _many_lines(100), "More lines")
    qtbot.waitUntil(lambda: len(line.value_labels.texts) == 102, timeout=3000)
    texts = line.value_labels.texts
    assert isinstance(texts, FormattedTexts)
    from PySide6.QtGui import QFontMetricsF

    line.resize(600, 300)
    line.grab()
    texts._made.clear()
    line.grab()  # one paint at this size
    text_px = QFontMetricsF(line.value_labels._font).height()
    view_px = line.plot.getViewBox().height()
    assert view_px / 102 < text_px  # (the rows really are closer than a line of text)
    assert 0 < len(texts._made) <= view_px / text_px + 2, (len(texts._made), view_px, text_px)
    assert list(texts) == [money_text(v, window.doc.result.currency, 2) for v in texts.values]
    assert list(texts) == _engine(window.doc)["line_labels"]


def test_a_crowded_bar_chart_names_every_kth_row_beside_its_amount(window, qtbot):
    """102 lines a few pixels apart: the names are drawn every k-th row, k the rows a line of
    text spans, and each name drawn stands on the row whose amount is drawn beside it."""
    from planner.ui.charts.charts import CostByLineChart

    tab = window.charts_tab
    line = tab.chart(CostByLineChart)
    window.doc.insert_lines(2, _many_lines(100), "More lines")
    qtbot.waitUntil(lambda: len(line.cat_axis.labels) == 102, timeout=3000)
    line.resize(600, 300)
    line.grab()
    vb = line.plot.getViewBox()
    (lo, hi) = vb.viewRange()[1]
    ticks = line.cat_axis.tickValues(lo, hi, vb.height())
    step, rows = ticks[0]
    assert step > 1 and rows == list(range(0, 102, int(step)))
    names = line.cat_axis.tickStrings(rows, 1, step)
    assert names == [line.cat_axis.labels[r] for r in rows]
    # the amounts drawn are those of the same rows
    texts = line.value_labels.texts
    texts._made.clear()
    line.grab()
    assert sorted(texts._made) == rows

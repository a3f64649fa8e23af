"""ModelsTab as a user drives it: filter controls, blend slider, compare, reset, delete, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QVBoxLayout, QWidget

from planner import paths
from planner.domain.catalog import ModelPrice
from planner.domain.ranking import STANDARD_TASKS, task_cost
from planner.ui import prompts
from planner.ui.catalog_table_model import (
    COL_BLENDED,
    COL_INPUT,
    COL_QUALITY,
    ROW_ROLE,
    SORT_ROLE,
)
from planner.ui.models_tab import ModelsTab
from planner.ui.roles import VALUE_ROLE
from tests.conftest import REPO, emitted

GPT, CLAUDE, GEMINI, SMALL, DEEPSEEK, FLAGSHIP = (
    "openai/gpt-x", "anthropic/claude-y", "google/gemini-z", "mistral/small-q", "deepseek/chat-v", "acme/flagship",
)


@pytest.fixture
def six(mp):
    return (
        mp(GPT, "5", "20", name="GPT X", provider="OpenAI", modalities=("text", "image"), capabilities=("tools",),
           context_window=1_000_000, quality=90),
        mp(CLAUDE, "1", "5", name="Claude Y", provider="Anthropic", capabilities=("tools",), context_window=200_000,
           quality=60),
        mp(GEMINI, "0.10", "0.40", name="Gemini Z", provider="Google", capabilities=("vision",),
           context_window=128_000, quality=25),
        mp(SMALL, "0.20", "0.60", name="Small Q", provider="Mistral", context_window=32_000),
        mp(DEEPSEEK, "0.40", "1.60", name="DeepSeek Chat", provider="DeepSeek", capabilities=("tools",),
           context_window=199_999, quality=45),
        mp(FLAGSHIP, "0.30", "0.90", name="Flagship", provider="Acme", quality=30),
    )


@pytest.fixture
def session(make_session, six):
    return make_session(*six)


def host(qtbot, t: ModelsTab, width: int = 1300, height: int = 700) -> QWidget:
    """Show the tab inside a plain window, as MainWindow hosts it in its QTabWidget.

    (Shown as a top-level window of its own, ModelsTab breaks: see
    test_tab_can_be_grabbed_and_shown_on_its_own.)"""
    window = QWidget()
    qtbot.addWidget(window)
    QVBoxLayout(window).addWidget(t)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def tab(qtbot, session):
    t = ModelsTab(session)
    window = host(qtbot, t)
    yield t
    del window


def visible(t: ModelsTab) -> list[str]:
    return [t.proxy.index(r, 0).data(ROW_ROLE).id for r in range(t.proxy.rowCount())]


def select_rows(t: ModelsTab, rows: list[int]) -> None:
    sm = t.table.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(t.proxy.index(r, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def select_ids(t: ModelsTab, ids: list[str]) -> None:
    order = visible(t)
    select_rows(t, [order.index(i) for i in ids])


# -- initial state ---------------------------------------------------------------------------


def test_opens_sorted_by_best_value(tab):
    # value = quality / input: Gemini 25/0.10 = 250, DeepSeek 45/0.40 = 112.5, Flagship 30/0.30 = 100,
    # Claude 60/1 = 60, GPT 90/5 = 18; Small Q has no score: last.
    assert visible(tab) == [GEMINI, DEEPSEEK, FLAGSHIP, CLAUDE, GPT, SMALL]
    assert tab.count.text() == "6 of 6 models"
    assert tab.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_cheapest_button_sorts_by_blended(tab):
    tab.cheapest.click()
    # Blended 3:1: Gemini (0.3+0.4)/4 = 0.175, Small (0.6+0.6)/4 = 0.3, Flagship (0.9+0.9)/4 = 0.45,
    # DeepSeek (1.2+1.6)/4 = 0.7, Claude (3+5)/4 = 2, GPT (15+20)/4 = 8.75.
    assert visible(tab) == [GEMINI, SMALL, FLAGSHIP, DEEPSEEK, CLAUDE, GPT]


def test_view_sort_by_input_is_numeric(tab):
    tab.table.sortByColumn(COL_INPUT, Qt.SortOrder.AscendingOrder)
    assert visible(tab) == [GEMINI, SMALL, FLAGSHIP, DEEPSEEK, CLAUDE, GPT]  # 0.1 < 0.2 < 0.3 < 0.4 < 1 < 5


# -- filters ---------------------------------------------------------------------------------


def test_search_box_filters_after_typing(qtbot, tab):
    qtbot.keyClicks(tab.search, "DEEP")
    qtbot.waitUntil(lambda: visible(tab) == [DEEPSEEK], timeout=2000)
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 6, timeout=2000)


def test_search_box_matches_provider_and_id(qtbot, tab):
    tab.search.setText("anthropic")
    qtbot.waitUntil(lambda: visible(tab) == [CLAUDE], timeout=2000)
    tab.search.setText("gemini-z")
    qtbot.waitUntil(lambda: visible(tab) == [GEMINI], timeout=2000)


def test_tier_and_provider_combos(tab):
    tab.tier.setCurrentIndex(tab.tier.findData("budget"))
    assert set(visible(tab)) == {GEMINI, SMALL, FLAGSHIP}  # under $0.40
    assert tab.count.text() == "3 of 6 models"
    tab.tier.setCurrentIndex(0)
    tab.provider.setCurrentIndex(tab.provider.findData("Google"))
    assert visible(tab) == [GEMINI]
    assert [tab.provider.itemText(i) for i in range(tab.provider.count())] == [
        "All providers", "Acme", "Anthropic", "DeepSeek", "Google", "Mistral", "OpenAI",
    ]


def test_capability_checkboxes(tab):
    tab.vision.setChecked(True)
    assert set(visible(tab)) == {GPT, GEMINI}
    tab.vision.setChecked(False)
    tab.tools.setChecked(True)
    assert set(visible(tab)) == {GPT, CLAUDE, DEEPSEEK}
    tab.long_ctx.setChecked(True)
    assert set(visible(tab)) == {GPT, CLAUDE}
    assert tab.count.text() == "2 of 6 models"


def test_floor_spinbox_hides_and_restores(tab):
    tab.floor.setValue(50)
    assert set(visible(tab)) == {GPT, CLAUDE}
    assert tab.model.rowCount() == 6
    assert tab.count.text() == "2 of 6 models (floor 50)"
    tab.floor.setValue(30)
    assert set(visible(tab)) == {GPT, CLAUDE, DEEPSEEK, FLAGSHIP}
    tab.floor.setValue(0)
    assert len(visible(tab)) == 6
    assert tab.count.text() == "6 of 6 models"


def test_quality_edit_under_the_floor_hides_the_row(tab):
    tab.floor.setValue(50)
    row = visible(tab).index(CLAUDE)
    assert tab.proxy.setData(tab.proxy.index(row, COL_QUALITY), "40")
    assert set(visible(tab)) == {GPT}
    assert tab.count.text() == "1 of 6 models (floor 50)"
    tab.session.undo_stack.undo()
    assert set(visible(tab)) == {GPT, CLAUDE}


# -- blend ratio slider ----------------------------------------------------------------------


def test_ratio_slider_reorders_blended_ranking(make_session, mp, qtbot):
    # A in 1 / out 10, B in 4 / out 4: at 1:1 A = 5.5 > B = 4; at 10:1 A = 20/11 = 1.818 < B = 4.
    t = ModelsTab(make_session(mp("x/a", "1", "10", name="A"), mp("x/b", "4", "4", name="B")))
    qtbot.addWidget(t)
    t.cheapest.click()
    t.ratio.setValue(1)
    assert visible(t) == ["x/b", "x/a"]
    assert t.ratio_label.text() == "1:1"
    assert t.proxy.index(1, COL_BLENDED).data(SORT_ROLE) == pytest.approx(5.5)
    t.ratio.setValue(10)
    assert visible(t) == ["x/a", "x/b"]
    assert t.ratio_label.text() == "10:1"
    assert t.proxy.index(0, COL_BLENDED).data(SORT_ROLE) == pytest.approx(20 / 11)
    assert t.proxy.index(0, COL_BLENDED).data() == "1.8182"
    assert "10:1" in t.table.model().headerData(COL_BLENDED, Qt.Orientation.Horizontal)


# -- compare ---------------------------------------------------------------------------------


def test_compare_button_enabled_for_two_to_four(tab):
    for n, enabled in ((0, False), (1, False), (2, True), (3, True), (4, True), (5, False), (6, False)):
        select_rows(tab, list(range(n)))
        assert tab.compare_btn.isEnabled() is enabled, n


def test_compare_three_selected_models(tab):
    select_ids(tab, [GEMINI, CLAUDE, GPT])
    assert tab.compare_btn.isEnabled()
    assert tab.compare_btn.text() == "Compare (3)"
    assert tab.compare is None  # (made when first used)
    tab.compare_btn.click()
    assert tab.compare.isVisible()
    cm = tab.compare.model
    shown = {m.id for m in cm.models}
    assert shown == {GEMINI, CLAUDE, GPT}
    for name in ("Gemini Z", "Claude Y", "GPT X"):
        assert name in tab.compare.title.text()
    # Chat 500+200: Gemini (50 + 80)/1e6 = $0.00013; Claude (500 + 1000)/1e6 = $0.0015;
    # GPT (2500 + 4000)/1e6 = $0.0065.
    chat = next(r for r in range(cm.rowCount()) if cm.row_label(r) == "Chat message (500+200)")
    by_id = {cm.index(chat, c).data(ROW_ROLE).id: cm.index(chat, c) for c in range(cm.columnCount())}
    assert by_id[GEMINI].data(VALUE_ROLE) == Decimal("0.00013")
    assert by_id[CLAUDE].data(VALUE_ROLE) == Decimal("0.0015")
    assert by_id[GPT].data(VALUE_ROLE) == Decimal("0.0065")
    assert by_id[GEMINI].data(Qt.ItemDataRole.BackgroundRole) is not None
    assert by_id[GPT].data(Qt.ItemDataRole.BackgroundRole) is None
    # All standard tasks agree with the domain.
    for t in STANDARD_TASKS:
        r = next(r for r in range(cm.rowCount()) if cm.row_label(r).startswith(f"{t.label} ("))
        for c in range(cm.columnCount()):
            m = cm.index(r, c).data(ROW_ROLE)
            assert cm.index(r, c).data(VALUE_ROLE) == task_cost(m, t)


def test_compare_follows_ratio_and_closes(qtbot, tab):
    select_ids(tab, [GEMINI, CLAUDE])
    tab.compare_btn.click()
    tab.ratio.setValue(1)
    labels = [tab.compare.model.row_label(r) for r in range(tab.compare.model.rowCount())]
    assert "Blended 1:1" in labels
    tab.close_compare()
    assert not tab.compare.isVisible()


def test_compare_with_wrong_count_explains(tab):
    select_rows(tab, [0])
    tab.compare_selected()
    assert tab.compare is None  # no comparison was made
    assert tab.messages.isVisible()
    assert "Select 2 to 4 models" in tab.messages.text()


# -- edits, reset, delete -------------------------------------------------------------------


def test_rejected_edit_shows_the_error(qtbot, tab):
    row = visible(tab).index(GPT)
    with emitted(tab.statusMessage) as msg:
        assert tab.proxy.setData(tab.proxy.index(row, COL_INPUT), "-1") is False
    assert tab.messages.isVisible()
    assert "GPT X" in tab.messages.text() and "negative" in tab.messages.text()
    assert "GPT X" in msg.args[0]
    assert tab.session.catalog[GPT].input == Decimal("5")


def test_reset_selected_restores_shipped_price(tab):
    s = tab.session
    s.edit_model(CLAUDE, "Edit", input=Decimal("2.75"))
    select_ids(tab, [CLAUDE])
    assert tab.reset_btn.isEnabled()
    assert not tab.delete_btn.isEnabled()  # shipped: reset, not delete
    tab.reset_btn.click()
    assert s.catalog[CLAUDE].input == Decimal("1")
    assert s.edited_fields(CLAUDE) == set()
    assert not tab.reset_btn.isEnabled()
    s.undo_stack.undo()
    assert s.catalog[CLAUDE].input == Decimal("2.75")


def test_reset_disabled_for_unedited(tab):
    select_ids(tab, [GPT])
    assert not tab.reset_btn.isEnabled()


def test_delete_user_added_model(monkeypatch, tab, mp):
    s = tab.session
    s.add_model(mp("mine/deal", "0.5", "1", name="Deal", provider="Mine"))
    assert "mine/deal" in visible(tab)
    assert tab.count.text() == "7 of 7 models"
    select_ids(tab, ["mine/deal"])
    assert tab.delete_btn.isEnabled()
    asked = []

    def yes(*args, **kw):
        asked.append(args)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(prompts, "ask", yes)
    tab.delete_btn.click()
    assert asked
    assert "mine/deal" not in s.catalog
    assert "mine/deal" not in visible(tab)
    assert tab.count.text() == "6 of 6 models"
    s.undo_stack.undo()
    assert "mine/deal" in visible(tab)


def test_delete_answered_no_keeps_model(monkeypatch, tab, mp):
    s = tab.session
    s.add_model(mp("mine/deal", "0.5", "1", name="Deal", provider="Mine"))
    select_ids(tab, ["mine/deal"])
    monkeypatch.setattr(prompts, "ask", lambda *a, **k: QMessageBox.StandardButton.No)
    tab.delete_btn.click()
    assert "mine/deal" in s.catalog


def test_delete_disabled_when_a_shipped_model_is_selected(tab, mp):
    tab.session.add_model(mp("mine/deal", "0.5", "1", name="Deal", provider="Mine"))
    select_ids(tab, ["mine/deal", GPT])
    assert not tab.delete_btn.isEnabled()


def test_added_model_appears_in_provider_list(tab, mp):
    tab.session.add_model(mp("zed/new", "1", "1", name="New", provider="Zed"))
    assert tab.provider.findData("Zed") >= 0


def test_select_model_clears_hiding_filters(tab):
    tab.provider.setCurrentIndex(tab.provider.findData("Google"))
    assert tab.select_model(GPT)
    assert [m.id for m in tab.selected_models()] == [GPT]


def test_selection_follows_the_model_when_rows_resort(tab):
    tab.cheapest.click()
    select_ids(tab, [CLAUDE])
    tab.table.sortByColumn(COL_INPUT, Qt.SortOrder.DescendingOrder)  # Claude moves from row 4 to row 1
    assert visible(tab).index(CLAUDE) == 1
    assert [m.id for m in tab.selected_models()] == [CLAUDE]


def test_edit_in_the_table_editor(qtbot, tab):
    row = visible(tab).index(GPT)
    idx = tab.proxy.index(row, COL_INPUT)
    tab.table.setCurrentIndex(idx)
    tab.table.edit(idx)
    editor = tab.table.viewport().findChild(QLineEdit)
    assert editor is not None
    assert editor.text() == "5"
    editor.selectAll()
    qtbot.keyClicks(editor, "2.75")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits from a queued call
    qtbot.waitUntil(lambda: tab.session.catalog[GPT].input == Decimal("2.75"), timeout=2000)
    row = visible(tab).index(GPT)
    assert tab.proxy.index(row, COL_INPUT).data() == "2.75"
    assert tab.proxy.index(row, COL_INPUT).data(Qt.ItemDataRole.FontRole).bold()


def test_metric_combo_switches_quality_column(make_session, mp, qtbot):
    s = make_session(
        mp("a/one", "1", "1", name="One", quality={"tokenrate": 40, "swe_bench": 70}),
        mp("b/two", "1", "1", name="Two", quality={"tokenrate": 80}),
    )
    t = ModelsTab(s)
    window = host(qtbot, t)
    assert [t.metric_combo.itemData(i) for i in range(t.metric_combo.count())] == ["tokenrate", "swe_bench"]
    t.floor.setValue(50)
    assert visible(t) == ["b/two"]
    t.metric_combo.setCurrentIndex(t.metric_combo.findData("swe_bench"))
    assert visible(t) == ["a/one"]  # Two has no SWE-bench score
    assert t.proxy.index(0, COL_QUALITY).data() == "70.0"
    assert "SWE-bench" in t.proxy.headerData(COL_QUALITY, Qt.Orientation.Horizontal)
    window.close()


# -- scale -----------------------------------------------------------------------------------

N = 4000


def _synthetic() -> list[tuple[str, Decimal, Decimal, float | None]]:
    """(id, input, output, quality): inputs 0.001..4.000 all different, outputs a permutation of them,
    every tenth model without a quality score."""
    rows = []
    for i in range(N):
        inp = Decimal(i + 1) / 1000
        out = Decimal((i * 7919) % N + 1) / 1000
        q = None if i % 10 == 0 else float(i % 97)
        rows.append((f"prov{i % 20:02d}/model-{i:04d}", inp, out, q))
    return rows


def _blended_sorted(t: ModelsTab) -> list[float]:
    return [t.proxy.index(r, COL_BLENDED).data(SORT_ROLE) for r in range(t.proxy.rowCount())]


@pytest.mark.slow
def test_four_thousand_models(qtbot, make_session):
    spec = _synthetic()
    models = [
        ModelPrice(id=i, name=f"Model {i[-4:]}", provider=i.split("/")[0], input=a, output=b,
                   quality={"tokenrate": q} if q is not None else {})
        for i, a, b, q in spec
    ]
    t = ModelsTab(make_session(*models))
    window = host(qtbot, t, 1300, 800)
    assert t.proxy.rowCount() == N
    assert t.count.text() == "4,000 of 4,000 models"

    # Search: the id "model-0123" (names have a space) and a provider.
    t.search.setText("model-0123")
    qtbot.waitUntil(lambda: t.proxy.rowCount() == 1, timeout=3000)
    assert visible(t) == ["prov03/model-0123"]
    t.search.setText("prov07")
    qtbot.waitUntil(lambda: t.proxy.rowCount() == N // 20, timeout=3000)
    t.search.setText("")
    qtbot.waitUntil(lambda: t.proxy.rowCount() == N, timeout=3000)

    # Floor 50: models with a score of at least 50.
    expected_50 = sum(1 for _, _, _, q in spec if q is not None and q >= 50)
    t.floor.setValue(50)
    assert t.proxy.rowCount() == expected_50
    assert t.model.rowCount() == N
    assert all(t.proxy.index(r, COL_QUALITY).data(SORT_ROLE) >= 50 for r in range(t.proxy.rowCount()))

    # Ratio: cheapest blended first, at 1:1 and at 10:1, among the eligible models.
    t.cheapest.click()
    for ratio in (1, 10):
        t.ratio.setValue(ratio)
        blended = {i: (ratio * a + b) / (ratio + 1) for i, a, b, q in spec if q is not None and q >= 50}
        shown = _blended_sorted(t)
        assert len(shown) == expected_50
        assert shown == sorted(shown)
        assert shown[0] == pytest.approx(float(min(blended.values())))
        first = visible(t)[0]
        assert float(blended[first]) == pytest.approx(float(min(blended.values())))

    t.floor.setValue(0)
    assert t.proxy.rowCount() == N
    t.search.setText("prov00/")
    qtbot.waitUntil(lambda: t.proxy.rowCount() == N // 20, timeout=3000)
    window.close()


# -- the tab as a widget of its own ---------------------------------------------------------------

GRAB_SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from planner.qt_runtime import make_app
from planner.ui.models_tab import ModelsTab
from planner.ui.session import Session
app = make_app()
tab = ModelsTab(Session())
tab.resize(1300, 700)
tab.show()
app.processEvents()
image = tab.grab().toImage()
print(image.width(), image.height())
"""


def test_tab_can_be_grabbed_and_shown_on_its_own(tmp_path):
    # Run in a child process: if the tab crashes Qt, it must not take the test run with it.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", paths.HOME_OVERRIDE_ENV: str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", GRAB_SCRIPT], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Error calling Python override" not in proc.stderr
    assert proc.stdout.split() == ["1300", "700"]


def test_models_follow_the_plan_ratio_once_a_slider_drag_pauses(qtbot, tab):
    """With "My workload's ratio" on, the table re-ranks for the plan's input:output ratio;
    a drag of the plan's slider (many ratios in a row) re-ranks once, for the last one."""
    assert not tab.workload_ratio.isEnabled()
    tab.set_workload_ratio(2.0)
    assert tab.workload_ratio.isEnabled() and "2:1" in tab.workload_ratio.text()
    tab.workload_ratio.setChecked(True)
    assert tab.model.ratio == 2.0 and not tab.ratio.isEnabled()
    calls: list[float | None] = []
    real = tab.model.set_settings

    def counting(**kw):
        calls.append(kw.get("ratio"))
        real(**kw)

    tab.model.set_settings = counting  # type: ignore[method-assign]
    for r in (2.5, 3.0, 4.0, 9.0):
        tab.set_workload_ratio(r)
    assert "9:1" in tab.workload_ratio.text()  # the label follows at once
    qtbot.waitUntil(lambda: tab.model.ratio == 9.0, timeout=2000)
    assert calls == [9.0]
    # value for a 9:1 input-heavy workload: blended price = (9 x in + out) / 10
    for i, m in enumerate(tab.session.catalog.models):
        assert tab.model.ranking.blended[i] == pytest.approx((9 * float(m.input) + float(m.output)) / 10)
    tab.set_workload_ratio(None)  # no plan tokens: back to the manual ratio
    assert not tab.workload_ratio.isChecked() and tab.ratio.isEnabled()


# -- unpriced models, metric coverage, fitting the screen --------------------------------------


def test_unpriced_models_stay_out_of_cheapest_unless_included(qtbot, make_session, six, mp):
    free = mp("acme/unpriced", "0", "0", name="Unpriced", quality=50)
    t = ModelsTab(make_session(*six, free))
    window = host(qtbot, t)
    assert not t.include_free.isChecked()
    t.cheapest.click()
    assert "acme/unpriced" not in visible(t)
    assert visible(t)[0] == GEMINI  # (3 × 0.10 + 0.40) / 4 = 0.175, the cheapest priced model
    assert t.count.text() == "6 of 7 models"
    t.include_free.setChecked(True)
    assert visible(t)[0] == "acme/unpriced"
    assert t.count.text() == "7 of 7 models"
    del window


def test_coverage_of_the_quality_metric_is_shown(tab, session, mp):
    assert tab.coverage.text() == "5 of 6 models scored"  # Small Q has no score
    session.edit_model(SMALL, "score", quality={"my_evals": 70.0})
    assert tab.metric_combo.findData("my_evals") >= 0, "an imported metric joins the list"
    tab.metric_combo.setCurrentIndex(tab.metric_combo.findData("my_evals"))
    assert tab.coverage.text() == "1 of 6 models scored"


def test_whole_comparison_and_every_column_fit_1366x768(qtbot, session):
    t = ModelsTab(session)
    window = host(qtbot, t, 1366, 700)
    qtbot.waitUntil(lambda: t._fitted)
    qtbot.wait(10)
    shown = [c for c in range(t.proxy.columnCount()) if not t.table.isColumnHidden(c)]
    assert sum(t.table.columnWidth(c) for c in shown) <= t.table.viewport().width()
    t.compare_models([GPT, CLAUDE, GEMINI])
    qtbot.wait(10)
    for view in (t.compare.view, t.compare.tasks_view):
        assert not view.verticalScrollBar().isVisible(), "every row of the comparison is on screen"
    labels = [t.compare.model.row_label(r) for r in range(t.compare.model.rowCount())
              if not t.compare.tasks_view.isRowHidden(r)]
    assert labels[0] == "Cost per task" and "What $1 buys" in labels
    del window


# -- the search box over the table -------------------------------------------------------------


def test_the_count_follows_the_search(qtbot, tab):
    tab.search.setText("deep")
    qtbot.waitUntil(lambda: tab.count.text() == "1 of 6 models", timeout=2000)
    tab.search.setText("")
    qtbot.waitUntil(lambda: tab.count.text() == "6 of 6 models", timeout=2000)


def test_search_keeps_the_selection_the_sort_and_the_columns(qtbot, tab):
    tab.table.sortByColumn(COL_INPUT, Qt.SortOrder.AscendingOrder)
    select_ids(tab, [CLAUDE, GPT])
    widths = [tab.table.columnWidth(c) for c in range(tab.proxy.columnCount())]
    hidden = [tab.table.isColumnHidden(c) for c in range(tab.proxy.columnCount())]
    tab.search.setText("l")  # not in GPT X, openai/gpt-x, OpenAI, nor in DeepSeek's
    qtbot.waitUntil(lambda: GPT not in visible(tab), timeout=2000)
    assert visible(tab) == [GEMINI, SMALL, FLAGSHIP, CLAUDE]  # still by input price
    assert [m.id for m in tab.selected_models()] == [CLAUDE]  # GPT is hidden: no longer selected
    assert [tab.table.columnWidth(c) for c in range(tab.proxy.columnCount())] == widths
    assert [tab.table.isColumnHidden(c) for c in range(tab.proxy.columnCount())] == hidden
    tab.search.setText("")
    qtbot.waitUntil(lambda: len(visible(tab)) == 6, timeout=2000)
    assert visible(tab) == [GEMINI, SMALL, FLAGSHIP, DEEPSEEK, CLAUDE, GPT]
    assert [m.id for m in tab.selected_models()] == [CLAUDE]

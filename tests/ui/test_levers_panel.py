"""The levers panels: a line's routing draft (Apply at 100% only), its lever spin boxes, the flat multipliers."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from planner.domain.costing import compute
from planner.domain.plan import Plan, PromptCache
from planner.domain.presets import seed_multipliers
from planner.ui.levers_panel import LineLeversPanel, PlanLeversPanel
from planner.ui.multipliers_model import (
    COL_EXPECTED,
    COL_HIGH,
    COL_LOW,
    COL_NAME,
    COL_ON,
    MultipliersModel,
)
from planner.ui.plan_document import PlanDocument
from planner.ui.routing_model import COL_SHARE, RoutingModel
from planner.ui.worksheet_model import COL_INPUT, WorksheetModel
from tests.conftest import emitted
from tests.ui.workload_helpers import (  # noqa: F401  (fixtures)
    BIG,
    MID,
    SMALL,
    assert_engine,
    doc,
    line,
    make_doc,
    session,
    shipped_doc,
)

D = Decimal
EDIT = Qt.ItemDataRole.EditRole
CHECK = Qt.ItemDataRole.CheckStateRole


@pytest.fixture
def panel(qtbot, doc) -> LineLeversPanel:
    p = LineLeversPanel(doc)
    qtbot.addWidget(p)
    p.set_row(0)
    return p


def add_route(p: LineLeversPanel, model_id: str, share: str) -> None:
    p.picker.set_model_id(model_id)
    p.add_route.click()
    r = p.routing.rowCount() - 1
    assert p.routing.setData(p.routing.index(r, COL_SHARE), share, EDIT)


# -- RoutingModel --------------------------------------------------------------------------------------


def test_routing_model_qtmodeltester(qtmodeltester, session):
    m = RoutingModel(lambda: session.catalog)
    qtmodeltester.check(m, force_py=True)  # stays connected: the changes below are checked too
    m.add(BIG, D("0.6"))
    m.add(SMALL)
    m.setData(m.index(1, COL_SHARE), "10", EDIT)
    m.remove(0)
    m.set_routes([])
    m.add(MID, D(1))
    qtmodeltester.check(m)


def test_routing_model_draft(qtbot, session):
    m = RoutingModel(lambda: session.catalog)
    assert m.is_valid and m.problem is None  # empty = all on the line's model
    m.add(BIG, D("0.6"))
    m.add(SMALL)  # takes what is left: 40%
    assert m.index(1, COL_SHARE).data() == "40%"
    assert m.index(0, 0).data() == "Big"
    assert m.is_valid
    assert m.setData(m.index(1, COL_SHARE), "30", EDIT)
    assert not m.is_valid
    assert m.problem == "Shares add up to 90%: they must add up to 100%"
    for bad in ("abc", "150", "-5"):
        with emitted(m.editRejected) as blocker:
            assert not m.setData(m.index(1, COL_SHARE), bad, EDIT)
        assert "Small" in blocker.args[0]
    assert m.index(1, COL_SHARE).data(EDIT) == "30"
    with emitted(m.editRejected) as blocker:
        m.add(BIG)
    assert "already in the mix" in blocker.args[0]
    assert m.rowCount() == 2
    assert not m.setData(m.index(0, 0), MID, EDIT)  # the model column is not editable
    assert not (m.flags(m.index(0, 0)) & Qt.ItemFlag.ItemIsEditable)


# -- LineLeversPanel: routing ----------------------------------------------------------------------------


def test_apply_is_disabled_and_a_warning_shown_until_shares_add_up_to_100(panel, doc):
    assert "line's model" in panel.route_status.text()
    assert not panel.apply_route.isEnabled()  # nothing to apply
    add_route(panel, BIG, "60")
    add_route(panel, SMALL, "30")
    assert not panel.apply_route.isEnabled()
    assert "⚠" in panel.route_status.text() and "90%" in panel.route_status.text()
    panel.apply_route.click()  # even if clicked: nothing happens
    assert doc.plan.lines[0].routing == []
    assert doc.undo_stack.count() == 0
    panel.routing.setData(panel.routing.index(1, COL_SHARE), "40%", EDIT)
    assert panel.apply_route.isEnabled()
    assert "⚠" not in panel.route_status.text() and "100%" in panel.route_status.text()


def test_apply_sets_the_routing_undoably(panel, doc):
    add_route(panel, BIG, "60")
    add_route(panel, SMALL, "40")
    panel.apply_route.click()
    assert [(r.model, r.share) for r in doc.plan.lines[0].routing] == [(BIG, D("0.6")), (SMALL, D("0.4"))]
    assert not panel.apply_route.isEnabled()  # the draft is what the line has
    # Chat: 6,000 on Big x 0.0165 = $99 + 4,000 on Small x (500 x 0.10 + 1,000 x 0.40)/1e6 = $1.80; Tags $1
    assert doc.result.lines[0].baseline == D("165")
    assert doc.result.optimized == D("101.8")
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.plan.lines[0].routing == []
    assert panel.routing.rowCount() == 0  # the panel shows the restored line
    assert doc.result.optimized == D("166")
    assert_engine(doc)
    doc.undo_stack.redo()
    assert panel.routing.rowCount() == 2
    assert doc.result.optimized == D("101.8")


def test_removing_a_route_makes_the_draft_invalid_again(panel, doc):
    add_route(panel, BIG, "60")
    add_route(panel, SMALL, "40")
    panel.remove_route.click()  # nothing selected: the last row
    assert panel.routing.rowCount() == 1
    assert not panel.apply_route.isEnabled()
    assert "60%" in panel.route_status.text()


def test_all_on_model_clears_the_routing_undoably(make_doc, qtbot):
    d = make_doc(line(routing=[{"model": BIG, "share": D("0.5")}, {"model": SMALL, "share": D("0.5")}]))
    p = LineLeversPanel(d)
    qtbot.addWidget(p)
    p.set_row(0)
    assert p.routing.rowCount() == 2
    # 5,000 x 0.0165 + 5,000 x 0.00045 = $82.50 + $2.25
    assert d.result.optimized == D("84.75")
    p.clear_route.click()
    assert d.plan.lines[0].routing == []
    assert d.result.optimized == D("165")
    d.undo_stack.undo()
    assert len(d.plan.lines[0].routing) == 2
    assert_engine(d)


def test_the_draft_follows_the_selected_line(make_doc, qtbot):
    d = make_doc(line("A"), line("B", routing=[{"model": MID, "share": D(1)}]))
    p = LineLeversPanel(d)
    qtbot.addWidget(p)
    p.set_row(0)
    assert p.routing.rowCount() == 0 and p.title() == "Line levers — A"
    p.set_row(1)
    assert p.routing.rowCount() == 1 and p.title() == "Line levers — B"
    p.set_row(None)
    assert not p.apply_route.isEnabled() and not p.batch.isEnabled()


# -- LineLeversPanel: lever spin boxes -------------------------------------------------------------------


def commit(spin, value) -> None:
    spin.setValue(value)
    spin.editingFinished.emit()


def test_spin_boxes_commit_undoable_edits(panel, doc):
    commit(panel.batch, 50)
    assert doc.plan.lines[0].batch_share == D("0.5")
    # $165 x (0.5 + 0.5 x 0.5) = $123.75 + Tags $1
    assert doc.result.optimized == D("124.75")
    commit(panel.prefix, 400)
    commit(panel.hit, 90)
    commit(panel.response, 20)
    commit(panel.semantic, 12.5)
    ln = doc.plan.lines[0]
    assert (ln.prompt_cache.prefix_tokens, ln.prompt_cache.hit_rate) == (D(400), D("0.9"))
    assert (ln.response_cache_hit_rate, ln.semantic_cache_hit_rate) == (D("0.2"), D("0.125"))
    assert doc.undo_stack.count() == 5
    for _ in range(5):
        doc.undo_stack.undo()
    assert doc.plan.lines[0] == line("Chat")
    assert panel.batch.value() == 0 and panel.prefix.value() == 0
    assert_engine(doc)


def test_prefix_spin_cannot_exceed_the_input_tokens(panel, doc):
    assert panel.prefix.maximum() == 500
    commit(panel.prefix, 9999)
    assert doc.plan.lines[0].prompt_cache.prefix_tokens == D(500)


def test_prefix_bound_follows_the_input_tokens_once_they_settle(panel, doc, qtbot):
    """A token change (the input:output slider) moves the bound once the tokens stop moving;
    a prefix above the input is refused meanwhile by the line's own rule."""
    from planner.domain.token_mix import rebalance

    doc.set_lines({0: rebalance([doc.plan.lines[0]], Decimal("0.2"))[0]}, "Rebalance")
    new_input = int(doc.plan.lines[0].input_tokens)
    assert new_input < 500
    qtbot.waitUntil(lambda: panel.prefix.maximum() == new_input, timeout=2000)
    commit(panel.prefix, 9999)
    assert doc.plan.lines[0].prompt_cache.prefix_tokens == D(new_input)


def test_cache_prices_and_the_no_cache_read_warning(make_doc, qtbot):
    d = make_doc(line(model=MID, prompt_cache=PromptCache(prefix_tokens=D(400), hit_rate=D("0.9"))),
                 line("Big one"))
    p = LineLeversPanel(d)
    qtbot.addWidget(p)
    p.set_row(0)
    assert "No cache-read price for Mid" in p.cache_prices.text()
    assert "has no cache-read price" in d.result.lines[0].notices[0]
    # prompt caching does not apply: 10,000 x (500 + 5,000)/1e6 = $55 stays $55
    assert d.result.lines[0].optimized == D("55")
    p.set_row(1)
    assert "Big: read $0.30, write $3.75 per 1M" in p.cache_prices.text()


# -- MultipliersModel and PlanLeversPanel -----------------------------------------------------------------


@pytest.fixture
def mults(doc) -> MultipliersModel:
    return MultipliersModel(doc)


def row_of(m: MultipliersModel, name: str) -> int:
    return next(r for r in range(m.rowCount()) if m.index(r, COL_NAME).data() == name)


def test_multipliers_qtmodeltester(qtmodeltester, doc, mults):
    qtmodeltester.check(mults, force_py=True)  # stays connected: the changes below are checked too
    mults.setData(mults.index(0, COL_ON), Qt.CheckState.Checked, CHECK)
    mults.add()
    mults.remove(0)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    qtmodeltester.check(mults)


def test_multipliers_show_the_seed_levers(mults):
    assert mults.rowCount() == 5
    r = row_of(mults, "Semantic caching")
    assert [mults.index(r, c).data() for c in (COL_LOW, COL_EXPECTED, COL_HIGH)] == ["20%", "35%", "50%"]
    assert mults.index(r, COL_ON).data(CHECK) == Qt.CheckState.Unchecked


def test_toggle_semantic_caching_is_undoable(doc, mults):
    r = row_of(mults, "Semantic caching")
    assert mults.setData(mults.index(r, COL_ON), Qt.CheckState.Checked, CHECK)
    # $166 x (1 - 0.35) = $107.90; best $166 x 0.5 = $83; worst $166 x 0.8 = $132.80
    assert doc.result.optimized == D("107.9")
    assert (doc.result.optimized_low, doc.result.optimized_high) == (D("83"), D("132.8"))
    assert mults.index(r, COL_ON).data(CHECK) == Qt.CheckState.Checked
    assert doc.undo_stack.undoText() == "Turn on Semantic caching"
    doc.undo_stack.undo()
    assert doc.result.optimized == D("166")
    assert mults.index(r, COL_ON).data(CHECK) == Qt.CheckState.Unchecked
    assert_engine(doc)


def test_product_suite_semantic_caching_takes_35_percent_off(shipped_doc):
    d = shipped_doc("product-suite")
    m = MultipliersModel(d)
    r = row_of(m, "Semantic caching")
    assert m.index(r, COL_ON).data(CHECK) == Qt.CheckState.Checked  # shipped on
    on = d.result.optimized
    assert m.setData(m.index(r, COL_ON), Qt.CheckState.Unchecked, CHECK)
    off = d.result.optimized
    # Before multipliers, by hand (shipped prices, USD per 1M):
    # Support bot   42,500 billable x (300 x 0.25 + 2,000 x (0.9 x 0.025 + 0.1 x 0.3125) + 250 x 5)/1e6 = 60.88125
    # Email drafts  20,000 x (200 x 0.40 + 500 x 1.60)/1e6                                      = 17.60
    # Doc summaries 3,000/day x 22 = 66,000 x 0.0015 x (0.4 + 0.6 x 0.5)                         = 69.30
    # Code review   28,000 x 0.0084 (Sonnet) + 12,000 x 0.000224 (DeepSeek V4 Flash)            = 237.888
    # Product desc. 100,000 x 0.000845 x 0.5 (all batch)                                         = 42.25
    # Analyst rep.  2,000 x (2,000 x 15 + 3,000 x (0.5 x 1.5 + 0.5 x 18.75) + 2,000 x 75)/1e6   = 420.75
    assert off == D("848.66925")
    assert on == off * D("0.65") == D("551.6350125")
    assert d.undo_stack.count() == 1
    d.undo_stack.undo()
    assert d.result.optimized == on


def test_multiplier_edits_and_refusals(qtbot, doc, mults):
    r = row_of(mults, "Semantic caching")
    mults.setData(mults.index(r, COL_ON), Qt.CheckState.Checked, CHECK)
    assert mults.setData(mults.index(r, COL_EXPECTED), "40", EDIT)
    assert doc.result.optimized == D("99.6")  # $166 x 0.6
    before = doc.plan.model_dump()
    for col, typed, words in ((COL_LOW, "45", "low <= expected"), (COL_HIGH, "30%", "low <= expected"),
                              (COL_EXPECTED, "abc", "not a number"), (COL_HIGH, "120", "above 100%"),
                              (COL_LOW, "-1", "negative"), (COL_NAME, "  ", "name is required")):
        with emitted(mults.editRejected) as blocker:
            assert not mults.setData(mults.index(r, col), typed, EDIT)
        assert "Semantic caching" in blocker.args[0] and words in blocker.args[0], blocker.args[0]
    assert doc.plan.model_dump() == before
    assert mults.setData(mults.index(r, COL_NAME), "Semantic cache (GPTCache)", EDIT)
    assert doc.plan.multipliers[r].name == "Semantic cache (GPTCache)"
    assert doc.undo_stack.count() == 3
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.plan.multipliers[r].expected == D("0.35")
    assert doc.result.optimized == D("107.9")
    assert_engine(doc)


def test_plan_levers_panel_add_remove_and_batch_discount(qtbot, make_doc):
    d = make_doc(line(batch_share=D(1)))
    p = PlanLeversPanel(d)
    qtbot.addWidget(p)
    assert p.combined.text() == "None on"
    assert d.result.optimized == D("82.5")  # all batch at the default 50% off $165
    p.discount.setValue(40)
    p.discount.editingFinished.emit()
    assert d.plan.batch_discount == D("0.4")
    assert d.result.optimized == D("99")  # $165 x 0.6
    p.model.add()
    assert p.model.rowCount() == 6 and p.combined.text().startswith("On: Custom lever · together save")
    p.view.selectRow(5)
    next(b for b in p.findChildren(QPushButton) if b.text() == "Remove").click()
    assert p.model.rowCount() == 5
    assert d.undo_stack.count() == 3
    for _ in range(3):
        d.undo_stack.undo()
    assert d.plan.batch_discount == D("0.5") and len(d.plan.multipliers) == 5
    assert p.discount.value() == 50
    assert d.result.optimized == D("82.5")


# -- no edit can crash or leave an invalid value --------------------------------------------------------


def test_huge_token_counts_do_not_break_the_line_levers(qtbot, make_doc):
    """The worksheet accepts counts up to 1e15; the levers panel must still show the line."""
    d = make_doc(line())
    p = LineLeversPanel(d)
    qtbot.addWidget(p)
    p.set_row(0)
    m = WorksheetModel(d)
    assert m.setData(m.index(0, COL_INPUT), "3e9", EDIT)  # 3 billion: above a 32-bit spin box
    assert d.plan.lines[0].input_tokens == D(3_000_000_000)
    commit(p.batch, 50)
    assert d.plan.lines[0].batch_share == D("0.5")
    assert d.plan.lines[0].input_tokens == D(3_000_000_000)


MULT_VALUES = st.one_of(st.text(max_size=8), st.integers(-1000, 1000), st.floats(),
                        st.sampled_from(["0", "100", "35", "50%", "", "nan", "1e3", Qt.CheckState.Checked, 2]))


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), MULT_VALUES,
                                st.sampled_from([EDIT, CHECK])), max_size=8),
       shares=st.lists(MULT_VALUES, min_size=2, max_size=2))
def test_random_lever_edits_never_leave_an_invalid_plan(session, edits, shares):
    d = PlanDocument(lambda: session.catalog, Plan(lines=[line()], multipliers=seed_multipliers()))
    m = MultipliersModel(d)
    for row, col, value, role in edits:
        m.setData(m.index(row, col), value, role)
        Plan.model_validate(d.plan.model_dump())
        for x in d.plan.multipliers:
            assert x.low <= x.expected <= x.high
        assert d.result == compute(d.plan, d.catalog)
    r = RoutingModel(lambda: session.catalog)
    r.add(BIG)
    r.add(SMALL)
    for i, v in enumerate(shares):
        r.setData(r.index(i, COL_SHARE), v, EDIT)
    if r.is_valid:  # what Apply would do
        d.set_line_fields(0, "Routing", routing=[x.model_dump() for x in r.routes()])
        assert sum(x.share for x in d.plan.lines[0].routing) == 1
    assert d.result == compute(d.plan, d.catalog)


def test_model_picker_searches_any_part_and_round_trips_ids(qtbot, session):
    from planner.ui.delegates import ModelPicker
    from planner.ui.roles import MODEL_ID_ROLE

    p = ModelPicker(session.catalog)
    qtbot.addWidget(p)
    assert p.count() == len(session.catalog)
    assert [p.itemText(i).split(" — ")[0] for i in range(p.count())] == ["Big", "Mid", "Small"]  # by name
    comp = p.completer()
    comp.setCompletionPrefix("acme/sm")  # part of the id
    assert comp.completionCount() == 1
    assert comp.completionModel().index(0, 0).data(MODEL_ID_ROLE) == SMALL
    comp.setCompletionPrefix("MID")  # any case, part of the name
    assert comp.completionModel().index(0, 0).data(MODEL_ID_ROLE) == MID
    p.set_model_id(MID)
    assert p.model_id() == MID
    p.set_model_id("acme/unknown")  # not in the catalog: the text stays for the user to fix
    assert p.currentText() == "acme/unknown"
    assert p.model_id() == "acme/unknown"


def test_fixed_add_ons_are_added_edited_and_undone_in_the_plan_levers(qtbot, doc):
    """Add an add-on, type its amount and group: the total and the waterfall take it; undo
    takes it back out; a bad amount or a taken name is refused with the old value kept."""
    from planner.ui.add_ons_model import COL_AMOUNT, COL_GROUP, COL_NAME, COL_ON

    p = PlanLeversPanel(doc)
    qtbot.addWidget(p)
    before = doc.result.summary().optimized
    assert before == D("166.00")  # 'Chat' $165.00 + 'Tags' $1.00 (workload_helpers)
    m = p.add_ons
    row = m.add()
    assert m.setData(m.index(row, COL_NAME), "Vector store", EDIT)
    assert m.setData(m.index(row, COL_AMOUNT), "$1,250.50", EDIT)
    assert m.setData(m.index(row, COL_GROUP), "Search", EDIT)
    sm = doc.result.summary()
    assert sm.optimized == D("1416.50") and sm.add_ons_total == D("1250.50")
    assert [s.label for s in sm.waterfall_steps][-1] == "Vector store"
    assert p.tabs.tabText(1) == "Fixed add-ons ($1,250.50)"
    assert m.data(m.index(row, COL_AMOUNT)) == "$1,250.50"

    with qtbot.waitSignal(m.editRejected) as bad:
        assert not m.setData(m.index(row, COL_AMOUNT), "-5", EDIT)
    assert "negative" in bad.args[0] and "old value was kept" in bad.args[0]
    second = m.add()
    with qtbot.waitSignal(m.editRejected) as taken:
        assert not m.setData(m.index(second, COL_NAME), "Vector store", EDIT)
    assert "another add-on is named 'Vector store'" in taken.args[0]

    assert m.setData(m.index(row, COL_ON), Qt.CheckState.Unchecked, CHECK)
    assert doc.result.summary().optimized == before  # left out: the second add-on is $0
    for _ in range(6):  # off, 2nd add-on, group, amount, name, first add-on
        doc.undo_stack.undo()
    assert doc.plan.add_ons == [] and doc.result.summary().optimized == before

"""WorksheetModel without widgets: every column edited through the model, refusals, computed columns."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from planner.domain.costing import compute
from planner.domain.plan import Currency, Plan, PromptCache, VolumeMode
from planner.ui.cell_numbers import parse_number, parse_percent
from planner.ui.plan_document import PlanDocument
from planner.ui.roles import ROW_ROLE, VALUE_ROLE
from planner.ui.worksheet_model import (
    COL_BASELINE,
    COL_BATCH,
    COL_DAYS,
    COL_HIT_RATE,
    COL_INPUT,
    COL_MODEL,
    COL_NAME,
    COL_OPTIMIZED,
    COL_OUTPUT,
    COL_PER,
    COL_PER_REQUEST,
    COL_PREFIX,
    COL_PRESET,
    COL_REQUESTS,
    COL_RESPONSE_CACHE,
    COL_ROUTING,
    COL_SEMANTIC_CACHE,
    COL_SHARE,
    COLUMN_COUNT,
    COMPUTED,
    WorksheetModel,
)
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
)

D = Decimal
EDIT = Qt.ItemDataRole.EditRole
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def model(doc) -> WorksheetModel:
    return WorksheetModel(doc)


def edit(model: WorksheetModel, row: int, col: int, value) -> bool:
    return model.setData(model.index(row, col), value, EDIT)


def shown(model: WorksheetModel, row: int, col: int) -> str:
    return model.index(row, col).data(DISPLAY)


# -- Qt model contract -------------------------------------------------------------------------------


def test_qtmodeltester(qtmodeltester, model):
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)


def test_qtmodeltester_with_every_lever_and_a_per_day_line(qtmodeltester, make_doc):
    d = make_doc(
        line("Chat", preset="ticket", inp=300, prompt_cache=PromptCache(prefix_tokens=D(200), hit_rate=D("0.9")),
             batch_share=D("0.5"), response_cache_hit_rate=D("0.1"), semantic_cache_hit_rate=D("0.2"),
             routing=[{"model": BIG, "share": D("0.6")}, {"model": MID, "share": D("0.4")}]),
        line("Daily", 100, 200, 100, SMALL, volume_mode=VolumeMode.PER_DAY, days_per_month=D(22)),
    )
    m = WorksheetModel(d)
    qtmodeltester.check(m, force_py=True)
    edit(m, 0, COL_REQUESTS, "5000")
    d.insert_lines(1, [line("New")], "Add")
    d.remove_lines([0], "Remove")
    qtmodeltester.check(m, force_py=True)


def test_qtmodeltester_on_an_empty_plan(qtmodeltester, make_doc):
    qtmodeltester.check(WorksheetModel(make_doc()), force_py=True)


def test_headers_name_the_plan_currency(doc, model):
    assert model.columnCount() == COLUMN_COUNT == 20
    assert model.headerData(COL_BASELINE, Qt.Orientation.Horizontal) == "Baseline\n/month USD"
    doc.set_plan_attr("currency", Currency(code="EUR", per_usd=D("0.9")), "EUR")
    assert model.headerData(COL_OPTIMIZED, Qt.Orientation.Horizontal) == "Optimized\n/month EUR"
    assert model.headerData(1, Qt.Orientation.Vertical) == "2"


def test_computed_and_routing_columns_are_read_only(model):
    for col in (*COMPUTED, COL_ROUTING):
        assert not (model.flags(model.index(0, col)) & Qt.ItemFlag.ItemIsEditable), col
        assert not edit(model, 0, col, "1")
    assert not (model.flags(model.index(0, COL_DAYS)) & Qt.ItemFlag.ItemIsEditable)  # a per-month line


def test_row_role_is_the_line(doc, model):
    assert model.index(1, COL_MODEL).data(ROW_ROLE) is doc.plan.lines[1]


# -- editing each column ---------------------------------------------------------------------------


def test_name(doc, model):
    assert edit(model, 0, COL_NAME, "  Support chat  ")
    assert doc.plan.lines[0].name == "Support chat"
    assert shown(model, 0, COL_NAME) == "Support chat"
    assert doc.result.lines[0].name == "Support chat"


def test_preset_fills_the_input_tokens(doc, model):
    assert edit(model, 0, COL_PRESET, "ticket")
    ln = doc.plan.lines[0]
    assert (ln.preset, ln.input_tokens) == ("ticket", D(300))
    assert shown(model, 0, COL_PRESET) == "Ticket"
    # 10,000 x (300 x 3 + 1,000 x 15)/1e6 = 10,000 x 0.0159 = $159.00
    assert model.index(0, COL_BASELINE).data(VALUE_ROLE) == D("159")
    assert shown(model, 0, COL_BASELINE) == "$159.00"
    assert edit(model, 0, COL_PRESET, "1 blog post (2,000 words)")  # by its label too
    assert doc.plan.lines[0].input_tokens == D(3000)
    assert edit(model, 0, COL_PRESET, "")  # "(none)" keeps the tokens
    assert (doc.plan.lines[0].preset, doc.plan.lines[0].input_tokens) == (None, D(3000))


def test_preset_shrinks_a_larger_cached_prefix(make_doc):
    d = make_doc(line(inp=2000, prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.5"))))
    m = WorksheetModel(d)
    assert edit(m, 0, COL_PRESET, "email")  # 200 tokens
    ln = d.plan.lines[0]
    assert (ln.input_tokens, ln.prompt_cache.prefix_tokens, ln.prompt_cache.hit_rate) == (D(200), D(200), D("0.5"))


@pytest.mark.parametrize(("typed", "expected"), [
    ("20000", D(20_000)), ("20,000", D(20_000)), ("1.5k", D(1500)), ("2M", D(2_000_000)), ("1e6", D(1_000_000)),
    ("12.5", D("12.5")),
])
def test_requests(doc, model, typed, expected):
    assert edit(model, 0, COL_REQUESTS, typed)
    assert doc.plan.lines[0].requests == expected
    assert doc.result.lines[0].baseline == expected * D("0.0165")  # per request (500 x 3 + 1,000 x 15)/1e6
    assert_engine(doc)


def test_per_day_switch_keeps_the_monthly_volume(make_doc):
    d = make_doc(line(requests=3000))
    m = WorksheetModel(d)
    assert edit(m, 0, COL_PER, "day")
    ln = d.plan.lines[0]
    assert (ln.volume_mode, ln.requests, ln.days_per_month) == (VolumeMode.PER_DAY, D(100), D(30))
    assert shown(m, 0, COL_PER) == "/day"
    assert shown(m, 0, COL_REQUESTS) == "100"
    assert m.flags(m.index(0, COL_DAYS)) & Qt.ItemFlag.ItemIsEditable
    assert d.result.lines[0].requests == D(3000)
    assert d.result.baseline == D("49.5")  # 3,000 x 0.0165
    assert edit(m, 0, COL_PER, "month")
    ln = d.plan.lines[0]
    assert (ln.volume_mode, ln.requests) == (VolumeMode.PER_MONTH, D(3000))
    assert shown(m, 0, COL_DAYS) == ""


def test_per_day_round_trip_returns_the_same_monthly_volume(make_doc):
    """1,000/month is 33.33.../day: switching to /day and back must give 1,000/month again."""
    d = make_doc(line(requests=1000))
    m = WorksheetModel(d)
    assert edit(m, 0, COL_PER, "day")
    assert edit(m, 0, COL_PER, "month")
    assert d.plan.lines[0].requests == D(1000)
    assert m.index(0, COL_REQUESTS).data(EDIT) == "1000"


def test_days(make_doc):
    d = make_doc(line(requests=100, volume_mode=VolumeMode.PER_DAY))
    m = WorksheetModel(d)
    assert edit(m, 0, COL_DAYS, "22")
    assert d.plan.lines[0].days_per_month == D(22)
    assert d.result.lines[0].requests == D(2200)
    assert d.result.baseline == D("36.3")  # 2,200 x 0.0165
    assert "100/day × 22 days = 2,200/month" in m.index(0, COL_REQUESTS).data(Qt.ItemDataRole.ToolTipRole)
    for bad in ("0", "32", "-3", "x"):
        assert not edit(m, 0, COL_DAYS, bad), bad
    assert d.plan.lines[0].days_per_month == D(22)


def test_input_and_output_tokens(doc, model):
    assert edit(model, 0, COL_INPUT, "1,000")
    assert edit(model, 0, COL_OUTPUT, "200")
    ln = doc.plan.lines[0]
    assert (ln.input_tokens, ln.output_tokens) == (D(1000), D(200))
    # 10,000 x (1,000 x 3 + 200 x 15)/1e6 = 10,000 x 0.006 = $60
    assert doc.result.lines[0].baseline == D("60")
    assert shown(model, 0, COL_INPUT) == "1,000"


def test_model(doc, model):
    assert edit(model, 0, COL_MODEL, MID)
    assert doc.plan.lines[0].model == MID
    assert shown(model, 0, COL_MODEL) == "Mid"
    assert doc.result.lines[0].baseline == D("55")  # 10,000 x (500 x 1 + 1,000 x 5)/1e6


def test_cached_prefix_and_hit_rate(doc, model):
    assert shown(model, 0, COL_PREFIX) == "—"
    assert edit(model, 0, COL_PREFIX, "400")
    assert edit(model, 0, COL_HIT_RATE, "90")
    pc = doc.plan.lines[0].prompt_cache
    assert (pc.prefix_tokens, pc.hit_rate) == (D(400), D("0.9"))
    assert shown(model, 0, COL_HIT_RATE) == "90%"
    # input per request: 100 x 3 + 400 x (0.9 x 0.30 + 0.1 x 3.75) = 300 + 400 x 0.645 = 558
    # (558 + 1,000 x 15)/1e6 x 10,000 = $155.58
    assert doc.result.lines[0].optimized == D("155.58")
    assert doc.result.lines[0].baseline == D("165")


@pytest.mark.parametrize("typed", ["90", "90%", "90 %", " 90.0 "])
def test_rates_are_typed_in_percent(doc, model, typed):
    assert edit(model, 0, COL_BATCH, typed)
    assert doc.plan.lines[0].batch_share == D("0.9")


def test_batch_and_app_caches(doc, model):
    assert edit(model, 0, COL_BATCH, "50")
    # half the requests at 50% off: $165 x (0.5 + 0.5 x 0.5) = $123.75
    assert doc.result.lines[0].optimized == D("123.75")
    assert edit(model, 0, COL_RESPONSE_CACHE, "20")
    assert edit(model, 0, COL_SEMANTIC_CACHE, "12.5%")
    ln = doc.plan.lines[0]
    assert (ln.batch_share, ln.response_cache_hit_rate, ln.semantic_cache_hit_rate) == (D("0.5"), D("0.2"), D("0.125"))
    # billable 10,000 x 0.8 x 0.875 = 7,000; 7,000 x 0.0165 x 0.75 = $86.625
    assert doc.result.lines[0].optimized == D("86.625")
    assert shown(model, 0, COL_OPTIMIZED) == "$86.63"
    assert shown(model, 0, COL_SEMANTIC_CACHE) == "12.5%"
    assert model.index(0, COL_SEMANTIC_CACHE).data(EDIT) == "12.5"
    assert_engine(doc)


def test_an_edit_signals_the_views(qtbot, model):
    with emitted(model.dataChanged):
        edit(model, 1, COL_REQUESTS, "40000")


# -- refused input ---------------------------------------------------------------------------------

REFUSALS = [
    (COL_NAME, "   ", "Line"),
    (COL_NAME, "x" * 201, "Line"),
    (COL_PRESET, "novel", "Content"),
    (COL_REQUESTS, "-5", "Requests"),
    (COL_REQUESTS, "lots", "Requests"),
    (COL_REQUESTS, "", "Requests"),
    (COL_REQUESTS, "nan", "Requests"),
    (COL_REQUESTS, "1e20", "Requests"),
    (COL_INPUT, "-1", "Input tokens"),
    (COL_INPUT, "abc", "Input tokens"),
    (COL_OUTPUT, "-0.5", "Output tokens"),
    (COL_OUTPUT, "inf", "Output tokens"),
    (COL_MODEL, "acme/unknown", "Model"),
    (COL_MODEL, "", "Model"),
    (COL_PREFIX, "501", "Cached prefix"),  # more than the 500 input tokens
    (COL_PREFIX, "-1", "Cached prefix"),
    (COL_HIT_RATE, "101", "Cache hit %"),
    (COL_HIT_RATE, "-10", "Cache hit %"),
    (COL_BATCH, "150%", "Batch %"),
    (COL_BATCH, "half", "Batch %"),
    (COL_RESPONSE_CACHE, "100.5", "Resp. cache %"),
    (COL_SEMANTIC_CACHE, "many", "Sem. cache %"),
]


@pytest.mark.parametrize(("col", "typed", "title"), REFUSALS)
def test_refused_edit_names_line_and_column_and_changes_nothing(qtbot, doc, model, col, typed, title):
    before = doc.plan.model_dump()
    result = doc.result
    with emitted(model.editRejected) as blocker:
        assert not edit(model, 0, col, typed)
    msg = blocker.args[0]
    assert "Line 1 'Chat'" in msg
    assert title in msg
    assert "old value was kept" in msg
    assert doc.plan.model_dump() == before
    assert doc.result is result
    assert doc.undo_stack.count() == 0


def test_input_below_the_cached_prefix_is_refused(qtbot, make_doc):
    d = make_doc(line(inp=2000, prompt_cache=PromptCache(prefix_tokens=D(1500))))
    m = WorksheetModel(d)
    with emitted(m.editRejected) as blocker:
        assert not edit(m, 0, COL_INPUT, "1000")
    assert "cached prefix" in blocker.args[0] and "Input tokens" in blocker.args[0]
    assert d.plan.lines[0].input_tokens == D(2000)


def test_unchanged_value_is_not_an_undo_step(doc, model):
    assert not edit(model, 0, COL_REQUESTS, "10,000")
    assert not edit(model, 0, COL_NAME, "Chat")
    assert not edit(model, 0, COL_MODEL, BIG)
    assert doc.undo_stack.count() == 0


# -- computed columns ---------------------------------------------------------------------------------


def test_computed_columns_equal_the_engine_result(doc, model):
    edit(model, 1, COL_BATCH, "100")
    r = compute(doc.plan, doc.catalog)
    for row in range(2):
        lr = r.lines[row]
        sm = r.summary()
        assert model.index(row, COL_BASELINE).data(VALUE_ROLE) == sm.line_baseline[row]
        assert model.index(row, COL_OPTIMIZED).data(VALUE_ROLE) == sm.line_optimized[row]
        assert model.index(row, COL_PER_REQUEST).data(VALUE_ROLE) == lr.optimized_per_request
        assert model.index(row, COL_SHARE).data(VALUE_ROLE) == sm.line_share_pct[row]


def test_computed_columns_by_hand(doc, model):
    # Chat $165 of $166: per request 165/10,000 = $0.0165, share 165/166 = 99.398% -> 99.40%
    # (and Tags 1/166 = 0.602% -> 0.60%: together exactly 100.00%)
    assert model.index(0, COL_PER_REQUEST).data(VALUE_ROLE) == D("0.0165")
    assert shown(model, 0, COL_PER_REQUEST) == "$0.016500"

    assert shown(model, 1, COL_SHARE) == "0.60%"
    assert shown(model, 1, COL_OPTIMIZED) == "$1.00"
    assert model.index(0, COL_SHARE).data(VALUE_ROLE) == D("99.40")


def test_undo_of_a_cell_edit_restores_the_costs(doc, model):
    edit(model, 0, COL_OUTPUT, "2000")
    assert shown(model, 0, COL_BASELINE) == "$315.00"  # 10,000 x (1,500 + 30,000)/1e6
    doc.undo_stack.undo()
    assert shown(model, 0, COL_BASELINE) == "$165.00"
    assert doc.plan.lines[0].output_tokens == D(1000)
    assert_engine(doc)
    doc.undo_stack.redo()
    assert shown(model, 0, COL_BASELINE) == "$315.00"
    assert_engine(doc)


# -- parsers -------------------------------------------------------------------------------------------


def test_parse_number_and_percent():
    assert parse_number("1_000") == D(1000)
    assert parse_number("3b") == D(3_000_000_000)
    assert parse_percent("90") == parse_percent("90%") == D("0.9")
    assert parse_percent("0") == 0
    for bad in ("", "k", "--1", "1.2.3", "-1"):
        with pytest.raises(ValueError):
            parse_number(bad)
    with pytest.raises(ValueError, match="above 100%"):
        parse_percent("100.01")


# -- nothing can crash or leave an invalid value --------------------------------------------------------

EDITABLE = [c for c in range(COLUMN_COUNT) if c not in COMPUTED and c != COL_ROUTING]
VALUES = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789.,-+eEkKmMbB%_ ", max_size=10),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([BIG, MID, SMALL, "ticket", "document", "day", "month", "/day", "", None, "100", "101",
                     "0", "1e15", "1e16", "99.999%", "NaN", "-0", "1e-30", "sNaN", "Infinity"]),
)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 1), st.sampled_from(EDITABLE), VALUES), min_size=1, max_size=8))
def test_random_edits_never_leave_an_invalid_plan(session, edits):
    d = PlanDocument(lambda: session.catalog, Plan(lines=[
        line("Chat", prompt_cache=PromptCache(prefix_tokens=D(200), hit_rate=D("0.5"))),
        line("Daily", 100, 300, 50, SMALL, volume_mode=VolumeMode.PER_DAY),
    ]))
    m = WorksheetModel(d)
    for row, col, value in edits:
        m.setData(m.index(row, col), value, EDIT)
        Plan.model_validate(d.plan.model_dump())
        for ln in d.plan.lines:
            assert ln.prompt_cache.prefix_tokens <= ln.input_tokens
            assert ln.requests.is_finite() and ln.requests >= 0
        assert d.result == compute(d.plan, d.catalog)
        for c in range(COLUMN_COUNT):  # every cell still renders
            assert isinstance(m.index(row, c).data(DISPLAY), str)
    n = d.undo_stack.count()
    for _ in range(n):
        d.undo_stack.undo()
    assert d.plan.lines[0].name == "Chat" and d.plan.lines[0].requests == D(10_000)
    assert d.result == compute(d.plan, d.catalog)


# -- painting: the cached cells a view paints from --------------------------------------------------

PAINT_ROLES = (DISPLAY, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole,
               Qt.ItemDataRole.ForegroundRole)


def test_painted_cells_equal_data_and_follow_edits_and_results(make_doc):
    """A view paints from row_cells (one multiData call per cell); they must say what data() says,
    after an edit, after an undo, and for a line whose model has no cache-read price (amber)."""
    from PySide6.QtGui import QBrush

    d = make_doc(line("Chat", prompt_cache=PromptCache(prefix_tokens=D(200), hit_rate=D("0.5"))),
                 line("Mid", model=MID, prompt_cache=PromptCache(prefix_tokens=D(100), hit_rate=D("0.5"))))
    m = WorksheetModel(d)

    def check() -> None:
        for r in range(m.rowCount()):
            for c in range(COLUMN_COUNT):
                cell = m.row_cells(r)[c]
                for role in PAINT_ROLES:
                    want = m.data(m.index(r, c), role)
                    got = cell.get(role)
                    if isinstance(want, QBrush):
                        assert isinstance(got, QBrush) and got.color() == want.color(), (r, c, role)
                    else:
                        assert got == want, (r, c, role, got, want)

    check()
    assert isinstance(m.row_cells(1)[COL_MODEL][Qt.ItemDataRole.ForegroundRole], QBrush)  # no cache-read price
    assert m.row_cells(0)[COL_MODEL][Qt.ItemDataRole.ForegroundRole] is None
    before = m.row_cells(0)[COL_BASELINE][DISPLAY]
    assert edit(m, 0, COL_INPUT, "5000")
    check()
    assert m.row_cells(0)[COL_INPUT][DISPLAY] == "5,000"
    assert m.row_cells(0)[COL_BASELINE][DISPLAY] != before
    # the other line's share of the total moved too, though the line itself did not change
    assert m.row_cells(1)[COL_SHARE][DISPLAY] == shown(m, 1, COL_SHARE)
    d.undo_stack.undo()
    check()
    assert m.row_cells(0)[COL_BASELINE][DISPLAY] == before


def test_a_view_paints_from_the_cached_cells(qtbot, make_doc):
    from PySide6.QtWidgets import QTableView

    calls: list[int] = []

    class Counting(WorksheetModel):
        def row_cells(self, row: int):
            calls.append(row)
            return super().row_cells(row)

    d = make_doc(line("Chat"), line("Other", model=SMALL))
    m = Counting(d)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.resize(1600, 300)
    view.show()
    qtbot.waitExposed(view)
    calls.clear()
    view.grab()  # paints every visible cell
    assert set(calls) == {0, 1}
    assert len(calls) >= 2 * 10  # one call per visible cell, not one per role


def test_an_edit_signals_only_the_cells_it_changed(make_doc):
    """Views repaint what dataChanged names: an edit names its own column (and the engine's
    columns); a price change names every column (model names and notices may change)."""
    d = make_doc(line("Chat"), line("Other", model=SMALL))
    m = WorksheetModel(d)
    ranges: list[tuple[int, int, int, int]] = []
    m.dataChanged.connect(lambda a, b, *_: ranges.append((a.row(), a.column(), b.row(), b.column())))

    def columns() -> set[int]:
        return {c for _r0, c0, _r1, c1 in ranges for c in range(c0, c1 + 1)}

    assert edit(m, 1, COL_NAME, "Renamed")
    assert columns() == {COL_NAME, *COMPUTED}
    assert all(r0 <= 1 <= r1 for r0, c0, r1, c1 in ranges if c0 == COL_NAME)
    ranges.clear()
    assert edit(m, 0, COL_OUTPUT, "2000")
    assert columns() == {COL_OUTPUT, *COMPUTED}
    ranges.clear()
    assert edit(m, 0, COL_MODEL, MID)  # no cache price: the notice colours the cache columns
    assert {COL_MODEL, COL_ROUTING, COL_PREFIX, COL_HIT_RATE} <= columns()
    ranges.clear()
    d.undo_stack.undo()
    assert {COL_MODEL, *COMPUTED} <= columns()
    # no range is wider than two columns: a view repaints a wide range over many rows whole
    assert all(c1 - c0 <= 1 for _r0, c0, _r1, c1 in ranges)


def test_a_catalog_edit_repaints_model_names(session, make_doc):
    d = make_doc(line("Chat"), line("Other", model=SMALL, routing=[{"model": BIG, "share": "0.5"}, {"model": SMALL, "share": "0.5"}]))
    m = WorksheetModel(d)
    assert m.row_cells(0)[COL_MODEL][DISPLAY] == "Big"
    ranges: list[tuple[int, int]] = []
    m.dataChanged.connect(lambda a, b, *_: ranges.append((a.column(), b.column())))
    session.edit_model(BIG, "Rename", name="Huge")
    d.recompute()  # the main window does this when the catalog changes
    assert (0, COLUMN_COUNT - 1) in ranges
    assert m.row_cells(0)[COL_MODEL][DISPLAY] == "Huge"
    assert "Huge" in m.row_cells(1)[COL_ROUTING][DISPLAY]

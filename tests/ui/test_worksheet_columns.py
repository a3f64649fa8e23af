"""The worksheet's Group and cost-per-outcome columns, multi-turn lines counted in sessions,
typed model names, and the Workload tab at 1366x768."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from planner.ui import prompts
from planner.ui.worksheet_model import (
    COL_GROUP,
    COL_MODEL,
    COL_PER,
    COL_PER_OUTCOME,
    COL_SHARE,
    WorksheetModel,
)
from tests.ui.workload_helpers import (  # noqa: F401  (fixtures)
    BIG,
    SMALL,
    doc,
    line,
    make_doc,
    make_tab,
    session,
    tab,
)

D = Decimal
EDIT = Qt.ItemDataRole.EditRole


def test_group_is_edited_in_the_worksheet_and_undone(doc):
    m = WorksheetModel(doc)
    assert m.setData(m.index(0, COL_GROUP), "  Support team ", EDIT)
    assert doc.plan.lines[0].group == "Support team"
    assert m.index(0, COL_GROUP).data() == "Support team"
    doc.undo_stack.undo()
    assert doc.plan.lines[0].group == ""


def test_cost_per_outcome_shows_where_a_line_has_a_success_rate(make_doc, make_tab):
    # 'Chat' 10,000 x (500 x $3 + 1,000 x $15) / 1M = $165.00; 80% succeed: 8,000 tickets
    # -> $165 / 8,000 = $0.020625 a ticket
    d = make_doc(line("Chat", success_rate=D("0.8"), outcome="ticket"), line("Tags", 20_000, 300, 50, SMALL))
    m = WorksheetModel(d)
    assert m.index(0, COL_PER_OUTCOME).data() == "$0.020625"
    assert "ticket" in m.index(0, COL_PER_OUTCOME).data(Qt.ItemDataRole.ToolTipRole)
    assert m.index(1, COL_PER_OUTCOME).data() == ""
    t = make_tab(d)
    assert not t.table.isColumnHidden(COL_PER_OUTCOME)
    d.set_line_fields(0, "no rate", success_rate=None)
    assert t.table.isColumnHidden(COL_PER_OUTCOME)


def test_a_multi_turn_line_counts_sessions(make_doc):
    d = make_doc(line("Agent", 1_000, 200, 100, turns=5), line("Tags", 20_000, 300, 50, SMALL))
    m = WorksheetModel(d)
    assert m.index(0, COL_PER).data() == "sess./mo"
    assert "1,000 sessions a month × 5 turns = 5,000 requests" in m.index(0, COL_PER).data(Qt.ItemDataRole.ToolTipRole)
    assert m.index(1, COL_PER).data() == "/month"


def test_typed_model_names_resolve(doc):
    m = WorksheetModel(doc)
    rejected: list[str] = []
    m.editRejected.connect(rejected.append)
    assert m.setData(m.index(1, COL_MODEL), "BIG", EDIT)  # the name, any case
    assert doc.plan.lines[1].model == BIG
    assert not m.setData(m.index(1, COL_MODEL), "acme", EDIT)
    assert "matches 3 models: acme/big, acme/mid, acme/small" in rejected[-1]
    assert not m.setData(m.index(1, COL_MODEL), "acme/smal", EDIT)
    assert "did you mean acme/small" in rejected[-1] and "old value was kept" in rejected[-1]
    assert doc.plan.lines[1].model == BIG


PASTE = "Alpha\t100\t10\t20\tsmall\nBeta\t200\t10\t20\tnot-a-model\nGamma\t300\t10\t20\tacme/mid\n"


def test_paste_rows_leaves_out_unresolved_models_when_the_user_agrees(tab, doc, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(prompts, "ask", lambda _w, text, *_a: asked.append(text) or prompts.Button.Yes)
    assert tab.paste_rows(PASTE)
    assert [ln.name for ln in doc.plan.lines[2:]] == ["Alpha", "Gamma"]
    assert doc.plan.lines[2].model == SMALL
    assert "row 2 ('Beta'): 'not-a-model' is not in the catalog" in asked[0]
    assert "Paste the other 2 row(s)?" in asked[0]
    assert "Beta" in tab.messages.label.text()


def test_paste_rows_pastes_nothing_when_the_user_declines(tab, doc, monkeypatch):
    monkeypatch.setattr(prompts, "ask", lambda *_a: prompts.Button.No)
    assert not tab.paste_rows(PASTE)
    assert len(doc.plan.lines) == 2
    assert "Nothing was pasted" in tab.messages.label.text()


def test_workload_tab_at_1366x768(make_doc, make_tab):
    d = make_doc(*(line(f"Line {i}") for i in range(12)))
    t = make_tab(d)
    t.resize(1366, 700)  # the window's tab area
    t.show()
    share_right = t.table.columnViewportPosition(COL_SHARE) + t.table.columnWidth(COL_SHARE)
    assert 0 < share_right <= t.table.viewport().width()
    assert t.table.viewport().height() >= 10 * t.table.rowHeight(0)

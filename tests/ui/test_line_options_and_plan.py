"""The line's options (reasoning, cache TTL, multi-turn, outcomes), the plan levers' overheads
and combined saving, and the plan properties with the totals' unit economics."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

from planner.ui.levers_panel import LineLeversPanel, PlanLeversPanel
from planner.ui.plan_properties import PlanPropertiesDialog
from planner.ui.totals_panel import TotalsPanel
from tests.ui.workload_helpers import doc, line, make_doc, session  # noqa: F401  (fixtures)

D = Decimal


def _panel(qtbot, d) -> LineLeversPanel:
    p = LineLeversPanel(d)
    qtbot.addWidget(p)
    p.set_row(0)
    return p


def _type(edit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


def test_reasoning_tokens_are_typed_undone_and_a_bad_value_refused(qtbot, doc):
    p = _panel(qtbot, doc)
    messages: list[str] = []
    p.message.connect(messages.append)
    assert "No estimate" in p.options.reasoning_info.text()
    _type(p.options.edits["reasoning_tokens"], "300")
    assert doc.plan.lines[0].reasoning_tokens == 300
    doc.undo_stack.undo()
    assert doc.plan.lines[0].reasoning_tokens is None and p.options.edits["reasoning_tokens"].text() == ""
    _type(p.options.edits["reasoning_tokens"], "lots")
    assert "Reasoning tokens" in messages[-1] and "old value was kept" in messages[-1]
    assert doc.plan.lines[0].reasoning_tokens is None


def test_cache_ttl_and_its_break_even_reads(qtbot, doc):
    p = _panel(qtbot, doc)
    # Big: (write 3.75 − in 3.00) ÷ (in 3.00 − read 0.30) = 0.75 / 2.70 = 0.28 reads per write;
    # no 1-hour price: the 5-minute one
    assert "Break-even reads per write: 5 min 0.28 · 1 hour 0.28 (no 1-hour price)" in p.options.ttl_info.text()
    p.options.ttl.setCurrentIndex(1)
    p.options.ttl.activated.emit(1)
    assert doc.plan.lines[0].prompt_cache.ttl.value == "1h"
    assert "no search fee listed" in p.options.fee_info.text()


def test_multi_turn_shows_sessions_and_their_tokens(qtbot, doc):
    p = _panel(qtbot, doc)
    p.options.multi.setChecked(True)
    assert doc.plan.lines[0].turns == 2
    # 10,000 sessions × 2 turns; a session: 2 × 500 new input + (500 + 1,000) history re-sent once = 2,500
    text = p.options.turns_info.text()
    assert "10,000 sessions/month × 2 turns = 20,000 requests" in text
    assert "2,500 input tokens a session" in text
    doc.undo_stack.undo()
    assert doc.plan.lines[0].turns is None and not p.options.multi.isChecked()


def test_success_rate_shows_the_cost_per_outcome(qtbot, doc):
    p = _panel(qtbot, doc)
    _type(p.options.edits["success_rate"], "80")
    _type(p.options.outcome, "answer")
    # $165.00 ÷ (10,000 × 80% = 8,000 answers) = $0.020625
    assert "8,000 answer a month" in p.options.outcome_info.text()
    assert "$0.020625" in p.options.outcome_info.text()


def test_plan_levers_overheads_and_combined_saving(qtbot, doc):
    p = PlanLeversPanel(doc)
    qtbot.addWidget(p)
    p.retry.setValue(5)
    p.retry.editingFinished.emit()
    assert doc.plan.retry_overhead == D("0.05")
    p.fee.setValue(2.5)
    p.fee.editingFinished.emit()
    assert doc.plan.platform_fee == D("0.025")
    on = [m.model_copy(update={"enabled": True, "expected": D("0.9"), "high": D("0.9")}) if i < 2 else m
          for i, m in enumerate(doc.plan.multipliers)]
    doc.set_plan_attr("multipliers", on, "on")
    # 1 − (1 − 0.9)(1 − 0.9) = 0.99: above the plausible ceiling
    assert "together save 99.0%" in p.combined.text()
    assert not p.warnings.isHidden() and "above the 85%" in p.warnings.text()
    doc.undo_stack.undo()
    assert p.warnings.isHidden()


def test_plan_properties_one_undo_step_and_the_unit_economics(qtbot, doc):
    totals = TotalsPanel(doc)
    qtbot.addWidget(totals)
    assert totals.per_user.isHidden()
    dlg = PlanPropertiesDialog(doc)
    qtbot.addWidget(dlg)
    dlg.name.setText("Q1 budget")
    dlg.owner.setText("Dana")
    dlg.numbers["users"].setText("100")
    dlg.numbers["revenue_per_user"].setText("10")
    assert dlg.apply()
    assert (doc.plan.name, doc.plan.owner, doc.plan.users) == ("Q1 budget", "Dana", 100)
    # $165.00 + $1.00 = $166.00 a month; 100 users: $1.66 each; revenue 100 × $10 = $1,000.00;
    # margin $1,000 − $166 = $834.00, 83.40%
    assert totals.per_user.text() == "$1.660000"
    assert totals.revenue.text() == "$1,000.00"
    assert totals.margin.text() == "$834.00 (83.40%)"
    doc.undo_stack.undo()
    assert (doc.plan.name, doc.plan.users) == ("Untitled plan", None)
    assert totals.per_user.isHidden()


def test_plan_properties_refuse_a_bad_value(qtbot, doc):
    dlg = PlanPropertiesDialog(doc)
    qtbot.addWidget(dlg)
    dlg.numbers["users"].setText("-3")
    dlg.owner.setText("Dana")
    assert not dlg.apply()
    assert "Active users" in dlg.error.text() and "Nothing was changed" in dlg.error.text()
    assert doc.plan.owner == ""


def test_a_new_plan_saved_takes_its_file_name_and_properties_open_from_the_file_menu(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from planner.domain.plan import Line, Plan
    from planner.io.plan_files import open_plan
    from tests.ui.test_plan_files_ui import make_window

    win = make_window(qtbot, tmp_path)
    line_ = Line(name="Chat", requests=D(10), input_tokens=D(5), output_tokens=D(5), model="p/a")
    win.set_document(win.files.new_document(Plan(lines=[line_])))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "q1-budget"), ""))
    assert win.files.save()
    assert open_plan(tmp_path / "q1-budget.costplan").name == "q1-budget"
    assert win.workload_tab.plan_label.text() == "<b>q1-budget</b>"
    opened: list[bool] = []
    monkeypatch.setattr(PlanPropertiesDialog, "exec", lambda self: opened.append(True) or 0)
    action = next(a for a in win.findChildren(type(win.menuBar().actions()[0])) if a.text() == "Plan &properties…")
    action.trigger()
    assert opened == [True]

"""The plan's other views, as a user reaches them from the window: Compare scenarios, the
finance CSVs of File > Export, and plan versus actual (File > Import usage).

Hand-figured: 10,000 requests × (500 in × $3 + 1,000 out × $15) / 1M = $165.00 a month; the
scenario 'Half' at 5,000 requests: $82.50, a difference of −$82.50 (−50.0%). The usage
fixtures (tests/fixtures/usage, figured in tests/test_cli_actuals.py): planned $12.10, actual
$14.90, +$2.80 = volume +$2.42, mix +$2.50, price +$0.14, levers −$2.26."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal as D

from PySide6.QtWidgets import QFileDialog

from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.domain.plan import Line, Plan, Scenario
from planner.io.catalog_files import LoadedCatalog, load_catalog
from planner.io.plan_files import open_plan
from planner.ui.actuals_dialog import UsageImportDialog, VarianceDialog
from planner.ui.compare_view import CompareDialog
from planner.ui.main_window import MainWindow
from planner.ui.session import Session
from tests.conftest import FIXTURES

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15))
USAGE = FIXTURES / "usage"


def window(qtbot, tmp_path, plan: Plan, cat: Catalog | None = None) -> MainWindow:
    cat = cat or Catalog(as_of=date(2026, 5, 1), models=(A,))
    win = MainWindow(Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=tmp_path / "o.json"), today=date(2026, 6, 1))
    qtbot.addWidget(win)
    win.set_document(win.files.new_document(plan))
    return win


def chat_plan() -> Plan:
    return Plan(name="Chat", monthly_budget=D(150), scenarios=[Scenario(name="Half", lines={"Chat": {"requests": "5000"}})],
                lines=[Line(name="Chat", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/a")])


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() if table.item(row, c) else "" for c in range(table.columnCount())]


def test_compare_shows_the_base_and_a_scenario_side_by_side(qtbot, tmp_path):
    win = window(qtbot, tmp_path, chat_plan())
    assert win.action_by_id["compare_scenarios"].isEnabled()
    dlg = CompareDialog(win.doc, win)
    qtbot.addWidget(dlg)
    heads = [dlg.headline.horizontalHeaderItem(c).text() for c in range(dlg.headline.columnCount())]
    assert heads == ["", "Base plan", "Half"]
    assert cells(dlg.headline, 0) == ["Monthly total (expected)", "$165.00", "$82.50"]
    assert cells(dlg.headline, 5) == ["Budget headroom", "-$15.00", "$67.50"]
    assert cells(dlg.headline, 6)[2] == "−$82.50 (-50.0%)"
    assert cells(dlg.lines, 0) == ["Chat", "$165.00", "$82.50", "−$82.50", "-50.0%"]
    # an edit of the base shows in the scenario that does not override it: 20,000 × 0.0165 = $330.00
    win.doc.set_line_fields(0, "More output", output_tokens=D(2000))
    assert cells(dlg.headline, 0)[1:] == ["$315.00", "$157.50"]


def test_compare_with_a_plan_file(qtbot, tmp_path):
    other = chat_plan().model_copy(update={"name": "Other", "scenarios": []})
    path = tmp_path / "other.costplan"
    path.write_text(other.model_dump_json(), encoding="utf-8")
    win = window(qtbot, tmp_path, chat_plan())
    dlg = CompareDialog(win.doc, win)
    qtbot.addWidget(dlg)
    assert dlg.add_file(path)
    assert [dlg.headline.horizontalHeaderItem(c).text() for c in range(1, 4)] == ["Base plan", "Half", "📄 other.costplan"]
    assert cells(dlg.headline, 0)[3] == "$165.00"


def test_compare_charts_draw_when_shown(qtbot, tmp_path):
    win = window(qtbot, tmp_path, chat_plan())
    dlg = CompareDialog(win.doc, win)
    qtbot.addWidget(dlg)
    dlg.tabs.setCurrentIndex(1)
    assert dlg.charts is not None
    assert dlg.charts.totals.value_labels is not None
    assert [dlg.charts.from_side.currentText(), dlg.charts.to_side.currentText()] == ["Base plan", "Half"]


def test_export_offers_the_budget_by_month_and_the_long_csv(qtbot, tmp_path, monkeypatch):
    win = window(qtbot, tmp_path, chat_plan())
    win.doc.activate("Half")  # the export is of the plan as saved, whichever scenario is shown
    target = tmp_path / "by-month.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    win.action_by_id["export_by_month_csv"].trigger()
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    chat = next(r for r in rows if r and r[0] == "Chat" or "Chat" in r[:2])
    assert "165.00" in chat and "1980.00" in chat  # 12 months of $165.00
    assert win.exports.export_finance_csv("long_csv", tmp_path / "long.csv")
    assert "82.50" in (tmp_path / "long.csv").read_text(encoding="utf-8-sig")  # the scenario's figures too


def test_plan_versus_actual_and_recalibrate_as_one_undo_step(qtbot, tmp_path):
    win = window(qtbot, tmp_path, open_plan(USAGE / "support.costplan"), load_catalog(USAGE / "catalog.json"))
    imp = UsageImportDialog(win.doc, [USAGE / "openai-usage-2026-03.json", USAGE / "openai-costs-2026-03.json"], win)
    qtbot.addWidget(imp)
    assert imp.show_variance.isEnabled()
    assert cells(imp.read, 0)[:2] == ["openai-usage-2026-03.json", "openai"]
    view = VarianceDialog(win.doc, imp.loaded, win)
    qtbot.addWidget(view)
    total = cells(view.lines, view.lines.rowCount() - 1)
    assert total == ["Total", "$12.10", "$14.90", "+$2.80", "+23.1%", "+$2.42", "+$2.50", "+$0.14", "−$2.26"]
    assert cells(view.lines, 0)[:4] == ["Support bot", "$10.00", "$13.50", "+$3.50"]
    assert view.recalibrate(confirm=False)
    line = win.doc.plan.lines[0]
    assert (line.requests, line.input_tokens) == (D(1200), D("2333.33"))  # 2,800,000 / 1,200
    assert win.doc.plan.forecast.start_month == date(2026, 3, 1)
    win.doc.undo_stack.undo()
    assert win.doc.plan.lines[0].requests == D(1000) and win.doc.plan.forecast.start_month is None


def test_a_usage_file_with_bad_rows_says_why_and_imports_nothing(qtbot, tmp_path):
    bad = tmp_path / "usage.csv"
    bad.write_text("date,model,requests,input tokens,output tokens\n2026-03-01,openai/gpt-4o,ten,1,1\n", encoding="utf-8")
    win = window(qtbot, tmp_path, open_plan(USAGE / "support.costplan"), load_catalog(USAGE / "catalog.json"))
    imp = UsageImportDialog(win.doc, [bad], win)
    qtbot.addWidget(imp)
    assert not imp.show_variance.isEnabled()
    assert cells(imp.skipped, 0)[0] == "nothing imported" and "usage.csv" in cells(imp.skipped, 0)[1]

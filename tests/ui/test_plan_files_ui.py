"""Plan files in the app: open, save, save as, recent files, drops, prompts, recovery, re-pricing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.domain.plan import Line, Plan
from planner.io.catalog_files import LoadedCatalog
from planner.io.plan_files import find_recoverable, open_plan, save_plan
from planner.ui import prompts
from planner.ui.main_window import MainWindow
from planner.ui.session import Session
from planner.ui.worksheet_model import COL_REQUESTS

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15))
B = ModelPrice(id="p/b", name="Beta", provider="P", input=D("0.1"), output=D("0.4"))


def make_window(qtbot, tmp_path: Path, models=(A, B)) -> MainWindow:
    cat = Catalog(as_of=date(2026, 5, 1), models=tuple(models))
    session = Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=tmp_path / "overlay.json")
    win = MainWindow(session, today=date(2026, 6, 1))
    qtbot.addWidget(win)
    return win


def small_plan() -> Plan:
    # 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = 165.00
    return Plan(name="Small", lines=[Line(name="Chat", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/a")])


@pytest.fixture
def answers(monkeypatch):
    """Scripted answers for the window's questions; what it asked and told, in `seen`."""
    replies: list = []
    seen: list[str] = []

    def question(_parent, text, *_a, **_k):
        seen.append(text)
        # unscripted questions (closing the window at teardown) discard
        return replies.pop(0) if replies else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(prompts, "ask", question)
    monkeypatch.setattr(prompts, "tell", lambda _p, text, *a, **k: seen.append(text))
    return replies, seen


def edit_requests(win: MainWindow, value: str) -> None:
    m = win.workload_tab.model
    assert m.setData(m.index(0, COL_REQUESTS), value)


def test_open_edit_save_round_trip(qtbot, tmp_path, answers):
    win = make_window(qtbot, tmp_path)
    path = tmp_path / "small.costplan"
    save_plan(small_plan(), win.session.catalog, path)
    assert win.files.open_plan(path)
    assert win.doc.path == path
    assert not win.isWindowModified()
    edit_requests(win, "20000")
    assert win.isWindowModified()
    assert "small.costplan" in win.windowTitle()
    assert win.files.save()
    assert not win.isWindowModified()
    assert open_plan(path).lines[0].requests == D(20_000)
    assert str(path) in win.files.recent.items()


def test_save_as_adds_the_suffix_and_pins_prices(qtbot, tmp_path, monkeypatch, answers):
    win = make_window(qtbot, tmp_path)
    win.set_document(win.files.new_document(small_plan()))
    target = tmp_path / "out" / "plan"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert win.files.save()  # no path yet: Save asks where
    saved = tmp_path / "out" / "plan.costplan"
    plan = open_plan(saved)
    assert set(plan.pinned_prices) == {"p/a"}
    assert plan.pinned_prices["p/a"].input == D(3)


def test_corrupt_file_is_refused_and_left_alone(qtbot, tmp_path, answers):
    replies, seen = answers
    win = make_window(qtbot, tmp_path)
    bad = tmp_path / "bad.costplan"
    bad.write_text('{"schema_version": 7, "lines": []}')
    before_doc = win.doc
    assert not win.files.open_plan(bad)
    assert win.doc is before_doc
    assert "newer than this program understands" in seen[-1] and str(bad) in seen[-1]
    assert bad.read_text() == '{"schema_version": 7, "lines": []}'


def test_a_plan_without_schema_version_is_refused_as_the_commands_refuse_it(qtbot, tmp_path, answers):
    _replies, seen = answers
    win = make_window(qtbot, tmp_path)
    old = tmp_path / "old.costplan"
    old.write_text('{"name": "Old", "lines": []}')
    assert not win.files.open_plan(old)
    assert f"{old}: field 'schema_version' is missing" in seen[-1]


def test_shipped_example_is_never_overwritten(qtbot, tmp_path, monkeypatch, answers):
    from tests.conftest import REPO

    win = make_window(qtbot, tmp_path)
    example = REPO / "data" / "examples" / "small-saas.costplan"
    before = example.read_bytes()
    plan = open_plan(example)
    win.set_document(win.files.new_document(plan, example))
    edit_requests(win, "5")
    asked = []

    def cancelled(*_a, **_k):
        asked.append(True)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancelled)
    assert not win.files.save()  # Save went to Save As, which the user cancelled
    assert asked
    assert example.read_bytes() == before


def test_quit_with_unsaved_changes_asks(qtbot, tmp_path, answers, monkeypatch):
    replies, seen = answers
    win = make_window(qtbot, tmp_path)
    win.show()
    edit_requests_target = win.files.new_document(small_plan())
    win.set_document(edit_requests_target)
    edit_requests(win, "12")
    replies.append(QMessageBox.StandardButton.Cancel)
    win.close()
    assert win.isVisible()  # Cancel keeps the window and the work
    assert "Save the changes" in seen[-1]
    replies.append(QMessageBox.StandardButton.Discard)
    win.close()
    assert not win.isVisible()


def test_price_changes_offered_on_open_and_reprice_is_undoable(qtbot, tmp_path, monkeypatch, answers):
    path = tmp_path / "small.costplan"
    old_cat = Catalog(as_of=date(2026, 1, 1), models=(A, B))
    save_plan(small_plan(), old_cat, path)
    cheaper_a = A.with_changes(input=D("1.5"), output=D("7.5"))
    win = make_window(qtbot, tmp_path, models=(cheaper_a, B))
    shown = {}

    def fake_exec(dlg):
        shown["dialog"] = dlg
        dlg._done("reprice")
        return 1

    monkeypatch.setattr("planner.ui.price_changes_dialog.PriceChangesDialog.exec", fake_exec)
    assert win.files.open_plan(path)
    assert "dialog" in shown
    table = shown["dialog"].findChild(__import__("PySide6.QtWidgets", fromlist=["QTableWidget"]).QTableWidget)
    assert table.rowCount() == 2  # input and output of Alpha
    # re-priced: 10,000 x (500 x 1.5 + 1,000 x 7.5) / 1e6 = 82.50
    assert win.doc.result.optimized == D("82.5")
    win.doc.undo_stack.undo()
    assert win.doc.result.optimized == D("165")  # back to the pinned prices


def test_keep_pinned_prices(qtbot, tmp_path, monkeypatch, answers):
    path = tmp_path / "small.costplan"
    save_plan(small_plan(), Catalog(as_of=date(2026, 1, 1), models=(A, B)), path)
    win = make_window(qtbot, tmp_path, models=(A.with_changes(input=D(1)), B))

    def keep(dlg):
        dlg._done("keep")
        return 0

    monkeypatch.setattr("planner.ui.price_changes_dialog.PriceChangesDialog.exec", keep)
    assert win.files.open_plan(path)
    assert win.doc.result.optimized == D("165")
    assert not win.isWindowModified()


def test_drop_a_plan_file_opens_it(qtbot, tmp_path, answers):
    win = make_window(qtbot, tmp_path)
    path = tmp_path / "dropped.costplan"
    save_plan(small_plan(), win.session.catalog, path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    win.dropEvent(event)
    qtbot.waitUntil(lambda: win.doc.path == path)
    assert win.doc.plan.name == "Small"


def test_autosave_and_recovery_after_a_crash(qtbot, tmp_path, answers):
    replies, _ = answers
    win = make_window(qtbot, tmp_path)
    win.set_document(win.files.new_document(small_plan()))
    edit_requests(win, "777")
    win.files.autosave()
    # simulate the crash: the process that wrote it is gone
    meta = next(paths.autosave_dir().glob("*.json"))
    data = json.loads(meta.read_text())
    data["pid"] = 2**22 + 4321
    meta.write_text(json.dumps(data))

    fresh = make_window(qtbot, tmp_path)
    replies.append(QMessageBox.StandardButton.Yes)
    assert fresh.files.offer_recovery()
    assert fresh.doc.plan.lines[0].requests == D(777)
    assert fresh.isWindowModified()  # recovered work is unsaved until saved
    assert find_recoverable() == []  # the crashed one was taken over


def test_new_from_scenario_asks_before_discarding(qtbot, tmp_path, answers):
    replies, _ = answers
    win = make_window(qtbot, tmp_path)
    win.set_document(win.files.new_document(small_plan()))
    edit_requests(win, "5")
    replies.append(QMessageBox.StandardButton.Cancel)
    assert not win.files.new_from_scenario("enterprise")
    assert win.doc.plan.name == "Small"


def test_a_plan_on_a_model_gone_from_the_catalog_opens_marked_and_still_saves(qtbot, tmp_path, answers):
    from PySide6.QtGui import QTextDocument

    from planner.io.plan_files import plan_json
    from planner.ui import style
    from planner.ui.worksheet_model import COL_MODEL

    win = make_window(qtbot, tmp_path)
    gone = Line(name="<i>Gone</i>", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/gone")
    path = tmp_path / "old.costplan"
    path.write_text(plan_json(small_plan().model_copy(update={"lines": [*small_plan().lines, gone]})))
    assert win.files.open_plan(path)
    m = win.workload_tab.model
    assert m.index(1, COL_MODEL).data() == "p/gone (not in catalog)"
    assert m.index(1, COL_MODEL).data(Qt.ItemDataRole.ForegroundRole) == style.brush(style.Tone.NEGATIVE)
    assert "Line 2 '<i>Gone</i>'" in win.workload_tab.messages.text()
    tip = m.index(1, COL_MODEL).data(Qt.ItemDataRole.ToolTipRole)
    rendered = QTextDocument()
    rendered.setHtml(tip)
    assert "'<i>Gone</i>'" in rendered.toPlainText()  # the markup is shown, not applied
    assert win.doc.result.optimized == D("165")  # Chat only: Gone costs nothing until fixed
    assert "old.costplan" in win.statusBar().currentMessage()

    edit_requests(win, "20000")
    assert win.files.save()
    assert [ln.model for ln in open_plan(path).lines] == ["p/a", "p/gone"]

    assert m.setData(m.index(1, COL_MODEL), "p/b")
    assert not win.workload_tab.messages.isVisibleTo(win.workload_tab)
    # Chat 20,000 x (500 x 3 + 1,000 x 15) / 1e6 = 330; Gone on Beta 10,000 x (500 x 0.1 + 1,000 x 0.4) / 1e6 = 4.50
    assert win.doc.result.optimized == D("334.5")


def test_exports_refuse_a_plan_with_a_line_to_fix_and_say_which(qtbot, tmp_path, answers):
    _replies, seen = answers
    win = make_window(qtbot, tmp_path)
    gone = Line(name="Gone", requests=D(1), input_tokens=D(1), output_tokens=D(1), model="p/gone")
    win.set_document(win.files.new_document(small_plan().model_copy(update={"lines": [gone]})))
    assert not win.exports.export_pdf(tmp_path / "x.pdf", "A4")
    assert "Line 1 'Gone'" in seen[-1] and not (tmp_path / "x.pdf").exists()


def test_prompts_show_names_as_plain_text():
    box = prompts.message_box(None, "Save the changes to '<b>Team</b>' first?", QMessageBox.Icon.Question)
    assert box.textFormat() == Qt.TextFormat.PlainText

"""MainWindow: tabs, menus, status bar, help, window state between runs, start-up imports, screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QTextBrowser

from planner import paths
from planner.ui.main_window import TAB_MODELS, TAB_WORKLOAD, MainWindow
from planner.ui.worksheet_model import COL_OPTIMIZED
from tests.conftest import REPO

AS_OF_DAYS_OLD = "days old"


@pytest.fixture
def session(make_session, mp):
    return make_session(
        mp("acme/one", "0.10", "0.40", name="One", quality=50),
        mp("acme/two", "3", "15", name="Two", quality=85),
    )


@pytest.fixture
def window(qtbot, session):
    w = MainWindow(session, today=session.catalog.as_of + timedelta(days=10))
    qtbot.addWidget(w)
    return w


def menu(w: MainWindow, title: str) -> QMenu:
    for a in w.menuBar().actions():
        if a.text().replace("&", "") == title:
            return a.menu()
    raise AssertionError(f"no menu {title!r}")


def action(m: QMenu, text: str) -> QAction:
    for a in m.actions():
        if a.text().replace("&", "").rstrip("…").strip() == text:
            return a
    raise AssertionError(f"no action {text!r} in {[a.text() for a in m.actions()]}")


# -- tabs and menus --------------------------------------------------------------------------


def test_tabs(window):
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Models", "Workload", "Charts"]
    assert window.tabs.currentIndex() == TAB_MODELS
    assert "Cost Planner" in window.windowTitle()


def test_file_menu_entries(window):
    f = menu(window, "File")
    for text in ("New plan", "Open", "Save", "Save As"):
        assert action(f, text).isEnabled(), text
    assert action(f, "Save").shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    quit_ = action(f, "Quit")
    assert quit_.isEnabled()
    assert quit_.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)


def test_quit_closes_the_window(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    action(menu(window, "File"), "Quit").trigger()
    assert not window.isVisible()


def test_edit_menu_undo_redo_with_standard_shortcuts(window, session):
    e = menu(window, "Edit")
    undo = next(a for a in e.actions() if a.text().replace("&", "").startswith("Undo"))
    redo = next(a for a in e.actions() if a.text().replace("&", "").startswith("Redo"))
    assert undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert QKeySequence(QKeySequence.StandardKey.Redo) in redo.shortcuts()
    assert not undo.isEnabled()

    session.edit_model("acme/one", "Edit price of One", input=Decimal("0.20"))
    assert undo.isEnabled()
    assert "Edit price of One" in undo.text()
    undo.trigger()
    assert session.catalog["acme/one"].input == Decimal("0.10")
    assert redo.isEnabled()
    redo.trigger()
    assert session.catalog["acme/one"].input == Decimal("0.20")


def test_help_explains_blended_formula(monkeypatch, window):
    shown: list[QDialog] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: shown.append(self) or 0)
    action(menu(window, "Help"), "How costs are computed").trigger()
    assert len(shown) == 1
    text = shown[0].findChild(QTextBrowser).toPlainText()
    assert "Blended price at r:1" in text
    assert "(r × in + out) / (r + 1)" in text
    assert "1,000,000 / price" in text  # tokens per $1
    # the page is docs/costs.md, the rule book kept in the repository
    assert "one common factor" in text and "rounded down" in text


# -- status bar ------------------------------------------------------------------------------


def test_catalog_label_fresh(window):
    text = window.catalog_status.text()
    assert "2 models" in text
    assert "01 May 2026" in text
    assert AS_OF_DAYS_OLD not in text


def test_catalog_label_warns_after_90_days(qtbot, session):
    w = MainWindow(session, today=session.catalog.as_of + timedelta(days=100))
    qtbot.addWidget(w)
    assert "100 days old" in w.catalog_status.text()
    assert "90 days" in w.catalog_status.toolTip()


def test_catalog_label_not_stale_at_90_days(qtbot, session):
    w = MainWindow(session, today=session.catalog.as_of + timedelta(days=90))
    qtbot.addWidget(w)
    assert AS_OF_DAYS_OLD not in w.catalog_status.text()


def test_catalog_label_counts_added_models(window, session, mp):
    session.add_model(mp("mine/three", "1", "1", name="Three"))
    assert "3 models" in window.catalog_status.text()


def test_real_catalog_status(qtbot, shipped_session):
    cat = shipped_session.catalog
    w = MainWindow(shipped_session, today=cat.as_of + timedelta(days=10))
    qtbot.addWidget(w)
    assert "44 models" in w.catalog_status.text()
    assert w.models_tab.proxy.rowCount() == 44


# -- window state between runs ---------------------------------------------------------------


def test_geometry_tab_and_table_state_restored(qtbot, session, user_home):
    first = MainWindow(session, today=session.catalog.as_of)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    # The offscreen screen is 800x800 and the window is wider than that at its minimum, so
    # check the height and vertical position (width is clamped to the screen by Qt on restore).
    first.resize(first.width(), 520)
    first.move(0, 40)
    first.models_tab.ratio.setValue(7)
    first.models_tab.floor.setValue(60)
    first.models_tab.cheapest.click()
    first.show_tab(TAB_WORKLOAD)
    assert first.tabs.currentIndex() == TAB_WORKLOAD
    saved_geometry = first.geometry()
    first.close()

    ini = user_home / "config" / "settings.ini"
    assert ini.exists()
    s = QSettings(str(ini), QSettings.Format.IniFormat)
    assert int(s.value("window/tab")) == TAB_WORKLOAD
    assert not s.value("window/geometry").isEmpty()

    second = MainWindow(session, today=session.catalog.as_of)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.geometry().height() == saved_geometry.height()
    assert second.geometry().y() == saved_geometry.y()
    assert second.tabs.currentIndex() == TAB_WORKLOAD
    assert second.models_tab.ratio.value() == 7
    assert second.models_tab.floor.value() == 60
    assert second.models_tab.model.ratio == 7.0
    assert second.models_tab.proxy.rowCount() == 1  # One (50) is under the floor of 60; Two (85) is not


def test_restore_ignores_a_bad_tab(qtbot, session, user_home):
    ini = user_home / "config" / "settings.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    s = QSettings(str(ini), QSettings.Format.IniFormat)
    s.setValue("window/tab", 7)  # no such tab
    s.setValue("models/state", "{not json")
    s.sync()
    w = MainWindow(session, today=session.catalog.as_of)
    qtbot.addWidget(w)
    assert w.tabs.currentIndex() == TAB_MODELS


def test_settings_live_under_the_user_config_dir(qtbot, window, user_home):
    window.close()
    ini = paths.user_config_dir() / "settings.ini"
    assert ini.exists()
    assert ini.is_relative_to(user_home)


# -- start-up and screenshot (child processes) -----------------------------------------------


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", paths.HOME_OVERRIDE_ENV: str(home)}


NO_PYQTGRAPH = """
import sys
import planner.qt_runtime, planner.ui.app, planner.ui.main_window
app = planner.qt_runtime.make_app()
w = planner.ui.app.create_window()
w.show()
app.processEvents()
print("loaded" if "pyqtgraph" in sys.modules else "not loaded", w.tabs.count())
w.close()
"""


def test_main_window_starts_without_pyqtgraph(tmp_path):
    proc = subprocess.run([sys.executable, "-c", NO_PYQTGRAPH], cwd=REPO, env=_env(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["not", "loaded", "3"]


ENGINE_ON_DEMAND = """
import sys
import planner.qt_runtime, planner.ui.app, planner.ui.main_window
app = planner.qt_runtime.make_app()
w = planner.ui.app.create_window()
w.show()
app.processEvents()
engine = ("planner.domain.costing", "planner.domain.summary")
print(sorted(m for m in engine if m in sys.modules), w.tabs.currentIndex(), w.models_tab.proxy.rowCount() > 0)
w.ensure_workload()
app.processEvents()
print(sorted(m for m in engine if m in sys.modules), w.doc.result.optimized, w.doc.error)
w.close()
"""


def test_the_window_opens_on_a_new_plan_before_the_engine_loads(tmp_path):
    """A new plan is costed when first shown: the window opens on the Models tab without
    loading the costing engine, and the Workload tab then shows the empty plan's $0."""
    proc = subprocess.run([sys.executable, "-c", ENGINE_ON_DEMAND], cwd=REPO, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == [
        "[] 0 True", "['planner.domain.costing', 'planner.domain.summary'] 0 None"]


SCREENSHOT = """
import sys
from planner.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_screenshot_command_writes_png_of_requested_size(tmp_path):
    out = tmp_path / "shots" / "models.png"
    proc = subprocess.run(
        [sys.executable, "-c", SCREENSHOT, "screenshot", "--tab", "models", "--out", str(out), "--size", "800x600"],
        cwd=REPO, env=_env(tmp_path / "home"), capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert out.exists()
    img = QImage(str(out))
    assert not img.isNull()
    # Not blank: some pixels differ from the first one.
    first = img.pixel(0, 0)
    assert any(img.pixel(x, y) != first for x in range(0, img.width(), 7) for y in range(0, img.height(), 7))
    assert (img.width(), img.height()) == (800, 600)


# -- number format ---------------------------------------------------------------------------


def number_format_menu(w: MainWindow) -> QMenu:
    m = action(menu(w, "View"), "Number format").menu()
    m.aboutToShow.emit()
    return m


def test_number_format_changes_the_figures_shown_and_is_remembered(qtbot, window, session):
    from planner.domain.plan import Line
    from planner.formatting import display_locale, set_display_locale

    line = Line(name="Chat", requests=Decimal(1_000_000), input_tokens=Decimal(1000), output_tokens=Decimal(500),
                model="acme/two")
    window.doc.insert_lines(0, [line], "Add line")
    totals = window.workload_tab.totals
    # 1M requests x (1,000 x $3 + 500 x $15) / 1M tokens = $10,500 a month
    assert totals.optimized.text() == "$10,500.00"
    m = number_format_menu(window)
    labels = [a.text() for a in m.actions()]
    assert labels[0] == "System (en_US)" and "German (Germany)" in labels and "Japanese (Japan)" in labels
    assert m.actions()[0].isChecked()

    action(m, "German (Germany)").trigger()
    assert totals.optimized.text() == "10.500,00\xa0$"
    assert "10.500,00\xa0$" in window.workload_tab.summary.text()
    assert window.workload_tab.table.model().index(0, COL_OPTIMIZED).data() == "10.500,00\xa0$"
    assert action(number_format_menu(window), "German (Germany)").isChecked()

    set_display_locale("en_US")  # as a new start would be before the settings are read
    second = MainWindow(session, today=session.catalog.as_of)
    qtbot.addWidget(second)
    assert display_locale() == "de_DE"

    action(number_format_menu(second), "System (en_US)").trigger()
    assert display_locale() == "en_US"
    assert MainWindow.number_format() == ""


def test_catalog_age_is_that_of_the_newest_prices(qtbot, session, mp):
    """Imported prices dated after the shipped file: the age counts from them, and the
    shipped file's date is still said."""
    shipped = session.catalog.as_of
    newer = shipped + timedelta(days=100)
    w = MainWindow(session, today=shipped + timedelta(days=120))
    qtbot.addWidget(w)
    assert "120 days old" in w.catalog_status.text()
    session.add_model(mp("mine/fresh", "1", "1", name="Fresh").model_copy(update={"as_of": newer}))
    text = w.catalog_status.text()
    assert f"prices as of {newer:%d %b %Y} (newest)" in text
    assert f"shipped catalog {shipped:%d %b %Y}" in text
    assert AS_OF_DAYS_OLD not in text  # 20 days


def test_import_quality_scores_from_the_file_menu(window, monkeypatch):
    """File > Import catalog > Quality scores: the preview asks, Yes applies as one undo step."""
    from planner.ui import prompts

    csv_file = window.session.overlay_path.parent / "scores.csv"
    csv_file.write_text("Model,Metric,Score,Source,Date\nOne,internal_eval,71.5,Team evals,2026-05-01\n"
                        "Two,internal_eval,eighty,Team evals,2026-05-01\n")
    asked: list[str] = []
    monkeypatch.setattr(prompts, "ask", lambda _w, text, *a: asked.append(text) or prompts.Button.Yes)
    assert window.imports.import_scores(csv_file) is True
    # the preview named the good row and the bad one
    assert "added One (acme/one), internal_eval 71.5" in asked[0]
    assert "row 3: field 'score': 'eighty' is not a number" in asked[0]
    assert window.session.catalog["acme/one"].quality["internal_eval"] == 71.5
    window.session.undo_stack.undo()
    assert "internal_eval" not in window.session.catalog["acme/one"].quality

"""The first paint: a start paints the window from the last run's file, then completes it.

What a user would notice: the window that appears first looks exactly like the window once
its catalog is loaded (pixel for pixel), a stale or damaged file is never shown, the file
follows their settings and edits, and a failure after the first paint ends the start cleanly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from planner import paths
from planner.domain.errors import InputError
from planner.ui import app as app_module
from planner.ui import first_paint, prompts
from planner.ui.catalog_columns import COL_INPUT
from planner.ui.first_paint import FrozenTableModel
from planner.ui.main_window import MainWindow
from tests.conftest import REPO

SIZE = (1200, 700)


def _shown(qtbot, w: MainWindow) -> MainWindow:
    qtbot.addWidget(w)
    w.resize(*SIZE)
    w.show()
    for _ in range(3):
        QApplication.processEvents()
    return w


def _image(w: MainWindow) -> QImage:
    QApplication.processEvents()
    return w.grab().toImage()


def _differing_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    return sum(a.pixel(x, y) != b.pixel(x, y) for y in range(a.height()) for x in range(a.width()))


@pytest.fixture
def session(make_session, mp):
    s = make_session(
        mp("acme/one", "0.10", "0.40", name="One", quality=50, context_window=128_000),
        mp("acme/two", "3", "15", name="Two", quality=85, cache_read="0.30"),
        mp("beta/three", "1.25", "10", name="Three", quality=70),
        mp("beta/four", "0.05", "0.20", name="Four"),
    )
    s.edit_model("acme/two", "Edit input", input=Decimal("2.50"))  # an edited price: bold and blue
    return s


def _start(qtbot) -> MainWindow:
    app, win = app_module.start(["cost-planner"])
    assert win is not None
    qtbot.addWidget(win)
    return win


# -- what it shows ---------------------------------------------------------------------------


def test_first_paint_is_the_window_pixel_for_pixel(qtbot, session):
    today = session.catalog.as_of + timedelta(days=200)  # old prices: the status bar warns
    live = _shown(qtbot, MainWindow(session, today=today))
    live.models_tab.floor.setValue(60)
    data = first_paint.capture(live)
    json.dumps(data)  # plain data, as written to the file

    frozen = _shown(qtbot, MainWindow(first_paint=data["window"], today=today))
    assert not frozen.is_complete
    assert isinstance(frozen.models_tab.table.model(), FrozenTableModel)
    assert frozen.models_tab.count.text() == live.models_tab.count.text() == "2 of 4 models (floor 60)"
    assert _differing_pixels(_image(frozen), _image(live)) == 0

    # Completed with the catalog (and the same settings), nothing moves.
    frozen.complete(session)
    frozen.models_tab.restore_state(live.models_tab.state())
    assert frozen.is_complete
    assert frozen.models_tab.table.model() is frozen.models_tab.proxy
    assert _differing_pixels(_image(frozen), _image(live)) == 0


def test_frozen_rows_keep_edited_cells_bold_and_blue(qtbot, session):
    live = _shown(qtbot, MainWindow(session))
    m = live.models_tab.first_paint_state()
    row = next(i for i, texts in enumerate(m["rows"]) if texts[1] == "Two")
    align, bold, colour = m["styles"][m["row_styles"][row][COL_INPUT]]
    assert (m["rows"][row][COL_INPUT], bold, colour) == ("2.50", True, "#1f5fbf")


# -- when it is used -------------------------------------------------------------------------


def test_a_stale_or_damaged_file_is_not_used(qtbot, session, tmp_path, monkeypatch):
    live = _shown(qtbot, MainWindow(session))
    data = first_paint.capture(live)
    state = live.saved_models_state()
    f = tmp_path / "first-paint.json"
    assert first_paint.save(data, f)
    assert first_paint.load(state, f) == data

    assert first_paint.load('{"floor": 40}', f) is None, "other Models tab settings"
    with monkeypatch.context() as m:
        m.setattr(first_paint, "__version__", "99.0")
        assert first_paint.load(state, f) is None, "another version of the program"

    paths.user_overlay().parent.mkdir(parents=True, exist_ok=True)
    paths.user_overlay().write_text('{"schema_version": 1, "entries": []}')
    assert first_paint.load(state, f) is None, "the catalog overlay changed"
    data = first_paint.capture(live)
    first_paint.save(data, f)
    assert first_paint.load(state, f) == data

    def damaged(change) -> dict | None:
        broken = json.loads(json.dumps(data))
        change(broken["window"]["models"])
        f.write_text(json.dumps(broken))
        return first_paint.load(state, f)

    assert damaged(lambda m: m["rows"][0].pop()) is None
    assert damaged(lambda m: m["row_styles"][0].__setitem__(0, 999)) is None
    assert damaged(lambda m: m.__setitem__("metric_index", 7)) is None
    assert damaged(lambda m: m.__setitem__("hidden", [40])) is None
    assert damaged(lambda m: m.pop("widths")) is None
    f.write_text('{"fingerprint": ')
    assert first_paint.load(state, f) is None
    f.unlink()
    assert first_paint.load(state, f) is None


def test_second_start_paints_from_the_file_then_completes(qtbot):
    first = _start(qtbot)
    assert first.is_complete, "no file yet: the window is built from the catalog"
    assert paths.first_paint_file().exists()
    first.resize(*SIZE)
    first.close()

    second = _start(qtbot)
    assert not second.is_complete
    assert isinstance(second.models_tab.table.model(), FrozenTableModel)
    second.resize(*SIZE)
    before = _image(second)
    qtbot.waitUntil(lambda: second.is_complete, timeout=5000)
    assert second.models_tab.table.model() is second.models_tab.proxy
    assert _differing_pixels(_image(second), before) == 0
    # and it works: a sort click re-ranks the live table
    second.models_tab.cheapest.click()
    assert second.models_tab.model.sort_column != -1
    second.close()


def test_closing_writes_what_the_next_start_shows(qtbot):
    w = _start(qtbot)
    tab = w.models_tab
    tab.floor.setValue(60)  # kept between runs
    tab.search.setText("claude")  # not kept: the next start shows every model above the floor
    qtbot.wait(100)
    metric = w.session.catalog.default_quality_metric
    above = [x for x in w.session.catalog.models if (x.quality_for(metric) or 0) >= 60]
    edited = above[0]
    w.session.edit_model(edited.id, "Edit input", input=Decimal("4.25"))
    w.close()

    data = first_paint.load(MainWindow.saved_models_state())
    assert data is not None, "rewritten on close for the new settings and overlay"
    m = data["window"]["models"]
    assert m["row_count"] == len(above) > 1
    assert "(floor 60)" in m["count"]
    assert any(texts[1] == edited.name and texts[COL_INPUT] == "4.25" for texts in m["rows"])

    nxt = _start(qtbot)
    assert not nxt.is_complete
    nxt.resize(*SIZE)
    before = _image(nxt)
    qtbot.waitUntil(lambda: nxt.is_complete, timeout=5000)
    assert nxt.models_tab.floor.value() == 60
    assert nxt.models_tab.search.text() == ""
    assert _differing_pixels(_image(nxt), before) == 0
    nxt.close()


# -- when the rest of the start fails --------------------------------------------------------


@pytest.mark.parametrize("error", [InputError("catalog.json: models[3].input: not a number"), RuntimeError("boom")])
def test_a_failure_after_the_first_paint_ends_the_start(qtbot, monkeypatch, error):
    _start(qtbot).close()  # writes the file
    assert paths.first_paint_file().exists()
    told: list[str] = []
    exits: list[int] = []
    monkeypatch.setattr(prompts, "tell", lambda _p, text, *a, **k: told.append(text))
    monkeypatch.setattr(QCoreApplication, "exit", lambda code=0: exits.append(code))

    def broken(*_a, **_k):
        raise error

    monkeypatch.setattr("planner.ui.session.Session", broken)
    w = _start(qtbot)
    qtbot.waitUntil(lambda: bool(exits), timeout=5000)
    assert exits == [1]
    assert not w.isVisible() and not w.is_complete
    assert str(error) in told[0]
    assert not paths.first_paint_file().exists(), "the next start is a normal one, which reports it first"


# -- what it loads ---------------------------------------------------------------------------

WARM_START = """
import sys
from planner.ui.app import start
app, w = start(["cost-planner"])
if sys.argv[1] == "first":
    w.close()
    sys.exit(0)
heavy = sorted(m for m in ("numpy", "pydantic", "planner.domain.catalog", "planner.ui.catalog_table_model") if m in sys.modules)
print("complete" if w.is_complete else "painting", heavy, type(w.models_tab.table.model()).__name__)
from PySide6.QtCore import QTimer
def done():
    if w.is_complete:
        print("then", type(w.models_tab.table.model()).__name__)
        w.close()
        app.quit()
    else:
        QTimer.singleShot(10, done)
QTimer.singleShot(10, done)
app.exec()
"""


def test_the_first_paint_loads_no_catalog_numpy_or_pydantic(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", paths.HOME_OVERRIDE_ENV: str(tmp_path)}
    for which in ("first", "second"):
        p = subprocess.run([sys.executable, "-c", WARM_START, which], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120)
        assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.split("\n")[:2] == ["painting [] FrozenTableModel", "then CatalogFilterProxy"]
    assert Path(tmp_path / "cache" / "first-paint.json").exists()


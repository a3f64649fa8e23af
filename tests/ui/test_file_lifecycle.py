"""The plan file lifecycle: when unsaved work is autosaved, where Save writes, the recent
list, what the prompts say. The first tests need no window."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.domain.plan import Line, Plan
from planner.io.catalog_files import LoadedCatalog
from planner.io.plan_files import Autosave, open_plan
from planner.ui.app_settings import RecentFiles
from planner.ui.file_lifecycle import (
    AUTOSAVE_AFTER_S,
    AutosaveSchedule,
    recovery_prompt,
    save_needs_a_name,
    with_plan_suffix,
)
from planner.ui.main_window import MainWindow
from planner.ui.session import Session
from planner.ui.worksheet_model import COL_REQUESTS


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_steady_editing_is_autosaved_within_the_delay_of_the_first_change():
    clock = Clock()
    schedule = AutosaveSchedule(clock)
    written_at = []
    for t in range(0, 50, 8):  # a change every 8 s for 50 s
        clock.now = t
        if schedule.is_due():
            written_at.append(t)
            schedule.done()
        schedule.changed()
    assert AUTOSAVE_AFTER_S == 20
    # first change at 0 s: due at 20 s (seen at the 24 s change); the 24 s change: due at 44 s
    assert written_at == [24, 48]


def test_save_decisions_and_names():
    assert save_needs_a_name(None)
    assert save_needs_a_name(paths.examples_dir() / "small-saas.costplan")  # never over a shipped example
    assert save_needs_a_name(Path("/tmp/notes.txt"))
    assert not save_needs_a_name(Path("/tmp/budget.costplan"))
    assert with_plan_suffix(Path("/tmp/budget")) == Path("/tmp/budget.costplan")
    assert with_plan_suffix(Path("/tmp/b.json")) == Path("/tmp/b.json")


def test_recent_list_newest_first_without_duplicates():
    store: list[list[str]] = [[]]
    recent = RecentFiles(lambda: store[0], lambda items: store.__setitem__(0, items))
    for name in ("a", "b", "a"):
        recent.remember(Path(f"/p/{name}.costplan"))
    assert recent.items() == ["/p/a.costplan", "/p/b.costplan"]
    recent.forget(Path("/p/a.costplan"))
    assert recent.items() == ["/p/b.costplan"]


def test_the_recovery_prompt_names_the_files():
    a = Autosave(Path("/data/autosave/1-2.costplan"), Path("/home/me/q3.costplan"), datetime(2026, 6, 1, 9, 30), 0, "Q3")
    text = recovery_prompt(a)
    assert "'Q3'" in text and "/home/me/q3.costplan" in text and "/data/autosave/1-2.costplan" in text
    never_saved = recovery_prompt(Autosave(a.path, None, a.saved_at, 0, "Q3"))
    assert "never saved" in never_saved and str(a.path) in never_saved


# -- in the window --------------------------------------------------------------------------

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15))


class FakeTimer:
    """A single-shot timer on the fake clock: `run_until(t)` fires it if it is due by then."""

    def __init__(self, clock: Clock, fire) -> None:
        self.clock, self.fire, self.at = clock, fire, None

    def start(self, ms: int) -> None:
        self.at = self.clock.now + ms / 1000

    def stop(self) -> None:
        self.at = None

    def isActive(self) -> bool:
        return self.at is not None

    def run_until(self, t: float) -> None:
        if self.at is not None and self.at <= t:
            self.clock.now = self.at
            self.at = None
            self.fire()
        self.clock.now = t


def test_an_edit_every_8_seconds_is_autosaved_20_seconds_after_the_first(qtbot, tmp_path):
    cat = Catalog(as_of=date(2026, 5, 1), models=(A,))
    win = MainWindow(Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=tmp_path / "o.json"), today=date(2026, 6, 1))
    qtbot.addWidget(win)
    clock = Clock()
    win.files.schedule.clock = clock
    win.files.timer = FakeTimer(clock, win.files.autosave)
    win.set_document(win.files.new_document(Plan(name="Steady", lines=[
        Line(name="Chat", requests=D(1), input_tokens=D(1), output_tokens=D(1), model="p/a")])))
    m = win.workload_tab.model
    autosaved = paths.autosave_dir() / f"{win.doc.autosave_token}.costplan"
    for n, t in enumerate(range(0, 24, 8), 1):  # edits at 0, 8 and 16 s
        win.files.timer.run_until(t)
        assert m.setData(m.index(0, COL_REQUESTS), str(n * 100))
    win.files.timer.run_until(19.9)
    assert not autosaved.exists()
    win.files.timer.run_until(20)
    assert open_plan(autosaved).lines[0].requests == D(300)  # all three edits

"""Test set-up: Qt offscreen, and every user file redirected to a temporary directory."""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from planner import paths  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"  # real third-party snapshots, licenses beside them


@pytest.fixture(autouse=True)
def user_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets empty user directories (overlay, settings, autosave) of its own."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv(paths.HOME_OVERRIDE_ENV, str(home))
    yield home
    from planner.io import catalog_cache

    catalog_cache.wait()  # a catalog cache written in the background goes with its test


@pytest.fixture(autouse=True)
def display_locale_en_us(monkeypatch: pytest.MonkeyPatch) -> None:
    """Money shows as in en_US ($1,234.50) whatever the machine's LANG, here and in the
    commands a test starts (their system locale is C, which is shown as en_US)."""
    from planner import formatting

    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    formatting.set_display_locale("en_US")


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal message box or file dialog would wait forever offscreen: answer them.

    Questions are answered Discard (so closing a window with unsaved work at teardown does
    not block), notices OK, file dialogs Cancel. Tests that care patch them again.
    """
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))


class Emitted:
    """What a signal emitted inside a `with emitted(signal)` block: `args` of the last
    emission (a list, as qtbot.waitSignal's blocker has it) and `count`. For signals the
    code under test emits synchronously: unlike qtbot.waitSignal, nothing is disconnected
    while the signal is being emitted (PySide6 has been seen to hang on that)."""

    def __init__(self, signal) -> None:
        self.signal = signal
        self.calls: list[list] = []

    def _record(self, *args) -> None:
        self.calls.append(list(args))

    @property
    def args(self) -> list | None:
        return self.calls[-1] if self.calls else None

    @property
    def count(self) -> int:
        return len(self.calls)

    def __enter__(self) -> Emitted:
        self.signal.connect(self._record)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.signal.disconnect(self._record)
        if exc_type is None and not self.calls:
            raise AssertionError(f"{self.signal} was not emitted")


def emitted(signal) -> Emitted:
    return Emitted(signal)

"""The first paint: the window as the last run left it, shown while the catalog loads.

Loading and validating a catalog of thousands of models, importing numpy and pydantic and
building the tabs takes about half a second. Instead of an empty window for that long, the
app paints the Models tab from a small file written the last time the window was complete:
the controls' values and the table's first rows, cell by cell (texts, alignment, bold,
colour). The catalog is then loaded and attached in the same event-loop turn, so the rows
are replaced by the live ones before any input is handled.

The file is a cache: it records what it was made from (the shipped catalog's and the
overlay's size and modification time, the Models tab settings, the program version) and is
used only when all of those still match. Anything else (a missing, stale, unreadable or
malformed file) means a normal start, and the file is rewritten afterwards. It holds nothing
that is not also in the catalog files, and deleting it loses nothing.

This module imports only Qt and the standard library: it runs before the catalog loads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from planner import __version__, paths


class Window(Protocol):
    """What `capture` reads from the main window (planner.ui.main_window imports this
    module, so it is named by its shape here)."""

    def saved_models_state(self) -> str | None: ...

    def first_paint_state(self, models: dict[str, Any] | None = None) -> dict[str, Any]: ...


#: Bumped whenever the file's shape or what it shows changes.
SCHEMA = 1


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def fingerprint(models_state: str | None) -> dict[str, Any]:
    """Everything a first paint depends on: if any of it differs, the file is not used."""
    return {
        "schema": SCHEMA,
        "version": __version__,
        "shipped": [str(paths.shipped_catalog()), _stat(paths.shipped_catalog())],
        "overlay": [str(paths.user_overlay()), _stat(paths.user_overlay())],
        "models_state": models_state,
    }


def load(models_state: str | None, path: Path | None = None) -> dict[str, Any] | None:
    """The saved first paint ({"fingerprint", "window"}) if it is still what the window
    would show, else None."""
    path = path or paths.first_paint_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not is_current(data, models_state):
            return None
        _check(data["window"])
        return data
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # a cache: anything wrong with it means a normal start


def _check(window: dict[str, Any]) -> None:
    """Raise ValueError unless `window` has the shape `MainWindow.first_paint_state` writes."""
    m = window["models"]
    cols = len(m["headers"])
    if not (len(m["widths"]) == cols and len(m["rows"]) == len(m["row_styles"]) <= int(m["row_count"])):
        raise ValueError("inconsistent first paint")
    n_styles = len(m["styles"])
    for texts, ids in zip(m["rows"], m["row_styles"], strict=True):
        if len(texts) != cols or len(ids) != cols or not all(0 <= i < n_styles for i in ids):
            raise ValueError("inconsistent first paint row")
    if not 0 <= int(m["metric_index"]) < max(len(m["metrics"]), 1):
        raise ValueError("metric index out of range")
    if not all(0 <= int(c) < cols for c in m["hidden"]):
        raise ValueError("hidden column out of range")
    int(window["catalog"]["count"])


def capture(win: Window, models: dict[str, Any] | None = None) -> dict[str, Any]:
    """The file's content for `win`, with `models` for its Models tab's look if given (else
    the tab's as it is now)."""
    return {"fingerprint": fingerprint(win.saved_models_state()), "window": win.first_paint_state(models)}


def save(data: dict[str, Any], path: Path | None = None) -> bool:
    """Write `data` (from `capture`) atomically. A failure is not an error: the next start is
    a normal one. True if written."""
    from planner.io.atomic import write_text_atomic

    try:
        write_text_atomic(path or paths.first_paint_file(), json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        return False
    return True


def is_current(data: Any, models_state: str | None) -> bool:
    """Whether `data` (from `capture`) still matches the files and settings it was made from."""
    return isinstance(data, dict) and data.get("fingerprint") == fingerprint(models_state)


class FrozenTableModel(QAbstractTableModel):
    """The Models table's first rows as a first paint recorded them: read-only, no catalog.
    Rows past the recorded ones are counted (so the scroll bar is right) but empty."""

    def __init__(self, state: dict[str, Any], parent=None) -> None:
        super().__init__(parent)
        self._headers = [str(h) for h in state["headers"]]
        self._rows = state["rows"]
        self._row_styles = state["row_styles"]
        self._row_count = int(state["row_count"])
        self._align, self._font, self._fg = [], [], []
        for align, bold, colour in state["styles"]:
            self._align.append(int(align) or None)
            if bold:
                f = QFont()
                f.setBold(True)
                self._font.append(f)
            else:
                self._font.append(None)
            self._fg.append(QColor(colour) if colour else None)  # a colour paints as a brush of it

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._row_count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[self._row_styles[r][c]]
        if role == Qt.ItemDataRole.FontRole:
            return self._font[self._row_styles[r][c]]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._fg[self._row_styles[r][c]]
        return None

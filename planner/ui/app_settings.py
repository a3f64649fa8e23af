"""The user's settings file (QSettings, INI) and the values kept in it between runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from planner import paths

RECENT_KEY = "recent/files"
MAX_RECENT = 10


def settings() -> QSettings:
    path = paths.user_config_dir() / "settings.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def _load_recent() -> list[str]:
    v = settings().value(RECENT_KEY)
    if isinstance(v, str):
        v = [v]
    return [str(x) for x in v] if isinstance(v, list) else []


def _store_recent(items: list[str]) -> None:
    s = settings()
    if items:
        s.setValue(RECENT_KEY, items)
    else:
        s.remove(RECENT_KEY)
    s.sync()


@dataclass
class RecentFiles:
    """The Open Recent list, newest first, read by `load` and written by `store`."""

    load: Callable[[], list[str]]
    store: Callable[[list[str]], None]

    def items(self) -> list[str]:
        return self.load()

    def remember(self, path: Path) -> None:
        self.store(([str(path)] + [p for p in self.load() if p != str(path)])[:MAX_RECENT])

    def forget(self, path: Path) -> None:
        self.store([p for p in self.load() if p != str(path)])

    def clear(self) -> None:
        self.store([])


def recent_files() -> RecentFiles:
    """The Open Recent list, kept in the settings."""
    return RecentFiles(_load_recent, _store_recent)

"""File > Import catalog: a catalog file, or today's prices from the web, previewed first
(planner.ui.import_dialog)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from planner.ui.actions import IMPORT_SOURCES
from planner.ui.file_controller import Host
from planner.ui.import_dialog import run_import_file
from planner.ui.update_flow import run_update

#: the formats File > Import catalog offers: key -> label
IMPORT_FORMATS = dict(IMPORT_SOURCES)


class ImportController(QObject):
    def __init__(self, host: Host, parent: QWidget) -> None:
        super().__init__(parent)
        self.host, self.widget = host, parent

    def import_catalog(self, fmt: str, path: Path | str | None = None) -> bool:
        """Preview and apply prices from an external catalog file (added to your edits)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.widget, f"Import a {IMPORT_FORMATS[fmt]} catalog",
                                                    str(Path.home()), "JSON (*.json);;All files (*)")
            if not chosen:
                return False
            path = chosen
        return run_import_file(self.widget, self.host.session, fmt, Path(path))

    def update_catalog(self, source: str) -> None:
        """Download today's prices (HTTPS, off the UI thread, cancellable), then preview."""
        run_update(self.widget, self.host.session, source)

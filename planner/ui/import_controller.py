"""File > Import catalog: a catalog file, or today's prices from the web, previewed first
(planner.ui.import_dialog)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from planner.ui import prompts
from planner.ui.actions import IMPORT_SOURCES
from planner.ui.file_controller import Host

# (the preview dialog and the web update load when an import is asked for, not at start-up)

#: the formats File > Import catalog offers: key -> label
IMPORT_FORMATS = dict(IMPORT_SOURCES)


class ImportController(QObject):
    def __init__(self, host: Host, parent: QWidget) -> None:
        super().__init__(parent)
        self.host, self.widget = host, parent

    def import_catalog(self, fmt: str, path: Path | str | None = None) -> bool:
        """Preview and apply prices from an external catalog file (added to your edits)."""
        if path is None:
            chosen = prompts.file_to_open(self.widget, f"Import a {IMPORT_FORMATS[fmt]} catalog",
                                          str(Path.home()), "JSON (*.json);;All files (*)")
            if not chosen:
                return False
            path = chosen
        from planner.ui.import_dialog import run_import_file

        return run_import_file(self.widget, self.host.session, fmt, Path(path))

    def import_scores(self, path: Path | str | None = None) -> bool:
        """Quality scores from a CSV (planner.io.scores): the preview, then Apply as one
        undoable step; bad rows are listed and left out. True if the catalog changed."""
        from datetime import date

        from planner.domain.errors import InputError
        from planner.io.scores import apply_scores, preview_lines, preview_scores, read_scores

        if path is None:
            chosen = prompts.file_to_open(self.widget, "Import quality scores", str(Path.home()),
                                          "CSV (*.csv *.txt);;All files (*)")
            if not chosen:
                return False
            path = chosen
        session, today = self.host.session, date.today()
        try:
            read = read_scores(Path(path), session.catalog, today=today)
        except InputError as e:
            prompts.tell(self.widget, str(e))
            return False
        changes = preview_scores(session.catalog, read.rows)
        todo = [c for c in changes if c.action != "skipped"]
        text = "\n".join([*read.errors, *preview_lines(changes, session.catalog)])
        if not todo:
            prompts.tell(self.widget, f"{Path(path).name}: nothing to import.\n\n{text}")
            return False
        answer = prompts.ask(self.widget, f"Import the scores of {Path(path).name}?\n\n{text}",
                             prompts.Button.Yes | prompts.Button.Cancel, prompts.Button.Yes)
        if answer != prompts.Button.Yes:
            return False
        new = apply_scores(session.overlay, session.catalog, todo, today=today)
        ids = sorted({c.row.model.id for c in todo})
        session.apply_entries(f"Import scores from {Path(path).name}", {i: new.entry(i) for i in ids})
        return True

    def update_catalog(self, source: str) -> None:
        """Download today's prices (HTTPS, off the UI thread, cancellable), then preview."""
        from planner.ui.update_flow import run_update

        run_update(self.widget, self.host.session, source)

"""Update prices from the web: a progress dialog while UpdateWorker downloads, then the
import preview. Nothing waits in a nested event loop: each step starts on a signal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from planner.io.importers import ImportResult
from planner.io.update import SOURCES, UpdateSource
from planner.ui.import_dialog import import_job, preview_and_apply
from planner.ui.import_text import megabytes, plain_tip
from planner.ui.update_worker import UpdateWorker

if TYPE_CHECKING:
    from planner.ui.session import Session

#: Updates under way, kept alive until they finish (the caller need not keep a reference).
_RUNNING: set[UpdateFlow] = set()


class UpdateFlow(QObject):
    """One web update: download with progress and Cancel, then preview and apply.
    `done(outcome)` follows once: "applied", "nothing", "cancelled" or "failed"."""

    done = Signal(str)

    def __init__(self, parent: QWidget | None, session: Session, source: UpdateSource, fetch_options: dict[str, Any]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._session = session
        self.source = source
        self.outcome = ""
        self.worker = UpdateWorker(source, **fetch_options)
        self.progress = self._progress_dialog()
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.progress.canceled.connect(self._on_cancel)
        self.progress.rejected.connect(self._on_cancel)

    def start(self) -> None:
        _RUNNING.add(self)
        self.worker.start()
        self.progress.show()

    def is_done(self) -> bool:
        return bool(self.outcome)

    # -- steps --------------------------------------------------------------------------------

    def _progress_dialog(self) -> QProgressDialog:
        progress = QProgressDialog(self._parent)
        progress.setWindowTitle("Update prices")
        progress.setLabelText(f"Downloading {self.source.title} prices…\n{self.source.url}")
        progress.setCancelButtonText("Cancel")
        progress.setRange(0, 0)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumWidth(460)
        return progress

    def _on_progress(self, received: int, total: int) -> None:
        if self.worker.is_cancelled():
            return
        title, url = self.source.title, self.source.url
        if total <= 0:
            self.progress.setLabelText(f"Downloading {title} prices… {megabytes(received)}\n{url}")
            return
        if self.progress.maximum() != total:
            self.progress.setRange(0, total)
        self.progress.setValue(min(received, total))
        if received >= total:
            self.progress.setLabelText(f"Reading {title} prices…\n{url}")
        else:
            self.progress.setLabelText(f"Downloading {title} prices… {megabytes(received)} of {megabytes(total)}\n{url}")

    def _on_cancel(self) -> None:
        self.worker.cancel()
        self.progress.setLabelText("Cancelling…")

    def _on_cancelled(self) -> None:
        self._close_progress()
        self._session.message.emit("Price update cancelled; your catalog was not changed.")
        self._finish("cancelled")

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        QMessageBox.warning(
            self._parent,
            "Update prices",
            plain_tip(f"Could not update prices from {self.source.title}.\n\n{message}\n\nYour catalog was not changed."),
        )
        self._finish("failed")

    def _on_finished(self, result: ImportResult) -> None:
        self._close_progress()
        preview = import_job(self._session).prepare_result(result, self.worker.job.provenance, self.source.title)
        n = preview_and_apply(self._parent, self._session, preview)
        self._finish("applied" if n else "nothing")

    def _close_progress(self) -> None:
        self.progress.hide()
        self.progress.deleteLater()

    def _finish(self, outcome: str) -> None:
        self.outcome = outcome
        _RUNNING.discard(self)
        self.done.emit(outcome)


def run_update(
    parent: QWidget | None,
    session: Session,
    source_name: str,
    *,
    source: UpdateSource | None = None,
    fetch_options: dict[str, Any] | None = None,
) -> UpdateFlow:
    """Start downloading a public price list with a cancellable progress dialog; then
    preview it and apply what the user ticks. Any failure is shown and leaves the catalog
    as it was. Returns at once; the flow's `done` signal tells the end.

    `source` replaces SOURCES[source_name] and `fetch_options` are passed to `fetch`
    (tests point them at a local server).
    """
    if source is None:
        try:
            source = SOURCES[source_name]
        except KeyError:
            raise KeyError(f"unknown update source '{source_name}' (known: {', '.join(SOURCES)})") from None
    flow = UpdateFlow(parent, session, source, dict(fetch_options or {}))
    flow.start()
    return flow

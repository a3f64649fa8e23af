"""Runs a web price update (planner.io.update.UpdateJob) on a QThread and reports back with
Qt signals."""

from __future__ import annotations

import atexit
import threading
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from planner.io.importers import ImportResult
from planner.io.update import Cancelled, UpdateError, UpdateJob, UpdateSource

#: Workers whose thread is still running, kept alive here so a QThread is never destroyed
#: while it runs (whatever the caller does with its own reference).
_ACTIVE: set[UpdateWorker] = set()


class _FetchThread(QThread):
    """The thread itself: runs the job's download once and keeps the outcome for the worker."""

    progressed = Signal(int, int)

    def __init__(self, job: UpdateJob, cancel: threading.Event) -> None:
        super().__init__()
        self.setObjectName(f"update-{job.source.name}")
        self._job = job
        self._source = job.source
        self._cancel = cancel
        self.outcome: tuple[str, Any] = ("failed", f"{job.source.url}: the download did not run")

    def run(self) -> None:
        try:
            result = self._job.download(self._cancel, self._progress)
        except Cancelled:
            self.outcome = ("cancelled", None)
        except UpdateError as e:
            self.outcome = ("failed", str(e))
        except Exception as e:  # a bug must still reach the user as a message, not kill the thread
            self.outcome = (
                "failed",
                f"{self._source.url}: unexpected error ({type(e).__name__}: {e})",
            )
        else:
            self.outcome = ("finished", result)

    def _progress(self, received: int, total: int | None) -> None:
        self.progressed.emit(received, -1 if total is None else total)


class UpdateWorker(QObject):
    """Downloads and parses one price list off the UI thread.

    Call `start()` once. Exactly one of `finished(ImportResult)`, `failed(str)` or
    `cancelled()` follows, always after the thread has stopped, so a slot may drop the
    worker at once. `progress(received, total)` reports bytes (total -1 when unknown).
    `cancel()` stops the download promptly; a cancelled worker never emits `finished`.
    """

    progress = Signal(int, int)
    finished = Signal(object)  # ImportResult
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        source: UpdateSource,
        *,
        today: date | None = None,
        parent: QObject | None = None,
        **fetch_kwargs: Any,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.job = UpdateJob(source, today or date.today(), fetch_kwargs)
        self._cancel = threading.Event()
        self._thread: _FetchThread | None = None
        self._done = False

    # -- control ------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("an UpdateWorker runs once; make a new one")
        self._thread = _FetchThread(self.job, self._cancel)
        self._thread.progressed.connect(self.progress)
        self._thread.finished.connect(self._on_thread_finished)
        _ACTIVE.add(self)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the download to stop; `cancelled()` follows once the thread has ended."""
        self._cancel.set()

    def is_running(self) -> bool:
        return self._thread is not None and not self._done

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the thread has ended (True) or `msecs` passed (False). The result
        signal is still delivered through the event loop afterwards."""
        if self._thread is None:
            return True
        return self._thread.wait(msecs)

    # -- internals ----------------------------------------------------------------------

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self._thread
        if thread is None or self._done:
            return
        thread.wait()  # QThread.finished is emitted just before the thread really exits
        self._done = True
        _ACTIVE.discard(self)
        kind, payload = thread.outcome
        if kind == "finished" and self._cancel.is_set():
            kind = "cancelled"  # the user pressed Cancel while the file was being read
        if kind == "finished":
            assert isinstance(payload, ImportResult)
            self.finished.emit(payload)
        elif kind == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(str(payload))


def cancel_all_updates(wait_msecs: int = 5_000) -> bool:
    """Cancel every running update and wait for its thread (for the main window's close).
    Returns False if some thread did not end in time."""
    workers = list(_ACTIVE)
    for w in workers:
        w.cancel()
    return all(w.wait(wait_msecs) for w in workers)


# A download still running when the interpreter exits is stopped and waited for, so its
# QThread is never destroyed while running.
atexit.register(cancel_all_updates, 3_000)

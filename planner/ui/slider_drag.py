"""A drag of the input:output slider with the costing off the UI thread: each step updates the
slider and its label at once and asks for the plan to be costed at the new share; one worker
costs the newest share asked for (steps that arrive meanwhile are folded into it), and its
result is applied as the drag's edit (one undo step for the whole drag, as before). Release
waits for the last share and applies it, so the plan ends exactly where the slider stops."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from planner.domain.plan import Line
from planner.domain.token_mix import rebalance
from planner.ui.plan_document import CostedLines, LinesJob, PlanDocument

#: how long the worker waits for the window to paint a result before it goes on regardless
PAINT_WAIT_MS = 50
#: one worker for every drag of the process (a drag costs one share at a time)
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slider-costing")


class SliderDrag(QObject):
    """Costs the steps of one drag on a worker thread and applies each result on the UI
    thread; `apply_sync` is what a step costs when it cannot be done off the thread."""

    _done = Signal(object)

    def __init__(self, doc: PlanDocument, base: dict[int, Line], label: str, merge_id: int,
                 apply_sync: Callable[[Decimal], None], parent=None) -> None:
        super().__init__(parent)
        self.doc, self.base, self.label, self.merge_id = doc, base, label, merge_id
        self.apply_sync = apply_sync
        self._want: Decimal | None = None
        self._running: tuple[Decimal, LinesJob, Future] | None = None
        self._applied: Decimal | None = None
        #: a result was shown and the window has not painted it yet: the worker waits
        self._painting = False
        self._window = None
        self._done.connect(self._finished)
        self._resume_timer = QTimer(self, singleShot=True, interval=PAINT_WAIT_MS)
        self._resume_timer.timeout.connect(self._resume)

    def move(self, share: Decimal) -> None:
        """A step of the drag: cost `share` now if the worker is free, else once it is."""
        self._want = share
        if self._running is None and not self._painting:
            # (the first step too waits for the window to paint the slider where it moved)
            self._await_paint()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.UpdateRequest and self._painting:
            # the window paints now (this event): the worker goes on once it has
            QTimer.singleShot(0, self._resume)
        return False

    def _await_paint(self) -> None:
        """Hold the next share until the window has painted the one just shown: painting
        calls into Python for every cell in view, and would wait for the interpreter at each
        call while the worker costs (or, with nothing to paint, a frame's time at most)."""
        if self._window is None:
            parent = self.parent()
            handle = parent.window().windowHandle() if isinstance(parent, QWidget) else None
            if handle is not None:
                self._window = handle
                handle.installEventFilter(self)
        self._painting = True
        self._resume_timer.start()

    def _resume(self) -> None:
        if self._painting:
            self._painting = False
            self._resume_timer.stop()
            self._start()

    def _start(self) -> None:
        share, self._want = self._want, None
        if share is None or share == self._applied:
            return
        job = self.doc.costing_snapshot()
        if job is None:  # (a scenario shown: costed here, as any edit)
            self.apply_sync(share)
            self._applied = share
            return
        base = dict(self.base)
        future = _WORKER.submit(lambda: job.cost(dict(zip(base, rebalance(list(base.values()), share), strict=True))))
        self._running = (share, job, future)
        future.add_done_callback(self._announce)

    def _announce(self, future: Future) -> None:
        """(On the worker's thread) the result is queued to the window's thread; a drag whose
        tab has gone meanwhile (another plan opened) lets it drop."""
        try:
            self._done.emit(future)
        except RuntimeError:  # "Signal source has been deleted"
            pass

    def _finished(self, future: Future) -> None:
        if self._running is None or self._running[2] is not future:
            return  # (already applied by release)
        running = self._running
        self._running = None
        # (the next share is costed once this one is shown and painted: costing it meanwhile
        # would share the interpreter with the showing, and slow both)
        self._apply(*running)
        self._await_paint()

    def _apply(self, share: Decimal, job: LinesJob, future: Future) -> None:
        costed: CostedLines = future.result()
        if self.doc.apply_costed_lines(job, costed, self.label, self.merge_id):
            self._applied = share
        else:  # the document changed meanwhile: cost this share again, here
            self.apply_sync(share)
            self._applied = share

    def settle(self) -> None:
        """Wait for the worker until the newest share asked for is applied."""
        self._painting = False
        self._resume_timer.stop()
        if self._running is None:
            self._start()
        while self._running is not None:
            running = self._running
            running[2].result()
            self._running = None
            self._apply(*running)
            self._start()

    def finish(self, share: Decimal) -> None:
        """The drag ends at `share`: wait for the worker, then make sure the plan is there."""
        self.settle()
        if share != self._applied:
            self.apply_sync(share)
            self._applied = share
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None

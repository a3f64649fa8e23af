"""File > New, Open, Open Recent, Save, Save As, scenarios, the prompt before unsaved work
is lost, autosave and recovery after a crash: the window's plan files.

The decisions and the texts are planner.ui.file_lifecycle's; this asks the user (file
dialogs, prompts) and hands the plan to the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu, QWidget

from planner import paths
from planner.domain.errors import InputError
from planner.domain.plan import Plan
from planner.domain.resolve import resolve_plan_models
from planner.io import plan_files
from planner.ui import file_lifecycle as life
from planner.ui import prompts
from planner.ui.app_settings import recent_files
from planner.ui.plan_document import PlanDocument

if TYPE_CHECKING:
    from planner.ui.session import Session

Button = prompts.Button


class Host(Protocol):
    """What the controller needs of the main window."""

    doc: PlanDocument | None
    session: Session | None

    def set_document(self, doc: PlanDocument) -> None: ...

    def show_plan(self) -> None: ...

    def show_status(self, message: str, ms: int = 8000) -> None: ...


class FileController(QObject):
    def __init__(self, host: Host, parent: QWidget, schedule: life.AutosaveSchedule | None = None) -> None:
        super().__init__(parent)
        self.host, self.widget = host, parent
        self.recent = recent_files()
        self.schedule = schedule or life.AutosaveSchedule()
        #: fires when the autosave is due (anything with start(ms), stop(), isActive())
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.autosave)

    @property
    def doc(self) -> PlanDocument | None:
        return self.host.doc

    @property
    def catalog(self):
        return self.host.session.catalog

    def new_document(self, plan: Plan | None = None, path: Path | None = None) -> PlanDocument:
        return PlanDocument(lambda: self.host.session.catalog, plan, path=path, parent=self.widget)

    # -- the document's lifecycle ------------------------------------------------------------

    def attach(self, old: PlanDocument | None, doc: PlanDocument) -> None:
        """`doc` replaces `old` in the window: the old one's autosave goes, the new one's
        changes are autosaved."""
        if old is not None:
            old.undo_stack.indexChanged.disconnect(self._changed)
            plan_files.remove_autosave(old.autosave_token)
        self.timer.stop()
        self.schedule.done()
        doc.undo_stack.indexChanged.connect(self._changed)
        if doc.is_modified:
            self._changed()

    def _changed(self, *_args) -> None:
        doc = self.doc
        if doc is None:
            return
        if doc.is_modified:
            left = self.schedule.changed()
            if not self.timer.isActive():
                self.timer.start(int(left * 1000))
        else:  # undone back to the saved plan: nothing to recover
            self.timer.stop()
            self.schedule.done()
            plan_files.remove_autosave(doc.autosave_token)

    def autosave(self) -> None:
        """Write the unsaved plan where a crash can recover it."""
        self.timer.stop()
        self.schedule.done()
        doc = self.doc
        if doc is None or not doc.is_modified:
            return
        try:
            plan_files.write_autosave(doc.autosave_token, doc.stored_plan, doc.path)
        except OSError as e:
            self.host.show_status(life.autosave_failed(plan_files.autosave_path(doc.autosave_token), e))

    def close(self) -> None:
        """The window closes with the user's consent: no autosave is left to offer back."""
        self.timer.stop()
        if self.doc is not None:
            plan_files.remove_autosave(self.doc.autosave_token)

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosaved plan back. True if one was recovered."""
        found = plan_files.find_recoverable()
        if not found:
            return False
        a = found[0]
        answer = prompts.ask(self.widget, life.recovery_prompt(a), Button.Yes | Button.Discard | Button.Cancel, Button.Yes)
        if answer == Button.Discard:
            for other in found:
                plan_files.discard_autosave(other)
        if answer != Button.Yes:
            return False  # Cancel keeps the file: asked again next time
        try:
            plan = plan_files.open_plan(a.path)
        except InputError as e:
            prompts.tell(self.widget, life.unreadable_autosave(a, e))
            return False
        doc = self.new_document(plan, a.original)
        doc.mark_recovered()
        self.host.set_document(doc)
        plan_files.discard_autosave(a)
        self.autosave()
        self.host.show_plan()
        self.host.show_status(life.recovered(a), 10000)
        return True

    # -- new, open ---------------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """Before unsaved plan changes would be lost: Save, Discard or Cancel. True to go ahead."""
        doc = self.doc
        if doc is None or not doc.is_modified:
            return True
        answer = prompts.ask(self.widget, life.discard_prompt(doc.display_name, doc.path),
                             Button.Save | Button.Discard | Button.Cancel, Button.Save)
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

    def new_plan(self) -> bool:
        if not self.confirm_discard():
            return False
        self.host.set_document(self.new_document())
        self.host.show_plan()
        return True

    def new_from_scenario(self, key: str) -> bool:
        if not self.confirm_discard():
            return False
        path = paths.examples_dir() / f"{key}.costplan"
        try:
            plan = plan_files.open_plan(path)
        except InputError as e:
            prompts.tell(self.widget, life.open_failed(path, e))
            return False
        self.host.set_document(self.new_document(plan))
        self.host.show_plan()
        self.host.show_status(f"New plan from the '{plan.name}' scenario ({path.name})")
        return True

    def open_plan(self, path: Path | str | None = None) -> bool:
        """Open a plan file; if the catalog's prices moved since it was saved, say what
        changed and offer to re-price or keep the pinned prices. Lines on models the
        catalog lacks are opened, marked, and cost nothing until a model is picked."""
        if path is None:
            start = str(self.doc.path.parent) if self.doc is not None and self.doc.path else str(Path.home())
            chosen = prompts.file_to_open(self.widget, "Open plan", start, life.PLAN_FILTER)
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if not self.confirm_discard():
            return False
        try:
            plan = plan_files.open_plan(path)
        except InputError as e:
            prompts.tell(self.widget, life.open_failed(path, e))
            self.recent.forget(path)
            return False
        plan, names = resolve_plan_models(plan, self.catalog.models)  # 'GPT-5 mini' -> its id
        doc = self.new_document(plan, path)
        self.host.set_document(doc)
        self.recent.remember(path)
        self.host.show_plan()
        broken = len(doc.broken_lines)
        self.host.show_status(f"Opened {path}" + (f": {broken} line(s) need a model" if broken else "")
                              + (f" ({'; '.join(names)})" if names else ""))
        if plan_files.price_changes(plan, self.catalog):
            self.review_price_changes(asking=True)
        return True

    def review_price_changes(self, asking: bool = True) -> str | None:
        """Show what changed since the plan pinned its prices; re-price if the user says so."""
        doc = self.doc
        if doc is None:
            return None
        changes = plan_files.price_changes(doc.plan, self.catalog)
        if not changes:
            prompts.tell(self.widget, f"The catalog's prices match the pinned prices of {doc.display_name}.", prompts.Icon.Information)
            return None
        try:
            from planner.domain.costing import compute

            current = compute(plan_files.repriced(doc.plan, self.catalog), self.catalog)
        except InputError:
            current = None
        from planner.ui.price_changes_dialog import PriceChangesDialog

        dlg = PriceChangesDialog(doc.plan, changes, doc.result, current, self.widget, asking=asking)
        dlg.exec()
        if dlg.choice == "reprice":
            doc.reprice(self.catalog)
            self.host.show_status(f"Re-priced {doc.display_name} with today's catalog (Ctrl+Z to undo)")
        return dlg.choice

    # -- save --------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.doc is None:
            return False
        if life.save_needs_a_name(self.doc.path):
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        doc = self.doc
        if doc is None:
            return False
        start = life.save_as_start(doc.path, doc.plan.name)
        chosen = prompts.file_to_save(self.widget, "Save plan as", str(start), life.PLAN_FILTER)
        if not chosen:
            return False
        return self._save_to(life.with_plan_suffix(Path(chosen)))

    def _save_to(self, path: Path) -> bool:
        doc = self.doc
        assert doc is not None
        if doc.stored_plan.name == Plan().name and path.stem:  # an unnamed plan takes its file's name
            doc.stored_plan.name = path.stem
        try:
            saved = plan_files.save_plan(doc.stored_plan, self.catalog, path)
        except OSError as e:
            prompts.tell(self.widget, life.save_failed(path, e))
            return False
        doc.mark_saved(saved, path)
        self.timer.stop()
        self.schedule.done()
        plan_files.remove_autosave(doc.autosave_token)
        self.recent.remember(path)
        self.host.show_status(f"Saved {path}", 6000)
        return True

    # -- recent files and drops --------------------------------------------------------------

    def fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        files = self.recent.items()
        for i, p in enumerate(files, 1):
            a = menu.addAction(f"&{i % 10} {Path(p).name}")
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_plan(p))
        if not files:
            menu.addAction("No recent plans").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear list", self.recent.clear)

    @staticmethod
    def dropped_plans(urls) -> list[Path]:
        """The plan files among dropped URLs."""
        return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and life.is_plan_file(Path(u.toLocalFile()))]

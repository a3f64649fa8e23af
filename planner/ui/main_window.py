"""The main window: tabs, menus, status bar, and window state kept between runs.

It is built in two steps: the window itself (tabs, menus, the Models tab's controls), then
`complete(session)` with the catalog, the plan and the Workload tab. `MainWindow(session)`
does both at once; at start-up the first step is painted from planner.ui.first_paint while
the second loads, so this module's own imports are Qt and light modules only."""

from __future__ import annotations

import json
import linecache
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner import __version__, paths
from planner.domain.errors import InputError
from planner.io import import_formats
from planner.io.file_names import safe_file_name
from planner.ui.models_tab import ModelsTab

if TYPE_CHECKING:
    from planner.ui.plan_document import PlanDocument
    from planner.ui.session import Session
    from planner.ui.workload_tab import WorkloadTab

APP_TITLE = "Cost Planner"
STALE_AFTER_DAYS = 90
TAB_MODELS, TAB_WORKLOAD, TAB_CHARTS = range(3)
TAB_KEYS = {"models": TAB_MODELS, "workload": TAB_WORKLOAD, "charts": TAB_CHARTS}
MAX_RECENT = 10
AUTOSAVE_DELAY_MS = 20_000
PLAN_FILTER = "Cost plans (*.costplan);;JSON (*.json);;All files (*)"
IMPORT_FORMATS = {key: f.title for key, f in import_formats.IMPORT_FORMATS.items()}
#: View > Number format: the locales offered besides the system's ('' in the settings).
NUMBER_FORMATS = ("en_US", "en_GB", "en_IN", "de_DE", "fr_FR", "es_ES", "ja_JP")
NUMBER_FORMAT_KEY = "view/number_format"


def settings() -> QSettings:
    path = paths.user_config_dir() / "settings.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


class Placeholder(QWidget):
    def __init__(self, text: str, parent=None) -> None:
        super().__init__(parent)
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #666; font-size: 13pt;")
        lay = QVBoxLayout(self)
        lay.addWidget(label)


def drop_source_lines() -> None:
    """Forget the source lines read while modules were imported. PySide reads the source of
    every module imported after it (to see whether the module uses its `__feature__`
    switches), and the lines stay in linecache: about 10 MB once numpy, pydantic and
    pyqtgraph are in. A traceback reads what it needs again."""
    linecache.clearcache()


class MainTabs(QTabWidget):
    """The main window's tabs, without a repaint of the whole window on every relayout inside
    a page. QTabWidget answers each layout request (which a label with a new figure sends up
    through every layout above it: on the Workload tab, at each input:output slider step) by
    placing its tab bar and page again and then repainting itself, page and all. When the tab
    bar's size and place are as they were, a request changes neither, so it only passes the
    page's new size hint on; the widgets that did change repaint themselves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bar: tuple | None = None  # the tab bar's size hint and geometry after the last layout

    def _bar_state(self) -> tuple:
        bar = self.tabBar()
        return bar.sizeHint(), bar.geometry(), self.size()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.LayoutRequest and self.isVisible() and self._bar == self._bar_state():
            self.updateGeometry()
            return True
        handled = super().event(e)
        if e.type() == QEvent.Type.LayoutRequest:
            self._bar = self._bar_state()
        return handled

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._bar = None


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, today: date | None = None, doc: PlanDocument | None = None,
                 *, first_paint: dict[str, Any] | None = None) -> None:
        """A complete window for `session` (a new one on the user's catalog if None). With
        `first_paint` (from planner.ui.first_paint) and no session: the window only, showing
        that look, until `complete(session)`."""
        super().__init__()
        self.session: Session | None = None
        self.today = today or date.today()
        self.setObjectName("MainWindow")
        self.undo_group = QUndoGroup(self)
        #: The app's own window keeps the first paint file up to date (tests' and screenshots' don't).
        self.keeps_first_paint = False
        self.first_paint_data: dict[str, Any] | None = None  # the first paint file as read or last written
        self._window_restored = False

        self.tabs = MainTabs()
        self.tabs.setDocumentMode(True)
        self.models_tab = ModelsTab(first_paint=None if first_paint is None else first_paint["models"])
        self.tabs.addTab(self.models_tab, "Models")
        self.workload_tab: WorkloadTab | None = None
        self.doc: PlanDocument | None = None
        self.tabs.addTab(Placeholder(""), "Workload")
        self.charts_tab = None  # built the first time it is shown: pyqtgraph loads then
        self.tabs.addTab(Placeholder("Loading charts…"), "Charts")
        self.setCentralWidget(self.tabs)

        self._build_menus()
        self._build_status_bar()
        self.setAcceptDrops(True)
        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self.resize(1400, 900)
        if first_paint is not None and session is None:
            cat = first_paint["catalog"]
            self._show_catalog_status(int(cat["count"]), date.fromisoformat(cat["as_of"]), list(cat["warnings"]))
            self._update_title()
            self._restore_window()
        else:
            self.complete(session or Session(parent=self), doc)

    @property
    def is_complete(self) -> bool:
        return self.session is not None

    def complete(self, session: Session, doc: PlanDocument | None = None) -> None:
        """Attach the catalog and a plan: after this the window is fully working."""
        from planner.domain.presets import SCENARIOS
        from planner.ui.plan_document import PlanDocument

        assert self.session is None, "complete() runs once"
        self.session = session
        self.apply_number_format()
        self.undo_group.addStack(session.undo_stack)
        self.models_tab.attach(session)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.set_document(doc or PlanDocument(lambda: session.catalog, parent=self))
        for sc in SCENARIOS:
            a = self.scenario_menu.addAction(sc.label)
            a.setStatusTip(sc.description)
            a.triggered.connect(lambda _c=False, key=sc.key: self.new_from_scenario(key))
        self.models_tab.statusMessage.connect(self._show_message)
        # Bound methods, not lambdas: Qt drops them when this window goes, the session may outlive it.
        session.message.connect(self._show_message)
        session.overlaySaveFailed.connect(self._overlay_save_failed)
        session.catalogChanged.connect(self._update_catalog_status)
        self._update_catalog_status()
        for w in session.warnings:
            self.statusBar().showMessage(w, 15000)
        self._restore_state()

    # -- menus -------------------------------------------------------------------------------

    def _action(self, text: str, shortcut=None, slot=None, enabled: bool = True, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if slot is not None:
            a.triggered.connect(slot)
        a.setEnabled(enabled)
        if tip:
            a.setStatusTip(tip)
        return a

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.act_new = self._action("&New plan", QKeySequence.StandardKey.New, self.new_plan)
        self.act_open = self._action("&Open…", QKeySequence.StandardKey.Open, lambda: self.open_plan())
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.act_save = self._action("&Save", QKeySequence.StandardKey.Save, self.save)
        self.act_save_as = self._action("Save &As…", QKeySequence.StandardKey.SaveAs, self.save_as)
        self.act_changes = self._action("Prices changed since saved…", slot=lambda: self.review_price_changes(asking=True),
                                        tip="Compare the plan's pinned prices with today's catalog")
        self.import_menu = QMenu("&Import catalog", self)
        for key, label in IMPORT_FORMATS.items():
            self.import_menu.addAction(f"{label} file…", lambda k=key: self.import_catalog(k))
        self.import_menu.addSeparator()
        for key, label in IMPORT_FORMATS.items():
            self.import_menu.addAction(f"Update from {label} (web)…", lambda k=key: self.update_catalog(k))
        self.export_menu = QMenu("&Export", self)
        self.export_menu.addAction("PDF budget…", self.export_pdf).setShortcut(QKeySequence("Ctrl+E"))
        self.export_menu.addAction("CSV…", lambda: self.export_file("csv"))
        self.export_menu.addAction("Excel workbook (XLSX)…", lambda: self.export_file("xlsx"))
        self.act_quit = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        f.insertAction(self.recent_menu.menuAction(), self.act_new)
        self.scenario_menu = f.addMenu("New plan from &scenario")  # filled by complete()
        f.insertMenu(self.recent_menu.menuAction(), self.scenario_menu)
        f.insertAction(self.recent_menu.menuAction(), self.act_open)
        f.addSeparator()
        for a in (self.act_save, self.act_save_as, self.act_changes):
            f.addAction(a)
        f.addSeparator()
        f.addMenu(self.import_menu)
        f.addMenu(self.export_menu)
        f.addSeparator()
        f.addAction(self.act_quit)

        e = mb.addMenu("&Edit")
        self.act_undo = self.undo_group.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_group.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")])
        e.addAction(self.act_undo)
        e.addAction(self.act_redo)
        e.addSeparator()
        self.act_find = self._action("&Find model…", QKeySequence.StandardKey.Find, self._find)
        e.addAction(self.act_find)
        self.act_add_model = self._action("&Add model…", "Ctrl+Shift+N", self.models_tab.add_model)
        e.addAction(self.act_add_model)

        v = mb.addMenu("&View")
        for key, idx in TAB_KEYS.items():
            a = self._action(key.capitalize(), f"Ctrl+{idx + 1}", lambda _c=False, i=idx: self.show_tab(i))
            v.addAction(a)
        v.addSeparator()
        self.act_compare = self._action("&Compare selected models", "Ctrl+K", self.models_tab.compare_selected)
        v.addAction(self.act_compare)
        self.act_best_value = self._action("Sort by best &value", "Ctrl+B", self.models_tab.best_value.click)
        v.addAction(self.act_best_value)
        v.addSeparator()
        self.number_menu = v.addMenu("&Number format")  # filled when shown: Babel loads then
        self.number_menu.aboutToShow.connect(self._fill_number_formats)

        h = mb.addMenu("&Help")
        h.addAction(self._action("&How costs are computed", QKeySequence.StandardKey.HelpContents, self.show_formulas))
        h.addAction(self._action("&About Cost Planner", slot=self.show_about))

    def _fill_number_formats(self) -> None:
        from planner.formatting import locale_name, system_locale

        self.number_menu.clear()
        group = QActionGroup(self.number_menu)
        current = self.number_format()
        choices = [("", f"System ({system_locale()})")] + [(n, locale_name(n)) for n in NUMBER_FORMATS]
        for name, label in choices:
            a = self.number_menu.addAction(label)
            a.triggered.connect(lambda _c=False, n=name: self.set_number_format(n))
            a.setCheckable(True)
            a.setChecked(name == current)
            group.addAction(a)

    @staticmethod
    def number_format() -> str:
        """The locale money is shown in, as set in View > Number format ('' for the system's)."""
        name = settings().value(NUMBER_FORMAT_KEY)
        return name if isinstance(name, str) else ""

    def set_number_format(self, name: str) -> None:
        """Show money in locale `name` ('' for the system's) from now on, and the figures again."""
        from planner.formatting import set_display_locale

        try:
            set_display_locale(name or None)
        except ValueError as e:
            self._show_message(str(e))
            return
        settings().setValue(NUMBER_FORMAT_KEY, name)
        if self.doc is not None:
            self.doc.resultChanged.emit()  # every figure of the plan is shown again
        if self.charts_tab is not None:
            self.charts_tab.redraw()

    @classmethod
    def apply_number_format(cls) -> None:
        """The saved number format, in use before any figure is shown (the system's if it
        was never set, or names a locale this Babel lacks)."""
        from planner.formatting import set_display_locale

        name = cls.number_format()
        if not name:
            return  # the default already
        try:
            set_display_locale(name)
        except ValueError:
            set_display_locale(None)

    # -- the plan ----------------------------------------------------------------------------

    def set_document(self, doc: PlanDocument) -> None:
        """Show `doc` in the Workload tab (the old document's tab is replaced)."""
        from planner.io.plan_files import remove_autosave
        from planner.ui.workload_tab import WorkloadTab

        if self.doc is not None:
            self.undo_group.removeStack(self.doc.undo_stack)
            self.session.catalogChanged.disconnect(self._catalog_changed_for_plan)
            remove_autosave(self.doc.autosave_token)
            old_doc = self.doc
        else:
            old_doc = None
        self.doc = doc
        self.undo_group.addStack(doc.undo_stack)
        self.session.catalogChanged.connect(self._catalog_changed_for_plan)
        tab = WorkloadTab(doc)
        tab.statusMessage.connect(self._show_message)
        tab.workloadRatioChanged.connect(self.models_tab.set_workload_ratio)
        current = self.tabs.currentIndex()
        old = self.tabs.widget(TAB_WORKLOAD)
        self.tabs.removeTab(TAB_WORKLOAD)
        self.tabs.insertTab(TAB_WORKLOAD, tab, "Workload")
        if old is not None:
            old.deleteLater()
        if old_doc is not None and old_doc.parent() is self:
            old_doc.deleteLater()
        self.workload_tab = tab
        self.tabs.setCurrentIndex(current)
        if self.charts_tab is not None:
            self.ensure_charts()
        doc.undo_stack.cleanChanged.connect(self._update_title)
        doc.undo_stack.indexChanged.connect(self._schedule_autosave)
        self._tab_changed(self.tabs.currentIndex())
        self._update_title()
        tab._result_changed()

    def _catalog_changed_for_plan(self, _ids: list) -> None:
        if self.doc is not None:
            self.doc.recompute()

    def ensure_charts(self):
        """The Charts tab, created on first use (pyqtgraph is imported here, not at start-up)."""
        if self.charts_tab is None or self.charts_tab.doc is not self.doc:
            from planner.ui.charts.charts_tab import ChartsTab

            tab = ChartsTab(self.doc, lambda: self.models_tab.model.ranking)
            tab.modelClicked.connect(self._chart_model_clicked)
            tab.message.connect(self._show_message)
            current = self.tabs.currentIndex()
            old = self.tabs.widget(TAB_CHARTS)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(TAB_CHARTS)
            self.tabs.insertTab(TAB_CHARTS, tab, "Charts")
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            old.deleteLater()
            self.charts_tab = tab
            self.models_tab.model.layoutChanged.connect(tab.refresh)
            self.models_tab.model.headerDataChanged.connect(tab.refresh)
            drop_source_lines()  # pyqtgraph's
        return self.charts_tab

    def _chart_model_clicked(self, model_id: str) -> None:
        self.show_tab(TAB_MODELS)
        if not self.models_tab.select_model(model_id):
            self.statusBar().showMessage(f"{model_id} is filtered out of the Models table", 6000)

    def _tab_changed(self, index: int) -> None:
        """Undo follows the tab: catalog edits on Models, plan edits elsewhere."""
        if index == TAB_CHARTS:
            self.ensure_charts().refresh()
        if index == TAB_MODELS or self.doc is None:
            self.undo_group.setActiveStack(self.session.undo_stack)
        else:
            self.undo_group.setActiveStack(self.doc.undo_stack)

    def _show_message(self, msg: str) -> None:
        self.statusBar().showMessage(msg, 8000)

    def _overlay_save_failed(self, msg: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self, APP_TITLE, msg)

    def _update_title(self, *_args) -> None:
        name = self.doc.display_name if self.doc is not None else "Untitled plan"
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc is not None and not self.doc.undo_stack.isClean())

    def confirm_discard(self) -> bool:
        """Before unsaved plan changes would be lost: Save, Discard or Cancel. True to go ahead."""
        from PySide6.QtWidgets import QMessageBox

        if self.doc is None or not self.doc.is_modified:
            return True
        answer = QMessageBox.question(
            self, APP_TITLE, f"Save the changes to '{self.doc.display_name}' first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _new_doc(self, plan=None, path: Path | None = None) -> PlanDocument:
        from planner.ui.plan_document import PlanDocument

        return PlanDocument(lambda: self.session.catalog, plan, path=path, parent=self)

    def new_plan(self) -> bool:
        if not self.confirm_discard():
            return False
        self.set_document(self._new_doc())
        self.show_tab(TAB_WORKLOAD)
        return True

    def open_plan(self, path: Path | str | None = None) -> bool:
        """Open a plan file; if the catalog's prices moved since it was saved, say what
        changed and offer to re-price or keep the pinned prices."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from planner.io.plan_files import open_plan, price_changes

        if path is None:
            start = str(self.doc.path.parent) if self.doc is not None and self.doc.path else str(Path.home())
            chosen, _ = QFileDialog.getOpenFileName(self, "Open plan", start, PLAN_FILTER)
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if not self.confirm_discard():
            return False
        try:
            plan = open_plan(path)
        except InputError as e:
            QMessageBox.warning(self, APP_TITLE, f"This plan could not be opened:\n\n{e}\n\nThe file was not changed.")
            self._forget_recent(path)
            return False
        doc = self._new_doc(plan, path)
        if doc.error:
            QMessageBox.warning(self, APP_TITLE, f"{path}: {doc.error}")
            return False
        self.set_document(doc)
        self._remember_recent(path)
        self.show_tab(TAB_WORKLOAD)
        self.statusBar().showMessage(f"Opened {path}", 8000)
        if price_changes(plan, self.session.catalog):
            self.review_price_changes(asking=True)
        return True

    def review_price_changes(self, asking: bool = True) -> str | None:
        """Show what changed since the plan pinned its prices; re-price if the user says so."""
        from PySide6.QtWidgets import QMessageBox

        from planner.domain.costing import compute
        from planner.io.plan_files import price_changes, repriced
        from planner.ui.price_changes_dialog import PriceChangesDialog

        doc = self.doc
        if doc is None:
            return None
        changes = price_changes(doc.plan, self.session.catalog)
        if not changes:
            QMessageBox.information(self, APP_TITLE, "The catalog's prices match the plan's pinned prices.")
            return None
        try:
            current = compute(repriced(doc.plan, self.session.catalog), self.session.catalog)
        except InputError:
            current = None
        dlg = PriceChangesDialog(doc.plan, changes, doc.result, current, self, asking=asking)
        dlg.exec()
        if dlg.choice == "reprice":
            doc.reprice(self.session.catalog)
            self.statusBar().showMessage("Re-priced with today's catalog (Ctrl+Z to undo)", 8000)
        return dlg.choice

    def save(self) -> bool:
        from planner.io.plan_files import PLAN_SUFFIX

        if self.doc is None:
            return False
        path = self.doc.path
        shipped = path is not None and paths.data_dir().resolve() in path.resolve().parents
        if path is None or shipped or path.suffix.lower() not in (PLAN_SUFFIX, ".json"):
            return self.save_as()  # never write over a shipped example
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        from PySide6.QtWidgets import QFileDialog

        from planner.io.plan_files import PLAN_SUFFIX

        if self.doc is None:
            return False
        start = self.doc.path or Path.home() / safe_file_name(self.doc.plan.name, PLAN_SUFFIX)
        chosen, _ = QFileDialog.getSaveFileName(self, "Save plan as", str(start), PLAN_FILTER)
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() not in (PLAN_SUFFIX, ".json"):
            path = path.with_name(path.name + PLAN_SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        from PySide6.QtWidgets import QMessageBox

        from planner.io.plan_files import remove_autosave, save_plan

        doc = self.doc
        assert doc is not None
        try:
            saved = save_plan(doc.plan, self.session.catalog, path)
        except OSError as e:
            QMessageBox.warning(self, APP_TITLE, f"Could not save {path}: {e.strerror or e}.\n\nThe previous file, if any, is unchanged.")
            return False
        doc.mark_saved(saved, path)
        remove_autosave(doc.autosave_token)
        self._remember_recent(path)
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 6000)
        return True

    # -- exports -----------------------------------------------------------------------------

    def _export_target(self, title: str, suffix: str, filters: str) -> tuple[Path, str] | None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        doc = self.doc
        if doc is None or doc.result is None:
            QMessageBox.warning(self, APP_TITLE, doc.error if doc is not None and doc.error else "There is no plan to export.")
            return None
        base = (doc.path.with_suffix(suffix) if doc.path else Path.home() / safe_file_name(doc.plan.name, suffix))
        chosen, flt = QFileDialog.getSaveFileName(self, title, str(base), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        return path, flt

    def export_file(self, kind: str) -> bool:
        """CSV or XLSX of the plan: one row per line with every assumption, then totals."""
        from PySide6.QtWidgets import QMessageBox

        from planner.ui.export_actions import ExportRequest, export_plan

        label = {"csv": "CSV (*.csv)", "xlsx": "Excel workbook (*.xlsx)"}[kind]
        target = self._export_target(f"Export {kind.upper()}", f".{kind}", label)
        if target is None:
            return False
        path = target[0]
        try:
            export_plan(self.doc.plan, self.doc.result, self.session.catalog, ExportRequest(**{kind: path}))
        except OSError as e:
            QMessageBox.warning(self, APP_TITLE, f"Could not write {path}: {e.strerror or e}")
            return False
        self.statusBar().showMessage(f"Exported {path}", 8000)
        return True

    def export_pdf(self, path: Path | None = None, page_size: str | None = None) -> bool:
        """The multi-page PDF budget, with progress and Cancel."""
        from PySide6.QtCore import QLocale
        from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

        from planner.io.export_pdf import ExportCancelled
        from planner.ui.export_actions import ExportRequest, export_plan

        letter_first = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
        filters = ["PDF, Letter paper (*.pdf)", "PDF, A4 paper (*.pdf)"]
        if not letter_first:
            filters.reverse()
        if path is None:
            target = self._export_target("Export PDF budget", ".pdf", ";;".join(filters))
            if target is None:
                return False
            path, flt = target
            page_size = "Letter" if "Letter" in flt else "A4"
        page_size = page_size or ("Letter" if letter_first else "A4")
        dlg = QProgressDialog("Writing the PDF budget…", "Cancel", 0, 1, self)
        dlg.setWindowTitle("Export PDF")
        dlg.setMinimumDuration(300)

        def progress(done: int, total: int) -> bool:
            dlg.setMaximum(max(total, 1))
            dlg.setValue(done)
            QApplication.processEvents()
            return not dlg.wasCanceled()

        try:
            export_plan(self.doc.plan, self.doc.result, self.session.catalog,
                        ExportRequest(pdf=path, page_size=page_size), ranking=self.models_tab.model.ranking,
                        progress=progress)
        except ExportCancelled:
            self.statusBar().showMessage("PDF export cancelled; nothing was written", 8000)
            return False
        except OSError as e:
            QMessageBox.warning(self, APP_TITLE, f"Could not write {path}: {e.strerror or e}")
            return False
        finally:
            dlg.close()
        self.statusBar().showMessage(f"Exported {path} ({page_size})", 8000)
        return True

    # -- catalog imports -----------------------------------------------------------------------

    def import_catalog(self, fmt: str, path: Path | str | None = None) -> bool:
        """Preview and apply prices from an external catalog file (added to your edits)."""
        from PySide6.QtWidgets import QFileDialog

        from planner.ui.import_dialog import run_import_file

        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, f"Import a {IMPORT_FORMATS[fmt]} catalog", str(Path.home()),
                                                    "JSON (*.json);;All files (*)")
            if not chosen:
                return False
            path = chosen
        return run_import_file(self, self.session, fmt, Path(path))

    def update_catalog(self, source: str) -> None:
        """Download today's prices (HTTPS, off the UI thread, cancellable), then preview."""
        from planner.ui.update_flow import run_update

        run_update(self, self.session, source)

    # -- autosave and recovery ---------------------------------------------------------------

    def _schedule_autosave(self, *_args) -> None:
        from planner.io.plan_files import remove_autosave

        if self.doc is not None and self.doc.is_modified:
            self._autosave_timer.start()
        elif self.doc is not None:
            self._autosave_timer.stop()
            remove_autosave(self.doc.autosave_token)

    def autosave(self) -> None:
        from planner.io.plan_files import write_autosave

        doc = self.doc
        if doc is None or not doc.is_modified:
            return
        try:
            write_autosave(doc.autosave_token, doc.plan, doc.path)
        except OSError as e:
            self.statusBar().showMessage(f"Autosave failed: {e.strerror or e}", 8000)

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosaved plan back. True if one was recovered."""
        from PySide6.QtWidgets import QMessageBox

        from planner.io.plan_files import discard_autosave, find_recoverable, open_plan

        found = find_recoverable()
        if not found:
            return False
        a = found[0]
        where = f" (belongs to {a.original})" if a.original else ""
        answer = QMessageBox.question(
            self, APP_TITLE,
            f"Cost Planner closed without saving '{a.plan_name}'{where}.\n"
            f"Autosaved {a.saved_at:%d %b %Y %H:%M}. Recover it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False  # keep the file, ask again next time
        if answer == QMessageBox.StandardButton.Discard:
            for other in found:
                discard_autosave(other)
            return False
        try:
            plan = open_plan(a.path)
        except InputError as e:
            QMessageBox.warning(self, APP_TITLE, f"The autosaved plan could not be read:\n{e}")
            return False
        doc = self._new_doc(plan, a.original)
        doc.mark_recovered()
        self.set_document(doc)
        discard_autosave(a)
        self.autosave()
        self.show_tab(TAB_WORKLOAD)
        self.statusBar().showMessage(f"Recovered '{a.plan_name}': save it to keep it", 10000)
        return True

    # -- recent files and drops --------------------------------------------------------------

    def recent_files(self) -> list[str]:
        v = settings().value("recent/files")
        if isinstance(v, str):
            v = [v]
        return [str(x) for x in v] if isinstance(v, list) else []

    def _remember_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        s = settings()
        s.setValue("recent/files", items[:MAX_RECENT])
        s.sync()

    def _forget_recent(self, path: Path) -> None:
        s = settings()
        s.setValue("recent/files", [p for p in self.recent_files() if p != str(path)])
        s.sync()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, p in enumerate(files, 1):
            a = self.recent_menu.addAction(f"&{i % 10} {Path(p).name}")
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_plan(p))
        if not files:
            self.recent_menu.addAction("No recent plans").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", lambda: (settings().remove("recent/files")))

    @staticmethod
    def _plan_urls(event) -> list[Path]:
        from planner.io.plan_files import PLAN_SUFFIX

        md = event.mimeData()
        if not md.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in md.urls() if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in (PLAN_SUFFIX, ".json")]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._plan_urls(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._plan_urls(event)
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_plan(files[0]))

    def new_from_scenario(self, key: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        from planner.io.plan_files import open_plan

        if not self.confirm_discard():
            return False
        path = paths.examples_dir() / f"{key}.costplan"
        try:
            plan = open_plan(path)
        except InputError as e:
            QMessageBox.warning(self, APP_TITLE, str(e))
            return False
        self.set_document(self._new_doc(plan))
        self.show_tab(TAB_WORKLOAD)
        self.statusBar().showMessage(f"New plan from the '{plan.name}' scenario", 8000)
        return True

    def show_tab(self, index: int) -> None:
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)

    def _find(self) -> None:
        self.show_tab(TAB_MODELS)
        self.models_tab.search.setFocus()
        self.models_tab.search.selectAll()

    # -- status bar ----------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        self.catalog_status = QLabel()
        self.statusBar().addPermanentWidget(self.catalog_status)

    def _update_catalog_status(self, *_args) -> None:
        cat = self.session.catalog
        self._show_catalog_status(len(cat), cat.as_of, self.session.warnings)

    def _show_catalog_status(self, count: int, as_of: date, warnings: list[str]) -> None:
        age = (self.today - as_of).days
        text = f"Catalog: {count:,} models, prices as of {as_of:%d %b %Y}"
        if age > STALE_AFTER_DAYS:
            text += f"  ⚠ {age} days old: prices may have changed"
            self.catalog_status.setStyleSheet("color: #9a5b00; font-weight: bold;")
            self.catalog_status.setToolTip("Prices older than 90 days. Check providers' pricing pages or import a fresh catalog.")
        else:
            self.catalog_status.setStyleSheet("")
            self.catalog_status.setToolTip("")
        if warnings:
            text += f"  ({len(warnings)} warning(s))"
            self.catalog_status.setToolTip("\n".join(warnings))
        self.catalog_status.setText(text)

    # -- help ----------------------------------------------------------------------------------

    def show_formulas(self) -> None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser

        dlg = QDialog(self)
        dlg.setWindowTitle("How costs are computed")
        text = QTextBrowser()
        try:
            text.setMarkdown(paths.costs_doc().read_text(encoding="utf-8"))
        except OSError as e:
            text.setPlainText(f"The cost rules ({paths.costs_doc()}) could not be read: {e.strerror or e}.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dlg.reject)
        lay = QVBoxLayout(dlg)
        lay.addWidget(text)
        lay.addWidget(buttons)
        dlg.resize(720, 640)
        dlg.exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        cat = self.session.catalog
        QMessageBox.about(
            self,
            "About Cost Planner",
            f"<h3>Cost Planner {__version__}</h3>"
            "<p>Plan what your LLM API usage will cost per month, and hand finance a budget.</p>"
            f"<p>Catalog: {len(cat):,} models, prices as of {cat.as_of:%d %B %Y}.</p>"
            f"<p>Your edits are kept in:<br><code>{paths.user_overlay()}</code></p>",
        )

    # -- window state --------------------------------------------------------------------------

    def _restore_window(self) -> None:
        self._window_restored = True
        s = settings()
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        tab = s.value("window/tab")
        try:
            self.show_tab(int(tab))
        except (TypeError, ValueError):
            pass

    def _restore_state(self) -> None:
        if not self._window_restored:  # a first paint restored it already: the window is on screen
            self._restore_window()
        st = self.saved_models_state()
        if st is not None:
            try:
                self.models_tab.restore_state(json.loads(st))
            except ValueError:
                pass

    @staticmethod
    def saved_models_state() -> str | None:
        """The Models tab settings a new window restores (JSON text), if any."""
        st = settings().value("models/state")
        return st if isinstance(st, str) else None

    def first_paint_state(self, models: dict[str, Any] | None = None) -> dict[str, Any]:
        """This window's look for a first paint (planner.ui.first_paint), with `models` for
        the Models tab's if given."""
        cat = self.session.catalog
        return {"models": models if models is not None else self.models_tab.first_paint_state(),
                "catalog": {"count": len(cat), "as_of": cat.as_of.isoformat(), "warnings": list(self.session.warnings)}}

    def update_first_paint(self, fresh: bool = False) -> None:
        """Rewrite the first paint file if what a new start shows has changed. Without
        `fresh`, from this window as it is (right after start-up: what the file showed, or
        should have); with it, from a new, hidden Models tab with the saved settings (this
        window's may differ from them by now: a search, a filter, a plan's ratio), and only
        if the catalog files or those settings changed since the file was written."""
        from planner.ui import first_paint

        models = None
        if fresh:
            state = self.saved_models_state()
            if first_paint.is_current(self.first_paint_data, state):
                return
            tab = ModelsTab(self.session)
            try:
                if state is not None:
                    tab.restore_state(json.loads(state))
                models = tab.first_paint_state()
            except ValueError:
                return
            finally:
                tab.setParent(None)
                tab.deleteLater()
        data = first_paint.capture(self, models)
        if data != self.first_paint_data and first_paint.save(data):
            self.first_paint_data = data

    def save_state(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/tab", self.tabs.currentIndex())
        s.setValue("models/state", json.dumps(self.models_tab.state()))
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.is_complete:  # closed before the catalog was attached: nothing to keep
            super().closeEvent(event)
            return
        if not self.confirm_discard():
            event.ignore()
            return
        from planner.io.plan_files import remove_autosave

        self._autosave_timer.stop()
        if self.doc is not None:
            remove_autosave(self.doc.autosave_token)
        if "planner.ui.update_worker" in sys.modules:
            sys.modules["planner.ui.update_worker"].cancel_all_updates()
        self.save_state()
        if self.keeps_first_paint:
            self.update_first_paint(fresh=True)
        super().closeEvent(event)

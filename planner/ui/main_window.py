"""The main window: tabs, menus, status bar, and window state kept between runs."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from planner import __version__, paths
from planner.domain.errors import InputError
from planner.domain.plan import load_plan
from planner.domain.presets import SCENARIOS
from planner.ui.help_text import HOW_COSTS_ARE_COMPUTED
from planner.ui.models_tab import ModelsTab
from planner.ui.plan_document import PlanDocument
from planner.ui.session import Session
from planner.ui.workload_tab import WorkloadTab

APP_TITLE = "Cost Planner"
STALE_AFTER_DAYS = 90
TAB_MODELS, TAB_WORKLOAD, TAB_CHARTS = range(3)
TAB_KEYS = {"models": TAB_MODELS, "workload": TAB_WORKLOAD, "charts": TAB_CHARTS}


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


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, today: date | None = None, doc: PlanDocument | None = None) -> None:
        super().__init__()
        self.session = session or Session(parent=self)
        self.today = today or date.today()
        self.setObjectName("MainWindow")
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.session.undo_stack)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.models_tab = ModelsTab(self.session)
        self.tabs.addTab(self.models_tab, "Models")
        self.workload_tab: WorkloadTab | None = None
        self.doc: PlanDocument | None = None
        self.tabs.addTab(Placeholder(""), "Workload")
        self.tabs.addTab(Placeholder("Charts are not in this version yet."), "Charts")
        self.tabs.setTabEnabled(TAB_CHARTS, False)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.set_document(doc or PlanDocument(lambda: self.session.catalog, parent=self))

        self._build_menus()
        self._build_status_bar()
        self.models_tab.statusMessage.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.session.message.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.session.overlaySaveFailed.connect(lambda msg: QMessageBox.warning(self, APP_TITLE, msg))
        self.session.catalogChanged.connect(lambda _ids: self._update_catalog_status())
        self.resize(1400, 900)
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
        later = "Arrives with plan files and exports"
        f = mb.addMenu("&File")
        self.act_new = self._action("&New plan", QKeySequence.StandardKey.New, enabled=False, tip=later)
        self.act_open = self._action("&Open…", QKeySequence.StandardKey.Open, enabled=False, tip=later)
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.setEnabled(False)
        self.act_save = self._action("&Save", QKeySequence.StandardKey.Save, enabled=False, tip=later)
        self.act_save_as = self._action("Save &As…", QKeySequence.StandardKey.SaveAs, enabled=False, tip=later)
        self.act_import = self._action("&Import catalog…", enabled=False, tip="Arrives with catalog import")
        self.act_export = self._action("&Export…", "Ctrl+E", enabled=False, tip=later)
        self.act_quit = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        f.insertAction(self.recent_menu.menuAction(), self.act_new)
        self.scenario_menu = f.addMenu("New plan from &scenario")
        for sc in SCENARIOS:
            a = self.scenario_menu.addAction(sc.label)
            a.setStatusTip(sc.description)
            a.triggered.connect(lambda _c=False, key=sc.key: self.new_from_scenario(key))
        f.insertMenu(self.recent_menu.menuAction(), self.scenario_menu)
        f.insertAction(self.recent_menu.menuAction(), self.act_open)
        f.addSeparator()
        for a in (self.act_save, self.act_save_as):
            f.addAction(a)
        f.addSeparator()
        f.addAction(self.act_import)
        f.addAction(self.act_export)
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

        h = mb.addMenu("&Help")
        h.addAction(self._action("&How costs are computed", QKeySequence.StandardKey.HelpContents, self.show_formulas))
        h.addAction(self._action("&About Cost Planner", slot=self.show_about))

    # -- the plan ----------------------------------------------------------------------------

    def set_document(self, doc: PlanDocument) -> None:
        """Show `doc` in the Workload tab (the old document's tab is replaced)."""
        if self.doc is not None:
            self.undo_group.removeStack(self.doc.undo_stack)
            self.session.catalogChanged.disconnect(self._catalog_changed_for_plan)
        self.doc = doc
        self.undo_group.addStack(doc.undo_stack)
        self.session.catalogChanged.connect(self._catalog_changed_for_plan)
        tab = WorkloadTab(doc)
        tab.statusMessage.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        tab.workloadRatioChanged.connect(self.models_tab.set_workload_ratio)
        current = self.tabs.currentIndex()
        old = self.tabs.widget(TAB_WORKLOAD)
        self.tabs.removeTab(TAB_WORKLOAD)
        self.tabs.insertTab(TAB_WORKLOAD, tab, "Workload")
        if old is not None:
            old.deleteLater()
        self.workload_tab = tab
        self.tabs.setCurrentIndex(current)
        doc.undo_stack.cleanChanged.connect(lambda _clean: self._update_title())
        self._tab_changed(self.tabs.currentIndex())
        self._update_title()
        tab._result_changed()

    def _catalog_changed_for_plan(self, _ids: list) -> None:
        if self.doc is not None:
            self.doc.recompute()

    def _tab_changed(self, index: int) -> None:
        """Undo follows the tab: catalog edits on Models, plan edits elsewhere."""
        if index == TAB_MODELS or self.doc is None:
            self.undo_group.setActiveStack(self.session.undo_stack)
        else:
            self.undo_group.setActiveStack(self.doc.undo_stack)

    def _update_title(self) -> None:
        name = self.doc.display_name if self.doc is not None else "Untitled plan"
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc is not None and not self.doc.undo_stack.isClean())

    def confirm_discard(self) -> bool:
        """Ask before unsaved plan changes are thrown away; True to go ahead."""
        if self.doc is None or self.doc.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self, APP_TITLE, f"'{self.doc.display_name}' has unsaved changes. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def new_from_scenario(self, key: str) -> bool:
        if not self.confirm_discard():
            return False
        path = paths.examples_dir() / f"{key}.costplan"
        try:
            plan = load_plan(path)
        except InputError as e:
            QMessageBox.warning(self, APP_TITLE, str(e))
            return False
        self.set_document(PlanDocument(lambda: self.session.catalog, plan, parent=self))
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
        self._update_catalog_status()
        for w in self.session.warnings:
            self.statusBar().showMessage(w, 15000)

    def catalog_age_days(self) -> int:
        return (self.today - self.session.catalog.as_of).days

    def _update_catalog_status(self) -> None:
        cat = self.session.catalog
        age = self.catalog_age_days()
        text = f"Catalog: {len(cat):,} models, prices as of {cat.as_of:%d %b %Y}"
        if age > STALE_AFTER_DAYS:
            text += f"  ⚠ {age} days old: prices may have changed"
            self.catalog_status.setStyleSheet("color: #9a5b00; font-weight: bold;")
            self.catalog_status.setToolTip("Prices older than 90 days. Check providers' pricing pages or import a fresh catalog.")
        else:
            self.catalog_status.setStyleSheet("")
            self.catalog_status.setToolTip("")
        if self.session.warnings:
            text += f"  ({len(self.session.warnings)} warning(s))"
            self.catalog_status.setToolTip("\n".join(self.session.warnings))
        self.catalog_status.setText(text)

    # -- help ----------------------------------------------------------------------------------

    def show_formulas(self) -> None:
        dlg = QDialog(self)
        dlg.setWindowTitle("How costs are computed")
        text = QTextBrowser()
        text.setHtml(HOW_COSTS_ARE_COMPUTED)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dlg.reject)
        lay = QVBoxLayout(dlg)
        lay.addWidget(text)
        lay.addWidget(buttons)
        dlg.resize(720, 640)
        dlg.exec()

    def show_about(self) -> None:
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

    def _restore_state(self) -> None:
        s = settings()
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        tab = s.value("window/tab")
        try:
            self.show_tab(int(tab))
        except (TypeError, ValueError):
            pass
        st = s.value("models/state")
        if isinstance(st, str):
            try:
                self.models_tab.restore_state(json.loads(st))
            except ValueError:
                pass

    def save_state(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/tab", self.tabs.currentIndex())
        s.setValue("models/state", json.dumps(self.models_tab.state()))
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard():
            event.ignore()
            return
        self.save_state()
        super().closeEvent(event)

"""The main window: the composition root. It holds the tabs, the menu bar (built from the
action table in planner.ui.actions), the status bar and the window's state between runs;
plan files, exports and catalog imports are its controllers' (planner.ui.file_controller,
export_controller, import_controller).

It is built in two steps: the window itself (tabs, menus, the Models tab's controls), then
`complete(session)` with the catalog, the plan, the Workload tab and the controllers;
`MainWindow(session)` does both. What needs the catalog is imported by `complete`."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer
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
    QMenuBar,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner import __version__, paths
from planner.domain.token_mix import input_output_ratio, input_share
from planner.ui import prompts
from planner.ui.actions import ACTIONS, DYNAMIC_MENUS, MENUS, SEPARATOR
from planner.ui.app_settings import settings
from planner.ui.group_selector import GroupSelector
from planner.ui.models_tab import ModelsTab
from planner.ui.style import Tone, css, muted_css
from planner.ui.tab_swap import replace_tab

if TYPE_CHECKING:
    from planner.domain.catalog import Catalog
    from planner.ui.export_controller import ExportController
    from planner.ui.file_controller import FileController
    from planner.ui.import_controller import ImportController
    from planner.ui.plan_document import PlanDocument
    from planner.ui.session import Session
    from planner.ui.workload_tab import WorkloadTab

APP_TITLE = "Cost Planner"
STALE_AFTER_DAYS = 90


def prices_as_of(catalog: Catalog) -> date:
    """The date of the prices in use: the newest as_of among the catalog's models (an
    import dates the models it sets) or the catalog file's own date, whichever is later."""
    return max([catalog.as_of, *(m.as_of for m in catalog.models if m.as_of is not None)])


def catalog_status_text(count: int, newest: date, shipped: date, today: date) -> tuple[str, int]:
    """The status bar's catalog text and the age in days of the prices in use."""
    age = (today - newest).days
    text = f"Catalog: {count:,} models, prices as of {newest:%d %b %Y}"
    if newest != shipped:
        text += f" (newest), shipped catalog {shipped:%d %b %Y}"
    if age > STALE_AFTER_DAYS:
        text += f"  ⚠ {age} days old: prices may have changed"
    return text, age


TAB_MODELS, TAB_WORKLOAD, TAB_CHARTS = range(3)
TAB_KEYS = {"models": TAB_MODELS, "workload": TAB_WORKLOAD, "charts": TAB_CHARTS}
#: View > Number format: the locales offered besides the system's ('' in the settings).
NUMBER_FORMATS = ("en_US", "en_GB", "en_IN", "de_DE", "fr_FR", "es_ES", "ja_JP")
NUMBER_FORMAT_KEY = "view/number_format"


class Placeholder(QWidget):
    def __init__(self, text: str, parent=None) -> None:
        super().__init__(parent)
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet(muted_css() + " font-size: 13pt;")
        lay = QVBoxLayout(self)
        lay.addWidget(label)


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
    def __init__(self, session: Session | None = None, today: date | None = None,
                 doc: PlanDocument | None = None) -> None:
        """A complete window for `session` (a new one on the user's catalog if None)."""
        super().__init__()
        self.session: Session | None = None
        self.today = today or date.today()
        self.setObjectName("MainWindow")
        self.undo_group = QUndoGroup(self)
        self._window_restored = False
        self.files: FileController | None = None
        self._exports: ExportController | None = None
        self.imports: ImportController | None = None

        self.tabs = MainTabs()
        self.tabs.setDocumentMode(True)
        self.models_tab = ModelsTab()
        self.tabs.addTab(self.models_tab, "Models")
        #: the Workload tab of the document shown, built when first shown or asked for
        self._workload_tab: WorkloadTab | None = None
        # the plan's input:output ratio for the Models tab's "My workload's ratio", once the
        # tokens settle (a slider drag moves them at every step; the Models tab re-ranks after)
        self._ratio_timer = QTimer(self, singleShot=True, interval=100)
        self._ratio_timer.timeout.connect(self._emit_workload_ratio)
        self.doc: PlanDocument | None = None
        self.tabs.addTab(Placeholder(""), "Workload")
        self.charts_tab = None  # built the first time it is shown: pyqtgraph loads then
        self.tabs.addTab(Placeholder("Loading charts…"), "Charts")
        self.setCentralWidget(self.tabs)
        # one Group selector for the totals (Workload) and the plan's charts (Charts): at the
        # tab bar's corner, in view on both tabs, so the chosen group is never out of sight
        self.group_selector = GroupSelector()
        self.tabs.setCornerWidget(self.group_selector, Qt.Corner.TopRightCorner)
        self.group_selector.groupChanged.connect(self._group_changed)
        self.group_selector.message.connect(self.show_status)

        self.action_by_id: dict[str, QAction] = {}
        self.menu_by_key: dict[str, QMenu] = {}
        self._build_menus()
        self._build_status_bar()
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        from planner.ui.session import Session

        self.complete(session or Session(parent=self), doc)

    @property
    def exports(self) -> ExportController | None:
        """The exports' controller, made when first used (None until the window is complete)."""
        if self._exports is None and self.session is not None:
            from planner.ui.export_controller import ExportController

            self._exports = ExportController(self, self, lambda: self.models_tab.model.ranking)
        return self._exports

    @property
    def is_complete(self) -> bool:
        return self.session is not None

    def complete(self, session: Session, doc: PlanDocument | None = None) -> None:
        """Attach the catalog and a plan: after this the window is fully working."""
        from planner.domain.presets import SCENARIOS
        from planner.ui.file_controller import FileController
        from planner.ui.import_controller import ImportController

        assert self.session is None, "complete() runs once"
        self.session = session
        self.files = FileController(self, self)
        self.imports = ImportController(self, self)
        self.apply_number_format()
        self.undo_group.addStack(session.undo_stack)
        self.models_tab.attach(session)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.set_document(doc or self.files.new_document())
        for sc in SCENARIOS:
            a = self.menu_by_key["scenarios"].addAction(sc.label)
            a.setStatusTip(sc.description)
            a.triggered.connect(lambda _c=False, key=sc.key: self.files.new_from_scenario(key))
        self.models_tab.statusMessage.connect(self.show_status)
        # Bound methods, not lambdas: Qt drops them when this window goes, the session may outlive it.
        session.message.connect(self.show_status)
        session.overlaySaveFailed.connect(self._overlay_save_failed)
        session.catalogChanged.connect(self._update_catalog_status)
        self._update_catalog_status()
        for w in session.warnings:
            self.statusBar().showMessage(w, 15000)
        self._restore_state()
        self.update_actions()

    # -- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        for spec in ACTIONS:
            a = QAction(spec.title, self)
            a.setShortcuts(spec.shortcuts())
            if spec.tip:
                a.setStatusTip(spec.tip)
            a.triggered.connect(lambda _c=False, h=spec.handler: h(self))
            self.action_by_id[spec.id] = a
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")])
        self.action_by_id.update(undo=undo, redo=redo)
        for title, entries in MENUS:
            self._fill_menu(self.menuBar(), title, entries)
        self.menu_by_key["recent"].aboutToShow.connect(lambda: self.files and self.files.fill_recent(self.menu_by_key["recent"]))
        self.menu_by_key["number_format"].aboutToShow.connect(self._fill_number_formats)
        self.update_actions()

    def _fill_menu(self, parent: QMenuBar | QMenu, title: str, entries: tuple) -> QMenu:
        menu = parent.addMenu(title)
        for entry in entries:
            if entry == SEPARATOR:
                menu.addSeparator()
            elif isinstance(entry, str):
                menu.addAction(self.action_by_id[entry])
            elif entry[0] in DYNAMIC_MENUS:  # filled when shown, or when the catalog arrives
                self.menu_by_key[entry[0]] = menu.addMenu(entry[1])
            else:
                self._fill_menu(menu, *entry)
        return menu

    def update_actions(self) -> None:
        """Enable each action as its spec says, for the window as it is now."""
        for spec in ACTIONS:
            self.action_by_id[spec.id].setEnabled(spec.enabled(self))

    def _fill_number_formats(self) -> None:
        from planner.formatting import locale_name, system_locale

        self.menu_by_key["number_format"].clear()
        group = QActionGroup(self.menu_by_key["number_format"])
        current = self.number_format()
        choices = [("", f"System ({system_locale()})")] + [(n, locale_name(n)) for n in NUMBER_FORMATS]
        for name, label in choices:
            a = self.menu_by_key["number_format"].addAction(label)
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
            self.show_status(str(e))
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
        """Show `doc` in the Workload tab (the old document's tab is replaced; the new one is
        built when the tab is first shown)."""
        old_doc = self.doc
        if old_doc is not None:
            self.undo_group.removeStack(old_doc.undo_stack)
            self.session.catalogChanged.disconnect(self._catalog_changed_for_plan)
            old_doc.resultChanged.disconnect(self._ratio_timer.start)
        self.files.attach(old_doc, doc)
        self.doc = doc
        self.undo_group.addStack(doc.undo_stack)
        self.session.catalogChanged.connect(self._catalog_changed_for_plan)
        doc.resultChanged.connect(self._ratio_timer.start)
        self._ratio_timer.start()
        current = self.tabs.currentIndex()
        if self._workload_tab is not None:
            replace_tab(self.tabs, TAB_WORKLOAD, Placeholder(""), "Workload")
            self._workload_tab = None
        if old_doc is not None and old_doc.parent() is self:
            old_doc.deleteLater()
        self.group_selector.follow(doc)
        self.tabs.setCurrentIndex(current)
        if current == TAB_WORKLOAD:
            self.ensure_workload()
        if self.charts_tab is not None:
            self.ensure_charts()
        doc.undo_stack.cleanChanged.connect(self._update_title)
        self._tab_changed(self.tabs.currentIndex())
        self._update_title()
        self.update_actions()

    @property
    def workload_tab(self) -> WorkloadTab | None:
        """The Workload tab of the document shown (built now if it was not yet)."""
        return self.ensure_workload() if self.doc is not None else None

    def ensure_workload(self) -> WorkloadTab:
        """The Workload tab, built the first time it is shown or asked for."""
        if self._workload_tab is None:
            from planner.ui.workload_tab import WorkloadTab

            tab = WorkloadTab(self.doc)
            tab.statusMessage.connect(self.show_status)
            replace_tab(self.tabs, TAB_WORKLOAD, tab, "Workload")
            self._workload_tab = tab
            tab.totals.set_group(self.group_selector.group)
            tab._result_changed()
        return self._workload_tab

    def _emit_workload_ratio(self) -> None:
        if self.doc is not None:
            ratio = input_output_ratio(input_share(self.doc.plan.lines))
            self.models_tab.set_workload_ratio(float(ratio) if ratio is not None else None)

    def _catalog_changed_for_plan(self, _ids: list) -> None:
        if self.doc is not None:
            self.doc.recompute()

    def ensure_charts(self):
        """The Charts tab, created on first use (pyqtgraph is imported here, not at start-up)."""
        if self.charts_tab is None or self.charts_tab.doc is not self.doc:
            from planner.ui.charts.charts_tab import ChartsTab

            tab = ChartsTab(self.doc, lambda: self.models_tab.model.ranking)
            tab.modelClicked.connect(self._chart_model_clicked)
            tab.message.connect(self.show_status)
            replace_tab(self.tabs, TAB_CHARTS, tab, "Charts")
            self.charts_tab = tab
            tab.set_group(self.group_selector.group)
            self.models_tab.model.layoutChanged.connect(tab.refresh)
            self.models_tab.model.headerDataChanged.connect(tab.refresh)
        return self.charts_tab

    def _chart_model_clicked(self, model_id: str) -> None:
        self.show_tab(TAB_MODELS)
        if not self.models_tab.select_model(model_id):
            self.show_status(f"{model_id} is filtered out of the Models table", 6000)

    def _group_changed(self, name: str | None) -> None:
        """The totals and the plan's charts show the chosen group's lines (None: every line)."""
        if self._workload_tab is not None:
            self._workload_tab.totals.set_group(name)
        if self.charts_tab is not None:
            self.charts_tab.set_group(name)

    def _tab_changed(self, index: int) -> None:
        """Undo follows the tab: catalog edits on Models, plan edits elsewhere."""
        self.group_selector.setVisible(index != TAB_MODELS)
        if index == TAB_WORKLOAD and self.doc is not None:
            self.ensure_workload()
        if index == TAB_CHARTS:
            self.ensure_charts().refresh()
        if index == TAB_MODELS or self.doc is None:
            self.undo_group.setActiveStack(self.session.undo_stack)
        else:
            self.undo_group.setActiveStack(self.doc.undo_stack)

    def show_status(self, message: str, ms: int = 8000) -> None:
        self.statusBar().showMessage(message, ms)

    def show_plan(self) -> None:
        self.show_tab(TAB_WORKLOAD)

    def _overlay_save_failed(self, msg: str) -> None:
        prompts.tell(self, msg)

    def _update_title(self, *_args) -> None:
        name = self.doc.display_name if self.doc is not None else "Untitled plan"
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc is not None and not self.doc.undo_stack.isClean())

    def show_tab(self, index: int) -> None:
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)

    def find_model(self) -> None:
        self.show_tab(TAB_MODELS)
        self.models_tab.search.setFocus()
        self.models_tab.search.selectAll()

    # -- drops -------------------------------------------------------------------------------

    def _dropped_plans(self, event) -> list:
        md = event.mimeData()
        if self.files is None or not md.hasUrls():
            return []
        return self.files.dropped_plans(md.urls())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_plans(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._dropped_plans(event)
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.files.open_plan(files[0]))

    # -- status bar ----------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        self.catalog_status = QLabel()
        self.statusBar().addPermanentWidget(self.catalog_status)

    def _update_catalog_status(self, *_args) -> None:
        cat = self.session.catalog
        self._show_catalog_status(len(cat), cat.as_of, self.session.warnings, prices_as_of(cat))

    def _show_catalog_status(self, count: int, as_of: date, warnings: list[str], newest: date | None = None) -> None:
        text, age = catalog_status_text(count, newest or as_of, as_of, self.today)
        if age > STALE_AFTER_DAYS:
            self.catalog_status.setStyleSheet(css(Tone.WARNING, bold=True))
            self.catalog_status.setToolTip("The newest prices are older than 90 days. Check providers' pricing pages or import a fresh catalog.")
        else:
            self.catalog_status.setStyleSheet("")
            self.catalog_status.setToolTip("")
        if warnings:
            text += f"  ({len(warnings)} warning(s))"
            self.catalog_status.setToolTip("\n".join(warnings))
        self.catalog_status.setText(text)

    # -- help ----------------------------------------------------------------------------------

    def show_formulas(self) -> None:
        # (dialogs load when asked for)
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

    def compare_scenarios(self) -> None:
        """The base plan and its scenarios side by side (a window of its own)."""
        from planner.ui.compare_view import CompareDialog

        if self.doc is not None:
            CompareDialog(self.doc, self).show()

    def import_usage(self, paths: list | None = None) -> None:
        """File > Import usage: the files previewed, then plan versus actual."""
        from planner.ui.actuals_dialog import UsageImportDialog, VarianceDialog

        if self.doc is None:
            return
        dlg = UsageImportDialog(self.doc, paths or [], self)
        if not paths:
            dlg.add_files()
        if dlg.exec() and dlg.loaded is not None:
            view = VarianceDialog(self.doc, dlg.loaded, self)
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            view.show()

    def show_about(self) -> None:
        import html  # (its entity table loads with it: here, not at start-up)

        cat = self.session.catalog
        QMessageBox.about(
            self,
            "About Cost Planner",
            f"<h3>Cost Planner {__version__}</h3>"
            "<p>Plan what your LLM API usage will cost per month, and hand finance a budget.</p>"
            f"<p>Catalog: {len(cat):,} models, prices as of {cat.as_of:%d %B %Y}.</p>"
            f"<p>Your edits are kept in:<br><code>{html.escape(str(paths.user_overlay()))}</code></p>",
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
        if not self._window_restored:
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
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.files.close()
        if "planner.ui.update_worker" in sys.modules:
            sys.modules["planner.ui.update_worker"].cancel_all_updates()
        self.save_state()
        super().closeEvent(event)

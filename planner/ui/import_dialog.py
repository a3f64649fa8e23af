"""The "Import catalog…" preview dialog: what an import would add and change, ticked to
choose; and the two ways the window imports (a file, a web update), applied undoably.

The work is planner.io.import_job's; this module only shows its preview and hands the
chosen entries to the Session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import InputError
from planner.io.import_job import ImportJob, ImportPreview, Selection
from planner.ui.import_preview_model import (
    ADDED,
    CHANGED,
    COL_ID,
    COL_INPUT,
    COL_MODEL,
    COL_OUTPUT,
    COL_PROVIDER,
    CONFLICT,
    EXPAND_UP_TO,
    KINDS,
    SKIPPED,
    ImportPreviewModel,
    ImportPreviewProxy,
)
from planner.ui.import_text import plain_tip, plural, summary_text

if TYPE_CHECKING:
    from planner.ui.session import Session


def plain_label(text: str) -> QLabel:
    """A label that shows `text` as it is, never as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ImportPreviewDialog(QDialog):
    """Shows an ImportPreview and lets the user tick what to apply.

    After `exec()` returns Accepted, pass `selection()` to `apply_to_session`.
    """

    def __init__(self, preview: ImportPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.plan = preview.plan
        self.result = preview.result
        self.setWindowTitle(f"Import prices from {preview.title}")
        self.setSizeGripEnabled(True)
        header = self._build_header(preview)
        self.model = ImportPreviewModel(preview.plan, self)
        self.proxy = ImportPreviewProxy(self.model, self)
        tools = self._build_tools()
        self._build_view()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.model.checksChanged.connect(self._update_apply)

        lay = QVBoxLayout(self)
        for i, w in enumerate(header):
            if i == 3:
                lay.addSpacing(4)
            lay.addWidget(w)
        lay.addSpacing(4)
        lay.addLayout(tools)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.buttons)

        self.apply_button.setDefault(True)  # now that it is inside the dialog
        self._after_layout()
        self._expand_defaults()
        self._update_apply()
        self.resize(1180, 700)
        self.filter_edit.setFocus()

    def _build_header(self, preview: ImportPreview) -> list[QLabel]:
        """The title, the source, what was read, the counts and the hint, as plain text (the
        source's name comes from outside)."""
        plan, result = preview.plan, preview.result
        title = plain_label(f"Import prices from {preview.title}")
        tf = title.font()
        tf.setPointSizeF(tf.pointSizeF() * 1.25)
        tf.setBold(True)
        title.setFont(tf)
        self.source_label = source = plain_label(result.source)
        source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        source.setToolTip(plain_tip(result.source))
        source.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        meta = plain_label(
            f"Read {result.imported_at.isoformat()}: {plural(len(result.models), 'model')}, "
            f"{plural(len(plan.skipped), 'entry', 'entries')} left out"
        )
        meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.summary_label = plain_label(summary_text(plan))
        sf = self.summary_label.font()
        sf.setBold(True)
        self.summary_label.setFont(sf)
        hint = (
            "Untick anything you don't want to import. The shipped catalog is never changed: "
            "imported prices go into your own edits, and Undo takes the whole import back."
        )
        if plan.conflicts:
            hint += (
                " Prices you edited yourself are listed under Conflicts and are kept unless "
                "you tick them."
            )
        self.hint_label = plain_label(hint)
        self.hint_label.setWordWrap(True)
        return [title, source, meta, self.summary_label, self.hint_label]

    def _build_tools(self) -> QHBoxLayout:
        """The filter box, the count shown, and the expand and select buttons."""
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, id, provider or reason…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(320)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())

        self.select_all_button = QPushButton("Select all")
        self.select_all_button.setToolTip(
            "Tick every new and changed model shown (your own edited prices stay as they are)"
        )
        self.select_none_button = QPushButton("Select none")
        self.select_none_button.setToolTip("Untick every model shown")
        self.select_all_button.clicked.connect(lambda: self.set_all_checked(True))
        self.select_none_button.clicked.connect(lambda: self.set_all_checked(False))
        self.expand_button = QPushButton("Expand all")
        self.expand_button.clicked.connect(self._toggle_expand)
        for b in (self.select_all_button, self.select_none_button, self.expand_button):
            b.setAutoDefault(False)
        self.shown_label = plain_label("")
        self.shown_label.setMinimumWidth(140)

        tools = QHBoxLayout()
        tools.addWidget(self.filter_edit, 1)
        tools.addWidget(self.shown_label)
        tools.addStretch(0)
        tools.addWidget(self.expand_button)
        tools.addWidget(self.select_all_button)
        tools.addWidget(self.select_none_button)
        return tools

    def _build_view(self) -> None:
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionsMovable(False)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        for col, width in ((COL_MODEL, 230), (COL_ID, 235), (COL_PROVIDER, 105), (COL_INPUT, 88), (COL_OUTPUT, 96)):
            header.resizeSection(col, width)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        for signal in (self.proxy.layoutChanged, self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved):
            signal.connect(self._after_layout)

    # -- what the user chose ----------------------------------------------------------------

    def selected_ids(self) -> set[str]:
        """Ids to import: ticked new and changed models, and ticked conflicts."""
        return self.model.checked_ids(ADDED, CHANGED, CONFLICT)

    def overwrite_conflicts(self) -> set[str]:
        """Ids whose user-edited prices the import may replace (ticked conflicts)."""
        return self.model.checked_ids(CONFLICT)

    def selection(self) -> Selection:
        """What to apply: the ticked models, and the ticked conflicts' overwrites."""
        return Selection.of(self.selected_ids(), self.overwrite_conflicts())

    def change_count(self) -> int:
        return len(self.selected_ids())

    # -- actions ----------------------------------------------------------------------------

    def apply_filter(self) -> None:
        """Apply the search box now (typing applies it after a short pause)."""
        self._filter_timer.stop()
        if self.filter_edit.text().strip().lower() == self.proxy.needle:
            return
        self.proxy.set_needle(self.filter_edit.text())
        if self.proxy.needle:
            self.view.expandAll()
        else:
            self._expand_defaults()
        self._after_layout()

    def set_all_checked(self, checked: bool) -> None:
        """Tick (new and changed models) or untick (everything) the rows the filter shows."""
        if self._filter_timer.isActive():
            self.apply_filter()
        rows: list[tuple[int, int]] = []
        for pg in range(self.proxy.rowCount()):
            pidx = self.proxy.index(pg, 0)
            gidx = self.proxy.mapToSource(pidx)
            kind = self.model.groups()[gidx.row()]
            if kind == SKIPPED or (checked and kind == CONFLICT):
                continue
            for pr in range(self.proxy.rowCount(pidx)):
                src = self.proxy.mapToSource(self.proxy.index(pr, 0, pidx))
                rows.append((gidx.row(), src.row()))
        self.model.set_rows_checked(rows, checked)

    def _toggle_expand(self) -> None:
        expand = self.expand_button.text() == "Expand all"
        if expand:
            self.view.expandAll()
        else:
            self.view.collapseAll()
        self.expand_button.setText("Collapse all" if expand else "Expand all")

    def _expand_defaults(self) -> None:
        for pg in range(self.proxy.rowCount()):
            pidx = self.proxy.index(pg, 0)
            kind = self.model.groups()[self.proxy.mapToSource(pidx).row()]
            n = self.proxy.rowCount(pidx)
            self.view.setExpanded(pidx, kind == CONFLICT or n <= EXPAND_UP_TO)

    def _after_layout(self, *args: Any) -> None:
        for pg in range(self.proxy.rowCount()):
            self.view.setFirstColumnSpanned(pg, QModelIndex(), True)
        total = sum(self.model.count(k) for k in KINDS)
        if self.proxy.needle:
            shown = sum(
                self.proxy.rowCount(self.proxy.index(g, 0)) for g in range(self.proxy.rowCount())
            )
            self.shown_label.setText(f"{shown:,} of {total:,} shown")
        else:
            self.shown_label.setText(f"{total:,} rows")

    def _update_apply(self) -> None:
        n = self.change_count()
        self.apply_button.setText(f"Apply {plural(n, 'change')}")
        self.apply_button.setEnabled(n > 0)

# ---------------------------------------------------------------------------------------
# Applying to the session, as one undo step


def apply_to_session(session: Session, preview: ImportPreview, selection: Selection) -> int:
    """Apply the ticked part of `preview` to the session's overlay as one undoable step.

    Returns the number of models added or changed (0: nothing was pushed). The shipped
    catalog is never written; the session saves its overlay file.
    """
    n = preview.count(selection)
    if n == 0:
        return 0
    session.apply_entries(f"Import prices for {plural(n, 'model')}", preview.changes(selection))
    return n


def preview_and_apply(parent: QWidget | None, session: Session, preview: ImportPreview) -> int:
    """Show the preview; on Apply, apply what is ticked. Returns the models changed."""
    dlg = ImportPreviewDialog(preview, parent)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return 0
        n = apply_to_session(session, preview, dlg.selection())
    finally:
        dlg.deleteLater()
    if n:
        session.message.emit(
            f"Imported prices for {plural(n, 'model')} from {preview.what}. Undo takes the import back."
        )
    return n


def import_job(session: Session) -> ImportJob:
    """An import against the session's catalog and edits as they are now."""
    return ImportJob(session.catalog, session.overlay)


def run_import_file(parent: QWidget | None, session: Session, fmt: str, path: Path) -> bool:
    """Read a price file, preview it, and apply what the user ticks. True if the catalog changed."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        preview = import_job(session).prepare_file(fmt, Path(path))
    except InputError as e:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "Import catalog", plain_tip(str(e)))
        return False
    QGuiApplication.restoreOverrideCursor()
    return preview_and_apply(parent, session, preview) > 0

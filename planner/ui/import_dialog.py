"""The "Import catalog…" preview: what an import would add and change, ticked to choose, applied undoably."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEventLoop,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.catalog import ModelPrice, Overlay
from planner.domain.errors import InputError
from planner.formatting import fmt_price, fmt_tokens
from planner.io.importers import (
    Change,
    ImportPlan,
    ImportResult,
    apply_import,
    plan_import,
    read_import_file,
)
from planner.io.update import SOURCES, UpdateSource
from planner.ui.update_worker import UpdateWorker

if TYPE_CHECKING:
    from planner.ui.session import Session

FORMAT_TITLES = {"litellm": "LiteLLM", "genai-prices": "genai-prices", "openrouter": "OpenRouter"}

COL_MODEL, COL_ID, COL_PROVIDER, COL_INPUT, COL_OUTPUT, COL_DETAILS = range(6)
HEADERS = ("Model", "Id", "Provider", "Input $/1M", "Output $/1M", "What changes")
HEADER_TIPS = (
    "Tick the models to import",
    "The model's id in the catalog",
    "",
    "Input price in the imported file, USD per 1M tokens",
    "Output price in the imported file, USD per 1M tokens",
    "New models: their other prices. Changed models: old → new. Conflicts: your price and the import's.",
)

ADDED, CHANGED, CONFLICT, SKIPPED = "added", "changed", "conflict", "skipped"
KINDS = (ADDED, CHANGED, CONFLICT, SKIPPED)

#: The row object (a PreviewRow, or None for a group row).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: Native values for sorting (never display strings).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

#: Groups up to this many rows start expanded (conflicts always do).
EXPAND_UP_TO = 300

FIELD_LABELS = {
    "input": "input",
    "output": "output",
    "cache_read": "cache read",
    "cache_write": "cache write",
    "batch_input": "batch input",
    "batch_output": "batch output",
    "long_context": "long-context threshold",
    "long_context.input": "long-context input",
    "long_context.output": "long-context output",
    "long_context.cache_read": "long-context cache read",
    "long_context.cache_write": "long-context cache write",
}


def _usd(x: Decimal | None) -> str:
    return "—" if x is None else f"${fmt_price(x)}"


def _value(change: Change, x: Decimal | None) -> str:
    if change.field == "long_context":
        return "none" if x is None else f"{fmt_tokens(int(x))} tokens"
    return _usd(x)


def describe_change(c: Change) -> str:
    """'input $0.25 → $1.00'"""
    return f"{FIELD_LABELS.get(c.field, c.field)} {_value(c, c.old)} → {_value(c, c.new)}"


def describe_conflict(c: Change) -> str:
    """'input: your price $3.00, import $3.50'"""
    label = FIELD_LABELS.get(c.field, c.field)
    return f"{label}: your price {_value(c, c.old)}, import {_value(c, c.new)}"


def describe_added(m: ModelPrice) -> str:
    parts: list[str] = []
    if m.cache_read is not None:
        parts.append(f"cache read {_usd(m.cache_read)}")
    if m.batch_input is not None or m.batch_output is not None:
        parts.append(f"batch {_usd(m.batch_input)} / {_usd(m.batch_output)}")
    if m.long_context is not None:
        lc = m.long_context
        parts.append(
            f"above {fmt_tokens(lc.threshold_tokens)}: {_usd(lc.input)} / {_usd(lc.output)}"
        )
    if m.context_window:
        parts.append(f"context {fmt_tokens(m.context_window)}")
    return " · ".join(parts) or "new model"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def summary_text(plan: ImportPlan) -> str:
    """'412 to add, 37 changed, 1,203 unchanged, 2 conflicts, 1,267 skipped'"""
    return (
        f"{len(plan.added):,} to add, {len(plan.changed):,} changed, "
        f"{len(plan.unchanged):,} unchanged, {_plural(len(plan.conflicts), 'conflict')}, "
        f"{len(plan.skipped):,} skipped"
    )


# ---------------------------------------------------------------------------------------
# The item model: four groups (added, changed, conflicts, skipped) of rows


@dataclass
class PreviewRow:
    """One line of the preview: a model to add or change, a conflict, or a skipped entry."""

    kind: str
    id: str
    name: str
    provider: str
    input: Decimal | None
    output: Decimal | None
    details: str
    checked: bool = False
    haystack: str = field(default="", repr=False)

    @property
    def checkable(self) -> bool:
        return self.kind != SKIPPED


@dataclass
class _Group:
    kind: str
    rows: list[PreviewRow]
    checked: int = 0

    @property
    def checkable(self) -> bool:
        return self.kind != SKIPPED

    def title(self) -> str:
        n = len(self.rows)
        if self.kind == ADDED:
            return f"Added: {_plural(n, 'new model')}"
        if self.kind == CHANGED:
            return f"Changed: {_plural(n, 'model')} with new prices"
        if self.kind == CONFLICT:
            return f"Conflicts: {_plural(n, 'model')} whose prices you edited (kept unless ticked)"
        return f"Skipped: {_plural(n, 'entry', 'entries')} not imported"


def _sort_key(r: PreviewRow, col: int) -> Any:
    if col == COL_INPUT:
        return float(r.input) if r.input is not None else -1.0
    if col == COL_OUTPUT:
        return float(r.output) if r.output is not None else -1.0
    if col == COL_MODEL:
        return r.name.lower()
    if col == COL_ID:
        return r.id.lower()
    if col == COL_PROVIDER:
        return r.provider.lower()
    return r.details.lower()


def _checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    try:
        return int(value) == Qt.CheckState.Checked.value
    except (TypeError, ValueError):
        return bool(value)


class ImportPreviewModel(QAbstractItemModel):
    """A two-level tree of an ImportPlan. Check states live in the rows (plain Python), so
    ticking thousands at once is one signal, not thousands of items."""

    checksChanged = Signal()

    def __init__(self, plan: ImportPlan, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan = plan
        groups: dict[str, list[PreviewRow]] = {k: [] for k in KINDS}
        for m in plan.added:
            groups[ADDED].append(
                PreviewRow(
                    ADDED, m.id, m.name, m.provider, m.input, m.output, describe_added(m), True
                )
            )
        for kind, changes_by_id, describe in (
            (CHANGED, plan.changed, describe_change),
            (CONFLICT, plan.conflicts, describe_conflict),
        ):
            for model_id, changes in changes_by_id.items():
                new = plan.incoming.get(model_id)
                name = changes[0].name if changes else model_id
                groups[kind].append(
                    PreviewRow(
                        kind,
                        model_id,
                        name,
                        new.provider if new is not None else model_id.split("/", 1)[0],
                        new.input if new is not None else None,
                        new.output if new is not None else None,
                        "; ".join(describe(c) for c in changes),
                        kind == CHANGED,
                    )
                )
        for s in plan.skipped:
            groups[SKIPPED].append(PreviewRow(SKIPPED, s.id, s.id, "", None, None, s.reason))
        for rows in groups.values():
            rows.sort(key=lambda r: r.id.lower())
            for r in rows:
                r.haystack = f"{r.name}\n{r.id}\n{r.provider}\n{r.details}".lower()
        self._groups = [_Group(k, rows) for k, rows in groups.items() if rows]
        for g in self._groups:
            g.checked = sum(r.checked for r in g.rows)
        # A model both changed and in conflict: its two rows are kept consistent.
        self._changed_row = {r.id: r for r in groups[CHANGED]}
        self._conflict_row = {r.id: r for r in groups[CONFLICT]}

    # -- reading ----------------------------------------------------------------------------

    def groups(self) -> list[str]:
        return [g.kind for g in self._groups]

    def group_row(self, kind: str) -> int:
        """The top-level row of a group, -1 if the plan has none of that kind."""
        for i, g in enumerate(self._groups):
            if g.kind == kind:
                return i
        return -1

    def rows(self, kind: str) -> list[PreviewRow]:
        i = self.group_row(kind)
        return list(self._groups[i].rows) if i >= 0 else []

    def count(self, kind: str) -> int:
        i = self.group_row(kind)
        return len(self._groups[i].rows) if i >= 0 else 0

    def checked_ids(self, *kinds: str) -> set[str]:
        return {r.id for g in self._groups if g.kind in kinds for r in g.rows if r.checked}

    def sort_key(self, group: int, row: int, column: int) -> Any:
        """SORT_ROLE of a row, without the round trip through data() (sorting is hot)."""
        return _sort_key(self._groups[group].rows[row], column)

    def row_matches(self, group: int, row: int, needle: str) -> bool:
        return needle in self._groups[group].rows[row].haystack

    def index_of(self, kind: str, model_id: str) -> QModelIndex:
        gi = self.group_row(kind)
        if gi < 0:
            return QModelIndex()
        for ri, r in enumerate(self._groups[gi].rows):
            if r.id == model_id:
                return self.createIndex(ri, COL_MODEL, id=gi + 1)
        return QModelIndex()

    # -- changing ---------------------------------------------------------------------------

    def set_checked(self, kind: str, model_id: str, checked: bool) -> bool:
        idx = self.index_of(kind, model_id)
        return idx.isValid() and self.setData(
            idx,
            Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked,
            Qt.ItemDataRole.CheckStateRole,
        )

    def set_rows_checked(self, rows: list[tuple[int, int]], checked: bool) -> None:
        """Tick or untick many (group, row) pairs with one signal per group."""
        touched: set[int] = set()
        for gi, ri in rows:
            if self._set_row(self._groups[gi].rows[ri], checked, touched):
                touched.add(gi)
        self._announce(touched)

    def _set_row(self, r: PreviewRow, checked: bool, touched: set[int]) -> bool:
        if not r.checkable or r.checked == checked:
            return False
        r.checked = checked
        g = self._groups[self.group_row(r.kind)]
        g.checked += 1 if checked else -1
        # Overwriting a conflict also applies that model's other changes; dropping the
        # change of a model also drops overwriting its conflicting prices.
        other = None
        if r.kind == CONFLICT and checked:
            other = self._changed_row.get(r.id)
        elif r.kind == CHANGED and not checked:
            other = self._conflict_row.get(r.id)
        if other is not None and self._set_row(other, checked, touched):
            touched.add(self.group_row(other.kind))
        return True

    def _announce(self, groups: set[int]) -> None:
        roles = [Qt.ItemDataRole.CheckStateRole]
        for gi in sorted(groups):
            n = len(self._groups[gi].rows)
            parent = self.index(gi, 0)
            self.dataChanged.emit(parent, parent, roles)
            self.dataChanged.emit(
                self.index(0, COL_MODEL, parent), self.index(n - 1, COL_MODEL, parent), roles
            )
        if groups:
            self.checksChanged.emit()

    # -- QAbstractItemModel -----------------------------------------------------------------

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()
    ) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, id=0) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        gi = parent.row()
        if gi >= len(self._groups) or row >= len(self._groups[gi].rows):
            return QModelIndex()
        return self.createIndex(row, column, id=gi + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, id=0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].rows)
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(HEADERS)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section] or None
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (COL_INPUT, COL_OUTPUT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_MODEL:
            gi, row = self._locate(index)
            checkable = self._groups[gi].checkable if row is None else row.checkable
            if checkable:
                f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def _locate(self, index: QModelIndex | QPersistentModelIndex) -> tuple[int, PreviewRow | None]:
        if index.internalId() == 0:
            return index.row(), None
        gi = index.internalId() - 1
        return gi, self._groups[gi].rows[index.row()]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        gi, r = self._locate(index)
        g = self._groups[gi]
        col = index.column()
        if r is None:
            return self._group_data(g, gi, col, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_MODEL:
                return r.name
            if col == COL_ID:
                return "" if r.kind == SKIPPED else r.id
            if col == COL_PROVIDER:
                return r.provider
            if col == COL_INPUT:
                return "" if r.input is None else _usd(r.input)
            if col == COL_OUTPUT:
                return "" if r.output is None else _usd(r.output)
            return r.details
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_MODEL and r.checkable:
            return Qt.CheckState.Checked if r.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_INPUT, COL_OUTPUT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_DETAILS:
                return r.details.replace("; ", "\n")
            if col in (COL_MODEL, COL_ID):
                return r.id
            return None
        if role == SORT_ROLE:
            return _sort_key(r, col)
        if role == ROW_ROLE:
            return r
        return None

    def _group_data(self, g: _Group, gi: int, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return g.title() if col == COL_MODEL else ""
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_MODEL and g.checkable:
            if g.checked == 0:
                return Qt.CheckState.Unchecked
            if g.checked == len(g.rows):
                return Qt.CheckState.Checked
            return Qt.CheckState.PartiallyChecked
        if role == Qt.ItemDataRole.FontRole and col == COL_MODEL:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.DecorationRole and col == COL_MODEL and g.kind == CONFLICT:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                return app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_MODEL:
            if g.kind == CONFLICT:
                return (
                    "You edited these prices yourself. Tick a model to replace your price\n"
                    "with the imported one; unticked, your price stays."
                )
            if g.kind == SKIPPED:
                reasons: dict[str, int] = {}
                for r in g.rows:
                    key = r.details.split(" (", 1)[0]
                    reasons[key] = reasons.get(key, 0) + 1
                top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
                return "Why entries were skipped:\n" + "\n".join(f"{n:,} × {k}" for k, n in top)
        if role == SORT_ROLE:
            return gi
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.CheckStateRole
            or index.column() != COL_MODEL
        ):
            return False
        gi, r = self._locate(index)
        checked = _checked(value)
        touched: set[int] = set()
        if r is None:
            g = self._groups[gi]
            if not g.checkable:
                return False
            for row in g.rows:
                if self._set_row(row, checked, touched):
                    touched.add(gi)
        else:
            if not r.checkable:
                return False
            if self._set_row(r, checked, touched):
                touched.add(gi)
        self._announce(touched)
        return True


class ImportPreviewProxy(QSortFilterProxyModel):
    """Filters rows by a search text (matching name, id, provider or details) and sorts
    within each group on native values; the groups keep their order."""

    def __init__(self, source: ImportPreviewModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._src = source
        self._needle = ""
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)
        self.setSourceModel(source)

    @property
    def needle(self) -> str:
        return self._needle

    def set_needle(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self._needle:
            return
        # One relayout instead of a rowsInserted/rowsRemoved per range of rows: with
        # thousands of rows the incremental update takes seconds in a tree view.
        self._needle = needle
        self.invalidate()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._needle:
            return True
        if not source_parent.isValid():
            return False  # a group shows when one of its rows matches (recursive filtering)
        return self._src.row_matches(source_parent.row(), source_row, self._needle)

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        gid = left.internalId()
        if gid == 0:  # groups: always in their own order
            before = left.row() < right.row()
            return before if self.sortOrder() == Qt.SortOrder.AscendingOrder else not before
        col = left.column()
        a = self._src.sort_key(gid - 1, left.row(), col)
        b = self._src.sort_key(right.internalId() - 1, right.row(), col)
        if a == b:
            return left.row() < right.row()
        return a < b


# ---------------------------------------------------------------------------------------
# The dialog


class ImportPreviewDialog(QDialog):
    """Shows an ImportPlan and lets the user tick what to apply.

    After `exec()` returns Accepted, pass `selected_ids()` and `overwrite_conflicts()` to
    `apply_to_session`.
    """

    def __init__(
        self, plan: ImportPlan, result: ImportResult, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.result = result
        fmt_title = FORMAT_TITLES.get(result.format, result.format)
        self.setWindowTitle(f"Import prices from {fmt_title}")
        self.setSizeGripEnabled(True)

        title = QLabel(f"Import prices from {fmt_title}")
        tf = title.font()
        tf.setPointSizeF(tf.pointSizeF() * 1.25)
        tf.setBold(True)
        title.setFont(tf)
        source = QLabel(result.source)
        source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        source.setToolTip(result.source)
        source.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        meta = QLabel(
            f"Read {result.imported_at.isoformat()}: {_plural(len(result.models), 'model')}, "
            f"{_plural(len(result.skipped), 'entry', 'entries')} left out"
        )
        meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.summary_label = QLabel(summary_text(plan))
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
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)

        self.model = ImportPreviewModel(plan, self)
        self.proxy = ImportPreviewProxy(self.model, self)

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
        self.shown_label = QLabel()
        self.shown_label.setMinimumWidth(140)

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
        for col, width in (
            (COL_MODEL, 230),
            (COL_ID, 235),
            (COL_PROVIDER, 105),
            (COL_INPUT, 88),
            (COL_OUTPUT, 96),
        ):
            header.resizeSection(col, width)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        self.proxy.layoutChanged.connect(self._after_layout)
        self.proxy.modelReset.connect(self._after_layout)
        self.proxy.rowsInserted.connect(self._after_layout)
        self.proxy.rowsRemoved.connect(self._after_layout)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.model.checksChanged.connect(self._update_apply)

        tools = QHBoxLayout()
        tools.addWidget(self.filter_edit, 1)
        tools.addWidget(self.shown_label)
        tools.addStretch(0)
        tools.addWidget(self.expand_button)
        tools.addWidget(self.select_all_button)
        tools.addWidget(self.select_none_button)

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(source)
        lay.addWidget(meta)
        lay.addSpacing(4)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.hint_label)
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

    # -- what the user chose ----------------------------------------------------------------

    def selected_ids(self) -> set[str]:
        """Ids to import: ticked new and changed models, and ticked conflicts."""
        return self.model.checked_ids(ADDED, CHANGED, CONFLICT)

    def overwrite_conflicts(self) -> set[str]:
        """Ids whose user-edited prices the import may replace (ticked conflicts)."""
        return self.model.checked_ids(CONFLICT)

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
        self.apply_button.setText(f"Apply {_plural(n, 'change')}")
        self.apply_button.setEnabled(n > 0)


# ---------------------------------------------------------------------------------------
# Applying to the session, as one undo step


class _ImportCommand(QUndoCommand):
    """Swaps the session's whole overlay between its state before and after an import."""

    def __init__(self, session: Session, before: Overlay, after: Overlay, label: str) -> None:
        super().__init__(label)
        self._session = session
        self._before = before.model_copy(deep=True)
        self._after = after.model_copy(deep=True)

    def redo(self) -> None:
        self._swap(self._after)

    def undo(self) -> None:
        self._swap(self._before)

    def _swap(self, overlay: Overlay) -> None:
        self._session.loaded.overlay = overlay.model_copy(deep=True)
        self._session._reapply([])


def count_changes(plan: ImportPlan, selected: set[str], overwrite: set[str]) -> int:
    """How many models applying `selected` of `plan` adds or changes."""
    n = sum(1 for m in plan.added if m.id in selected)
    for model_id in dict.fromkeys([*plan.changed, *plan.conflicts]):
        if model_id in selected and (plan.changed.get(model_id) or model_id in overwrite):
            n += 1
    return n


def apply_to_session(
    session: Session,
    plan: ImportPlan,
    selected: set[str],
    overwrite: set[str],
    provenance: str,
) -> int:
    """Apply the ticked part of `plan` to the session's overlay as one undoable step.

    Returns the number of models added or changed (0: nothing was pushed). The shipped
    catalog is never written; the session saves its overlay file.
    """
    selected = set(selected)
    overwrite = set(overwrite) & selected
    n = count_changes(plan, selected, overwrite)
    if n == 0:
        return 0
    before = session.overlay
    after = apply_import(
        before,
        session.catalog,
        plan,
        selected,
        today=date.today(),
        provenance=provenance,
        overwrite_conflicts=frozenset(overwrite),
    )
    session.undo_stack.push(
        _ImportCommand(session, before, after, f"Import prices for {_plural(n, 'model')}")
    )
    return n


# ---------------------------------------------------------------------------------------
# The two entry points the main window calls


def _preview_and_apply(
    parent: QWidget | None, session: Session, result: ImportResult, provenance: str, what: str
) -> int:
    plan = plan_import(session.catalog, session.overlay, result)
    dlg = ImportPreviewDialog(plan, result, parent)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return 0
        n = apply_to_session(
            session, plan, dlg.selected_ids(), dlg.overwrite_conflicts(), provenance
        )
    finally:
        dlg.deleteLater()
    if n:
        session.message.emit(
            f"Imported prices for {_plural(n, 'model')} from {what}. Undo takes the import back."
        )
    return n


def run_import_file(parent: QWidget | None, session: Session, fmt: str, path: Path) -> bool:
    """Read a price file, preview it, and apply what the user ticks. True if the catalog changed."""
    path = Path(path)
    today = date.today()
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = read_import_file(fmt, path, today=today)
    except InputError as e:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "Import catalog", str(e))
        return False
    QGuiApplication.restoreOverrideCursor()
    provenance = f"{fmt} import of {path.name} on {today.isoformat()}"
    return _preview_and_apply(parent, session, result, provenance, path.name) > 0


def run_update(
    parent: QWidget | None,
    session: Session,
    source_name: str,
    *,
    source: UpdateSource | None = None,
    fetch_options: dict[str, Any] | None = None,
) -> None:
    """Download a public price list with a cancellable progress dialog, preview it, and
    apply what the user ticks. Any failure is shown and leaves the catalog as it was.

    `source` replaces SOURCES[source_name] and `fetch_options` are passed to `fetch`
    (tests point them at a local server).
    """
    if source is None:
        try:
            source = SOURCES[source_name]
        except KeyError:
            raise KeyError(
                f"unknown update source '{source_name}' (known: {', '.join(SOURCES)})"
            ) from None
    title = source.title
    worker = UpdateWorker(source, **(fetch_options or {}))
    progress = QProgressDialog(parent)
    progress.setWindowTitle("Update prices")
    progress.setLabelText(f"Downloading {title} prices…\n{source.url}")
    progress.setCancelButtonText("Cancel")
    progress.setRange(0, 0)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumWidth(460)

    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finish(kind: str, payload: Any = None) -> None:
        outcome["kind"], outcome["payload"] = kind, payload
        loop.quit()

    def on_progress(received: int, total: int) -> None:
        if worker.is_cancelled():
            return
        if total > 0:
            if progress.maximum() != total:
                progress.setRange(0, total)
            progress.setValue(min(received, total))
            if received >= total:
                progress.setLabelText(f"Reading {title} prices…\n{source.url}")
            else:
                progress.setLabelText(
                    f"Downloading {title} prices… {_mb(received)} of {_mb(total)}\n{source.url}"
                )
        else:
            progress.setLabelText(f"Downloading {title} prices… {_mb(received)}\n{source.url}")

    def on_cancel() -> None:
        worker.cancel()
        progress.setLabelText("Cancelling…")

    worker.progress.connect(on_progress)
    worker.finished.connect(lambda r: finish("finished", r))
    worker.failed.connect(lambda msg: finish("failed", msg))
    worker.cancelled.connect(lambda: finish("cancelled"))
    progress.canceled.connect(on_cancel)
    progress.rejected.connect(on_cancel)

    worker.start()
    progress.show()
    if "kind" not in outcome:
        loop.exec()
    worker.wait()
    progress.hide()
    progress.deleteLater()

    kind = outcome.get("kind")
    if kind == "cancelled":
        session.message.emit("Price update cancelled; your catalog was not changed.")
        return
    if kind != "finished":
        QMessageBox.warning(
            parent,
            "Update prices",
            f"Could not update prices from {title}.\n\n{outcome.get('payload')}\n\n"
            "Your catalog was not changed.",
        )
        return
    result: ImportResult = outcome["payload"]
    provenance = f"{source.name} update from {source.url} on {date.today().isoformat()}"
    _preview_and_apply(parent, session, result, provenance, title)


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n / (1024 * 1024):,.1f} MB"

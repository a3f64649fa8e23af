"""The import preview's rows: a tree of four groups (added, changed, conflicts, skipped),
ticked to choose what to apply, and the proxy that filters and sorts it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from planner.io.importers import ImportPlan
from planner.ui.import_text import (
    describe_added,
    describe_change,
    describe_conflict,
    plain_tip,
    plural,
    usd,
)
from planner.ui.roles import ROW_ROLE, SORT_ROLE

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

# ROW_ROLE: the row object (a PreviewRow, or None for a group row); SORT_ROLE: native values
# for sorting (never display strings). One set of roles for every model: planner.ui.roles.

#: Groups up to this many rows start expanded (conflicts always do).
EXPAND_UP_TO = 300


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
            return f"Added: {plural(n, 'new model')}"
        if self.kind == CHANGED:
            return f"Changed: {plural(n, 'model')} with new prices"
        if self.kind == CONFLICT:
            return f"Conflicts: {plural(n, 'model')} whose prices you edited (kept unless ticked)"
        return f"Skipped: {plural(n, 'entry', 'entries')} not imported"


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
                return "" if r.input is None else usd(r.input)
            if col == COL_OUTPUT:
                return "" if r.output is None else usd(r.output)
            return r.details
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_MODEL and r.checkable:
            return Qt.CheckState.Checked if r.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_INPUT, COL_OUTPUT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_DETAILS:
                return plain_tip(r.details.replace("; ", "\n"))
            if col in (COL_MODEL, COL_ID):
                return plain_tip(r.id if r.kind != SKIPPED else r.name)
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
                return plain_tip("Why entries were skipped:\n" + "\n".join(f"{n:,} × {k}" for k, n in top))
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

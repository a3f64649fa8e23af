"""CatalogFilterProxy: search, quality floor, tier, provider and capability filters over the catalog."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from planner.domain.catalog import Catalog
from planner.ui.catalog_columns import LONG_CONTEXT_TOKENS
from planner.ui.catalog_table_model import CatalogTableModel

_ROWS_ONLY = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
#: The layout signals' overload that carries a hint (the views read it: rows only, so the
#: columns' widths and hidden columns are left alone)
_WITH_HINT = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
#: Joins a model's name, id and provider in its search text: no typed search holds it.
_SEP = "\x00"


class CatalogFilterProxy(QAbstractTableModel):
    """The source's rows that pass the filters, in the source's order (the source sorts on
    native values with numpy; sorting here is forwarded to it).

    The rows shown are computed at once for all models (a mask over the catalog) on each
    filter change, and the view is told with one layout change, keeping the selection and
    the current cell where their model is still shown. (A QSortFilterProxyModel asks a
    Python filterAcceptsRow for each of 50,000 rows and removes the rows that go in as many
    scattered ranges: 120 ms a keystroke, against a few here.)"""

    #: the rows shown changed (after a filter change, a re-rank or a new catalog)
    filtered = Signal()

    def __init__(self, source: CatalogTableModel, parent=None) -> None:
        super().__init__(parent)
        self._src = source
        self.search = ""
        self.tier: str | None = None
        self.provider: str | None = None
        self.need_vision = False
        self.need_tools = False
        self.need_long_context = False
        self.apply_floor = True
        self._keys: list[str] = []
        self._keys_for: Catalog | None = None
        self._mask = self._compute_mask()
        self._set_rows(self._visible_rows())
        self._held: list[tuple[QModelIndex, int]] = []
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._source_reset)
        source.layoutAboutToBeChanged.connect(self._source_layout_about_to_change)
        source.layoutChanged.connect(self._source_layout_changed)
        source.dataChanged.connect(self._source_data)
        source.headerDataChanged.connect(self.headerDataChanged)

    # -- filters ---------------------------------------------------------------------------

    def set_filters(self, **kw) -> None:
        for k, v in kw.items():
            if not hasattr(self, k) or k.startswith("_"):
                raise AttributeError(k)
            setattr(self, k, v)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the mask and re-filter (call after the source re-ranks or changes)."""
        mask = self._compute_mask()
        if len(mask) == len(self._mask) and np.array_equal(mask, self._mask):
            return
        self._mask = mask
        self._relayout()

    def _compute_mask(self) -> np.ndarray:
        cat = self._src.catalog
        n = len(cat)
        mask = self._src.ranking.eligible.copy() if self.apply_floor else np.ones(n, dtype=bool)
        needle = self.search.strip().lower()
        if needle:
            mask &= self._search_mask(needle)
        tier, provider = self.tier, self.provider
        if tier or provider or self.need_vision or self.need_tools or self.need_long_context:
            models = cat.models
            for i in np.flatnonzero(mask).tolist():
                m = models[i]
                if tier and m.effective_tier.value != tier:
                    mask[i] = False
                elif provider and m.provider != provider:
                    mask[i] = False
                elif self.need_vision and not m.has_vision:
                    mask[i] = False
                elif self.need_tools and not m.has_tools:
                    mask[i] = False
                elif self.need_long_context and (m.context_window or 0) < LONG_CONTEXT_TOKENS:
                    mask[i] = False
        return mask

    def _search_mask(self, needle: str) -> np.ndarray:
        """Models whose name, id or provider holds `needle` (lower case), in one pass over
        texts made once per catalog."""
        cat = self._src.catalog
        if _SEP in needle:  # (only a program could search for it: each field on its own)
            return np.fromiter((needle in m.name.lower() or needle in m.id.lower() or needle in m.provider.lower()
                                for m in cat.models), dtype=bool, count=len(cat))
        if self._keys_for is not cat:
            self._keys = [_SEP.join((m.name, m.id, m.provider)).lower() for m in cat.models]
            self._keys_for = cat
        return np.fromiter((needle in k for k in self._keys), dtype=bool, count=len(self._keys))

    @property
    def visible_count(self) -> int:
        return len(self._rows)

    # -- rows --------------------------------------------------------------------------------

    def _visible_rows(self) -> np.ndarray:
        """The source rows shown, in the source's order."""
        order = self._src.order
        if len(order) != len(self._mask):  # (the source changed and the mask is not redone yet)
            return np.arange(len(order))
        return np.flatnonzero(self._mask[order])

    def _set_rows(self, rows: np.ndarray) -> None:
        self._rows: list[int] = rows.tolist()
        self._proxy_row = np.full(self._src.rowCount(), -1, dtype=np.int64)
        self._proxy_row[rows] = np.arange(len(rows))

    def _relayout(self) -> None:
        """Show the rows the mask passes now: one layout change; persistent indexes (the
        selection, the current cell) follow their source row, or go if it is not shown."""
        self.layoutAboutToBeChanged[_WITH_HINT].emit([], _ROWS_ONLY)
        persistent = self.persistentIndexList()
        sources = [self._rows[p.row()] if 0 <= p.row() < len(self._rows) else -1 for p in persistent]
        self._set_rows(self._visible_rows())
        self.changePersistentIndexList(persistent, [self._index_of(s, p.column()) for p, s in zip(persistent, sources, strict=True)])
        self.layoutChanged[_WITH_HINT].emit([], _ROWS_ONLY)
        self.filtered.emit()

    def _index_of(self, source_row: int, column: int) -> QModelIndex:
        r = int(self._proxy_row[source_row]) if 0 <= source_row < len(self._proxy_row) else -1
        return self.createIndex(r, column) if r >= 0 else QModelIndex()

    # -- following the source ------------------------------------------------------------------

    def _source_reset(self) -> None:
        self._mask = self._compute_mask()
        self._set_rows(self._visible_rows())
        self.endResetModel()
        self.filtered.emit()

    def _source_layout_about_to_change(self, _parents=(), hint=QAbstractItemModel.LayoutChangeHint.NoLayoutChangeHint) -> None:
        # the source re-sorts its rows: remember each persistent index by its model (catalog index)
        self.layoutAboutToBeChanged[_WITH_HINT].emit([], hint)
        order = self._src.order
        self._held = [(p, int(order[self._rows[p.row()]]) if 0 <= p.row() < len(self._rows) else -1)
                      for p in self.persistentIndexList()]

    def _source_layout_changed(self, _parents=(), hint=QAbstractItemModel.LayoutChangeHint.NoLayoutChangeHint) -> None:
        order = self._src.order
        self._set_rows(self._visible_rows())
        source_row = np.empty(len(order), dtype=np.int64)
        source_row[order] = np.arange(len(order))
        held, self._held = self._held, []
        self.changePersistentIndexList(
            [p for p, _ in held],
            [self._index_of(int(source_row[i]) if 0 <= i < len(source_row) else -1, p.column()) for p, i in held])
        self.layoutChanged[_WITH_HINT].emit([], hint)

    def _source_data(self, top_left: QModelIndex, bottom_right: QModelIndex, roles=()) -> None:
        if len(self._mask) != self._src.rowCount():
            self.refresh()
        if self._rows:
            self.dataChanged.emit(self.index(0, top_left.column()), self.index(len(self._rows) - 1, bottom_right.column()), roles)

    # -- mapping -------------------------------------------------------------------------------

    def mapToSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802 (Qt's name)
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return QModelIndex()
        return self._src.createIndex(self._rows[index.row()], index.column())

    def mapFromSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802 (Qt's name)
        return self._index_of(index.row(), index.column()) if index.isValid() else QModelIndex()

    # -- Qt model API: the source's cells, by the rows shown -------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < self._src.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._src.columnCount()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._src.data(self.mapToSource(index), role)

    def display_text(self, row: int, column: int) -> str:
        """The text shown in the cell at (row, column) ("" for none), without making an index."""
        text = self._src.data_at(self._rows[row], column, Qt.ItemDataRole.DisplayRole)
        return "" if text is None else str(text)

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan) -> None:  # noqa: N802, N803 (Qt's names)
        row = index.row()
        if index.isValid() and 0 <= row < len(self._rows):  # (as mapToSource, without making the index)
            self._src.fill_cell(self._rows[row], index.column(), roleDataSpan)
        else:
            for rd in roleDataSpan:
                rd.clearData()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return self._src.flags(self.mapToSource(index))

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        return self._src.setData(self.mapToSource(index), value, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        return self._src.headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._src.sort(column, order)

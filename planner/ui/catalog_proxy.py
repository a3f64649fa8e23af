"""CatalogFilterProxy: search, quality floor, tier, provider and capability filters over the catalog."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from planner.ui.catalog_columns import LONG_CONTEXT_TOKENS
from planner.ui.catalog_table_model import CatalogTableModel


class CatalogFilterProxy(QSortFilterProxyModel):
    """Filters rows with a mask computed once per filter change. Sorting is forwarded to
    the source model, which sorts on native values with numpy."""

    def __init__(self, source: CatalogTableModel, parent=None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._src = source
        self.search = ""
        self.tier: str | None = None
        self.provider: str | None = None
        self.need_vision = False
        self.need_tools = False
        self.need_long_context = False
        self.apply_floor = True
        self._mask = np.ones(source.rowCount(), dtype=bool)
        source.modelReset.connect(self.refresh)
        source.dataChanged.connect(self._on_source_data)
        self.refresh()

    def set_filters(self, **kw) -> None:
        for k, v in kw.items():
            if not hasattr(self, k):
                raise AttributeError(k)
            setattr(self, k, v)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the mask and re-filter (call after the source re-ranks or changes)."""
        cat = self._src.catalog
        n = len(cat)
        mask = self._src.ranking.eligible.copy() if self.apply_floor else np.ones(n, dtype=bool)
        needle = self.search.strip().lower()
        tier, provider = self.tier, self.provider
        if needle or tier or provider or self.need_vision or self.need_tools or self.need_long_context:
            for i, m in enumerate(cat.models):
                if not mask[i]:
                    continue
                if needle and needle not in m.name.lower() and needle not in m.id.lower() and needle not in m.provider.lower():
                    mask[i] = False
                elif tier and m.effective_tier.value != tier:
                    mask[i] = False
                elif provider and m.provider != provider:
                    mask[i] = False
                elif self.need_vision and not m.has_vision:
                    mask[i] = False
                elif self.need_tools and not m.has_tools:
                    mask[i] = False
                elif self.need_long_context and (m.context_window or 0) < LONG_CONTEXT_TOKENS:
                    mask[i] = False
        if len(mask) == len(self._mask) and np.array_equal(mask, self._mask):
            return
        self.beginFilterChange()
        self._mask = mask
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _on_source_data(self, *_args) -> None:
        if len(self._mask) != self._src.rowCount():
            self.refresh()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        i = self._src.catalog_index(source_row)
        return bool(self._mask[i]) if i < len(self._mask) else True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._src.sort(column, order)

    @property
    def visible_count(self) -> int:
        return int(self._mask.sum())

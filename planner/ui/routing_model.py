"""RoutingModel: a draft routing mix (model, share %) edited before it is applied to a line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from planner.domain.money import ONE
from planner.domain.plan import RouteShare
from planner.ui.cell_numbers import parse_percent

COL_MODEL, COL_SHARE = range(2)


class RoutingModel(QAbstractTableModel):
    """Rows of (model id, share). Shares may be off 100% while editing; `is_valid` says
    whether the draft can be applied, `problem` says why not."""

    changed = Signal()
    editRejected = Signal(str)

    def __init__(self, catalog_getter, parent=None) -> None:
        super().__init__(parent)
        self._catalog = catalog_getter
        self._rows: list[list[Any]] = []  # [model_id, Decimal share]

    def set_routes(self, routes: list[RouteShare]) -> None:
        self.beginResetModel()
        self._rows = [[r.model, r.share] for r in routes]
        self.endResetModel()
        self.changed.emit()

    def routes(self) -> list[RouteShare]:
        return [RouteShare(model=m, share=s) for m, s in self._rows]

    def add(self, model_id: str, share: Decimal | None = None) -> None:
        if any(m == model_id for m, _ in self._rows):
            self.editRejected.emit(f"{self._name(model_id)} is already in the mix")
            return
        if share is None:
            share = max(ONE - self.total, Decimal(0))
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self._rows.append([model_id, share])
        self.endInsertRows()
        self.changed.emit()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.changed.emit()

    @property
    def total(self) -> Decimal:
        return sum((s for _, s in self._rows), Decimal(0))

    @property
    def problem(self) -> str | None:
        if not self._rows:
            return None
        if self.total != ONE:
            return f"Shares add up to {(self.total * 100).normalize():f}%: they must add up to 100%"
        return None

    @property
    def is_valid(self) -> bool:
        return self.problem is None

    def _name(self, model_id: str) -> str:
        m = self._catalog().get(model_id)
        return m.name if m is not None else model_id

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 2:
            return ("Model", "Share %")[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return f | Qt.ItemFlag.ItemIsEditable if index.column() == COL_SHARE else f

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        model_id, share = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._name(model_id) if index.column() == COL_MODEL else f"{(share * 100).normalize():f}%"
        if role == Qt.ItemDataRole.EditRole:
            return model_id if index.column() == COL_MODEL else f"{(share * 100).normalize():f}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_MODEL:
            return model_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_SHARE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != COL_SHARE:
            return False
        try:
            share = parse_percent(value)
        except ValueError as e:
            self.editRejected.emit(f"Share of {self._name(self._rows[index.row()][0])}: {e}")
            return False
        self._rows[index.row()][1] = share
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True

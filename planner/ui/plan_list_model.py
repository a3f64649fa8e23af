"""PlanListModel: a table over one of the plan's lists of items (the flat multipliers, the fixed
add-ons) whose first column switches an item on or off. Every edit replaces the whole list
through one undoable command; a refused edit says why and keeps the old value."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from planner.ui.plan_document import PlanDocument

COL_ON = 0


class PlanListModel(QAbstractTableModel):
    editRejected = Signal(str)

    #: the plan's list this model shows, and its columns' headers and tooltips
    ATTR = ""
    HEADERS: tuple[str, ...] = ()
    TIPS: tuple[str, ...] = ()

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._count = len(self.items)
        doc.settingsChanged.connect(self._refresh)
        doc.structureChanged.connect(self._refresh)

    def _refresh(self) -> None:
        n = len(self.items)
        if n != self._count:
            self.beginResetModel()
            self._count = n
            self.endResetModel()
        elif n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(self.HEADERS) - 1))

    @property
    def items(self) -> list[Any]:
        return getattr(self.doc.plan, self.ATTR)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.HEADERS)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.TIPS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_ON:
            return f | Qt.ItemFlag.ItemIsUserCheckable
        return f | Qt.ItemFlag.ItemIsEditable

    def edited(self, row: int, col: int, value: Any, role: int) -> tuple[BaseModel, str] | None:
        """The item that `value` typed in (row, col) makes and the undo label; None when the
        edit does not apply. Raises ValueError or ValidationError when it is refused."""
        raise NotImplementedError

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row = index.row()
        old = self.items[row]
        try:
            change = self.edited(row, index.column(), value, role)
        except ValueError as e:
            msg = e.errors()[0].get("msg", "invalid").removeprefix("Value error, ") \
                if isinstance(e, ValidationError) else str(e)
            self.editRejected.emit(f"{old.name}: {msg}. The old value was kept.")
            return False
        if change is None or change[0] == old:
            return False
        items = list(self.items)
        items[row] = change[0]
        self.doc.set_plan_attr(self.ATTR, items, change[1])
        return True

    def append(self, item: BaseModel, label: str) -> None:
        self.doc.set_plan_attr(self.ATTR, [*self.items, item], label)

    def remove(self, row: int) -> None:
        if 0 <= row < self._count:
            items = list(self.items)
            gone = items.pop(row)
            self.doc.set_plan_attr(self.ATTR, items, f"Remove {gone.name}")


def checked(value: Any) -> bool:
    """Whether a check-state value set on the On column means on."""
    return value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)

"""MultipliersModel: the plan's flat multipliers (on/off, low / expected / high savings)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from planner.domain.plan import FlatMultiplier
from planner.ui.cell_numbers import parse_percent
from planner.ui.plan_document import PlanDocument
from planner.ui.roles import ROW_ROLE
from planner.ui.style import muted_brush, plain_tooltip

COL_ON, COL_NAME, COL_LOW, COL_EXPECTED, COL_HIGH = range(5)
_FIELDS = {COL_LOW: "low", COL_EXPECTED: "expected", COL_HIGH: "high"}


class MultipliersModel(QAbstractTableModel):
    """Edits replace the plan's whole multiplier list through one undoable command."""

    editRejected = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._count = len(doc.plan.multipliers)
        doc.settingsChanged.connect(self._refresh)
        doc.structureChanged.connect(self._refresh)

    def _refresh(self) -> None:
        n = len(self.doc.plan.multipliers)
        if n != self._count:
            self.beginResetModel()
            self._count = n
            self.endResetModel()
        elif n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, 4))

    @property
    def items(self) -> list[FlatMultiplier]:
        return self.doc.plan.multipliers

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < 5):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ("On", "Lever", "Low %", "Expected %", "High %")[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return ("Apply this saving to the total",
                    "A lever not modelled line by line",
                    "Smallest saving expected: gives the worst (highest) budget",
                    "The saving used for the expected total",
                    "Largest saving expected: gives the best (lowest) budget")[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_ON:
            return f | Qt.ItemFlag.ItemIsUserCheckable
        return f | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._count):
            return None
        m = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_ON:
            return Qt.CheckState.Checked if m.enabled else Qt.CheckState.Unchecked
        if role == ROW_ROLE:
            return m
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == COL_NAME:
                return m.name
            if col in _FIELDS:
                v = getattr(m, _FIELDS[col]) * 100
                return f"{v.normalize():f}" + ("%" if role == Qt.ItemDataRole.DisplayRole else "")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _FIELDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not m.enabled and col != COL_ON:
            return muted_brush()
        if role == Qt.ItemDataRole.ToolTipRole and m.note:
            return plain_tooltip(m.note)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, col = index.row(), index.column()
        m = self.items[row]
        try:
            if col == COL_ON and role == Qt.ItemDataRole.CheckStateRole:
                on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
                new = m.model_copy(update={"enabled": on})
                label = f"{'Turn on' if on else 'Turn off'} {m.name}"
            elif role != Qt.ItemDataRole.EditRole:
                return False
            elif col == COL_NAME:
                name = str(value).strip()
                if not name:
                    raise ValueError("a name is required")
                new = FlatMultiplier.model_validate({**m.model_dump(), "name": name})
                label = f"Rename {m.name}"
            elif col in _FIELDS:
                v = parse_percent(value)
                new = FlatMultiplier.model_validate({**m.model_dump(), _FIELDS[col]: v})
                label = f"Edit {m.name} {_FIELDS[col]} saving"
            else:
                return False
        except ValueError as e:
            self.editRejected.emit(f"{m.name}: {e}. The old value was kept.")
            return False
        except ValidationError as e:
            msg = e.errors()[0].get("msg", "invalid").removeprefix("Value error, ")
            self.editRejected.emit(f"{m.name}: {msg}. The old value was kept.")
            return False
        if new == m:
            return False
        items = list(self.items)
        items[row] = new
        self.doc.set_plan_attr("multipliers", items, label)
        return True

    def add(self, name: str = "Custom lever") -> None:
        items = [*self.items, FlatMultiplier(name=name, enabled=True, low=0, expected=0, high=0)]  # type: ignore[arg-type]
        self.doc.set_plan_attr("multipliers", items, f"Add {name}")

    def remove(self, row: int) -> None:
        if 0 <= row < self._count:
            items = list(self.items)
            gone = items.pop(row)
            self.doc.set_plan_attr("multipliers", items, f"Remove {gone.name}")

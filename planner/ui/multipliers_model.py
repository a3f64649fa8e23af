"""MultipliersModel: the plan's flat multipliers (on/off, low / expected / high savings)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from planner.domain.plan import FlatMultiplier
from planner.ui.cell_numbers import parse_percent
from planner.ui.plan_list_model import COL_ON, PlanListModel, checked
from planner.ui.roles import ROW_ROLE
from planner.ui.style import muted_brush, plain_tooltip

COL_NAME, COL_LOW, COL_EXPECTED, COL_HIGH = range(1, 5)
_FIELDS = {COL_LOW: "low", COL_EXPECTED: "expected", COL_HIGH: "high"}

__all__ = ["COL_EXPECTED", "COL_HIGH", "COL_LOW", "COL_NAME", "COL_ON", "MultipliersModel"]


class MultipliersModel(PlanListModel):
    """Edits replace the plan's whole multiplier list through one undoable command."""

    ATTR = "multipliers"
    HEADERS = ("On", "Lever", "Low %", "Expected %", "High %")
    TIPS = ("Apply this saving to the total",
            "A lever not modelled line by line",
            "Smallest saving expected: gives the worst (highest) budget",
            "The saving used for the expected total",
            "Largest saving expected: gives the best (lowest) budget")

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

    def edited(self, row: int, col: int, value: Any, role: int) -> tuple[FlatMultiplier, str] | None:
        m = self.items[row]
        if col == COL_ON and role == Qt.ItemDataRole.CheckStateRole:
            on = checked(value)
            return m.model_copy(update={"enabled": on}), f"{'Turn on' if on else 'Turn off'} {m.name}"
        if role != Qt.ItemDataRole.EditRole:
            return None
        if col == COL_NAME:
            name = str(value).strip()
            if not name:
                raise ValueError("a name is required")
            return FlatMultiplier.model_validate({**m.model_dump(), "name": name}), f"Rename {m.name}"
        if col in _FIELDS:
            v = parse_percent(value)
            return (FlatMultiplier.model_validate({**m.model_dump(), _FIELDS[col]: v}),
                    f"Edit {m.name} {_FIELDS[col]} saving")
        return None

    def add(self, name: str = "Custom lever") -> None:
        self.append(FlatMultiplier(name=name, enabled=True, low=0, expected=0, high=0), f"Add {name}")  # type: ignore[arg-type]

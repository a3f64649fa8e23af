"""AddOnsModel: the plan's fixed monthly add-ons (on/off, name, amount a month, group)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from planner.domain.plan import AddOn
from planner.formatting import fmt_money
from planner.ui.cell_numbers import parse_amount
from planner.ui.plan_list_model import COL_ON, PlanListModel, checked
from planner.ui.roles import ROW_ROLE
from planner.ui.style import muted_brush, plain_tooltip

COL_NAME, COL_AMOUNT, COL_GROUP = range(1, 4)

__all__ = ["COL_AMOUNT", "COL_GROUP", "COL_NAME", "COL_ON", "AddOnsModel"]
_HEADERS = ("On", "Add-on", "A month", "Group")
_TIPS = (
    "Count this add-on in every month's total",
    "A fixed monthly cost outside the token prices: a vector store, an observability plan, a support contract",
    "The amount a month, in the plan's currency: the same every month (no growth, no price trend, no lever, "
    "overhead or fee applies to it)",
    "The team, product or cost centre it is charged to (as a line's group)",
)


class AddOnsModel(PlanListModel):
    """Edits replace the plan's whole add-on list through one undoable command."""

    ATTR = "add_ons"
    HEADERS = _HEADERS
    TIPS = _TIPS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._count):
            return None
        a = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_ON:
            return Qt.CheckState.Checked if a.enabled else Qt.CheckState.Unchecked
        if role == ROW_ROLE:
            return a
        if role == Qt.ItemDataRole.DisplayRole:
            return {COL_NAME: a.name, COL_AMOUNT: fmt_money(a.monthly, self.doc.plan.currency.code),
                    COL_GROUP: a.group}.get(col)
        if role == Qt.ItemDataRole.EditRole:
            return {COL_NAME: a.name, COL_AMOUNT: f"{a.monthly.normalize():f}", COL_GROUP: a.group}.get(col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not a.enabled and col != COL_ON:
            return muted_brush()
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(a.note) if a.note else _TIPS[col]
        return None

    def edited(self, row: int, col: int, value: Any, role: int) -> tuple[AddOn, str] | None:
        a = self.items[row]
        if col == COL_ON and role == Qt.ItemDataRole.CheckStateRole:
            on = checked(value)
            update: dict[str, Any] = {"enabled": on}
            label = f"{'Count' if on else 'Leave out'} {a.name}"
        elif role != Qt.ItemDataRole.EditRole:
            return None
        elif col == COL_NAME:
            name = str(value).strip()
            if not name:
                raise ValueError("a name is required")
            if any(o.name == name for i, o in enumerate(self.items) if i != row):
                raise ValueError(f"another add-on is named '{name}'")
            update, label = {"name": name}, f"Rename {a.name}"
        elif col == COL_AMOUNT:
            update, label = {"monthly": parse_amount(value)}, f"Change {a.name} amount"
        elif col == COL_GROUP:
            update, label = {"group": str(value).strip()}, f"Change {a.name} group"
        else:
            return None
        return AddOn.model_validate({**a.model_dump(), **update}), label

    def add(self, name: str = "Add-on") -> int:
        """A new add-on of 0 a month, named uniquely; returns its row."""
        taken = {a.name for a in self.items}
        unique, k = name, 2
        while unique in taken:
            unique, k = f"{name} {k}", k + 1
        self.append(AddOn(name=unique, monthly=0), f"Add {unique}")  # type: ignore[arg-type]
        return len(self.items) - 1

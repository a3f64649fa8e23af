"""The Group selector: whether the totals and the plan's charts show every line or one
group's (a team, product or cost centre); one selector for the Workload and Charts tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

if TYPE_CHECKING:
    from planner.ui.plan_document import PlanDocument

ALL_LINES = "All lines"
TIP = ("Show the totals, the savings waterfall and the plan's charts for one group's lines (Alt+G).\n"
       "A group's figures are the sums of its lines' amounts as shown on the worksheet; its waterfall's "
       "steps are rounded so that they add up to its baseline − optimized.\n"
       "The budget and the forecast settings stay the whole plan's.")
NO_GROUPS_TIP = ("Give lines a group (the worksheet's Group column) or a fixed add-on a group to see the totals "
                 "and charts by group.")


def group_names(doc: PlanDocument) -> list[str]:
    """The plan's groups as the group figures order them (planner.domain.summary.group_order);
    none when neither a line nor an add-on names a group."""
    lines, add_ons = [ln.group for ln in doc.plan.lines], [a.group for a in doc.plan.enabled_add_ons()]
    if not any(g.strip() for g in (*lines, *add_ons)):
        return []
    # (a window on a plan with no groups does without the summary module)
    from planner.domain.summary import group_order

    return group_order(lines, add_ons)


class GroupSelector(QWidget):
    """'Group: [All lines | a group]'; emits groupChanged (the group's name, or None for all
    lines) when the user picks one or when the chosen group no longer exists."""

    groupChanged = Signal(object)
    message = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.doc: PlanDocument | None = None
        self.label = QLabel("&Group:")
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(10)
        self.combo.setAccessibleName("Group")
        self.label.setBuddy(self.combo)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.combo)
        self._names: list[str] = []
        self.combo.addItem(ALL_LINES, None)
        self.combo.currentIndexChanged.connect(self._picked)
        self._set_enabled(False)

    @property
    def group(self) -> str | None:
        return self.combo.currentData()

    def follow(self, doc: PlanDocument) -> None:
        """Offer `doc`'s groups (a new document starts on all lines)."""
        if self.doc is not None:
            self.doc.resultChanged.disconnect(self.refresh)
        was = self.group
        self.doc = doc
        doc.resultChanged.connect(self.refresh)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)
        self.refresh()
        if was is not None:
            self.groupChanged.emit(None)

    def select(self, name: str | None) -> bool:
        """Choose a group by name (None: all lines); False when the plan has no such group."""
        i = self.combo.findData(name) if name is not None else 0
        if i < 0:
            return False
        self.combo.setCurrentIndex(i)
        return True

    def refresh(self) -> None:
        """The plan's groups now: the choice is kept while its group exists."""
        names = group_names(self.doc) if self.doc is not None else []
        if names == self._names:
            return
        self._names = names
        keep = self.group
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(ALL_LINES, None)
        for n in names:
            self.combo.addItem(n, n)
        i = self.combo.findData(keep) if keep is not None else 0
        self.combo.setCurrentIndex(max(i, 0))
        self.combo.blockSignals(False)
        self._set_enabled(bool(names))
        if keep is not None and i < 0:
            self.message.emit(f"No line is in group '{keep}' any more: the totals and charts show all lines.")
            self.groupChanged.emit(None)

    def _set_enabled(self, on: bool) -> None:
        self.combo.setEnabled(on)
        self.label.setEnabled(on)
        tip = TIP if on else NO_GROUPS_TIP
        self.combo.setToolTip(tip)
        self.label.setToolTip(tip)

    def _picked(self, _index: int) -> None:
        self.groupChanged.emit(self.group)

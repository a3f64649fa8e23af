"""The scenario bar of the Workload tab: which plan the worksheet shows (the base or one of
its scenarios), the scenarios' add / rename / delete, the ready-made what-ifs, Compare, and
the By month toggle; with "Reset to base" on an overridden worksheet cell."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import InputError
from planner.domain.prices import plan_model
from planner.domain.ranking import DEFAULT_QUALITY_FLOOR
from planner.domain.scenarios import batch_everything, prompt_caching_on, scale_volume
from planner.domain.suggest import suggest_cheaper
from planner.ui.plan_document import PlanDocument
from planner.ui.style import Tone, css
from planner.ui.worksheet_model import COLUMNS, override_fields

#: the first entry of the scenario list: the plan itself
BASE_LABEL = "Base plan"


class ScenarioBar(QWidget):
    """Built by the Workload tab (`tab`: its document, worksheet table and error display)."""

    def __init__(self, tab: Any) -> None:
        super().__init__(tab)
        self.tab, self.doc = tab, tab.doc
        doc: PlanDocument = self.doc
        self.choice = QComboBox()
        self.choice.setMinimumContentsLength(18)
        self.choice.setToolTip("The worksheet shows the base plan or one of its scenarios; in a scenario, "
                               "every edit overrides the base (shown in colour, right-click to reset)")
        self.choice.activated.connect(lambda i: self._activate(self.choice.itemData(i)))
        self.btn_add = self._button("New scenario…", "A new scenario on top of the base", lambda: self.add())
        self.btn_rename = self._button("Rename…", "Rename the scenario shown", lambda: self.rename())
        self.btn_delete = self._button("Delete", "Delete the scenario shown (undo brings it back)", self.delete)
        self.btn_whatif = self._button("What if ▾", "Ready-made scenarios: applied to the scenario shown, or "
                                       "to a new scenario when the base is shown", None)
        menu = QMenu(self.btn_whatif)
        menu.addAction("Cheapest model at or above a quality, for the current line…", self.cheaper_line)
        menu.addAction("Prompt caching on where the model supports it", self.caching_on)
        menu.addAction("Scale the volume ×N…", lambda: self.scale())
        menu.addAction("Batch everything", self.batch_all)
        self.btn_whatif.setMenu(menu)
        self.btn_whatif.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.btn_compare = self._button("Compare…", "The base and the scenarios side by side", self.compare)
        self.btn_by_month = self._button("By month", "The budget by line, group and month instead of the worksheet",
                                         None)
        self.btn_by_month.setCheckable(True)
        self.btn_by_month.toggled.connect(self.show_by_month)
        self.overrides_label = QLabel()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("<b>Scenario</b>"))
        row.addWidget(self.choice)
        for b in (self.btn_add, self.btn_rename, self.btn_delete, self.btn_whatif):
            row.addWidget(b)
        row.addSpacing(12)
        row.addWidget(self.btn_compare)
        row.addWidget(self.btn_by_month)
        row.addWidget(self.overrides_label, 1)
        self.by_month = None  # created when first shown
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)

        table = tab.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._cell_menu)
        doc.scenariosChanged.connect(self._refresh)
        doc.structureChanged.connect(lambda: QTimer.singleShot(0, self._keep_by_month))
        doc.resultChanged.connect(self._count_overrides)
        self._refresh()

    def _button(self, text: str, tip: str, slot: Callable[[], Any] | None) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        if slot is not None:
            b.clicked.connect(lambda _checked=False: slot())
        return b

    # -- the list ------------------------------------------------------------------------------

    def _refresh(self) -> None:
        self.choice.clear()
        self.choice.addItem(BASE_LABEL, None)
        for sc in self.doc.stored_plan.scenarios:
            self.choice.addItem(sc.name, sc.name)
            if sc.notes:
                self.choice.setItemData(self.choice.count() - 1, sc.notes, Qt.ItemDataRole.ToolTipRole)
        self.choice.setCurrentIndex(max(self.choice.findData(self.doc.scenario), 0))
        on_scenario = self.doc.scenario is not None
        self.btn_rename.setEnabled(on_scenario)
        self.btn_delete.setEnabled(on_scenario)
        self._count_overrides()

    def _count_overrides(self) -> None:
        if self.doc.scenario is None:
            self.overrides_label.setText("")
            return
        n = sum(len(self.doc.overrides(r)) for r in range(len(self.doc.stored_plan.lines)))
        self.overrides_label.setText(
            f"<span style='{css(Tone.EDITED)}'><i>Scenario '{html.escape(self.doc.scenario)}': {n} override(s) of the base;"
            " edits here change this scenario only</i></span>")

    def _activate(self, name: str | None) -> None:
        self.doc.activate(name)

    def _run(self, action: Callable[[], Any]) -> bool:
        try:
            action()
        except InputError as e:
            self.tab.show_error(str(e))
            return False
        return True

    # -- add, rename, delete ---------------------------------------------------------------------

    def add(self, name: str | None = None, overrides: dict | None = None) -> bool:
        if name is None:
            name, ok = QInputDialog.getText(self, "New scenario", "Name of the scenario:",
                                            text=self._free_name("Scenario"))
            if not ok:
                return False
        return self._run(lambda: self.doc.add_scenario(name, overrides))

    def rename(self, name: str | None = None) -> bool:
        current = self.doc.scenario
        if current is None:
            return False
        if name is None:
            name, ok = QInputDialog.getText(self, "Rename scenario", "New name:", text=current)
            if not ok:
                return False
        return self._run(lambda: self.doc.rename_scenario(current, name))

    def delete(self) -> None:
        if self.doc.scenario is not None:
            name = self.doc.scenario
            self.doc.delete_scenario(name)
            self.tab.statusMessage.emit(f"Deleted scenario '{name}'. Undo with Ctrl+Z.")

    def _free_name(self, stem: str) -> str:
        taken = {sc.name.casefold() for sc in self.doc.stored_plan.scenarios}
        name, n = stem, 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem} {n}"
        return name

    # -- ready-made what-ifs -------------------------------------------------------------------

    def _what_if(self, title: str, overrides: dict[str, dict[str, Any]]) -> bool:
        """Overrides into the scenario shown, or into a new scenario named `title` on the base."""
        if not overrides:
            self.tab.show_error(f"{title}: nothing to change in this plan.")
            return False
        if self.doc.scenario is None:
            return self.add(self._free_name(title), overrides)
        return self._run(lambda: self.doc.apply_overrides(overrides, title))

    def batch_all(self) -> bool:
        return self._what_if("Batch everything", batch_everything(self.doc.plan))

    def caching_on(self) -> bool:
        doc = self.doc

        def supports(model_id: str) -> bool:
            m = plan_model(doc.plan, doc.catalog, model_id)
            return m is not None and bool(m.cache_read)

        return self._what_if("Prompt caching on", prompt_caching_on(doc.plan, supports))

    def scale(self, factor: Decimal | None = None) -> bool:
        if factor is None:
            value, ok = QInputDialog.getDouble(self, "Scale the volume", "Requests × ", 2.0, 0.01, 1000.0, 2)
            if not ok:
                return False
            factor = Decimal(str(value))
        return self._what_if(f"Volume ×{factor.normalize():f}", scale_volume(self.doc.plan, factor))

    def cheaper_line(self, quality: float | None = None) -> bool:
        """The current line on the cheapest model at or above a quality (suggest_cheaper)."""
        doc = self.doc
        row = self.tab.current_row()
        if row is None:
            return False
        metric = doc.catalog.default_quality_metric
        name = doc.plan.lines[row].name
        if quality is None:
            own = plan_model(doc.plan, doc.catalog, doc.plan.lines[row].model)
            start = own.quality.get(metric) if own is not None else None
            quality, ok = QInputDialog.getDouble(self, "Cheapest model at or above a quality",
                                                 f"'{name}': quality at least ({metric})",
                                                 start if start is not None else DEFAULT_QUALITY_FLOOR, 0, 100, 0)
            if not ok:
                return False
        s = suggest_cheaper(doc.plan, doc.catalog, row, metric, quality)
        if s is None:
            self.tab.show_error(f"No model of quality {quality:g} or more costs less than '{name}' does now.")
            return False
        return self._what_if(f"{name} on {s.model.name}", {name: {"model": s.model.id, "routing": []}})

    # -- compare, by month -----------------------------------------------------------------------

    def compare(self) -> None:
        from planner.ui.compare_view import CompareDialog

        CompareDialog(self.doc, self).show()

    def show_by_month(self, on: bool) -> None:
        if on and self.by_month is None:
            from planner.ui.by_month_view import ByMonthView

            self.by_month = ByMonthView(self.doc)
            self.layout().addWidget(self.by_month, 1)
        if self.by_month is not None:
            self.by_month.setVisible(on)
        parent = self.parentWidget().layout() if self.parentWidget() is not None else None
        if parent is not None:
            parent.setStretchFactor(self, 1 if on else 0)
        self._keep_by_month()

    def _keep_by_month(self) -> None:
        """The worksheet gives way to the budget by month while it is shown."""
        on = self.btn_by_month.isChecked()
        empty = not self.doc.plan.lines
        self.tab.table.setVisible(not on and not empty)
        self.tab.empty_hint.setVisible(not on and empty)

    # -- reset to base ---------------------------------------------------------------------------

    def _cell_menu(self, pos: QPoint) -> None:
        menu = self.cell_menu(self.tab.table.indexAt(pos))
        if menu is not None:
            menu.exec(self.tab.table.viewport().mapToGlobal(pos))

    def cell_menu(self, index) -> QMenu | None:
        """The worksheet cell's menu: "Reset to base" where the scenario overrides the cell."""
        if not index.isValid() or self.doc.scenario is None:
            return None
        row, col = index.row(), index.column()
        fields = override_fields(col) & self.doc.overrides(row)
        line_fields = self.doc.overrides(row)
        if not line_fields:
            return None
        menu = QMenu(self)
        a = menu.addAction(f"Reset {COLUMNS[col].label} to base", lambda: self.doc.reset_to_base(row, sorted(fields)))
        a.setEnabled(bool(fields))
        menu.addAction(f"Reset the whole line to base ({len(line_fields)} override(s))",
                       lambda: self.doc.reset_to_base(row, sorted(line_fields)))
        return menu

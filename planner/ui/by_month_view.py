"""The budget by month in the Workload tab: line × month with group subtotals, the total, and
fiscal-year totals (the domain's budget table, laid out as the by-month export lays it out);
read-only, and copied to the clipboard as tab-separated plain numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import fmt_money
from planner.io.export_sections import Source, build_by_month
from planner.io.export_table import ByMonth
from planner.ui.plan_document import PlanDocument
from planner.ui.style import computed_brush, muted_css

_BOLD = QFont()
_BOLD.setBold(True)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ByMonthModel(QAbstractTableModel):
    """Rows: each group's lines, the group's subtotal (when lines name groups), the total.
    Columns: line, group, each month, each fiscal year, the total."""

    FIXED = ("Line", "Group")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table: ByMonth | None = None
        self.currency = "USD"

    def set_table(self, table: ByMonth | None, currency: str) -> None:
        self.beginResetModel()
        self.table, self.currency = table, currency
        self.endResetModel()

    def headers(self) -> list[str]:
        t = self.table
        if t is None:
            return list(self.FIXED)
        return [*self.FIXED, *t.labels, *t.fiscal_years, "Total"]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.table is None else len(self.table.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            h = self.headers()
            return h[section] if 0 <= section < len(h) else None
        return None

    def amount(self, row: int, col: int) -> Decimal | None:
        """The amount in a cell (None in the name columns)."""
        r = self.table.rows[row]
        k = col - len(self.FIXED)
        values = [*r.months, *r.fiscal, r.total]
        return values[k] if 0 <= k < len(values) else None

    def text(self, row: int, col: int, plain: bool = False) -> str:
        r = self.table.rows[row]
        if col == 0:
            return r.name if r.kind == "line" else f"{r.name} subtotal" if r.kind == "group" else r.name
        if col == 1:
            return r.group if r.kind == "line" else ""
        v = self.amount(row, col)
        if v is None:
            return ""
        return f"{v}" if plain else fmt_money(v, self.currency)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.table is None:
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col)
        kind = self.table.rows[row].kind
        if role == Qt.ItemDataRole.FontRole and kind != "line":
            return _BOLD
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(self.FIXED):
            return _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and (kind != "line" or col >= len(self.FIXED) + len(self.table.labels)):
            return computed_brush()
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags


class ByMonthView(QWidget):
    """Follows the document's result (the plan or scenario shown)."""

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.model = ByMonthModel(self)
        self.title = QLabel()
        self.note = QLabel()
        self.note.setStyleSheet(muted_css())
        copy_all = QToolButton()
        copy_all.setText("Copy table")
        copy_all.setToolTip("The whole table as tab-separated plain numbers, for a spreadsheet")
        copy_all.clicked.connect(lambda _c=False: self.copy(everything=True))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        copy = QAction(self.view)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(lambda: self.copy())
        self.view.addAction(copy)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.note, 1)
        head.addWidget(copy_all)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.view, 1)
        doc.resultChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        doc = self.doc
        if doc.result is None or not doc.plan.lines:
            self.model.set_table(None, doc.plan.currency.code)
            self.title.setText("<b>Budget by month</b>")
            self.note.setText(doc.error or "No lines yet.")
            return
        table = build_by_month(Source.of(doc.plan, doc.catalog, doc.result))
        self.model.set_table(table, doc.result.currency)
        shown = f" · scenario '{doc.scenario}'" if doc.scenario else ""
        self.title.setText(f"<b>Budget by month</b> ({doc.result.currency}, expected){shown}")
        self.note.setText("  Read-only: edit the worksheet. Fiscal years start in month "
                          f"{doc.plan.fiscal_year_start}." if table.fiscal_years else
                          "  Read-only: edit the worksheet. Set a start month in the forecast for fiscal years.")
        self.view.setColumnHidden(1, not table.grouped)  # (no line names a group)
        self.view.resizeColumnsToContents()

    def copy(self, everything: bool = False) -> str:
        """Selected cells (or the whole table) with their column headers, tab-separated."""
        m = self.model
        if everything or not self.view.selectionModel().selectedIndexes():
            cells = {(r, c) for r in range(m.rowCount()) for c in range(m.columnCount())}
        else:
            cells = {(i.row(), i.column()) for i in self.view.selectionModel().selectedIndexes()}
        if not cells:
            return ""
        rows = sorted({r for r, _ in cells})
        cols = sorted({c for _, c in cells})
        heads = m.headers()
        out = ["\t".join(heads[c] for c in cols)]
        out += ["\t".join(m.text(r, c, plain=True) if (r, c) in cells else "" for c in cols) for r in rows]
        text = "\n".join(out)
        QGuiApplication.clipboard().setText(text)
        return text

"""What changed in the catalog since a plan pinned its prices, and the choice to re-price."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from planner.domain.plan import Plan
from planner.formatting import fmt_money, fmt_price
from planner.io.plan_files import PriceChange

if TYPE_CHECKING:
    from planner.domain.costing import PlanResult

FIELD_LABELS = {
    "input": "Input $/1M",
    "output": "Output $/1M",
    "cache_read": "Cache read $/1M",
    "cache_write": "Cache write $/1M",
    "batch_input": "Batch input $/1M",
    "batch_output": "Batch output $/1M",
    "batch_discount": "Batch discount",
    "long_context": "Long-context tier",
    "model": "Model",
}


def _fmt(change: PriceChange, value) -> str:
    if change.field == "model":
        return "—"
    if change.field == "long_context":
        return "changed"
    if value is None:
        return "none"
    if change.field == "batch_discount":
        return f"{value * 100:g}%"
    return f"${fmt_price(value)}"


class PriceChangesDialog(QDialog):
    """Lists pinned vs current prices and the monthly total either way. `choice` is
    'keep' or 'reprice' after the dialog closes (or None if only viewed)."""

    def __init__(self, plan: Plan, changes: list[PriceChange], pinned_total: PlanResult | None,
                 current_total: PlanResult | None, parent=None, *, asking: bool = True) -> None:
        super().__init__(parent)
        self.choice: str | None = None
        self.setWindowTitle("Prices changed since this plan was saved")
        as_of = plan.catalog_as_of.isoformat() if plan.catalog_as_of else "when it was saved"
        intro = QLabel(
            f"<p><b>{plan.name}</b> pinned the prices of its models ({as_of}). "
            f"The catalog now differs in {len(changes)} place(s).</p>"
        )
        intro.setWordWrap(True)
        table = QTableWidget(len(changes), 4)
        table.setHorizontalHeaderLabels(["Model", "Price", "Pinned in the plan", "Catalog now"])
        for r, c in enumerate(changes):
            gone = c.field == "model"
            cells = [c.name, FIELD_LABELS.get(c.field, c.field), _fmt(c, c.pinned),
                     "not in the catalog" if gone else _fmt(c, c.current)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(c.model_id)
                table.setItem(r, col, item)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(table)
        if pinned_total is not None and current_total is not None:
            cur = pinned_total.currency
            _, a = pinned_total.footed_lines("optimized")
            _, b = current_total.footed_lines("optimized")
            totals = QLabel(f"Monthly total with the pinned prices: <b>{fmt_money(a, cur)}</b>; "
                            f"with today's catalog: <b>{fmt_money(b, cur)}</b> ({fmt_money(b - a, cur)} difference).")
            totals.setWordWrap(True)
            lay.addWidget(totals)
        buttons = QDialogButtonBox()
        if asking:
            keep = QPushButton("Keep pinned prices")
            keep.setToolTip("The plan reproduces exactly the budget it was saved with")
            reprice = QPushButton("Re-price with today's catalog")
            reprice.setToolTip("Replace the pinned prices with the catalog's (you can undo this)")
            buttons.addButton(keep, QDialogButtonBox.ButtonRole.RejectRole)
            buttons.addButton(reprice, QDialogButtonBox.ButtonRole.AcceptRole)
            keep.clicked.connect(lambda: self._done("keep"))
            reprice.clicked.connect(lambda: self._done("reprice"))
        else:
            close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
            close.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(640, 420)

    def _done(self, choice: str) -> None:
        self.choice = choice
        self.accept() if choice == "reprice" else self.reject()

"""Plan properties: name, owner, cost centre, fiscal-year start, notes and the unit economics
(users, revenue per user and per outcome, margin floor). OK applies them as one undo step."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from planner.domain.plan import Plan
from planner.ui.cell_numbers import parse_amount, parse_number
from planner.ui.plan_document import PlanDocument
from planner.ui.style import Tone, css

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _optional(parse: Callable[[str], Decimal]) -> Callable[[str], Decimal | None]:
    return lambda text: parse(text) if text.strip() else None


def _percent(text: str) -> Decimal:
    """A margin floor in percent, may be negative: '20', '20%', '-5'."""
    t = text.strip().rstrip("%").strip()
    try:
        return Decimal(t) / 100
    except ArithmeticError:
        raise ValueError(f"'{text}' is not a percentage") from None


#: field -> (label, tooltip, parse, text)
NUMBERS: dict[str, tuple[str, str, Callable[[str], Any], Callable[[Any], str]]] = {
    "users": ("Active users", "Users a month: cost per user = the monthly total ÷ users (they grow with the "
              "forecast's volume). Empty: none.", _optional(parse_number),
              lambda v: "" if v is None else f"{v.normalize():f}"),
    "revenue_per_user": ("Revenue per user", "Plan currency a month. Revenue = users × this + outcomes × revenue "
                         "per outcome.", _optional(lambda t: parse_amount(t)),
                         lambda v: "" if v is None else f"{v.normalize():f}"),
    "revenue_per_outcome": ("Revenue per outcome", "Plan currency per outcome (a line's sessions or requests × its "
                            "success rate).", _optional(lambda t: parse_amount(t)),
                            lambda v: "" if v is None else f"{v.normalize():f}"),
    "margin_floor": ("Margin floor %", "Gross margin ÷ revenue to stay above; the totals name the first forecast "
                     "month under it.", _optional(_percent),
                     lambda v: "" if v is None else f"{(v * 100).normalize():f}"),
}


class PlanPropertiesDialog(QDialog):
    """Edits the plan's properties; `apply()` pushes the changed ones as one undo step."""

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        plan = doc.plan
        self.setWindowTitle("Plan properties")
        self.name = QLineEdit(plan.name)
        self.owner = QLineEdit(plan.owner)
        self.owner.setToolTip("Who owns the budget (printed on every export)")
        self.cost_centre = QLineEdit(plan.cost_centre)
        self.fiscal = QComboBox()
        self.fiscal.addItems(MONTHS)
        self.fiscal.setCurrentIndex(plan.fiscal_year_start - 1)
        self.fiscal.setToolTip("The month the fiscal year starts in (the budget by month's years)")
        self.notes = QPlainTextEdit(plan.notes)
        self.notes.setMaximumHeight(90)
        self.numbers: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Owner", self.owner)
        form.addRow("Cost centre", self.cost_centre)
        form.addRow("Fiscal year starts", self.fiscal)
        form.addRow("Notes", self.notes)
        for field, (label, tip, _parse, text) in NUMBERS.items():
            e = QLineEdit(text(getattr(plan, field)))
            e.setToolTip(tip)
            e.setPlaceholderText("none")
            self.numbers[field] = e
            lab = QLabel(label)
            lab.setToolTip(tip)
            form.addRow(lab, e)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(css(Tone.NEGATIVE))
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        """The typed values by plan field; ValueError naming the field if one is refused."""
        out: dict[str, Any] = {"name": self.name.text().strip(), "owner": self.owner.text().strip(),
                               "cost_centre": self.cost_centre.text().strip(),
                               "fiscal_year_start": self.fiscal.currentIndex() + 1,
                               "notes": self.notes.toPlainText()}
        if not out["name"]:
            raise ValueError("Name: a plan needs a name")
        for field, (label, _tip, parse, _text) in NUMBERS.items():
            try:
                out[field] = parse(self.numbers[field].text())
            except ValueError as e:
                raise ValueError(f"{label}: {e}") from None
        return out

    def apply(self) -> bool:
        """Push the changed properties as one undo step; False (and the reason shown) if refused."""
        try:
            values = self.values()
            Plan.model_validate({**self.doc.plan.model_dump(), **values})
        except ValueError as e:  # (pydantic's ValidationError is a ValueError)
            msg = e.errors()[0].get("msg") if isinstance(e, ValidationError) else str(e)
            self.error.setText(f"{msg}. Nothing was changed.")
            self.error.show()
            return False
        changed = {f: v for f, v in values.items() if getattr(self.doc.plan, f) != v}
        if changed:
            stack = self.doc.undo_stack
            stack.beginMacro("Change plan properties")
            try:
                for f, v in changed.items():
                    self.doc.set_plan_attr(f, v, f"Change {f}")
            finally:
                stack.endMacro()
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()

"""PlanDocument: the open plan, its undo stack and the engine result every view renders."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import PlanResult, compute
from planner.domain.errors import InputError
from planner.domain.plan import Line, Plan
from planner.domain.presets import seed_multipliers
from planner.domain.prices import price_lookup
from planner.io.plan_files import new_token, repriced

ZERO = Decimal(0)
#: Command ids for merging consecutive steps of one gesture into one undo step.
MERGE_SLIDER = 1001


def new_plan(name: str = "Untitled plan") -> Plan:
    return Plan(name=name, multipliers=seed_multipliers())


def _unpriced_models(plan: Plan, catalog: Catalog) -> dict[int, list[str]]:
    """row -> the models of the line (its own, those it routes to) that have no price:
    neither pinned in the plan nor in the catalog."""
    lookup = price_lookup(plan, catalog)
    out: dict[int, list[str]] = {}
    for row, line in enumerate(plan.lines):
        missing = [m for m in dict.fromkeys([line.model, *(r.model for r in line.routing)]) if lookup(m) is None]
        if missing:
            out[row] = missing
    return out


def unpriced_lines(plan: Plan, catalog: Catalog) -> dict[int, str]:
    """row -> what is wrong, for each line on a model that has no price."""
    return {
        row: (f"Line {row + 1} '{plan.lines[row].name}': model {', '.join(repr(m) for m in missing)} is not in the "
              "catalog and the plan has no price for it. The line costs nothing until you pick a model for it.")
        for row, missing in _unpriced_models(plan, catalog).items()
    }


def costable(plan: Plan, catalog: Catalog) -> Plan:
    """`plan` as the engine costs it: each line on an unpriced model with no requests, and
    those models at a zero price. The plan itself is left as it is, and saved as it is."""
    unpriced = _unpriced_models(plan, catalog)
    if not unpriced:
        return plan
    placeholders = {
        m: ModelPrice.model_construct(id=m, name=m, provider="", input=ZERO, output=ZERO, cache_read=ZERO, cache_write=ZERO)
        for missing in unpriced.values() for m in missing
    }
    lines = [line.model_copy(update={"requests": ZERO}) if row in unpriced else line for row, line in enumerate(plan.lines)]
    return plan.model_copy(update={"lines": lines, "pinned_prices": {**plan.pinned_prices, **placeholders}})


class PlanDocument(QObject):
    """Owns the Plan. Every change is an undo command; after each one the engine recomputes
    and `resultChanged` fires. Views read `result` and never compute money themselves."""

    #: rows whose inputs changed ([] = structure or plan-level settings changed)
    linesChanged = Signal(list)
    structureChanged = Signal()
    settingsChanged = Signal()
    resultChanged = Signal()
    errorRaised = Signal(str)

    def __init__(self, catalog_getter, plan: Plan | None = None, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog_getter = catalog_getter
        self.plan = plan or new_plan()
        self.path = path
        self.undo_stack = QUndoStack(self)
        self.result: PlanResult | None = None
        self.error: str | None = None
        #: row -> why the line cannot be costed (its model is unknown): see recompute
        self.broken_lines: dict[int, str] = {}
        self.autosave_token = new_token()
        self.recompute()

    @property
    def catalog(self) -> Catalog:
        return self._catalog_getter()

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else self.plan.name

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self, plan: Plan, path: Path) -> None:
        """After a save: the plan as written (with its pinned prices) and a clean stack."""
        self.plan = plan
        self.path = path
        self.undo_stack.setClean()
        self.recompute()

    def mark_recovered(self) -> None:
        """A plan recovered from an autosave has unsaved changes until it is saved."""
        self.undo_stack.resetClean()

    def reprice(self, catalog: Catalog) -> None:
        """Replace the pinned prices with today's catalog, as one undoable step."""
        new = repriced(self.plan, catalog)
        self.undo_stack.beginMacro("Re-price with today's catalog")
        self.set_plan_attr("pinned_prices", new.pinned_prices, "Re-price")
        self.set_plan_attr("catalog_as_of", new.catalog_as_of, "Re-price")
        self.undo_stack.endMacro()

    # -- engine --------------------------------------------------------------------------------

    def recompute(self) -> None:
        """Cost the plan. A line on a model that is neither pinned nor in the catalog (a
        plan from elsewhere, a model deleted since) is costed at nothing and listed in
        `broken_lines` until a model is picked for it: the rest of the plan still costs."""
        self.broken_lines = unpriced_lines(self.plan, self.catalog)
        try:
            self.result = compute(costable(self.plan, self.catalog), self.catalog)
            self.error = None
        except InputError as e:
            self.result = None
            self.error = str(e)
            self.errorRaised.emit(self.error)
        self.resultChanged.emit()

    # -- edits (each one undoable) ---------------------------------------------------------

    def set_lines(self, changes: dict[int, Line], label: str, merge_id: int = -1) -> None:
        """Replace whole lines (already validated Line objects) by row."""
        if not changes:
            return
        old = {r: self.plan.lines[r] for r in changes}
        self.undo_stack.push(_ReplaceLines(self, old, dict(changes), label, merge_id))

    def set_line_fields(self, row: int, label: str, **fields: Any) -> None:
        """Change fields of one line; raises pydantic ValidationError if the result is invalid."""
        line = self.plan.lines[row]
        data = line.model_dump()
        data.update(fields)
        new = Line.model_validate(data)
        if new != line:
            self.set_lines({row: new}, label)

    def insert_lines(self, row: int, lines: Sequence[Line], label: str) -> None:
        self.undo_stack.push(_InsertLines(self, row, list(lines), label))

    def remove_lines(self, rows: Sequence[int], label: str) -> None:
        rows = sorted(set(rows))
        if rows:
            self.undo_stack.push(_RemoveLines(self, rows, label))

    def move_line(self, row: int, to: int) -> None:
        if 0 <= row < len(self.plan.lines) and 0 <= to < len(self.plan.lines) and row != to:
            self.undo_stack.push(_MoveLine(self, row, to))

    def set_plan_attr(self, attr: str, value: Any, label: str) -> None:
        """Change a plan-level setting (validated by assignment: ValidationError if invalid)."""
        old = getattr(self.plan, attr)
        probe = self.plan.model_copy()
        setattr(probe, attr, value)  # validate_assignment raises before anything changes
        if old == getattr(probe, attr):
            return
        self.undo_stack.push(_SetPlanAttr(self, attr, old, getattr(probe, attr), label))

    # -- used by the commands ------------------------------------------------------------------

    def _apply_lines(self, lines: dict[int, Line]) -> None:
        for r, line in lines.items():
            self.plan.lines[r] = line
        self.recompute()
        self.linesChanged.emit(sorted(lines))

    def _structure(self) -> None:
        self.recompute()
        self.structureChanged.emit()

    def _settings(self) -> None:
        self.recompute()
        self.settingsChanged.emit()


class _ReplaceLines(QUndoCommand):
    def __init__(self, doc: PlanDocument, old: dict[int, Line], new: dict[int, Line], label: str, merge_id: int) -> None:
        super().__init__(label)
        self._doc, self._old, self._new, self._merge = doc, old, new, merge_id

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Steps of one gesture become one undo step: the first old value of each row, the
        last new value (rows may join the gesture part-way)."""
        if not isinstance(other, _ReplaceLines) or other._merge != self._merge or self._merge < 0:
            return False
        for r, line in other._old.items():
            self._old.setdefault(r, line)
        self._new.update(other._new)
        return True

    def redo(self) -> None:
        self._doc._apply_lines(self._new)

    def undo(self) -> None:
        self._doc._apply_lines(self._old)


class _InsertLines(QUndoCommand):
    def __init__(self, doc: PlanDocument, row: int, lines: list[Line], label: str) -> None:
        super().__init__(label)
        self._doc, self._row, self._lines = doc, row, lines

    def redo(self) -> None:
        self._doc.plan.lines[self._row:self._row] = self._lines
        self._doc._structure()

    def undo(self) -> None:
        del self._doc.plan.lines[self._row:self._row + len(self._lines)]
        self._doc._structure()


class _RemoveLines(QUndoCommand):
    def __init__(self, doc: PlanDocument, rows: list[int], label: str) -> None:
        super().__init__(label)
        self._doc, self._rows = doc, rows
        self._lines = [doc.plan.lines[r] for r in rows]

    def redo(self) -> None:
        for r in reversed(self._rows):
            del self._doc.plan.lines[r]
        self._doc._structure()

    def undo(self) -> None:
        for r, line in zip(self._rows, self._lines, strict=True):
            self._doc.plan.lines.insert(r, line)
        self._doc._structure()


class _MoveLine(QUndoCommand):
    def __init__(self, doc: PlanDocument, row: int, to: int) -> None:
        super().__init__(f"Move line '{doc.plan.lines[row].name}'")
        self._doc, self._row, self._to = doc, row, to

    def _move(self, a: int, b: int) -> None:
        lines = self._doc.plan.lines
        lines.insert(b, lines.pop(a))
        self._doc._structure()

    def redo(self) -> None:
        self._move(self._row, self._to)

    def undo(self) -> None:
        self._move(self._to, self._row)


class _SetPlanAttr(QUndoCommand):
    def __init__(self, doc: PlanDocument, attr: str, old: Any, new: Any, label: str) -> None:
        super().__init__(label)
        self._doc, self._attr, self._old, self._new = doc, attr, old, new

    def redo(self) -> None:
        setattr(self._doc.plan, self._attr, self._new)
        self._doc._settings()

    def undo(self) -> None:
        setattr(self._doc.plan, self._attr, self._old)
        self._doc._settings()

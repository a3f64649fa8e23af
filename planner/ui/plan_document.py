"""PlanDocument: the open plan, its undo stack and the engine result every view renders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.errors import InputError
from planner.domain.money import ZERO
from planner.domain.plan import SCENARIO_PLAN_FIELDS, Line, Plan, Scenario
from planner.domain.presets import seed_multipliers
from planner.domain.prices import price_lookup
from planner.domain.scenarios import (
    BASE,
    add_scenario,
    apply_scenario,
    find_scenario,
    with_override,
    without_override,
)
from planner.io.plan_files import new_token, repriced

if TYPE_CHECKING:  # (the engine loads when a plan is first costed: see PlanDocument.result)
    from planner.domain.costing import Costed, PlanResult

#: Command ids for merging consecutive steps of one gesture into one undo step.
MERGE_SLIDER = 1001


@dataclass(frozen=True)
class CostedLines:
    """Lines replaced by row, and the plan with them costed."""

    changes: dict[int, Line]
    result: PlanResult
    costed: Costed


@dataclass(frozen=True)
class LinesJob:
    """A document's plan and prices at one version, to cost with some lines replaced on
    another thread (pure: nothing here touches the document or Qt)."""

    version: int
    plan: Plan
    catalog: Catalog
    previous: Costed | None

    def cost(self, changes: dict[int, Line]) -> CostedLines:
        from planner.domain.costing import compute, costed

        changes = {r: ln for r, ln in changes.items() if ln != self.plan.lines[r]}
        lines = list(self.plan.lines)
        for r, ln in changes.items():
            lines[r] = ln
        plan = costable(self.plan.model_copy(update={"lines": lines}), self.catalog)
        result = compute(plan, self.catalog, self.previous)
        result.summary()  # (worked out here, once, rather than by the first view to ask)
        return CostedLines(changes, result, costed(plan, self.catalog, result))


def new_plan(name: str = "Untitled plan") -> Plan:
    return Plan(name=name, multipliers=seed_multipliers())


def _unpriced_models(plan: Plan, catalog: Catalog) -> dict[int, list[str]]:
    """row -> the models of the line (its own, those it routes to) that have no price:
    neither pinned in the plan nor in the catalog."""
    lookup = price_lookup(plan, catalog)
    used = {line.model for line in plan.lines} | {r.model for line in plan.lines for r in line.routing}
    if all(lookup(m) is not None for m in used):
        return {}  # (most plans: no line to look at one by one)
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
    and `resultChanged` fires. Views read `result` and never compute money themselves.

    With a scenario active, `plan` is the plan as the scenario sees it (the base with its
    overrides) and every line or scenario-wide edit records an override in the scenario
    instead of changing the base; adding, removing and moving lines changes the base (every
    scenario has the base's lines). `stored_plan` is the plan as saved: base and scenarios."""

    #: rows whose inputs changed ([] = structure or plan-level settings changed)
    linesChanged = Signal(list)
    structureChanged = Signal()
    settingsChanged = Signal()
    resultChanged = Signal()
    errorRaised = Signal(str)
    #: the active scenario changed, or the scenarios were added, renamed or removed
    scenariosChanged = Signal()

    def __init__(self, catalog_getter, plan: Plan | None = None, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog_getter = catalog_getter
        #: the plan as saved (the base and its scenarios), and the scenario shown (None: the base)
        self._stored = plan or new_plan()
        self.scenario: str | None = None
        self._shown: Plan | None = None
        self.path = path
        self.undo_stack = QUndoStack(self)
        self._result: PlanResult | None = None
        self._error: str | None = None
        #: a new document's first costing, left until its result is first asked for (see result)
        self._first_pending = False
        #: the last plan costed, to re-cost only the lines an edit changes
        self._costed: Costed | None = None
        #: counts the recomputes: a result worked out elsewhere for an older version is stale
        self.version = 0
        #: a result worked out off the UI thread for the edit being applied (apply_costed_lines)
        self._precomputed: tuple[PlanResult, Costed] | None = None
        #: row -> why the line cannot be costed (its model is unknown): see recompute
        self.broken_lines: dict[int, str] = {}
        self.autosave_token = new_token()
        self.recompute(first=True)

    @property
    def result(self) -> PlanResult | None:
        """The engine's result for `plan`; None (with `error`) when the plan cannot be
        costed. A new document is costed when its result is first asked for: a window that
        opens on the Models tab neither costs nor loads the engine for a plan it does not show."""
        if self._first_pending:
            self._cost_first()
        return self._result

    @property
    def error(self) -> str | None:
        """Why the plan cannot be costed (None when it can)."""
        if self._first_pending:
            self._cost_first()
        return self._error

    def _cost_first(self) -> None:
        """The first costing (see recompute), when first asked for; nothing listened when
        the document was made, so nothing is told."""
        self._first_pending = False
        self._cost()

    @property
    def plan(self) -> Plan:
        """The plan the views show and edit: the base, or the active scenario's plan."""
        return self._shown if self.scenario is not None and self._shown is not None else self._stored

    @plan.setter
    def plan(self, plan: Plan) -> None:
        self._stored = plan

    @property
    def stored_plan(self) -> Plan:
        """The plan as it is saved: the base with its scenarios."""
        return self._stored

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
        new = repriced(self._stored, catalog)
        self.undo_stack.beginMacro("Re-price with today's catalog")
        self.set_plan_attr("pinned_prices", new.pinned_prices, "Re-price")
        self.set_plan_attr("catalog_as_of", new.catalog_as_of, "Re-price")
        self.undo_stack.endMacro()

    # -- engine --------------------------------------------------------------------------------

    def recompute(self, first: bool = False) -> None:
        """Cost the plan. A line on a model that is neither pinned nor in the catalog (a
        plan from elsewhere, a model deleted since) is costed at nothing and listed in
        `broken_lines` until a model is picked for it: the rest of the plan still costs.
        (`first`: the document's first costing, done when its result is first asked for.)"""
        self._first_pending = False
        if self.scenario is not None and not any(sc.name == self.scenario for sc in self._stored.scenarios):
            self.scenario = None  # (its creation was undone)
        try:
            self._shown = apply_scenario(self._stored, self.scenario)
        except InputError as e:
            self._shown = self._stored
            self._result, self._error = None, str(e)
            self.errorRaised.emit(self._error)
            self.resultChanged.emit()
            return
        self.version += 1
        self.broken_lines = unpriced_lines(self.plan, self.catalog)
        if self._precomputed is not None:
            (self._result, self._costed), self._precomputed = self._precomputed, None
            self._error = None
            self.resultChanged.emit()
            return
        if first:
            self._first_pending = True
            return
        if self._cost() is not None:
            self.errorRaised.emit(self._error)
        self.resultChanged.emit()

    def _cost(self) -> str | None:
        """Cost the plan shown into result (or error, which is returned)."""
        from planner.domain.costing import compute, costed

        try:
            plan, catalog = costable(self.plan, self.catalog), self.catalog
            # the lines an edit left as they were are not costed again
            self._result = compute(plan, catalog, self._costed)
            self._costed = costed(plan, catalog, self._result)
            self._error = None
        except InputError as e:
            self._result = None
            self._costed = None
            self._error = str(e)
        return self._error

    # -- costing off the UI thread ------------------------------------------------------------

    def costing_snapshot(self) -> LinesJob | None:
        """What costing the plan with some lines replaced needs, taken now (on the UI thread)
        so that a worker thread can cost it while the document goes on; None where the
        result could not be applied as is (a scenario shown, a plan that does not cost)."""
        if self.scenario is not None or self.result is None:
            return None
        return LinesJob(self.version, self._stored.model_copy(update={"lines": list(self._stored.lines)}),
                        self.catalog, self._costed)

    def apply_costed_lines(self, job: LinesJob, costed_: CostedLines, label: str, merge_id: int = -1) -> bool:
        """Apply lines costed off the UI thread (LinesJob.cost) as one undoable edit, using
        its result; False (nothing done) when the document changed since the job was taken."""
        if job.version != self.version or self.scenario is not None:
            return False
        if not costed_.changes:
            return True
        self._precomputed = (costed_.result, costed_.costed)
        try:
            self.set_lines(costed_.changes, label, merge_id)
        finally:
            self._precomputed = None
        return True

    # -- edits (each one undoable) ---------------------------------------------------------

    def set_lines(self, changes: dict[int, Line], label: str, merge_id: int = -1) -> None:
        """Replace whole lines (already validated Line objects) by row. With a scenario
        active, each changed field becomes an override of the scenario; a new name renames
        the line in the base (a line's name is what scenarios know it by)."""
        if not changes:
            return
        stored = self._stored
        renamed = {r: ln.name for r, ln in changes.items() if ln.name != stored.lines[r].name}
        if self.scenario is None and not (renamed and stored.scenarios):
            old = {r: stored.lines[r] for r in changes}
            self.undo_stack.push(_ReplaceLines(self, old, dict(changes), label, merge_id))
            return
        base = dict(changes) if self.scenario is None else {
            r: stored.lines[r].model_copy(update={"name": name}) for r, name in renamed.items()}
        scenarios = self._renamed_scenarios({stored.lines[r].name: name for r, name in renamed.items()})
        if self.scenario is not None:
            scenarios = self._overridden(scenarios, base, changes)
        if not base:
            self._push_scenarios(scenarios, self.scenario, label, merge_id)
            return
        self.undo_stack.beginMacro(label)
        self.undo_stack.push(_ReplaceLines(self, {r: stored.lines[r] for r in base}, base, label, -1))
        self._push_scenarios(scenarios, self.scenario, label)
        self.undo_stack.endMacro()

    def _renamed_scenarios(self, renames: dict[str, str]) -> list[Scenario]:
        """The scenarios with their overrides of renamed lines following the new names."""
        return [sc.model_copy(update={"lines": {renames.get(k, k): v for k, v in sc.lines.items()}})
                for sc in self._stored.scenarios]

    def _overridden(self, scenarios: list[Scenario], base: dict[int, Line], changes: dict[int, Line]) -> list[Scenario]:
        """`scenarios` with the active one overriding each field `changes` sets (a value the
        base has already is no override)."""
        lines = [base.get(r, ln) for r, ln in enumerate(self._stored.lines)]
        probe = self._stored.model_copy(update={"lines": lines, "scenarios": scenarios})
        for r, new in changes.items():
            was, now = self.plan.lines[r].model_dump(mode="json"), new.model_dump(mode="json")
            for field, value in now.items():
                if field != "name" and value != was[field]:
                    probe = with_override(probe, self.scenario, lines[r].name, field, value)
        return probe.scenarios

    def _push_scenarios(self, scenarios: list[Scenario], active: str | None, label: str, merge_id: int = -1) -> None:
        old = list(self._stored.scenarios)
        if scenarios == old and active == self.scenario:
            return
        self.undo_stack.push(_SetScenarios(self, (old, self.scenario), (list(scenarios), active), label, merge_id))

    # -- scenarios -------------------------------------------------------------------------

    def activate(self, name: str | None) -> None:
        """Show the base (None) or a scenario: a view change, not an edit."""
        name = None if name in (None, BASE) else find_scenario(self._stored, name).name
        if name != self.scenario:
            self._show_scenario(name)

    def _show_scenario(self, name: str | None) -> None:
        self.scenario = name
        self.recompute()
        self.structureChanged.emit()
        self.settingsChanged.emit()
        self.scenariosChanged.emit()

    def add_scenario(self, name: str, overrides: dict[str, dict[str, Any]] | None = None) -> None:
        """A new scenario (with the line overrides given), shown at once; InputError if the
        name is taken."""
        name = name.strip()
        if not name:
            raise InputError("a scenario needs a name")
        probe = add_scenario(self._stored, name)
        probe = self._with_overrides(probe, name, overrides or {})
        self._push_scenarios(probe.scenarios, name, f"Add scenario '{name}'")

    def rename_scenario(self, old: str, new: str) -> None:
        new = new.strip()
        sc = find_scenario(self._stored, old)
        if not new or new == sc.name:
            return
        if new == BASE or any(s.name.casefold() == new.casefold() for s in self._stored.scenarios if s is not sc):
            raise InputError(f"a scenario named '{new}' exists already")
        scenarios = [s.model_copy(update={"name": new}) if s is sc else s for s in self._stored.scenarios]
        active = new if self.scenario == sc.name else self.scenario
        self._push_scenarios(scenarios, active, f"Rename scenario '{sc.name}' to '{new}'")

    def delete_scenario(self, name: str) -> None:
        sc = find_scenario(self._stored, name)
        active = None if self.scenario == sc.name else self.scenario
        self._push_scenarios([s for s in self._stored.scenarios if s is not sc], active, f"Delete scenario '{sc.name}'")

    def apply_overrides(self, overrides: dict[str, dict[str, Any]], label: str) -> None:
        """Line overrides (line name -> field -> value) added to the active scenario."""
        if self.scenario is None:
            raise InputError("pick a scenario first: the base has no overrides")
        probe = self._with_overrides(self._stored, self.scenario, overrides)
        self._push_scenarios(probe.scenarios, self.scenario, label)

    @staticmethod
    def _with_overrides(plan: Plan, scenario: str, overrides: dict[str, dict[str, Any]]) -> Plan:
        for line_name, fields in overrides.items():
            for field, value in fields.items():
                plan = with_override(plan, scenario, line_name, field, value)
        return plan

    def overrides(self, row: int) -> frozenset[str]:
        """The fields of line `row` the active scenario overrides (none on the base)."""
        if self.scenario is None or row >= len(self._stored.lines):
            return frozenset()
        return frozenset(find_scenario(self._stored, self.scenario).lines.get(self._stored.lines[row].name, {}))

    def plan_overrides(self) -> frozenset[str]:
        """The plan-wide fields the active scenario overrides (none on the base)."""
        if self.scenario is None:
            return frozenset()
        return frozenset(find_scenario(self._stored, self.scenario).plan)

    def base_line(self, row: int) -> Line:
        """Line `row` as the base has it."""
        return self._stored.lines[row]

    def reset_to_base(self, row: int, fields: Sequence[str]) -> None:
        """Drop the active scenario's overrides of these fields of line `row`: one undo step."""
        fields = [f for f in fields if f in self.overrides(row)]
        if not fields:
            return
        name = self._stored.lines[row].name
        probe = self._stored
        for f in fields:
            probe = without_override(probe, self.scenario, name, f)
        self._push_scenarios(probe.scenarios, self.scenario, f"Reset '{name}' to base")

    def _set_scenario_attr(self, attr: str, value: Any, label: str) -> None:
        """A plan-wide setting changed in the active scenario: an override (dropped when
        equal to the base's)."""
        probe = self._stored.model_copy()
        setattr(probe, attr, value)  # validates
        now = probe.model_dump(mode="json", include={attr})[attr]
        base = self._stored.model_dump(mode="json", include={attr})[attr]
        sc = find_scenario(self._stored, self.scenario)
        plan = {k: v for k, v in sc.plan.items() if k != attr}
        if now != base:
            plan[attr] = now
        scenarios = [s.model_copy(update={"plan": plan}) if s is sc else s for s in self._stored.scenarios]
        self._push_scenarios(scenarios, self.scenario, label)

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
        if not rows:
            return
        gone = {self._stored.lines[r].name for r in rows}
        if not any(gone & set(sc.lines) for sc in self._stored.scenarios):
            self.undo_stack.push(_RemoveLines(self, rows, label))
            return
        # the scenarios forget the removed lines' overrides, in the same undo step
        scenarios = [sc.model_copy(update={"lines": {k: v for k, v in sc.lines.items() if k not in gone}})
                     for sc in self._stored.scenarios]
        self.undo_stack.beginMacro(label)
        self._push_scenarios(scenarios, self.scenario, label)
        self.undo_stack.push(_RemoveLines(self, rows, label))
        self.undo_stack.endMacro()

    def move_line(self, row: int, to: int) -> None:
        if 0 <= row < len(self._stored.lines) and 0 <= to < len(self._stored.lines) and row != to:
            self.undo_stack.push(_MoveLine(self, row, to))

    def set_plan_attr(self, attr: str, value: Any, label: str) -> None:
        """Change a plan-level setting (validated by assignment: ValidationError if invalid);
        one a scenario can change is the active scenario's override."""
        if self.scenario is not None and attr in SCENARIO_PLAN_FIELDS:
            self._set_scenario_attr(attr, value, label)
            return
        old = getattr(self._stored, attr)
        probe = self._stored.model_copy()
        setattr(probe, attr, value)  # validate_assignment raises before anything changes
        if old == getattr(probe, attr):
            return
        self.undo_stack.push(_SetPlanAttr(self, attr, old, getattr(probe, attr), label))

    # -- used by the commands ------------------------------------------------------------------

    def _apply_lines(self, lines: dict[int, Line]) -> None:
        for r, line in lines.items():
            self._stored.lines[r] = line
        self.recompute()
        self.linesChanged.emit(sorted(lines))

    def _structure(self) -> None:
        self.recompute()
        self.structureChanged.emit()

    def _settings(self) -> None:
        self.recompute()
        self.settingsChanged.emit()

    def _set_scenarios(self, scenarios: list[Scenario], active: str | None) -> None:
        old_plan = self._stored.scenarios
        self._stored = self._stored.model_copy(update={"scenarios": list(scenarios)})
        if active != self.scenario or [s.name for s in old_plan] != [s.name for s in scenarios]:
            self._show_scenario(active)
            return
        plan_wide = next((s.plan for s in old_plan if s.name == active), None)
        self.recompute()
        if active is not None and plan_wide != find_scenario(self._stored, active).plan:
            self.settingsChanged.emit()
        self.linesChanged.emit(list(range(len(self._stored.lines))))


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
        self._doc._stored.lines[self._row:self._row] = self._lines
        self._doc._structure()

    def undo(self) -> None:
        del self._doc._stored.lines[self._row:self._row + len(self._lines)]
        self._doc._structure()


class _RemoveLines(QUndoCommand):
    def __init__(self, doc: PlanDocument, rows: list[int], label: str) -> None:
        super().__init__(label)
        self._doc, self._rows = doc, rows
        self._lines = [doc._stored.lines[r] for r in rows]

    def redo(self) -> None:
        for r in reversed(self._rows):
            del self._doc._stored.lines[r]
        self._doc._structure()

    def undo(self) -> None:
        for r, line in zip(self._rows, self._lines, strict=True):
            self._doc._stored.lines.insert(r, line)
        self._doc._structure()


class _MoveLine(QUndoCommand):
    def __init__(self, doc: PlanDocument, row: int, to: int) -> None:
        super().__init__(f"Move line '{doc._stored.lines[row].name}'")
        self._doc, self._row, self._to = doc, row, to

    def _move(self, a: int, b: int) -> None:
        lines = self._doc._stored.lines
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
        setattr(self._doc._stored, self._attr, self._new)
        self._doc._settings()

    def undo(self) -> None:
        setattr(self._doc._stored, self._attr, self._old)
        self._doc._settings()


class _SetScenarios(QUndoCommand):
    """The plan's scenarios and the one shown, before and after (an override, a scenario
    added, renamed or deleted). Undo shows the scenario the edit was made in."""

    def __init__(self, doc: PlanDocument, old: tuple[list[Scenario], str | None], new: tuple[list[Scenario], str | None],
                 label: str, merge_id: int) -> None:
        super().__init__(label)
        self._doc, self._old, self._new, self._merge = doc, old, new, merge_id

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _SetScenarios) or other._merge != self._merge or self._merge < 0:
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._doc._set_scenarios(*self._new)

    def undo(self) -> None:
        self._doc._set_scenarios(*self._old)

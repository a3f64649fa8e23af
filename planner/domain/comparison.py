"""The comparison of plans or scenarios side by side: headline figures, per line, per lever.
Every amount is the one each plan's summary shows (planner.domain.summary)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from planner.domain.errors import InputError
from planner.domain.money import ZERO
from planner.domain.plan import Plan
from planner.domain.summary import Summary, add_on_label, fraction_of


@dataclass(frozen=True)
class Compared:
    """One side of a comparison: a plan (or one of its scenarios) and its figures."""

    label: str
    plan: Plan
    summary: Summary


@dataclass(frozen=True)
class LineDelta:
    """One line across the compared plans (matched by name); None where a plan lacks it."""

    name: str
    optimized: tuple[Decimal | None, ...]
    baseline: tuple[Decimal | None, ...]

    @property
    def delta(self) -> Decimal:
        """Last minus first (a line missing on a side counts 0 there)."""
        return (self.optimized[-1] or ZERO) - (self.optimized[0] or ZERO)

    @property
    def delta_fraction(self) -> Decimal | None:
        first = self.optimized[0]
        return fraction_of(self.delta, first) if first else None

    @property
    def status(self) -> str:
        if self.optimized[0] is None:
            return "added"
        if self.optimized[-1] is None:
            return "removed"
        return "changed" if self.delta else "same"


@dataclass(frozen=True)
class LeverDelta:
    key: str
    label: str
    savings: tuple[Decimal, ...]

    @property
    def delta(self) -> Decimal:
        return self.savings[-1] - self.savings[0]


@dataclass(frozen=True)
class Comparison:
    sides: tuple[Compared, ...]
    #: the lines, biggest movers (last vs first) first
    lines: tuple[LineDelta, ...]
    levers: tuple[LeverDelta, ...]

    @property
    def delta_monthly(self) -> Decimal:
        return self.sides[-1].summary.optimized - self.sides[0].summary.optimized

    @property
    def delta_fraction(self) -> Decimal | None:
        return fraction_of(self.delta_monthly, self.sides[0].summary.optimized)


def _by_name(plan: Plan, amounts: Sequence[Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for ln, amount in zip(plan.lines, amounts, strict=True):
        out[ln.name] = out.get(ln.name, ZERO) + amount  # (a name twice in one plan: added up)
    return out


def _add_ons(side: Compared) -> dict[str, Decimal]:
    """A side's fixed add-ons by name, compared as lines with no baseline."""
    return {add_on_label(a.name): amount
            for a, amount in zip(side.plan.enabled_add_ons(), side.summary.add_on_amounts, strict=True)}


def compare(sides: Sequence[Compared]) -> Comparison:
    """Plans side by side: each line's monthly amounts (matched by name) and each lever's
    saving, with the difference of the last from the first. Every amount is the one each
    plan shows, so the line deltas add up to the total delta."""
    if len(sides) < 2:
        raise InputError("compare needs two plans or scenarios at least")
    opt = [_by_name(s.plan, s.summary.line_optimized) | _add_ons(s) for s in sides]
    base = [_by_name(s.plan, s.summary.line_baseline) for s in sides]
    names = list(dict.fromkeys(n for o in opt for n in o))
    lines = [LineDelta(n, tuple(o.get(n) for o in opt), tuple(b.get(n) for b in base)) for n in names]
    lines.sort(key=lambda d: abs(d.delta), reverse=True)
    keys: dict[str, str] = {}
    for s in sides:
        for step in s.summary.waterfall_steps:
            keys.setdefault(step.key, step.label)
    levers = []
    for key, label in keys.items():
        per = tuple(next((st.saving for st in s.summary.waterfall_steps if st.key == key), ZERO) for s in sides)
        levers.append(LeverDelta(key, label, per))
    return Comparison(tuple(sides), tuple(lines), tuple(levers))

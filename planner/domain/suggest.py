"""Suggest a cheaper model for a line: the cheapest at or above a quality bar, with its saving."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import cost_line, line_context
from planner.domain.money import ENGINE_PRECISION
from planner.domain.plan import Plan
from planner.domain.ranking import CatalogArrays


@dataclass(frozen=True)
class Suggestion:
    model: ModelPrice
    quality: float
    old_cost: Decimal
    new_cost: Decimal

    @property
    def saving(self) -> Decimal:
        return self.old_cost - self.new_cost

    @property
    def saving_pct(self) -> Decimal | None:
        return self.saving / self.old_cost * 100 if self.old_cost else None


def suggest_cheaper(
    plan: Plan, catalog: Catalog, row: int, metric: str, min_quality: float, arrays: CatalogArrays | None = None
) -> Suggestion | None:
    """The model (quality >= min_quality on `metric`) that makes line `row` cheapest per month,
    its routing mix cleared and every other lever kept; None if nothing beats the line now."""
    with localcontext() as ctx:
        ctx.prec = ENGINE_PRECISION
        return _suggest(plan, catalog, row, metric, min_quality, arrays)


def _suggest(
    plan: Plan, catalog: Catalog, row: int, metric: str, min_quality: float, arrays: CatalogArrays | None
) -> Suggestion | None:
    line = plan.lines[row]
    ctx = line_context(plan, catalog)
    current = cost_line(row, line, ctx).optimized

    a = arrays or CatalogArrays.from_catalog(catalog)
    q = a.quality(catalog, metric)
    # (a model with no price at all is an unpriced entry, not a cheaper model)
    eligible = np.flatnonzero((q >= min_quality) & ((a.input > 0) | (a.output > 0)))
    if not len(eligible):
        return None
    # Every qualifying model is costed with the line's levers: a cheap cache-read or batch
    # price can make a model with a dear list price the cheapest one.
    best: Suggestion | None = None
    for i in eligible:
        m = catalog.models[int(i)]
        if m.id == line.model and not line.routing:
            continue
        candidate = line.model_copy(update={"model": m.id, "routing": []})
        cost = cost_line(row, candidate, ctx).optimized
        if cost < current and (best is None or cost < best.new_cost):
            best = Suggestion(m, float(q[int(i)]), current, cost)
    return best

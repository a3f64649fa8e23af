"""The numbers behind each chart, taken from the engine result and the catalog (no Qt here)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

import numpy as np

from planner.domain.catalog import Catalog
from planner.domain.costing import PlanResult, cost_line, line_context
from planner.domain.money import ENGINE_PRECISION
from planner.domain.plan import Line, Plan
from planner.domain.prices import price_lookup
from planner.domain.ranking import Ranking, SortKey
from planner.domain.summary import FootedMonth, GroupFigures
from planner.domain.token_mix import input_share, rebalance


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    detail: str = ""
    #: share of the whole the bars make up (4 places), where the bars are parts of a total
    share_fraction: Decimal | None = None


def group_figures(result: PlanResult, plan: Plan, name: str | None) -> GroupFigures | None:
    """The figures of the group called `name` (None: the whole plan, or a group no line names)."""
    if name is None:
        return None
    return next((g for g in result.by_group([ln.group for ln in plan.lines]) if g.name == name), None)


def cost_by_line(result: PlanResult, group: GroupFigures | None = None) -> list[tuple[str, float, float]]:
    """(line, baseline, optimized) per worksheet line (or per line of `group`), in cents like
    the totals."""
    base, _ = result.footed_lines("baseline")
    opt, _ = result.footed_lines("optimized")
    rows = range(len(result.lines)) if group is None else group.lines
    return [(result.lines[i].name, float(base[i]), float(opt[i])) for i in rows]


@dataclass(frozen=True)
class WaterfallBar:
    label: str
    start: float  # where the bar starts (the running total before it)
    end: float  # where it ends
    kind: str  # "total" | "saving" | "increase"


def waterfall(result: PlanResult, group: GroupFigures | None = None) -> list[WaterfallBar]:
    """Baseline, then each lever in the engine's order, then optimized (footed to cents): the
    plan's, or `group`'s."""
    if group is None:
        base, steps, opt = result.footed_waterfall()
    else:
        base, steps, opt = group.baseline, list(group.own_steps), group.optimized
    bars = [WaterfallBar("Baseline", 0.0, float(base), "total")]
    running = base
    for s in steps:
        after = running - s.saving
        bars.append(WaterfallBar(s.label, float(running), float(after), "saving" if s.saving >= 0 else "increase"))
        running = after
    bars.append(WaterfallBar("Optimized", 0.0, float(opt), "total"))
    return bars


def cost_by_model(result: PlanResult, catalog: Catalog, plan: Plan, group: GroupFigures | None = None) -> list[Bar]:
    """Where the money goes after routing: expected monthly cost per model as shown and
    exported (footed to the monthly total, or to `group`'s), largest first."""
    lookup = price_lookup(plan, catalog)
    shares = result.summary().by_model if group is None else group.by_model
    items = sorted(shares, key=lambda s: s.amount, reverse=True)
    out = []
    for s in items:
        m = lookup(s.model_id)
        out.append(Bar(m.name if m else s.model_id, float(s.amount), s.model_id, s.share_fraction))
    return out


@dataclass(frozen=True)
class ScatterPoint:
    model_id: str
    name: str
    price: float  # blended $/1M at the ratio
    quality: float
    in_plan: bool
    on_frontier: bool


def quality_vs_price(ranking: Ranking, catalog: Catalog, plan_models: set[str]) -> list[ScatterPoint]:
    """Every model above the floor with a positive blended price and a score; the Pareto
    frontier marks the models no other model beats on both price and quality."""
    idx = [i for i in range(len(catalog)) if ranking.eligible[i] and not math.isnan(ranking.quality[i])
           and ranking.blended[i] > 0]
    idx.sort(key=lambda i: (ranking.blended[i], -ranking.quality[i]))
    frontier: set[int] = set()
    best_q = -math.inf
    for i in idx:  # cheapest first: on the frontier when better than everything cheaper
        if ranking.quality[i] > best_q:
            frontier.add(i)
            best_q = ranking.quality[i]
    return [
        ScatterPoint(catalog.models[i].id, catalog.models[i].name, float(ranking.blended[i]), float(ranking.quality[i]),
                     catalog.models[i].id in plan_models, i in frontier)
        for i in idx
    ]


def value_ranking(ranking: Ranking, catalog: Catalog, key: str = "value", top: int = 15) -> list[Bar]:
    """Top models by value (quality per input $) or by $ per quality point (lowest first)."""
    sort = SortKey.VALUE if key == "value" else SortKey.COST_PER_POINT
    arr = ranking.value if key == "value" else ranking.cost_per_point
    out = []
    for i in ranking.order(sort):
        v = arr[i]
        if math.isnan(v):
            continue
        out.append(Bar(catalog.models[i].name, float(v), catalog.models[i].id))
        if len(out) >= top:
            break
    return out


@dataclass(frozen=True)
class Series:
    name: str
    model_id: str | None
    x: list[float]  # input share of tokens, %
    y: list[float]  # monthly cost


def plan_input_share(plan: Plan) -> float | None:
    """The plan's input share in percent (the sensitivity chart's "now" marker)."""
    share = input_share(plan.lines)
    return float(share * 100) if share is not None else None


def sensitivity(plan: Plan, catalog: Catalog, ranking: Ranking, points: int = 11, alternatives: int = 2,
                most_used: int = 4) -> list[Series]:
    """Monthly cost (levers on) as the plan's tokens move from all output (0% input) to all
    input (100%), rebalanced as the input:output slider does (token_mix.rebalance): the plan as it is, every line on each of the plan's `most_used` models
    (by spend), and on the `alternatives` cheapest models above the floor (by blended price
    at the ranking's ratio)."""
    if not plan.lines:
        return []
    ctx = line_context(plan, catalog)
    lookup = ctx.lookup
    shares = [Decimal(k) / (points - 1) for k in range(points)]
    # the plan's models that carry the most money (a plan may use dozens)
    spend: dict[str, Decimal] = {}
    for ln in plan.lines:
        lr = cost_line(0, ln, ctx)
        for mid, amount in lr.by_model.items():
            spend[mid] = spend.get(mid, Decimal(0)) + amount
    used = sorted(spend, key=lambda mid: spend[mid], reverse=True)[:most_used]
    everything_used = {ln.model for ln in plan.lines} | {r.model for ln in plan.lines for r in ln.routing}
    order = [i for i in ranking.order(SortKey.BLENDED) if catalog.models[i].id not in everything_used]
    alts = [catalog.models[i].id for i in order[:alternatives]]

    def total(lines: list[Line]) -> float:
        return float(sum((cost_line(i, ln, ctx).optimized for i, ln in enumerate(lines)),
                         Decimal(0)))

    out: list[Series] = []
    with localcontext() as decimals:
        decimals.prec = ENGINE_PRECISION
        xs = [float(s * 100) for s in shares]
        moved = [rebalance(plan.lines, s) for s in shares]
        out.append(Series("Plan as it is", None, xs, [total(lines) for lines in moved]))
        for model_id in used + alts:
            m = lookup(model_id)
            if m is None:
                continue
            label = f"All on {m.name}" + (" (alternative)" if model_id in alts else "")
            ys = [total([ln.model_copy(update={"model": model_id, "routing": []}) for ln in lines]) for lines in moved]
            out.append(Series(label, model_id, xs, ys))
    return out


@dataclass(frozen=True)
class ForecastData:
    labels: list[str]
    #: short axis labels ('Mar 27', or the month number)
    ticks: list[str]
    expected: list[float]
    low: list[float]
    high: list[float]
    budget: float | None
    first_over: int | None
    #: the months' expected amounts added up
    total: float = 0.0


def forecast(result: PlanResult, group_months: Sequence[FootedMonth] | None = None) -> ForecastData:
    """The month-by-month forecast as shown and exported (month 1 = the monthly total); with
    `group_months` (PlanResult.group_forecast), a group's horizon, without the plan's budget."""
    sm = result.summary()
    if group_months is None:
        months, budget, first_over = sm.forecast, sm.budget, sm.first_month_over
    else:
        months, budget, first_over = tuple(group_months[: len(sm.forecast)]), None, None
    return ForecastData(
        labels=[m.label for m in months],
        ticks=[m.start.strftime("%b %y") if m.start else str(m.index + 1) for m in months],
        expected=[float(m.expected) for m in months],
        low=[float(m.low) for m in months],
        high=[float(m.high) for m in months],
        budget=float(budget) if budget is not None else None,
        first_over=first_over,
        total=float(sum((m.expected for m in months), Decimal(0))),
    )


@dataclass(frozen=True)
class GroupBar:
    """One group's monthly cost: expected, and the low–high range around it."""

    label: str
    low: float
    expected: float
    high: float
    lines: int


def cost_by_group(result: PlanResult, plan: Plan) -> list[GroupBar]:
    """Each group's shown monthly range (the sums of its lines' amounts), in order of first
    appearance; none when no line names a group."""
    names = [ln.group for ln in plan.lines]
    if not any(g.strip() for g in names):
        return []
    return [GroupBar(g.name, float(g.low), float(g.optimized), float(g.high), len(g.lines))
            for g in result.by_group(names)]


@dataclass(frozen=True)
class HistoryPoint:
    model_id: str
    name: str
    when: date
    price: float  # input $/1M
    source: str


def price_history(catalog: Catalog) -> tuple[list[HistoryPoint], list[tuple[date, float, str]]]:
    """Every dated input price in the catalog, and the running cheapest price over time
    (the 'price collapse' line: the lowest input price seen up to each date)."""
    pts = [HistoryPoint(m.id, m.name, p.date, float(p.input), p.source) for m in catalog.models for p in m.history
           if p.input > 0]
    pts.sort(key=lambda p: (p.when, p.price))
    cheapest: list[tuple[date, float, str]] = []
    best = math.inf
    for p in pts:
        if p.price < best:
            best = p.price
            cheapest.append((p.when, p.price, p.name))
    return pts, cheapest


def log_ticks(lo: float, hi: float) -> list[float]:
    """1-2-5 ticks between lo and hi (for log price axes)."""
    if lo <= 0 or hi <= 0 or not np.isfinite([lo, hi]).all():
        return []
    out = []
    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            v = m * 10**e
            if lo / 1.0001 <= v <= hi * 1.0001:
                out.append(v)
    return out


@dataclass(frozen=True)
class SessionCurve:
    """A multi-turn line's cost per session against its number of turns (levers on)."""

    name: str
    turns: list[int]
    cost_per_session: list[float]
    #: the line's own number of turns
    now: int


def session_cost_by_turns(plan: Plan, catalog: Catalog, most: int | None = None) -> list[SessionCurve]:
    """For each multi-turn line, its optimized cost per session at 1..N turns (N = twice its
    turns, or `most`): the same line re-costed with another number of turns."""
    ctx = line_context(plan, catalog)
    out = []
    with localcontext() as decimals:
        decimals.prec = ENGINE_PRECISION
        for i, ln in enumerate(plan.lines):
            if ln.turns is None or not ln.sessions_per_month:
                continue
            n = most or max(2 * ln.turns, 2)
            turns = list(range(1, n + 1))
            costs = [float(cost_line(i, ln.model_copy(update={"turns": t}), ctx).optimized / ln.sessions_per_month)
                     for t in turns]
            out.append(SessionCurve(ln.name, turns, costs, ln.turns))
    return out

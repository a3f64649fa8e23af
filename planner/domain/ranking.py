"""Per-model metrics and catalog rankings: tokens per $1, blended price, value, $ per point, composite.

Single-model helpers return `Decimal` for prices and money; catalog-wide metrics are float
arrays (they are ratios used for ranking, not money), computed once per catalog.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

import numpy as np

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.money import MILLION, ONE
from planner.domain.plan import Line, Plan
from planner.domain.prices import request_fees, unit_prices

DEFAULT_QUALITY_FLOOR = 30.0
LONG_CONTEXT_MIN = 32_000


# ---------------------------------------------------------------------------------------
# One model


def tokens_per_dollar(price: Decimal | None) -> int | None:
    """Whole tokens $1 buys at `price` per 1M: 1,000,000 / price rounded down, since a part
    of a token cannot be bought (None if free or unknown). The one definition the CLI, the
    Models table and Compare show."""
    if price is None or price <= 0:
        return None
    return int(MILLION // price)  # exact integer division (floor for positive numbers)


def blended(m: ModelPrice, ratio: float | Decimal) -> Decimal:
    """Blended $/1M at input:output ratio r:1: (r*in + out) / (r + 1)."""
    r = Decimal(str(ratio))
    return (r * m.input + m.output) / (r + ONE)


def value(m: ModelPrice, metric: str, basis: str = "input") -> float | None:
    """Quality per dollar: quality / input price (or / output price for output-heavy work)."""
    q = m.quality.get(metric)
    price = m.input if basis == "input" else m.output
    if q is None or price <= 0:
        return None
    return q / float(price)


def cost_per_point(m: ModelPrice, metric: str) -> float | None:
    """$ per quality point: blended price at 1:1 divided by quality (lower is better)."""
    q = m.quality.get(metric)
    if not q:
        return None
    return float(blended(m, 1)) / q


@dataclass(frozen=True)
class Task:
    key: str
    label: str
    input_tokens: int
    output_tokens: int


#: The standard tasks (seed: "Cost Per Task: What $1 Actually Gets You").
STANDARD_TASKS: tuple[Task, ...] = (
    Task("chat", "Chat message", 500, 200),
    Task("email", "Email draft", 200, 500),
    Task("summary", "Document summary", 2000, 300),
    Task("code", "Code function", 300, 400),
    Task("blog", "Blog post", 500, 2000),
    Task("classify", "Data classification", 300, 50),
)


def task_cost(m: ModelPrice, task: Task) -> Decimal:
    """USD for one task as the engine prices a request with no levers: (I*in + O*out) / 1e6,
    the long-context range its input falls in, a reasoning model's expected reasoning tokens
    at its reasoning price, and its fee per request."""
    from planner.domain.costing import request_cost  # (the window's start ranks without the engine)

    i, o = Decimal(task.input_tokens), Decimal(task.output_tokens)
    reasoning = m.reasoning_estimate.expected * o if m.reasoning_estimate is not None else Decimal(0)
    return request_cost(unit_prices(m, i), i, o, reasoning_tokens=reasoning) + request_fees(m)


def what_a_dollar_buys(m: ModelPrice, task: Task) -> int | None:
    """Whole tasks $1 pays for (None when the task is free)."""
    c = task_cost(m, task)
    if c <= 0:
        return None
    return int((ONE / c).to_integral_value(rounding=ROUND_FLOOR))


# ---------------------------------------------------------------------------------------
# A plan's workload on another model


def plan_workload(plan: Plan) -> list[tuple[float, float, float]]:
    """(requests per month, input tokens, output tokens) of each line of `plan`: the
    workload `rank` costs on every model at once (`CatalogArrays.workload_cost`)."""
    return [(float(ln.requests_per_month), float(ln.input_tokens), float(ln.output_tokens)) for ln in plan.lines]


def workload_plan(plan: Plan, model_id: str) -> Plan:
    """The plan's lines (their requests and tokens only, no levers) all on `model_id`, in
    the plan's currency, priced from the catalog (no pinned prices)."""
    lines = [
        Line(name=ln.name, requests=ln.requests_per_month, input_tokens=ln.input_tokens,
             output_tokens=ln.output_tokens, model=model_id)
        for ln in plan.lines
    ]
    return Plan(name=plan.name, lines=lines, currency=plan.currency)


def workload_monthly(plan: Plan, catalog: Catalog, model_id: str) -> Decimal:
    """What the plan's workload would cost per month on one model, exact and in cents: the
    engine's baseline of `workload_plan`, footed as `quote` shows a baseline."""
    from planner.domain.costing import compute

    return compute(workload_plan(plan, model_id), catalog).footed_lines("baseline")[1]


# ---------------------------------------------------------------------------------------
# The whole catalog, vectorized


class SortKey(StrEnum):
    VALUE = "value"
    COST_PER_POINT = "cost-per-point"
    BLENDED = "blended"
    INPUT = "input"
    OUTPUT = "output"
    QUALITY = "quality"
    COMPOSITE = "composite"
    #: monthly cost of a workload, cheapest first (a ranking made with a workload)
    WORKLOAD = "workload"


@dataclass(frozen=True)
class CompositeWeights:
    """Weights of the composite score (DESIGN.md defaults 40/20/15/15/10)."""

    cost_per_point: float = 40
    quality_floor: float = 20
    cache_read: float = 15
    throughput: float = 15
    context: float = 10

    @property
    def total(self) -> float:
        return self.cost_per_point + self.quality_floor + self.cache_read + self.throughput + self.context


def _arr(values: Sequence[float | Decimal | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def _with(below: np.ndarray, values: Sequence[tuple[int, float | Decimal]]) -> np.ndarray:
    """A copy of `below` with the (index, value) pairs set."""
    out = below.copy()
    if values:
        out[[i for i, _ in values]] = [float(v) for _, v in values]
    return out


#: the catalog whose arrays were made last, and its arrays (CatalogArrays.from_catalog)
_last_arrays: tuple[Catalog, CatalogArrays] | None = None


def remember_arrays(catalog: Catalog, arrays: CatalogArrays) -> None:
    """Arrays made earlier for this very catalog (kept with it in the catalog cache)."""
    global _last_arrays
    _last_arrays = (catalog, arrays)


@dataclass(frozen=True)
class CatalogArrays:
    """Column arrays of a catalog's numbers, built once, so rankings are vectorized."""

    ids: tuple[str, ...]
    input: np.ndarray
    output: np.ndarray
    cache_read: np.ndarray
    throughput: np.ndarray
    context: np.ndarray
    #: per long-context range level j (a model's j-th range, by rising threshold): its
    #: threshold (inf where a model has fewer ranges) and its prices (the level below's where none)
    lc_threshold: tuple[np.ndarray, ...]
    lc_input: tuple[np.ndarray, ...]
    lc_output: tuple[np.ndarray, ...]
    #: USD per request (0 where none), reasoning tokens per output token a reasoning model is
    #: expected to spend (0 where it states none), the reasoning price, and at the tier
    per_request: np.ndarray
    reasoning_factor: np.ndarray
    reasoning: np.ndarray
    lc_reasoning: tuple[np.ndarray, ...]
    _quality_cache: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> CatalogArrays:
        """The arrays of `catalog`, made once for the catalog in force (asked for by every
        ranking) and kept until another catalog is asked for."""
        last = _last_arrays
        if last is not None and last[0] is catalog:
            return last[1]
        arrays = cls._build(catalog)
        remember_arrays(catalog, arrays)
        return arrays

    @classmethod
    def _build(cls, catalog: Catalog) -> CatalogArrays:
        ms = catalog.models
        base_in, base_out = _arr([m.input for m in ms]), _arr([m.output for m in ms])
        # the reasoning price in force (prices.unit_prices), asked of the models that list one;
        # the others pay their output price for reasoning (UnitPrices.reasoning_price)
        own_r = _with(base_out, [(i, unit_prices(m).reasoning_price) for i, m in enumerate(ms)
                                 if m.reasoning is not None])
        thresholds, inputs, outputs, reasonings = [], [], [], []
        below_in, below_out, below_r = base_in, base_out, own_r
        ranged = [(i, m) for i, m in enumerate(ms) if m.long_context]
        for j in range(max((len(m.long_context) for _, m in ranged), default=0)):
            # level j: the models with a j-th range take its prices, the others keep the level below's
            tier = [(i, m, m.long_context[j]) for i, m in ranged if j < len(m.long_context)]
            level_out = _with(below_out, [(i, t.output) for i, _, t in tier])
            level_r = _with(below_r, [(i, t.output if m.reasoning is None else
                                          unit_prices(m, Decimal(t.threshold_tokens + 1)).reasoning_price)
                                      for i, m, t in tier])
            thresholds.append(_with(np.full(len(ms), math.inf), [(i, t.threshold_tokens) for i, _, t in tier]))
            inputs.append(below_in := _with(below_in, [(i, t.input) for i, _, t in tier]))
            outputs.append(level_out)
            reasonings.append(level_r)
            below_out, below_r = level_out, level_r
        return cls(
            ids=tuple(m.id for m in ms),
            input=base_in,
            output=base_out,
            cache_read=_arr([m.cache_read for m in ms]),
            throughput=_arr([m.throughput_tps for m in ms]),
            context=_arr([m.context_window for m in ms]),
            lc_threshold=tuple(thresholds),
            lc_input=tuple(inputs),
            lc_output=tuple(outputs),
            per_request=_arr([m.per_request or 0 for m in ms]),
            reasoning_factor=_arr([m.reasoning_estimate.expected if m.reasoning_estimate else 0 for m in ms]),
            reasoning=own_r,
            lc_reasoning=tuple(reasonings),
        )

    def quality(self, catalog: Catalog, metric: str) -> np.ndarray:
        """Scores on `metric` (NaN where a model has none), built once per metric."""
        cache = self._quality_cache
        if metric not in cache:
            cache[metric] = _arr([m.quality.get(metric) for m in catalog.models])
        return cache[metric]

    def workload_cost(self, workload: Sequence[tuple[float, float, float]]) -> np.ndarray:
        """Monthly USD of a workload [(requests, input tokens, output tokens), ...] on every
        model, no levers (long-context tiers applied per line).

        Cost = sum over lines of R x (I x in + O x out + O x f x reasoning) / 1e6 + R x fee, as
        the engine prices a line with no levers (f: a reasoning model's expected reasoning
        tokens per output token), where a model's long-context prices replace its own for the
        lines whose input exceeds its threshold: one matrix product over (lines x models)."""
        if not len(workload):
            return np.zeros(len(self.ids))
        w = np.asarray(workload, dtype=float)
        ri, ro = w[:, 0] * w[:, 1], w[:, 0] * w[:, 2]
        rr = ro * 1.0  # reasoning tokens: output x each model's factor, below
        cost = ri.sum() * self.input + ro.sum() * self.output + rr.sum() * self.reasoning_factor * self.reasoning
        # each range level adds the step from the prices of the level below, for the lines
        # whose input exceeds its threshold (levels rise, so the last one exceeded wins)
        prev_in, prev_out, prev_r = self.input, self.output, self.reasoning
        for thr, lin, lout, lr in zip(self.lc_threshold, self.lc_input, self.lc_output, self.lc_reasoning,
                                      strict=True):
            cols = np.flatnonzero(np.isfinite(thr))
            if len(cols):
                long = w[:, 1][:, None] > thr[cols][None, :]  # lines x models with this range
                cost[cols] += (ri @ long) * (lin[cols] - prev_in[cols]) + (ro @ long) * (lout[cols] - prev_out[cols]) \
                    + (rr @ long) * self.reasoning_factor[cols] * (lr[cols] - prev_r[cols])
            prev_in, prev_out, prev_r = lin, lout, lr
        return cost / 1e6 + w[:, 0].sum() * self.per_request


@dataclass(frozen=True)
class Ranking:
    """Metrics for every model at one setting of metric, ratio, floor and weights."""

    arrays: CatalogArrays
    metric: str
    ratio: float
    floor: float
    quality: np.ndarray
    blended: np.ndarray
    value: np.ndarray
    cost_per_point: np.ndarray
    composite: np.ndarray
    eligible: np.ndarray
    #: USD per month of a workload on each model, list prices, no levers (None: no workload given)
    workload_cost: np.ndarray | None = None

    def order(self, key: SortKey | str, include_ineligible: bool = False) -> list[int]:
        """Model indices, best first. Ties go to the higher-quality model; models missing
        the sort metric come last; models under the floor are left out unless asked for.
        Sorting by workload needs a ranking made with a workload (ValueError otherwise)."""
        key = SortKey(key)
        if key is SortKey.WORKLOAD and self.workload_cost is None:
            raise ValueError("sorting by workload cost needs a workload")
        q = np.nan_to_num(self.quality, nan=-1.0)
        primary = {
            SortKey.VALUE: lambda: -self.value,
            SortKey.COST_PER_POINT: lambda: self.cost_per_point,
            SortKey.BLENDED: lambda: self.blended,
            SortKey.INPUT: lambda: self.arrays.input,
            SortKey.OUTPUT: lambda: self.arrays.output,
            SortKey.QUALITY: lambda: -self.quality,
            SortKey.COMPOSITE: lambda: -self.composite,
            SortKey.WORKLOAD: lambda: self.workload_cost,
        }[key]()
        missing = np.isnan(primary)
        primary = np.where(missing, 0.0, primary)
        idx = np.lexsort((np.arange(len(q)), -q, primary, missing))
        if not include_ineligible:
            idx = idx[self.eligible[idx]]
        return idx.tolist()


def rank(
    catalog: Catalog,
    metric: str,
    ratio: float = 3.0,
    floor: float = 0.0,
    weights: CompositeWeights | None = None,
    arrays: CatalogArrays | None = None,
    value_basis: str = "input",
    workload: Sequence[tuple[float, float, float]] | None = None,
    include_free: bool = False,
) -> Ranking:
    """Rank a catalog. `floor` > 0 excludes models under it (or without the metric).
    Models with no price at all (input and output 0: an import's unpriced or free entries)
    leave the ranking too, unless `include_free`: they are not the cheapest models.
    With a `workload` [(requests, input tokens, output tokens), ...] the ranking also holds
    its monthly cost on every model (`CatalogArrays.workload_cost`), to sort by."""
    a = arrays or CatalogArrays.from_catalog(catalog)
    w = weights or CompositeWeights()
    q = a.quality(catalog, metric)
    with np.errstate(divide="ignore", invalid="ignore"):
        blend = (ratio * a.input + a.output) / (ratio + 1)
        blend11 = (a.input + a.output) / 2
        price = a.input if value_basis == "input" else a.output
        val = np.where(price > 0, q / price, np.nan)
        cpp = np.where(q > 0, blend11 / q, np.nan)
    # NaN (no score on this metric) compares False: such a model fails any floor above 0.
    passes = q >= floor if floor > 0 else np.ones(len(q), dtype=bool)
    if not include_free:
        passes = passes & ((a.input > 0) | (a.output > 0))
    composite = _composite(a, q, cpp, floor, w)
    cost = None if workload is None else a.workload_cost(workload)
    return Ranking(a, metric, ratio, floor, q, blend, val, cpp, composite, passes, cost)


def _best(values: np.ndarray, pool: np.ndarray, pick) -> float:
    """The best (`pick`: np.nanmin or np.nanmax) of `values` over `pool`, NaN if none has one."""
    v = values[pool]
    return float(pick(v)) if np.any(~np.isnan(v)) else math.nan


def _composite(a: CatalogArrays, q: np.ndarray, cpp: np.ndarray, floor: float, w: CompositeWeights) -> np.ndarray:
    """Weighted 0-100 score; NaN (no composite) for a model with no score on the metric.

    The parts, each 0..1: cost per point (best/own), the floor gate (1 if the model's own
    score is at or above the floor), cache-read price (cheapest/own, 0 if none), throughput
    (own/fastest, 0 if unknown), context >= 32K (1 or 0). "Best", "cheapest" and "fastest"
    are taken over every model of the catalog with a score on the metric, whatever the
    floor: so flooring, filtering or hiding other models never moves a model's composite;
    only a change to the catalog itself (an edit, an import) can set a new reference."""
    scored = ~np.isnan(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        best_cpp = _best(cpp, scored, np.nanmin)
        s_cpp = np.where(cpp > 0, best_cpp / cpp, np.where(cpp == 0, 1.0, 0.0))
        best_cr = _best(a.cache_read, scored, np.nanmin)
        s_cr = np.where(a.cache_read > 0, best_cr / a.cache_read, np.where(a.cache_read == 0, 1.0, 0.0))
        best_tp = _best(a.throughput, scored, np.nanmax)
        s_tp = np.where(a.throughput > 0, a.throughput / best_tp, 0.0)
    s_ctx = (a.context >= LONG_CONTEXT_MIN).astype(float)
    parts = (
        w.cost_per_point * np.nan_to_num(np.clip(s_cpp, 0, 1)),
        w.quality_floor * (q >= floor).astype(float),
        w.cache_read * np.nan_to_num(np.clip(s_cr, 0, 1)),
        w.throughput * np.nan_to_num(np.clip(s_tp, 0, 1)),
        w.context * s_ctx,
    )
    total = w.total or 1.0
    return np.where(scored, sum(parts) / total * 100, np.nan)

"""Plan versus actual: usage records matched to plan lines, the variance of a month per line,
per model and per month, split into volume, token mix, lever and price effects that add up
exactly to it (docs/costs.md "Plan versus actual"), and the plan recalibrated from actuals.

Amounts are in the plan's currency. The unrounded parts are kept to AMOUNT_QUANTUM, so each
is a difference of two exact figures and the four telescope to actual − planned; shown
figures round each line once and foot the parts to the shown variance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from pydantic import BaseModel, ConfigDict, Field

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import AMOUNT_QUANTUM, compute, request_cost
from planner.domain.currency import quantum as currency_quantum
from planner.domain.errors import InputError
from planner.domain.money import ENGINE_PRECISION, ONE, ZERO, foot_to, money
from planner.domain.plan import Forecast, Line, Plan, RouteShare, VolumeMode
from planner.domain.prices import (
    batch_prices,
    price_lookup,
    request_fees,
    scheduled_price,
    unit_prices,
)
from planner.domain.resolve import resolve_model
from planner.domain.summary import fraction_of, growth_factor, lines_in_force

#: a model whose billed cost differs from its catalog cost by more than this is flagged
PRICE_GAP_THRESHOLD = Decimal("0.02")
#: tokens per request and shares set by recalibration are kept to these places
PER_REQUEST_PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class UsageRecord:
    """One entry of a usage file: a day's (or a request's) usage of one model. Input tokens
    include the cached ones; `cost` is what the file says was billed, if it says."""

    source: str  # "usage.csv row 3": where a problem with it is reported
    day: date
    model: str
    requests: Decimal = ZERO
    input_tokens: Decimal = ZERO
    cached_tokens: Decimal = ZERO
    output_tokens: Decimal = ZERO
    batch: bool = False
    cost: Decimal | None = None
    currency: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def month(self) -> date:
        return self.day.replace(day=1)


class UsageMapping(BaseModel):
    """Which plan line a usage key belongs to: a tag or project id, or a model as the usage
    names it (or its catalog id). Kept in the plan so the next month matches the same way."""

    model_config = ConfigDict(extra="forbid")

    keys: dict[str, str] = Field(default_factory=dict)

    def check(self, plan: Plan) -> None:
        names = {ln.name for ln in plan.lines}
        for key, line in self.keys.items():
            if line not in names:
                raise InputError(f"mapping '{key}={line}': the plan has no line '{line}' "
                                 f"(lines: {', '.join(sorted(names)) or 'none'})")


# ---------------------------------------------------------------------------------------
# Checks a usage file must pass


def model_problems(records: Sequence[UsageRecord], catalog: Catalog) -> dict[int, str]:
    """Record index -> why its model is not one the catalog knows (one line each)."""
    seen: dict[str, str | None] = {}
    out = {}
    for i, r in enumerate(records):
        if r.model not in seen:
            try:
                resolve_model(catalog.models, r.model)
                seen[r.model] = None
            except InputError as e:
                seen[r.model] = str(e)
        if seen[r.model] is not None:
            out[i] = f"{r.source}: field 'model': {seen[r.model]}"
    return out


def currencies(records: Iterable[UsageRecord]) -> list[str]:
    """The currencies the records' costs are in (one is fine; several cannot be added up)."""
    return sorted({r.currency for r in records if r.cost is not None and r.currency})


# ---------------------------------------------------------------------------------------
# Usage added up


@dataclass(frozen=True)
class Usage:
    """Usage added up: counts, the billed cost (None where no record states one) and the
    catalog cost of the same tokens, both in the plan's currency."""

    requests: Decimal = ZERO
    input_tokens: Decimal = ZERO
    cached_tokens: Decimal = ZERO
    output_tokens: Decimal = ZERO
    batch_requests: Decimal = ZERO
    billed: Decimal | None = None
    catalog: Decimal = ZERO

    def __add__(self, o: Usage) -> Usage:
        billed = None if self.billed is None and o.billed is None else (self.billed or ZERO) + (o.billed or ZERO)
        return Usage(self.requests + o.requests, self.input_tokens + o.input_tokens,
                     self.cached_tokens + o.cached_tokens, self.output_tokens + o.output_tokens,
                     self.batch_requests + o.batch_requests, billed, self.catalog + o.catalog)

    @property
    def cost(self) -> Decimal:
        """What was spent: the billed cost where the usage states it, else the catalog cost."""
        return self.catalog if self.billed is None else self.billed

    @property
    def cache_hit_rate(self) -> Decimal | None:
        """Share of input tokens read from the prompt cache."""
        return fraction_of(self.cached_tokens, self.input_tokens)

    @property
    def batch_share(self) -> Decimal | None:
        return fraction_of(self.batch_requests, self.requests)


@dataclass(frozen=True)
class Mix:
    """Per request, as shown: tokens in (cached included) and out, the share of input read
    from the prompt cache and the share of requests sent as batch."""

    input_tokens: Decimal | None
    output_tokens: Decimal | None
    cache_hit_rate: Decimal | None
    batch_share: Decimal | None


def planned_mix(line: Line) -> Mix:
    pc = line.prompt_cache
    return Mix(line.input_tokens, line.output_tokens, fraction_of(pc.prefix_tokens * pc.hit_rate, line.input_tokens),
               line.batch_share)


def actual_mix(u: Usage) -> Mix:
    def per(tokens: Decimal) -> Decimal | None:
        return _places(tokens / u.requests, PER_REQUEST_PLACES) if u.requests else None

    return Mix(per(u.input_tokens), per(u.output_tokens), u.cache_hit_rate, u.batch_share)


def _amount(x: Decimal) -> Decimal:
    return money(x, AMOUNT_QUANTUM)


def record_usage(r: UsageRecord, m: ModelPrice, plan: Plan) -> Usage:
    """One record as Usage: its catalog cost is its tokens at the prices in force in its
    month (pinned first), cached input at the cache-read price, batch at batch prices."""
    m = scheduled_price(m, r.month)
    size = r.input_tokens / r.requests if r.requests else ZERO
    std = unit_prices(m, size)
    p = batch_prices(m, std, plan.batch_discount) if r.batch else std
    usd = request_cost(p, r.input_tokens, r.output_tokens, r.cached_tokens, ONE) + r.requests * request_fees(m)
    rate = plan.currency.per_usd
    billed = None
    if r.cost is not None:
        billed = r.cost * rate if (r.currency or "USD").upper() == "USD" and plan.currency.code != "USD" else r.cost
    return Usage(r.requests, r.input_tokens, r.cached_tokens, r.output_tokens,
                 r.requests if r.batch else ZERO, billed, usd * rate)


# ---------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class Match:
    line: int | None  # index of the plan line, None: unmatched
    key: str  # what matched (or the model, for an unmatched record)
    reason: str = ""


def match_record(r: UsageRecord, model_id: str, plan: Plan, mapping: UsageMapping) -> Match:
    """The line a record belongs to: a mapped tag, a mapped model, a tag that is a line's
    name, else the one line that uses its model."""
    index = {ln.name: i for i, ln in enumerate(plan.lines)}
    for key in (*r.tags, r.model, model_id):
        if key in mapping.keys:
            return Match(index[mapping.keys[key]], key)
    by_name = {ln.name.casefold(): i for i, ln in enumerate(plan.lines)}
    for tag in r.tags:
        if tag.casefold() in by_name:
            return Match(by_name[tag.casefold()], tag)
    users = [i for i, ln in enumerate(plan.lines) if model_id in ln.model_ids()]
    if len(users) == 1:
        return Match(users[0], model_id)
    tag = f" (tags: {', '.join(r.tags)})" if r.tags else ""
    if users:
        names = ", ".join(f"'{plan.lines[i].name}'" for i in users)
        return Match(None, r.model, f"lines {names} all use {model_id}{tag}: map it to one")
    return Match(None, r.model, f"no line uses {model_id}{tag}")


# ---------------------------------------------------------------------------------------
# Variance


@dataclass(frozen=True)
class Split:
    """Actual − planned in four parts (docs/costs.md): volume + mix + lever + price."""

    volume: Decimal = ZERO
    mix: Decimal = ZERO
    lever: Decimal = ZERO
    price: Decimal = ZERO

    def parts(self) -> list[Decimal]:
        return [self.volume, self.mix, self.price, self.lever]

    @property
    def total(self) -> Decimal:
        return self.volume + self.mix + self.lever + self.price


@dataclass(frozen=True)
class LineVariance:
    index: int
    name: str
    planned: Decimal
    planned_requests: Decimal
    actual: Usage
    split: Split
    #: actual usage of the line by model id (its routing in practice)
    by_model: dict[str, Usage] = field(default_factory=dict)

    @property
    def actual_cost(self) -> Decimal:
        return _amount(self.actual.cost)


@dataclass(frozen=True)
class UnmatchedUsage:
    key: str
    model_id: str
    reason: str
    usage: Usage


@dataclass(frozen=True)
class ModelVariance:
    model_id: str
    planned: Decimal
    usage: Usage
    #: billed ÷ catalog cost − 1, where the usage states a cost; None otherwise
    price_gap: Decimal | None

    @property
    def flagged(self) -> bool:
        return self.price_gap is not None and abs(self.price_gap) > PRICE_GAP_THRESHOLD


@dataclass(frozen=True)
class MonthTotal:
    month: date
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True)
class ShownRow:
    """One row as shown: amounts rounded once, the split footed to the variance."""

    name: str
    planned: Decimal
    actual: Decimal
    variance: Decimal
    variance_fraction: Decimal | None
    split: Split


@dataclass(frozen=True)
class ShownModel:
    """A model's month as shown: planned, actual (billed where stated) and the catalog cost of
    the same tokens, each rounded once; the billed-price gap as a 4-place fraction."""

    model_id: str
    planned: Decimal
    actual: Decimal
    catalog: Decimal
    price_gap: Decimal | None
    flagged: bool


@dataclass(frozen=True)
class Variance:
    month: date
    currency: str
    lines: tuple[LineVariance, ...]
    unmatched: tuple[UnmatchedUsage, ...]
    models: tuple[ModelVariance, ...]
    months: tuple[MonthTotal, ...]
    notices: tuple[str, ...]

    @property
    def planned(self) -> Decimal:
        return sum((v.planned for v in self.lines), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum((v.actual_cost for v in self.lines), ZERO) + sum((u.usage.cost for u in self.unmatched), ZERO)

    def shown(self) -> tuple[list[ShownRow], ShownRow]:
        """Per line (and one row for unmatched usage, all of it volume) and the total, as
        shown: each total the sum of the shown rows, each split footing to its variance."""
        q = currency_quantum(self.currency)
        rows = []
        for v in self.lines:
            rows.append(_shown_row(v.name, v.planned, v.actual_cost, v.split, q))
        if self.unmatched:
            cost = sum((u.usage.cost for u in self.unmatched), ZERO)
            rows.append(_shown_row("(unmatched)", ZERO, cost, Split(volume=cost), q))
        planned = sum((r.planned for r in rows), ZERO)
        actual = sum((r.actual for r in rows), ZERO)
        split = Split(*(sum((getattr(r.split, k) for r in rows), ZERO) for k in ("volume", "mix", "lever", "price")))
        return rows, ShownRow("Total", planned, actual, actual - planned, fraction_of(actual - planned, planned), split)


    def shown_models(self) -> list[ShownModel]:
        q = currency_quantum(self.currency)
        return [ShownModel(m.model_id, money(m.planned, q), money(m.usage.cost, q), money(m.usage.catalog, q),
                           None if m.price_gap is None else money(m.price_gap, SHARE_PLACES), m.flagged)
                for m in self.models]

    def shown_unmatched(self) -> list[tuple[UnmatchedUsage, Decimal]]:
        """Each unmatched usage and its cost as shown (rounded once)."""
        q = currency_quantum(self.currency)
        return [(u, money(u.usage.cost, q)) for u in self.unmatched]


def _shown_row(name: str, planned: Decimal, actual: Decimal, split: Split, q: Decimal) -> ShownRow:
    p, a = money(planned, q), money(actual, q)
    volume, mix, price, lever = foot_to(split.parts(), a - p, q)
    return ShownRow(name, p, a, a - p, fraction_of(a - p, p), Split(volume, mix, lever, price))


def _month_index(plan: Plan, month: date) -> int:
    start = plan.forecast.start_month
    if start is None:
        return 0
    return max(0, (month.year - start.year) * 12 + month.month - start.month)


def _cost_at_actual_tokens(plan: Plan, catalog: Catalog, line: Line, usage: Usage, month: date) -> Decimal:
    """What the actual requests would have cost with the actual tokens per request and
    the plan's prices (in force that month) and levers."""
    i = usage.input_tokens / usage.requests
    o = usage.output_tokens / usage.requests
    pc = line.prompt_cache
    one = line.model_copy(update={
        "requests": usage.requests, "volume_mode": VolumeMode.PER_MONTH, "input_tokens": i, "output_tokens": o,
        "prompt_cache": pc.model_copy(update={"prefix_tokens": min(pc.prefix_tokens, i)}),
        "long_share": ZERO, "long_input_tokens": None,
    })
    solo = plan.model_copy(update={"lines": [one], "scenarios": [],
                                   "forecast": Forecast(horizon_months=1, start_month=month)})
    return lines_in_force(compute(solo, catalog), 0)[0].optimized


def _split(planned: Decimal, requests: Decimal, at_tokens: Decimal | None, usage: Usage) -> Split:
    """volume = X − C, mix = M − X, lever = K − M, price = A − K, with C planned, X = actual
    requests × planned cost per request, M the actual requests at actual tokens (planned
    prices and levers), K the catalog cost of the actual usage, A what was spent."""
    c = _amount(planned)
    x = _amount(usage.requests * planned / requests) if requests else ZERO
    m = _amount(at_tokens) if at_tokens is not None else x
    k = _amount(usage.catalog)
    a = _amount(usage.cost)
    return Split(volume=x - c, mix=m - x, lever=k - m, price=a - k)


def _usages(plan: Plan, catalog: Catalog, records: Sequence[UsageRecord], mapping: UsageMapping
            ) -> list[tuple[UsageRecord, ModelPrice, Match, Usage]]:
    lookup = price_lookup(plan, catalog)
    models: dict[str, ModelPrice] = {}
    out = []
    for r in records:
        if r.model not in models:
            resolved = resolve_model(catalog.models, r.model)
            models[r.model] = lookup(resolved.id) or resolved
        m = models[r.model]
        out.append((r, m, match_record(r, m.id, plan, mapping), record_usage(r, m, plan)))
    return out


def variance(plan: Plan, catalog: Catalog, records: Sequence[UsageRecord], mapping: UsageMapping | None = None,
             month: date | None = None) -> Variance:
    """Plan versus actual for one month (default: the latest month of the usage), with the
    shown totals of every month the usage covers."""
    mapping = mapping or UsageMapping()
    mapping.check(plan)
    months = sorted({r.month for r in records})
    if not months:
        raise InputError("the usage files hold no usage")
    month = month or months[-1]
    if month not in months:
        raise InputError(f"no usage in {month:%Y-%m}; the files cover {', '.join(f'{m:%Y-%m}' for m in months)}")
    for cur in currencies(records):
        if cur.upper() not in ("USD", plan.currency.code):
            raise InputError(f"the usage is billed in {cur.upper()}, the plan in {plan.currency.code}: "
                             "only costs in USD or in the plan's currency can be compared")
    with localcontext() as ctx:
        ctx.prec = ENGINE_PRECISION
        result = compute(plan, catalog)
        usages = _usages(plan, catalog, records, mapping)
        each = {m: _variance(plan, catalog, result, [u for u in usages if u[0].month == m], m) for m in months}
    totals = []
    for m, v in each.items():
        total = v.shown()[1]
        totals.append(MonthTotal(m, total.planned, total.actual))
    return dataclasses.replace(each[month], months=tuple(totals))


def _planned(plan: Plan, result, month: date) -> tuple[list[Decimal], list[Decimal], dict[str, Decimal]]:
    """Each line's planned cost and requests in `month`, and the planned cost by model."""
    fc = plan.forecast
    k = _month_index(plan, month)
    f = growth_factor(fc.monthly_growth, fc.yearly_price_trend, k)
    g = (ONE + fc.monthly_growth) ** k
    lines = lines_in_force(result, k)
    by_model: dict[str, Decimal] = {}
    for ln in lines:
        for mid, v in ln.by_model.items():
            by_model[mid] = by_model.get(mid, ZERO) + v * f
    return [_amount(ln.optimized * f) for ln in lines], [ln.requests * g for ln in lines], by_model


def _variance(plan: Plan, catalog: Catalog, result, usages, month: date) -> Variance:
    planned, requests, planned_by_model = _planned(plan, result, month)
    per_line: dict[int, dict[str, Usage]] = {}
    unmatched: dict[tuple[str, str, str], Usage] = {}
    by_model: dict[str, Usage] = {}
    for _r, m, mt, u in usages:
        by_model[m.id] = by_model.get(m.id, Usage()) + u
        if mt.line is None:
            key = (mt.key, m.id, mt.reason)
            unmatched[key] = unmatched.get(key, Usage()) + u
        else:
            models = per_line.setdefault(mt.line, {})
            models[m.id] = models.get(m.id, Usage()) + u
    notices = []
    if result.add_ons:
        fixed = sum((a.monthly for a in result.add_ons), ZERO)
        notices.append(f"the plan's fixed add-ons ({fixed:f} {plan.currency.code} a month) are not in usage files: "
                       "the variance compares the lines only")
    lines = []
    for i, ln in enumerate(plan.lines):
        models = per_line.get(i, {})
        usage = sum(models.values(), Usage())
        at_tokens = None
        if usage.requests:
            at_tokens = _cost_at_actual_tokens(plan, catalog, ln, usage, month)
        elif usage.input_tokens or usage.output_tokens:
            notices.append(f"{ln.name}: the usage has no request counts: volume and token mix are not told apart")
        lines.append(LineVariance(i, ln.name, planned[i], requests[i], usage,
                                  _split(planned[i], requests[i], at_tokens, usage), models))
    model_rows = []
    for mid in sorted(set(by_model) | set(planned_by_model)):
        u = by_model.get(mid, Usage())
        gap = u.billed / u.catalog - ONE if u.billed is not None and u.catalog else None
        model_rows.append(ModelVariance(mid, planned_by_model.get(mid, ZERO), u, gap))
        if model_rows[-1].flagged:
            notices.append(f"{mid}: billed {'above' if gap > 0 else 'below'} the catalog price of the same tokens by "  # type: ignore[operator]
                           f"{abs(gap) * 100:.1f}% (a wrong catalog price, or a negotiated rate)")  # type: ignore[arg-type]
    return Variance(
        month=month, currency=plan.currency.code, lines=tuple(lines),
        unmatched=tuple(UnmatchedUsage(k, mid, why, u) for (k, mid, why), u in unmatched.items()),
        models=tuple(model_rows), months=(), notices=tuple(notices),
    )


# ---------------------------------------------------------------------------------------
# Recalibration


def _places(x: Decimal, q: Decimal) -> Decimal:
    return x.quantize(q, rounding=ROUND_HALF_UP)


def _routing(line: Line, models: dict[str, Usage]) -> dict[str, object]:
    """The line's model or routing mix as the actual requests went."""
    used = {mid: u.requests for mid, u in models.items() if u.requests}
    if len(used) <= 1:
        return {"model": next(iter(used), line.model), "routing": []}
    total = sum(used.values(), ZERO)
    ids = sorted(used, key=lambda mid: -used[mid])
    shares = [_places(used[mid] / total, SHARE_PLACES) for mid in ids[1:]]
    shares.insert(0, ONE - sum(shares, ZERO))
    return {"model": ids[0], "routing": [RouteShare(model=mid, share=s) for mid, s in zip(ids, shares, strict=True)]}


def recalibrated_line(line: Line, v: LineVariance) -> Line:
    """`line` with its volume, tokens per request, prompt-cache hit rate, batch share and
    model mix set from its actual month; a line with no actual requests is left as it is."""
    u = v.actual
    if not u.requests:
        return line
    i = _places(u.input_tokens / u.requests, PER_REQUEST_PLACES)
    cached = _places(u.cached_tokens / u.requests, PER_REQUEST_PLACES)
    prefix = min(line.prompt_cache.prefix_tokens, i)
    if cached > prefix:
        prefix = cached
    hit = _places(cached / prefix, SHARE_PLACES) if prefix else ZERO
    requests = u.requests if line.volume_mode is VolumeMode.PER_MONTH else u.requests / line.days_per_month
    data = line.model_dump()
    data.update(
        requests=_places(requests, PER_REQUEST_PLACES), input_tokens=i,
        output_tokens=_places(u.output_tokens / u.requests, PER_REQUEST_PLACES),
        prompt_cache={**data["prompt_cache"], "prefix_tokens": prefix, "hit_rate": hit},
        batch_share=_places(u.batch_requests / u.requests, SHARE_PLACES),
        long_share=ZERO, long_input_tokens=None,
        **_routing(line, v.by_model),
    )
    return Line.model_validate(data)


def recalibrate(plan: Plan, v: Variance) -> Plan:
    """The plan with each line set from its actuals (recalibrated_line) and the forecast
    re-based to start from the actual month."""
    lines = [recalibrated_line(ln, lv) for ln, lv in zip(plan.lines, v.lines, strict=True)]
    forecast = plan.forecast.model_copy(update={"start_month": v.month})
    return plan.model_copy(update={"lines": lines, "forecast": forecast})


# ---------------------------------------------------------------------------------------
# Chart data


@dataclass(frozen=True)
class VarianceStep:
    """One bar of the variance waterfall: from `start` to `end` (amounts as shown)."""

    label: str
    start: Decimal
    end: Decimal
    kind: str  # "total" | "over" (the cost went up) | "under" (it went down) | "flat"


#: the split's parts in the order the waterfall steps through them (Split.parts' order)
SPLIT_LABELS = ("Volume", "Mix", "Price", "Levers")


def variance_waterfall(v: Variance) -> list[VarianceStep]:
    """Planned, then the shown total's volume, mix, price and lever parts as steps, each
    starting where the last ended, then actual: the last step ends at the actual total."""
    _rows, total = v.shown()
    steps = [VarianceStep("Planned", ZERO, total.planned, "total")]
    running = total.planned
    for label, amount in zip(SPLIT_LABELS, total.split.parts(), strict=True):
        kind = "over" if amount > 0 else "under" if amount < 0 else "flat"
        steps.append(VarianceStep(label, running, running + amount, kind))
        running += amount
    steps.append(VarianceStep("Actual", ZERO, total.actual, "total"))
    return steps


def month_totals(v: Variance) -> list[tuple[str, Decimal, Decimal]]:
    """(month, planned, actual) for each month the usage covers, in order, as shown."""
    return [(f"{m.month:%b %Y}", m.planned, m.actual) for m in v.months]

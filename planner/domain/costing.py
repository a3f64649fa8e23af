"""The cost engine: plan + catalog -> line costs, the savings waterfall, totals and forecast.

Every amount is a `Decimal` in the plan's currency, unrounded; `money()` and `foot()`
round half-up to cents for presentation so that shown totals equal the sum of shown lines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.conversation import request_profile
from planner.domain.errors import InputError
from planner.domain.money import ENGINE_PRECISION, MILLION, ONE, ZERO
from planner.domain.plan import FlatMultiplier, Forecast, Line, Plan, ServiceTier
from planner.domain.prices import (
    PriceLookup,
    UnitPrices,
    batch_prices,
    price_lookup,
    request_fees,
    scheduled_dates,
    scheduled_price,
    unit_prices,
)
from planner.domain.summary import (
    ADD_ON_STEP,
    BudgetTable,
    Economics,
    FootedMonth,
    GroupFigures,
    Step,
    Summary,
    add_months,
    budget_by_month,
    group_forecast,
    group_summaries,
    summarize,
)

#: Lever keys in the order they are applied (docs/costs.md "Levers").
APP_CACHE = "app_cache"
ROUTING = "routing"
PROMPT_CACHE = "prompt_cache"
BATCH = "batch"
SERVICE_TIER = "service_tier"
OFF_PEAK = "off_peak"
LEVER_ORDER = (APP_CACHE, ROUTING, PROMPT_CACHE, BATCH, SERVICE_TIER, OFF_PEAK)
#: steps shown only where a line uses them
OPTIONAL_LEVERS = (SERVICE_TIER, OFF_PEAK)
#: plan-wide costs after the flat multipliers
RETRY = "retry_overhead"
PLATFORM_FEE = "platform_fee"
#: a fixed monthly add-on's step is "add_on:<its name>", after the platform fee
ADD_ON = ADD_ON_STEP
LEVER_LABELS = {
    APP_CACHE: "App-side caches",
    ROUTING: "Routing mix",
    PROMPT_CACHE: "Prompt caching",
    BATCH: "Batch",
    SERVICE_TIER: "Service tier",
    OFF_PEAK: "Off-peak hours",
    RETRY: "Retry overhead",
    PLATFORM_FEE: "Platform fee",
}


#: Amounts in a PlanResult are kept to 1e-15 (far below a cent), so they fit the default
#: 28-digit decimal context up to $1e13 and adding them up anywhere is exact.
AMOUNT_QUANTUM = Decimal("1e-15")


def _amount(x: Decimal) -> Decimal:
    return x.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def request_cost(
    p: UnitPrices,
    input_tokens: Decimal,
    output_tokens: Decimal,
    prefix_tokens: Decimal = ZERO,
    hit_rate: Decimal = ZERO,
    reasoning_tokens: Decimal = ZERO,
) -> Decimal:
    """USD for one request's tokens. With a cached prefix (and a cache-read price) the input
    part is `(I-P)*in + P*(h*cache_read + (1-h)*cache_write)`; reasoning tokens are billed at
    the reasoning price (the output price where the model lists none)."""
    if prefix_tokens and p.cache_read is not None:
        input_part = (input_tokens - prefix_tokens) * p.input + prefix_tokens * (
            hit_rate * p.cache_read + (ONE - hit_rate) * p.cache_write
        )
    else:
        input_part = input_tokens * p.input
    out_part = output_tokens * p.output
    if reasoning_tokens:
        out_part += reasoning_tokens * p.reasoning_price
    return (input_part + out_part) / MILLION


@dataclass(frozen=True)
class LineResult:
    index: int
    name: str
    requests: Decimal
    billable_requests: Decimal
    baseline: Decimal
    #: cost after each lever, in LEVER_ORDER, before flat multipliers
    after: dict[str, Decimal]
    optimized: Decimal
    optimized_low: Decimal
    optimized_high: Decimal
    steps: tuple[Step, ...]
    by_model: dict[str, Decimal]
    notices: tuple[str, ...]
    #: outcomes a month (sessions or requests × the line's success rate), where it has one
    outcomes: Decimal | None = None

    @classmethod
    def made(cls, **fields: Any) -> LineResult:
        """The result the constructor makes from every one of its fields, without the frozen
        dataclass's checked assignment of each (the engine makes one for every line at every
        recompute: 2.0 -> 0.6 us of its ~8 us a line)."""
        result = object.__new__(cls)
        result.__dict__.update(fields)
        return result

    @property
    def cost_per_outcome(self) -> Decimal | None:
        return self.optimized / self.outcomes if self.outcomes else None

    @property
    def savings(self) -> Decimal:
        return self.baseline - self.optimized

    @property
    def optimized_per_request(self) -> Decimal | None:
        return self.optimized / self.requests if self.requests else None


@dataclass(frozen=True)
class PricePeriod:
    """From forecast month `first_month` (0-based) on, the lines cost these amounts: a known
    price change of a model the plan uses takes effect then."""

    first_month: int
    lines: tuple[LineResult, ...]


@dataclass(frozen=True)
class AddOnCost:
    """A fixed monthly add-on as costed: its amount a month in the plan's currency."""

    name: str
    group: str
    monthly: Decimal


@dataclass(frozen=True)
class PlanResult:
    """A plan costed: unrounded amounts per line and in total. What is shown comes from
    `summary()`, worked out once per result."""

    currency: str
    lines: tuple[LineResult, ...]
    #: the token spend before any lever (the waterfall's first bar): add-ons not included
    baseline: Decimal
    #: the monthly total: the lines' optimized amounts plus the fixed add-ons (likewise low, high)
    optimized: Decimal
    optimized_low: Decimal
    optimized_high: Decimal
    waterfall: tuple[Step, ...]
    by_model: dict[str, Decimal]
    requests: Decimal
    forecast_settings: Forecast = field(default_factory=Forecast)
    monthly_budget: Decimal | None = None
    #: the lines re-costed at known future prices, from the forecast month each takes effect
    periods: tuple[PricePeriod, ...] = ()
    #: what the plan earns: users a month, revenue per user and per outcome, the margin floor
    economics: Economics | None = None
    notices: tuple[str, ...] = field(default=())
    #: the enabled fixed monthly add-ons, in the plan's order
    add_ons: tuple[AddOnCost, ...] = ()
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def summary(self) -> Summary:
        """Every figure as shown and exported (planner.domain.summary)."""
        if "summary" not in self._cache:
            self._cache["summary"] = summarize(self, self.forecast_settings, self.monthly_budget)
        return self._cache["summary"]

    def footed_lines(self, attr: str = "optimized") -> tuple[list[Decimal], Decimal]:
        """Line amounts as shown (rounded once) and their total (which equals their sum)."""
        sm = self.summary()
        amounts = {"baseline": sm.line_baseline, "optimized": sm.line_optimized, "optimized_low": sm.line_low,
                   "optimized_high": sm.line_high}[attr]
        return list(amounts), sum(amounts, ZERO)

    def by_month(self, groups: Sequence[str], fiscal_year_start: int = 1) -> BudgetTable:
        """The budget by line, group and month (planner.domain.summary.budget_by_month)."""
        key = ("by_month", tuple(groups), fiscal_year_start)
        if key not in self._cache:
            self._cache[key] = budget_by_month(self, self.forecast_settings, groups, fiscal_year_start)
        return self._cache[key]

    def by_group(self, groups: Sequence[str]) -> tuple[GroupFigures, ...]:
        """Each group's totals and savings waterfall (planner.domain.summary.group_summaries)."""
        key = ("by_group", tuple(groups))
        if key not in self._cache:
            self._cache[key] = group_summaries(self, groups, self.summary())
        return self._cache[key]

    def group_forecast(self, groups: Sequence[str], name: str) -> tuple[FootedMonth, ...]:
        """Group `name`'s forecast months (planner.domain.summary.group_forecast): the horizon,
        or twelve months when it is shorter."""
        key = ("group_forecast", tuple(groups), name)
        if key not in self._cache:
            group = next(g for g in self.by_group(groups) if g.name == name)
            self._cache[key] = group_forecast(self, self.forecast_settings, group, self.summary())
        return self._cache[key]

    def footed_waterfall(self) -> tuple[Decimal, list[Step], Decimal]:
        """(baseline, steps, optimized) as shown, the steps summing to baseline - optimized."""
        sm = self.summary()
        return sm.baseline, list(sm.waterfall_steps), sm.optimized


def _multiplier_factor(mults: Sequence[FlatMultiplier], which: str) -> Decimal:
    f = ONE
    for m in mults:
        f *= ONE - getattr(m, which)
    return f


@dataclass(frozen=True)
class LineContext:
    """What costing one line needs of its plan: prices (pinned first), the default batch
    discount, the flat multipliers, the currency rate and the plan-wide overheads."""

    lookup: PriceLookup
    batch_discount: Decimal
    multipliers: tuple[FlatMultiplier, ...]
    rate: Decimal = ONE
    retry_overhead: Decimal = ZERO
    platform_fee: Decimal = ZERO
    #: Π(1 − expected saving) of the multipliers
    expected_factor: Decimal = ONE


def line_context(plan: Plan, catalog: Catalog) -> LineContext:
    mults = tuple(plan.enabled_multipliers())
    return LineContext(
        lookup=price_lookup(plan, catalog),
        batch_discount=plan.batch_discount,
        multipliers=mults,
        rate=plan.currency.per_usd,
        retry_overhead=plan.retry_overhead,
        platform_fee=plan.platform_fee,
        expected_factor=_multiplier_factor(mults, "expected"),
    )


@dataclass
class _Stages:
    """USD per request on one route model, after each pricing step (in waterfall order)."""

    plain: Decimal = ZERO
    cached: Decimal = ZERO
    batched: Decimal = ZERO
    tiered: Decimal = ZERO
    final: Decimal = ZERO
    #: the final stage at the low and high reasoning estimates
    final_low: Decimal = ZERO
    final_high: Decimal = ZERO


def _route_notices(m: ModelPrice, line: Line, std: UnitPrices, notices: list[str]) -> None:
    """What the line asks of `m` that it cannot price as asked."""
    P = line.prompt_cache.prefix_tokens or (line.prompt_cache.hit_rate if line.turns is not None else ZERO)
    ttl, tier = line.prompt_cache.ttl.value, line.service_tier.value
    if P and std.cache_read is None:
        notices.append(f"{m.name} has no cache-read price: prompt caching does not apply to it")
    if P and ttl == "1h" and m.cache_write_1h is None and std.cache_read is not None:
        notices.append(f"{m.name} has no 1-hour cache-write price: the cache is written at its 5-minute price")
    if tier != "standard" and tier not in m.service_tiers:
        notices.append(f"{m.name} has no {tier} prices: costed at standard prices")
    if line.off_peak_share and m.off_peak is None:
        notices.append(f"{m.name} has no off-peak prices: off-peak requests are costed at its usual prices")
    if line.search_calls and m.per_search is None:
        notices.append(f"{m.name} lists no web-search price: search calls are not costed")
    if line.images and m.per_image is None:
        notices.append(f"{m.name} lists no price per image: images are not costed apart from their tokens")


def _route_stages(m: ModelPrice, line: Line, batch_discount: Decimal, notices: list[str]) -> _Stages:
    """One request of `line` on model `m`, priced step by step: plain (standard tier, peak,
    no cache), with prompt caching, with batch, at the line's service tier, off-peak; the
    long requests (if any) at their own size, each request wholly in its context range."""
    O = line.output_tokens
    h, ttl = line.prompt_cache.hit_rate, line.prompt_cache.ttl.value
    b, op = line.batch_share, line.off_peak_share
    tier = line.service_tier.value
    has_tier = tier != "standard" and tier in m.service_tiers
    off = bool(op) and m.off_peak is not None
    estimate = m.reasoning_estimate if line.reasoning_tokens is None else None
    if line.reasoning_tokens is not None:
        reasoning = line.reasoning_tokens
    else:
        reasoning = estimate.expected * O if estimate is not None else ZERO
    fee = request_fees(m, line.search_calls, line.images)
    sizes = request_profile(line)
    cached_any = any(t.prefix_tokens for t in sizes)
    prices = []
    for turn in sizes:
        size = turn.input_tokens
        std = unit_prices(m, size, ttl=ttl)
        _route_notices(m, line, std, notices)
        if std.long_context:
            notices.append(
                f"{m.name}: {size:,} input tokens exceed {m.long_context_for(size).threshold_tokens:,}: "  # type: ignore[union-attr]
                "the whole request is billed at the long-context price"
            )
        prices.append((
            std,
            batch_prices(m, std, batch_discount) if b else None,
            unit_prices(m, size, ttl=ttl, tier=tier) if has_tier else None,
            unit_prices(m, size, ttl=ttl, off_peak=True) if off else None,
        ))

    def stages(rt: Decimal) -> tuple[Decimal, ...]:
        if not cached_any and not b and not has_tier and not off and len(sizes) == 1:
            # a request with no lever that prices it differently: every step costs the same
            one = request_cost(prices[0][0], sizes[0].input_tokens, O, reasoning_tokens=rt) + fee
            return one, one, one, one, one
        totals = [ZERO] * 5
        for turn, (std, bat, tiered_p, off_p) in zip(sizes, prices, strict=True):
            w, size, P = turn.weight, turn.input_tokens, turn.prefix_tokens
            plain = request_cost(std, size, O, reasoning_tokens=rt) + fee
            cached = request_cost(std, size, O, P, h, rt) + fee if P else plain
            batched = request_cost(bat, size, O, P, h, rt) + fee if bat is not None else ZERO
            tiered = request_cost(tiered_p, size, O, P, h, rt) + fee if tiered_p is not None else cached
            night = request_cost(off_p, size, O, P, h, rt) + fee if off_p is not None else tiered
            for k, v in enumerate((
                plain,
                cached,
                (ONE - b) * cached + b * batched,
                (ONE - b) * tiered + b * batched,
                (ONE - b) * ((ONE - op) * tiered + op * night) + b * batched,
            )):
                totals[k] += w * v
        return tuple(totals)

    out = _Stages(*stages(reasoning))
    out.final_low = out.final_high = out.final
    if estimate is not None and O:
        notices.append(
            f"{m.name}: reasoning tokens are an estimate, {estimate.expected:g} × output "
            f"({estimate.low:g}–{estimate.high:g} × in the range)"
        )
        out.final_low = stages(estimate.low * O)[4]
        out.final_high = stages(estimate.high * O)[4]
    return out


def _outcomes(line: Line) -> Decimal | None:
    """Outcomes a month: sessions (or requests) × the success rate, where the line has one."""
    return None if line.success_rate is None else line.sessions_per_month * line.success_rate


def _untouched(line: Line, ctx: LineContext) -> bool:
    """A line no lever, multiplier or overhead touches: every step of it costs the same."""
    return not (line.routing or line.response_cache_hit_rate or line.semantic_cache_hit_rate
                or line.prompt_cache.prefix_tokens or line.batch_share or line.off_peak_share
                or (line.turns is not None and line.prompt_cache.hit_rate)
                or line.service_tier is not ServiceTier.STANDARD
                or ctx.multipliers or ctx.retry_overhead or ctx.platform_fee)


#: the waterfall of a line no lever touches
_NO_STEPS = tuple(Step(k, LEVER_LABELS[k], ZERO) for k in LEVER_ORDER if k not in OPTIONAL_LEVERS)


def _plain_stages(m: ModelPrice, line: Line, notices: list[str]) -> _Stages:
    """_route_stages for a single-size line no lever touches: one price, one request cost
    (the reasoning estimate's range and the notices as there)."""
    I, O = line.input_tokens, line.output_tokens
    std = unit_prices(m, I)
    if std.long_context:
        notices.append(
            f"{m.name}: {I:,} input tokens exceed {m.long_context_for(I).threshold_tokens:,}: "  # type: ignore[union-attr]
            "the whole request is billed at the long-context price"
        )
    if line.search_calls or line.images:
        _route_notices(m, line, std, notices)
    fee = request_fees(m, line.search_calls, line.images) if (m.per_request or line.search_calls or line.images) \
        else ZERO
    estimate = m.reasoning_estimate if line.reasoning_tokens is None else None
    rt = line.reasoning_tokens if line.reasoning_tokens is not None else (
        estimate.expected * O if estimate is not None else ZERO)
    one = request_cost(std, I, O, reasoning_tokens=rt) + fee
    out = _Stages(one, one, one, one, one, one, one)
    if estimate is not None and O:
        notices.append(
            f"{m.name}: reasoning tokens are an estimate, {estimate.expected:g} × output "
            f"({estimate.low:g}–{estimate.high:g} × in the range)"
        )
        out.final_low = request_cost(std, I, O, reasoning_tokens=estimate.low * O) + fee
        out.final_high = request_cost(std, I, O, reasoning_tokens=estimate.high * O) + fee
    return out


def _plain_line(index: int, line: Line, R: Decimal, m: ModelPrice, st: _Stages, rate: Decimal,  # noqa: N803
                notices: list[str]) -> LineResult:
    """cost_line for a line no lever touches (most lines of a first draft), of R requests a
    month: the same figures as the general path, without working out steps that cannot differ."""
    amount = _amount(R * st.plain * rate if rate != ONE else R * st.plain)
    return LineResult.made(
        index=index,
        name=line.name,
        requests=R,
        billable_requests=R,
        baseline=amount,
        after=dict.fromkeys(LEVER_ORDER, amount),
        optimized=amount,
        optimized_low=_amount(R * st.final_low * rate) if st.final_low != st.final else amount,
        optimized_high=_amount(R * st.final_high * rate) if st.final_high != st.final else amount,
        steps=_NO_STEPS,
        by_model={m.id: amount},
        notices=tuple(dict.fromkeys(notices)) if notices else (),
        outcomes=None if line.success_rate is None else _outcomes(line),
    )


def cost_line(index: int, line: Line, ctx: LineContext) -> LineResult:
    """One line through the levers, in order: app caches, routing, prompt caching, batch,
    service tier, off-peak hours, then the flat multipliers, retry overhead and platform
    fee. Amounts are multiplied by the context's rate (plan currency per USD)."""

    def model(model_id: str) -> ModelPrice:
        m = ctx.lookup(model_id)
        if m is None:
            raise InputError(f"line {index + 1} '{line.name}': field 'model': unknown model '{model_id}'")
        return m

    R = line.requests_per_month
    notices: list[str] = []
    own = model(line.model)
    untouched = _untouched(line, ctx)
    if untouched and line.turns is None and not line.long_share:
        return _plain_line(index, line, R, own, _plain_stages(own, line, notices), ctx.rate, notices)
    own_stages = _route_stages(own, line, ctx.batch_discount, notices)
    if untouched:
        return _plain_line(index, line, R, own, own_stages, ctx.rate, notices)
    R1 = R * (ONE - line.response_cache_hit_rate) * (ONE - line.semantic_cache_hit_rate)
    c = [R * own_stages.plain, R1 * own_stages.plain] + [ZERO] * 6
    low = high = ZERO
    by_model: dict[str, Decimal] = {}
    for route in line.route:
        if route.model == line.model:
            m, st = own, own_stages
        else:
            m = model(route.model)
            st = _route_stages(m, line, ctx.batch_discount, notices)
        n = R1 * route.share
        c[2] += n * st.plain
        c[3] += n * st.cached
        c[4] += n * st.batched
        c[5] += n * st.tiered
        c[6] += n * st.final
        low += n * st.final_low
        high += n * st.final_high
        by_model[m.id] = by_model.get(m.id, ZERO) + n * st.final

    rate = ctx.rate
    baseline, *afters = [_amount(x * rate) for x in c[:7]]
    after = dict(zip(LEVER_ORDER, afters, strict=True))
    steps = []
    prev = baseline
    for key, value in after.items():
        if key in OPTIONAL_LEVERS and value == prev:
            continue  # (a service tier or off-peak hours the line does not use)
        steps.append(Step(key, LEVER_LABELS[key], prev - value))
        prev = value
    # The flat multipliers, one after the other, each saving rounded: at their expected
    # savings (the waterfall's steps), and likewise at their high savings (the best case,
    # `optimized_low`) and low savings (the worst case), so that best <= expected <= worst
    # holds to the last digit. Retries and the platform fee then add to each.
    running = prev
    best, worst = _amount(low * rate), _amount(high * rate)
    for mult in ctx.multipliers:
        saving = _amount(running * mult.expected)
        steps.append(Step(f"multiplier:{mult.name}", mult.name, saving))
        running -= saving
        best -= _amount(best * mult.high)
        worst -= _amount(worst * mult.low)
    for key, share in ((RETRY, ctx.retry_overhead), (PLATFORM_FEE, ctx.platform_fee)):
        if share:
            extra = _amount(running * share)
            steps.append(Step(key, LEVER_LABELS[key], -extra))
            running += extra
            best += _amount(best * share)
            worst += _amount(worst * share)
    overhead = (ONE + ctx.retry_overhead) * (ONE + ctx.platform_fee)
    return LineResult.made(
        index=index,
        name=line.name,
        requests=R,
        billable_requests=R1,
        baseline=baseline,
        after=after,
        optimized=running,
        optimized_low=best,
        optimized_high=worst,
        steps=tuple(steps),
        by_model={k: _amount(v * rate * ctx.expected_factor * overhead) for k, v in by_model.items()},
        notices=tuple(dict.fromkeys(notices)),
        outcomes=_outcomes(line),
    )


#: what the flat multipliers together may plausibly save (the guide's 60-85% for combined levers)
COMBINED_SAVING_CEILING = Decimal("0.85")
#: words in a multiplier's name -> the line lever that models the same thing, and whether a line uses it
_MODELLED = (
    (("prompt cach",), "prompt caching", lambda ln: bool(ln.prompt_cache.prefix_tokens)),
    (("semantic",), "a semantic cache", lambda ln: bool(ln.semantic_cache_hit_rate)),
    (("response cach", "exact-match", "exact match"), "a response cache", lambda ln: bool(ln.response_cache_hit_rate)),
    (("batch",), "batch", lambda ln: bool(ln.batch_share)),
    (("routing",), "a routing mix", lambda ln: bool(ln.routing)),
)


def combined_multiplier_saving(mults: Sequence[FlatMultiplier], which: str = "expected") -> Decimal:
    """What the flat multipliers save together: 1 − Π(1 − sᵢ) (they compound, not add)."""
    return ONE - _multiplier_factor(mults, which)


def multiplier_warnings(plan: Plan) -> list[str]:
    """Cautions on the flat multipliers: together above the plausible ceiling, or one that
    counts again a lever the lines already model."""
    mults = plan.enabled_multipliers()
    out = []
    combined = combined_multiplier_saving(mults)
    if combined > COMBINED_SAVING_CEILING:
        out.append(
            f"the flat multipliers together save {combined * 100:.1f}% (expected), above the "
            f"{COMBINED_SAVING_CEILING * 100:.0f}% that combined levers reach in practice"
        )
    for m in mults:
        name = m.name.lower()
        for words, lever, uses in _MODELLED:
            if any(w in name for w in words):
                n = sum(1 for ln in plan.lines if uses(ln))
                if n:
                    out.append(f"'{m.name}' is on as a flat multiplier while {n} line(s) model {lever}: "
                               "that saving is counted twice")
    return out


def _price_periods(plan: Plan, ctx: LineContext) -> tuple[PricePeriod, ...]:
    """The plan re-costed from each forecast month in which a known future price of one of
    its models takes effect (only for a forecast with a start month)."""
    fc = plan.forecast
    if fc.start_month is None or not plan.lines:
        return ()
    n = max(fc.horizon_months, 12)
    starts = [add_months(fc.start_month, k) for k in range(n)]
    firsts: set[int] = set()
    for model_id in plan.model_ids():
        m = ctx.lookup(model_id)
        for d in scheduled_dates(m) if m is not None else []:
            k = next((k for k, s in enumerate(starts) if s >= d), None)
            if k is not None:
                firsts.add(k)
    out = []
    for k in sorted(firsts):
        def lookup(model_id: str, on=starts[k]) -> ModelPrice | None:
            m = ctx.lookup(model_id)
            return None if m is None else scheduled_price(m, on)

        dated = dataclasses.replace(ctx, lookup=lookup)
        out.append(PricePeriod(k, tuple(cost_line(i, ln, dated) for i, ln in enumerate(plan.lines))))
    return tuple(out)


def _step_rank(item: tuple[str, list]) -> tuple[int, int]:
    key = item[0]
    if key in LEVER_ORDER:
        return 0, LEVER_ORDER.index(key)
    if key in (RETRY, PLATFORM_FEE):
        return 2, (RETRY, PLATFORM_FEE).index(key)
    if key.startswith(ADD_ON):
        return 3, 0
    return 1, 0  # multipliers keep the order they came in (a stable sort)


@dataclass(frozen=True)
class Costed:
    """A plan as it was costed: its lines (the objects), what costing a line reads of the
    plan besides the line, the catalog, and the result. Given to `compute` with the next
    version of the plan, the lines that are the very same objects at the same rows, costed
    in the same context, are not costed again (a cell edit in a long plan)."""

    lines: tuple[Line, ...]
    context: tuple
    catalog: Catalog
    result: PlanResult

    def reusable(self, i: int, line: Line, context: tuple, catalog: Catalog) -> LineResult | None:
        if catalog is self.catalog and context == self.context and i < len(self.lines) and self.lines[i] is line:
            return self.result.lines[i]
        return None


def _context_key(plan: Plan) -> tuple:
    """Everything of a plan but its lines that the cost of a line depends on (line_context),
    as values (the pinned prices compare as the same objects at once, else field by field)."""
    return (tuple(plan.pinned_prices.items()), plan.batch_discount,
            tuple((m.name, m.low, m.expected, m.high) for m in plan.enabled_multipliers()),
            plan.currency.per_usd, plan.retry_overhead, plan.platform_fee)


def compute(plan: Plan, catalog: Catalog, previous: Costed | None = None) -> PlanResult:
    """Cost a plan against a catalog (pinned prices win). Raises InputError for an unknown
    model. With `previous` (see `costed`), lines unchanged since are taken from it."""
    with localcontext() as ctx:
        ctx.prec = ENGINE_PRECISION
        return _compute(plan, catalog, previous)


def costed(plan: Plan, catalog: Catalog, result: PlanResult) -> Costed:
    """What `compute` was given and gave, for the next `compute` of the same plan edited."""
    return Costed(tuple(plan.lines), _context_key(plan), catalog, result)


def _compute(plan: Plan, catalog: Catalog, previous: Costed | None = None) -> PlanResult:
    ctx = line_context(plan, catalog)
    if previous is None:
        lines = [cost_line(i, line, ctx) for i, line in enumerate(plan.lines)]
    else:
        key = _context_key(plan)
        lines = [previous.reusable(i, line, key, catalog) or cost_line(i, line, ctx)
                 for i, line in enumerate(plan.lines)]
    total_opt = sum((r.optimized for r in lines), ZERO)

    # each lever's saving over the lines: the levers in their order, then the multipliers in
    # the plan's order, then retries and the platform fee
    sums: dict[str, list] = {}
    for r in lines:
        for s in r.steps:
            acc = sums.get(s.key)
            if acc is None:
                sums[s.key] = [s.label, s.saving]
            else:
                acc[1] += s.saving
    waterfall = [Step(key, label, saving) for key, (label, saving) in sorted(sums.items(), key=_step_rank)]
    if not lines:
        waterfall = [Step(k, LEVER_LABELS[k], ZERO) for k in LEVER_ORDER if k not in OPTIONAL_LEVERS]

    by_model: dict[str, Decimal] = {}
    for r in lines:
        for k, v in r.by_model.items():
            by_model[k] = by_model.get(k, ZERO) + v

    # the fixed add-ons: each its own step after the platform fee, costing the same in the
    # low, expected and high cases
    add_ons = tuple(AddOnCost(a.name, a.group, a.monthly) for a in plan.enabled_add_ons())
    fixed = sum((a.monthly for a in add_ons), ZERO)
    waterfall += [Step(ADD_ON + a.name, a.name, -a.monthly) for a in add_ons]

    baseline = sum((r.baseline for r in lines), ZERO)
    low = sum((r.optimized_low for r in lines), ZERO) + fixed
    high = sum((r.optimized_high for r in lines), ZERO) + fixed
    total_opt += fixed
    requests = sum((r.requests for r in lines), ZERO)

    notices = tuple([*(f"{r.name}: {n}" for r in lines for n in r.notices), *multiplier_warnings(plan)])
    return PlanResult(
        currency=plan.currency.code,
        lines=tuple(lines),
        baseline=baseline,
        optimized=total_opt,
        optimized_low=low,
        optimized_high=high,
        waterfall=tuple(waterfall),
        by_model=by_model,
        requests=requests,
        forecast_settings=plan.forecast,
        monthly_budget=plan.monthly_budget,
        periods=_price_periods(plan, ctx),
        economics=Economics(plan.users, plan.revenue_per_user, plan.revenue_per_outcome, plan.margin_floor)
        if plan.users is not None or plan.revenue_per_user is not None or plan.revenue_per_outcome is not None
        else None,
        notices=notices,
        add_ons=add_ons,
    )

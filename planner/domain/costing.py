"""The cost engine: plan + catalog -> line costs, the savings waterfall, totals and forecast.

Every amount is a `Decimal` in the plan's currency, unrounded; `money()` and `foot()`
round half-up to cents for presentation so that shown totals equal the sum of shown lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.errors import InputError
from planner.domain.money import (  # noqa: F401  (re-exported: the engine's rounding rules)
    CENT,
    ENGINE_PRECISION,
    foot,
    foot_to,
    money,
)
from planner.domain.plan import FlatMultiplier, Forecast, Line, Plan
from planner.domain.prices import (  # noqa: F401  (re-exported: the engine's price rules)
    PriceLookup,
    UnitPrices,
    batch_factors,
    batch_prices,
    price_lookup,
    unit_prices,
)
from planner.domain.summary import Step, Summary, growth_factor, summarize  # noqa: F401

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)
ONE = Decimal(1)

#: Lever keys in the order they are applied (DESIGN.md "Levers").
APP_CACHE = "app_cache"
ROUTING = "routing"
PROMPT_CACHE = "prompt_cache"
BATCH = "batch"
LEVER_ORDER = (APP_CACHE, ROUTING, PROMPT_CACHE, BATCH)
LEVER_LABELS = {
    APP_CACHE: "App-side caches",
    ROUTING: "Routing mix",
    PROMPT_CACHE: "Prompt caching",
    BATCH: "Batch",
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
) -> Decimal:
    """USD for one request. With a cached prefix (and a cache-read price) the input part is
    `(I-P)*in + P*(h*cache_read + (1-h)*cache_write)`."""
    if prefix_tokens and p.cache_read is not None:
        input_part = (input_tokens - prefix_tokens) * p.input + prefix_tokens * (
            hit_rate * p.cache_read + (ONE - hit_rate) * p.cache_write
        )
    else:
        input_part = input_tokens * p.input
    return (input_part + output_tokens * p.output) / MILLION


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

    @property
    def savings(self) -> Decimal:
        return self.baseline - self.optimized

    @property
    def optimized_per_request(self) -> Decimal | None:
        return self.optimized / self.requests if self.requests else None


@dataclass(frozen=True)
class PlanResult:
    """A plan costed: unrounded amounts per line and in total. What is shown comes from
    `summary()`, worked out once per result."""

    currency: str
    lines: tuple[LineResult, ...]
    baseline: Decimal
    optimized: Decimal
    optimized_low: Decimal
    optimized_high: Decimal
    waterfall: tuple[Step, ...]
    by_model: dict[str, Decimal]
    requests: Decimal
    forecast_settings: Forecast = field(default_factory=Forecast)
    monthly_budget: Decimal | None = None
    notices: tuple[str, ...] = field(default=())
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

    def footed_waterfall(self) -> tuple[Decimal, list[Step], Decimal]:
        """(baseline, steps, optimized) as shown, the steps summing to baseline - optimized."""
        sm = self.summary()
        return sm.baseline, list(sm.waterfall_steps), sm.optimized


def _multiplier_factor(mults: Sequence[FlatMultiplier], which: str) -> Decimal:
    f = ONE
    for m in mults:
        f *= ONE - getattr(m, which)
    return f


def cost_line(
    index: int,
    line: Line,
    lookup: PriceLookup,
    batch_discount: Decimal,
    multipliers: Sequence[FlatMultiplier],
    rate: Decimal = ONE,
    expected_factor: Decimal | None = None,
) -> LineResult:
    """One line through the levers, in order: app caches, routing, prompt caching, batch,
    then flat multipliers. Amounts are multiplied by `rate` (plan currency per USD).
    `expected_factor` is Π(1 − expected saving) of the multipliers, when the caller has it."""

    def model(model_id: str) -> ModelPrice:
        m = lookup(model_id)
        if m is None:
            raise InputError(f"line {index + 1} '{line.name}': field 'model': unknown model '{model_id}'")
        return m

    I, O = line.input_tokens, line.output_tokens
    P, h = line.prompt_cache.prefix_tokens, line.prompt_cache.hit_rate
    b = line.batch_share
    R = line.requests_per_month
    R1 = R * (ONE - line.response_cache_hit_rate) * (ONE - line.semantic_cache_hit_rate)
    notices: list[str] = []

    own = model(line.model)
    own_prices = unit_prices(own, I)
    own_plain = request_cost(own_prices, I, O)
    c0 = R * own_plain
    c1 = R1 * own_plain
    c2 = c3 = c4 = ZERO
    by_model: dict[str, Decimal] = {}
    for route in line.route:
        if route.model == line.model:
            m, p, plain = own, own_prices, own_plain
        else:
            m = model(route.model)
            p = unit_prices(m, I)
            plain = request_cost(p, I, O)
        n = R1 * route.share
        cached = request_cost(p, I, O, P, h) if P else plain
        if P and p.cache_read is None:
            notices.append(f"{m.name} has no cache-read price: prompt caching does not apply to it")
        batched = request_cost(batch_prices(m, p, batch_discount), I, O, P, h) if b else ZERO
        mixed = (ONE - b) * cached + b * batched
        c2 += n * plain
        c3 += n * cached
        c4 += n * mixed
        by_model[m.id] = by_model.get(m.id, ZERO) + n * mixed
        if p.long_context:
            notices.append(
                f"{m.name}: {I:,} input tokens exceed {m.long_context.threshold_tokens:,}: "  # type: ignore[union-attr]
                "the whole request is billed at the long-context price"
            )

    after_app, after_routing = _amount(c1 * rate), _amount(c2 * rate)
    after_prompt, after_batch = _amount(c3 * rate), _amount(c4 * rate)
    after = {APP_CACHE: after_app, ROUTING: after_routing, PROMPT_CACHE: after_prompt, BATCH: after_batch}
    baseline = _amount(c0 * rate)
    steps = [
        Step(APP_CACHE, LEVER_LABELS[APP_CACHE], baseline - after_app),
        Step(ROUTING, LEVER_LABELS[ROUTING], after_app - after_routing),
        Step(PROMPT_CACHE, LEVER_LABELS[PROMPT_CACHE], after_routing - after_prompt),
        Step(BATCH, LEVER_LABELS[BATCH], after_prompt - after_batch),
    ]
    # The flat multipliers, one after the other, each saving rounded: at their expected
    # savings (the waterfall's steps), and likewise at their high savings (the best case,
    # `optimized_low`) and low savings (the worst case), so that best <= expected <= worst
    # holds to the last digit.
    running = best = worst = after_batch
    for mult in multipliers:
        saving = _amount(running * mult.expected)
        steps.append(Step(f"multiplier:{mult.name}", mult.name, saving))
        running -= saving
        best -= _amount(best * mult.high)
        worst -= _amount(worst * mult.low)
    if expected_factor is None:
        expected_factor = _multiplier_factor(multipliers, "expected")
    return LineResult(
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
        by_model={k: _amount(v * rate * expected_factor) for k, v in by_model.items()},
        notices=tuple(dict.fromkeys(notices)),
    )


def compute(plan: Plan, catalog: Catalog) -> PlanResult:
    """Cost a plan against a catalog (pinned prices win). Raises InputError for an unknown model."""
    with localcontext() as ctx:
        ctx.prec = ENGINE_PRECISION
        return _compute(plan, catalog)


def _compute(plan: Plan, catalog: Catalog) -> PlanResult:
    lookup = price_lookup(plan, catalog)
    mults = plan.enabled_multipliers()
    rate = plan.currency.per_usd
    expected_factor = _multiplier_factor(mults, "expected")
    lines = [
        cost_line(i, line, lookup, plan.batch_discount, mults, rate, expected_factor) for i, line in enumerate(plan.lines)
    ]
    total_opt = sum((r.optimized for r in lines), ZERO)

    # each lever's saving over the lines, in the order the levers first appear
    sums: dict[str, list] = {}
    for r in lines:
        for s in r.steps:
            acc = sums.get(s.key)
            if acc is None:
                sums[s.key] = [s.label, s.saving]
            else:
                acc[1] += s.saving
    waterfall = [Step(key, label, saving) for key, (label, saving) in sums.items()]
    if not lines:
        waterfall = [Step(k, LEVER_LABELS[k], ZERO) for k in LEVER_ORDER]

    by_model: dict[str, Decimal] = {}
    for r in lines:
        for k, v in r.by_model.items():
            by_model[k] = by_model.get(k, ZERO) + v

    baseline = sum((r.baseline for r in lines), ZERO)
    low = sum((r.optimized_low for r in lines), ZERO)
    high = sum((r.optimized_high for r in lines), ZERO)
    requests = sum((r.requests for r in lines), ZERO)

    notices = tuple(f"{r.name}: {n}" for r in lines for n in r.notices)
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
        notices=notices,
    )

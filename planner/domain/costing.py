"""The cost engine: plan + catalog -> line costs, the savings waterfall, totals and forecast.

Every amount is a `Decimal` in the plan's currency, unrounded; `money()` and `foot()`
round half-up to cents for presentation so that shown totals equal the sum of shown lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import NamedTuple

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.errors import InputError
from planner.domain.plan import FlatMultiplier, Line, Plan

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)
#: Working precision of the engine: enough digits that sums and products of quantized
#: prices, counts and rates are never rounded.
ENGINE_PRECISION = 60
ONE = Decimal(1)
CENT = Decimal("0.01")

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


def money(x: Decimal) -> Decimal:
    """Round half-up to cents (with enough digits for any amount the engine can produce)."""
    try:
        return x.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the current context holds
        with localcontext() as ctx:
            ctx.prec = ENGINE_PRECISION
            return x.quantize(CENT, rounding=ROUND_HALF_UP)


def foot(values: Sequence[Decimal]) -> tuple[list[Decimal], Decimal]:
    """Round each amount to cents; the total is the sum of the rounded amounts."""
    rounded = [money(v) for v in values]
    return rounded, sum(rounded, ZERO)


def foot_to(values: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Round amounts to cents so they add up exactly to `total` (already in cents).

    The residual cents go to the amounts with the largest rounding remainders, the usual
    largest-remainder method, so a waterfall's steps sum to baseline minus optimized.
    """
    floors = [v.quantize(CENT, rounding=ROUND_FLOOR) for v in values]
    residual = int((total - sum(floors, ZERO)) / CENT)
    order = sorted(range(len(values)), key=lambda i: values[i] - floors[i], reverse=residual > 0)
    out = list(floors)
    if not out:
        return out
    step = CENT if residual > 0 else -CENT
    # More residual cents than amounts (many lines each rounding the same way): cycle.
    for k in range(abs(residual)):
        out[order[k % len(order)]] += step
    return out


#: Prices derived by a ratio (a tier's cache price, a batch cache rate) are kept to this
#: many places, so that every later step is exact decimal arithmetic and a waterfall's
#: steps add up exactly to baseline minus optimized. 1e-12 $ per 1M tokens is far below a cent.
DERIVED_PRICE_QUANTUM = Decimal("1e-12")
#: Amounts in a PlanResult are kept to 1e-15 (far below a cent), so they fit the default
#: 28-digit decimal context up to $1e13 and adding them up anywhere is exact.
AMOUNT_QUANTUM = Decimal("1e-15")


def _amount(x: Decimal) -> Decimal:
    return x.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def _ratio(x: Decimal) -> Decimal:
    """Shares, percentages and counts derived by division, to 12 places."""
    return x.quantize(Decimal("1e-12"), rounding=ROUND_HALF_UP).normalize()


def _derived(x: Decimal) -> Decimal:
    return x.quantize(DERIVED_PRICE_QUANTUM, rounding=ROUND_HALF_UP).normalize()


@dataclass(frozen=True)
class UnitPrices:
    """Per-1M prices that apply to one request of a given input size on one model."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal
    long_context: bool


def unit_prices(m: ModelPrice, input_tokens: Decimal) -> UnitPrices:
    """The prices one request pays: the long-context tier applies to the whole request
    when its input exceeds the threshold. Tier cache prices not given scale with input."""
    lc = m.long_context
    if lc is not None and input_tokens > lc.threshold_tokens:
        def scaled(x: Decimal) -> Decimal:
            return _derived(x * lc.input / m.input) if m.input else x

        cr = lc.cache_read
        if cr is None and m.cache_read is not None:
            cr = scaled(m.cache_read)
        cw = lc.cache_write
        if cw is None:
            cw = scaled(m.cache_write) if m.cache_write is not None else lc.input
        return UnitPrices(lc.input, lc.output, cr, cw, True)
    cw = m.cache_write if m.cache_write is not None else m.input
    return UnitPrices(m.input, m.output, m.cache_read, cw, False)


def batch_factors(m: ModelPrice, default_discount: Decimal) -> tuple[Decimal, Decimal]:
    """Multipliers (input side, output side) that turn standard prices into batch prices:
    the model's own batch prices where it has them, else its discount, else the plan's."""
    discount = m.batch_discount if m.batch_discount is not None else default_discount
    f_in = m.batch_input / m.input if m.batch_input is not None and m.input else ONE - discount
    f_out = m.batch_output / m.output if m.batch_output is not None and m.output else ONE - discount
    return f_in, f_out


def batch_prices(m: ModelPrice, p: UnitPrices, default_discount: Decimal) -> UnitPrices:
    """The batch version of `p`: the model's own batch prices (scaled to a long-context
    tier), else the discount; cache rates get the same discount as input (they stack)."""
    f_in, f_out = batch_factors(m, default_discount)

    def side(own: Decimal | None, price: Decimal, f: Decimal) -> Decimal:
        if own is not None and not p.long_context:
            return own
        return _derived(price * f)

    return UnitPrices(
        input=side(m.batch_input, p.input, f_in),
        output=side(m.batch_output, p.output, f_out),
        cache_read=None if p.cache_read is None else _derived(p.cache_read * f_in),
        cache_write=_derived(p.cache_write * f_in),
        long_context=p.long_context,
    )


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


class Step(NamedTuple):
    """One bar of the waterfall: the saving a lever brings (negative when it costs more).
    (A named tuple: a 100-line plan makes some 600 of them per recompute.)"""

    key: str
    label: str
    saving: Decimal


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
    share_of_total: Decimal = ZERO

    @property
    def savings(self) -> Decimal:
        return self.baseline - self.optimized

    @property
    def baseline_per_request(self) -> Decimal | None:
        return self.baseline / self.requests if self.requests else None

    @property
    def optimized_per_request(self) -> Decimal | None:
        return self.optimized / self.requests if self.requests else None


@dataclass(frozen=True)
class ForecastMonth:
    index: int
    start: date | None
    #: cost relative to month 0: (1+g)^k x (1+p)^(k/12)
    factor: Decimal
    requests: Decimal
    baseline: Decimal
    low: Decimal
    expected: Decimal
    high: Decimal
    over_budget: bool

    @property
    def label(self) -> str:
        if self.start is None:
            return f"Month {self.index + 1}"
        return self.start.strftime("%b %Y")


@dataclass(frozen=True)
class BudgetCapacity:
    budget: Decimal
    headroom: Decimal
    headroom_pct: Decimal | None
    #: requests per month the budget buys, scaling every line uniformly (None if cost is 0)
    requests_affordable: Decimal | None
    #: first forecast month whose expected cost exceeds the budget, if any
    first_month_over: int | None


@dataclass(frozen=True)
class PlanResult:
    currency: str
    lines: tuple[LineResult, ...]
    baseline: Decimal
    optimized: Decimal
    optimized_low: Decimal
    optimized_high: Decimal
    waterfall: tuple[Step, ...]
    by_model: dict[str, Decimal]
    requests: Decimal
    forecast: tuple[ForecastMonth, ...]
    budget: BudgetCapacity | None
    notices: tuple[str, ...] = field(default=())
    #: footed figures, worked out once per result (views ask for them several times a repaint)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def savings(self) -> Decimal:
        return self.baseline - self.optimized

    @property
    def savings_pct(self) -> Decimal | None:
        return self.savings / self.baseline * 100 if self.baseline else None

    @property
    def annual(self) -> Decimal:
        return self.optimized * 12

    @property
    def cost_per_request(self) -> Decimal | None:
        return self.optimized / self.requests if self.requests else None

    @property
    def forecast_total(self) -> Decimal:
        return sum((m.expected for m in self.forecast), ZERO)

    def summary(self) -> Summary:
        """Headline figures in cents: annual is 12 x the monthly total shown, month 1 of
        the forecast is that monthly total, and the forecast total adds the shown months."""
        if "summary" not in self._cache:
            self._cache["summary"] = self._summary()
        return self._cache["summary"]

    def _summary(self) -> Summary:
        _, base = self.footed_lines("baseline")
        _, opt = self.footed_lines("optimized")
        low, high = money(self.optimized_low), money(self.optimized_high)
        months = tuple(
            FootedMonth(
                label=m.label,
                requests=m.requests.quantize(ONE, rounding=ROUND_HALF_UP),
                baseline=money(base * m.factor),
                low=money(low * m.factor),
                expected=money(opt * m.factor),
                high=money(high * m.factor),
                over_budget=m.over_budget,
            )
            for m in self.forecast
        )
        budget = money(self.budget.budget) if self.budget is not None else None
        return Summary(
            currency=self.currency,
            baseline=base,
            optimized=opt,
            low=low,
            high=high,
            savings=base - opt,
            savings_pct=((base - opt) / base * 100).quantize(CENT, rounding=ROUND_HALF_UP) if base else None,
            annual=opt * 12,
            requests=self.requests,
            cost_per_request=(opt / self.requests).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
            if self.requests else None,
            budget=budget,
            headroom=budget - opt if budget is not None else None,
            forecast=months,
            forecast_total=sum((m.expected for m in months), ZERO),
        )

    def footed_lines(self, attr: str = "optimized") -> tuple[list[Decimal], Decimal]:
        """Line amounts rounded to cents and their total (which equals their sum)."""
        key = ("lines", attr)
        if key not in self._cache:
            self._cache[key] = foot([getattr(line, attr) for line in self.lines])
        amounts, total = self._cache[key]
        return list(amounts), total

    def footed_waterfall(self) -> tuple[Decimal, list[Step], Decimal]:
        """(baseline, steps, optimized) in cents, the steps summing to baseline - optimized."""
        _, base = self.footed_lines("baseline")
        _, opt = self.footed_lines("optimized")
        amounts = foot_to([s.saving for s in self.waterfall], base - opt)
        steps = [Step(s.key, s.label, a) for s, a in zip(self.waterfall, amounts, strict=True)]
        return base, steps, opt


@dataclass(frozen=True)
class FootedMonth:
    label: str
    requests: Decimal
    baseline: Decimal
    low: Decimal
    expected: Decimal
    high: Decimal
    over_budget: bool


@dataclass(frozen=True)
class Summary:
    """The headline figures as shown and exported, all in cents and all derived from the
    footed monthly totals, so a reader can recompute every one of them from the others."""

    currency: str
    baseline: Decimal
    optimized: Decimal
    low: Decimal
    high: Decimal
    savings: Decimal
    #: percent of the baseline, 2 places
    savings_pct: Decimal | None
    annual: Decimal
    requests: Decimal
    #: per request, 6 places
    cost_per_request: Decimal | None
    budget: Decimal | None
    headroom: Decimal | None
    forecast: tuple[FootedMonth, ...]
    forecast_total: Decimal


PriceLookup = Callable[[str], ModelPrice | None]


def price_lookup(plan: Plan, catalog: Catalog) -> PriceLookup:
    """Pinned prices first (a saved plan reproduces exactly), then the catalog."""

    pinned = plan.pinned_prices
    by_id = catalog.by_id  # one attribute read, not one per line

    def lookup(model_id: str) -> ModelPrice | None:
        return pinned.get(model_id) or by_id.get(model_id)

    return lookup


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


def growth_factor(forecast_growth: Decimal, price_trend: Decimal, k: int) -> Decimal:
    """Month k's cost relative to month 0: (1+g)^k x (1+p)^(k/12)."""
    f = (ONE + forecast_growth) ** k
    if price_trend and k:
        f *= (ONE + price_trend) ** (Decimal(k) / 12)
    return f


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


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
    if total_opt:
        for r in lines:
            # set on results built just above and not yet shared (frozen to every caller);
            # dataclasses.replace would copy all 100 lines on every slider step
            object.__setattr__(r, "share_of_total", _ratio(r.optimized / total_opt))

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

    fc = plan.forecast
    budget = plan.monthly_budget
    months = []
    for k in range(fc.horizon_months):
        g = growth_factor(fc.monthly_growth, fc.yearly_price_trend, k)
        vol = (ONE + fc.monthly_growth) ** k
        expected = _amount(total_opt * g)
        months.append(
            ForecastMonth(
                index=k,
                start=_add_months(fc.start_month, k) if fc.start_month else None,
                factor=g,
                requests=_ratio(requests * vol),
                baseline=_amount(baseline * g),
                low=_amount(low * g),
                expected=expected,
                high=_amount(high * g),
                over_budget=budget is not None and expected > budget,
            )
        )

    capacity = None
    if budget is not None:
        first_over = next((m.index for m in months if m.over_budget), None)
        capacity = BudgetCapacity(
            budget=budget,
            headroom=budget - total_opt,
            headroom_pct=_ratio((budget - total_opt) / budget * 100) if budget else None,
            requests_affordable=_ratio(requests * budget / total_opt) if total_opt else None,
            first_month_over=first_over,
        )

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
        forecast=tuple(months),
        budget=capacity,
        notices=notices,
    )

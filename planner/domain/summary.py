"""The figures a plan shows and exports, worked out once from the engine's unrounded line
amounts: the one source for the window, the CLI and every export.

Rules (docs/costs.md):
- every line amount is rounded half-up once to the currency's minor unit, and every total
  is the sum of the rounded amounts it stands for (it foots);
- forecast month k of line i is line i's unrounded amount × (1+g)^k × (1+p)^(k/12), rounded
  once; a month is the sum of its lines, so month 1 is the monthly total, and the forecast
  total is the sum of the shown months; low ≤ expected ≤ high in every month;
- the annual run-rate is 12 × the monthly total; the next-12-months figure adds the first
  twelve forecast months (growth and price trend included);
- line shares are percentages with 2 places that add up to exactly 100.00 (largest remainder);
- cost per request is the unrounded total ÷ requests, to 6 places;
- the requests a budget buys scale every line alike and are rounded down (never more than the
  budget pays for); headroom is budget − the monthly total;
- a fixed monthly add-on is rounded once and counts in every month's low, expected and high
  (never in the baseline): it does not grow with volume nor follow the price trend; a share
  of the total is shown for it as for a line; savings are baseline − the token spend (the
  total without the add-ons).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple, Protocol

from planner.domain.currency import quantum as currency_quantum
from planner.domain.money import ENGINE_PRECISION, HUNDRED, ONE, ZERO, foot, foot_to, money
from planner.domain.plan import Forecast

#: fractions of a whole (savings of the baseline, headroom of the budget, a model's share)
FRACTION_PLACES = Decimal("0.0001")
PERCENT_PLACES = Decimal("0.01")
PER_REQUEST_PLACES = Decimal("0.000001")
#: the months the "next 12 months" figure adds
YEAR = 12
#: a fixed add-on's waterfall step is this prefix and its name (planner.domain.costing.ADD_ON)
ADD_ON_STEP = "add_on:"
#: what marks a fixed add-on where it stands among lines (its model, after its name)
ADD_ON_TAG = "(fixed add-on)"


def add_on_label(name: str) -> str:
    """A fixed add-on's name where it stands among lines: 'Vector store (fixed add-on)'."""
    return f"{name} {ADD_ON_TAG}"


class Step(NamedTuple):
    """One bar of the waterfall: the saving a lever brings (negative when it costs more).
    (A named tuple: a 100-line plan makes some 600 of them per recompute.)"""

    key: str
    label: str
    saving: Decimal


class _CostedLine(Protocol):
    baseline: Decimal
    optimized: Decimal
    optimized_low: Decimal
    optimized_high: Decimal
    outcomes: Decimal | None


@dataclass(frozen=True)
class Economics:
    """What a plan earns, to set its cost against (plan currency)."""

    users: Decimal | None
    revenue_per_user: Decimal | None
    revenue_per_outcome: Decimal | None
    margin_floor: Decimal | None


@dataclass(frozen=True)
class UnitEconomics:
    """Cost per user, revenue and gross margin, this month; the first forecast month whose
    gross margin falls below the floor."""

    users: Decimal | None
    cost_per_user: Decimal | None
    revenue: Decimal | None
    gross_margin: Decimal | None
    #: gross margin ÷ revenue, 4 places
    gross_margin_fraction: Decimal | None
    first_month_below_floor: int | None
    #: each line's cost per outcome (6 places), None where it names no success rate
    line_cost_per_outcome: tuple[Decimal | None, ...]


class _AddOn(Protocol):
    name: str
    group: str
    monthly: Decimal


class _Period(Protocol):
    first_month: int
    lines: Sequence[_CostedLine]


class PlanResult(Protocol):
    """What a summary needs of the engine's result (planner.domain.costing.PlanResult,
    which imports this module)."""

    currency: str
    lines: Sequence[_CostedLine]
    periods: Sequence[_Period]
    economics: Economics | None
    optimized: Decimal
    requests: Decimal
    waterfall: Sequence[Step]
    by_model: dict[str, Decimal]
    add_ons: Sequence[_AddOn]


def growth_factor(forecast_growth: Decimal, price_trend: Decimal, k: int) -> Decimal:
    """Month k's cost relative to month 0 (k from 0): (1+g)^k × (1+p)^(k/12)."""
    f = (ONE + forecast_growth) ** k
    if price_trend and k:
        f *= (ONE + price_trend) ** (Decimal(k) / 12)
    return f


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def month_label(start: date | None, k: int) -> str:
    """'Month 3', or 'Mar 2027' when the forecast has a start month."""
    return f"Month {k + 1}" if start is None else add_months(start, k).strftime("%b %Y")


def _fraction(x: Decimal) -> Decimal:
    return x.quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def fraction_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole to 4 places (0.1234 = 12.34%), the form every shown share takes; None
    when the whole is 0."""
    return _fraction(part / whole) if whole else None


@dataclass(frozen=True)
class FootedMonth:
    """One forecast month as shown: each amount the sum of its lines' rounded amounts."""

    index: int
    label: str
    start: date | None
    requests: Decimal
    baseline: Decimal
    low: Decimal
    expected: Decimal
    high: Decimal
    over_budget: bool


@dataclass(frozen=True)
class ModelShare:
    """Expected monthly cost on one model (after routing), footed to the lines' total (the
    token spend: the monthly total without the fixed add-ons)."""

    model_id: str
    amount: Decimal
    share_fraction: Decimal


@dataclass(frozen=True)
class Summary:
    """The headline figures as shown and exported, in the currency's minor unit, every one
    derived from the footed line amounts so a reader can recompute each from the others."""

    currency: str
    #: the currency's smallest amount (0.01 for USD, 1 for JPY)
    quantum: Decimal
    line_baseline: tuple[Decimal, ...]
    line_optimized: tuple[Decimal, ...]
    line_low: tuple[Decimal, ...]
    line_high: tuple[Decimal, ...]
    #: each line's share of the expected total in percent, 2 places; with the add-ons' shares
    #: they add up to 100.00
    line_share_pct: tuple[Decimal, ...] | None
    baseline: Decimal
    optimized: Decimal
    low: Decimal
    high: Decimal
    #: baseline − the token spend: what the levers, multipliers and overheads change (the fixed
    #: add-ons are not a lever's doing, so they are not counted against it)
    savings: Decimal
    #: savings ÷ baseline, 4 places (0.1234 = 12.34%)
    savings_fraction: Decimal | None
    #: 12 × the monthly total
    annual_run_rate: Decimal
    #: the first twelve forecast months added up (growth and price trend included)
    next_12_months: Decimal
    requests: Decimal
    #: the unrounded monthly total ÷ requests, 6 places
    cost_per_request: Decimal | None
    budget: Decimal | None
    headroom: Decimal | None
    #: headroom ÷ budget, 4 places
    headroom_fraction: Decimal | None
    #: whole requests per month the budget pays for, every line scaled alike (rounded down)
    requests_affordable: int | None
    #: index of the first forecast month whose expected cost exceeds the budget
    first_month_over: int | None
    forecast: tuple[FootedMonth, ...]
    forecast_total: FootedMonth
    waterfall_steps: tuple[Step, ...]
    by_model: tuple[ModelShare, ...]
    unit_economics: UnitEconomics | None = None
    #: each fixed add-on a month, rounded once, and its share of the expected total
    add_on_amounts: tuple[Decimal, ...] = ()
    add_on_share_pct: tuple[Decimal, ...] | None = None

    @property
    def add_ons_total(self) -> Decimal:
        return sum(self.add_on_amounts, ZERO)

    @property
    def token_spend(self) -> Decimal:
        """The lines' expected total: the monthly total without the fixed add-ons."""
        return self.optimized - self.add_ons_total

    @property
    def savings_pct(self) -> Decimal | None:
        """Savings in percent of the baseline, 2 places."""
        return None if self.savings_fraction is None else self.savings_fraction * HUNDRED

    @property
    def headroom_pct(self) -> Decimal | None:
        """Headroom in percent of the budget, 2 places."""
        return None if self.headroom_fraction is None else self.headroom_fraction * HUNDRED

    @property
    def first_month_over_label(self) -> str | None:
        return None if self.first_month_over is None else self.forecast[self.first_month_over].label


_ATTRS = {"baseline": "baseline", "low": "optimized_low", "expected": "optimized", "high": "optimized_high"}


def lines_in_force(result: PlanResult, k: int) -> Sequence[_CostedLine]:
    """The lines' amounts in month k: the latest price period started by then, else now."""
    lines = result.lines
    for period in result.periods:
        if period.first_month <= k:
            lines = period.lines
    return lines


#: growth factors are carried as integers scaled by 10^FACTOR_DIGITS (far below a cent on any
#: amount the engine holds); line amounts are held to 1e-15, so a line-month is an exact
#: integer product, rounded half-up once to the currency's unit
FACTOR_DIGITS = 30
AMOUNT_DIGITS = 15


def _scaled_factor(fc: Forecast, k: int) -> int:
    with localcontext() as ctx:
        ctx.prec = ENGINE_PRECISION
        f = growth_factor(fc.monthly_growth, fc.yearly_price_trend, k)
        return int(f.scaleb(FACTOR_DIGITS).to_integral_value(rounding=ROUND_HALF_UP))


def _rounder(q: Decimal):
    """v (a Decimal held to 1e-15) × F (a factor × 10^30) -> the product rounded half-up to q."""
    exp = -q.as_tuple().exponent  # 2 for cents, 0 for whole yen
    drop = 10 ** (AMOUNT_DIGITS + FACTOR_DIGITS - exp)
    half = drop // 2

    def round_product(v: Decimal, factor: int) -> Decimal:
        n = int(v.scaleb(AMOUNT_DIGITS)) * factor
        r = (n + half) // drop if n >= 0 else -((-n + half) // drop)
        return Decimal(r).scaleb(-exp)

    return round_product


def line_month(result: PlanResult, fc: Forecast, k: int, which: str, q: Decimal) -> list[Decimal]:
    """Each line's amount in forecast month k (0-based), rounded once: its unrounded amount
    at the prices in force then × (1+g)^k × (1+p)^(k/12)."""
    factor, attr, rnd = _scaled_factor(fc, k), _ATTRS[which], _rounder(q)
    return [rnd(getattr(ln, attr), factor) for ln in lines_in_force(result, k)]


def _month_totals(result: PlanResult, fc: Forecast, n: int, q: Decimal) -> dict[str, list[Decimal]]:
    """Σ over lines of each line-month (line_month added up), for months 0..n-1 and each of
    baseline, low, expected and high, in exact integers of the currency's unit."""
    exp = -q.as_tuple().exponent
    drop = 10 ** (AMOUNT_DIGITS + FACTOR_DIGITS - exp)
    half = drop // 2
    totals: dict[str, list[Decimal]] = {which: [] for which in _ATTRS}
    cache: dict[int, list[tuple[int, ...]]] = {}
    for k in range(n):
        lines = lines_in_force(result, k)
        scaled = cache.get(id(lines))
        if scaled is None:
            scaled = cache[id(lines)] = [
                tuple(int(getattr(ln, attr).scaleb(AMOUNT_DIGITS)) for attr in _ATTRS.values()) for ln in lines]
        factor = _scaled_factor(fc, k)
        sums = [0, 0, 0, 0]
        for amounts in scaled:
            for j, v in enumerate(amounts):
                n_ = v * factor
                sums[j] += (n_ + half) // drop if n_ >= 0 else -((-n_ + half) // drop)
        for j, which in enumerate(_ATTRS):
            totals[which].append(Decimal(sums[j]).scaleb(-exp))
    return totals


def _forecast(result: PlanResult, fc: Forecast, budget: Decimal | None, q: Decimal,
              footed: dict[str, tuple[Decimal, ...]], fixed: Decimal) -> list[FootedMonth]:
    """The months of the horizon, or of twelve months when the horizon is shorter; `fixed`
    (the add-ons, rounded) is added to every month's low, expected and high."""
    n = max(fc.horizon_months, YEAR)
    if not fc.monthly_growth and not fc.yearly_price_trend and not result.periods:
        # every month is month 1: its amounts are the rounded line amounts themselves
        totals = {k: [sum(v, ZERO)] * n for k, v in footed.items()}
    else:
        totals = _month_totals(result, fc, n, q)
    volumes = [(ONE + fc.monthly_growth) ** k for k in range(n)] if fc.monthly_growth else [ONE] * n
    out = []
    for k in range(n):
        expected = totals["expected"][k] + fixed
        out.append(FootedMonth(
            index=k,
            label=month_label(fc.start_month, k),
            start=add_months(fc.start_month, k) if fc.start_month else None,
            requests=(result.requests * volumes[k]).quantize(ONE, rounding=ROUND_HALF_UP),
            baseline=totals["baseline"][k],
            low=totals["low"][k] + fixed,
            expected=expected,
            high=totals["high"][k] + fixed,
            over_budget=budget is not None and expected > budget,
        ))
    return out


def next_12_months(months: Sequence[FootedMonth]) -> Decimal:
    """The first twelve forecast months' expected amounts added up."""
    return sum((m.expected for m in months[:YEAR]), ZERO)


def _month_total(months: Sequence[FootedMonth]) -> FootedMonth:
    def add(attr: str) -> Decimal:
        return sum((getattr(m, attr) for m in months), ZERO)

    return FootedMonth(index=len(months), label="Total", start=None, requests=add("requests"),
                       baseline=add("baseline"), low=add("low"), expected=add("expected"),
                       high=add("high"), over_budget=False)


def _shares_pct(amounts: Sequence[Decimal], total: Decimal) -> tuple[Decimal, ...] | None:
    if not amounts or not total:
        return None
    return tuple(foot_to([a / total * HUNDRED for a in amounts], HUNDRED, PERCENT_PLACES))


def summarize(result: PlanResult, fc: Forecast, monthly_budget: Decimal | None) -> Summary:
    """Every shown figure of `result`, for a plan with forecast settings `fc` and budget."""
    q = currency_quantum(result.currency)
    lines = result.lines
    footed = {}
    for key, attr in (("baseline", "baseline"), ("expected", "optimized"), ("low", "optimized_low"),
                      ("high", "optimized_high")):
        footed[key] = tuple(foot([getattr(ln, attr) for ln in lines], q)[0])
    add_ons = tuple(money(a.monthly, q) for a in result.add_ons)
    fixed = sum(add_ons, ZERO)
    base = sum(footed["baseline"], ZERO)
    tokens = sum(footed["expected"], ZERO)
    opt = tokens + fixed
    budget = money(monthly_budget, q) if monthly_budget is not None else None
    months = _forecast(result, fc, budget, q, footed, fixed)
    shown = months[: fc.horizon_months]
    steps = foot_to([s.saving for s in result.waterfall], base - opt, q)
    total_opt = result.optimized
    first_over = next((m.index for m in shown if m.over_budget), None)
    shares = _shares_pct([*(ln.optimized for ln in lines), *(a.monthly for a in result.add_ons)], total_opt)
    return Summary(
        currency=result.currency,
        quantum=q,
        line_baseline=footed["baseline"],
        line_optimized=footed["expected"],
        line_low=footed["low"],
        line_high=footed["high"],
        line_share_pct=shares[: len(lines)] if shares else None,
        add_on_amounts=add_ons,
        add_on_share_pct=shares[len(lines):] if shares else None,
        baseline=base,
        optimized=opt,
        low=sum(footed["low"], ZERO) + fixed,
        high=sum(footed["high"], ZERO) + fixed,
        savings=base - tokens,
        savings_fraction=fraction_of(base - tokens, base),
        annual_run_rate=opt * YEAR,
        next_12_months=next_12_months(months),
        requests=result.requests,
        cost_per_request=_per_request(total_opt, result.requests),
        budget=budget,
        headroom=budget - opt if budget is not None else None,
        headroom_fraction=fraction_of(budget - opt, budget) if budget is not None else None,
        requests_affordable=_affordable(result, budget, fixed),
        first_month_over=first_over if budget is not None else None,
        forecast=tuple(shown),
        forecast_total=_month_total(shown),
        waterfall_steps=tuple(Step(s.key, s.label, a) for s, a in zip(result.waterfall, steps, strict=True)),
        by_model=_model_shares(result.by_model, tokens, q),
        unit_economics=_unit_economics(result, fc, opt, shown, q),
    )


def _affordable(result: PlanResult, budget: Decimal | None, fixed: Decimal) -> int | None:
    """Whole requests a month the budget pays for: what is left of it after the fixed
    add-ons, over the lines' unrounded cost per request (every line scaled alike), rounded
    down; 0 when the add-ons take the whole budget."""
    if budget is None:
        return None
    tokens = result.optimized - sum((a.monthly for a in result.add_ons), ZERO)
    if not tokens:
        return None
    left = budget - fixed
    if left <= 0:
        return 0
    return int((result.requests * left / tokens).to_integral_value(rounding=ROUND_FLOOR))


def _per_request(unrounded: Decimal, requests: Decimal) -> Decimal | None:
    """The unrounded total ÷ requests, 6 places (None without requests)."""
    return (unrounded / requests).quantize(PER_REQUEST_PLACES, rounding=ROUND_HALF_UP) if requests else None


def _model_shares(by_model: dict[str, Decimal], total: Decimal, q: Decimal) -> tuple[ModelShare, ...]:
    """Each model's unrounded cost footed to the shown `total`, with its share of it."""
    ids = list(by_model)
    amounts = foot_to([by_model[m] for m in ids], total, q) if ids else []
    return tuple(ModelShare(m, a, fraction_of(a, total) or ZERO) for m, a in zip(ids, amounts, strict=True))


def _revenue(result: PlanResult, volume: Decimal) -> Decimal | None:
    e = result.economics
    if e is None:
        return None
    revenue = ZERO
    if e.users is not None and e.revenue_per_user is not None:
        revenue += e.users * volume * e.revenue_per_user
    if e.revenue_per_outcome is not None:
        revenue += sum((ln.outcomes for ln in result.lines if ln.outcomes), ZERO) * volume * e.revenue_per_outcome
    return revenue


def _unit_economics(result: PlanResult, fc: Forecast, opt: Decimal, months: Sequence[FootedMonth],
                    q: Decimal) -> UnitEconomics | None:
    """Revenue grows with the forecast's volume (users and outcomes × (1+g)^k); costs are the
    forecast's; the margin's month is the first whose margin ÷ revenue is under the floor."""
    per_outcome = tuple(
        None if not ln.outcomes else (ln.optimized / ln.outcomes).quantize(PER_REQUEST_PLACES, rounding=ROUND_HALF_UP)
        for ln in result.lines
    )
    e = result.economics
    if e is None:
        if not any(per_outcome):
            return None
        return UnitEconomics(None, None, None, None, None, None, per_outcome)
    revenue = _revenue(result, ONE)
    revenue = money(revenue, q) if revenue is not None and (e.revenue_per_user or e.revenue_per_outcome) else None
    margin = revenue - opt if revenue is not None else None
    below = None
    if e.margin_floor is not None and revenue is not None:
        for m in months:
            rev_k = _revenue(result, (ONE + fc.monthly_growth) ** m.index) or ZERO
            if not rev_k or (rev_k - m.expected) / rev_k < e.margin_floor:
                below = m.index
                break
    return UnitEconomics(
        users=e.users,
        cost_per_user=(opt / e.users).quantize(PER_REQUEST_PLACES, rounding=ROUND_HALF_UP) if e.users else None,
        revenue=revenue,
        gross_margin=margin,
        gross_margin_fraction=fraction_of(margin, revenue) if revenue else None,
        first_month_below_floor=below,
        line_cost_per_outcome=per_outcome,
    )


# ---------------------------------------------------------------------------------------
# The budget by month: line x month and group x month, as finance files it


@dataclass(frozen=True)
class BudgetRow:
    """One line (or group) of the budget: its amount in each month of the horizon."""

    name: str
    group: str
    months: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


@dataclass(frozen=True)
class FiscalYear:
    """The months of the horizon that fall in one fiscal year, and what they add up to."""

    label: str
    first: int
    last: int
    total: Decimal


@dataclass(frozen=True)
class BudgetTable:
    """Line x month and group x month, each cell the line-month as the forecast rounds it,
    so every column adds up to that forecast month and every total to the forecast total."""

    labels: tuple[str, ...]
    lines: tuple[BudgetRow, ...]
    groups: tuple[BudgetRow, ...]
    months: tuple[Decimal, ...]
    fiscal_years: tuple[FiscalYear, ...]
    #: the fixed add-ons, the same amount every month (in their groups and the month totals)
    add_ons: tuple[BudgetRow, ...] = ()

    @property
    def rows(self) -> tuple[BudgetRow, ...]:
        """The lines, then the add-ons: every row a month's total adds up."""
        return self.lines + self.add_ons

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


def fiscal_year_label(d: date, first_month: int) -> str:
    """'FY2027' for a fiscal year starting in January 2027; 'FY2026/27' for one starting in
    April 2026 (a fiscal year that spans two calendar years names both)."""
    start_year = d.year if d.month >= first_month else d.year - 1
    return f"FY{start_year}" if first_month == 1 else f"FY{start_year}/{(start_year + 1) % 100:02d}"


def budget_by_month(result: PlanResult, fc: Forecast, groups: Sequence[str], fiscal_year_start: int = 1,
                    which: str = "expected") -> BudgetTable:
    """The horizon's months by line and by group (`groups[i]` is line i's group; lines and
    add-ons with none make the group '(no group)'), the fixed add-ons as rows of their own,
    with fiscal-year totals when the forecast is dated."""
    q = currency_quantum(result.currency)
    n = fc.horizon_months
    columns = [line_month(result, fc, k, which, q) for k in range(n)]
    names = [getattr(ln, "name", f"Line {i + 1}") for i, ln in enumerate(result.lines)]
    rows = tuple(BudgetRow(names[i], groups[i], tuple(col[i] for col in columns)) for i in range(len(result.lines)))
    q_add_ons = tuple(BudgetRow(a.name, a.group, (money(a.monthly, q),) * n) for a in result.add_ons) \
        if which != "baseline" else ()
    by_group: dict[str, list[Decimal]] = {}
    for row in rows + q_add_ons:
        acc = by_group.setdefault(row.group or NO_GROUP, [ZERO] * n)
        for k, v in enumerate(row.months):
            acc[k] += v
    fixed = sum((r.months[0] for r in q_add_ons), ZERO)
    months = tuple(sum(col, ZERO) + fixed for col in columns)
    years: list[FiscalYear] = []
    if fc.start_month is not None:
        for k in range(n):
            label = fiscal_year_label(add_months(fc.start_month, k), fiscal_year_start)
            if years and years[-1].label == label:
                y = years[-1]
                years[-1] = FiscalYear(label, y.first, k, y.total + months[k])
            else:
                years.append(FiscalYear(label, k, k, months[k]))
    return BudgetTable(
        labels=tuple(month_label(fc.start_month, k) for k in range(n)),
        lines=rows,
        groups=tuple(BudgetRow(g, g, tuple(v)) for g, v in by_group.items()),
        months=months,
        fiscal_years=tuple(years),
        add_ons=q_add_ons,
    )


#: the group of lines that name none
NO_GROUP = "(no group)"


# ---------------------------------------------------------------------------------------
# Totals and the savings waterfall by group


class _SteppedLine(_CostedLine, Protocol):
    requests: Decimal
    steps: Sequence[Step]
    by_model: dict[str, Decimal]


@dataclass(frozen=True)
class GroupFigures:
    """One group's lines added up, as shown: its baseline, low, expected and high are the
    sums of its lines' shown (rounded) amounts; its waterfall steps are the sums of its lines'
    unrounded step savings, footed to its baseline − expected."""

    name: str
    #: the indices of the group's lines in the plan
    lines: tuple[int, ...]
    requests: Decimal
    baseline: Decimal
    low: Decimal
    optimized: Decimal
    high: Decimal
    #: the plan's waterfall steps in the plan's order (0 where none of the group's lines has one)
    waterfall_steps: tuple[Step, ...]
    #: the same steps unrounded (Σ of the group's lines' savings), before footing
    unrounded_steps: tuple[Step, ...]
    #: the group's share of the plan's expected total in percent: the sum of its lines' shares
    share_pct: Decimal | None
    #: the group's lines' unrounded expected total ÷ their requests, 6 places
    cost_per_request: Decimal | None
    #: the expected cost on each model (after routing), footed to the group's lines' amount
    by_model: tuple[ModelShare, ...]
    #: the indices of the group's fixed add-ons, and what they add up to (shown amounts)
    add_ons: tuple[int, ...] = ()
    add_ons_total: Decimal = ZERO

    @property
    def own_steps(self) -> tuple[Step, ...]:
        """The waterfall steps that are the group's: every lever's, and its own add-ons' (not
        another group's add-on, a step of nothing here)."""
        return tuple(s for s in self.waterfall_steps if s.saving or not s.key.startswith(ADD_ON_STEP))

    @property
    def savings(self) -> Decimal:
        """Baseline − the group's lines' expected amount (the add-ons are no lever's doing)."""
        return self.baseline - (self.optimized - self.add_ons_total)

    @property
    def annual_run_rate(self) -> Decimal:
        """12 × the group's monthly expected amount."""
        return self.optimized * YEAR

    @property
    def savings_fraction(self) -> Decimal | None:
        """Savings ÷ baseline, 4 places."""
        return fraction_of(self.savings, self.baseline)

    @property
    def savings_pct(self) -> Decimal | None:
        """Savings in percent of the baseline, 2 places."""
        return None if self.savings_fraction is None else self.savings_fraction * HUNDRED


def group_order(line_groups: Sequence[str], add_on_groups: Sequence[str] = ()) -> list[str]:
    """The groups in order of first appearance, the lines' then the fixed add-ons'."""
    return list(dict.fromkeys(group_of(g) for g in (*line_groups, *add_on_groups)))


def group_of(group: str) -> str:
    """The group a line is counted in: its own, or '(no group)' when it names none."""
    return group or NO_GROUP


def group_summaries(result: PlanResult, groups: Sequence[str], summary: Summary) -> tuple[GroupFigures, ...]:
    """Each group's totals and waterfall (`groups[i]` is line i's group; a fixed add-on counts
    in its own group), groups in order of first appearance, lines first. `summary` is the
    result's own (its footed line and add-on amounts are added up)."""
    q = summary.quantum
    lines: Sequence[_SteppedLine] = result.lines  # type: ignore[assignment]
    names = group_order(groups, [a.group for a in result.add_ons])
    members: dict[str, tuple[list[int], list[int]]] = {name: ([], []) for name in names}
    for i, g in enumerate(groups):
        members[group_of(g)][0].append(i)
    for j, a in enumerate(result.add_ons):
        members[group_of(a.group)][1].append(j)
    plan_steps = [(s.key, s.label) for s in result.waterfall]
    shares = summary.line_share_pct
    add_on_shares = summary.add_on_share_pct or ()
    out = []
    for name, (idx, fixed_idx) in members.items():
        def add(amounts: Sequence[Decimal], idx: list[int] = idx) -> Decimal:
            return sum((amounts[i] for i in idx), ZERO)

        raw: dict[str, Decimal] = {}
        models: dict[str, Decimal] = {}
        for i in idx:
            for s in lines[i].steps:
                raw[s.key] = raw.get(s.key, ZERO) + s.saving
            for m, v in lines[i].by_model.items():
                models[m] = models.get(m, ZERO) + v
        unrounded_fixed = ZERO
        for j in fixed_idx:
            a = result.add_ons[j]
            raw[ADD_ON_STEP + a.name] = -a.monthly
            unrounded_fixed += a.monthly
        fixed = add(summary.add_on_amounts, fixed_idx)
        requests = sum((lines[i].requests for i in idx), ZERO)
        base, tokens = add(summary.line_baseline), add(summary.line_optimized)
        opt = tokens + fixed
        unrounded = [raw.get(key, ZERO) for key, _ in plan_steps]
        footed = foot_to(unrounded, base - opt, q)
        out.append(GroupFigures(
            name=name,
            lines=tuple(idx),
            requests=requests,
            baseline=base,
            low=add(summary.line_low) + fixed,
            optimized=opt,
            high=add(summary.line_high) + fixed,
            waterfall_steps=tuple(Step(k, label, a) for (k, label), a in zip(plan_steps, footed, strict=True)),
            unrounded_steps=tuple(Step(k, label, a) for (k, label), a in zip(plan_steps, unrounded, strict=True)),
            share_pct=add(shares) + add(add_on_shares, fixed_idx) if shares else None,
            cost_per_request=_per_request(sum((lines[i].optimized for i in idx), unrounded_fixed), requests),
            by_model=_model_shares(models, tokens, q),
            add_ons=tuple(fixed_idx),
            add_ons_total=fixed,
        ))
    return tuple(out)


@dataclass(frozen=True)
class _PeriodOf:
    first_month: int
    lines: tuple


@dataclass(frozen=True)
class _LinesOf:
    """Some of a result's lines (a group's) in every price period: what a forecast needs."""

    currency: str
    lines: tuple
    periods: tuple[_PeriodOf, ...]
    requests: Decimal


def group_forecast(result: PlanResult, fc: Forecast, group: GroupFigures, summary: Summary) -> tuple[FootedMonth, ...]:
    """The group's lines through the forecast by the plan's own rule (each line-month rounded
    once, a month the sum of its lines), for the horizon or twelve months if it is shorter;
    no budget (a budget is the plan's)."""
    def pick(lines: Sequence) -> tuple:
        return tuple(lines[i] for i in group.lines)

    view = _LinesOf(result.currency, pick(result.lines),
                    tuple(_PeriodOf(p.first_month, pick(p.lines)) for p in result.periods), group.requests)
    footed = {"baseline": pick(summary.line_baseline), "expected": pick(summary.line_optimized),
              "low": pick(summary.line_low), "high": pick(summary.line_high)}
    return tuple(_forecast(view, fc, None, summary.quantum, footed, group.add_ons_total))  # type: ignore[arg-type]

"""What the finance exports show (CSV, XLSX, PDF), built once from a plan and its result so they agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import PlanResult
from planner.domain.errors import InputError
from planner.domain.plan import Plan
from planner.domain.prices import batch_prices, price_lookup, unit_prices
from planner.domain.summary import fraction_of

ZERO = Decimal(0)
ONE = Decimal(1)


class Kind(StrEnum):
    """How a value is typed and formatted in every export."""

    TEXT = "text"
    #: a count (requests, tokens): plain number, may be fractional (averages)
    COUNT = "count"
    #: a price in USD per 1M tokens, exact as in the catalog
    PRICE = "price"
    #: an amount in the plan currency, in cents
    MONEY = "money"
    #: a per-request amount in the plan currency, 6 decimals
    UNIT_MONEY = "unit_money"
    #: a fraction in [0, 1] (0.9 = 90%)
    RATE = "rate"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    #: a short header for narrow layouts (PDF)
    short: str = ""


@dataclass(frozen=True)
class LineRow:
    """One worksheet line with every assumption behind its cost; amounts footed to cents."""

    name: str
    requests: Decimal
    input_tokens: Decimal
    output_tokens: Decimal
    model_name: str
    model_id: str
    price_input: Decimal
    price_output: Decimal
    price_cache_read: Decimal | None
    price_cache_write: Decimal
    long_context: bool
    routing: str
    cached_prefix: Decimal
    cache_hit_rate: Decimal
    batch_share: Decimal
    response_cache_hit_rate: Decimal
    semantic_cache_hit_rate: Decimal
    baseline: Decimal
    optimized: Decimal
    #: of the expected total (fraction, 4 places; the rows add up to exactly 1)
    share: Decimal | None
    notes: str

    def value(self, key: str) -> Any:
        return getattr(self, key)


@dataclass(frozen=True)
class TotalRow:
    """The line table's total: sums of the (rounded) rows."""

    label: str
    requests: Decimal
    baseline: Decimal
    optimized: Decimal
    share: Decimal | None

    #: the columns the total row fills (the XLSX writes these as SUM formulas)
    SUMMED = ("requests", "baseline", "optimized", "share")

    def value(self, key: str) -> Any:
        if key == "name":
            return self.label
        if key in ("requests", "baseline", "optimized", "share"):
            return getattr(self, key)
        return None


@dataclass(frozen=True)
class ExportTable:
    """The line-item table: columns (with units in their headers), one row per line, the total."""

    columns: tuple[Column, ...]
    rows: tuple[LineRow, ...]
    total: TotalRow

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def row_values(self, row: LineRow) -> list[Any]:
        return [row.value(c.key) for c in self.columns]

    def total_values(self) -> list[Any]:
        return [self.total.value(c.key) for c in self.columns]


@dataclass(frozen=True)
class SummaryItem:
    key: str
    label: str
    value: Any
    kind: Kind
    note: str = ""


@dataclass(frozen=True)
class WaterfallRow:
    key: str
    label: str
    amount: Decimal
    #: "start" (baseline), "step" (a lever's saving; negative when it costs more), "end" (optimized)
    role: str
    #: the amount as a fraction of the baseline (4 places; None when the baseline is 0)
    of_baseline: Decimal | None = None


@dataclass(frozen=True)
class ModelRow:
    """A model the plan uses (its own or routed), with every price and where it came from."""

    id: str
    name: str
    provider: str
    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal | None
    cache_write_effective: Decimal
    batch_input: Decimal | None
    batch_output: Decimal | None
    batch_discount: Decimal | None
    #: the batch prices the engine uses (own batch prices, else the discount)
    batch_input_effective: Decimal
    batch_output_effective: Decimal
    long_context_threshold: int | None
    long_context_input: Decimal | None
    long_context_output: Decimal | None
    source: str
    source_url: str | None
    as_of: date | None
    pinned: bool
    #: the plan's monthly expected cost on this model, footed to the monthly total
    monthly: Decimal
    #: share of the monthly expected total (fraction, 4 places)
    share: Decimal

    @property
    def batch_text(self) -> str:
        if self.batch_input is not None or self.batch_output is not None:
            return "own batch prices"
        if self.batch_discount is not None:
            return f"{_pct_text(self.batch_discount)} off (model)"
        return "plan default discount"


@dataclass(frozen=True)
class MultiplierRow:
    name: str
    enabled: bool
    low: Decimal
    expected: Decimal
    high: Decimal
    note: str


@dataclass(frozen=True)
class ForecastRow:
    label: str
    requests: Decimal
    baseline: Decimal
    low: Decimal
    expected: Decimal
    high: Decimal
    over_budget: bool = False


@dataclass(frozen=True)
class ExportData:
    """Everything the CSV, XLSX and PDF exports show, computed once."""

    plan_name: str
    exported_at: datetime
    currency: str
    per_usd: Decimal
    rate_date: date | None
    catalog_name: str
    catalog_as_of: date
    table: ExportTable
    # the headline figures (cents; footed: the monthly total is the sum of the line amounts)
    requests: Decimal
    baseline: Decimal
    monthly_expected: Decimal
    monthly_low: Decimal
    monthly_high: Decimal
    annual_run_rate: Decimal
    next_12_months: Decimal
    savings: Decimal
    savings_pct: Decimal | None
    cost_per_request: Decimal | None
    budget: Decimal | None
    headroom: Decimal | None
    headroom_pct: Decimal | None
    requests_affordable: Decimal | None
    first_month_over: str | None
    summary: tuple[SummaryItem, ...]
    waterfall: tuple[WaterfallRow, ...]
    by_model: tuple[ModelRow, ...]
    multipliers: tuple[MultiplierRow, ...]
    batch_discount: Decimal
    horizon_months: int
    monthly_growth: Decimal
    yearly_price_trend: Decimal
    forecast: tuple[ForecastRow, ...]
    forecast_total: ForecastRow
    notes: str
    line_notes: tuple[tuple[str, str], ...]
    notices: tuple[str, ...] = field(default=())

    @property
    def exported_text(self) -> str:
        return format_exported_at(self.exported_at)

    @property
    def currency_text(self) -> str:
        """'USD' or 'EUR (1 USD = 0.92 EUR, rate of 2026-05-01)'."""
        if self.currency == "USD":
            return "USD"
        rate = f"1 USD = {plain(self.per_usd)} {self.currency}"
        if self.rate_date is not None:
            rate += f", rate of {self.rate_date.isoformat()}"
        return f"{self.currency} ({rate})"


# ---------------------------------------------------------------------------------------
# Text helpers shared by the exports (no money arithmetic)


def plain(x: Decimal) -> str:
    """A plain number: no exponent, no thousands separators, '.' decimal, no trailing zeros."""
    if x == 0:
        return "0"
    s = format(x.normalize(), "f")
    return s


def _pct_text(x: Decimal) -> str:
    return f"{plain((x * 100).quantize(Decimal('0.01')).normalize())}%"


def format_exported_at(t: datetime) -> str:
    s = t.strftime("%Y-%m-%d %H:%M")
    tz = t.tzname()
    return f"{s} {tz}" if tz else s


# ---------------------------------------------------------------------------------------


def line_columns(currency: str) -> tuple[Column, ...]:
    cur = currency
    return (
        Column("name", "Line", Kind.TEXT, "Line"),
        Column("requests", "Requests/month", Kind.COUNT, "Requests/mo"),
        Column("input_tokens", "Input tokens/request", Kind.COUNT, "Input tok."),
        Column("output_tokens", "Output tokens/request", Kind.COUNT, "Output tok."),
        Column("model_name", "Model", Kind.TEXT, "Model"),
        Column("model_id", "Model ID", Kind.TEXT, "Model ID"),
        Column("price_input", "Input price (USD/1M)", Kind.PRICE, "In $/1M"),
        Column("price_output", "Output price (USD/1M)", Kind.PRICE, "Out $/1M"),
        Column("price_cache_read", "Cache read price (USD/1M)", Kind.PRICE, "Cache rd $/1M"),
        Column("price_cache_write", "Cache write price (USD/1M)", Kind.PRICE, "Cache wr $/1M"),
        Column("routing", "Routing", Kind.TEXT, "Routing"),
        Column("cached_prefix", "Cached prefix (tokens)", Kind.COUNT, "Cached prefix"),
        Column("cache_hit_rate", "Cache hit rate (fraction)", Kind.RATE, "Cache hit"),
        Column("batch_share", "Batch share (fraction)", Kind.RATE, "Batch"),
        Column(
            "response_cache_hit_rate",
            "Response cache hit rate (fraction)",
            Kind.RATE,
            "Resp. cache",
        ),
        Column(
            "semantic_cache_hit_rate", "Semantic cache hit rate (fraction)", Kind.RATE, "Sem. cache"
        ),
        Column("baseline", f"Baseline ({cur}/month)", Kind.MONEY, "Baseline"),
        Column("optimized", f"Optimized ({cur}/month)", Kind.MONEY, "Optimized"),
        Column("share", "Share of total (fraction)", Kind.RATE, "Share"),
        Column("notes", "Notes", Kind.TEXT, "Notes"),
    )


def _routing_text(plan_line: Any, lookup: Any) -> str:
    parts = []
    for r in plan_line.route:
        m = lookup(r.model)
        name = m.name if m is not None else r.model
        parts.append(f"{plain((r.share * 100).normalize())}% {name}")
    return "; ".join(parts)


def build_export(
    plan: Plan, catalog: Catalog, result: PlanResult, *, exported_at: datetime
) -> ExportData:
    """Gather every figure the exports show. Amounts come from `result` footed to cents."""
    lookup = price_lookup(plan, catalog)

    def model(model_id: str, where: str) -> ModelPrice:
        m = lookup(model_id)
        if m is None:
            raise InputError(f"{where}: unknown model '{model_id}'")
        return m

    if len(result.lines) != len(plan.lines):
        raise ValueError("the result does not belong to this plan (line counts differ)")

    headline = result.summary()
    baselines, baseline_total = headline.line_baseline, headline.baseline
    optimized, optimized_total = headline.line_optimized, headline.optimized
    low_total, high_total = headline.low, headline.high
    shares = headline.line_share_pct or (None,) * len(plan.lines)

    rows: list[LineRow] = []
    for i, pl in enumerate(plan.lines):
        own = model(pl.model, f"line {i + 1} '{pl.name}'")
        up = unit_prices(own, pl.input_tokens)
        rows.append(
            LineRow(
                name=pl.name,
                requests=pl.requests_per_month,
                input_tokens=pl.input_tokens,
                output_tokens=pl.output_tokens,
                model_name=own.name,
                model_id=own.id,
                price_input=up.input,
                price_output=up.output,
                price_cache_read=up.cache_read,
                price_cache_write=up.cache_write,
                long_context=up.long_context,
                routing=_routing_text(pl, lookup),
                cached_prefix=pl.prompt_cache.prefix_tokens,
                cache_hit_rate=pl.prompt_cache.hit_rate,
                batch_share=pl.batch_share,
                response_cache_hit_rate=pl.response_cache_hit_rate,
                semantic_cache_hit_rate=pl.semantic_cache_hit_rate,
                baseline=baselines[i],
                optimized=optimized[i],
                share=None if shares[i] is None else shares[i] / 100,
                notes=pl.notes,
            )
        )
    requests = sum((r.requests for r in rows), ZERO)
    total = TotalRow(
        label="Total",
        requests=requests,
        baseline=baseline_total,
        optimized=optimized_total,
        share=sum(headline.line_share_pct, ZERO) / 100 if headline.line_share_pct else None,
    )
    table = ExportTable(line_columns(plan.currency.code), tuple(rows), total)

    # Headline figures: the plan summary's, so the window, the CLI and every export agree.
    savings = headline.savings
    savings_pct = headline.savings_fraction
    cost_per_request = headline.cost_per_request
    budget, headroom, headroom_pct = headline.budget, headline.headroom, headline.headroom_fraction
    affordable = None if headline.requests_affordable is None else Decimal(headline.requests_affordable)
    first_over = headline.first_month_over_label

    # Waterfall: baseline, one step per lever / multiplier, optimized (steps foot exactly).
    w_base, steps, w_opt = result.footed_waterfall()

    def of_base(x: Decimal) -> Decimal | None:
        return fraction_of(x, w_base)

    waterfall = (
        WaterfallRow(
            "baseline", "Baseline (own model, no levers)", w_base, "start", of_base(w_base)
        ),
        *(WaterfallRow(s.key, s.label, s.saving, "step", of_base(s.saving)) for s in steps),
        WaterfallRow("optimized", "Optimized (expected)", w_opt, "end", of_base(w_opt)),
    )

    # Models used, in order of first use; their monthly cost footed to the monthly total.
    used: list[str] = []
    for pl in plan.lines:
        for mid in (pl.model, *(r.model for r in pl.routing)):
            if mid not in used:
                used.append(mid)
    ids = list(dict.fromkeys([*used, *result.by_model]))
    footed_models = {s.model_id: s for s in headline.by_model}
    model_rows = []
    for mid in ids:
        m = model(mid, "model")
        standard = unit_prices(m)
        batch = batch_prices(m, standard, plan.batch_discount)
        lc = m.long_context
        spend = footed_models.get(mid)
        model_rows.append(
            ModelRow(
                id=m.id,
                name=m.name,
                provider=m.provider,
                input=m.input,
                output=m.output,
                cache_read=m.cache_read,
                cache_write=m.cache_write,
                cache_write_effective=standard.cache_write,
                batch_input=m.batch_input,
                batch_output=m.batch_output,
                batch_discount=m.batch_discount,
                batch_input_effective=batch.input,
                batch_output_effective=batch.output,
                long_context_threshold=lc.threshold_tokens if lc else None,
                long_context_input=lc.input if lc else None,
                long_context_output=lc.output if lc else None,
                source=m.source,
                source_url=m.source_url,
                as_of=m.as_of,
                pinned=mid in plan.pinned_prices,
                monthly=spend.amount if spend else ZERO,
                share=spend.share_fraction if spend else ZERO,
            )
        )

    multipliers = tuple(
        MultiplierRow(m.name, m.enabled, m.low, m.expected, m.high, m.note)
        for m in plan.multipliers
    )

    # Forecast: month 1 is the monthly total above; each month the sum of its lines.
    def forecast_row(m: Any) -> ForecastRow:
        return ForecastRow(label=m.label, requests=m.requests, baseline=m.baseline, low=m.low,
                           expected=m.expected, high=m.high, over_budget=m.over_budget)

    fc_rows = [forecast_row(m) for m in headline.forecast]
    forecast_total = forecast_row(headline.forecast_total)

    catalog_as_of = plan.catalog_as_of or catalog.as_of
    cur = plan.currency.code
    summary: list[SummaryItem] = [
        SummaryItem("plan", "Plan", plan.name, Kind.TEXT),
        SummaryItem("exported", "Exported", format_exported_at(exported_at), Kind.TEXT),
        SummaryItem("currency", "Currency", cur, Kind.TEXT),
    ]
    if cur != "USD":
        summary += [
            SummaryItem(
                "per_usd", f"Exchange rate ({cur} per USD)", plan.currency.per_usd, Kind.COUNT
            ),
            SummaryItem("rate_date", "Exchange rate date", plan.currency.rate_date, Kind.DATE),
        ]
    summary += [
        SummaryItem("catalog_as_of", "Catalog prices as of", catalog_as_of, Kind.DATE),
        SummaryItem("requests", "Requests per month", requests, Kind.COUNT),
        SummaryItem(
            "baseline",
            f"Baseline ({cur}/month)",
            baseline_total,
            Kind.MONEY,
            "own models, no levers",
        ),
        SummaryItem(
            "monthly_expected",
            f"Monthly expected ({cur})",
            optimized_total,
            Kind.MONEY,
            "sum of the lines",
        ),
        SummaryItem(
            "monthly_low",
            f"Monthly low, best case ({cur})",
            low_total,
            Kind.MONEY,
            "multipliers at their high savings",
        ),
        SummaryItem(
            "monthly_high",
            f"Monthly high, worst case ({cur})",
            high_total,
            Kind.MONEY,
            "multipliers at their low savings",
        ),
        SummaryItem(
            "annual_run_rate",
            f"Annual run-rate ({cur}, 12 x monthly expected)",
            headline.annual_run_rate,
            Kind.MONEY,
        ),
        SummaryItem(
            "next_12_months",
            f"Next 12 months, forecast ({cur})",
            headline.next_12_months,
            Kind.MONEY,
            "growth and price trend included",
        ),
        SummaryItem(
            "savings", f"Savings ({cur}/month)", savings, Kind.MONEY, "baseline - expected"
        ),
        SummaryItem("savings_pct", "Savings (fraction of baseline)", savings_pct, Kind.RATE),
        SummaryItem(
            "cost_per_request", f"Cost per request ({cur})", cost_per_request, Kind.UNIT_MONEY
        ),
    ]
    if budget is not None:
        summary += [
            SummaryItem("budget", f"Monthly budget ({cur})", budget, Kind.MONEY),
            SummaryItem(
                "headroom",
                f"Budget headroom ({cur}/month)",
                headroom,
                Kind.MONEY,
                "budget - expected",
            ),
            SummaryItem(
                "headroom_pct", "Budget headroom (fraction of budget)", headroom_pct, Kind.RATE
            ),
            SummaryItem(
                "requests_affordable",
                "Requests per month the budget buys",
                affordable,
                Kind.COUNT,
                "every line scaled uniformly",
            ),
            SummaryItem(
                "first_month_over",
                "First forecast month over budget",
                first_over or "none",
                Kind.TEXT,
            ),
        ]
    summary.append(
        SummaryItem(
            "forecast_total",
            f"Forecast total, {len(fc_rows)} months ({cur})",
            forecast_total.expected,
            Kind.MONEY,
            "sum of the monthly expected amounts",
        )
    )

    return ExportData(
        plan_name=plan.name,
        exported_at=exported_at,
        currency=cur,
        per_usd=plan.currency.per_usd,
        rate_date=plan.currency.rate_date,
        catalog_name=catalog.name,
        catalog_as_of=catalog_as_of,
        table=table,
        requests=requests,
        baseline=baseline_total,
        monthly_expected=optimized_total,
        monthly_low=low_total,
        monthly_high=high_total,
        annual_run_rate=headline.annual_run_rate,
        next_12_months=headline.next_12_months,
        savings=savings,
        savings_pct=savings_pct,
        cost_per_request=cost_per_request,
        budget=budget,
        headroom=headroom,
        headroom_pct=headroom_pct,
        requests_affordable=affordable,
        first_month_over=first_over,
        summary=tuple(summary),
        waterfall=waterfall,
        by_model=tuple(model_rows),
        multipliers=multipliers,
        batch_discount=plan.batch_discount,
        horizon_months=plan.forecast.horizon_months,
        monthly_growth=plan.forecast.monthly_growth,
        yearly_price_trend=plan.forecast.yearly_price_trend,
        forecast=tuple(fc_rows),
        forecast_total=forecast_total,
        notes=plan.notes,
        line_notes=tuple((pl.name, pl.notes) for pl in plan.lines if pl.notes.strip()),
        notices=tuple(result.notices),
    )

"""What the finance exports show (CSV, XLSX, PDF): the rows, and one column spec per table.

Each table is declared once here (key, header with its unit, kind, a short header for the
PDF, a width for the workbook); the CSV, the XLSX and the PDF all read the same spec. The
figures come from `planner.io.export_sections.build_export` (the plan summary's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from planner.domain.money import ZERO


class ExportCancelled(Exception):
    """An export was cancelled; `written` lists the files finished before (none is half-done)."""

    def __init__(self, written: Sequence[Any] = ()) -> None:
        super().__init__("export cancelled")
        self.written = list(written)


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
    #: an input rate in [0, 1] (0.9 = 90%), shown as precisely as it was given
    RATE = "rate"
    #: a derived fraction (4 places), shown as a percent with 2 decimals
    SHARE = "share"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    #: a short header for narrow layouts (PDF)
    short: str = ""
    #: the column's width in the workbook (characters)
    width: int = 13

    @property
    def short_header(self) -> str:
        return self.short or self.header


Spec = tuple[Column, ...]


def column(spec: Spec, key: str) -> Column:
    for c in spec:
        if c.key == key:
            return c
    raise KeyError(key)


class _Row:
    """A row whose cells the specs read by key."""

    def value(self, key: str) -> Any:
        return getattr(self, key)


# ---------------------------------------------------------------------------------------
# The column specs (one per table)


def line_columns(currency: str) -> Spec:
    cur = currency
    return (
        Column("name", "Line", Kind.TEXT, "Line", 28),
        Column("requests", "Requests/month", Kind.COUNT, "Requests per month", 14),
        Column("input_tokens", "Input tokens/request", Kind.COUNT, "Input tokens", 12),
        Column("output_tokens", "Output tokens/request", Kind.COUNT, "Output tokens", 12),
        Column("model_name", "Model", Kind.TEXT, "Model", 22),
        Column("model_id", "Model ID", Kind.TEXT, "Model ID", 30),
        Column("price_input", "Input price (USD/1M)", Kind.PRICE, "In $/1M"),
        Column("price_output", "Output price (USD/1M)", Kind.PRICE, "Out $/1M"),
        Column("price_cache_read", "Cache read price (USD/1M)", Kind.PRICE, "Cache rd $/1M"),
        Column("price_cache_write", "Cache write price (USD/1M)", Kind.PRICE, "Cache wr $/1M"),
        Column("routing", "Routing", Kind.TEXT, "Routing", 44),
        Column("cached_prefix", "Cached prefix (tokens)", Kind.COUNT, "Cached prefix", 12),
        Column("cache_hit_rate", "Cache hit rate (fraction)", Kind.RATE, "Prompt-cache hit"),
        Column("batch_share", "Batch share (fraction)", Kind.RATE, "Batch share"),
        Column("response_cache_hit_rate", "Response cache hit rate (fraction)", Kind.RATE,
               "Response cache"),
        Column("semantic_cache_hit_rate", "Semantic cache hit rate (fraction)", Kind.RATE,
               "Semantic cache"),
        Column("baseline", f"Baseline ({cur}/month)", Kind.MONEY, f"Baseline ({cur}/mo)", 16),
        Column("optimized", f"Optimized ({cur}/month)", Kind.MONEY, f"Optimized ({cur}/mo)", 16),
        Column("share", "Share of total (fraction)", Kind.SHARE, "Share"),
        Column("notes", "Notes", Kind.TEXT, "Notes", 40),
    )


def waterfall_columns(currency: str) -> Spec:
    return (
        Column("label", "Step", Kind.TEXT, width=44),
        Column("amount", f"Amount ({currency}/month)", Kind.MONEY, f"{currency}/month", 18),
        Column("of_baseline", "Of baseline (fraction)", Kind.SHARE, "Of baseline", 14),
        Column("note", "Note", Kind.TEXT, width=40),
    )


def model_cost_columns(currency: str) -> Spec:
    return (
        Column("name", "Model", Kind.TEXT, width=44),
        Column("provider", "Provider", Kind.TEXT, width=18),
        Column("monthly", f"Expected ({currency}/month)", Kind.MONEY, width=18),
        Column("share", "Share of expected (fraction)", Kind.SHARE, "Share", 14),
        Column("id", "Model ID", Kind.TEXT, width=30),
    )


def price_columns() -> Spec:
    """The prices used (USD per 1M tokens), with where each came from."""
    return (
        Column("name", "Model", Kind.TEXT, width=34),
        Column("id", "Model ID", Kind.TEXT, width=30),
        Column("provider", "Provider", Kind.TEXT, width=12),
        Column("input", "Input (USD/1M)", Kind.PRICE, "Input", 11),
        Column("output", "Output (USD/1M)", Kind.PRICE, "Output", 11),
        Column("cache_read", "Cache read (USD/1M)", Kind.PRICE, "Cache read", 11),
        Column("cache_write_effective", "Cache write (USD/1M)", Kind.PRICE, "Cache write", 11),
        Column("batch_input_effective", "Batch input (USD/1M)", Kind.PRICE, "Batch in", 11),
        Column("batch_output_effective", "Batch output (USD/1M)", Kind.PRICE, "Batch out", 11),
        Column("batch_text", "Batch pricing", Kind.TEXT, width=20),
        Column("long_context_tokens", "Long-context threshold (tokens)", Kind.COUNT, width=14),
        Column("long_context_input", "Long-context input (USD/1M)", Kind.PRICE, width=12),
        Column("long_context_output", "Long-context output (USD/1M)", Kind.PRICE, width=12),
        Column("other_prices", "Other prices (USD)", Kind.TEXT, width=40),
        Column("source", "Source", Kind.TEXT, width=44),
        Column("source_url", "Source URL", Kind.TEXT, width=30),
        Column("as_of", "Price as of", Kind.DATE, width=12),
        Column("pinned_text", "Pinned in plan", Kind.TEXT, width=10),
    )


def multiplier_columns() -> Spec:
    return (
        Column("name", "Multiplier", Kind.TEXT, width=34),
        Column("enabled_text", "Enabled", Kind.TEXT, width=10),
        Column("low", "Low (fraction)", Kind.RATE, "Low", 11),
        Column("expected", "Expected (fraction)", Kind.RATE, "Expected", 11),
        Column("high", "High (fraction)", Kind.RATE, "High", 11),
        Column("note", "Note", Kind.TEXT, width=44),
    )


def range_columns(currency: str) -> Spec:
    """Each line's monthly cost at the low, expected and high ends of the range."""
    cur = currency
    return (
        Column("name", "Line", Kind.TEXT, width=34),
        Column("group", "Group", Kind.TEXT, width=18),
        Column("low", f"Low ({cur}/month)", Kind.MONEY, "Low", 16),
        Column("optimized", f"Expected ({cur}/month)", Kind.MONEY, "Expected", 16),
        Column("high", f"High ({cur}/month)", Kind.MONEY, "High", 16),
    )


def outcome_columns(currency: str) -> Spec:
    """The lines that name a success rate: outcomes a month and the cost of each."""
    return (
        Column("name", "Line", Kind.TEXT, width=34),
        Column("outcome", "Outcome", Kind.TEXT, width=18),
        Column("outcomes", "Outcomes/month", Kind.COUNT, "Outcomes a month", 16),
        Column("optimized", f"Expected ({currency}/month)", Kind.MONEY, "Expected", 16),
        Column("cost_per_outcome", f"Cost per outcome ({currency})", Kind.UNIT_MONEY, "Per outcome", 16),
    )


def forecast_columns(currency: str) -> Spec:
    cur = currency
    return (
        Column("label", "Month", Kind.TEXT, width=30),
        Column("requests", "Requests", Kind.COUNT, width=15),
        Column("baseline", f"Baseline ({cur})", Kind.MONEY, width=15),
        Column("low", f"Low ({cur})", Kind.MONEY, width=15),
        Column("expected", f"Expected ({cur})", Kind.MONEY, width=15),
        Column("high", f"High ({cur})", Kind.MONEY, width=15),
        Column("over_budget_text", "Over budget", Kind.TEXT, width=11),
    )


# ---------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class LineRow(_Row):
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
    group: str = ""
    #: the range: every multiplier at its high savings (low) and at its low savings (high)
    low: Decimal = ZERO
    high: Decimal = ZERO
    #: a multi-turn line's turns per session (its requests are sessions × turns)
    turns: int | None = None
    #: outcomes a month and the cost of each (6 places), where the line names a success rate
    outcome: str = ""
    outcomes: Decimal | None = None
    cost_per_outcome: Decimal | None = None


@dataclass(frozen=True)
class AddOnRow(_Row):
    """A fixed monthly add-on in the line table: a name, a group and an amount (the same in
    the low, expected and high cases); the line's other columns are empty."""

    name: str
    group: str
    optimized: Decimal
    share: Decimal | None
    notes: str = ""
    model_name: str = "Fixed monthly add-on"

    @property
    def low(self) -> Decimal:
        return self.optimized

    @property
    def high(self) -> Decimal:
        return self.optimized

    def value(self, key: str) -> Any:
        return getattr(self, key, None)


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
        if key in self.SUMMED:
            return getattr(self, key)
        return None


@dataclass(frozen=True)
class ExportTable:
    """The line-item table: its spec, one row per line, the total."""

    columns: Spec
    rows: tuple[LineRow, ...]
    total: TotalRow
    #: the fixed monthly add-ons, listed after the lines (the total includes them)
    add_ons: tuple[AddOnRow, ...] = ()

    @property
    def all_rows(self) -> tuple[LineRow | AddOnRow, ...]:
        """The lines, then the add-ons: the rows the total adds up."""
        return self.rows + self.add_ons

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def row_values(self, row: LineRow | AddOnRow) -> list[Any]:
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
class WaterfallRow(_Row):
    key: str
    label: str
    amount: Decimal
    #: "start" (baseline), "step" (a lever's saving; negative when it costs more), "end" (optimized)
    role: str
    #: the amount as a fraction of the baseline (4 places; None when the baseline is 0)
    of_baseline: Decimal | None = None

    @property
    def note(self) -> str:
        return {"step": "saving (negative: costs more)", "end": "baseline minus the savings"}.get(
            self.role, ""
        )


@dataclass(frozen=True)
class ModelRow(_Row):
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
    #: the model's other prices in force, in words (reasoning, 1-hour cache, tiers, off-peak, fees)
    other_prices: str = ""

    @property
    def batch_text(self) -> str:
        if self.batch_input is not None or self.batch_output is not None:
            return "own batch prices"
        if self.batch_discount is not None:
            return f"{pct_text(self.batch_discount)} off (model)"
        return "plan default discount"

    @property
    def long_context_tokens(self) -> Decimal | None:
        return Decimal(self.long_context_threshold) if self.long_context_threshold else None

    @property
    def pinned_text(self) -> str:
        return "yes" if self.pinned else "no"


@dataclass(frozen=True)
class MultiplierRow(_Row):
    name: str
    enabled: bool
    low: Decimal
    expected: Decimal
    high: Decimal
    note: str

    @property
    def enabled_text(self) -> str:
        return "on" if self.enabled else "off"


@dataclass(frozen=True)
class ForecastRow(_Row):
    label: str
    requests: Decimal
    baseline: Decimal
    low: Decimal
    expected: Decimal
    high: Decimal
    over_budget: bool = False

    @property
    def over_budget_text(self) -> str:
        return "yes" if self.over_budget else ""


@dataclass(frozen=True)
class MonthRow:
    """One row of the budget by month: a line, a group's subtotal or the total."""

    #: "line", "group" (a group's subtotal) or "total"
    kind: str
    group: str
    name: str
    months: tuple[Decimal, ...]
    #: the row's total in each fiscal year of the horizon (in ByMonth.fiscal_years' order)
    fiscal: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


@dataclass(frozen=True)
class ByMonth:
    """The budget by line and month (expected), lines ordered by group with each group's
    subtotal after them, then the total; every cell the domain's (budget_by_month)."""

    labels: tuple[str, ...]
    #: each month's first day, where the forecast is dated
    starts: tuple[date | None, ...]
    fiscal_years: tuple[str, ...]
    #: each fiscal year's first and last month (0-based, inclusive)
    fiscal_spans: tuple[tuple[int, int], ...]
    rows: tuple[MonthRow, ...]
    #: the groups' rows alone (group x month), in order of first appearance
    groups: tuple[MonthRow, ...]
    #: whether any line names a group (else the group subtotals are left out)
    grouped: bool

    @property
    def total(self) -> MonthRow:
        return self.rows[-1]


@dataclass(frozen=True)
class GroupRow(_Row):
    """A group's monthly cost (low, expected, high) and its total over the horizon."""

    name: str
    lines: Decimal
    low: Decimal
    expected: Decimal
    high: Decimal
    horizon: Decimal
    #: of the monthly expected total (fraction, 4 places)
    share: Decimal | None


@dataclass(frozen=True)
class GroupWaterfall:
    """Each group's savings waterfall: the steps as rows, the groups as columns; each column
    adds up to its group's baseline − expected (planner.domain.summary.group_summaries)."""

    groups: tuple[str, ...]
    baseline: tuple[Decimal, ...]
    #: (key, label, each group's saving) for every step of the plan's waterfall, in its order
    steps: tuple[tuple[str, str, tuple[Decimal, ...]], ...]
    optimized: tuple[Decimal, ...]


def group_columns(currency: str, months: int) -> Spec:
    cur = currency
    return (
        Column("name", "Group", Kind.TEXT, width=30),
        Column("lines", "Lines", Kind.COUNT, width=8),
        Column("low", f"Low ({cur}/month)", Kind.MONEY, "Low", 16),
        Column("expected", f"Expected ({cur}/month)", Kind.MONEY, "Expected", 16),
        Column("high", f"High ({cur}/month)", Kind.MONEY, "High", 16),
        Column("share", "Share of expected (fraction)", Kind.SHARE, "Share", 14),
        Column("horizon", f"{months} months ({cur})", Kind.MONEY, f"{months} months", 16),
    )


@dataclass(frozen=True)
class ScenarioRow(_Row):
    """The base or one scenario of the plan: its headline figures and the change from the base."""

    label: str
    monthly: Decimal
    low: Decimal
    high: Decimal
    next_12_months: Decimal
    headroom: Decimal | None
    #: monthly expected minus the base's
    change: Decimal
    change_fraction: Decimal | None


def scenario_columns(currency: str) -> Spec:
    cur = currency
    return (
        Column("label", "Scenario", Kind.TEXT, width=30),
        Column("monthly", f"Monthly expected ({cur})", Kind.MONEY, "Monthly", 16),
        Column("low", f"Low ({cur}/month)", Kind.MONEY, "Low", 16),
        Column("high", f"High ({cur}/month)", Kind.MONEY, "High", 16),
        Column("next_12_months", f"Next 12 months ({cur})", Kind.MONEY, "Next 12 months", 16),
        Column("headroom", f"Budget headroom ({cur}/month)", Kind.MONEY, "Headroom", 16),
        Column("change", f"Change from base ({cur}/month)", Kind.MONEY, "Change", 16),
    )


@dataclass(frozen=True)
class ScenarioChange:
    """One scenario against the base: each line's and each lever's difference (scenario − base),
    the biggest movers first (planner.domain.comparison.compare)."""

    name: str
    notes: str
    #: (line, base, scenario, change, change fraction), None where a side lacks the line
    lines: tuple[tuple[str, Decimal | None, Decimal | None, Decimal, Decimal | None], ...]
    #: (lever, saving in the base, saving in the scenario, change)
    levers: tuple[tuple[str, Decimal, Decimal, Decimal], ...]
    change: Decimal


@dataclass(frozen=True)
class LongRow:
    """One row of the long-format CSV: one figure of one line (or of the plan) in one month."""

    plan: str
    scenario: str
    group: str
    line: str
    model: str
    month: str
    metric: str
    amount: Decimal
    #: the plan's currency ('' for a count: requests, outcomes)
    currency: str
    revision: int


LONG_HEADERS = ("plan", "scenario", "group", "line", "model", "month", "metric", "amount", "currency",
                "revision")


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
    #: the plan's retry overhead and platform fee (fractions; each its own waterfall step)
    retry_overhead: Decimal
    platform_fee: Decimal
    horizon_months: int
    monthly_growth: Decimal
    yearly_price_trend: Decimal
    forecast: tuple[ForecastRow, ...]
    forecast_total: ForecastRow
    notes: str
    line_notes: tuple[tuple[str, str], ...]
    notices: tuple[str, ...] = field(default=())
    #: who owns the budget, the cost centre it is charged to, how many times it was saved
    owner: str = ""
    cost_centre: str = ""
    revision: int = 0
    #: the budget by line, group and month (expected), with fiscal-year totals
    by_month: ByMonth | None = None
    #: the groups' monthly range and horizon total (one row, "(no group)", when none is named)
    groups: tuple[GroupRow, ...] = ()
    #: the base and each scenario of the plan, and each scenario against the base
    scenarios: tuple[ScenarioRow, ...] = ()
    scenario_changes: tuple[ScenarioChange, ...] = ()
    #: the long-format rows (base and every scenario), built only when asked for
    long_rows: tuple[LongRow, ...] = ()
    #: the fixed monthly add-ons together, and the lines' expected total without them
    #: (planner.domain.summary.Summary.add_ons_total and token_spend)
    add_ons_total: Decimal = ZERO
    token_spend: Decimal = ZERO

    #: each group's savings waterfall, where the plan's lines name groups
    group_waterfall: GroupWaterfall | None = None

    @property
    def revision_text(self) -> str:
        return f"revision {self.revision}"

    @property
    def outcome_rows(self) -> tuple[LineRow, ...]:
        """The lines that name a success rate."""
        return tuple(r for r in self.table.rows if r.outcomes is not None)

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

    def note_lines(self) -> list[str]:
        """The plan's notes, each line's notes and the calculation's notices, as plain lines."""
        out = [p for p in self.notes.splitlines() if p.strip()]
        out += [f"{name}: {note}" for name, note in self.line_notes]
        out += [f"Note: {n}" for n in self.notices]
        return out


# ---------------------------------------------------------------------------------------
# Text helpers shared by the exports (no money arithmetic)


def plain(x: Decimal) -> str:
    """A plain number: no exponent, no thousands separators, '.' decimal, no trailing zeros."""
    if x == 0:
        return "0"
    return format(x.normalize(), "f")


def pct_text(x: Decimal) -> str:
    return f"{plain((x * 100).quantize(Decimal('0.01')).normalize())}%"


def format_exported_at(t: datetime) -> str:
    s = t.strftime("%Y-%m-%d %H:%M")
    tz = t.tzname()
    return f"{s} {tz}" if tz else s


def values(spec: Sequence[Column], row: Any) -> list[Any]:
    """A row's cells in the order of `spec`."""
    return [row.value(c.key) for c in spec]

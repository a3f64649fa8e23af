"""The plan a user fills in: worksheet lines, levers, flat multipliers, forecast, budget, currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from planner.domain.catalog import (
    Fraction,
    ModelPrice,
    describe_validation_error,
)
from planner.domain.currency import is_known
from planner.domain.errors import InputError
from planner.domain.money import ONE, ZERO

#: 2: lines may carry reasoning tokens, a cache TTL, a service tier, an off-peak share, search
#: calls, images and a share of long requests; plans a retry overhead, a platform fee, an owner,
#: a cost centre, a fiscal-year start, a revision and scenarios. A version-1 plan reads as is.
PLAN_SCHEMA_VERSION = 2

#: A non-negative finite count (requests, tokens): averages may be fractional. The ceiling
#: (a trillion) keeps every amount the engine produces well inside its decimal precision.
Count = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), allow_inf_nan=False)]
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class VolumeMode(StrEnum):
    PER_MONTH = "month"
    PER_DAY = "day"


class RouteShare(_Base):
    """A share of a line's billable requests sent to one model."""

    model: str = Field(min_length=1)
    share: Fraction


class CacheTTL(StrEnum):
    FIVE_MINUTES = "5m"
    ONE_HOUR = "1h"


class ServiceTier(StrEnum):
    STANDARD = "standard"
    FLEX = "flex"
    PRIORITY = "priority"


class PromptCache(_Base):
    """Provider prompt caching: a cacheable prefix of `prefix_tokens`, hit `hit_rate` of the time."""

    prefix_tokens: Count = ZERO
    hit_rate: Fraction = ZERO
    #: how long a cached prefix lives: a 1-hour cache is written at the model's 1-hour price
    ttl: CacheTTL = CacheTTL.FIVE_MINUTES


class Line(_Base):
    """One worksheet line: a feature or task, its volume, its tokens per request and its model."""

    name: str = Field(min_length=1, max_length=200)
    #: the team, product or cost centre the line is charged to (totals and exports by group)
    group: str = Field(default="", max_length=200)
    preset: str | None = None
    volume_mode: VolumeMode = VolumeMode.PER_MONTH
    requests: Count = ZERO
    days_per_month: Annotated[Decimal, Field(gt=0, le=31, allow_inf_nan=False)] = Decimal(30)
    input_tokens: Count = ZERO
    output_tokens: Count = ZERO
    model: str = Field(min_length=1)
    routing: list[RouteShare] = Field(default_factory=list)
    prompt_cache: PromptCache = Field(default_factory=PromptCache)
    batch_share: Fraction = ZERO
    response_cache_hit_rate: Fraction = ZERO
    semantic_cache_hit_rate: Fraction = ZERO
    #: reasoning (thinking) tokens per request; None: the model's own estimate, if it has one
    reasoning_tokens: Count | None = None
    service_tier: ServiceTier = ServiceTier.STANDARD
    #: share of requests sent in a model's off-peak hours (at its off-peak prices)
    off_peak_share: Fraction = ZERO
    #: web-search (grounding) calls and input images per request, at the model's fees
    search_calls: Count = ZERO
    images: Count = ZERO
    #: share of requests that are long (`long_input_tokens` of input instead of `input_tokens`)
    long_share: Fraction = ZERO
    long_input_tokens: Count | None = None
    #: a multi-turn line (a chat session, an agent loop): `requests` are sessions, each of
    #: `turns` turns; input_tokens / output_tokens are each turn's new input and output
    turns: Annotated[int, Field(ge=1, le=10_000)] | None = None
    #: the system prompt every turn sends, and the tool or retrieved tokens each turn adds
    system_tokens: Count = ZERO
    added_tokens: Count = ZERO
    #: the history a turn re-sends is cut (truncated or summarized) to this many tokens
    context_cap: Count | None = None
    #: the share of requests (of sessions, for a multi-turn line) that produce the outcome
    success_rate: Fraction | None = None
    outcome: str = Field(default="", max_length=100)
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Line:
        if self.prompt_cache.prefix_tokens > self.input_tokens:
            raise ValueError(
                f"prompt_cache.prefix_tokens ({self.prompt_cache.prefix_tokens}) exceeds "
                f"input_tokens ({self.input_tokens})"
            )
        if self.turns is not None:
            if self.long_share:
                raise ValueError("a multi-turn line sizes each turn itself: it takes no long_share")
            if self.prompt_cache.prefix_tokens:
                raise ValueError("a multi-turn line caches the prefix it re-sends (system prompt and history) "
                                 "itself: leave prompt_cache.prefix_tokens at 0 and set the hit rate")
        if self.long_share and self.long_input_tokens is None:
            raise ValueError("long_share needs long_input_tokens (the input of a long request)")
        if self.long_input_tokens is not None and self.prompt_cache.prefix_tokens > self.long_input_tokens:
            raise ValueError(
                f"prompt_cache.prefix_tokens ({self.prompt_cache.prefix_tokens}) exceeds "
                f"long_input_tokens ({self.long_input_tokens})"
            )
        if self.routing:
            total = sum((r.share for r in self.routing), ZERO)
            if total != ONE:
                raise ValueError(f"routing shares sum to {total * 100:g}%, not 100%")
            models = [r.model for r in self.routing]
            if len(set(models)) != len(models):
                raise ValueError("routing lists a model twice")
        return self

    @property
    def sessions_per_month(self) -> Decimal:
        """Requests per month, or sessions per month for a multi-turn line."""
        if self.volume_mode is VolumeMode.PER_DAY:
            return self.requests * self.days_per_month
        return self.requests

    @property
    def requests_per_month(self) -> Decimal:
        """Billed requests per month: a multi-turn line's sessions × turns (each turn is one)."""
        if self.turns is not None:
            return self.sessions_per_month * self.turns
        return self.sessions_per_month

    @property
    def route(self) -> list[RouteShare]:
        """The routing mix in force: the line's own model alone unless a mix is set."""
        # (built unvalidated: the line's own model id is already valid, and the engine asks
        # for this once per line at every recompute)
        return self.routing or [RouteShare.model_construct(model=self.model, share=ONE)]

    def model_ids(self) -> set[str]:
        return {self.model, *(r.model for r in self.routing)}


class FlatMultiplier(_Base):
    """A lever not modelled line by line: a saving with a low / expected / high estimate."""

    name: str = Field(min_length=1)
    enabled: bool = False
    low: Fraction
    expected: Fraction
    high: Fraction
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> FlatMultiplier:
        if not (self.low <= self.expected <= self.high):
            raise ValueError("savings must satisfy low <= expected <= high")
        return self


class AddOn(_Base):
    """A fixed monthly cost outside the token prices (a vector store, an observability plan,
    a support contract), in the plan's currency. It neither grows with the forecast's volume
    nor follows the price trend, and no lever, overhead or fee applies to it."""

    name: str = Field(min_length=1, max_length=100)
    monthly: Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), allow_inf_nan=False)]
    #: the team, product or cost centre it is charged to, as a line's group
    group: str = Field(default="", max_length=200)
    enabled: bool = True
    note: str = ""


class Forecast(_Base):
    """Month k (0-based) of the horizon: volume x (1+g)^k, prices x (1+p)^(k/12)."""

    horizon_months: int = Field(default=12, ge=1, le=120)
    start_month: date | None = None
    monthly_growth: Annotated[Decimal, Field(ge=-1, le=10, allow_inf_nan=False)] = ZERO
    yearly_price_trend: Annotated[Decimal, Field(gt=-1, le=10, allow_inf_nan=False)] = ZERO


class Currency(_Base):
    """The currency amounts are shown in: 1 USD = `per_usd` units of `code`, as of `rate_date`."""

    code: str = "USD"
    per_usd: Annotated[Decimal, Field(gt=0, le=Decimal("1e6"), allow_inf_nan=False)] = ONE
    rate_date: date | None = None

    @field_validator("code")
    @classmethod
    def _iso_code(cls, v: str) -> str:
        if not is_known(v):
            raise ValueError(f"currency '{v}' is not an ISO 4217 code")
        return v

    @model_validator(mode="after")
    def _usd_is_one(self) -> Currency:
        if self.code == "USD" and self.per_usd != ONE:
            raise ValueError("a USD plan has a rate of 1")
        return self


#: plan-wide fields a scenario may override
SCENARIO_PLAN_FIELDS = ("forecast", "multipliers", "monthly_budget", "batch_discount", "retry_overhead",
                        "platform_fee", "add_ons")


class Scenario(_Base):
    """A named what-if on top of a plan (its base): only the fields it changes, per line (by
    the line's name) and plan-wide; whatever it does not override follows the base."""

    name: str = Field(min_length=1, max_length=100)
    notes: str = ""
    #: line name -> field -> value, for the lines it changes
    lines: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: plan-wide field (SCENARIO_PLAN_FIELDS) -> value
    plan: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_fields(self) -> Scenario:
        for line_name, fields in self.lines.items():
            for f in fields:
                if f not in Line.model_fields or f == "name":
                    raise ValueError(f"scenario '{self.name}': line '{line_name}': '{f}' is not a line field")
        for f in self.plan:
            if f not in SCENARIO_PLAN_FIELDS:
                raise ValueError(f"scenario '{self.name}': '{f}' is not a field a scenario can change "
                                 f"(known: {', '.join(SCENARIO_PLAN_FIELDS)})")
        return self


class Plan(_Base):
    """A monthly-cost plan. Money is computed by `planner.domain.costing`, never stored here."""

    schema_version: Annotated[int, Field(strict=True)] = PLAN_SCHEMA_VERSION
    name: str = Field(default="Untitled plan", min_length=1, max_length=200)
    #: who owns the budget, and the team, product or cost centre it is charged to
    owner: str = Field(default="", max_length=200)
    cost_centre: str = Field(default="", max_length=200)
    #: the month (1-12) the fiscal year starts in
    fiscal_year_start: int = Field(default=1, ge=1, le=12)
    #: unit economics: active users a month (they grow with the forecast's volume), revenue
    #: per user and per outcome (plan currency), and the gross-margin floor to watch
    users: Count | None = None
    revenue_per_user: Money | None = None
    revenue_per_outcome: Money | None = None
    margin_floor: Annotated[Decimal, Field(ge=-10, le=1, allow_inf_nan=False)] | None = None
    #: how many times the plan file was saved: every export prints it
    revision: int = Field(default=0, ge=0)
    notes: str = ""
    lines: list[Line] = Field(default_factory=list)
    multipliers: list[FlatMultiplier] = Field(default_factory=list)
    batch_discount: Fraction = Decimal("0.5")
    #: extra requests from retries and failures, as a share of the requests (0.05 = 5%)
    retry_overhead: Fraction = ZERO
    #: a fee on everything spent (OpenRouter's credit fee, a reseller's margin)
    platform_fee: Fraction = ZERO
    #: fixed monthly costs outside the token prices (each its own waterfall step)
    add_ons: list[AddOn] = Field(default_factory=list)
    forecast: Forecast = Field(default_factory=Forecast)
    monthly_budget: Money | None = None
    currency: Currency = Field(default_factory=Currency)
    #: Prices pinned when the plan was saved: model id -> the model's catalog entry then.
    pinned_prices: dict[str, ModelPrice] = Field(default_factory=dict)
    catalog_as_of: date | None = None
    #: what-ifs on top of this plan (planner.domain.scenarios applies them)
    scenarios: list[Scenario] = Field(default_factory=list)
    #: usage key (a tag, a project, a model) -> the line its actual usage belongs to
    actuals_mapping: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _add_ons_named_once(self) -> Plan:
        seen: set[str] = set()
        for a in self.add_ons:
            if a.name in seen:
                raise ValueError(f"two add-ons are named '{a.name}'")
            seen.add(a.name)
        return self

    @model_validator(mode="after")
    def _scenarios_fit(self) -> Plan:
        if not self.scenarios:
            return self
        names = [ln.name for ln in self.lines]
        seen: set[str] = set()
        for sc in self.scenarios:
            if sc.name in seen:
                raise ValueError(f"two scenarios are named '{sc.name}'")
            seen.add(sc.name)
            for line_name in sc.lines:
                if names.count(line_name) != 1:
                    why = "no line" if line_name not in names else "more than one line"
                    raise ValueError(f"scenario '{sc.name}' changes line '{line_name}', but the plan has {why} "
                                     "of that name")
        return self

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > PLAN_SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is newer than this program understands ({PLAN_SCHEMA_VERSION}); "
                "update Cost Planner to open it"
            )
        if v < 1:
            raise ValueError("schema_version must be at least 1")
        return v

    def model_ids(self) -> set[str]:
        """Every model the plan or one of its scenarios uses (the ones saving pins)."""
        ids: set[str] = set()
        for line in self.lines:
            ids |= line.model_ids()
        for sc in self.scenarios:
            for fields in sc.lines.values():
                if isinstance(fields.get("model"), str):
                    ids.add(fields["model"])
                for route in fields.get("routing") or []:
                    if isinstance(route, dict) and isinstance(route.get("model"), str):
                        ids.add(route["model"])
        return ids

    def enabled_multipliers(self) -> list[FlatMultiplier]:
        return [m for m in self.multipliers if m.enabled]

    def enabled_add_ons(self) -> list[AddOn]:
        return [a for a in self.add_ons if a.enabled]


#: fields a plan file's line must state (the window's new lines start from explicit values)
LINE_REQUIRED = ("name", "requests", "input_tokens", "output_tokens", "model")


def parse_plan(raw: Any, source: str) -> Plan:
    if not isinstance(raw, dict):
        raise InputError(f"{source}: a plan must be a JSON object with a 'lines' list")
    if "lines" in raw and not isinstance(raw["lines"], list):
        raise InputError(f"{source}: field 'lines' must be a list")
    try:
        plan = Plan.model_validate(raw)
    except ValidationError as e:
        raise InputError(describe_validation_error(e, source, raw, id_key="name")) from None
    for i, line in enumerate(raw.get("lines") or []):
        # a line must say what it costs: a missing volume or token count is not a zero
        missing = [f for f in LINE_REQUIRED if f not in line]
        if missing:
            raise InputError(f"{source}: lines[{i}] '{line['name']}': field '{missing[0]}' is missing")
    return migrate(plan)


def migrate(plan: Plan) -> Plan:
    """A plan read from an older file, as this version holds it. Version 1 -> 2 only adds
    fields, whose defaults (no reasoning, standard tier, no fees, overheads or add-ons) cost a
    version-1 plan exactly as before; the plan is then saved as version 2."""
    if plan.schema_version == PLAN_SCHEMA_VERSION:
        return plan
    return plan.model_copy(update={"schema_version": PLAN_SCHEMA_VERSION})

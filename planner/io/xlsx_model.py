"""Which lines the workbook can cost with live formulas, and the engine's own figures for each
line (the values written where a formula cannot follow the engine, and every cached value).

A line is live when it is a single model's requests of fixed size: tokens, reasoning tokens it
states, app-side caches, prompt caching (5-minute cache), batch. Multi-turn sessions, long
requests and long-context prices, service tiers, off-peak hours, reasoning estimates, routing
across models, fees and known price changes keep the engine's amounts as values."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal, localcontext

from planner.domain.catalog import ModelPrice
from planner.domain.costing import LineResult, cost_line, line_context, request_cost
from planner.domain.money import ENGINE_PRECISION, ONE, ZERO
from planner.domain.plan import Line, ServiceTier
from planner.domain.prices import batch_prices, unit_prices
from planner.io.export_sections import Source


@dataclass(frozen=True)
class PerRequest:
    """USD for one request of a live line: no lever, with prompt caching, at batch prices."""

    plain: Decimal
    cached: Decimal
    batched: Decimal


@dataclass(frozen=True)
class LineModel:
    index: int
    line: Line
    model: ModelPrice
    #: why the line's amounts are values ("" when its formulas are live)
    reason: str
    #: the line before the flat multipliers and overheads, in USD a month (the engine's)
    levers: LineResult
    per_request: PerRequest | None

    @property
    def live(self) -> bool:
        return not self.reason


def _value_reasons(line: Line, m: ModelPrice) -> list[str]:
    """What in a line the workbook's formulas do not express."""
    own_only = not line.routing or [r.model for r in line.routing] == [line.model]
    checks = (
        (line.turns is not None, "a multi-turn session"),
        (not own_only, "routed across several models"),
        (bool(line.long_share), "a share of long requests"),
        (unit_prices(m, line.input_tokens).long_context, "long-context prices"),
        (line.service_tier is not ServiceTier.STANDARD, f"the {line.service_tier.value} service tier"),
        (bool(line.off_peak_share), "off-peak hours"),
        (line.reasoning_tokens is None and m.reasoning_estimate is not None and bool(line.output_tokens),
         "a reasoning estimate (a low-high range)"),
        (bool(m.per_request) or (bool(line.search_calls) and m.per_search is not None)
         or (bool(line.images) and m.per_image is not None), "fees per request, search call or image"),
        (bool(line.prompt_cache.prefix_tokens) and m.cache_read is None, "a model with no cache-read price"),
        (bool(line.prompt_cache.prefix_tokens) and line.prompt_cache.ttl.value == "1h", "a 1-hour prompt cache"),
    )
    return [why for hit, why in checks if hit]


def _changes_in_forecast(src: Source, i: int) -> bool:
    """Whether a known price change re-costs line i during the forecast."""
    ln = src.result.lines[i]
    return any(p.lines[i].optimized != ln.optimized or p.lines[i].baseline != ln.baseline
               for p in src.result.periods)


def _per_request(line: Line, m: ModelPrice, batch_discount: Decimal) -> PerRequest:
    std = unit_prices(m, line.input_tokens)
    bat = batch_prices(m, std, batch_discount)
    I, O = line.input_tokens, line.output_tokens
    P, h = line.prompt_cache.prefix_tokens, line.prompt_cache.hit_rate
    T = line.reasoning_tokens or ZERO
    return PerRequest(request_cost(std, I, O, reasoning_tokens=T), request_cost(std, I, O, P, h, T),
                      request_cost(bat, I, O, P, h, T))


def line_models(src: Source) -> list[LineModel]:
    """Each line of the plan: live or values (and why), with the engine's lever chain in USD."""
    plan = src.plan
    with localcontext() as c:
        c.prec = ENGINE_PRECISION
        ctx = line_context(plan, src.catalog)
        bare = dataclasses.replace(ctx, multipliers=(), rate=ONE, retry_overhead=ZERO, platform_fee=ZERO,
                                   expected_factor=ONE)
        out = []
        for i, line in enumerate(plan.lines):
            m = src.model(line.model, f"line {i + 1} '{line.name}'")
            reasons = _value_reasons(line, m)
            if _changes_in_forecast(src, i):
                reasons.append("a known price change during the forecast")
            reason = "; ".join(reasons)
            per = None if reason else _per_request(line, m, plan.batch_discount)
            out.append(LineModel(i, line, m, reason, cost_line(i, line, bare), per))
    return out


"""The exports' sections built from a plan and its result: every figure is the plan summary's.

One builder per section (summary, waterfall, lines, prices used, forecast, notes), each usable
alone; `build_export` puts them together for the CSV, XLSX and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import PlanResult
from planner.domain.errors import InputError
from planner.domain.plan import Plan
from planner.domain.prices import batch_prices, price_lookup, unit_prices
from planner.domain.summary import Summary, fraction_of
from planner.io.export_table import (
    ZERO,
    ExportData,
    ExportTable,
    ForecastRow,
    Kind,
    LineRow,
    ModelRow,
    MultiplierRow,
    SummaryItem,
    TotalRow,
    WaterfallRow,
    format_exported_at,
    line_columns,
    plain,
)


@dataclass(frozen=True)
class Source:
    """What every section is built from: the plan, its prices, its result and its summary."""

    plan: Plan
    catalog: Catalog
    result: PlanResult
    summary: Summary

    @classmethod
    def of(cls, plan: Plan, catalog: Catalog, result: PlanResult) -> Source:
        if len(result.lines) != len(plan.lines):
            raise ValueError("the result does not belong to this plan (line counts differ)")
        return cls(plan, catalog, result, result.summary())

    def model(self, model_id: str, where: str) -> ModelPrice:
        m = price_lookup(self.plan, self.catalog)(model_id)
        if m is None:
            raise InputError(f"{where}: unknown model '{model_id}'")
        return m

    @property
    def currency(self) -> str:
        return self.plan.currency.code


# ---------------------------------------------------------------------------------------
# Lines


def _routing_text(plan_line: Any, lookup: Any) -> str:
    parts = []
    for r in plan_line.route:
        m = lookup(r.model)
        name = m.name if m is not None else r.model
        parts.append(f"{plain((r.share * 100).normalize())}% {name}")
    return "; ".join(parts)


def build_lines(src: Source) -> ExportTable:
    """One row per worksheet line with its prices and levers; the total foots to the cent."""
    plan, sm = src.plan, src.summary
    lookup = price_lookup(plan, src.catalog)
    shares = sm.line_share_pct or (None,) * len(plan.lines)
    rows: list[LineRow] = []
    for i, pl in enumerate(plan.lines):
        own = src.model(pl.model, f"line {i + 1} '{pl.name}'")
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
                baseline=sm.line_baseline[i],
                optimized=sm.line_optimized[i],
                share=None if shares[i] is None else shares[i] / 100,
                notes=pl.notes,
            )
        )
    total = TotalRow(
        label="Total",
        requests=sm.requests,
        baseline=sm.baseline,
        optimized=sm.optimized,
        share=sum(sm.line_share_pct, ZERO) / 100 if sm.line_share_pct else None,
    )
    return ExportTable(line_columns(src.currency), tuple(rows), total)


# ---------------------------------------------------------------------------------------
# Waterfall


def build_waterfall(src: Source) -> tuple[WaterfallRow, ...]:
    """Baseline, one step per lever and multiplier, optimized; the steps foot exactly."""
    sm = src.summary
    base, steps, opt = sm.baseline, sm.waterfall_steps, sm.optimized
    return (
        WaterfallRow("baseline", "Baseline (own model, no levers)", base, "start",
                     fraction_of(base, base)),
        *(WaterfallRow(s.key, s.label, s.saving, "step", fraction_of(s.saving, base))
          for s in steps),
        WaterfallRow("optimized", "Optimized (expected)", opt, "end", fraction_of(opt, base)),
    )


# ---------------------------------------------------------------------------------------
# Prices used (and the cost by model)


def _models_used(src: Source) -> list[str]:
    """The plan's models (own and routed) in order of first use, then any other with a cost."""
    used: list[str] = []
    for pl in src.plan.lines:
        used += [pl.model, *(r.model for r in pl.routing)]
    return list(dict.fromkeys([*used, *src.result.by_model]))


def _model_row(src: Source, m: ModelPrice, spend: Any) -> ModelRow:
    standard = unit_prices(m)
    batch = batch_prices(m, standard, src.plan.batch_discount)
    lc = m.long_context
    return ModelRow(
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
        pinned=m.id in src.plan.pinned_prices,
        monthly=spend.amount if spend else ZERO,
        share=spend.share_fraction if spend else ZERO,
    )


def build_prices_used(src: Source) -> tuple[ModelRow, ...]:
    """Each model the plan uses with the prices in force and its monthly cost (footed)."""
    footed = {s.model_id: s for s in src.summary.by_model}
    return tuple(
        _model_row(src, src.model(mid, "model"), footed.get(mid)) for mid in _models_used(src)
    )


def build_multipliers(src: Source) -> tuple[MultiplierRow, ...]:
    return tuple(
        MultiplierRow(m.name, m.enabled, m.low, m.expected, m.high, m.note)
        for m in src.plan.multipliers
    )


# ---------------------------------------------------------------------------------------
# Forecast


def _forecast_row(m: Any) -> ForecastRow:
    return ForecastRow(label=m.label, requests=m.requests, baseline=m.baseline, low=m.low,
                       expected=m.expected, high=m.high, over_budget=m.over_budget)


def build_forecast(src: Source) -> tuple[tuple[ForecastRow, ...], ForecastRow]:
    """The months (month 1 is the monthly total) and their total."""
    sm = src.summary
    return tuple(_forecast_row(m) for m in sm.forecast), _forecast_row(sm.forecast_total)


# ---------------------------------------------------------------------------------------
# Notes


def build_notes(src: Source) -> tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The plan's notes, each line's (name, notes) where it has any, the calculation's notices."""
    plan = src.plan
    line_notes = tuple((pl.name, pl.notes) for pl in plan.lines if pl.notes.strip())
    return plan.notes, line_notes, tuple(src.result.notices)


# ---------------------------------------------------------------------------------------
# Summary (the headline figures as labelled items)


def _money_items(src: Source, requests: Decimal) -> list[SummaryItem]:
    sm, cur = src.summary, src.currency
    return [
        SummaryItem("requests", "Requests per month", requests, Kind.COUNT),
        SummaryItem("baseline", f"Baseline ({cur}/month)", sm.baseline, Kind.MONEY,
                    "own models, no levers"),
        SummaryItem("monthly_expected", f"Monthly expected ({cur})", sm.optimized, Kind.MONEY,
                    "sum of the lines"),
        SummaryItem("monthly_low", f"Monthly low, best case ({cur})", sm.low, Kind.MONEY,
                    "multipliers at their high savings"),
        SummaryItem("monthly_high", f"Monthly high, worst case ({cur})", sm.high, Kind.MONEY,
                    "multipliers at their low savings"),
        SummaryItem("annual_run_rate", f"Annual run-rate ({cur}, 12 x monthly expected)",
                    sm.annual_run_rate, Kind.MONEY),
        SummaryItem("next_12_months", f"Next 12 months, forecast ({cur})", sm.next_12_months,
                    Kind.MONEY, "growth and price trend included"),
        SummaryItem("savings", f"Savings ({cur}/month)", sm.savings, Kind.MONEY,
                    "baseline - expected"),
        SummaryItem("savings_pct", "Savings (fraction of baseline)", sm.savings_fraction,
                    Kind.SHARE),
        SummaryItem("cost_per_request", f"Cost per request ({cur})", sm.cost_per_request,
                    Kind.UNIT_MONEY),
    ]


def _budget_items(src: Source) -> list[SummaryItem]:
    sm, cur = src.summary, src.currency
    if sm.budget is None:
        return []
    affordable = None if sm.requests_affordable is None else Decimal(sm.requests_affordable)
    return [
        SummaryItem("budget", f"Monthly budget ({cur})", sm.budget, Kind.MONEY),
        SummaryItem("headroom", f"Budget headroom ({cur}/month)", sm.headroom, Kind.MONEY,
                    "budget - expected"),
        SummaryItem("headroom_pct", "Budget headroom (fraction of budget)",
                    sm.headroom_fraction, Kind.SHARE),
        SummaryItem("requests_affordable", "Requests per month the budget buys", affordable,
                    Kind.COUNT, "every line scaled uniformly"),
        SummaryItem("first_month_over", "First forecast month over budget",
                    sm.first_month_over_label or "none", Kind.TEXT),
    ]


def build_summary(src: Source, requests: Decimal, exported_at: datetime) -> tuple[SummaryItem, ...]:
    """The Summary sheet's items: plan, currency, catalog date, the headline figures, budget."""
    plan, cur = src.plan, src.currency
    items = [
        SummaryItem("plan", "Plan", plan.name, Kind.TEXT),
        SummaryItem("exported", "Exported", format_exported_at(exported_at), Kind.TEXT),
        SummaryItem("currency", "Currency", cur, Kind.TEXT),
    ]
    if cur != "USD":
        items += [
            SummaryItem("per_usd", f"Exchange rate ({cur} per USD)", plan.currency.per_usd,
                        Kind.COUNT),
            SummaryItem("rate_date", "Exchange rate date", plan.currency.rate_date, Kind.DATE),
        ]
    items.append(SummaryItem("catalog_as_of", "Catalog prices as of", catalog_as_of(src),
                             Kind.DATE))
    items += _money_items(src, requests) + _budget_items(src)
    months = len(src.summary.forecast)
    items.append(SummaryItem("forecast_total", f"Forecast total, {months} months ({cur})",
                             src.summary.forecast_total.expected, Kind.MONEY,
                             "sum of the monthly expected amounts"))
    return tuple(items)


def catalog_as_of(src: Source) -> date:
    return src.plan.catalog_as_of or src.catalog.as_of


# ---------------------------------------------------------------------------------------


def build_export(
    plan: Plan, catalog: Catalog, result: PlanResult, *, exported_at: datetime
) -> ExportData:
    """Gather every figure the exports show: the sections above, from `result.summary()`."""
    src = Source.of(plan, catalog, result)
    sm = src.summary
    table = build_lines(src)
    forecast, forecast_total = build_forecast(src)
    notes, line_notes, notices = build_notes(src)
    return ExportData(
        plan_name=plan.name,
        exported_at=exported_at,
        currency=src.currency,
        per_usd=plan.currency.per_usd,
        rate_date=plan.currency.rate_date,
        catalog_name=catalog.name,
        catalog_as_of=catalog_as_of(src),
        table=table,
        requests=table.total.requests,
        baseline=sm.baseline,
        monthly_expected=sm.optimized,
        monthly_low=sm.low,
        monthly_high=sm.high,
        annual_run_rate=sm.annual_run_rate,
        next_12_months=sm.next_12_months,
        savings=sm.savings,
        savings_pct=sm.savings_fraction,
        cost_per_request=sm.cost_per_request,
        budget=sm.budget,
        headroom=sm.headroom,
        headroom_pct=sm.headroom_fraction,
        requests_affordable=None if sm.requests_affordable is None else Decimal(sm.requests_affordable),
        first_month_over=sm.first_month_over_label,
        summary=build_summary(src, table.total.requests, exported_at),
        waterfall=build_waterfall(src),
        by_model=build_prices_used(src),
        multipliers=build_multipliers(src),
        batch_discount=plan.batch_discount,
        horizon_months=plan.forecast.horizon_months,
        monthly_growth=plan.forecast.monthly_growth,
        yearly_price_trend=plan.forecast.yearly_price_trend,
        forecast=forecast,
        forecast_total=forecast_total,
        notes=notes,
        line_notes=line_notes,
        notices=notices,
    )

"""The exports' sections built from a plan and its result: every figure is the plan summary's.

One builder per section (summary, waterfall, lines, prices used, forecast, notes), each usable
alone; `build_export` puts them together for the CSV, XLSX and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.comparison import Compared, compare
from planner.domain.costing import PlanResult, compute
from planner.domain.errors import InputError
from planner.domain.money import ONE, ZERO
from planner.domain.plan import Plan
from planner.domain.prices import batch_prices, price_lookup, unit_prices
from planner.domain.scenarios import BASE, apply_scenario
from planner.domain.summary import (
    ADD_ON_TAG,
    NO_GROUP,
    Summary,
    add_months,
    add_on_label,
    budget_by_month,
    fraction_of,
    growth_factor,
)
from planner.formatting import fmt_price
from planner.io.export_table import (
    AddOnRow,
    ByMonth,
    ExportData,
    ExportTable,
    ForecastRow,
    GroupRow,
    GroupWaterfall,
    Kind,
    LineRow,
    LongRow,
    ModelRow,
    MonthRow,
    MultiplierRow,
    ScenarioChange,
    ScenarioRow,
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
    ue = sm.unit_economics
    per_outcome = ue.line_cost_per_outcome if ue is not None else (None,) * len(plan.lines)
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
                group=pl.group,
                low=sm.line_low[i],
                high=sm.line_high[i],
                turns=pl.turns,
                outcome=pl.outcome or "outcome",
                outcomes=src.result.lines[i].outcomes,
                cost_per_outcome=per_outcome[i],
            )
        )
    add_on_shares = sm.add_on_share_pct or (None,) * len(src.result.add_ons)
    add_ons = tuple(
        AddOnRow(a.name, a.group, amount, None if share is None else share / 100,
                 next((x.note for x in plan.add_ons if x.name == a.name), ""))
        for a, amount, share in zip(src.result.add_ons, sm.add_on_amounts, add_on_shares, strict=True)
    )
    total = TotalRow(
        label="Total",
        requests=sm.requests,
        baseline=sm.baseline,
        optimized=sm.optimized,
        share=(sum(sm.line_share_pct, ZERO) + sum(add_on_shares, ZERO)) / 100 if sm.line_share_pct else None,
    )
    return ExportTable(line_columns(src.currency), tuple(rows), total, add_ons)


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
    lc = m.long_context[0] if m.long_context else None
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
        other_prices=other_prices_text(m),
    )


def other_prices_text(m: ModelPrice) -> str:
    """The prices beyond input, output, cache and batch that a model states, in words, as
    the engine uses them (planner.domain.prices): 'reasoning 10 /1M; 1-hour cache write 6 /1M;
    flex 1 / 4 /1M; off-peak 0.14 / 0.21 /1M (16:30-00:30 UTC); 0.01 a search'."""
    parts = [f"above {t.threshold_tokens:,} input tokens {fmt_price(t.input)} / {fmt_price(t.output)} /1M"
             for t in m.long_context[1:]]  # (the first range has columns of its own)
    if m.reasoning is not None:
        parts.append(f"reasoning {fmt_price(m.reasoning)} /1M")
    if m.cache_write_1h is not None:
        parts.append(f"1-hour cache write {fmt_price(m.cache_write_1h)} /1M")
    for tier, p in m.service_tiers.items():
        parts.append(f"{tier} {fmt_price(p.input)} / {fmt_price(p.output)} /1M")
    if m.off_peak is not None:
        when = f" ({m.off_peak.window})" if m.off_peak.window else ""
        parts.append(f"off-peak {fmt_price(m.off_peak.input)} / {fmt_price(m.off_peak.output)} /1M{when}")
    for value, unit in ((m.per_request, "a request"), (m.per_search, "a search"), (m.per_image, "an image")):
        if value is not None:
            parts.append(f"{fmt_price(value)} {unit}")
    return "; ".join(parts)


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
# Budget by month and by group


def _groups(plan: Plan) -> list[str]:
    return [ln.group for ln in plan.lines]


def build_by_month(src: Source) -> ByMonth:
    """Line x month (expected) from the domain's budget table: the lines of each group, the
    group's subtotal (when lines name groups), the total; fiscal-year totals per row."""
    plan = src.plan
    t = src.result.by_month(_groups(plan), plan.fiscal_year_start)
    spans = tuple((fy.first, fy.last) for fy in t.fiscal_years)

    def fiscal(months: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        return tuple(sum(months[a : b + 1], ZERO) for a, b in spans)

    grouped = any(g.strip() for g in _groups(plan))
    rows: list[MonthRow] = []
    groups: list[MonthRow] = []
    for g in t.groups:
        rows += [MonthRow("line", g.name, r.name, r.months, fiscal(r.months))
                 for r in t.lines if (r.group or NO_GROUP) == g.name]
        rows += [MonthRow("line", g.name, add_on_label(r.name), r.months, fiscal(r.months))
                 for r in t.add_ons if (r.group or NO_GROUP) == g.name]
        groups.append(MonthRow("group", g.name, g.name, g.months, fiscal(g.months)))
        if grouped:
            rows.append(groups[-1])
    rows.append(MonthRow("total", "", "Total", t.months, tuple(fy.total for fy in t.fiscal_years)))
    start = plan.forecast.start_month
    return ByMonth(
        labels=t.labels,
        starts=tuple(add_months(start, k) if start else None for k in range(len(t.labels))),
        fiscal_years=tuple(fy.label for fy in t.fiscal_years),
        fiscal_spans=spans,
        rows=tuple(rows),
        groups=tuple(groups),
        grouped=grouped,
    )


def build_groups(src: Source, by_month: ByMonth) -> tuple[GroupRow, ...]:
    """Each group's lines added up (planner.domain.summary.group_summaries): this month's low,
    expected and high, its share, and its total over the horizon."""
    horizon = {g.name: g.total for g in by_month.groups}
    return tuple(
        GroupRow(g.name, Decimal(len(g.lines)), g.low, g.optimized, g.high, horizon[g.name],
                 g.share_pct / 100 if g.share_pct is not None else None)
        for g in src.result.by_group(_groups(src.plan))
    )


def build_group_waterfall(src: Source) -> GroupWaterfall | None:
    """Each group's baseline, steps and expected amount (the domain's group figures), where
    the plan's lines name groups."""
    names = _groups(src.plan)
    if not any(g.strip() for g in names):
        return None
    groups = src.result.by_group(names)
    steps = tuple((s.key, s.label, tuple(g.waterfall_steps[k].saving for g in groups))
                  for k, s in enumerate(src.result.waterfall))
    return GroupWaterfall(tuple(g.name for g in groups), tuple(g.baseline for g in groups), steps,
                          tuple(g.optimized for g in groups))


# ---------------------------------------------------------------------------------------
# Scenarios


@dataclass(frozen=True)
class Costed:
    """The base or one scenario of the plan, costed."""

    label: str
    plan: Plan
    result: PlanResult


def cost_scenarios(src: Source) -> list[Costed]:
    """The base (labelled 'base') and each of the plan's scenarios, costed at the same prices."""
    out = [Costed(BASE, src.plan, src.result)]
    for sc in src.plan.scenarios:
        p = apply_scenario(src.plan, sc.name)
        out.append(Costed(sc.name, p, compute(p, src.catalog)))
    return out


def build_scenarios(src: Source, costed: list[Costed]) -> tuple[tuple[ScenarioRow, ...], tuple[ScenarioChange, ...]]:
    """Base and scenarios side by side, and each scenario against the base (biggest movers first)."""
    if len(costed) < 2:
        return (), ()
    sides = [Compared("Base" if c.label == BASE else c.label, c.plan, c.result.summary()) for c in costed]
    rows: list[ScenarioRow] = []
    changes: list[ScenarioChange] = []
    for i, side in enumerate(sides):
        sm = side.summary
        c = compare([sides[0], side]) if i else None
        rows.append(ScenarioRow(side.label, sm.optimized, sm.low, sm.high, sm.next_12_months, sm.headroom,
                                c.delta_monthly if c else ZERO, c.delta_fraction if c else None))
        if c is None:
            continue
        levers = sorted((lv for lv in c.levers if lv.delta), key=lambda lv: abs(lv.delta), reverse=True)
        changes.append(ScenarioChange(
            name=side.label,
            notes=src.plan.scenarios[i - 1].notes,
            lines=tuple((d.name, d.optimized[0], d.optimized[-1], d.delta, d.delta_fraction) for d in c.lines),
            levers=tuple((lv.label, lv.savings[0], lv.savings[-1], lv.delta) for lv in levers),
            change=c.delta_monthly,
        ))
    return tuple(rows), tuple(changes)


# ---------------------------------------------------------------------------------------
# The long format (one figure a row, for BI tools)

#: the amounts per line and month, as the domain's budget table rounds them (a fixed add-on
#: has no baseline: it is not token spend)
LONG_METRICS = ("baseline", "expected", "low", "high")


def _month_key(start: date | None, k: int) -> str:
    """A month as a BI tool reads it: its first day (2027-01-01), or 'Month 3' undated."""
    return add_months(start, k).isoformat() if start is not None else f"Month {k + 1}"


def _long_for(plan_name: str, c: Costed, revision: int) -> list[LongRow]:
    p, r = c.plan, c.result
    fc, cur = p.forecast, r.currency
    tables = {m: budget_by_month(r, fc, _groups(p), p.fiscal_year_start, which=m) for m in LONG_METRICS}
    months = [_month_key(fc.start_month, k) for k in range(fc.horizon_months)]
    out: list[LongRow] = []

    def row(pl_group: str, line: str, model: str, month: str, metric: str, amount: Decimal, currency: str) -> None:
        out.append(LongRow(plan_name, c.label, pl_group, line, model, month, metric, amount, currency, revision))

    for i, pl in enumerate(p.lines):
        group = pl.group or NO_GROUP
        for k, month in enumerate(months):
            for m in LONG_METRICS:
                row(group, pl.name, pl.model, month, m, tables[m].lines[i].months[k], cur)
            volume = growth_factor(fc.monthly_growth, ZERO, k)
            row(group, pl.name, pl.model, month, "requests", (r.lines[i].requests * volume).quantize(ONE, ROUND_HALF_UP), "")
    for j, a in enumerate(r.add_ons):
        for k, month in enumerate(months):
            for m in LONG_METRICS[1:]:
                row(a.group or NO_GROUP, a.name, ADD_ON_TAG, month, m, tables[m].add_ons[j].months[k], cur)
    ue = r.summary().unit_economics
    if ue is not None:
        for i, pl in enumerate(p.lines):
            if ue.line_cost_per_outcome[i] is not None:
                row(pl.group or NO_GROUP, pl.name, pl.model, months[0], "outcomes", r.lines[i].outcomes, "")
                row(pl.group or NO_GROUP, pl.name, pl.model, months[0], "cost_per_outcome",
                    ue.line_cost_per_outcome[i], cur)
        for metric, amount in (("users", ue.users), ("cost_per_user", ue.cost_per_user),
                               ("revenue", ue.revenue), ("gross_margin", ue.gross_margin)):
            if amount is not None:
                row("", "", "", months[0], metric, amount, "" if metric == "users" else cur)
    return out


def build_long(src: Source, costed: list[Costed]) -> tuple[LongRow, ...]:
    """Every line's baseline, expected, low, high and requests in every month, for the base
    and each scenario; then unit economics (this month) where the plan has them."""
    return tuple(row for c in costed for row in _long_for(src.plan.name, c, src.plan.revision))


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
        *([SummaryItem("add_ons", f"Fixed monthly add-ons ({cur})", sm.add_ons_total, Kind.MONEY,
                       "outside the token prices; the same every month")] if src.result.add_ons else []),
        SummaryItem("monthly_expected", f"Monthly expected ({cur})", sm.optimized, Kind.MONEY,
                    "sum of the lines" + (" and the add-ons" if src.result.add_ons else "")),
        SummaryItem("monthly_low", f"Monthly low, best case ({cur})", sm.low, Kind.MONEY,
                    "multipliers at their high savings"),
        SummaryItem("monthly_high", f"Monthly high, worst case ({cur})", sm.high, Kind.MONEY,
                    "multipliers at their low savings"),
        SummaryItem("annual_run_rate", f"Annual run-rate ({cur}, 12 x monthly expected)",
                    sm.annual_run_rate, Kind.MONEY),
        SummaryItem("next_12_months", f"Next 12 months, forecast ({cur})", sm.next_12_months,
                    Kind.MONEY, "growth and price trend included"),
        SummaryItem("savings", f"Savings ({cur}/month)", sm.savings, Kind.MONEY,
                    "baseline - expected" + (" without the add-ons" if src.result.add_ons else "")),
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
        SummaryItem("owner", "Owner", plan.owner, Kind.TEXT),
        SummaryItem("cost_centre", "Cost centre", plan.cost_centre, Kind.TEXT),
        SummaryItem("revision", "Revision", Decimal(plan.revision), Kind.COUNT,
                    "times the plan file was saved"),
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
    return tuple(items + _economics_items(src))


def _economics_items(src: Source) -> list[SummaryItem]:
    """Users, cost per user, revenue and gross margin (this month), where the plan has them."""
    sm, cur = src.summary, src.currency
    ue = sm.unit_economics
    if ue is None or (ue.users is None and ue.revenue is None):
        return []
    below = ue.first_month_below_floor
    items = [
        SummaryItem("users", "Active users a month", ue.users, Kind.COUNT),
        SummaryItem("cost_per_user", f"Cost per user ({cur}/month)", ue.cost_per_user, Kind.UNIT_MONEY),
        SummaryItem("revenue", f"Revenue ({cur}/month)", ue.revenue, Kind.MONEY),
        SummaryItem("gross_margin", f"Gross margin ({cur}/month)", ue.gross_margin, Kind.MONEY,
                    "revenue - expected"),
        SummaryItem("gross_margin_pct", "Gross margin (fraction of revenue)", ue.gross_margin_fraction,
                    Kind.SHARE),
    ]
    if src.plan.margin_floor is not None:
        items.append(SummaryItem("margin_below_floor", "First forecast month below the margin floor",
                                 sm.forecast[below].label if below is not None else "none", Kind.TEXT))
    return [i for i in items if i.value is not None]


def catalog_as_of(src: Source) -> date:
    return src.plan.catalog_as_of or src.catalog.as_of


# ---------------------------------------------------------------------------------------


def build_export(
    plan: Plan, catalog: Catalog, result: PlanResult, *, exported_at: datetime, long: bool = False
) -> ExportData:
    """Gather every figure the exports show: the sections above, from `result.summary()` (and
    the long-format rows, base and scenarios, when `long`)."""
    src = Source.of(plan, catalog, result)
    sm = src.summary
    table = build_lines(src)
    by_month = build_by_month(src)
    costed = cost_scenarios(src)
    scenarios, changes = build_scenarios(src, costed)
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
        add_ons_total=sm.add_ons_total,
        token_spend=sm.token_spend,
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
        retry_overhead=plan.retry_overhead,
        platform_fee=plan.platform_fee,
        horizon_months=plan.forecast.horizon_months,
        monthly_growth=plan.forecast.monthly_growth,
        yearly_price_trend=plan.forecast.yearly_price_trend,
        forecast=forecast,
        forecast_total=forecast_total,
        notes=notes,
        line_notes=line_notes,
        notices=notices,
        owner=plan.owner,
        cost_centre=plan.cost_centre,
        revision=plan.revision,
        by_month=by_month,
        groups=build_groups(src, by_month),
        group_waterfall=build_group_waterfall(src),
        scenarios=scenarios,
        scenario_changes=changes,
        long_rows=build_long(src, costed) if long else (),
    )

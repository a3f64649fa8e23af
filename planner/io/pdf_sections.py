"""The PDF budget's sections, each a list of blocks: the cover (who, which revision, the
headline figures), summary (by group, range, unit economics, waterfall, cost by model),
assumptions (prices used, levers per line, multipliers), line items, the budget by month
(landscape when wide), charts, forecast, scenarios, notes and the sign-off. Each section
starts a page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from planner.formatting import fmt_int, fmt_price
from planner.io import pdf_budget
from planner.io.export_table import (
    ExportData,
    ModelRow,
    forecast_columns,
    model_cost_columns,
    multiplier_columns,
    price_columns,
    waterfall_columns,
)
from planner.io.pdf_blocks import Chart, Html, Item, esc
from planner.io.pdf_content import H3_SPACE, Fmt, View, heading, multiline, spec_table


def _title(text: str, intro: str = "") -> list[Item]:
    """A section's h2 title (and intro), starting a page."""
    body = f"<h2>{esc(text)}</h2>" + (f'<p class="muted">{intro}</p>' if intro else "")
    return [Html(body, page_break_before=True, keep_with_next=True, splittable=False)]


# ---------------------------------------------------------------------------------------
# Summary


def _kpis(d: ExportData, f: Fmt) -> list[tuple[str, str, str]]:
    savings_note = (
        f"{f.ratio(d.savings_pct)} below the {f.money(d.baseline)} baseline"
        if d.savings_pct is not None
        else "no baseline cost"
    )
    kpis = [
        ("Monthly expected", f.money(d.monthly_expected),
         f"range {f.money(d.monthly_low)} – {f.money(d.monthly_high)}"
         + (f"; {f.money(d.add_ons_total)} of fixed add-ons" if d.table.add_ons else "")),
        ("Annual run-rate", f.money(d.annual_run_rate), "12 × this month's expected"),
        ("Next 12 months", f.money(d.next_12_months), "forecast: growth and price trend included"),
        ("Savings per month", f.money(d.savings), savings_note),
        ("Cost per request", f.small(d.cost_per_request), f"{f.count(d.requests)} requests a month"),
    ]
    if d.budget is not None:
        over = d.first_month_over
        buys = f.count(d.requests_affordable)
        note = (
            f'<span class="warn">forecast exceeds it from {esc(over)}</span>'
            if over
            else f"forecast stays within it for {d.horizon_months} months"
        )
        kpis.append(("Budget headroom", f.money(d.headroom),
                     f"of a {f.money(d.budget)} monthly budget ({f.ratio(d.headroom_pct)}); "
                     f"it buys {buys} requests a month; {note}"))
    else:
        kpis.append(("Forecast total", f.money(d.forecast_total.expected),
                     f"{d.horizon_months} months, expected; no monthly budget set"))
    return kpis


def _kpi_grid(kpis: Sequence[tuple[str, str, str]]) -> str:
    grid = ['<table class="kpi" width="100%" cellspacing="0" cellpadding="0">']
    for i in range(0, len(kpis), 3):
        grid.append("<tr>")
        for j, (label, value, note) in enumerate(kpis[i : i + 3]):
            grid.append(
                f'<td width="{34 if j == 2 else 33}%"><span class="kpilabel">{esc(label.upper())}'
                f'</span><br/><span class="kpivalue">{value}</span><br/>'
                f'<span class="kpinote">{note}</span></td>'
            )
        grid.append("</tr>")
    grid.append("</table>")
    return "".join(grid)


def waterfall(d: ExportData, f: Fmt) -> list[Item]:
    def label(w) -> str:  # noqa: ANN001 - a WaterfallRow
        return f"&#8722; {esc(w.label)}" if w.role == "step" else f"<b>{esc(w.label)}</b>"

    def amount(w) -> str:  # noqa: ANN001
        return f.money(w.amount) if w.role == "step" else f"<b>{f.money(w.amount)}</b>"

    views = [View("label", 62, label), View("amount", 24, amount), View("of_baseline", 14)]
    return [*heading("Savings waterfall"),
            spec_table(waterfall_columns(d.currency), views, d.waterfall, f)]


def cost_by_model(d: ExportData, f: Fmt) -> list[Item]:
    views = [View("name", 40), View("provider", 22), View("monthly", 24), View("share", 14)]
    total = ["Total", "", f.money(d.token_spend),
             f.ratio(Decimal(1)) if d.by_model and d.token_spend else ""]
    intro = "The lines’ cost on each model; the fixed add-ons are not on a model." if d.add_ons_total else ""
    return [*heading("Cost by model", intro),
            spec_table(model_cost_columns(d.currency), views, d.by_model, f, total)]


def _cover_facts(d: ExportData) -> str:
    facts = [
        ("Owner", d.owner or "—"),
        ("Cost centre", d.cost_centre or "—"),
        ("Revision", str(d.revision)),
        ("Date", d.exported_text),
        ("Currency", d.currency_text),
        ("Prices", f"{d.catalog_name}, as of {d.catalog_as_of.isoformat()}"),
    ]
    if d.by_month is not None and d.by_month.labels:
        labels = d.by_month.labels
        facts.append(("Forecast", f"{labels[0]} – {labels[-1]} ({len(labels)} months)"))
    return ('<table class="facts" cellspacing="0" cellpadding="0" style="margin-top: 10px; margin-bottom: 14px;">'
            + "".join(f'<tr><td class="muted">{esc(k)}</td><td>{esc(v)}</td></tr>' for k, v in facts)
            + "</table>")


def cover(d: ExportData, f: Fmt) -> list[Item]:
    """The first page: the plan, who owns it, its revision and date, and the headline figures."""
    top = (
        f"<h1>{esc(d.plan_name)}</h1>"
        f'<p class="sub">LLM cost budget &#183; {esc(d.revision_text)} &#183; '
        f"amounts in {esc(d.currency)} per month unless stated</p>"
        + _cover_facts(d) + _kpi_grid(_kpis(d, f))
    )
    return [Html(top, splittable=False)]


def summary(d: ExportData, f: Fmt) -> list[Item]:
    """The summary: the groups, the range, unit economics, the savings waterfall and the cost
    by model."""
    items: list[Item] = _title("Summary")
    items += pdf_budget.groups(d, f) + pdf_budget.cost_range(d, f) + pdf_budget.unit_economics(d, f)
    items += waterfall(d, f) + cost_by_model(d, f)
    if d.forecast:
        ft, last = d.forecast_total, d.forecast[-1]
        items.append(Html(
            f'<p class="muted" style="margin-top: 14px;">{len(d.forecast)}-month forecast: '
            f"{f.money(ft.expected)} expected (range {f.money(ft.low)} – {f.money(ft.high)}); "
            f"{esc(last.label)} alone {f.money(last.expected)}. Month by month on the forecast "
            "page.</p>"
        ))
    return items


# ---------------------------------------------------------------------------------------
# Assumptions


def _facts(d: ExportData, f: Fmt) -> str:
    facts = [
        ("Price catalog", f"{esc(d.catalog_name)}, prices as of {esc(d.catalog_as_of.isoformat())}"),
        ("Currency", esc(d.currency_text)),
        ("Prices", "USD per 1M tokens; prices pinned in the plan win over the catalog"),
        ("Default batch discount",
         f"{f.rate(d.batch_discount)} (for models without batch prices of their own)"),
        ("Forecast", f"{d.horizon_months} months; volume {f.signed(d.monthly_growth)} a month, "
                     f"prices {f.signed(d.yearly_price_trend)} a year"),
    ]
    if d.retry_overhead:
        facts.append(("Retries and failures", f"{f.rate(d.retry_overhead)} more requests, each costing what its "
                                              "request costs after the levers and multipliers"))
    if d.platform_fee:
        facts.append(("Platform fee", f"{f.rate(d.platform_fee)} on all token spending, retries included "
                                      "(not on the fixed add-ons)"))
    if d.table.add_ons:
        listed = "; ".join(f"{esc(r.name)} {f.money(r.optimized)}" + (f" ({esc(r.group)})" if r.group else "")
                           for r in d.table.add_ons)
        facts.append(("Fixed monthly add-ons", f"{listed}: {f.money(d.add_ons_total)} a month in every month, "
                                               "in the low, expected and high cases alike"))
    return ('<table class="facts" cellspacing="0" cellpadding="0">'
            + "".join(f'<tr><td class="muted">{esc(k)}</td><td>{v}</td></tr>' for k, v in facts)
            + "</table>")


def _source_cell(m: ModelRow) -> str:
    extra = [f"as of {m.as_of.isoformat()}" if m.as_of else "no date"]
    if m.pinned:
        extra.append("pinned in the plan")
    if m.long_context_threshold:
        extra.append(f"above {fmt_int(m.long_context_threshold)} input tokens: "
                     f"{fmt_price(m.long_context_input)} / {fmt_price(m.long_context_output)}")
    if m.other_prices:
        extra.append(m.other_prices)
    return f'{esc(m.source or "—")}<br/><span class="small">{esc("; ".join(extra))}</span>'


def prices_used(d: ExportData, f: Fmt) -> list[Item]:
    """Each model's prices in force (USD per 1M tokens) and where they came from."""
    views = [
        View("name", 19, lambda m: f'{esc(m.name)}<br/><span class="small">{esc(m.id)}</span>'),
        View("input", 6),
        View("output", 8),
        View("cache_read", 6),
        View("cache_write_effective", 6),
        View("batch_input_effective", 6),
        View("batch_output_effective", 10,
             lambda m: f'{f.price(m.batch_output_effective)}<br/><span class="small">'
                       f"{esc(m.batch_text)}</span>"),
        View("source", 39, _source_cell),
    ]
    return [*heading("Prices used (USD per 1M tokens)"),
            spec_table(price_columns(), views, d.by_model, f)]


def levers_per_line(d: ExportData, f: Fmt) -> list[Item]:
    views = [View("name", 20), View("routing", 30), View("cached_prefix", 10),
             View("cache_hit_rate", 10), View("batch_share", 10),
             View("response_cache_hit_rate", 10), View("semantic_cache_hit_rate", 10)]
    return [*heading("Levers per line"), spec_table(d.table.columns, views, d.table.rows, f)]


def multipliers(d: ExportData, f: Fmt) -> list[Item]:
    on = [m for m in d.multipliers if m.enabled]
    off = [m for m in d.multipliers if not m.enabled]
    items: list[Item]
    if on:
        views = [View("name", 30), View("low", 12), View("expected", 12), View("high", 12),
                 View("note", 34)]
        items = [*heading("Flat multipliers",
                          "Savings on every line’s optimized cost, applied one after another: "
                          "expected for the budget, high savings for the best case, low savings "
                          "for the worst case."),
                 spec_table(multiplier_columns(), views, on, f, keep_with_next=bool(off))]
    else:
        items = [Html('<h3>Flat multipliers</h3><p class="muted">None enabled.</p>',
                      space_before=H3_SPACE)]
    if off:
        listed = "; ".join(f"{esc(m.name)} ({f.rate(m.low)}–{f.rate(m.high)})" for m in off)
        items.append(Html(f'<p class="muted" style="margin-top: 6px;">Not applied: {listed}.</p>'))
    return items


def assumptions(d: ExportData, f: Fmt) -> list[Item]:
    items = _title("Assumptions")
    items.append(Html(_facts(d, f), splittable=False))
    return items + prices_used(d, f) + levers_per_line(d, f) + multipliers(d, f)


# ---------------------------------------------------------------------------------------
# Line items, charts, forecast, notes


def lines(d: ExportData, f: Fmt) -> list[Item]:
    cur, t = d.currency, d.table
    intro = (
        f"Monthly cost of each line in {esc(cur)}. Baseline: the line’s own model with no "
        "levers. Optimized: after caches, routing, prompt caching, batch and the enabled "
        "multipliers (expected). Prices and levers per line are on the assumptions page."
    )
    def name(r) -> str:  # noqa: ANN001 - a LineRow or an AddOnRow
        turns = f'<br/><span class="small">{r.turns} turns a session</span>' if r.value("turns") else ""
        return esc(r.name) + turns

    views = [View("name", 21, name), View("model_name", 17), View("requests", 11),
             View("input_tokens", 8), View("output_tokens", 8), View("baseline", 13),
             View("optimized", 13), View("share", 9)]
    n, a = len(t.rows), len(t.add_ons)
    count = f"{n} line{'s' if n != 1 else ''}" + (f", {a} add-on{'s' if a != 1 else ''}" if a else "")
    if a:
        intro += (" Fixed monthly add-ons are costs outside the token prices: the same amount every month, "
                  "with no baseline and no lever.")
    total = ["Total", count, f.count(t.total.requests), "", "",
             f.money(t.total.baseline), f.money(t.total.optimized),
             f.ratio(t.total.share) if t.total.share else ""]
    return [*_title("Line items", intro), spec_table(t.columns, views, t.all_rows, f, total)]


def charts(images: Sequence[Chart]) -> list[Item]:
    if not images:
        return []
    return [*_title("Charts"), *images]


def forecast(d: ExportData, f: Fmt) -> list[Item]:
    intro = (
        f"Volume {f.signed(d.monthly_growth)} a month, prices {f.signed(d.yearly_price_trend)} "
        "a year (pro rata each month). Low and high: the multipliers’ best and worst cases."
    )
    if d.budget is not None:
        intro += f" Months marked ▲ exceed the {f.money(d.budget)} monthly budget."

    def month(m) -> str:  # noqa: ANN001 - a ForecastRow
        return esc(m.label) + (' <span class="warn">▲</span>' if m.over_budget else "")

    def expected(m) -> str:  # noqa: ANN001
        money = f.money(m.expected)
        return f'<span class="warn">{money}</span>' if m.over_budget else money

    views = [View("label", 20, month), View("requests", 16), View("baseline", 16),
             View("low", 16), View("expected", 16, expected), View("high", 16)]
    ft = d.forecast_total
    total = ["Total", f.count(ft.requests), f.money(ft.baseline), f.money(ft.low),
             f.money(ft.expected), f.money(ft.high)]
    table = spec_table(forecast_columns(d.currency), views, d.forecast, f, total)
    return [*_title("Month-by-month forecast", intro), table]


def notes(d: ExportData) -> list[Item]:
    """The plan's notes, each line's notes and the calculation's notices (after the forecast)."""
    if not (d.notes.strip() or d.line_notes or d.notices):
        return []
    items: list[Item] = [
        Html("<h3>Notes</h3>", keep_with_next=True, splittable=False, space_before=H3_SPACE)
    ]
    if d.notes.strip():
        items.append(Html(f"<p>{multiline(d.notes)}</p>"))
    items += [Html(f"<p><b>{esc(name)}:</b> {multiline(note)}</p>") for name, note in d.line_notes]
    if d.notices:
        items.append(Html(
            '<p class="muted" style="margin-top: 6px; margin-bottom: 2px;"><b>From the '
            "calculation</b></p><ul>" + "".join(f"<li>{esc(n)}</li>" for n in d.notices)
            + "</ul>"
        ))
    return items


@dataclass(frozen=True)
class Part:
    """Consecutive sections on pages of one orientation."""

    landscape: bool
    items: list[Item]


def document(d: ExportData, images: Sequence[Chart] = (), extra: Sequence[Item] = ()) -> list[Part]:
    """The whole budget: every section in order, the budget by month on landscape pages when
    twelve months or more go across; `extra` (plan versus actual) after the scenarios."""
    f = Fmt(d.currency)
    months = pdf_budget.by_month(d, f)
    tail = (charts(images) + forecast(d, f) + pdf_budget.scenarios(d, f) + list(extra) + notes(d)
            + pdf_budget.sign_off(d))
    head = cover(d, f) + summary(d, f) + assumptions(d, f) + lines(d, f)
    if pdf_budget.landscape(d):
        parts = [Part(False, head), Part(True, months), Part(False, tail)]
    else:
        parts = [Part(False, head + months + tail)]
    return [p for p in parts if p.items]

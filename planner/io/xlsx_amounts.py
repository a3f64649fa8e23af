"""The workbook's amounts as formulas over the Inputs sheet: Workings (each line's cost per
request and after each lever, in USD), Plan (each line a month, in the plan's currency), By
month (line × month of the forecast) and Forecast (the months' totals). Each formula caches
the app's own figure; a line the formulas cannot follow carries the engine's amounts as values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xlsxwriter.worksheet import Worksheet

from planner.domain.costing import APP_CACHE, BATCH, OFF_PEAK, PROMPT_CACHE, ROUTING, SERVICE_TIER
from planner.domain.currency import minor_digits
from planner.domain.money import HUNDRED, ZERO
from planner.domain.summary import ADD_ON_TAG, growth_factor
from planner.io.export_sections import Source
from planner.io.export_table import ExportData, Kind
from planner.io.xlsx_cells import (
    Formats,
    foot_to_formulas,
    formula,
    headers,
    ref,
    rounded,
    span,
    write,
)
from planner.io.xlsx_inputs import InputRefs
from planner.io.xlsx_model import LineModel

WORKINGS, PLAN, BY_MONTH, FORECAST = "Workings", "Plan", "By month", "Forecast"

#: Workings: the prices a line reads from the model table (by the model's row), then the
#: per-request costs, the billable requests and the amounts after each lever (USD a month)
PRICE_KEYS = ("input", "output", "reasoning", "cache_read", "cache_write", "batch_input", "batch_output",
              "batch_cache_read", "batch_cache_write", "batch_reasoning")
W_PRICE = 2
W_PLAIN, W_CACHED, W_BATCHED, W_BILLABLE = 12, 13, 14, 15
W_BASE = 16
W_STEPS = (APP_CACHE, ROUTING, PROMPT_CACHE, BATCH, SERVICE_TIER, OFF_PEAK)
W_AFTER = {key: W_BASE + 1 + k for k, key in enumerate(W_STEPS)}
W_LOW, W_HIGH, W_HOW = 23, 24, 25

#: Plan: shown (rounded) amounts, then the unrounded working columns and the share's footing
P_REQ, P_BASE, P_OPT, P_LOW, P_HIGH, P_SAVE, P_SHARE, P_HOW = 3, 4, 5, 6, 7, 8, 9, 10
P_RAW = {"baseline": 11, "optimized": 12, "low": 13, "high": 14}
P_SHARE_RAW, P_SHARE_FLOOR, P_SHARE_REM = 15, 16, 17


@dataclass
class Layout:
    """Where the amounts are, for the sheets that add them up."""

    currency: str
    places: int
    plan_rows: list[int] = field(default_factory=list)
    #: the fixed add-ons' rows, right below the lines (inside the total's SUM)
    add_on_rows: list[int] = field(default_factory=list)
    plan_total: int = 1
    #: By month: the growth-factor row, the total row, the first month's column
    factor_row: int = 1
    month_total_row: int = 2
    first_month_col: int = 2
    forecast_rows: list[int] = field(default_factory=list)
    forecast_total: int = 1
    #: whether a known price change makes the forecast's baseline, low and high values
    dated: bool = False

    def plan_range(self, col: int) -> str:
        return span(PLAN, self.plan_rows[0], self.plan_rows[-1], col)

    def plan_total_ref(self, col: int) -> str:
        return ref(PLAN, self.plan_total, col)

    def add_ons_sum(self, col: int) -> str:
        """The add-ons' cells of a Plan column added up ("0" when the plan has none)."""
        if not self.add_on_rows:
            return "0"
        return f"SUM({span(PLAN, self.add_on_rows[0], self.add_on_rows[-1], col)})"


# ---------------------------------------------------------------------------------------
# Workings


def _working_line(ws: Worksheet, row: int, lm: LineModel, i: int, refs: InputRefs, fmts: Formats) -> None:
    """One live line: its model's prices, cost per request, and the amounts after each lever."""
    def x(key: str) -> str:
        return refs.line(i, key)

    R, I, O, T, P, h = x("requests"), x("input"), x("output"), x("reasoning"), x("prefix"), x("hit_rate")
    formula(ws, row, 1, f"MATCH({x('model')},{refs.models('id')},0)",
            refs.model_index[lm.model.id] + 1, fmts.get(Kind.COUNT))
    per, lv = lm.per_request, lm.levers
    assert per is not None
    for k, key in enumerate(PRICE_KEYS):
        formula(ws, row, W_PRICE + k, f"INDEX({refs.models(key)},{ref(None, row, 1)})",
                refs.model_prices[lm.model.id][key], fmts.get(Kind.PRICE))
    p = {key: ref(None, row, W_PRICE + k, False) for k, key in enumerate(PRICE_KEYS)}
    out = f"{O}*{p['output']}+{T}*{p['reasoning']}"
    b_out = f"{O}*{p['batch_output']}+{T}*{p['batch_reasoning']}"
    plain_, cached_, batched_ = (ref(None, row, c, False) for c in (W_PLAIN, W_CACHED, W_BATCHED))
    unit = fmts.get(Kind.PRICE)
    formula(ws, row, W_PLAIN, f"({I}*{p['input']}+{out})/1000000", per.plain, unit)
    formula(ws, row, W_CACHED, f"IF({P}>0,(({I}-{P})*{p['input']}+{P}*({h}*{p['cache_read']}+(1-{h})*"
            f"{p['cache_write']})+{out})/1000000,{plain_})", per.cached, unit)
    formula(ws, row, W_BATCHED, f"IF({P}>0,(({I}-{P})*{p['batch_input']}+{P}*({h}*{p['batch_cache_read']}"
            f"+(1-{h})*{p['batch_cache_write']})+{b_out})/1000000,({I}*{p['batch_input']}+{b_out})/1000000)",
            per.batched, unit)
    billable = ref(None, row, W_BILLABLE, False)
    formula(ws, row, W_BILLABLE, f"{R}*(1-{x('response_cache')})*(1-{x('semantic_cache')})",
            lv.billable_requests, fmts.get(Kind.COUNT, fractional=True))
    usd = fmts.get(Kind.PRICE)
    b = x("batch")
    texts = {
        "base": f"{R}*{plain_}",
        APP_CACHE: f"{billable}*{plain_}",
        ROUTING: ref(None, row, W_AFTER[APP_CACHE], False),
        PROMPT_CACHE: f"{billable}*{cached_}",
        BATCH: f"{billable}*((1-{b})*{cached_}+{b}*{batched_})",
        SERVICE_TIER: ref(None, row, W_AFTER[BATCH], False),
        OFF_PEAK: ref(None, row, W_AFTER[SERVICE_TIER], False),
    }
    formula(ws, row, W_BASE, texts["base"], lv.baseline, usd)
    for key in W_STEPS:
        formula(ws, row, W_AFTER[key], texts[key], lv.after[key], usd)
    end = ref(None, row, W_AFTER[OFF_PEAK], False)
    formula(ws, row, W_LOW, end, lv.optimized_low, usd)
    formula(ws, row, W_HIGH, end, lv.optimized_high, usd)


def _value_line(ws: Worksheet, row: int, lm: LineModel, fmts: Formats) -> None:
    lv = lm.levers
    usd = fmts.get(Kind.PRICE)
    write(ws, row, W_BASE, lv.baseline, Kind.PRICE, fmts)
    for key in W_STEPS:
        write(ws, row, W_AFTER[key], lv.after[key], Kind.PRICE, fmts)
    ws.write_number(row, W_LOW, float(lv.optimized_low), usd)
    ws.write_number(row, W_HIGH, float(lv.optimized_high), usd)


def workings_sheet(ws: Worksheet, lines: Sequence[LineModel], refs: InputRefs, fmts: Formats) -> None:
    ws.write_string(0, 0, "Workings: each line in USD before the flat multipliers and overheads (per request, "
                    "then a month after each lever); a line costed as values shows the engine's amounts",
                    fmts.note)
    names = ["Line", "Model row", *(f"{k.replace('_', ' ').capitalize()} (USD/1M)" for k in PRICE_KEYS),
             "USD/request, no levers", "USD/request, prompt caching", "USD/request, batch",
             "Billable requests/month", "Baseline (USD/month)", "After app-side caches", "After routing",
             "After prompt caching", "After batch", "After service tier", "After off-peak hours",
             "Best case (USD/month)", "Worst case (USD/month)", "How costed"]
    headers(ws, 1, names, fmts.header)
    ws.set_row(1, 42)
    for i, lm in enumerate(lines):
        row = 2 + i
        formula(ws, row, 0, refs.line(i, "name"), lm.line.name, fmts.label)
        if lm.live:
            _working_line(ws, row, lm, i, refs, fmts)
        else:
            _value_line(ws, row, lm, fmts)
        ws.write_string(row, W_HOW, "formulas" if lm.live else f"values: {lm.reason}", fmts.note)
    ws.set_column(0, 0, 28)
    ws.set_column(1, W_HIGH, 12)
    ws.set_column(W_HOW, W_HOW, 50)
    ws.freeze_panes(2, 1)


# ---------------------------------------------------------------------------------------
# Plan


def _plan_line(ws: Worksheet, row: int, i: int, lm: LineModel, src: Source, refs: InputRefs, lay: Layout,
               fmts: Formats) -> None:
    sm, res = src.summary, src.result.lines[i]
    s, f = refs.settings, refs.factors
    wrow = 2 + i
    text = fmts.label
    formula(ws, row, 0, refs.line(i, "name"), lm.line.name, text)
    formula(ws, row, 1, f"{refs.line(i, 'group')}&\"\"", lm.line.group, text)
    formula(ws, row, 2, refs.line(i, "model"), lm.line.model, text)
    formula(ws, row, P_REQ, refs.line(i, "requests"), res.requests,
            fmts.get(Kind.COUNT, fractional=res.requests != res.requests.to_integral_value()))
    raw = {
        "baseline": (f"{ref(WORKINGS, wrow, W_BASE)}*{s['rate']}", res.baseline),
        "optimized": (f"{ref(WORKINGS, wrow, W_AFTER[OFF_PEAK])}*{s['rate']}*{f['expected']}*{s['overheads']}",
                      res.optimized),
        "low": (f"{ref(WORKINGS, wrow, W_LOW)}*{s['rate']}*{f['high']}*{s['overheads']}", res.optimized_low),
        "high": (f"{ref(WORKINGS, wrow, W_HIGH)}*{s['rate']}*{f['low']}*{s['overheads']}", res.optimized_high),
    }
    work = fmts.get(Kind.COUNT, fractional=True)
    shown = dict(zip(("baseline", "optimized", "low", "high"),
                     (sm.line_baseline[i], sm.line_optimized[i], sm.line_low[i], sm.line_high[i]), strict=True))
    money_fmt = fmts.get(Kind.MONEY)
    for key, (expr, value) in raw.items():
        formula(ws, row, P_RAW[key], expr, value, work)
        col = {"baseline": P_BASE, "optimized": P_OPT, "low": P_LOW, "high": P_HIGH}[key]
        formula(ws, row, col, rounded(ref(None, row, P_RAW[key], False), lay.places), shown[key], money_fmt)
    formula(ws, row, P_SAVE, f"{ref(None, row, P_BASE, False)}-{ref(None, row, P_OPT, False)}",
            sm.line_baseline[i] - sm.line_optimized[i], money_fmt)
    ws.write_string(row, P_HOW, "formulas" if lm.live else f"values: {lm.reason}", fmts.note)
    if not lm.live:
        ws.write_comment(row, 0, f"Costed as values (the app's figures): {lm.reason}. The currency rate, "
                         "the flat multipliers and the overheads still apply by formula.",
                         {"x_scale": 2, "y_scale": 1.5})


def _plan_add_on(ws: Worksheet, row: int, j: int, src: Source, refs: InputRefs, lay: Layout, fmts: Formats) -> None:
    """A fixed add-on: its amount from the Inputs sheet in the expected, low and high columns
    (no requests, no baseline, no saving)."""
    a, amount = src.result.add_ons[j], src.summary.add_on_amounts[j]
    formula(ws, row, 0, refs.add_on(j, "name"), a.name, fmts.label)
    formula(ws, row, 1, f"{refs.add_on(j, 'group')}&\"\"", a.group, fmts.label)
    ws.write_string(row, 2, ADD_ON_TAG, fmts.label)
    work, money_fmt = fmts.get(Kind.COUNT, fractional=True), fmts.get(Kind.MONEY)
    for key, col in (("optimized", P_OPT), ("low", P_LOW), ("high", P_HIGH)):
        formula(ws, row, P_RAW[key], refs.add_on(j, "monthly"), a.monthly, work)
        formula(ws, row, col, rounded(ref(None, row, P_RAW[key], False), lay.places), amount, money_fmt)
    ws.write_string(row, P_HOW, "a fixed amount a month (Inputs)", fmts.note)


def plan_sheet(ws: Worksheet, src: Source, lines: Sequence[LineModel], refs: InputRefs, lay: Layout,
               fmts: Formats) -> None:
    cur = lay.currency
    names = ["Line", "Group", "Model ID", "Requests/month", f"Baseline ({cur}/month)",
             f"Optimized, expected ({cur}/month)", f"Low, best case ({cur}/month)",
             f"High, worst case ({cur}/month)", f"Savings ({cur}/month)", "Share of expected", "How costed"]
    headers(ws, 0, names, fmts.header)
    headers(ws, 0, ["Baseline, unrounded", "Expected, unrounded", "Low, unrounded", "High, unrounded",
                    "Share % unrounded", "Share % floor", "Share % remainder"], fmts.working_header, P_RAW["baseline"])
    ws.set_row(0, 42)
    for i, lm in enumerate(lines):
        row = 1 + i
        lay.plan_rows.append(row)
        _plan_line(ws, row, i, lm, src, refs, lay, fmts)
    for j in range(len(src.result.add_ons)):
        row = 1 + len(lines) + j
        lay.add_on_rows.append(row)
        _plan_add_on(ws, row, j, src, refs, lay, fmts)
    lay.plan_total = 1 + len(lines) + len(lay.add_on_rows)
    _plan_total(ws, src, lay, fmts)
    _plan_shares(ws, src, lay, fmts)
    for c, w in enumerate((28, 14, 30, 13, 15, 15, 15, 15, 15, 11, 44, 14, 14, 14, 14, 12, 12, 12)):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 1)


def _plan_total(ws: Worksheet, src: Source, lay: Layout, fmts: Formats) -> None:
    sm, res = src.summary, src.result
    row = lay.plan_total
    ws.write_string(row, 0, "Total", fmts.get(Kind.TEXT, True))
    for c in (1, 2, P_HOW):
        ws.write_blank(row, c, None, fmts.get(Kind.TEXT, True))
    shares = sum(sm.line_share_pct, ZERO) + sum(sm.add_on_share_pct or (), ZERO) if sm.line_share_pct else None
    values = {P_REQ: (res.requests, Kind.COUNT), P_BASE: (sm.baseline, Kind.MONEY),
              P_OPT: (sm.optimized, Kind.MONEY), P_LOW: (sm.low, Kind.MONEY), P_HIGH: (sm.high, Kind.MONEY),
              P_SAVE: (sm.savings, Kind.MONEY),
              P_SHARE: (shares / HUNDRED if shares is not None else None, Kind.SHARE)}
    raw_totals = {"baseline": res.baseline, "optimized": res.optimized, "low": res.optimized_low,
                  "high": res.optimized_high}
    for key, col in P_RAW.items():
        values[col] = (raw_totals[key], Kind.COUNT)
    for col, (value, kind) in values.items():
        fmt = fmts.get(kind, True, fractional=kind is Kind.COUNT and col != P_REQ)
        if lay.plan_rows:
            formula(ws, row, col, f"SUM({span(None, 1, row - 1, col)})", value, fmt)
        else:
            write(ws, row, col, value or ZERO, kind, fmts, total=True)


def _plan_shares(ws: Worksheet, src: Source, lay: Layout, fmts: Formats) -> None:
    """Each line's share of the expected total, footed to exactly 100% (as the app shows it)."""
    pct = src.summary.line_share_pct
    if not lay.plan_rows or pct is None:
        return
    total = lay.plan_total_ref(P_RAW["optimized"])
    res = src.result
    amounts = [ln.optimized for ln in res.lines] + [a.monthly for a in res.add_ons]
    raws = []
    rows = lay.plan_rows + lay.add_on_rows
    for row, amount in zip(rows, amounts, strict=True):
        raw = amount / res.optimized * HUNDRED
        raws.append(raw)
        formula(ws, row, P_SHARE_RAW, f"{ref(None, row, P_RAW['optimized'], False)}/{total}*100", raw,
                fmts.get(Kind.COUNT, fractional=True))
    foot_to_formulas(ws, rows, (P_SHARE, P_SHARE_FLOOR, P_SHARE_REM), lay.plan_total, "100",
                     Decimal("0.01"), raws,
                     (*pct, *(src.summary.add_on_share_pct or ())), fmts, Kind.SHARE, scale=100)


# ---------------------------------------------------------------------------------------
# By month and Forecast


def month_factor(refs: InputRefs, k: int) -> str:
    """Month k's cost factor as a formula: (1 + growth)^k × (1 + trend)^(k/12)."""
    s = refs.settings
    return f"(1+{s['growth']})^{k}*(1+{s['trend']})^({k}/12)"


def by_month_sheet(ws: Worksheet, src: Source, lines: Sequence[LineModel], refs: InputRefs, lay: Layout,
                   fmts: Formats) -> None:
    fc = src.plan.forecast
    groups = [ln.group for ln in src.plan.lines]
    table = src.result.by_month(groups, src.plan.fiscal_year_start)
    n = fc.horizon_months
    c0 = lay.first_month_col
    headers(ws, 0, ["Line", "Group", *table.labels, "Total"], fmts.header)
    ws.write_string(1, 0, "Cost factor: (1 + growth)^k × (1 + price trend)^(k/12)", fmts.note)
    for k in range(n):
        formula(ws, 1, c0 + k, month_factor(refs, k),
                growth_factor(fc.monthly_growth, fc.yearly_price_trend, k), fmts.get(Kind.COUNT, fractional=True))
    money_fmt = fmts.get(Kind.MONEY)
    for i, (lm, row_amounts) in enumerate(zip(lines, table.lines, strict=True)):
        row = 2 + i
        formula(ws, row, 0, ref(PLAN, lay.plan_rows[i], 0), lm.line.name, fmts.label)
        formula(ws, row, 1, ref(PLAN, lay.plan_rows[i], 1), lm.line.group, fmts.label)
        dated = "known price change" in lm.reason
        for k, amount in enumerate(row_amounts.months):
            if dated:
                write(ws, row, c0 + k, amount, Kind.MONEY, fmts)
            else:
                expr = f"{ref(PLAN, lay.plan_rows[i], P_RAW['optimized'])}*{ref(None, 1, c0 + k)}"
                formula(ws, row, c0 + k, rounded(expr, lay.places), amount, money_fmt)
        formula(ws, row, c0 + n, f"SUM({_row_span(row, c0, c0 + n - 1)})", row_amounts.total, money_fmt)
    for j, (plan_row, row_amounts) in enumerate(zip(lay.add_on_rows, table.add_ons, strict=True)):
        row = 2 + len(lines) + j
        formula(ws, row, 0, ref(PLAN, plan_row, 0), row_amounts.name, fmts.label)
        formula(ws, row, 1, ref(PLAN, plan_row, 1), row_amounts.group, fmts.label)
        for k, amount in enumerate(row_amounts.months):
            formula(ws, row, c0 + k, ref(PLAN, plan_row, P_OPT), amount, money_fmt)
        formula(ws, row, c0 + n, f"SUM({_row_span(row, c0, c0 + n - 1)})", row_amounts.total, money_fmt)
    n_rows = len(lines) + len(lay.add_on_rows)
    lay.factor_row, lay.month_total_row = 1, 2 + n_rows
    _month_totals(ws, lay, [*table.months, table.total], n_rows, fmts)
    _groups(ws, lay.month_total_row + 2, table, n_rows, lay, fmts)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 14)
    ws.set_column(c0, c0 + n, 13)
    ws.freeze_panes(2, 2)


def _row_span(row: int, first_col: int, last_col: int) -> str:
    return f"{ref(None, row, first_col)}:{ref(None, row, last_col)}"


def _month_totals(ws: Worksheet, lay: Layout, totals: Sequence[Decimal], n_lines: int, fmts: Formats) -> None:
    row = lay.month_total_row
    ws.write_string(row, 0, "Total", fmts.get(Kind.TEXT, True))
    ws.write_blank(row, 1, None, fmts.get(Kind.TEXT, True))
    for k, value in enumerate(totals):
        c = lay.first_month_col + k
        if n_lines:
            formula(ws, row, c, f"SUM({span(None, 2, row - 1, c)})", value, fmts.get(Kind.MONEY, True))
        else:
            write(ws, row, c, value, Kind.MONEY, fmts, total=True)


def _groups(ws: Worksheet, row: int, table, n_lines: int, lay: Layout, fmts: Formats) -> None:
    """The months by group (the lines of each group added up), where the plan names groups."""
    if not any(g.name and g.name != "(no group)" for g in table.groups) or not n_lines:
        return
    ws.write_string(row, 0, "By group", fmts.section)
    c0 = lay.first_month_col
    for j, g in enumerate(table.groups):
        r = row + 1 + j
        ws.write_string(r, 0, g.name, fmts.label)
        key = "" if g.name == "(no group)" else g.name
        ws.write_string(r, 1, key, fmts.label)
        for k, value in enumerate([*g.months, g.total]):
            c = c0 + k
            # EXACT, not SUMIF: a group called 'Ops*' or '>5' is not a pattern, 'ops' is not 'Ops'
            formula(ws, r, c, f"SUMPRODUCT(EXACT({span(None, 2, 1 + n_lines, 1)},{ref(None, r, 1)})*"
                    f"{span(None, 2, 1 + n_lines, c)})", value, fmts.get(Kind.MONEY))


def forecast_sheet(ws: Worksheet, src: Source, data: ExportData, refs: InputRefs, lay: Layout,
                   fmts: Formats) -> None:
    cur = lay.currency
    headers(ws, 0, ["Month", "Requests", f"Baseline ({cur})", f"Low ({cur})", f"Expected ({cur})",
                    f"High ({cur})", "Over budget"], fmts.header)
    ws.set_row(0, 30)
    lay.dated = bool(src.result.periods)
    money_fmt = fmts.get(Kind.MONEY)
    budget = refs.settings["budget"]
    for k, m in enumerate(data.forecast):
        row = 1 + k
        lay.forecast_rows.append(row)
        ws.write_string(row, 0, m.label, fmts.label)
        growth = f"(1+{refs.settings['growth']})^{k}"
        if lay.plan_rows:
            formula(ws, row, 1, f"ROUND({lay.plan_total_ref(P_REQ)}*{growth},0)", m.requests, fmts.get(Kind.COUNT))
        else:
            write(ws, row, 1, m.requests, Kind.COUNT, fmts)
        for col, key, value in ((2, "baseline", m.baseline), (3, "low", m.low), (5, "high", m.high)):
            if lay.dated or not lay.plan_rows:
                write(ws, row, col, value, Kind.MONEY, fmts)
            else:
                text = month_sum(lay, key, ref(BY_MONTH, lay.factor_row, lay.first_month_col + k))
                if key != "baseline" and lay.add_on_rows:
                    text += f"+{lay.add_ons_sum(P_LOW if key == 'low' else P_HIGH)}"
                formula(ws, row, col, text, value, money_fmt)
        formula(ws, row, 4, ref(BY_MONTH, lay.month_total_row, lay.first_month_col + k), m.expected, money_fmt)
        formula(ws, row, 6, f"IF(ISNUMBER({budget}),IF({ref(None, row, 4)}>{budget},\"yes\",\"\"),\"\")",
                m.over_budget_text, fmts.label)
    lay.forecast_total = 1 + len(data.forecast)
    row = lay.forecast_total
    t = data.forecast_total
    ws.write_string(row, 0, "Total", fmts.get(Kind.TEXT, True))
    for col, value, kind in ((1, t.requests, Kind.COUNT), (2, t.baseline, Kind.MONEY), (3, t.low, Kind.MONEY),
                             (4, t.expected, Kind.MONEY), (5, t.high, Kind.MONEY)):
        formula(ws, row, col, f"SUM({span(None, 1, row - 1, col)})", value, fmts.get(kind, True))
    ws.write_blank(row, 6, None, fmts.get(Kind.TEXT, True))
    for c, w in enumerate((16, 14, 15, 15, 15, 15, 11)):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 1)


def month_sum(lay: Layout, key: str, factor: str) -> str:
    """A month's total of one amount: each line's unrounded amount × the month's factor,
    rounded once, added up."""
    return f"SUMPRODUCT({rounded(f'{lay.plan_range(P_RAW[key])}*{factor}', lay.places)})"


def layout(src: Source) -> Layout:
    return Layout(src.currency, minor_digits(src.currency))


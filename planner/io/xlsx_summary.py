"""The Summary sheet: the headline figures, the savings waterfall and the cost by model as
formulas over the Plan, Forecast and Inputs sheets (each caching the app's figure), the lines
costed as values and why, and the plan's notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from planner.domain.costing import ADD_ON, APP_CACHE, OFF_PEAK, PLATFORM_FEE, RETRY
from planner.domain.currency import quantum as currency_quantum
from planner.domain.money import ZERO
from planner.domain.summary import fraction_of
from planner.io.export_sections import Source
from planner.io.export_table import ExportData, Kind, SummaryItem
from planner.io.xlsx_amounts import (
    FORECAST,
    P_BASE,
    P_HIGH,
    P_LOW,
    P_OPT,
    P_RAW,
    P_REQ,
    PLAN,
    W_AFTER,
    W_BASE,
    W_STEPS,
    WORKINGS,
    Layout,
    month_factor,
    month_sum,
)
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

#: the working columns (unrounded, floor, remainder) right of the Summary's tables
RAW, FLOOR, REM = 5, 6, 7
YEAR = 12


def _item_formulas(refs: InputRefs, lay: Layout, at: dict[str, str], n_forecast: int) -> dict[str, str]:
    """Each headline figure's formula, by item key (items refer to one another through `at`)."""
    s = refs.settings
    base, exp = at.get("baseline", ""), at.get("monthly_expected", "")
    budget = at.get("budget", "")
    shown = lay.forecast_rows[:YEAR]
    fixed = at.get("add_ons", "0")
    plus = f"+{fixed}" if lay.add_on_rows else ""
    extra = [month_sum(lay, "optimized", month_factor(refs, k)) + plus for k in range(n_forecast, YEAR)]
    raw_total = lay.plan_total_ref(P_RAW["optimized"])
    req = lay.plan_total_ref(P_REQ)
    # the lines' unrounded total: what the budget's requests scale (the add-ons stay fixed)
    raw_tokens = f"({raw_total}-{lay.add_ons_sum(P_RAW['optimized'])})" if lay.add_on_rows else raw_total
    tokens = f"({exp}-{fixed})" if lay.add_on_rows else exp
    left = f"({budget}-{fixed})" if lay.add_on_rows else budget
    return {
        "per_usd": s["rate"],
        "requests": req,
        "baseline": lay.plan_total_ref(P_BASE),
        "monthly_expected": lay.plan_total_ref(P_OPT),
        "monthly_low": lay.plan_total_ref(P_LOW),
        "monthly_high": lay.plan_total_ref(P_HIGH),
        "annual_run_rate": f"12*{exp}",
        "next_12_months": f"SUM({span(FORECAST, shown[0], shown[-1], 4)})" + "".join(f"+{e}" for e in extra),
        "add_ons": lay.add_ons_sum(P_OPT),
        "savings": f"{base}-{tokens}",
        "savings_pct": f"IF({base}=0,\"\",{rounded(f'({base}-{tokens})/{base}', 4)})",
        "cost_per_request": f"IF({req}=0,\"\",ROUND({raw_total}/{req},6))",
        "budget": f"ROUND({s['budget']},{lay.places})",
        "headroom": f"{budget}-{exp}",
        "headroom_pct": f"IF({budget}=0,\"\",{rounded(f'({budget}-{exp})/{budget}', 4)})",
        "requests_affordable": f"IF({raw_tokens}=0,\"\",MAX(0,ROUNDDOWN(ROUND({req}*{left}/{raw_tokens},6),0)))",
        "first_month_over": f"IFERROR(INDEX({span(FORECAST, 1, max(n_forecast, 1), 0)},"
                            f"MATCH(\"yes\",{span(FORECAST, 1, max(n_forecast, 1), 6)},0)),\"none\")",
        "forecast_total": ref(FORECAST, lay.forecast_total, 4),
    }


def _items(ws: Worksheet, items: Sequence[SummaryItem], refs: InputRefs, lay: Layout, fmts: Formats) -> int:
    headers(ws, 0, ["Item", "Value", "Note"], fmts.header)
    at = {item.key: ref(None, 1 + r, 1) for r, item in enumerate(items)}
    texts = _item_formulas(refs, lay, at, len(lay.forecast_rows))
    live = bool(lay.plan_rows)
    row = 1
    for item in items:
        ws.write_string(row, 0, item.label, fmts.label)
        text = texts.get(item.key) if live else None
        if item.key == "next_12_months" and lay.dated:
            text = None  # known price changes: the months after the horizon are the app's
        if text is None:
            write(ws, row, 1, item.value, item.kind, fmts)
        else:
            frac = item.kind is Kind.COUNT and item.value is not None and Decimal(item.value) % 1 != 0
            formula(ws, row, 1, text, item.value, fmts.get(item.kind, fractional=frac))
        if item.note:
            ws.write_string(row, 2, item.note, fmts.note)
        row += 1
    return row


def waterfall_steps(src: Source, data: ExportData) -> list[tuple[str, str, bool]]:
    """(key, label, in the app's waterfall) for every step the workbook shows: the levers, each
    multiplier (enabled or not), retries and the platform fee."""
    shown = {w.key for w in data.waterfall if w.role == "step"}
    keys = [k for k in W_STEPS if k in shown or k not in ("service_tier", "off_peak")]
    out = [(k, next(w.label for w in data.waterfall if w.key == k), True) for k in keys if k in shown]
    for m in src.plan.multipliers:
        key = f"multiplier:{m.name}"
        out.append((key, m.name if m.enabled else f"{m.name} (off)", key in shown))
    out.append((RETRY, "Retry overhead", RETRY in shown))
    out.append((PLATFORM_FEE, "Platform fee", PLATFORM_FEE in shown))
    out += [(ADD_ON + a.name, a.name, True) for a in src.result.add_ons]
    return out


def step_formula(key: str, refs: InputRefs, lay: Layout, src: Source, total: Callable[[int], str] | None = None) -> str:
    """A step's unrounded saving over the lines, in the plan's currency; `total(col)` adds up a
    Workings column over the lines the step is for (by default all of them)."""
    s, f = refs.settings, refs.factors
    n = len(lay.plan_rows)

    def every_line(col: int) -> str:
        return f"SUM({span(WORKINGS, 2, 1 + n, col)})"

    total = total or every_line

    levers_end = f"{total(W_AFTER[OFF_PEAK])}*{s['rate']}"
    if key in W_AFTER:
        prev = W_BASE if key == APP_CACHE else W_AFTER[W_STEPS[W_STEPS.index(key) - 1]]
        return f"({total(prev)}-{total(W_AFTER[key])})*{s['rate']}"
    if key == RETRY:
        return f"-{levers_end}*{f['expected']}*{s['retry']}"
    if key == PLATFORM_FEE:
        return f"-{levers_end}*{f['expected']}*(1+{s['retry']})*{s['fee']}"
    if key.startswith(ADD_ON):
        j = [ADD_ON + a.name for a in src.result.add_ons].index(key)
        return f"-{ref(PLAN, lay.add_on_rows[j], P_RAW['optimized'])}"
    j = [f"multiplier:{m.name}" for m in src.plan.multipliers].index(key)
    row = refs.multiplier_rows[j]
    before = f"*PRODUCT({span('Inputs', refs.multiplier_rows[0], row - 1, 6)})" if j else ""
    return f"IF({ref('Inputs', row, 1)}=\"on\",{levers_end}{before}*{ref('Inputs', row, 3)},0)"


def _waterfall(ws: Worksheet, row: int, src: Source, data: ExportData, refs: InputRefs, lay: Layout,
               fmts: Formats) -> int:
    """Baseline, each step's saving (footed so the steps add up to baseline − expected, as the
    app's waterfall), and the expected amount."""
    cur, q = data.currency, currency_quantum(data.currency)
    ws.write_string(row, 0, f"Savings waterfall ({cur}/month)", fmts.section)
    headers(ws, row + 1, ["Step", f"Amount ({cur}/month)", "Of baseline", "Note"], fmts.header)
    headers(ws, row + 1, ["Unrounded", "Floor", "Remainder"], fmts.working_header, RAW)
    first = row + 2
    ws.write_string(first, 0, "Baseline (own model, no levers)", fmts.label)
    base = ref(None, first, 1)
    money_fmt = fmts.get(Kind.MONEY)
    formula(ws, first, 1, lay.plan_total_ref(P_BASE), data.baseline, money_fmt)
    unrounded = {s.key: s.saving for s in src.result.waterfall}
    footed = {w.key: w.amount for w in data.waterfall}
    steps = waterfall_steps(src, data)
    group: list[int] = []
    extra: list[int] = []
    for k, (key, label, in_app) in enumerate(steps):
        r = first + 1 + k
        ws.write_string(r, 0, label, fmts.label)
        formula(ws, r, RAW, step_formula(key, refs, lay, src), unrounded.get(key, ZERO),
                fmts.get(Kind.COUNT, fractional=True))
        ws.write_string(r, 3, "saving (negative: costs more)", fmts.note)
        if in_app:
            group.append(r)
        else:
            extra.append(r)
            formula(ws, r, 1, f"ROUND({ref(None, r, RAW)},{lay.places})", ZERO, money_fmt)
    others = "".join(f"-{ref(None, r, 1)}" for r in extra)
    target = f"{base}-{lay.plan_total_ref(P_OPT)}{others}"
    end = first + 1 + len(steps)
    foot_to_formulas(ws, group, (1, FLOOR, REM), end, target, q, [unrounded.get(steps[r - first - 1][0], ZERO)
                     for r in group], [footed.get(steps[r - first - 1][0], ZERO) for r in group], fmts)
    ws.write_string(end, 0, "Optimized (expected)", fmts.get(Kind.TEXT, True))
    text = f"{base}-SUM({span(None, first + 1, end - 1, 1)})" if steps else base
    formula(ws, end, 1, text, data.monthly_expected, fmts.get(Kind.MONEY, True))
    ws.write_string(end, 3, "baseline minus the savings", fmts.note)
    for r in range(first, end + 1):
        amount = footed.get(steps[r - first - 1][0], ZERO) if first < r < end else (
            data.baseline if r == first else data.monthly_expected)
        formula(ws, r, 2, f"IF({base}=0,\"\",{rounded(f'{ref(None, r, 1)}/{base}', 4)})",
                fraction_of(amount, data.baseline), fmts.get(Kind.SHARE))
    return end + 2


def _by_model_amount(model_id: str, id_cell: str, lines: Sequence[LineModel], src: Source, lay: Layout) -> str:
    """A model's unrounded expected cost: the lines on it, and its share of lines routed to it."""
    raw = P_RAW["optimized"]
    text = f"SUMIF({lay.plan_range(2)},{id_cell},{lay.plan_range(raw)})"
    for lm in lines:
        res = src.result.lines[lm.index]
        if lm.line.routing and res.optimized:
            frac = res.by_model.get(model_id, ZERO) / res.optimized - (1 if lm.line.model == model_id else 0)
            if frac:
                text += f"+{ref(PLAN, lay.plan_rows[lm.index], raw)}*{frac:.17g}"
    return text


def _cost_by_model(ws: Worksheet, row: int, src: Source, data: ExportData, lines: Sequence[LineModel],
                   lay: Layout, fmts: Formats) -> int:
    cur = data.currency
    # the lines' expected total (the monthly total without the fixed add-ons)
    tokens = lay.plan_total_ref(P_OPT)
    if lay.add_on_rows:
        tokens = f"({tokens}-{lay.add_ons_sum(P_OPT)})"
    ws.write_string(row, 0, f"Cost by model ({cur}/month, expected)", fmts.section)
    headers(ws, row + 1, ["Model", f"Expected ({cur}/month)", "Share of expected", "Model ID"], fmts.header)
    headers(ws, row + 1, ["Unrounded", "Floor", "Remainder"], fmts.working_header, RAW)
    rows = []
    for j, m in enumerate(data.by_model):
        r = row + 2 + j
        rows.append(r)
        ws.write_string(r, 0, m.name, fmts.label)
        ws.write_string(r, 3, m.id, fmts.label)
        if lay.plan_rows:
            formula(ws, r, RAW, _by_model_amount(m.id, ref(None, r, 3), lines, src, lay), src.result.by_model.get(m.id, ZERO),
                    fmts.get(Kind.COUNT, fractional=True))
        formula(ws, r, 2, f"IF({tokens}=0,0,{rounded(f'{ref(None, r, 1)}/{tokens}', 4)})", m.share,
                fmts.get(Kind.SHARE))
    if lay.plan_rows and rows:
        foot_to_formulas(ws, rows, (1, FLOOR, REM), rows[-1] + 1, tokens, currency_quantum(cur),
                         [src.result.by_model.get(m.id, ZERO) for m in data.by_model],
                         [m.monthly for m in data.by_model], fmts)
    else:
        for r, m in zip(rows, data.by_model, strict=True):
            write(ws, r, 1, m.monthly, Kind.MONEY, fmts)
    total = row + 2 + len(rows)
    ws.write_string(total, 0, "Total (without the fixed add-ons)" if lay.add_on_rows else "Total",
                    fmts.get(Kind.TEXT, True))
    value: Any = data.token_spend
    if rows:
        formula(ws, total, 1, f"SUM({span(None, rows[0], rows[-1], 1)})", value, fmts.get(Kind.MONEY, True))
    else:
        write(ws, total, 1, value, Kind.MONEY, fmts, total=True)
    return total + 2


def _values_lines(ws: Worksheet, row: int, lines: Sequence[LineModel], fmts: Formats) -> int:
    ws.write_string(row, 0, "Lines costed as values (the app's amounts: a formula cannot follow them)",
                    fmts.section)
    row += 1
    valued = [lm for lm in lines if not lm.live]
    if not valued:
        ws.write_string(row, 0, "none: every line is costed by formulas", fmts.note)
        return row + 2
    headers(ws, row, ["Line", "Why"], fmts.header)
    for lm in valued:
        row += 1
        ws.write_string(row, 0, lm.line.name, fmts.label)
        ws.write_string(row, 1, lm.reason, fmts.note)
    return row + 2


def summary_sheet(ws: Worksheet, src: Source, data: ExportData, lines: Sequence[LineModel], refs: InputRefs,
                  lay: Layout, fmts: Formats) -> None:
    row = _items(ws, data.summary, refs, lay, fmts)
    if lay.plan_rows:
        row = _waterfall(ws, row + 1, src, data, refs, lay, fmts)
    row = _cost_by_model(ws, row + 1, src, data, lines, lay, fmts)
    row = _values_lines(ws, row, lines, fmts)
    notes = data.note_lines()
    if notes:
        ws.write_string(row, 0, "Notes", fmts.section)
        for k, n in enumerate(notes):
            ws.write_string(row + 1 + k, 0, n, fmts.label)
    for c, w in enumerate((44, 18, 14, 40, 4, 14, 12, 12)):
        ws.set_column(c, c, w)

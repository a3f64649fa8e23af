"""The By group sheet (where the plan's lines name groups): each group's lines added up from
the Plan sheet, and each group's savings waterfall, its steps added up from the Workings sheet
over the group's lines and footed to its baseline − expected, all as formulas that cache the
app's figures (planner.domain.summary.group_summaries). A line is in a group when its Group
cell is exactly the group's name (EXACT, as the app compares names, not SUMIF: a name such as
'Ops*' or '>5' is not a pattern, and 'ops' is not 'Ops')."""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.worksheet import Worksheet

from planner.domain.costing import ADD_ON
from planner.domain.currency import quantum as currency_quantum
from planner.domain.money import ZERO
from planner.domain.summary import NO_GROUP
from planner.io.export_sections import Source
from planner.io.export_table import ExportData, Kind
from planner.io.xlsx_amounts import (
    P_BASE,
    P_HIGH,
    P_LOW,
    P_OPT,
    P_RAW,
    P_REQ,
    P_SAVE,
    PLAN,
    WORKINGS,
    Layout,
)
from planner.io.xlsx_cells import Formats, foot_to_formulas, formula, headers, ref, span
from planner.io.xlsx_inputs import InputRefs
from planner.io.xlsx_summary import step_formula, waterfall_steps

SHEET = "By group"
#: the group table's columns: name, the group as the Plan sheet spells it, then the figures
G_NAME, G_KEY, G_LINES, G_REQ, G_BASE, G_LOW, G_OPT, G_HIGH, G_SAVE = range(9)
_SUMMED = ((G_REQ, P_REQ), (G_BASE, P_BASE), (G_LOW, P_LOW), (G_OPT, P_OPT), (G_HIGH, P_HIGH))


def group_sheet(ws: Worksheet, src: Source, data: ExportData, refs: InputRefs, lay: Layout,
                fmts: Formats) -> None:
    cur = data.currency
    names = [ln.group for ln in src.plan.lines]
    groups = src.result.by_group(names)
    in_group = lay.plan_range(1)
    # the amounts add up the lines' and the fixed add-ons' rows (right below the lines)
    every_group = span(PLAN, lay.plan_rows[0], lay.plan_total - 1, 1)
    ws.write_string(0, 0, "Each group's lines added up from the Plan sheet (the amounts as shown there); its "
                    "savings waterfall adds up the Workings over its lines, footed to its baseline − expected.",
                    fmts.note)
    headers(ws, 2, ["Group", "Group on the Plan sheet", "Lines", "Requests/month", f"Baseline ({cur}/month)",
                    f"Low ({cur}/month)", f"Expected ({cur}/month)", f"High ({cur}/month)",
                    f"Savings ({cur}/month)"], fmts.header)
    ws.set_row(2, 30)
    money_fmt = fmts.get(Kind.MONEY)
    first = 3
    for j, g in enumerate(groups):
        r = first + j
        ws.write_string(r, G_NAME, g.name, fmts.label)
        ws.write_string(r, G_KEY, "" if g.name == NO_GROUP else g.name, fmts.label)
        key = ref(None, r, G_KEY)
        formula(ws, r, G_LINES, f"SUMPRODUCT(EXACT({in_group},{key})*1)", len(g.lines), fmts.get(Kind.COUNT))
        values = {G_REQ: g.requests, G_BASE: g.baseline, G_LOW: g.low, G_OPT: g.optimized, G_HIGH: g.high}
        for col, plan_col in _SUMMED:
            fmt = fmts.get(Kind.COUNT) if col == G_REQ else money_fmt
            amounts = span(PLAN, lay.plan_rows[0], lay.plan_total - 1, plan_col)
            formula(ws, r, col, f"SUMPRODUCT(EXACT({every_group},{key})*{amounts})", values[col], fmt)
        # savings: each line's (baseline − expected); a fixed add-on is no lever's doing
        formula(ws, r, G_SAVE, f"SUMPRODUCT(EXACT({in_group},{key})*{lay.plan_range(P_SAVE)})", g.savings, money_fmt)
    total = first + len(groups)
    sm = src.summary
    ws.write_string(total, 0, "Total", fmts.get(Kind.TEXT, True))
    ws.write_blank(total, 1, None, fmts.get(Kind.TEXT, True))
    totals = {G_LINES: Decimal(len(src.plan.lines)), G_REQ: sm.requests, G_BASE: sm.baseline, G_LOW: sm.low,
              G_OPT: sm.optimized, G_HIGH: sm.high, G_SAVE: sm.savings}
    for col, value in totals.items():
        kind = Kind.COUNT if col in (G_LINES, G_REQ) else Kind.MONEY
        formula(ws, total, col, f"SUM({span(None, first, total - 1, col)})", value, fmts.get(kind, True))
    _waterfalls(ws, total + 2, src, data, refs, lay, fmts, first)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 16)
    ws.set_column(2, G_SAVE, 15)
    ws.freeze_panes(3, 1)


def _waterfalls(ws: Worksheet, row: int, src: Source, data: ExportData, refs: InputRefs, lay: Layout,
                fmts: Formats, first_group: int) -> None:
    """Steps as rows, groups as columns; right of them each group's unrounded steps, floors and
    remainders (the footing's workings)."""
    cur, q = data.currency, currency_quantum(data.currency)
    groups = src.result.by_group([ln.group for ln in src.plan.lines])
    n_groups = len(groups)
    w0 = n_groups + 2
    ws.write_string(row, 0, f"Savings waterfall by group ({cur}/month)", fmts.section)
    headers(ws, row + 1, ["Step", *(g.name for g in groups)], fmts.header)
    for j, g in enumerate(groups):
        headers(ws, row + 1, [f"{g.name}: unrounded", "Floor", "Remainder"], fmts.working_header, w0 + 3 * j)
    steps = waterfall_steps(src, data)
    top = row + 2
    end = top + 1 + len(steps)
    in_group = lay.plan_range(1)
    n = len(lay.plan_rows)
    money_fmt = fmts.get(Kind.MONEY)
    ws.write_string(top, 0, "Baseline (own model, no levers)", fmts.label)
    for k, (_key, label, _in_app) in enumerate(steps):
        ws.write_string(top + 1 + k, 0, label, fmts.label)
    ws.write_string(end, 0, "Optimized (expected)", fmts.get(Kind.TEXT, True))
    for j, g in enumerate(groups):
        col, raw_col = 1 + j, w0 + 3 * j
        key = ref(None, first_group + j, G_KEY)

        def total(c: int, key: str = key) -> str:
            return f"SUMPRODUCT(EXACT({in_group},{key})*{span(WORKINGS, 2, 1 + n, c)})"

        base = ref(None, top, col)
        formula(ws, top, col, ref(None, first_group + j, G_BASE), g.baseline, money_fmt)
        unrounded = {s.key: s.saving for s in g.unrounded_steps}
        footed = {s.key: s.saving for s in g.waterfall_steps}
        shown: list[int] = []
        extra: list[int] = []
        for k, (step, _label, in_app) in enumerate(steps):
            r = top + 1 + k
            if step.startswith(ADD_ON):  # a fixed add-on: a step of the group it is in
                row_ = lay.add_on_rows[[ADD_ON + a.name for a in src.result.add_ons].index(step)]
                text = f"IF(EXACT({ref(PLAN, row_, 1)},{key}),-{ref(PLAN, row_, P_RAW['optimized'])},0)"
            else:
                text = step_formula(step, refs, lay, src, total)
            formula(ws, r, raw_col, text, unrounded.get(step, ZERO), fmts.get(Kind.COUNT, fractional=True))
            if in_app:
                shown.append(r)
            else:
                extra.append(r)
                formula(ws, r, col, f"ROUND({ref(None, r, raw_col)},{lay.places})", ZERO, money_fmt)
        others = "".join(f"-{ref(None, r, col)}" for r in extra)
        target = f"{base}-{ref(None, first_group + j, G_OPT)}{others}"
        foot_to_formulas(ws, shown, (col, raw_col + 1, raw_col + 2), end, target, q,
                         [unrounded.get(steps[r - top - 1][0], ZERO) for r in shown],
                         [footed.get(steps[r - top - 1][0], ZERO) for r in shown], fmts)
        text = f"{base}-SUM({span(None, top + 1, end - 1, col)})" if steps else base
        formula(ws, end, col, text, g.optimized, fmts.get(Kind.MONEY, True))
    ws.set_column(w0, w0 + 3 * n_groups - 1, 12)

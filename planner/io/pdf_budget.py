"""The PDF budget's finance sections: the budget by month (line x month, group subtotals,
fiscal-year totals; landscape when twelve months or more go across), the groups, the range,
unit economics, the scenarios against the base, and the sign-off block.

Every figure is one of ExportData's (the domain's); text from the plan is escaped."""

from __future__ import annotations

from planner.domain.money import ZERO
from planner.io.export_table import (
    ByMonth,
    ExportData,
    MonthRow,
    ScenarioChange,
    ScenarioRow,
    group_columns,
    outcome_columns,
    range_columns,
    scenario_columns,
)
from planner.io.pdf_blocks import Html, Item, Table, TableCol, esc
from planner.io.pdf_content import H3_SPACE, Fmt, View, heading, spec_table

DASH = "—"
#: month columns a page takes across; a budget this wide or wider goes on landscape pages
MONTHS_ACROSS = 12


def landscape(d: ExportData) -> bool:
    return d.by_month is not None and len(d.by_month.labels) >= MONTHS_ACROSS


def _chunks(bm: ByMonth) -> list[tuple[int, int, str]]:
    """The month ranges a table each shows (first, last, the total column's title): a fiscal
    year each when the forecast is dated, else twelve months each."""
    n = len(bm.labels)
    if bm.fiscal_spans and len(bm.fiscal_spans) > 1:
        return [(a, b, fy) for (a, b), fy in zip(bm.fiscal_spans, bm.fiscal_years, strict=True)]
    if n <= MONTHS_ACROSS:
        return [(0, n - 1, "Total")]
    return [(a, min(a + MONTHS_ACROSS, n) - 1, f"Months {a + 1}–{min(a + MONTHS_ACROSS, n)}")
            for a in range(0, n, MONTHS_ACROSS)]


def _row_name(r: MonthRow) -> str:
    if r.kind == "group":
        return f"{esc(r.group)} subtotal"
    return esc(r.name)


def _month_table(bm: ByMonth, f: Fmt, first: int, last: int, total_title: str) -> Table:
    """Months first..last across; on landscape pages every month column is as wide as in a
    twelve-month table (a short fiscal year leaves the room to the line names)."""
    months = last - first + 1
    if len(bm.labels) >= MONTHS_ACROSS:
        month_w = 82.0 / (MONTHS_ACROSS + 1)
    else:
        month_w = 76.0 / (months + 1)
    name_w = 100.0 - month_w * (months + 1)
    cols = [TableCol("Line", name_w)] + [TableCol(bm.labels[k], month_w, True) for k in range(first, last + 1)]
    cols.append(TableCol(total_title, month_w, True))
    body = [r for r in bm.rows if r.kind != "total"]

    def cells(r: MonthRow) -> list[str]:
        span = r.months[first : last + 1]
        return [_row_name(r), *(f.amount(v) for v in span), f.amount(sum(span, ZERO))]

    total = bm.total
    return Table(cols, [cells(r) for r in body], [f"<b>{esc(total.name)}</b>", *cells(total)[1:]],
                 compact=True, subtotals=frozenset(i for i, r in enumerate(body) if r.kind == "group"))


def _fiscal_table(bm: ByMonth, f: Fmt) -> Table:
    """Each row's fiscal-year totals and its total over the horizon."""
    n = len(bm.fiscal_years)
    name_w = 34.0
    w = (100.0 - name_w) / (n + 1)
    cols = [TableCol("Line", name_w), *(TableCol(fy, w, True) for fy in bm.fiscal_years),
            TableCol("Total", w, True)]
    body = [r for r in bm.rows if r.kind != "total"]

    def cells(r: MonthRow) -> list[str]:
        return [_row_name(r), *(f.amount(v) for v in r.fiscal), f.amount(r.total)]

    return Table(cols, [cells(r) for r in body], ["<b>Total</b>", *cells(bm.total)[1:]],
                 subtotals=frozenset(i for i, r in enumerate(body) if r.kind == "group"))


def by_month(d: ExportData, f: Fmt) -> list[Item]:
    """The budget by line and month (expected), each group's subtotal, the total row and
    column; then each fiscal year's total."""
    bm = d.by_month
    if bm is None or not d.table.rows:
        return []
    intro = (f"Expected cost of each line in each month, in {esc(d.currency)}: the forecast’s growth and "
             "price trend included, each amount rounded once, so every column adds up to the month’s "
             "total on the forecast page.")
    if bm.grouped:
        intro += " Lines are listed by group, each group followed by its subtotal."
    body = f"<h2>Budget by month</h2><p class=\"muted\">{intro}</p>"
    items: list[Item] = [Html(body, page_break_before=True, keep_with_next=True, splittable=False)]
    chunks = _chunks(bm)
    for first, last, title in chunks:
        if len(chunks) > 1:
            items += heading(f"{title}: {bm.labels[first]} – {bm.labels[last]}")
        elif bm.fiscal_years:
            items += heading(f"{bm.labels[first]} – {bm.labels[last]} ({', '.join(bm.fiscal_years)})")
        items.append(_month_table(bm, f, first, last, title))
    if len(bm.fiscal_years) > 1:
        items += heading("By fiscal year", f"The months of each fiscal year added up ({esc(d.currency)}).")
        items.append(_fiscal_table(bm, f))
    return items


# ---------------------------------------------------------------------------------------
# On the summary page: the groups, the range, unit economics


def groups(d: ExportData, f: Fmt) -> list[Item]:
    if d.by_month is None or not d.by_month.grouped:
        return []
    months = len(d.by_month.labels)
    views = [View("name", 28), View("lines", 8), View("low", 13), View("expected", 13), View("high", 13),
             View("share", 10), View("horizon", 15)]
    ft = d.by_month.total
    shares = [g.share for g in d.groups if g.share is not None]
    total = ["Total", f.count(sum((g.lines for g in d.groups), ZERO)), f.money(d.monthly_low),
             f.money(d.monthly_expected), f.money(d.monthly_high), f.ratio(sum(shares, ZERO)) if shares else "",
             f.money(ft.total)]
    return [*heading("Budget by group", f"This month’s cost of each group’s lines, and its {months} months "
                     "(month by month on the budget-by-month pages)."),
            spec_table(group_columns(d.currency, months), views, d.groups, f, total),
            *group_waterfall(d, f)]


#: group columns a waterfall table takes across (more groups: further tables)
GROUPS_ACROSS = 5


def group_waterfall(d: ExportData, f: Fmt) -> list[Item]:
    """Each group's savings waterfall: the steps as rows, the groups as columns, each column
    adding up to its group's baseline − expected."""
    gw = d.group_waterfall
    if gw is None:
        return []
    items = heading(f"Savings waterfall by group ({esc(d.currency)}/month)",
                    "Each group’s baseline, the saving of each step over its lines (negative: costs more) and "
                    "its expected cost. A group’s amounts are the sums of its lines’ amounts as shown; its steps "
                    "are rounded so that they add up to its baseline − expected.")
    for a in range(0, len(gw.groups), GROUPS_ACROSS):
        idx = range(a, min(a + GROUPS_ACROSS, len(gw.groups)))
        w = 64.0 / GROUPS_ACROSS
        cols = [TableCol("Step", 100.0 - w * len(idx)), *(TableCol(gw.groups[j], w, True) for j in idx)]
        rows = [["Baseline", *(f.amount(gw.baseline[j]) for j in idx)]]
        rows += [[esc(label), *(f.amount(amounts[j]) for j in idx)] for _key, label, amounts in gw.steps]
        items.append(Table(cols, rows, ["<b>Optimized (expected)</b>", *(f.amount(gw.optimized[j]) for j in idx)],
                           subtotals=frozenset({0})))
    return items


def cost_range(d: ExportData, f: Fmt) -> list[Item]:
    """Each line at the low, expected and high ends of the range."""
    views = [View("name", 40), View("group", 18), View("low", 14), View("optimized", 14), View("high", 14)]
    total = ["Total", "", f.money(d.monthly_low), f.money(d.monthly_expected), f.money(d.monthly_high)]
    intro = ("Low: every flat multiplier at its high saving (the best case); high: at its low saving "
             "(the worst case); reasoning-token estimates at their ends.")
    return [*heading("Range per month", intro), spec_table(range_columns(d.currency), views, d.table.all_rows, f, total)]


def unit_economics(d: ExportData, f: Fmt) -> list[Item]:
    items: list[Item] = []
    figures = {i.key: i for i in d.summary}
    if "revenue" in figures or "cost_per_user" in figures:
        parts = []
        if "users" in figures:
            parts.append(f"{f.count(figures['users'].value)} active users a month")
        if "cost_per_user" in figures:
            parts.append(f"cost per user {f.small(figures['cost_per_user'].value)} a month")
        if "revenue" in figures:
            parts.append(f"revenue {f.money(figures['revenue'].value)} a month")
        if "gross_margin" in figures:
            pct = figures.get("gross_margin_pct")
            parts.append(f"gross margin {f.money(figures['gross_margin'].value)}"
                         + (f" ({f.ratio(pct.value)} of revenue)" if pct is not None else ""))
        below = figures.get("margin_below_floor")
        if below is not None:
            parts.append(f"the margin falls below its floor from {esc(below.value)}" if below.value != "none"
                         else "the margin stays above its floor over the forecast")
        items += heading("Unit economics")
        items.append(Html(f"<p>{'; '.join(parts)}.</p>"))
    rows = d.outcome_rows
    if rows:
        views = [View("name", 34), View("outcome", 20), View("outcomes", 15), View("optimized", 15),
                 View("cost_per_outcome", 16)]
        if not items:
            items += heading("Unit economics")
        items.append(spec_table(outcome_columns(d.currency), views, rows, f))
    return items


# ---------------------------------------------------------------------------------------
# Scenarios


def _change_tables(c: ScenarioChange, f: Fmt) -> list[Item]:
    cols = [TableCol("Line", 40), TableCol("Base", 15, True), TableCol(c.name, 15, True),
            TableCol("Change", 16, True), TableCol("%", 14, True)]
    rows = [[esc(name), f.money(base), f.money(new), f.change(delta), f.signed(frac) if frac is not None
             else ("added" if base is None else DASH)]
            for name, base, new, delta, frac in c.lines]
    base_total = sum((b or ZERO for _, b, _, _, _ in c.lines), ZERO)
    total = ["Total", f.money(base_total), f.money(base_total + c.change), f.change(c.change), ""]
    items: list[Item] = [Table(cols, rows, total)]
    if c.levers:
        lever_cols = [TableCol("Saving by lever", 40), TableCol("Base", 15, True), TableCol(c.name, 15, True),
                      TableCol("Change", 30, True)]
        items.append(Html('<p class="muted" style="margin-top: 8px;">Savings that moved, biggest first '
                          '(a lower saving costs more).</p>', keep_with_next=True))
        items.append(Table(lever_cols, [[esc(label), f.money(a), f.money(b), f.change(delta)]
                                        for label, a, b, delta in c.levers]))
    return items


def _change_cell(r: ScenarioRow, f: Fmt) -> str:
    if r.label == "Base":
        return ""
    pct = f' <span class="small">({f.signed(r.change_fraction)})</span>' if r.change_fraction is not None else ""
    return f.change(r.change) + pct


def scenarios(d: ExportData, f: Fmt) -> list[Item]:
    """The base and each scenario side by side, then each scenario against the base: each line
    and each lever, the biggest movers first."""
    if not d.scenarios:
        return []
    intro = ("The plan’s scenarios: each changes some lines or plan-wide settings of the base and "
             "follows it in everything else. Change: the scenario’s monthly expected minus the base’s.")
    views = [View("label", 22), View("monthly", 13), View("low", 12), View("high", 12), View("next_12_months", 14),
             View("headroom", 13), View("change", 14, lambda r: _change_cell(r, f))]
    items: list[Item] = [Html(f"<h2>Scenarios</h2><p class=\"muted\">{intro}</p>", page_break_before=True,
                              keep_with_next=True, splittable=False),
                         spec_table(scenario_columns(d.currency), views, d.scenarios, f)]
    for c in d.scenario_changes:
        items += heading(f"{c.name} against the base", esc(c.notes) if c.notes else "")
        items += _change_tables(c, f)
    return items


# ---------------------------------------------------------------------------------------
# Sign-off


def sign_off(d: ExportData) -> list[Item]:
    """Prepared, reviewed and approved by: a name, a date and a signature line each."""
    rows = "".join(
        f'<tr><td class="role" width="19%">{role}</td><td class="line" width="31%">&nbsp;</td>'
        '<td width="4%"></td><td class="line" width="18%">&nbsp;</td><td width="4%"></td>'
        '<td class="line" width="24%">&nbsp;</td></tr>'
        '<tr><td></td><td><span class="small">Name</span></td><td></td><td><span class="small">Date</span></td>'
        '<td></td><td><span class="small">Signature</span></td></tr>'
        for role in ("Prepared by", "Reviewed by", "Approved by")
    )
    body = (f"<h3>Sign-off</h3><p class=\"muted\">{esc(d.plan_name)}, {esc(d.revision_text)}, exported "
            f"{esc(d.exported_text)}.</p>"
            f'<table class="signoff" width="100%" cellspacing="0" cellpadding="0">{rows}</table>')
    return [Html(body, splittable=False, space_before=H3_SPACE * 2)]

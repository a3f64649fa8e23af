"""The PDF budget's plan-versus-actual section: a month's variance per line with its volume,
mix, price and lever parts, the variance waterfall (a picture drawn by the window's chart),
each model's billed-price gap, each month's planned and actual totals, the usage no line
claims and the notices.

Every figure is planner.domain.actuals' as shown (Variance.shown and friends); text from the
plan and the usage files is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from planner.domain.actuals import Variance
from planner.domain.money import HUNDRED
from planner.formatting import fmt_int, fmt_pct
from planner.io.pdf_blocks import Chart, Html, Item, Table, TableCol, esc
from planner.io.pdf_content import H3_SPACE, Fmt, heading

DASH = "—"
#: the split's columns, in the order the waterfall steps through them
SPLIT = (("volume", "Volume"), ("mix", "Mix"), ("price", "Price"), ("lever", "Levers"))


def _pct(x: Decimal | None) -> str:
    """A variance share as a signed percent with one decimal: '+23.1%', '−4.0%'."""
    if x is None:
        return DASH
    text = esc(fmt_pct(abs(x) * HUNDRED, 1))
    return text if not x else ("+" if x > 0 else "\u2212") + text


def _lines(v: Variance, f: Fmt) -> Table:
    rows, total = v.shown()
    cols = [TableCol("Line", 22), TableCol("Planned", 10, True), TableCol("Actual", 10, True),
            TableCol("Variance", 10, True), TableCol("%", 8, True),
            *(TableCol(t, 10, True) for _k, t in SPLIT)]

    def cells(r) -> list[str]:  # noqa: ANN001 - a ShownRow
        return [esc(r.name), f.money(r.planned), f.money(r.actual), f.change(r.variance), _pct(r.variance_fraction),
                *(f.change(getattr(r.split, k)) for k, _t in SPLIT)]

    return Table(cols, [cells(r) for r in rows], ["Total", *cells(total)[1:]])


def _models(v: Variance, f: Fmt) -> Table:
    cols = [TableCol("Model", 34), TableCol("Planned", 14, True), TableCol("Actual", 14, True),
            TableCol("Catalog cost", 14, True), TableCol("Billed vs catalog", 24, True)]

    def gap(m) -> str:  # noqa: ANN001 - a ShownModel
        if m.price_gap is None:
            return DASH
        text = _pct(m.price_gap)
        return f'<span class="warn">{text} ▲</span>' if m.flagged else text

    return Table(cols, [[esc(m.model_id), f.money(m.planned), f.money(m.actual), f.money(m.catalog), gap(m)]
                        for m in v.shown_models()])


def _months(v: Variance, f: Fmt) -> Table:
    cols = [TableCol("Month", 28), TableCol("Planned", 18, True), TableCol("Actual", 18, True),
            TableCol("Variance", 18, True), TableCol("%", 18, True)]
    rows = []
    for m in v.months:
        label = f"{m.month:%b %Y}"
        diff = m.actual - m.planned
        rows.append([esc(label), f.money(m.planned), f.money(m.actual), f.change(diff),
                     _pct(diff / m.planned if m.planned else None)])
    return Table(cols, rows)


def _unmatched(v: Variance, f: Fmt) -> Table:
    cols = [TableCol("Usage key", 22), TableCol("Model", 22), TableCol("Requests", 10, True),
            TableCol("Cost", 12, True), TableCol("Why it matches no line", 34)]
    return Table(cols, [[esc(u.key), esc(u.model_id), fmt_int(u.usage.requests), f.money(cost), esc(u.reason)]
                        for u, cost in v.shown_unmatched()])


def section(v: Variance, pictures: Sequence[Chart] = ()) -> list[Item]:
    """Plan versus actual for the variance's month, on a page of its own."""
    f = Fmt(v.currency)
    _rows, total = v.shown()
    intro = (f"{v.month:%B %Y}: the plan’s cost of the month against the imported usage, in {esc(v.currency)}. "
             "Actual: the billed cost where the usage states it, else the catalog cost of its tokens. "
             "The variance splits into volume (more or fewer requests), mix (tokens per request), price "
             "(billed against the catalog) and levers (caching and batch as used); the parts add up to it.")
    head = (f"<h2>Plan versus actual</h2><p class=\"muted\">{intro}</p>"
            f"<p>Planned <b>{f.money(total.planned)}</b> · actual <b>{f.money(total.actual)}</b> · "
            f"variance <b>{f.change(total.variance)}</b> ({_pct(total.variance_fraction)})</p>")
    items: list[Item] = [Html(head, page_break_before=True, keep_with_next=True, splittable=False), _lines(v, f)]
    for picture in pictures:  # (a gap above each picture, as above a heading)
        items += [Html("", keep_with_next=True, splittable=False, space_before=H3_SPACE / 2), picture]
    if v.models:
        items += heading("By model", "Planned and actual cost of each model; the billed cost against the catalog "
                         "price of the same tokens (▲: more than 2% apart: a wrong catalog price, or a negotiated "
                         "rate).")
        items.append(_models(v, f))
    if v.months:
        items += heading("By month", "Each month the usage covers, planned against actual.")
        items.append(_months(v, f))
    if v.unmatched:
        items += heading("Usage no line claims", "Counted as unplanned volume in the (unmatched) row.")
        items.append(_unmatched(v, f))
    if v.notices:
        items += heading("Notices")
        items.append(Html("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in v.notices) + "</ul>"))
    return items

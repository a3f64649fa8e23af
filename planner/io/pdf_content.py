"""What the PDF budget says, section by section, as blocks for the page layout: summary,
assumptions (prices used, levers, multipliers), line items, forecast and notes.

The tables read the column specs of planner.io.export_table (their short headers); every
figure is one of ExportData's (the plan summary's); text from the plan is escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner.formatting import fmt_int, fmt_money, fmt_pct, fmt_price, fmt_small_money
from planner.io.export_table import Kind, Spec, column
from planner.io.pdf_blocks import Html, Item, Table, TableCol, esc

DASH = "—"
#: space above a table's heading (CSS px)
H3_SPACE = 16.0


class Fmt:
    """Numbers as the PDF shows them (all from planner.formatting), HTML-escaped."""

    def __init__(self, currency: str) -> None:
        self.cur = currency

    def money(self, x: Decimal | None) -> str:
        return esc(fmt_money(x, self.cur))

    def small(self, x: Decimal | None) -> str:
        return esc(fmt_small_money(x, self.cur))

    def amount(self, x: Decimal | None) -> str:
        """An amount without the currency symbol (in a table whose heading names the currency)."""
        return esc(fmt_money(x, self.cur, symbol=False))

    def change(self, x: Decimal | None) -> str:
        """A difference in money, signed: '+$12.00', '−$3.50', '$0.00'."""
        if x is None:
            return DASH
        text = self.money(abs(x))
        return text if not x else ("+" if x > 0 else "\u2212") + text

    @staticmethod
    def count(x: Decimal | None) -> str:
        if x is None:
            return DASH
        return fmt_int(x) if x == x.to_integral_value() else f"{x:,.2f}"

    @staticmethod
    def rate(x: Decimal | None) -> str:
        """An input rate as a percent, as precise as given: 0.9 -> '90%', 0.155 -> '15.5%'."""
        if x is None:
            return DASH
        pct = (x * 100).normalize()
        exp = pct.as_tuple().exponent
        places = min(max(0, -exp), 4) if isinstance(exp, int) else 0
        return fmt_pct(pct, places)

    @classmethod
    def signed(cls, x: Decimal) -> str:
        """A change as a signed percent: '+8%', '−30%', '0%'."""
        text = cls.rate(abs(x))
        return text if not x else ("+" if x > 0 else "\u2212") + text

    @staticmethod
    def ratio(x: Decimal | None) -> str:
        """A derived share (a 4-place fraction) as a percent with 2 decimals: 0.0910 -> '9.10%'."""
        return DASH if x is None else fmt_pct(x * 100, 2)

    @staticmethod
    def price(x: Decimal | None) -> str:
        return DASH if x is None else esc(fmt_price(x))

    def cell(self, value: Any, kind: Kind) -> str:
        if kind is Kind.TEXT:
            return esc(value if value is not None else "")
        if kind is Kind.DATE:
            return esc(value.isoformat()) if value is not None else DASH
        return {
            Kind.COUNT: self.count,
            Kind.PRICE: self.price,
            Kind.MONEY: self.money,
            Kind.UNIT_MONEY: self.small,
            Kind.RATE: self.rate,
            Kind.SHARE: self.ratio,
        }[kind](value)


@dataclass(frozen=True)
class View:
    """One PDF column over a spec column: its width (percent) and, optionally, its own cell."""

    key: str
    width: float
    cell: Callable[[Any], str] | None = None


def spec_table(
    spec: Spec, views: Sequence[View], rows: Sequence[Any], f: Fmt,
    total: Sequence[str] | None = None, *, keep_with_next: bool = False,
) -> Table:
    """A table over `spec`: the viewed columns with their short headers, numbers on the right."""
    cols = [column(spec, v.key) for v in views]
    head = [
        TableCol(c.short_header, v.width, c.kind not in (Kind.TEXT, Kind.DATE))
        for c, v in zip(cols, views, strict=True)
    ]
    cells = [
        [v.cell(r) if v.cell else f.cell(r.value(v.key), c.kind)
         for c, v in zip(cols, views, strict=True)]
        for r in rows
    ]
    return Table(head, cells, total, keep_with_next)


def heading(text: str, intro: str = "") -> list[Item]:
    """An h3 heading (and an intro paragraph, HTML) that stay with what follows."""
    items: list[Item] = [
        Html(f"<h3>{esc(text)}</h3>", keep_with_next=True, splittable=False, space_before=H3_SPACE)
    ]
    if intro:
        items.append(Html(f'<p class="muted">{intro}</p>', keep_with_next=True))
    return items


def multiline(text: str) -> str:
    return "<br/>".join(esc(p) for p in text.splitlines())

"""Number formatting shared by the CLI, the UI and the exports (no arithmetic on money here)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from planner.domain.costing import money

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


def fmt_money(x: Decimal | None, currency: str = "USD", symbol: bool = True) -> str:
    """1234.5 -> '$1,234.50' (half-up to cents); negative as '-$1.00'; None as '—'."""
    if x is None:
        return "—"
    v = money(x)
    sign = "-" if v < 0 else ""
    body = f"{abs(v):,.2f}"
    if not symbol:
        return sign + body
    sym = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{sym}{body}" if sym else f"{sign}{body} {currency}"


def fmt_price(x: Decimal | None) -> str:
    """A per-1M price: at least two decimals, more when the price needs them ($0.075)."""
    if x is None:
        return "—"
    x = x.normalize()
    exp = -x.as_tuple().exponent if isinstance(x.as_tuple().exponent, int) else 0
    places = min(max(2, exp), 6)
    return f"{x:,.{places}f}"


def fmt_small_money(x: Decimal | None, currency: str = "USD") -> str:
    """Per-request amounts: six decimals ($0.000450)."""
    if x is None:
        return "—"
    sym = CURRENCY_SYMBOLS.get(currency, "")
    q = x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return f"{sym}{q:,.6f}" if sym else f"{q:,.6f} {currency}"


def fmt_int(x: float | Decimal | int | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{int(Decimal(str(x)).to_integral_value(rounding=ROUND_HALF_UP)):,}"


def fmt_float(x: float | None, places: int = 2) -> str:
    if x is None or math.isnan(x):
        return "—"
    return f"{x:,.{places}f}"


def fmt_pct(x: Decimal | float | None, places: int = 1) -> str:
    """A percentage already in percent units: 12.345 -> '12.3%'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{float(x):,.{places}f}%"


def fmt_tokens(n: int | None) -> str:
    """Context sizes: 128000 -> '128K', 1000000 -> '1M', 1048576 -> '1.05M'."""
    if n is None:
        return "—"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    if n >= 1000:
        return f"{n / 1000:.3g}K"
    return str(n)

"""ISO 4217 currencies from CLDR (Babel): which codes exist and how many minor digits each
has (USD 2, JPY and KRW 0, BHD 3), so that amounts round to what the currency can pay."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache

from babel.numbers import get_currency_precision, is_currency


def is_known(code: str) -> bool:
    """True for an ISO 4217 code CLDR knows (USD, EUR, JPY, ...)."""
    return isinstance(code, str) and len(code) == 3 and code.isupper() and is_currency(code)


@cache
def minor_digits(code: str) -> int:
    """Digits after the decimal point in amounts of `code` (2 for USD, 0 for JPY)."""
    return get_currency_precision(code) if is_known(code) else 2


@cache
def quantum(code: str) -> Decimal:
    """The smallest amount of `code`: 0.01 for USD, 1 for JPY, 0.001 for BHD."""
    return Decimal(1).scaleb(-minor_digits(code))


def round_half_up(x: Decimal, places: int) -> Decimal:
    """`x` rounded half-up to `places` decimals (1234.5 -> 1235 with 0), however many digits
    it has; a zero is never negative (-0.001 -> 0.00, not -0.00)."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, x.adjusted() + places + 2)
        q = x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q

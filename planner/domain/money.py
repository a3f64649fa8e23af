"""Rounding rules for shown money: half-up to the currency's minor unit (cents for USD, whole
yen for JPY), totals that are the sum of the shown parts, and parts footed to a given total
by the largest-remainder method (waterfall steps, shares of 100%)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
#: Prices are per this many tokens.
MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")
#: Digits enough for any amount the engine can produce.
ENGINE_PRECISION = 60


def money(x: Decimal, quantum: Decimal = CENT) -> Decimal:
    """Round half-up to `quantum` (cents unless the currency says otherwise)."""
    try:
        return x.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the current context holds
        with localcontext() as ctx:
            ctx.prec = ENGINE_PRECISION
            return x.quantize(quantum, rounding=ROUND_HALF_UP)


def foot(values: Sequence[Decimal], quantum: Decimal = CENT) -> tuple[list[Decimal], Decimal]:
    """Round each amount; the total is the sum of the rounded amounts."""
    rounded = [money(v, quantum) for v in values]
    return rounded, sum(rounded, ZERO)


def foot_to(values: Sequence[Decimal], total: Decimal, quantum: Decimal = CENT) -> list[Decimal]:
    """Round amounts to `quantum` so they add up exactly to `total` (already rounded).

    The residual units go to the amounts with the largest rounding remainders, the usual
    largest-remainder method, so a waterfall's steps sum to baseline minus optimized and
    line shares to exactly 100%.
    """
    floors = [v.quantize(quantum, rounding=ROUND_FLOOR) for v in values]
    residual = int((total - sum(floors, ZERO)) / quantum)
    order = sorted(range(len(values)), key=lambda i: values[i] - floors[i], reverse=residual > 0)
    out = list(floors)
    if not out:
        return out
    step = quantum if residual > 0 else -quantum
    # More residual units than amounts (many lines each rounding the same way): cycle.
    for k in range(abs(residual)):
        out[order[k % len(order)]] += step
    return out

"""The one parser of numbers typed into the window's cells and fields.

'10,000', '1.5k', '2M', '$1,250.50', '90%': what a person types into a worksheet, catalog,
routing or multiplier cell, or a dialog's field. A refused value raises ValueError with the
reason, which the caller puts after the entry and the column it was typed in."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

_SUFFIXES = {"k": Decimal(1_000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
#: catalog fields given in tokens, which take the k / M / B suffixes
_TOKEN_FIELDS = ("context_window", "max_output")
#: catalog fields that must be more than zero when given
_POSITIVE_FIELDS = ("context_window", "max_output", "throughput_tps")


def parse_amount(text: Any, *, suffixes: bool = True, required: bool = True) -> Decimal | None:
    """A non-negative finite number. Separators (',', '_', spaces) and a '$' are ignored;
    with `suffixes`, 'k', 'M' and 'B' multiply by a thousand, a million, a billion. Empty
    text is None, or refused when `required`."""
    t = str(text).strip().replace(",", "").replace("_", "").replace(" ", "").replace("$", "")
    mult = Decimal(1)
    if suffixes and len(t) > 1 and t[-1].lower() in _SUFFIXES:
        mult, t = _SUFFIXES[t[-1].lower()], t[:-1]
    if t == "":
        if required:
            raise ValueError("a number is required")
        return None
    try:
        v = Decimal(t) * mult
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not v.is_finite():
        raise ValueError(f"'{text}' is not a finite number")
    if v < 0:
        raise ValueError(f"{text} is negative")
    return v


def parse_number(text: Any) -> Decimal:
    """A count the user typed: '10,000', '1.5k', '2M', '1e6'."""
    v = parse_amount(text)
    assert v is not None  # required
    return v


def parse_percent(text: Any) -> Decimal:
    """A rate typed as a percent ('90', '90%', '12.5 %') -> a fraction, 0 to 1."""
    v = parse_amount(str(text).strip().rstrip("%"), suffixes=False)
    assert v is not None  # required
    if v > 100:
        raise ValueError(f"{text}% is above 100%")
    return v / 100


def parse_cell(field: str, value: Any) -> Decimal | None:
    """A catalog field as typed ('$1,250.50', '128k'): None when empty (the field is then
    absent, where it may be)."""
    v = parse_amount(value, suffixes=field in _TOKEN_FIELDS, required=False)
    if v is None:
        return None
    if field == "quality" and v > 100:
        raise ValueError(f"{value} is above 100 (scores are 0–100)")
    if field in _POSITIVE_FIELDS and v == 0:
        raise ValueError("must be more than 0")
    return v

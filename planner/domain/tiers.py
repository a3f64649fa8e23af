"""Price tiers of a model: the tier rule by input price (no pydantic, no decimal: the
Models tab's first paint lists the tiers before either is loaded)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal


class Tier(StrEnum):
    """Price tier of a model (DESIGN.md: by input price unless the catalog says otherwise)."""

    PREMIUM = "premium"
    MID = "mid"
    BUDGET = "budget"


#: The thresholds in cents per 1M input tokens (exact: a Decimal price × 100 against an int).
PREMIUM_FROM_CENTS = 250
MID_FROM_CENTS = 40


def tier_for_input_price(price_in: Decimal) -> Tier:
    """The tier rule: premium `in >= $2.50`, mid `$0.40 <= in < $2.50`, budget below."""
    cents = price_in * 100
    if cents >= PREMIUM_FROM_CENTS:
        return Tier.PREMIUM
    if cents >= MID_FROM_CENTS:
        return Tier.MID
    return Tier.BUDGET

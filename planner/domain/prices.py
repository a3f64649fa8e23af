"""The prices in force: which model entry a plan uses (a pinned price wins over the catalog),
and the per-1M unit prices one request pays on it (long-context tier, cache-write fallback,
batch prices). The engine, the worksheet, the levers panel, the Models table and the
exports' "Prices used" all ask here; none derives a price itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from planner.domain.catalog import Catalog, ModelPrice, TierPrices
from planner.domain.money import ONE, ZERO
from planner.domain.plan import Plan

#: Prices derived by a ratio (a tier's cache price, a batch cache rate) are kept to this
#: many places, so that every later step is exact decimal arithmetic and a waterfall's
#: steps add up exactly to baseline minus optimized. 1e-12 $ per 1M tokens is far below a cent.
DERIVED_PRICE_QUANTUM = Decimal("1e-12")


def _derived(x: Decimal) -> Decimal:
    return x.quantize(DERIVED_PRICE_QUANTUM, rounding=ROUND_HALF_UP).normalize()


PriceLookup = Callable[[str], ModelPrice | None]


def price_lookup(plan: Plan, catalog: Catalog) -> PriceLookup:
    """model id -> the entry a plan is costed with: its pinned price first (a saved plan
    reproduces exactly), then the catalog's."""

    pinned = plan.pinned_prices
    by_id = catalog.by_id  # one attribute read, not one per line

    def lookup(model_id: str) -> ModelPrice | None:
        return pinned.get(model_id) or by_id.get(model_id)

    return lookup


def scheduled_price(m: ModelPrice, on: date) -> ModelPrice:
    """The model's prices in force on a date: a price-history entry dated after the model's
    current price (its as_of) is a known change (an introductory rate that ends, an announced
    cut), in force from its date; the latest one on or before `on` applies."""
    if m.as_of is None or not m.history:
        return m
    due = [p for p in m.history if m.as_of < p.date <= on]
    if not due:
        return m
    p = max(due, key=lambda point: point.date)
    return m.model_copy(update={"input": p.input, "output": p.output,
                                "cache_read": p.cache_read if p.cache_read is not None else m.cache_read,
                                "cache_write": p.cache_write if p.cache_write is not None else m.cache_write})


def scheduled_dates(m: ModelPrice) -> list[date]:
    """The dates of the known future price changes of a model (see scheduled_price)."""
    if m.as_of is None:
        return []
    return sorted({p.date for p in m.history if p.date > m.as_of})


def plan_model(plan: Plan, catalog: Catalog, model_id: str) -> ModelPrice | None:
    """The entry `plan` is costed with for one model (pinned wins), None if neither has it."""
    return price_lookup(plan, catalog)(model_id)


@dataclass(frozen=True)
class UnitPrices:
    """Per-1M prices that apply to one request of a given input size on one model."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal
    long_context: bool
    #: per 1M reasoning tokens (the output price where the model lists none)
    reasoning: Decimal | None = None

    @property
    def reasoning_price(self) -> Decimal:
        return self.output if self.reasoning is None else self.reasoning


def _standard(m: ModelPrice, input_tokens: Decimal, ttl: str) -> UnitPrices:
    lc = m.long_context_for(input_tokens)
    write = m.cache_write
    if ttl == "1h" and m.cache_write_1h is not None:
        write = m.cache_write_1h
    if lc is not None:
        def scaled(x: Decimal) -> Decimal:
            return _derived(x * lc.input / m.input) if m.input else x

        cr = lc.cache_read
        if cr is None and m.cache_read is not None:
            cr = scaled(m.cache_read)
        cw = lc.cache_write if ttl != "1h" or m.cache_write_1h is None else None
        if cw is None:
            cw = scaled(write) if write is not None else lc.input
        reasoning = None if m.reasoning is None else (_derived(m.reasoning * lc.output / m.output) if m.output else m.reasoning)
        return UnitPrices(lc.input, lc.output, cr, cw, True, reasoning)
    cw = write if write is not None else m.input
    return UnitPrices(m.input, m.output, m.cache_read, cw, False, m.reasoning)


def alternative_prices(m: ModelPrice, tier: str = "standard", off_peak: bool = False) -> TierPrices | None:
    """The prices that replace the standard ones: the model's off-peak prices, else its
    service tier's; None when it has neither (the standard prices apply)."""
    if off_peak and m.off_peak is not None:
        return m.off_peak
    if tier != "standard":
        return m.service_tiers.get(tier)
    return None


def unit_prices(m: ModelPrice, input_tokens: Decimal = ZERO, *, ttl: str = "5m", tier: str = "standard",
                off_peak: bool = False) -> UnitPrices:
    """The prices one request pays.

    - Long context: a request whose input exceeds the threshold is billed wholly at the
      tier's prices; tier cache prices not given scale with the tier's input price.
    - A cache write costs the input price where a model lists none; a 1-hour cache (ttl
      "1h") is written at the model's 1-hour price where it has one.
    - At a service tier (flex, priority) or off-peak, the model's prices for it replace the
      standard ones; every price they do not state (cache write, reasoning, a long-context
      price) scales with them: input-side prices by the input ratio, output-side by the
      output ratio.
    """
    std = _standard(m, input_tokens, ttl)
    alt = alternative_prices(m, tier, off_peak)
    if alt is None:
        return std
    f_in = alt.input / m.input if m.input else ONE
    f_out = alt.output / m.output if m.output else ONE
    lc = std.long_context
    if alt.cache_read is not None and not lc:
        cache_read: Decimal | None = alt.cache_read
    else:
        cache_read = None if std.cache_read is None else _derived(std.cache_read * f_in)
    return UnitPrices(
        input=_derived(std.input * f_in) if lc else alt.input,
        output=_derived(std.output * f_out) if lc else alt.output,
        cache_read=cache_read,
        cache_write=_derived(std.cache_write * f_in),
        long_context=lc,
        reasoning=None if std.reasoning is None else _derived(std.reasoning * f_out),
    )


def batch_factors(m: ModelPrice, default_discount: Decimal) -> tuple[Decimal, Decimal]:
    """Multipliers (input side, output side) that turn standard prices into batch prices:
    the model's own batch prices where it has them, else its discount, else the plan's."""
    discount = m.batch_discount if m.batch_discount is not None else default_discount
    f_in = m.batch_input / m.input if m.batch_input is not None and m.input else ONE - discount
    f_out = m.batch_output / m.output if m.batch_output is not None and m.output else ONE - discount
    return f_in, f_out


def batch_prices(m: ModelPrice, p: UnitPrices, default_discount: Decimal) -> UnitPrices:
    """The batch version of `p`: the model's own batch prices (scaled to a long-context
    tier), else the discount; cache rates get the same discount as input (they stack),
    reasoning the same as output."""
    f_in, f_out = batch_factors(m, default_discount)

    def side(own: Decimal | None, price: Decimal, f: Decimal) -> Decimal:
        if own is not None and not p.long_context:
            return own
        return _derived(price * f)

    return UnitPrices(
        input=side(m.batch_input, p.input, f_in),
        output=side(m.batch_output, p.output, f_out),
        cache_read=None if p.cache_read is None else _derived(p.cache_read * f_in),
        cache_write=_derived(p.cache_write * f_in),
        long_context=p.long_context,
        reasoning=None if p.reasoning is None else _derived(p.reasoning * f_out),
    )


def request_fees(m: ModelPrice, search_calls: Decimal = ZERO, images: Decimal = ZERO) -> Decimal:
    """USD a request pays beyond its tokens: the model's per-request price, its web-search
    price per call and its price per input image (none where the model lists none)."""
    fee = m.per_request or ZERO
    if search_calls and m.per_search is not None:
        fee += search_calls * m.per_search
    if images and m.per_image is not None:
        fee += images * m.per_image
    return fee


def cache_break_even_reads(p: UnitPrices) -> Decimal | None:
    """Cache reads per cache write at which prompt caching starts to save: the write's
    premium over the input price ÷ what each read saves, (write − in) ÷ (in − read).
    0 when writing costs no more than input; None when a read saves nothing."""
    if p.cache_read is None or p.cache_read >= p.input:
        return None
    premium = p.cache_write - p.input
    return max(premium, ZERO) / (p.input - p.cache_read)


def has_batch_price(m: ModelPrice, side: str) -> bool:
    """Whether the model states a batch price for `side` ("input"/"output"): its own, or a
    batch discount. (A plan's default discount applies to the others.)"""
    own = m.batch_input if side == "input" else m.batch_output
    return own is not None or m.batch_discount is not None


def catalog_batch_prices(m: ModelPrice) -> tuple[Decimal | None, Decimal | None]:
    """The batch (input, output) prices a catalog entry states, as the Models table shows
    them: its own, else from its own discount; None for a side it says nothing about."""
    b = batch_prices(m, unit_prices(m), m.batch_discount if m.batch_discount is not None else ZERO)
    return (b.input if has_batch_price(m, "input") else None, b.output if has_batch_price(m, "output") else None)

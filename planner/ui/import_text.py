"""The words and figures of an import preview: price changes, conflicts, new models, counts.
Plain text (widgets show it with `plain_tip` or a plain-text label: names come from files)."""

from __future__ import annotations

import html
from decimal import Decimal

from planner.domain.catalog import ModelPrice
from planner.formatting import fmt_price, fmt_tokens
from planner.io.importers import Change, ImportPlan

_TIER_PRICES = {"input": "input", "output": "output", "cache_read": "cache read"}
FIELD_LABELS = {
    "input": "input",
    "output": "output",
    "cache_read": "cache read",
    "cache_write": "cache write",
    "batch_input": "batch input",
    "batch_output": "batch output",
    "long_context": "long-context threshold",
    "long_context.input": "long-context input",
    "long_context.output": "long-context output",
    "long_context.cache_read": "long-context cache read",
    "long_context.cache_write": "long-context cache write",
    "reasoning": "reasoning",
    "cache_write_1h": "1-hour cache write",
    "per_request": "per request",
    "per_search": "per web search",
    "per_image": "per image",
    **{f"off_peak.{f}": f"off-peak {label}" for f, label in _TIER_PRICES.items()},
    **{f"service_tiers.{t}.{f}": f"{t} {label}" for t in ("flex", "priority") for f, label in _TIER_PRICES.items()},
}
#: Fees are USD per request, call or image (not per 1M tokens): shown with their unit.
FEE_UNITS = {"per_request": "request", "per_search": "search", "per_image": "image"}


def usd(x: Decimal | None) -> str:
    return "—" if x is None else f"${fmt_price(x)}"


def fee(x: Decimal | None, unit: str) -> str:
    """'$0.01/search' (a fee in USD per unit, as given)."""
    return "—" if x is None else f"${x.normalize():f}/{unit}"


def _value(change: Change, x: Decimal | None) -> str:
    if change.field == "long_context":
        return "none" if x is None else f"{fmt_tokens(int(x))} tokens"
    if change.field in FEE_UNITS:
        return fee(x, FEE_UNITS[change.field])
    return usd(x)


def describe_change(c: Change) -> str:
    """'input $0.25 → $1.00'"""
    return f"{FIELD_LABELS.get(c.field, c.field)} {_value(c, c.old)} → {_value(c, c.new)}"


def describe_conflict(c: Change) -> str:
    """'input: your price $3.00, import $3.50'"""
    label = FIELD_LABELS.get(c.field, c.field)
    return f"{label}: your price {_value(c, c.old)}, import {_value(c, c.new)}"


def describe_added(m: ModelPrice) -> str:
    parts: list[str] = []
    if m.cache_read is not None:
        parts.append(f"cache read {usd(m.cache_read)}")
    if m.batch_input is not None or m.batch_output is not None:
        parts.append(f"batch {usd(m.batch_input)} / {usd(m.batch_output)}")
    for lc in m.long_context:
        parts.append(
            f"above {fmt_tokens(lc.threshold_tokens)}: {usd(lc.input)} / {usd(lc.output)}"
        )
    if m.reasoning is not None:
        parts.append(f"reasoning {usd(m.reasoning)}")
    if m.cache_write_1h is not None:
        parts.append(f"1-hour cache write {usd(m.cache_write_1h)}")
    for name, t in m.service_tiers.items():
        parts.append(f"{name} {usd(t.input)} / {usd(t.output)}")
    if m.off_peak is not None:
        hours = f" ({m.off_peak.window})" if m.off_peak.window else ""
        parts.append(f"off-peak{hours} {usd(m.off_peak.input)} / {usd(m.off_peak.output)}")
    parts += [fee(getattr(m, f), unit) for f, unit in FEE_UNITS.items() if getattr(m, f)]
    if m.context_window:
        parts.append(f"context {fmt_tokens(m.context_window)}")
    return " · ".join(parts) or "new model"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def summary_text(plan: ImportPlan) -> str:
    """'412 to add, 37 changed, 1,203 unchanged, 2 conflicts, 1,267 skipped'"""
    return (
        f"{len(plan.added):,} to add, {len(plan.changed):,} changed, "
        f"{len(plan.unchanged):,} unchanged, {plural(len(plan.conflicts), 'conflict')}, "
        f"{len(plan.skipped):,} skipped"
    )

def megabytes(n: int) -> str:
    """'512 KB', '3.4 MB' (download progress)."""
    if n < 1024 * 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n / (1024 * 1024):,.1f} MB"


def plain_tip(text: str) -> str:
    """`text` as a tooltip or message that shows exactly those characters: Qt takes text
    with something like a tag in it for rich text, and a model name may hold '<b>'."""
    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"

"""The plan's input:output token mix: its input share, the ratio it makes, and the rebalance
the input:output slider and the sensitivity chart apply.

One definition, used by the Workload slider and its label, the Models tab's "My workload's
ratio", the sensitivity chart's x axis and "now" marker, and `cost-planner quote
--input-share`:

- the input share of a set of lines is Σ R·I ÷ Σ R·(I + O), R = requests per month, I and
  O = input and output tokens per request (lines with no requests count once each when
  every line has none, so an empty-volume plan still has a shape);
- rebalancing to share S multiplies every line's input:output odds I/O by one common factor
  k, solved so that the weighted share is S; each line keeps its total tokens per request,
  so lines keep their order and relative skew, and one line alone moves exactly to S.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from planner.domain.money import ONE, ZERO
from planner.domain.plan import Line

#: a side with no tokens counts as a millionth of a token when odds are scaled: a line that is
#: all input or all output can still move, and stays more skewed than any line that is not
_HALF_TOKEN = 1e-6
_FRACTION_PLACES = Decimal("1e-12")


def _weights(lines: Sequence[Line]) -> list[Decimal]:
    w = [ln.requests_per_month for ln in lines]
    return w if any(w) else [ONE] * len(lines)


def input_share(lines: Sequence[Line]) -> Decimal | None:
    """Σ R·I ÷ Σ R·(I + O) over `lines`; None when they carry no tokens."""
    w = _weights(lines)
    tin = sum((wi * ln.input_tokens for wi, ln in zip(w, lines, strict=True)), ZERO)
    tot = sum((wi * (ln.input_tokens + ln.output_tokens) for wi, ln in zip(w, lines, strict=True)), ZERO)
    return tin / tot if tot else None


def input_output_ratio(share: Decimal | None) -> Decimal | None:
    """The input:output ratio r (as r:1) of an input share: S / (1 − S); None when the share
    is unknown or all input."""
    if share is None or share >= ONE:
        return None
    return share / (ONE - share)


def ratio_label(share: Decimal | None) -> str:
    """'84.8% input · 15.2% output (5.6:1)', as the slider and the Models tab show it."""
    if share is None:
        return "no tokens"
    pct = share * 100
    r = input_output_ratio(share)
    ratio = "all input" if r is None else f"{float(r):.2g}:1"
    return f"{pct:.1f}% input · {100 - pct:.1f}% output ({ratio})"


def _odds(line: Line) -> float:
    return max(float(line.input_tokens), _HALF_TOKEN) / max(float(line.output_tokens), _HALF_TOKEN)


def _share_at(log_k: float, log_odds: np.ndarray, mass: np.ndarray, total: float) -> float:
    """The weighted input share when every line's odds are × e^log_k: Σ m / (1 + e^-(log k +
    log o)) / Σ m (the input fraction k·o / (k·o + 1), computed without overflow)."""
    x = np.clip(log_k + log_odds, -700.0, 700.0)
    return float(np.dot(mass, 1.0 / (1.0 + np.exp(-x))) / total)


def odds_factor(lines: Sequence[Line], share: Decimal) -> float:
    """The common factor k by which every line's input:output odds are multiplied so that
    the weighted input share is `share` (0 < share < 1); solved by bisection on log k (to
    1e-15 of the range: 60 halvings of [-80, 80])."""
    w = _weights(lines)
    mass = np.array([float(wi * (ln.input_tokens + ln.output_tokens)) for wi, ln in zip(w, lines, strict=True)])
    total = float(mass.sum())
    if not total:
        return 1.0
    log_odds = np.log(np.array([_odds(ln) for ln in lines]))
    target = float(share)
    lo, hi = -80.0, 80.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _share_at(mid, log_odds, mass, total) < target:
            lo = mid
        else:
            hi = mid
    return math.exp((lo + hi) / 2)


def _with_input(line: Line, new_in: Decimal) -> Line:
    total = line.input_tokens + line.output_tokens
    new_in = min(max(new_in, ZERO), total)
    update: dict = {"input_tokens": new_in, "output_tokens": total - new_in}
    if line.prompt_cache.prefix_tokens > new_in:
        update["prompt_cache"] = line.prompt_cache.model_copy(update={"prefix_tokens": new_in})
    return line.model_copy(update=update)


def rebalance(lines: Sequence[Line], share: Decimal) -> list[Line]:
    """`lines` with their tokens moved between input and output so that their weighted input
    share is `share`: each line's odds scaled by one common factor, totals per request kept,
    input rounded half-up to whole tokens, a cached prefix cut to the new input."""
    if share <= ZERO:
        return [_with_input(ln, ZERO) for ln in lines]
    if share >= ONE:
        return [_with_input(ln, ln.input_tokens + ln.output_tokens) for ln in lines]
    k = odds_factor(lines, share)
    out = []
    for ln in lines:
        total = ln.input_tokens + ln.output_tokens
        ko = k * _odds(ln)
        frac = ko / (ko + 1.0) if math.isfinite(ko) else 1.0
        # (the solved fraction is good to ~1e-15; kept to 12 places, one line alone lands
        # exactly on its share before the whole-token rounding)
        exact = Decimal(repr(frac)).quantize(_FRACTION_PLACES, rounding=ROUND_HALF_UP)
        new_in = (total * exact).quantize(ONE, rounding=ROUND_HALF_UP)
        out.append(_with_input(ln, new_in))
    return out

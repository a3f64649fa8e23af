"""Multi-turn workloads: a chat session or an agent loop re-sends its history on every turn,
so its cost grows with the square of the turns.

Turn k (from 1) of a session sends the system prompt P, the turn's new input u and the
history of the k−1 earlier turns, each of which added its input, output a and tool or
retrieved tokens t: history H_k = (k − 1)(u + a + t), cut to the line's context cap. So one
session's input is T·P + T·u + (u + a + t)·T(T − 1)/2 without a cap. The re-sent part
(P + H_k) is the turn's cacheable prefix: prompt caching applies to it at the line's hit rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planner.domain.money import ONE, ZERO
from planner.domain.plan import Line


@dataclass(frozen=True)
class Turn:
    """One request as the engine prices it: its share of the line's requests, its input and
    the cacheable prefix within that input."""

    weight: Decimal
    input_tokens: Decimal
    prefix_tokens: Decimal


def history(line: Line, k: int) -> Decimal:
    """Tokens of history turn k (from 1) re-sends: (k − 1)(u + a + t), cut to the cap."""
    h = (k - 1) * (line.input_tokens + line.output_tokens + line.added_tokens)
    return h if line.context_cap is None else min(h, line.context_cap)


def request_profile(line: Line) -> list[Turn]:
    """The requests a line sends, as priced: one kind for a usual line (or two, with a share of
    long requests), one per turn for a multi-turn line (each 1/T of its requests)."""
    if line.turns is not None:
        T = line.turns
        caching = bool(line.prompt_cache.hit_rate)
        out = []
        for k in range(1, T + 1):
            resent = line.system_tokens + history(line, k)
            out.append(Turn(ONE / T, resent + line.input_tokens, resent if caching else ZERO))
        return out
    P = line.prompt_cache.prefix_tokens
    if not line.long_share or line.long_input_tokens is None:
        return [Turn(ONE, line.input_tokens, P)]
    return [Turn(ONE - line.long_share, line.input_tokens, P),
            Turn(line.long_share, line.long_input_tokens, P)]


@dataclass(frozen=True)
class Equivalent:
    """A line as single requests: requests per month and mean tokens per request (a
    multi-turn line's turns are its requests)."""

    requests: Decimal
    input_tokens: Decimal
    output_tokens: Decimal


def equivalent(line: Line) -> Equivalent:
    profile = request_profile(line)
    mean_input = sum((t.weight * t.input_tokens for t in profile), ZERO)
    return Equivalent(line.requests_per_month, mean_input, line.output_tokens)


def session_input(line: Line) -> Decimal:
    """Input tokens one session sends, all turns together (T·P + T·u + Σ history)."""
    if line.turns is None:
        return line.input_tokens
    return sum((line.system_tokens + history(line, k) + line.input_tokens for k in range(1, line.turns + 1)), ZERO)

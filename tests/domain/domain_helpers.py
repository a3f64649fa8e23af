"""Small builders for domain tests: hand-made models, catalogs, lines and plans (no data/ files)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.plan import Line, Plan

D = Decimal
AS_OF = date(2025, 6, 1)


def mp(model_id: str, inp: str | Decimal, out: str | Decimal, **kw: Any) -> ModelPrice:
    """A ModelPrice with the name and provider derived from the id unless given."""
    provider, _, slug = model_id.partition("/")
    kw.setdefault("name", slug)
    kw.setdefault("provider", provider)
    return ModelPrice(id=model_id, input=D(str(inp)), output=D(str(out)), **kw)


def catalog(*models: ModelPrice) -> Catalog:
    return Catalog(as_of=AS_OF, models=tuple(models))


def line(
    model: str, requests: Any, input_tokens: Any, output_tokens: Any, name: str = "Line", **kw: Any
) -> Line:
    return Line(
        name=name,
        model=model,
        requests=D(str(requests)),
        input_tokens=D(str(input_tokens)),
        output_tokens=D(str(output_tokens)),
        **kw,
    )


def plan(*lines: Line, **kw: Any) -> Plan:
    return Plan(lines=list(lines), **kw)


# The reference models used across tests (prices USD per 1M tokens).
SONNET = mp(
    "anthropic/claude-sonnet",
    "3",
    "15",
    name="Claude Sonnet",
    cache_read=D("0.30"),
    cache_write=D("3.75"),
)
OPUS = mp(
    "anthropic/claude-opus",
    "15",
    "75",
    name="Claude Opus",
    cache_read=D("1.50"),
    cache_write=D("18.75"),
)
FLASH = mp("google/gemini-flash", "0.10", "0.40", name="Gemini Flash")
GEMINI_PRO = mp("google/gemini-pro", "2", "12", name="Gemini Pro")
MID = mp("acme/mid", "2", "8", name="Acme Mid")

STANDARD_CATALOG = catalog(SONNET, OPUS, FLASH, GEMINI_PRO, MID)


def two_line_split(lines: list[Line], share: float) -> list[tuple[Decimal, Decimal]]:
    """(input, output) of two lines rebalanced to a weighted input `share`, solved by hand.

    Both lines' odds I/O are multiplied by one factor; with a = k x odds1 and c = odds2 / odds1,
    m1·a/(a+1) + m2·c·a/(c·a+1) = S·M (m = requests x tokens, M = m1 + m2) is the quadratic
    c·M·(1−S)·a² + (m1 + c·m2 − S·M·(c+1))·a − S·M = 0, whose positive root gives the split."""
    import math

    (r1, i1, o1), (r2, i2, o2) = [(float(ln.requests_per_month), float(ln.input_tokens), float(ln.output_tokens))
                                  for ln in lines]
    t1, t2 = i1 + o1, i2 + o2
    m1, m2 = r1 * t1, r2 * t2
    big = m1 + m2
    c = (i2 / o2) / (i1 / o1)
    qa, qb, qc = c * big * (1 - share), m1 + c * m2 - share * big * (c + 1), -share * big
    a = (-qb + math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa)
    in1 = Decimal(round(t1 * a / (a + 1)))
    in2 = Decimal(round(t2 * c * a / (c * a + 1)))
    return [(in1, Decimal(str(t1)) - in1), (in2, Decimal(str(t2)) - in2)]

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

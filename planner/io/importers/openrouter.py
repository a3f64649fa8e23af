"""OpenRouter's /api/v1/models -> ModelPrice.

`pricing` holds strings: USD per token for `prompt`, `completion`, `input_cache_read`,
`input_cache_write` and `internal_reasoning`; USD per unit for `request`, `web_search` (per
call) and `image` (per input image). OpenRouter lists "0" for a cache or reasoning price a
model does not have (cache writes then cost the input price, reasoning tokens the output
price), so a zero there is no price; a zero fee is a fee of nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from planner.domain.errors import InputError
from planner.domain.money import MILLION
from planner.io.importers.common import (
    ImportResult,
    PriceError,
    SkipEntry,
    add_entry,
    normalize_id,
    per_million,
    positive_int,
    provider_display,
    type_name,
)

FORMAT = "openrouter"
SOURCE_NAME = "OpenRouter /api/v1/models"
MODEL_URL = "https://openrouter.ai/{}"

#: OpenRouter pricing key -> ModelPrice field; the first two are required.
PRICE_KEYS: tuple[tuple[str, str], ...] = (
    ("prompt", "input"),
    ("completion", "output"),
    ("input_cache_read", "cache_read"),
    ("input_cache_write", "cache_write"),
    ("internal_reasoning", "reasoning"),
)
#: Token prices where "0" means "none given".
_ZERO_IS_NONE = frozenset({"cache_read", "cache_write", "reasoning"})
#: OpenRouter fee key -> ModelPrice field (USD per request, web-search call, input image).
FEE_KEYS: tuple[tuple[str, str], ...] = (
    ("request", "per_request"),
    ("web_search", "per_search"),
    ("image", "per_image"),
)
_MODALITIES = frozenset({"text", "image", "audio", "video", "file"})


_Skip = SkipEntry


def parse_openrouter(raw: Any, source: str, *, today: date) -> ImportResult:
    """Models of an OpenRouter model list. Bad entries are skipped with a reason, never raised."""
    if not isinstance(raw, dict):
        raise InputError(
            f"{source}: an OpenRouter model list must be a JSON object with 'data', not {type_name(raw)}"
        )
    data = raw.get("data")
    if not isinstance(data, list):
        raise InputError(f"{source}: an OpenRouter model list needs a 'data' list of models")
    result = ImportResult(format=FORMAT, source=source, imported_at=today)
    seen: dict[str, str] = {}
    for i, m in enumerate(data):
        rid = m.get("id") if isinstance(m, dict) else None
        ident = rid.strip() if isinstance(rid, str) and rid.strip() else f"data[{i}]"
        add_entry(result, seen, ident, lambda m=m: _model(m, today))
    return result


def _model(m: Any, today: date) -> dict[str, Any]:
    if not isinstance(m, dict):
        raise _Skip(f"entry is {type_name(m)}, not an object")
    rid = m.get("id")
    if not isinstance(rid, str) or not rid.strip():
        raise _Skip("missing 'id'")
    rid = rid.strip()
    provider, _, slug = rid.partition("/")
    if not slug:
        raise _Skip(f"id '{rid}' is not 'provider/model'")
    model_id = normalize_id(provider, slug)
    if not model_id:
        raise _Skip(f"no usable id from '{rid}'")
    pricing = m.get("pricing")
    if not isinstance(pricing, dict):
        raise _Skip("no 'pricing'" if pricing is None else "field 'pricing': expected an object")
    for key in ("prompt", "completion"):
        if str(pricing.get(key, "")).strip() == "-1":
            raise _Skip("router with variable price (pricing -1)")
    prices: dict[str, Decimal] = {}
    for keys, scale in ((PRICE_KEYS, MILLION), (FEE_KEYS, Decimal(1))):
        for key, field in keys:
            v = pricing.get(key)
            if v is None:
                if field in ("input", "output"):
                    raise _Skip(f"field 'pricing.{key}': missing")
                continue
            try:
                d = per_million(v, scale=scale, strings=True)
            except PriceError as e:
                raise _Skip(f"field 'pricing.{key}': {e}") from None
            if field in _ZERO_IS_NONE and d == 0:
                continue
            prices[field] = d

    name = m.get("name")
    data: dict[str, Any] = {
        "id": model_id,
        "name": name.strip() if isinstance(name, str) and name.strip() else rid,
        "provider": provider_display(provider),
        **prices,
        "source": SOURCE_NAME,
        "source_url": MODEL_URL.format(rid),
        "as_of": today,
    }
    ctx = positive_int(m.get("context_length"))
    top = m.get("top_provider") if isinstance(m.get("top_provider"), dict) else {}
    if ctx is None:
        ctx = positive_int(top.get("context_length"))
    if ctx is not None:
        data["context_window"] = ctx
    max_out = positive_int(top.get("max_completion_tokens"))
    if max_out is not None:
        data["max_output"] = max_out

    arch = m.get("architecture") if isinstance(m.get("architecture"), dict) else {}
    inputs = arch.get("input_modalities")
    modalities = ["text"]
    if isinstance(inputs, list):
        for x in inputs:
            if isinstance(x, str) and x in _MODALITIES and x not in modalities:
                modalities.append(x)
    data["modalities"] = tuple(modalities)
    params = m.get("supported_parameters")
    capabilities: list[str] = []
    if "image" in modalities:
        capabilities.append("vision")
    if isinstance(params, list):
        if "tools" in params:
            capabilities.append("tools")
        if "reasoning" in params or "include_reasoning" in params:
            capabilities.append("reasoning")
    data["capabilities"] = tuple(capabilities)

    data["notes"] = f"Via OpenRouter ('{rid}')."
    return data

"""LiteLLM's model_prices_and_context_window.json (USD per token) -> ModelPrice."""

from __future__ import annotations

import math
import re
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
    join_notes,
    normalize_id,
    per_million,
    positive_int,
    provider_display,
    provider_key,
    type_name,
)

FORMAT = "litellm"
SOURCE_NAME = "LiteLLM model_prices_and_context_window.json"

#: Modes imported by default: chat models, and those LiteLLM serves only through the
#: Responses API (o3-pro, gpt-5-pro, the codex models), which are chat models too.
CHAT_MODES = frozenset({"chat", "responses"})

#: LiteLLM price field -> ModelPrice field.
PRICE_FIELDS: tuple[tuple[str, str], ...] = (
    ("input_cost_per_token", "input"),
    ("output_cost_per_token", "output"),
    ("cache_read_input_token_cost", "cache_read"),
    ("cache_creation_input_token_cost", "cache_write"),
    ("input_cost_per_token_batches", "batch_input"),
    ("output_cost_per_token_batches", "batch_output"),
    ("output_cost_per_reasoning_token", "reasoning"),
    ("cache_creation_input_token_cost_above_1hr", "cache_write_1h"),
)
#: LiteLLM fee field -> ModelPrice field: USD per input image (not per token).
FEE_FIELDS: tuple[tuple[str, str], ...] = (("input_cost_per_image", "per_image"),
                                           ("input_cost_per_request", "per_request"))
#: The web-search price by search-context size; the medium size is the one imported.
SEARCH_FIELD = "search_context_cost_per_query"
SEARCH_SIZE = "search_context_size_medium"
#: LiteLLM suffix of a service tier's prices -> ModelPrice.service_tiers key.
SERVICE_TIERS: tuple[str, ...] = ("flex", "priority")
_ONE = Decimal(1)
_TIER_FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
}
_TIER_KEY = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
    r"|cache_creation_input_token_cost)_above_(\d{1,9})k_tokens$"
)

#: supports_* flag -> (modality added, capability added)
_FLAGS: tuple[tuple[str, str | None, str | None], ...] = (
    ("supports_vision", "image", "vision"),
    ("supports_audio_input", "audio", None),
    ("supports_video_input", "video", None),
    ("supports_pdf_input", "file", None),
    ("supports_function_calling", None, "tools"),
    ("supports_prompt_caching", None, "prompt_caching"),
    ("supports_reasoning", None, "reasoning"),
)

#: Providers whose ids collide with a first-party provider's (Gemini on Vertex AI has the
#: same google/... id as on the Gemini API): read after the others, so on a duplicate
#: the first-party entry is the one kept.
_SECONDARY_PROVIDERS = frozenset({"vertex_ai-language-models"})


_Skip = SkipEntry


def parse_litellm(raw: Any, source: str, *, today: date, all_modes: bool = False) -> ImportResult:
    """Models of a LiteLLM price file. Bad entries are skipped with a reason, never raised."""
    if not isinstance(raw, dict):
        raise InputError(
            f"{source}: a LiteLLM price file must be a JSON object of models by name, not {type_name(raw)}"
        )
    result = ImportResult(format=FORMAT, source=source, imported_at=today)
    first: list[tuple[str, Any]] = []
    later: list[tuple[str, Any]] = []
    for key, entry in raw.items():
        if isinstance(entry, dict) and str(entry.get("litellm_provider")) in _SECONDARY_PROVIDERS:
            later.append((key, entry))
        else:
            first.append((key, entry))
    seen: dict[str, str] = {}
    for key, entry in (*first, *later):
        key = str(key)
        add_entry(result, seen, key, lambda key=key, entry=entry: _entry(key, entry, today=today, all_modes=all_modes),
                  origin="key ")
    return result


def _entry(key: str, e: Any, *, today: date, all_modes: bool) -> dict[str, Any]:
    if key == "sample_spec":
        raise _Skip("the format's sample entry, not a model")
    if not isinstance(e, dict):
        raise _Skip(f"entry is {type_name(e)}, not an object")
    mode = e.get("mode")
    if mode is not None and not isinstance(mode, str):
        raise _Skip(f"field 'mode': must be a string, not {type_name(mode)}")
    if not all_modes and mode not in CHAT_MODES:
        if mode is None:
            raise _Skip("no mode given (not known to be a chat model)")
        raise _Skip(f"mode '{mode}' (not a chat model)")

    raw_provider = e.get("litellm_provider")
    if not isinstance(raw_provider, str) or not raw_provider.strip():
        raise _Skip("missing 'litellm_provider'")
    model_id = normalize_id(raw_provider, _strip_provider(key, raw_provider))
    if not model_id:
        raise _Skip(f"no usable id from key '{key}'")

    notes: list[str] = []
    prices: dict[str, Decimal] = {}
    for src, dst in PRICE_FIELDS:
        v = e.get(src)
        if v is None:
            continue
        prices[dst] = _price(v, src)
    long_context: list[dict[str, Any]] | None = None
    if "input" not in prices or "output" not in prices:
        tp = e.get("tiered_pricing")
        if tp is not None and "input" not in prices and "output" not in prices:
            long_context = _from_tiered_pricing(tp, prices, notes)
        for src, dst in PRICE_FIELDS[:2]:
            if dst not in prices:
                raise _Skip(f"no '{src}'")
    if long_context is None:
        long_context = _long_context(e, prices, notes)
    fees = _fees(e, notes)
    tiers = _service_tiers(e, notes)

    data: dict[str, Any] = {
        "id": model_id,
        "name": key,
        "provider": provider_display(raw_provider),
        **prices,
        **fees,
        "source": SOURCE_NAME,
        "as_of": today,
    }
    if tiers:
        data["service_tiers"] = tiers
    if long_context is not None:
        data["long_context"] = long_context
    ctx = positive_int(e.get("max_input_tokens"))
    if ctx is None:
        ctx = positive_int(e.get("max_tokens"))
    if ctx is not None:
        data["context_window"] = ctx
    max_out = positive_int(e.get("max_output_tokens"))
    if max_out is not None:
        data["max_output"] = max_out

    modalities = ["text"]
    capabilities: list[str] = []
    for flag, modality, capability in _FLAGS:
        if e.get(flag) is True:
            if modality and modality not in modalities:
                modalities.append(modality)
            if capability:
                capabilities.append(capability)
    data["modalities"] = tuple(modalities)
    data["capabilities"] = tuple(capabilities)

    src_ref = e.get("source")
    if isinstance(src_ref, str) and src_ref.strip():
        if src_ref.strip().startswith(("http://", "https://")):
            data["source_url"] = src_ref.strip()
        else:
            notes.append(f"Source: {src_ref.strip()}.")
    if mode is not None and mode not in CHAT_MODES:
        notes.append(f"LiteLLM mode '{mode}'.")
    elif mode == "responses":
        notes.append("Responses API only.")
    dep = e.get("deprecation_date")
    if isinstance(dep, str) and dep.strip():
        notes.append(f"Deprecation date {dep.strip()}.")
    if notes:
        data["notes"] = join_notes(notes)
    return data


def _strip_provider(key: str, provider: str) -> str:
    """The key without its leading "provider/" ("gemini/gemini-2.5-pro" -> "gemini-2.5-pro")."""
    if "/" not in key:
        return key
    head, rest = key.split("/", 1)
    h = head.lower()
    p = provider.lower()
    candidates = {p, p.replace("_", "-"), p.replace("-", "_"), provider_key(p), p.split("-", 1)[0]}
    if p.startswith("bedrock"):
        candidates.add("bedrock")
    if h in candidates or provider_key(h) == provider_key(p):
        if provider_key(p) == "fireworks_ai" and rest.startswith("accounts/fireworks/models/"):
            rest = rest[len("accounts/fireworks/models/") :]
        return rest
    return key


def _price(value: Any, field: str, scale: Decimal = MILLION) -> Decimal:
    """A per-token price as USD per 1M tokens (`scale` 1: a fee in USD per unit, as given)."""
    try:
        return per_million(value, scale=scale)
    except PriceError as e:
        raise _Skip(f"field '{field}': {e}") from None


def _fees(e: dict[str, Any], notes: list[str]) -> dict[str, Decimal]:
    """Per-image and web-search prices (USD per unit; a per-request price goes to the notes). LiteLLM prices a web
    search by search-context size; the medium size is taken (the note gives the others)."""
    fees = {dst: _price(e[src], src, _ONE) for src, dst in FEE_FIELDS if e.get(src) is not None}
    search = e.get(SEARCH_FIELD)
    if isinstance(search, dict):
        sizes = {k: _price(v, f"{SEARCH_FIELD}.{k}", _ONE) for k, v in search.items() if v is not None}
        if SEARCH_SIZE in sizes:
            fees["per_search"] = sizes[SEARCH_SIZE]
            if len(set(sizes.values())) > 1:
                others = ", ".join(
                    f"{k.removeprefix('search_context_size_')} {v}" for k, v in sorted(sizes.items())
                )
                notes.append(f"Web search priced at the medium search-context size (USD per call: {others}).")
    elif search is not None:
        fees["per_search"] = _price(search, SEARCH_FIELD, _ONE)
    return fees


def _service_tiers(e: dict[str, Any], notes: list[str]) -> dict[str, dict[str, Decimal]]:
    """Flex and priority prices (`*_flex`, `*_priority`); a tier without both an input and
    an output price is left out, with a note."""
    out: dict[str, dict[str, Decimal]] = {}
    for tier in SERVICE_TIERS:
        p = {
            dst: _price(e[f"{src}_{tier}"], f"{src}_{tier}")
            for src, dst in (
                ("input_cost_per_token", "input"),
                ("output_cost_per_token", "output"),
                ("cache_read_input_token_cost", "cache_read"),
            )
            if e.get(f"{src}_{tier}") is not None
        }
        if "input" in p and "output" in p:
            out[tier] = p
        elif p:
            missing = "output" if "input" in p else "input"
            notes.append(f"{tier.capitalize()} prices not imported: no {tier} {missing} price.")
    return out


def _range(threshold: int, p: dict[str, Decimal], below: dict[str, Decimal]) -> dict[str, Any]:
    """One long-context range; a price it does not state is the range below's."""
    tier: dict[str, Any] = {
        "threshold_tokens": threshold,
        "input": p.get("input", below["input"]),
        "output": p.get("output", below["output"]),
    }
    for f in ("cache_read", "cache_write"):
        if f in p:
            tier[f] = p[f]
    return tier


def _long_context(
    e: dict[str, Any], prices: dict[str, Decimal], notes: list[str]
) -> list[dict[str, Any]] | None:
    """Every `*_above_Nk_tokens` range, by rising threshold."""
    by_threshold: dict[int, dict[str, Decimal]] = {}
    for k, v in e.items():
        if "_above_" not in k or not k.endswith("k_tokens"):
            continue
        m = _TIER_KEY.match(k)
        if m is None or v is None:
            continue
        threshold = int(m.group(2)) * 1000
        by_threshold.setdefault(threshold, {})[_TIER_FIELDS[m.group(1)]] = _price(v, k)
    usable = sorted(t for t, p in by_threshold.items() if "input" in p or "output" in p)
    if not usable:
        return None
    ranges, below = [], prices
    for t in usable:
        ranges.append(_range(t, by_threshold[t], below))
        below = ranges[-1]
        changed = [f for f in ("input", "output") if f in by_threshold[t]]
        if len(changed) == 1:
            notes.append(f"Above {t:,} tokens only the {changed[0]} price changes.")
    return ranges


def _from_tiered_pricing(
    tp: Any, prices: dict[str, Decimal], notes: list[str]
) -> list[dict[str, Any]] | None:
    """LiteLLM's `tiered_pricing` list of {range: [from, to], *_cost...}: the first range
    gives the prices, each later one a long-context range. Fills `prices` in place."""
    if not isinstance(tp, list) or not tp or not all(isinstance(t, dict) for t in tp):
        return None
    tiers = []
    for i, t in enumerate(tp):
        rng = t.get("range")
        starts = [_whole(x) for x in rng] if isinstance(rng, list) and len(rng) == 2 else [None]
        if None in starts:
            return None
        tier_prices = {}
        for src, dst in _TIER_FIELDS.items():
            if t.get(src) is not None:
                tier_prices[dst] = _price(t[src], f"tiered_pricing[{i}].{src}")
        tiers.append((starts[0], tier_prices))
    tiers.sort(key=lambda x: x[0])
    start, base = tiers[0]
    if start != 0 or "input" not in base or "output" not in base:
        return None
    for f in ("input", "output", "cache_read", "cache_write"):
        if f in base and f not in prices:
            prices[f] = base[f]
    if len(tiers) == 1:
        return None
    ranges, below = [], base
    for threshold, p in tiers[1:]:
        if threshold <= 0 or "input" not in p or "output" not in p:
            return None
        ranges.append(_range(threshold, p, below))
        below = ranges[-1]
    notes.append(f"Priced by context length (LiteLLM tiered_pricing, {len(tiers)} ranges).")
    return ranges


def _whole(x: Any) -> int | None:
    """A whole number of tokens from JSON (0 included), or None for anything else."""
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return x if x >= 0 else None
    if isinstance(x, float) and math.isfinite(x) and x.is_integer() and x >= 0:
        return int(x)
    return None

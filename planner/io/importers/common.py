"""What the catalog importers share: results, id normalisation, exact prices, file reading."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from planner.domain.catalog import ModelPrice

#: Largest import file read (checked with stat before reading).
MAX_IMPORT_BYTES = 64 * 1024 * 1024

#: The same ceiling ModelPrice puts on a price (USD per 1M tokens).
MAX_PRICE = Decimal(100_000)


@dataclass(frozen=True)
class Skipped:
    """An entry of the imported file that was not imported, and why."""

    id: str
    reason: str


@dataclass
class ImportResult:
    """The models read from one external price file, and the entries left out."""

    format: str  # "litellm" | "genai-prices" | "openrouter"
    source: str  # file path or URL
    imported_at: date
    models: list[ModelPrice] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Ids and provider names

#: Provider spellings of the external files -> the provider part of our ids.
PROVIDER_ALIASES: dict[str, str] = {
    "gemini": "google",
    "vertex_ai-language-models": "google",
    "google-ai-studio": "google",
    "x-ai": "xai",
    "bedrock_converse": "bedrock",
    "aws": "bedrock",
    "amazon-bedrock": "bedrock",
    "cohere_chat": "cohere",
    "meta_llama": "meta",
    "meta-llama": "meta",
    "mistralai": "mistral",
    "moonshotai": "moonshot",
    "together": "together_ai",
    "fireworks": "fireworks_ai",
    "text-completion-openai": "openai",
    "azure_text": "azure",
    "z-ai": "zai",
}

#: Display names of the providers we know (keyed by the aliased provider id).
PROVIDER_NAMES: dict[str, str] = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "vertex_ai": "Google",
    "deepseek": "DeepSeek",
    "xai": "xAI",
    "mistral": "Mistral",
    "groq": "Groq",
    "bedrock": "Amazon Bedrock",
    "azure": "Azure",
    "azure_ai": "Azure AI",
    "openrouter": "OpenRouter",
    "together_ai": "Together AI",
    "fireworks_ai": "Fireworks AI",
    "meta": "Meta",
    "cohere": "Cohere",
    "qwen": "Qwen",
    "moonshot": "Moonshot AI",
    "zai": "Z.AI",
    "perplexity": "Perplexity",
    "cerebras": "Cerebras",
}

_PROVIDER_BAD = re.compile(r"[^a-z0-9._-]+")
_SLUG_BAD = re.compile(r"[^a-z0-9._:@+/-]+")
_DASHES = re.compile(r"-{2,}")
_LEAD = re.compile(r"^[^a-z0-9]+")


def provider_key(provider: str) -> str:
    """The provider part of an id: lowercase, aliases applied, only [a-z0-9._-]."""
    p = provider.strip().lower()
    p = PROVIDER_ALIASES.get(p, p)
    if p.startswith("vertex_ai"):
        p = "vertex_ai"
    p = _PROVIDER_BAD.sub("-", p)
    p = _DASHES.sub("-", p)
    p = _LEAD.sub("", p).rstrip("-.")
    return PROVIDER_ALIASES.get(p, p)


def normalize_id(provider: str, model: str) -> str:
    """`provider/model-slug` in the shape the shipped catalog uses.

    "openai", "gpt-4.1-mini" -> "openai/gpt-4-1-mini"; "gemini", "gemini-2.5-pro" ->
    "google/gemini-2-5-pro". Returns "" when either part has nothing usable left.
    """
    p = provider_key(provider)
    m = model.strip().lower().replace(".", "-").replace(" ", "-")
    m = _SLUG_BAD.sub("-", m)
    segments = []
    for seg in m.split("/"):
        seg = _DASHES.sub("-", seg)
        seg = _LEAD.sub("", seg).rstrip("-")
        if seg:
            segments.append(seg)
    slug = "/".join(segments)
    if not p or not slug:
        return ""
    return f"{p}/{slug}"


def provider_display(provider: str) -> str:
    """A provider's display name: known ones from a table, others title-cased."""
    key = provider_key(provider)
    if key in PROVIDER_NAMES:
        return PROVIDER_NAMES[key]
    raw = provider.strip()
    if not raw:
        return "Unknown"
    if raw.lower() != raw:  # already has its own capitalisation ("Deepseek", "AWS Bedrock")
        return raw
    return raw.replace("_", " ").title()


# ---------------------------------------------------------------------------------------
# Exact prices


class PriceError(ValueError):
    """A price that can't be used; the message names what is wrong (not the field)."""


def clean_decimal(d: Decimal) -> Decimal:
    """Normalized, but never in exponent form for whole numbers (10, not 1E+1)."""
    d = d.normalize()
    if d == 0:
        return Decimal(0)
    if d.as_tuple().exponent > 0:  # type: ignore[operator]
        d = d.quantize(Decimal(1))
    return d


def to_decimal(value: Any, *, strings: bool) -> Decimal:
    """A JSON number (or, when `strings`, a numeric string) as an exact Decimal.

    Floats go through `str()` so 2.5e-06 becomes Decimal("2.5E-6"), not its binary
    approximation. Raises PriceError for anything else.
    """
    if isinstance(value, bool):
        raise PriceError(f"not a number ({value!r})")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise PriceError(f"not a finite number ({value!r})")
        d = Decimal(str(value))
    elif isinstance(value, str) and strings:
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise PriceError(f"not a number ({value!r})") from None
    else:
        kind = "a string" if isinstance(value, str) else type(value).__name__
        raise PriceError(f"must be a number, not {kind} ({_short(value)})")
    if not d.is_finite():
        raise PriceError(f"not a finite number ({value!r})")
    return d


def per_million(value: Any, *, scale: Decimal, strings: bool = False) -> Decimal:
    """A price converted to USD per 1M tokens (`scale` 1e6 for per-token prices), checked."""
    d = to_decimal(value, strings=strings)
    if d < 0:
        raise PriceError(f"negative price ({_short(value)})")
    if d > 0 and d.adjusted() > MAX_PRICE.adjusted():  # absurd at any scale: no arithmetic on it
        raise PriceError(f"absurd price ({_short(value)}, over {MAX_PRICE} USD per 1M tokens)")
    if scale != 1:
        d = d * scale
    d = clean_decimal(d)
    if d < 0:
        raise PriceError(f"negative price ({_short(value)})")
    if d > MAX_PRICE:
        raise PriceError(f"absurd price ({clean_decimal(d)} USD per 1M tokens, over {MAX_PRICE})")
    return d


def positive_int(value: Any) -> int | None:
    """An int > 0, or None for anything else (strings, floats with fractions, bools)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and value > 0:
        return int(value)
    return None


def _short(value: Any) -> str:
    s = repr(value)
    return s if len(s) <= 40 else s[:37] + "..."


def validation_reason(exc: ValidationError) -> str:
    """The first problem of a ModelPrice validation, naming our field."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()))
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return f"field '{loc}': {msg}" if loc else msg


class SkipEntry(Exception):
    """An entry that is not imported; the message is the reason."""


def add_entry(
    result: ImportResult, seen: dict[str, str], ident: str, make: Callable[[], dict[str, Any]], origin: str = ""
) -> None:
    """Build one entry's model and add it to `result`, or record why it was skipped
    (SkipEntry, a duplicate id, a field that does not validate). `seen` maps the ids taken so
    far to the entry that took them; `origin` describes that entry in the duplicate reason."""
    try:
        data = make()
        model_id = data["id"]
        if model_id in seen:
            raise SkipEntry(f"duplicate of {model_id} (from {origin}'{seen[model_id]}')")
        model = build_model(data)
    except SkipEntry as e:
        result.skipped.append(Skipped(ident, str(e)))
        return
    except ValidationError as e:
        result.skipped.append(Skipped(ident, validation_reason(e)))
        return
    seen[model_id] = ident
    result.models.append(model)


def build_model(data: dict[str, Any]) -> ModelPrice:
    """ModelPrice.model_validate on a plain dict (the fast path: one validation per entry)."""
    return ModelPrice.model_validate(data)


def join_notes(parts: list[str]) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def type_name(raw: Any) -> str:
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, str):
        return "a string"
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "a boolean"
    return "a number"

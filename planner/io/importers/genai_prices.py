"""genai-prices' data.json (v2: providers with models, USD per 1M tokens) -> ModelPrice.

A model's `prices` is one object, or a list of `{"constraint": {...}, "prices": {...}}`
entries: one without a constraint (the base) and others from a `start_date` on (or, for a
few providers, at certain times of day). A price is a number or `{"base": x, "tiers":
[{"start": n, "price": y}]}`, the tier applying to requests with more than n input tokens.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from planner.domain.errors import InputError
from planner.io.importers.common import (
    PROVIDER_NAMES,
    ImportResult,
    PriceError,
    SkipEntry,
    Skipped,
    add_entry,
    join_notes,
    normalize_id,
    per_million,
    positive_int,
    provider_display,
    provider_key,
    type_name,
)

FORMAT = "genai-prices"
SOURCE_NAME = "genai-prices data.json"
HISTORY_SOURCE = "genai-prices"

#: genai-prices price key -> ModelPrice field.
PRICE_KEYS: tuple[tuple[str, str], ...] = (
    ("input_mtok", "input"),
    ("output_mtok", "output"),
    ("cache_read_mtok", "cache_read"),
    ("cache_write_mtok", "cache_write"),
)
_ONE = Decimal(1)


_Skip = SkipEntry


def parse_genai_prices(raw: Any, source: str, *, today: date) -> ImportResult:
    """Models of a genai-prices data.json. Bad entries are skipped with a reason, never raised."""
    if isinstance(raw, dict) and isinstance(raw.get("providers"), list):
        raw = raw["providers"]
    if not isinstance(raw, list):
        raise InputError(
            f"{source}: a genai-prices data.json must be a JSON list of providers, not {type_name(raw)}"
        )
    result = ImportResult(format=FORMAT, source=source, imported_at=today)
    seen: dict[str, str] = {}
    for pi, prov in enumerate(raw):
        if not isinstance(prov, dict):
            result.skipped.append(
                Skipped(f"providers[{pi}]", f"provider is {type_name(prov)}, not an object")
            )
            continue
        pid = prov.get("id")
        if not isinstance(pid, str) or not pid.strip():
            result.skipped.append(Skipped(f"providers[{pi}]", "provider has no 'id'"))
            continue
        models = prov.get("models")
        if not isinstance(models, list):
            result.skipped.append(Skipped(pid, "provider has no 'models' list"))
            continue
        # Known providers get the same display name as from the other importers (so the
        # catalog has one "DeepSeek", not "Deepseek" too); others keep genai-prices' name.
        pname = prov.get("name")
        if provider_key(pid) in PROVIDER_NAMES or not (isinstance(pname, str) and pname.strip()):
            display = provider_display(pid)
        else:
            display = pname.strip()
        url = None
        urls = prov.get("pricing_urls")
        if (
            isinstance(urls, list)
            and urls
            and isinstance(urls[0], str)
            and urls[0].startswith(("http://", "https://"))
        ):
            url = urls[0]
        for mi, m in enumerate(models):
            mid = m.get("id") if isinstance(m, dict) else None
            ident = (
                f"{pid}/{mid}" if isinstance(mid, str) and mid.strip() else f"{pid}/models[{mi}]"
            )
            add_entry(result, seen, ident, lambda pid=pid, display=display, url=url, m=m: _model(pid, display, url, m, today))
    return result


def _model(pid: str, display: str, url: str | None, m: Any, today: date) -> dict[str, Any]:
    if not isinstance(m, dict):
        raise _Skip(f"model is {type_name(m)}, not an object")
    mid = m.get("id")
    if not isinstance(mid, str) or not mid.strip():
        raise _Skip("model has no 'id'")
    model_id = normalize_id(pid, mid)
    if not model_id:
        raise _Skip(f"no usable id from '{pid}/{mid}'")
    notes: list[str] = []
    current, history, where = _select_prices(m.get("prices"), today, notes)
    fields, long_context = _prices(current, where, notes)

    name = m.get("name")
    data: dict[str, Any] = {
        "id": model_id,
        "name": name.strip() if isinstance(name, str) and name.strip() else mid,
        "provider": display,
        **fields,
        "source": SOURCE_NAME,
        "as_of": today,
    }
    if long_context is not None:
        data["long_context"] = long_context
    if url:
        data["source_url"] = url
    ctx = positive_int(m.get("context_window"))
    if ctx is not None:
        data["context_window"] = ctx
    if history:
        data["history"] = [
            {**p, "source": HISTORY_SOURCE, **({"source_url": url} if url else {})} for p in history
        ]
    if m.get("deprecated") is True:
        notes.append("Deprecated.")
    comment = m.get("price_comments")
    if isinstance(comment, str) and comment.strip():
        notes.append(comment.strip())
    if notes:
        data["notes"] = join_notes(notes)
    return data


def _select_prices(
    prices: Any, today: date, notes: list[str]
) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """(current prices, history points dated up to today, where the current prices are)."""
    if isinstance(prices, dict):
        return prices, [], "prices"
    if not isinstance(prices, list) or not prices:
        raise _Skip("no 'prices'")
    base: tuple[int, dict[str, Any]] | None = None
    dated: list[tuple[date, int, dict[str, Any]]] = []
    other: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for i, item in enumerate(prices):
        if not isinstance(item, dict) or not isinstance(item.get("prices"), dict):
            raise _Skip(f"field 'prices[{i}]': expected an object with 'prices'")
        constraint = item.get("constraint")
        if not constraint:
            if base is None:
                base = (i, item["prices"])
            continue
        if not isinstance(constraint, dict):
            raise _Skip(f"field 'prices[{i}].constraint': expected an object")
        if set(constraint) == {"start_date"}:
            try:
                d = date.fromisoformat(str(constraint["start_date"])[:10])
            except ValueError:
                raise _Skip(
                    f"field 'prices[{i}].constraint.start_date': not a date ({constraint['start_date']!r})"
                ) from None
            dated.append((d, i, item["prices"]))
        else:
            other.append((i, constraint, item["prices"]))
    dated.sort(key=lambda x: x[0])
    past = [x for x in dated if x[0] <= today]
    future = [x for x in dated if x[0] > today]
    history: list[dict[str, Any]] = []
    for d, i, p in past:
        point = _point(p, f"prices[{i}].prices")
        if point is not None:
            history.append({"date": d, **point})
    if past:
        d, i, current = past[-1]
        where = f"prices[{i}].prices"
        if base is not None:
            bp = _point(base[1], f"prices[{base[0]}].prices")
            if bp is not None:
                notes.append(f"Before {past[0][0].isoformat()}: {_describe(bp)}.")
    elif base is not None:
        current, where = base[1], f"prices[{base[0]}].prices"
    else:
        raise _Skip(
            f"no prices in force on {today.isoformat()} (first from {dated[0][0].isoformat()})"
            if dated
            else "no unconstrained prices"
        )
    for d, i, p in future:
        fp = _point(p, f"prices[{i}].prices")
        if fp is not None:
            notes.append(f"From {d.isoformat()}: {_describe(fp)} (announced).")
    for i, constraint, p in other:
        op = _point(p, f"prices[{i}].prices")
        cond = ", ".join(f"{k} {v}" for k, v in constraint.items())
        if op is not None:
            notes.append(
                f"Other prices apply under a constraint ({cond}): {_describe(op)}; the unconstrained prices are used here."
            )
    return current, history, where


def _describe(p: dict[str, Any]) -> str:
    parts = [f"input {p['input']}", f"output {p['output']}"]
    for f in ("cache_read", "cache_write"):
        if p.get(f) is not None:
            parts.append(f"{f.replace('_', ' ')} {p[f]}")
    return ", ".join(parts) + " USD/1M"


def _point(p: dict[str, Any], where: str) -> dict[str, Any] | None:
    """The flat prices of one entry (tiers left out), or None without input/output."""
    out: dict[str, Any] = {}
    for key, field in PRICE_KEYS:
        v = p.get(key)
        if v is None:
            continue
        if isinstance(v, dict):
            v = v.get("base")
        out[field] = _price(v, f"{where}.{key}")
    if "input" not in out or "output" not in out:
        return None
    return out


def _prices(
    p: dict[str, Any], where: str, notes: list[str]
) -> tuple[dict[str, Decimal], dict[str, Any] | None]:
    flat: dict[str, Decimal] = {}
    tiers: dict[str, tuple[int, Decimal]] = {}
    for key, field in PRICE_KEYS:
        v = p.get(key)
        if v is None:
            continue
        if isinstance(v, dict):
            if "base" not in v:
                raise _Skip(f"field '{where}.{key}': tiered price without 'base'")
            flat[field] = _price(v["base"], f"{where}.{key}.base")
            tier = _first_tier(v.get("tiers"), f"{where}.{key}", notes, field)
            if tier is not None:
                tiers[field] = tier
        else:
            flat[field] = _price(v, f"{where}.{key}")
    if not p:
        raise _Skip("no prices given (empty 'prices': free, or not priced per token)")
    for key, field in PRICE_KEYS[:2]:
        if field not in flat:
            others = sorted(k for k in p if k not in {k for k, _ in PRICE_KEYS})
            has = f" (has only {', '.join(others)})" if others else ""
            raise _Skip(f"no '{key}' price{has}")
    return flat, _long_context(flat, tiers, notes)


def _first_tier(tiers: Any, where: str, notes: list[str], field: str) -> tuple[int, Decimal] | None:
    if tiers is None or tiers == []:
        return None
    if not isinstance(tiers, list):
        raise _Skip(f"field '{where}.tiers': expected a list")
    parsed: list[tuple[int, Decimal]] = []
    for j, t in enumerate(tiers):
        if not isinstance(t, dict):
            raise _Skip(f"field '{where}.tiers[{j}]': expected an object")
        start = positive_int(t.get("start"))
        if start is None:
            raise _Skip(
                f"field '{where}.tiers[{j}].start': expected a positive whole number of tokens"
            )
        parsed.append((start, _price(t.get("price"), f"{where}.tiers[{j}].price")))
    parsed.sort(key=lambda x: x[0])
    if len(parsed) > 1 and field in ("input", "output"):
        rest = "; ".join(f"above {s:,} tokens {v}" for s, v in parsed[1:])
        notes.append(f"Further {field} price tiers not modelled: {rest}.")
    return parsed[0]


def _long_context(
    flat: dict[str, Decimal], tiers: dict[str, tuple[int, Decimal]], notes: list[str]
) -> dict[str, Any] | None:
    if "input" in tiers:
        threshold = tiers["input"][0]
    elif "output" in tiers:
        threshold = tiers["output"][0]
    else:
        return None
    tier: dict[str, Any] = {"threshold_tokens": threshold}
    for field in ("input", "output", "cache_read", "cache_write"):
        t = tiers.get(field)
        if t is not None and t[0] == threshold:
            tier[field] = t[1]
        elif field in ("input", "output"):
            tier[field] = flat[field]
            if t is not None:
                notes.append(
                    f"The {field} price changes above {t[0]:,} tokens ({t[1]}), not modelled."
                )
    return tier


def _price(value: Any, field: str) -> Decimal:
    if value is None:
        raise _Skip(f"field '{field}': missing")
    try:
        return per_million(value, scale=_ONE)
    except PriceError as e:
        raise _Skip(f"field '{field}': {e}") from None

"""genai-prices' data.json (v2: providers with models, USD per 1M tokens) -> ModelPrice.

A model's `prices` is one object, or a list of `{"constraint": {...}, "prices": {...}}`
entries: one without a constraint (the base) and others from a `start_date` on, or at
certain times of day (`start_time`/`end_time`, UTC: DeepSeek's peak hours; the cheaper of
the two becomes the model's off-peak prices). A price is a number or `{"base": x, "tiers":
[{"start": n, "price": y}]}`, the tier applying to whole requests with more than n input
tokens. Prices are per 1M tokens, except `*_kcount`: per thousand requests or searches.
`price_variants` (`{"when": {"service_tier": "flex"}, "prices": {...}}`) give the flex,
priority and batch prices; a key a variant does not state keeps the standard price.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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
    ("cache_write_1h_mtok", "cache_write_1h"),
    ("output_reasoning_mtok", "reasoning"),
)
#: The price keys a dated price point records.
POINT_KEYS = PRICE_KEYS[:4]
#: genai-prices price per thousand units -> ModelPrice fee (USD per unit).
KCOUNT_KEYS: tuple[tuple[str, str], ...] = (
    ("requests_kcount", "per_request"),
    ("web_searches_kcount", "per_search"),
)
_ONE = Decimal(1)
_PER_THOUSAND = Decimal("0.001")
#: The `when` of a price variant with batch prices.
_BATCH = {"processing": "batch"}


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
    current, history, where, timed = _select_prices(m.get("prices"), today, notes)
    off_peak = None
    if timed is not None:
        current, where, off_peak = _peak_and_off_peak(current, where, timed)
    fields, long_context = _prices(current, where, notes)
    fields.update(_variants(m.get("price_variants"), fields, notes))
    if off_peak is not None:
        fields["off_peak"] = off_peak

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


#: A time-of-day price entry: (its prices, where they are, its start and end time in UTC).
Timed = tuple[dict[str, Any], str, time, time]


def _select_prices(
    prices: Any, today: date, notes: list[str]
) -> tuple[dict[str, Any], list[dict[str, Any]], str, Timed | None]:
    """(current prices, history points dated up to today, where the current prices are,
    the time-of-day entry that overrides them in its hours, if any)."""
    if isinstance(prices, dict):
        return prices, [], "prices", None
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
        d, cur_i, current = past[-1]
        if base is not None:
            bp = _point(base[1], f"prices[{base[0]}].prices")
            if bp is not None:
                notes.append(f"Before {past[0][0].isoformat()}: {_describe(bp)}.")
    elif base is not None:
        cur_i, current = base
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
    return current, history, f"prices[{cur_i}].prices", _timed(other, cur_i, notes)


def _timed(other: list[tuple[int, dict[str, Any], dict[str, Any]]], cur_i: int, notes: list[str]) -> Timed | None:
    """The one time-of-day entry listed after the current prices (a later entry overrides an
    earlier one in its hours); any other constrained entry is described in the notes."""
    timed: Timed | None = None
    for i, constraint, p in other:
        if set(constraint) == {"start_time", "end_time"} and i > cur_i and timed is None:
            where = f"prices[{i}]"
            timed = (p, f"{where}.prices", _utc_time(constraint["start_time"], f"{where}.constraint.start_time"),
                     _utc_time(constraint["end_time"], f"{where}.constraint.end_time"))
            continue
        op = _point(p, f"prices[{i}].prices")
        cond = ", ".join(f"{k} {v}" for k, v in constraint.items())
        if op is not None:
            notes.append(
                f"Other prices apply under a constraint ({cond}): {_describe(op)}; the unconstrained prices are used here."
            )
    return timed


def _utc_time(value: Any, field: str) -> time:
    try:
        t = time.fromisoformat(str(value))
    except ValueError:
        raise _Skip(f"field '{field}': not a time of day ({value!r})") from None
    if t.tzinfo is not None:
        t = datetime.combine(date(2000, 1, 1), t).astimezone(UTC).time()
    return t


def _peak_and_off_peak(
    current: dict[str, Any], where: str, timed: Timed
) -> tuple[dict[str, Any], str, dict[str, Any] | None]:
    """(standard prices, where they are, off-peak prices) from the all-day prices and the
    prices of a time-of-day window: the cheaper of the two are the off-peak prices, in
    force in their hours (the window's, or the rest of the day); the other are standard."""
    in_window, window_where, start, end = timed
    day = _point(current, where)
    hours = _point(in_window, window_where)
    if day is None or hours is None:
        return current, where, None
    if (hours["input"], hours["output"]) < (day["input"], day["output"]):
        cheap, window, std, std_where = hours, (start, end), current, where
    elif (day["input"], day["output"]) < (hours["input"], hours["output"]):
        cheap, window, std, std_where = day, (end, start), in_window, window_where
    else:
        return current, where, None
    off_peak = {f: cheap[f] for f in ("input", "output", "cache_read") if cheap.get(f) is not None}
    off_peak["window"] = f"{window[0]:%H:%M}-{window[1]:%H:%M} UTC"
    return std, std_where, off_peak


def _describe(p: dict[str, Any]) -> str:
    parts = [f"input {p['input']}", f"output {p['output']}"]
    for f in ("cache_read", "cache_write"):
        if p.get(f) is not None:
            parts.append(f"{f.replace('_', ' ')} {p[f]}")
    return ", ".join(parts) + " USD/1M"


def _point(p: dict[str, Any], where: str) -> dict[str, Any] | None:
    """The flat prices of one entry (tiers left out), or None without input/output."""
    out: dict[str, Any] = {}
    for key, field in POINT_KEYS:
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
    for key, field in KCOUNT_KEYS:
        if p.get(key) is not None:
            flat[field] = _price(_base(p[key]), f"{where}.{key}", _PER_THOUSAND)
    if not p:
        raise _Skip("no prices given (empty 'prices': free, or not priced per token)")
    for key, field in PRICE_KEYS[:2]:
        if field not in flat:
            others = sorted(k for k in p if k not in {k for k, _ in PRICE_KEYS[:2]})
            has = f" (has only {', '.join(others)})" if others else ""
            raise _Skip(f"no '{key}' price{has}")
    return flat, _long_context(flat, tiers, notes)


def _base(v: Any) -> Any:
    """A price's base value (a tiered price's `base`; the value itself otherwise)."""
    return v.get("base") if isinstance(v, dict) else v


def _variants(variants: Any, std: dict[str, Decimal], notes: list[str]) -> dict[str, Any]:
    """Flex, priority and batch prices from `price_variants` (the first variant for each;
    a price a variant does not state is the standard one). Variants under a constraint, or
    for anything else (a speed, a route), are left out."""
    if not isinstance(variants, list):
        return {}
    out: dict[str, Any] = {}
    tiers: dict[str, dict[str, Decimal]] = {}
    for i, v in enumerate(variants):
        if not isinstance(v, dict) or not isinstance(v.get("prices"), dict) or v.get("constraint"):
            continue
        when, vp = v.get("when"), v["prices"]
        where = f"price_variants[{i}].prices"
        stated = {f: _price(_base(vp[k]), f"{where}.{k}") for k, f in POINT_KEYS if vp.get(k) is not None}
        merged = {f: stated.get(f, std.get(f)) for f in ("input", "output", "cache_read")}
        if when == _BATCH and "batch_input" not in out:
            out["batch_input"], out["batch_output"] = merged["input"], merged["output"]
        elif isinstance(when, dict) and set(when) == {"service_tier"}:
            tier = when["service_tier"]
            if tier in ("flex", "priority") and tier not in tiers:
                tiers[tier] = {f: x for f, x in merged.items() if x is not None}
    if tiers:
        out["service_tiers"] = tiers
    return out


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


def _price(value: Any, field: str, scale: Decimal = _ONE) -> Decimal:
    """A price per 1M tokens as given (`scale` 0.001: a price per thousand, as USD per unit)."""
    if value is None:
        raise _Skip(f"field '{field}': missing")
    try:
        return per_million(value, scale=scale)
    except PriceError as e:
        raise _Skip(f"field '{field}': {e}") from None

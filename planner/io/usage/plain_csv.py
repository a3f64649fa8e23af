"""Usage from a CSV: the plain layout (date, model, requests, input tokens, cached input
tokens, output tokens, cost, tag), another CSV's columns named by a mapping, and LiteLLM's
spend logs (one row per request: startTime, model, spend, prompt_tokens, completion_tokens,
request_tags)."""

from __future__ import annotations

from pathlib import Path

from planner.domain.errors import InputError
from planner.io.usage.common import (
    BadValue,
    UsageFile,
    amount,
    checked,
    count,
    csv_rows,
    day,
    entries,
    tags,
)

#: field -> the header names it may go by (compared loosely), the first the one documented
PLAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "usage date"),
    "model": ("model", "model id", "model name"),
    "requests": ("requests", "num requests", "request count", "num model requests"),
    "input_tokens": ("input tokens", "prompt tokens"),
    "cached_tokens": ("cached input tokens", "cached tokens", "input cached tokens", "cache read input tokens"),
    "output_tokens": ("output tokens", "completion tokens"),
    "cost": ("cost", "spend", "amount", "cost usd"),
    "currency": ("currency",),
    "tag": ("tag", "tags", "project", "project id"),
    "batch": ("batch",),
}
PLAIN_REQUIRED = ("date", "model", "requests", "input_tokens", "output_tokens")

#: LiteLLM's spend log (LiteLLM_SpendLogs as exported): one row per request
SPEND_LOG_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("startTime", "start time"),
    "model": ("model",),
    "input_tokens": ("prompt_tokens",),
    "cached_tokens": ("cache_read_input_tokens",),
    "output_tokens": ("completion_tokens",),
    "cost": ("spend",),
    "tag": ("request_tags", "tags"),
}
SPEND_LOG_REQUIRED = ("date", "model", "input_tokens", "output_tokens", "cost")

#: the fields a column mapping may name
FIELDS = tuple(PLAIN_COLUMNS)


def columns_with(mapping: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The plain layout with `mapping` (field -> the header of another CSV) on top."""
    for f in mapping:
        if f not in PLAIN_COLUMNS:
            raise InputError(f"--column {f}=...: '{f}' is not a usage field (fields: {', '.join(FIELDS)})")
    return {f: (mapping[f],) if f in mapping else names for f, names in PLAIN_COLUMNS.items()}


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "batch")


def read_plain(path: Path, mapping: dict[str, str] | None = None) -> UsageFile:
    rows = csv_rows(path, columns_with(mapping or {}), PLAIN_REQUIRED)

    def record(where: str, v: dict[str, str]):
        return lambda: [checked(
            day=day(v["date"], "date"), model=_model(v), requests=count(v["requests"], "requests"),
            input_tokens=count(v["input_tokens"], "input tokens"),
            cached_tokens=count(v.get("cached_tokens"), "cached input tokens", required=False),
            output_tokens=count(v["output_tokens"], "output tokens"),
            batch=_truthy(v.get("batch", "")), cost=amount(v.get("cost"), "cost"),
            currency=v.get("currency") or None, tags=tags(v.get("tag")),
        )]

    return entries(UsageFile(str(path), "csv"), ((w, record(w, v)) for w, v in rows))


def read_spend_log(path: Path) -> UsageFile:
    rows = csv_rows(path, SPEND_LOG_COLUMNS, SPEND_LOG_REQUIRED)

    def record(where: str, v: dict[str, str]):
        return lambda: [checked(
            day=day(v["date"], "startTime"), model=_model(v), requests=count(1, "requests"),
            input_tokens=count(v["input_tokens"], "prompt_tokens"),
            cached_tokens=count(v.get("cached_tokens"), "cache_read_input_tokens", required=False),
            output_tokens=count(v["output_tokens"], "completion_tokens"),
            cost=amount(v["cost"], "spend"), currency="USD", tags=tags(v.get("tag")),
        )]

    return entries(UsageFile(str(path), "litellm-csv"), ((w, record(w, v)) for w, v in rows))


def _model(v: dict[str, str]) -> str:
    if not v["model"]:
        raise BadValue("field 'model': missing")
    return v["model"]

"""Usage from LiteLLM's daily activity (GET /user/daily/activity, or the team and tag
variants): {"results": [{"date": "YYYY-MM-DD", "metrics": {...}, "breakdown": {"models":
{model: {"metrics": {"spend", "prompt_tokens", "completion_tokens", "api_requests",
"cache_read_input_tokens"}}}}}]}. The model breakdown is read; spend is in USD."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.domain.errors import InputError
from planner.io.json_files import read_json
from planner.io.usage.common import BadValue, UsageFile, amount, checked, count, day, entries


def _model_entry(when: Any, model: str, entry: Any) -> list:
    if not isinstance(entry, dict):
        raise BadValue("not an object")
    m = entry.get("metrics", entry)
    if not isinstance(m, dict):
        raise BadValue("field 'metrics': not an object")
    return [checked(day=day(when, "date"), model=model, requests=count(m.get("api_requests"), "api_requests"),
                    input_tokens=count(m.get("prompt_tokens"), "prompt_tokens"),
                    cached_tokens=count(m.get("cache_read_input_tokens"), "cache_read_input_tokens", required=False),
                    output_tokens=count(m.get("completion_tokens"), "completion_tokens"),
                    cost=amount(m.get("spend"), "spend"), currency="USD")]


def read_daily_activity(path: Path) -> UsageFile:
    raw = read_json(path)
    results = raw.get("results") if isinstance(raw, dict) else None
    if not isinstance(results, list):
        raise InputError(f"{path}: not a LiteLLM daily activity export (expected an object with a 'results' list)")
    usage = UsageFile(str(path), "litellm")

    def items():
        for d, daily in enumerate(results):
            models = daily.get("breakdown", {}).get("models") if isinstance(daily, dict) else None
            if not isinstance(models, dict):
                usage.problems.append(f"{path}: results[{d}]: field 'breakdown.models': missing or not an object")
                continue
            when = daily.get("date")
            for model, entry in models.items():
                yield (f"{path}: results[{d}].breakdown.models['{model}']",
                       lambda w=when, m=model, e=entry: _model_entry(w, m, e))

    return entries(usage, items())

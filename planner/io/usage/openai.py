"""Usage from OpenAI's organization usage API: the completions usage pages
(/v1/organization/usage/completions, grouped by model, and by project_id and batch if
wanted) and the costs pages (/v1/organization/costs, grouped by line_item and project_id).

A page is {"object": "page", "data": [bucket...]}; a bucket has `start_time` (Unix seconds)
and `results`. A usage result has `model`, `input_tokens` (cached included),
`input_cached_tokens`, `output_tokens`, `num_model_requests`, `project_id`, `batch`; a
costs result has `amount` {value, currency} and `line_item` ("gpt-4o-mini-2024-07-18,
input"), whose model part is the model. A file may hold one page or a list of pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.domain.errors import InputError
from planner.io.json_files import read_json
from planner.io.usage.common import BadValue, UsageFile, amount, checked, count, day, entries

COSTS_RESULT = "organization.costs.result"


def _buckets(raw: Any, path: Path) -> list[tuple[str, dict]]:
    pages = raw if isinstance(raw, list) else [raw]
    out = []
    for p, page in enumerate(pages):
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list):
            raise InputError(f"{path}: not an OpenAI usage page (expected an object with a 'data' list of buckets)")
        where = f"pages[{p}]." if isinstance(raw, list) else ""
        out += [(f"{where}data[{b}]", bucket) for b, bucket in enumerate(data)]
    return out


def _result(bucket: dict, res: Any) -> list:
    if not isinstance(res, dict):
        raise BadValue("not an object")
    when = day(bucket.get("start_time"), "start_time")
    project = (res["project_id"],) if res.get("project_id") else ()
    if res.get("object") == COSTS_RESULT or "amount" in res:
        amt = res.get("amount") if isinstance(res.get("amount"), dict) else {}
        item = str(res.get("line_item") or "")
        model = item.partition(",")[0].strip()
        if not model:
            raise BadValue("field 'line_item': missing (export the costs grouped by line_item)")
        cost = amount(amt.get("value"), "amount.value")
        return [checked(day=when, model=model, cost=cost, currency=str(amt.get("currency") or "usd").upper(),
                        tags=project)]
    if not res.get("model"):
        raise BadValue("field 'model': missing (export the usage grouped by model)")
    return [checked(day=when, model=str(res["model"]), requests=count(res.get("num_model_requests"), "num_model_requests"),
                    input_tokens=count(res.get("input_tokens"), "input_tokens"),
                    cached_tokens=count(res.get("input_cached_tokens"), "input_cached_tokens", required=False),
                    output_tokens=count(res.get("output_tokens"), "output_tokens"),
                    batch=res.get("batch") is True, tags=project)]


def read_openai(path: Path) -> UsageFile:
    raw = read_json(path)
    usage = UsageFile(str(path), "openai")

    def items():
        for where, bucket in _buckets(raw, path):
            results = bucket.get("results") if isinstance(bucket, dict) else None
            if not isinstance(results, list):
                usage.problems.append(f"{path}: {where}: field 'results': missing or not a list")
                continue
            for i, res in enumerate(results):
                yield f"{path}: {where}.results[{i}]", (lambda b=bucket, r=res: _result(b, r))

    return entries(usage, items())

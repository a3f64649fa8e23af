"""Usage from a FOCUS 1.x cost and usage CSV (FinOps Open Cost and Usage Specification):
one row per charge, with `ChargePeriodStart`, `BilledCost`, `BillingCurrency`,
`ServiceName`, `SkuMeter` (or `SkuId`), `ConsumedQuantity`, `ConsumedUnit` and `Tags`.

What a row counts comes from its meter and unit: a unit of requests (or calls) counts
requests; otherwise it counts tokens ("Tokens", "1K Tokens", "1M Tokens" scale the
quantity), output tokens where the meter says output or completion, cached input where it
says cached or cache read (these are input tokens too), else input. The model is the
`x_Model` column where the file has one, else the meter with those words taken out
("gpt-4o-mini Input Tokens" -> gpt-4o-mini). A meter that says batch is batch usage.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

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

COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("ChargePeriodStart",),
    "billed": ("BilledCost",),
    "currency": ("BillingCurrency",),
    "service": ("ServiceName",),
    "meter": ("SkuMeter",),
    "sku": ("SkuId",),
    "quantity": ("ConsumedQuantity",),
    "unit": ("ConsumedUnit",),
    "tags": ("Tags",),
    "model": ("x_Model", "x_ModelName"),
}
REQUIRED = ("start", "billed", "currency", "quantity", "unit")

_SCALE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s+")
_KIND_WORDS = re.compile(r"\b(cached|cache|read|input|output|prompt|completion|tokens?|requests?|calls?|batch)\b",
                         re.IGNORECASE)


def _scaled(quantity: Decimal, unit: str) -> Decimal:
    m = _SCALE.match(unit)
    if not m:
        return quantity
    factor = Decimal(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2).lower()]
    return quantity * factor


def _row(v: dict[str, str]) -> list:
    meter = v.get("meter") or v.get("sku") or ""
    if not meter and not v.get("model"):
        raise BadValue("field 'SkuMeter': missing (the meter names the model and what it counts)")
    unit = v["unit"]
    q = _scaled(count(v["quantity"], "ConsumedQuantity"), unit)
    words = f"{meter} {unit}".lower()
    model = v.get("model") or " ".join(_KIND_WORDS.sub(" ", meter).split()).strip(" -_")
    if not model:
        raise BadValue(f"field 'SkuMeter': '{meter}' names no model")
    if not v["currency"]:
        raise BadValue("field 'BillingCurrency': missing")
    kinds = {"requests": Decimal(0), "input_tokens": Decimal(0), "cached_tokens": Decimal(0),
             "output_tokens": Decimal(0)}
    if re.search(r"\b(requests?|calls?)\b", unit.lower()):
        kinds["requests"] = q
    elif re.search(r"output|completion", words):
        kinds["output_tokens"] = q
    elif re.search(r"cached|cache read", words):
        kinds["input_tokens"] = kinds["cached_tokens"] = q
    else:
        kinds["input_tokens"] = q
    return [checked(day=day(v["start"], "ChargePeriodStart"), model=model, batch="batch" in words,
                    cost=amount(v["billed"], "BilledCost"), currency=v["currency"].upper(),
                    tags=tags(v.get("tags")), **kinds)]


def read_focus(path: Path) -> UsageFile:
    rows = csv_rows(path, COLUMNS, REQUIRED)
    return entries(UsageFile(str(path), "focus"), ((w, lambda v=v: _row(v)) for w, v in rows))

"""How an import preview words the new price dimensions (fees with their unit, tiers, off-peak)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from planner.domain.catalog import ModelPrice
from planner.io.importers import Change
from planner.ui.import_text import describe_added, describe_change, describe_conflict

D = Decimal


def test_changes_name_the_new_fields_and_units() -> None:
    def words(field: str, old: str | None, new: str) -> str:
        return describe_change(Change("x/m", "m", field, D(old) if old else None, D(new)))

    assert words("reasoning", "10", "3") == "reasoning $10.00 → $3.00"
    assert words("cache_write_1h", None, "6") == "1-hour cache write — → $6.00"
    assert words("per_search", None, "0.01") == "per web search — → $0.01/search"
    assert words("per_request", "0.005", "0.012") == "per request $0.005/request → $0.012/request"
    assert words("per_image", None, "0.003613") == "per image — → $0.003613/image"
    assert words("service_tiers.flex.input", None, "0.625") == "flex input — → $0.625"
    assert words("service_tiers.priority.cache_read", "0.25", "0.3") == "priority cache read $0.25 → $0.30"
    assert words("off_peak.output", None, "0.55") == "off-peak output — → $0.55"
    conflict = Change("x/m", "m", "per_search", D("0.02"), D("0.01"))
    assert describe_conflict(conflict) == "per web search: your price $0.02/search, import $0.01/search"


def test_added_model_lists_its_dimensions() -> None:
    m = ModelPrice(
        id="deepseek/deepseek-reasoner", name="R1", provider="DeepSeek", input=D("0.55"), output=D("2.19"),
        reasoning=D("2.19"), cache_write_1h=D(1), per_search=D("0.005"), per_request=D(0),
        service_tiers={"flex": {"input": D("0.3"), "output": D(1)}},
        off_peak={"input": D("0.135"), "output": D("0.55"), "window": "16:30-00:30 UTC"},
        context_window=64_000, as_of=date(2026, 8, 21),
    )
    text = describe_added(m)
    assert text == (
        "reasoning $2.19 · 1-hour cache write $1.00 · flex $0.30 / $1.00 · "
        "off-peak (16:30-00:30 UTC) $0.135 / $0.55 · $0.005/search · context 64K"
    )

"""Usage files in each format, built by hand from the documented layouts: every file
reads back with the totals worked out by hand here (tests/fixtures/usage)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from planner.domain.actuals import UsageRecord
from planner.io.catalog_files import load_catalog
from planner.io.usage import detect_format, load_usage
from tests.conftest import FIXTURES

USAGE = FIXTURES / "usage"
CATALOG = load_catalog(USAGE / "catalog.json")


def totals(records: list[UsageRecord], model_words: str) -> dict[str, D]:
    """Counts and cost of the records whose model names `model_words` (gpt-4o, gpt-4o-mini)."""
    rs = [r for r in records if r.model.startswith(model_words) and
          (model_words == "gpt-4o-mini" or not r.model.startswith("gpt-4o-mini"))]
    return {
        "requests": sum((r.requests for r in rs), D(0)),
        "input": sum((r.input_tokens for r in rs), D(0)),
        "cached": sum((r.cached_tokens for r in rs), D(0)),
        "output": sum((r.output_tokens for r in rs), D(0)),
        "cost": sum((r.cost or D(0) for r in rs), D(0)),
        "batch": sum((r.requests for r in rs if r.batch), D(0)),
    }


def load(*names: str, **kw) -> list[UsageRecord]:
    loaded = load_usage([USAGE / n for n in names], CATALOG, **kw)
    assert not loaded.problems, loaded.problems
    return loaded.records


# The month every fixture describes (March 2026):
#   gpt-4o: 600 + 600 = 1,200 requests; input 1,500,000 + 1,300,000 = 2,800,000 of which
#           500,000 + 300,000 = 800,000 cached; output 400,000 + 350,000 = 750,000;
#           billed $6.00 input + $7.50 output = $13.50 (= 7.125 + 6.375 a day)
#   gpt-4o-mini: 12,000 batch requests; 12,000,000 input, none cached; 1,200,000 output;
#           billed $0.90 + $0.50 = $1.40
GPT4O = {"requests": D(1200), "input": D(2_800_000), "cached": D(800_000), "output": D(750_000), "cost": D("13.50")}
MINI = {"requests": D(12_000), "input": D(12_000_000), "cached": D(0), "output": D(1_200_000), "cost": D("1.40")}


def without_batch(t: dict[str, D]) -> dict[str, D]:
    return {k: v for k, v in t.items() if k != "batch"}


def test_openai_usage_and_costs_pages_together():
    records = load("openai-usage-2026-03.json", "openai-costs-2026-03.json")
    assert without_batch(totals(records, "gpt-4o-2024")) == GPT4O
    assert without_batch(totals(records, "gpt-4o-mini")) == MINI
    assert totals(records, "gpt-4o-mini")["batch"] == 12_000
    assert {r.day.isoformat() for r in records} == {"2026-03-01", "2026-03-02"}
    assert ("proj_support",) in {r.tags for r in records}


def test_openai_usage_alone_states_no_cost():
    records = load("openai-usage-2026-03.json")
    assert all(r.cost is None for r in records)
    assert totals(records, "gpt-4o-2024")["output"] == 750_000


def test_litellm_daily_activity():
    records = load("litellm-daily-2026-03.json")
    assert without_batch(totals(records, "gpt-4o-2024")) == GPT4O
    assert without_batch(totals(records, "gpt-4o-mini")) == MINI


def test_litellm_spend_log_one_row_per_request():
    # req-1: 1,000 in + 500 out, $0.0075; req-2: 2,000 + 500, $0.01; req-3 (mini): 1,000 + 100, $0.00021
    records = load("litellm-spend-log-2026-03.csv")
    four = [r for r in records if r.model == "gpt-4o"]
    assert sum(r.requests for r in four) == 2
    assert sum(r.input_tokens for r in four) == 3000
    assert sum(r.output_tokens for r in four) == 1000
    assert sum(r.cost for r in records) == D("0.0075") + D("0.01") + D("0.00021")
    assert records[0].tags == ("Support bot",)


def test_focus_meters_and_units():
    # gpt-4o: 2 x 1M uncached + 800 x 1K cached = 2,800,000 input; 750,000 output tokens;
    # 1,200 requests; $5.00 + $1.00 + $7.50. gpt-4o-mini: batch meters, 12 x 1M and 1.2 x 1M.
    records = load("focus-2026-03.csv")
    assert without_batch(totals(records, "gpt-4o")) == GPT4O
    assert without_batch(totals(records, "gpt-4o-mini")) == MINI
    assert totals(records, "gpt-4o-mini")["batch"] == 12_000
    assert "app=support" in records[0].tags and "support" in records[0].tags


def test_plain_csv():
    records = load("usage-2026-03.csv")
    assert without_batch(totals(records, "gpt-4o-2024")) == GPT4O
    assert without_batch(totals(records, "gpt-4o-mini")) == MINI


def test_other_csv_with_a_column_mapping():
    columns = {"date": "Day", "model": "Engine", "requests": "Calls", "input_tokens": "Prompt",
               "cached_tokens": "Cached", "output_tokens": "Completion", "cost": "Charge USD", "tag": "Team"}
    records = load("billing-export-2026-03.csv", fmt="csv", columns=columns)
    assert without_batch(totals(records, "gpt-4o")) == GPT4O
    assert without_batch(totals(records, "gpt-4o-mini")) == MINI


@pytest.mark.parametrize(("name", "fmt"), [
    ("openai-usage-2026-03.json", "openai"), ("openai-costs-2026-03.json", "openai"),
    ("litellm-daily-2026-03.json", "litellm"), ("litellm-spend-log-2026-03.csv", "litellm-csv"),
    ("focus-2026-03.csv", "focus"), ("usage-2026-03.csv", "csv"),
])
def test_format_told_from_the_file(name: str, fmt: str):
    assert detect_format(USAGE / name) == fmt


def test_a_file_over_several_days_keeps_each_day(tmp_path: Path):
    p = tmp_path / "u.csv"
    p.write_text("date,model,requests,input tokens,output tokens\n2026-03-31,gpt-4o,1,10,1\n2026-04-01,gpt-4o,2,20,2\n")
    records = load_usage([p], CATALOG).records
    assert [r.month.isoformat() for r in records] == ["2026-03-01", "2026-04-01"]

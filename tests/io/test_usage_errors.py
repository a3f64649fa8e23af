"""Bad usage files: one line per problem naming the file, the row or entry and the field;
a file with problems imports nothing unless bad rows are skipped, and then says how many."""

from __future__ import annotations

import json
from pathlib import Path

from planner.io.catalog_files import load_catalog
from planner.io.usage import load_usage
from tests.conftest import FIXTURES

CATALOG = load_catalog(FIXTURES / "usage" / "catalog.json")
HEADER = "date,model,requests,input tokens,cached input tokens,output tokens,cost,tag\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_missing_column_names_it(tmp_path):
    p = write(tmp_path, "u.csv", "date,model,requests,input tokens\n2026-03-01,gpt-4o,1,10\n")
    loaded = load_usage([p], CATALOG)
    assert loaded.fatal and not loaded.records
    assert loaded.problems == [f"{p}: row 1: missing column 'output tokens' (found: date, model, requests, input tokens)"]


def test_negative_tokens_and_unknown_model_one_line_each(tmp_path):
    p = write(tmp_path, "u.csv", HEADER
              + "2026-03-01,gpt-4o,10,1000,0,100,0.50,a\n"
              + "2026-03-01,gpt-4o,10,1000,0,-5,0.50,a\n"
              + "2026-03-01,gpt-9-turbo,10,1000,0,100,0.50,a\n"
              + "2026-03-01,gpt-4o,10,100,200,100,0.50,a\n")
    loaded = load_usage([p], CATALOG)
    assert loaded.fatal and loaded.records == []
    assert loaded.problems[0] == f"{p}: row 3: field 'output tokens': -5 is negative"
    assert loaded.problems[1] == f"{p}: row 5: field 'cached input tokens': 200 exceeds the input tokens (100)"
    assert loaded.problems[2].startswith(f"{p}: row 4: field 'model': 'gpt-9-turbo' is not in the catalog")
    assert len(loaded.problems) == 3


def test_skipping_bad_rows_imports_the_rest_and_counts_them(tmp_path):
    p = write(tmp_path, "u.csv", HEADER
              + "2026-03-01,gpt-4o,10,1000,0,100,0.50,a\n"
              + "2026-03-02,gpt-4o,ten,1000,0,100,0.50,a\n"
              + "2026-03-03,gpt-4o,10,1000,0,100,0.25,a\n")
    loaded = load_usage([p], CATALOG, skip_bad=True)
    assert not loaded.fatal
    assert loaded.skipped == 1
    assert [r.day.day for r in loaded.records] == [1, 3]
    assert loaded.problems == [f"{p}: row 3: field 'requests': 'ten' is not a number"]


def test_mixed_currencies_in_a_file(tmp_path):
    fixture = (FIXTURES / "usage" / "focus-2026-03.csv").read_text().splitlines()
    fixture[2] = fixture[2].replace(",USD,", ",EUR,")
    p = write(tmp_path, "focus.csv", "\n".join(fixture) + "\n")
    loaded = load_usage([p], CATALOG, fmt="focus", skip_bad=True)
    assert loaded.fatal and not loaded.records
    assert loaded.problems == [f"{p}: costs in EUR and USD: a usage file must be in one currency"]


def test_files_in_different_currencies(tmp_path):
    a = write(tmp_path, "a.csv", "date,model,requests,input tokens,output tokens,cost,currency\n"
              "2026-03-01,gpt-4o,1,10,1,0.01,EUR\n")
    b = write(tmp_path, "b.csv", "date,model,requests,input tokens,output tokens,cost,currency\n"
              "2026-03-01,gpt-4o,1,10,1,0.01,USD\n")
    loaded = load_usage([a, b], CATALOG)
    assert loaded.fatal
    assert loaded.problems == ["the usage files are in EUR and USD: import files in one currency together"]


def test_openai_entry_named_by_its_place(tmp_path):
    page = json.loads((FIXTURES / "usage" / "openai-usage-2026-03.json").read_text())
    page["data"][0]["results"][1]["num_model_requests"] = -3
    del page["data"][1]["results"][0]["model"]
    p = write(tmp_path, "usage.json", json.dumps(page))
    loaded = load_usage([p], CATALOG)
    assert loaded.problems == [
        f"{p}: data[0].results[1]: field 'num_model_requests': -3 is negative",
        f"{p}: data[1].results[0]: field 'model': missing (export the usage grouped by model)",
    ]


def test_not_a_usage_page(tmp_path):
    p = write(tmp_path, "usage.json", '{"object": "list", "items": []}')
    loaded = load_usage([p], CATALOG, fmt="openai")
    assert loaded.problems == [f"{p}: not an OpenAI usage page (expected an object with a 'data' list of buckets)"]
    broken = write(tmp_path, "broken.json", '{"results": [')
    assert load_usage([broken], CATALOG, fmt="litellm").problems[0].startswith(f"{broken}: not valid JSON")


def test_litellm_bad_spend(tmp_path):
    raw = json.loads((FIXTURES / "usage" / "litellm-daily-2026-03.json").read_text())
    raw["results"][1]["breakdown"]["models"]["gpt-4o-2024-08-06"]["metrics"]["spend"] = "lots"
    p = write(tmp_path, "daily.json", json.dumps(raw))
    assert load_usage([p], CATALOG).problems == [
        f"{p}: results[1].breakdown.models['gpt-4o-2024-08-06']: field 'spend': 'lots' is not an amount"]


def test_focus_without_its_columns(tmp_path):
    p = write(tmp_path, "focus.csv", "BilledCost,BillingCurrency,ChargePeriodStart\n1,USD,2026-03-01\n")
    assert load_usage([p], CATALOG, fmt="focus").problems == [
        f"{p}: row 1: missing columns 'ConsumedQuantity', 'ConsumedUnit' "
        "(found: BilledCost, BillingCurrency, ChargePeriodStart)"]


def test_a_column_mapping_names_known_fields_only(tmp_path):
    p = write(tmp_path, "u.csv", HEADER)
    loaded = load_usage([p], CATALOG, fmt="csv", columns={"tokens": "Tokens"})
    assert loaded.problems == ["--column tokens=...: 'tokens' is not a usage field (fields: date, model, requests, "
                               "input_tokens, cached_tokens, output_tokens, cost, currency, tag, batch)"]

"""`cost-planner models`: ranking by a plan's workload, tokens per $1, models with no composite."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from planner.cli import main
from tests.conftest import REPO

EXAMPLES = REPO / "data" / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def models_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, "models", *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def write(path: Path, data: dict) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def model(mid: str, inp: str, out: str, **kw) -> dict:
    provider, _, name = mid.partition("/")
    return {"id": mid, "name": name, "provider": provider, "input": inp, "output": out, **kw}


def test_plan_ranks_by_its_workload_cheapest_first(capsys):
    # small SaaS: 10,000 requests x (500 in + 1,000 out) a month
    data = models_json(capsys, "--plan", "small-saas")
    assert data["sort"] == "workload" and data["plan"] == "Small SaaS" and data["currency"] == "USD"
    rows = {r["id"]: r for r in data["models"]}
    assert len(rows) == 44
    # Llama 3.2 1B $0.05/$0.06: 10,000 x (25 + 60) / 1e6 = $0.85, the cheapest
    assert data["models"][0]["id"] == "meta/llama-3-2-1b"
    assert data["models"][0]["workload_monthly"] == "0.85"
    # Gemini 2.5 Flash-Lite $0.075/$0.40: 10,000 x (37.5 + 400) / 1e6 = 4.375 -> $4.38
    assert rows["google/gemini-2-5-flash-lite"]["workload_monthly"] == "4.38"
    # the plan's own model, Sonnet 4.6 $3/$15: $165.00, the figure `quote` gives
    assert rows["anthropic/claude-sonnet-4-6"]["workload_monthly"] == "165.00"
    costs = [D(r["workload_monthly"]) for r in data["models"]]
    assert costs == sorted(costs)
    assert all(c == c.quantize(D("0.01")) for c in costs)


def test_workload_cost_with_a_long_context_tier_and_the_plan_currency(capsys, tmp_path):
    # long: $1.25/$10, above 200K input $2.50/$15; flat: $2/$8 at any length
    cat = write(tmp_path / "cat.json", {"as_of": "2026-01-01", "models": [
        model("x/long", "1.25", "10", long_context={"threshold_tokens": 200_000, "input": "2.50", "output": "15"}),
        model("x/flat", "2", "8"),
    ]})
    lines = [
        {"name": "big", "requests": "100", "input_tokens": "250000", "output_tokens": "1000", "model": "x/long"},
        {"name": "small", "requests": "1000", "input_tokens": "1000", "output_tokens": "500", "model": "x/long"},
    ]
    plan = write(tmp_path / "p.costplan", {"schema_version": 1, "name": "Long", "lines": lines, "currency": {"code": "EUR", "per_usd": "0.5"}})
    data = models_json(capsys, "--catalog", cat, "--plan", plan)
    # long: big 100 x (250,000 x 2.50 + 1,000 x 15) / 1e6 = $64.00 -> EUR 32.00;
    #       small 1,000 x (1,000 x 1.25 + 500 x 10) / 1e6 = $6.25 -> EUR 3.125 -> 3.13; 35.13
    # flat: big 100 x (500,000 + 8,000) / 1e6 = $50.80 -> 25.40; small 1,000 x (2,000 + 4,000) / 1e6
    #       = $6.00 -> 3.00; 28.40: cheaper, though its input list price is the dearer one
    assert data["currency"] == "EUR"
    assert [(r["id"], r["workload_monthly"]) for r in data["models"]] == [("x/flat", "28.40"), ("x/long", "35.13")]
    code, out, _ = run(capsys, "models", "--catalog", cat, "--plan", plan)
    # (a catalog with no quality scores at all still ranks by workload)
    assert code == 0 and "Plan/month" in out and "28.40" in out and "35.13" in out


def test_plan_with_another_sort_keeps_the_workload_column(capsys):
    data = models_json(capsys, "--plan", "small-saas", "--sort", "value", "--min-quality", "30", "--limit", "3")
    assert data["sort"] == "value"
    assert [r["rank"] for r in data["models"]] == [1, 2, 3]
    values = [r["value"] for r in data["models"]]
    assert values == sorted(values, reverse=True)
    assert all("workload_monthly" in r for r in data["models"])
    # without a plan there is no such column
    assert "workload_monthly" not in models_json(capsys, "--limit", "1")["models"][0]


def test_sort_by_workload_needs_a_plan(capsys):
    code, out, err = run(capsys, "models", "--sort", "workload")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--sort workload: needs --plan" in err


def test_missing_plan_is_named(capsys, tmp_path):
    code, _, err = run(capsys, "models", "--plan", str(tmp_path / "nope.costplan"))
    assert code == 1 and "nope.costplan: file not found" in err


def test_tokens_per_dollar_rounds_down_and_unscored_models_have_no_composite(capsys, tmp_path):
    cat = write(tmp_path / "cat.json", {"as_of": "2026-01-01", "models": [
        model("x/dear", "15", "640"),  # no score on any metric
        model("x/scored", "1", "1", quality={"tokenrate": 50.0}),
    ]})
    data = models_json(capsys, "--catalog", cat, "--sort", "composite")
    dear = data["models"][-1]  # no composite: last
    assert dear["id"] == "x/dear" and dear["composite"] is None
    # 1e6 / 15 = 66,666.67 -> 66,666 whole tokens; 1e6 / 640 = 1,562.5 -> 1,562
    assert dear["input_tokens_per_dollar"] == 66_666
    assert dear["output_tokens_per_dollar"] == 1_562
    # scored: best cost per point 40 + floor gate 20; no cache price, speed or context known: 60
    assert data["models"][0]["composite"] == pytest.approx(60.0)

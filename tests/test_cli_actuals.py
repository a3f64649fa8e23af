"""`cost-planner actuals`: usage files against a plan, as a user runs it (tests/fixtures/usage).

The plan: Support bot, 1,000 requests of 2,000 in / 500 out on GPT-4o ($2.50 / $10 per 1M):
$10.00; Tagger, 10,000 requests of 1,000 in / 100 out on GPT-4o Mini ($0.15 / $0.60): $2.10.
The usage of March 2026: GPT-4o 1,200 requests, 2,800,000 input (800,000 cached) and 750,000
output tokens, billed $13.50; GPT-4o Mini 12,000 batch requests, 12,000,000 input and
1,200,000 output tokens, billed $1.40.
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from planner.cli import main
from tests.conftest import FIXTURES

USAGE = FIXTURES / "usage"
PLAN = str(USAGE / "support.costplan")
CATALOG = ("--catalog", str(USAGE / "catalog.json"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["actuals", *argv, *CATALOG])
    out, err = capsys.readouterr()
    return code, out, err


def actuals_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_openai_usage_and_costs_against_the_plan(capsys):
    d = actuals_json(capsys, PLAN, str(USAGE / "openai-usage-2026-03.json"), str(USAGE / "openai-costs-2026-03.json"))
    assert d["month"] == "2026-03"
    # $13.50 + $1.40 = $14.90 against $10.00 + $2.10 = $12.10: $2.80 over, 2.80 / 12.10 = 23.14%
    assert (d["planned_monthly"], d["actual_monthly"], d["variance_monthly"], d["variance_pct"]) == (
        "12.10", "14.90", "2.80", "23.14")
    # volume: 200 x $0.01 + 2,000 x $0.00021 = $2.42; mix: Support bot's longer requests $2.50;
    # levers: unplanned caching -$1.00 and batch -$1.26; price: Mini billed $0.14 over the catalog
    assert d["split"] == {"volume": "2.42", "mix": "2.50", "price": "0.14", "lever": "-2.26"}
    assert sum(D(x) for x in d["split"].values()) == D(d["variance_monthly"])
    assert (d["requests"], d["input_tokens"], d["output_tokens"]) == ("13200", "14800000", "1950000")
    support, tagger = d["lines"]
    assert (support["actual_monthly"], support["variance_monthly"], support["variance_pct"]) == ("13.50", "3.50", "35.00")
    assert support["per_request"]["actual"]["input_tokens"] == "2333.33"
    assert tagger["per_request"]["actual"]["batch_share"] == "1.0000"
    mini = next(m for m in d["models"] if m["model"] == "openai/gpt-4o-mini")
    # $1.40 billed against (12,000,000 x 0.075 + 1,200,000 x 0.30) / 1M = $1.26: +11.11%
    assert (mini["catalog_cost"], mini["billed_vs_catalog_pct"], mini["flagged"]) == ("1.26", "11.11", True)


@pytest.mark.parametrize("argv", [
    ("focus-2026-03.csv",),
    ("litellm-daily-2026-03.json",),
    ("usage-2026-03.csv",),
    ("billing-export-2026-03.csv", "--format", "csv", "--column", "date=Day", "--column", "model=Engine",
     "--column", "requests=Calls", "--column", "input_tokens=Prompt", "--column", "cached_tokens=Cached",
     "--column", "output_tokens=Completion", "--column", "cost=Charge USD", "--column", "tag=Team"),
])
def test_every_format_gives_the_months_total(capsys, argv):
    d = actuals_json(capsys, PLAN, str(USAGE / argv[0]), *argv[1:])
    assert (d["actual_monthly"], d["variance_monthly"]) == ("14.90", "2.80")
    assert sum(D(x) for x in d["split"].values()) == D("2.80")
    assert d["lines"][0]["requests"] == "1200"


def test_text_report(capsys):
    code, out, _err = run(capsys, PLAN, str(USAGE / "focus-2026-03.csv"))
    assert code == 0
    total = next(ln for ln in out.splitlines() if ln.startswith("Total"))
    assert total.split() == ["Total", "$12.10", "$14.90", "+$2.80", "+23.1%", "+$2.42", "+$2.50", "+$0.14", "-$2.26"]
    assert "openai/gpt-4o-mini: billed above the catalog price of the same tokens by 11.1%" in out


def test_unmatched_usage_listed_with_its_model_and_cost(capsys, tmp_path: Path):
    plan = tmp_path / "support-only.costplan"
    raw = json.loads(Path(PLAN).read_text())
    raw["lines"] = raw["lines"][:1]
    plan.write_text(json.dumps(raw))
    d = actuals_json(capsys, str(plan), str(USAGE / "usage-2026-03.csv"))
    (u,) = d["unmatched"]
    assert (u["key"], u["model"], u["cost"], u["requests"]) == ("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", "1.40",
                                                                "12000")
    # unmatched spend is unplanned volume: $13.50 + $1.40 against $10.00
    assert (d["actual_monthly"], d["variance_monthly"]) == ("14.90", "4.90")
    assert d["split"]["volume"] == str(D("2.00") + D("1.40"))
    code, out, _err = run(capsys, str(plan), str(USAGE / "usage-2026-03.csv"))
    assert "unmatched: gpt-4o-mini-2024-07-18 (openai/gpt-4o-mini): $1.40, 12,000 requests; no line uses" in out


def test_a_mapping_moves_usage_to_a_line(capsys):
    d = actuals_json(capsys, PLAN, str(USAGE / "usage-2026-03.csv"), "--map", "tagging=Support bot")
    assert [ln["actual_monthly"] for ln in d["lines"]] == ["14.90", "0.00"]
    code, _out, err = run(capsys, PLAN, str(USAGE / "usage-2026-03.csv"), "--map", "tagging=Nope")
    assert code == 1
    assert "mapping 'tagging=Nope': the plan has no line 'Nope'" in err
    code, _out, err = run(capsys, PLAN, str(USAGE / "usage-2026-03.csv"), "--map", "tagging")
    assert (code, err.strip()) == (2, "cost-planner: error: --map: 'tagging' is not KEY=VALUE")


def test_bad_files_exit_1_with_one_line_per_problem(capsys, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,model,requests,input tokens,output tokens\n"
                   "2026-03-01,gpt-4o,1,-10,1\n2026-03-01,gpt-5x,1,10,1\n2026-03-02,gpt-4o,2,20,2\n")
    missing = tmp_path / "missing.json"
    code, out, err = run(capsys, PLAN, str(bad), str(missing))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"cost-planner: error: {bad}: row 2: field 'input tokens': -10 is negative",
        f"cost-planner: error: {bad}: row 3: field 'model': 'gpt-5x' is not in the catalog; did you mean openai/gpt-4o?",
        f"cost-planner: error: {missing}: file not found",
        "cost-planner: nothing imported; --skip-bad-rows imports the good rows of a file",
    ]


def test_skipping_bad_rows_says_how_many(capsys, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,model,requests,input tokens,output tokens,cost\n"
                   "2026-03-01,gpt-4o,1,-10,1,\n2026-03-01,gpt-5x,1,10,1,\n2026-03-02,gpt-4o,2,20,2,0.01\n")
    code, out, err = run(capsys, PLAN, str(bad), "--skip-bad-rows")
    assert code == 0
    assert "note: 2 bad row(s) skipped" in out
    assert err.count("cost-planner: skipped:") == 2


def test_month_option(capsys):
    code, _out, err = run(capsys, PLAN, str(USAGE / "usage-2026-03.csv"), "--month", "2026-13")
    assert (code, err.strip()) == (2, "cost-planner: error: --month: '2026-13' is not a month like 2026-03")
    code, _out, err = run(capsys, PLAN, str(USAGE / "usage-2026-03.csv"), "--month", "2026-04")
    assert (code, err.strip()) == (1, "cost-planner: error: no usage in 2026-04; the files cover 2026-03")


def test_recalibrate_writes_the_plan_set_from_actuals(capsys, tmp_path: Path):
    out_plan = tmp_path / "recalibrated.costplan"
    code, _out, err = run(capsys, PLAN, str(USAGE / "openai-usage-2026-03.json"), "--recalibrate", str(out_plan))
    assert code == 0, err
    code = main(["quote", str(out_plan), "--json", *CATALOG])
    q = json.loads(capsys.readouterr()[0])
    # the actual tokens at catalog prices: (2,000,000 x 2.50 + 800,000 x 1.25 + 750,000 x 10) / 1M
    # = $13.50, and the batch (12,000,000 x 0.075 + 1,200,000 x 0.30) / 1M = $1.26
    assert [ln["optimized_monthly"] for ln in q["lines"]] == ["13.50", "1.26"]
    assert q["forecast"][0]["month"] == "Mar 2026"

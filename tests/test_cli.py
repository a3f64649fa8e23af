"""The headless commands, run as a user would: exit codes, printed figures, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.ranking import rank
from planner.io.catalog_files import load_catalog
from tests.conftest import REPO

EXAMPLES = REPO / "data" / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def quote_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, "quote", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# -- quote ------------------------------------------------------------------------------------


def test_small_saas_example_costs_165(capsys):
    # 10,000 x (500 x $3 + 1,000 x $15) / 1e6 = 10,000 x 0.0165 = $165.00
    q = quote_json(capsys, str(EXAMPLES / "small-saas.costplan"))
    assert q["baseline_monthly"] == "165.00"
    assert q["optimized_monthly"] == "165.00"
    assert q["currency"] == "USD"


@pytest.mark.parametrize(
    ("example", "baseline"),
    [
        ("medium-saas", "1650.00"),  # 100K x 0.0165
        ("consumer-app", "2200.00"),  # 10M x (200 x 0.10 + 500 x 0.40) / 1e6 = 10M x 0.00022
        ("enterprise", "33000.00"),  # 100K x (2,000 x 15 + 4,000 x 75) / 1e6 = 100K x 0.33
        ("routed-1m-mix", "82500.00"),  # 1M x (500 x 15 + 1,000 x 75) / 1e6, all on Opus
    ],
)
def test_seed_scenarios(capsys, example, baseline):
    q = quote_json(capsys, str(EXAMPLES / f"{example}.costplan"))
    assert q["baseline_monthly"] == baseline


def test_routed_mix_saves_by_routing(capsys):
    # per call: Flash 500x0.10+1000x0.40 = 450e-6; Sonnet 1500+15000 = 16500e-6;
    # Opus 82500e-6; Gemini 3.1 Pro (1.25/5) 625+5000 = 5625e-6.
    # 400K x 0.00045 + 350K x 0.0165 + 150K x 0.0825 + 100K x 0.005625
    # = 180 + 5,775 + 12,375 + 562.50 = 18,892.50
    q = quote_json(capsys, str(EXAMPLES / "routed-1m-mix.costplan"))
    assert q["optimized_monthly"] == "18892.50"
    steps = {s["lever"]: D(s["saving"]) for s in q["waterfall"]}
    assert steps["routing"] == D("63607.50")
    assert sum(steps.values()) == D(q["baseline_monthly"]) - D(q["optimized_monthly"])


def test_one_line_quote_with_levers(capsys):
    # Sonnet $3/$15, cache read 0.30, write 3.75; batch prices 1.50/7.50 (factor 0.5).
    # cached request: (100 x 3 + 400 x (0.9 x 0.30 + 0.1 x 3.75) + 1,000 x 15) / 1e6
    #               = (300 + 258 + 15,000) / 1e6 = 0.015558
    # batched: 0.007779; half and half: 0.0116685 x 10,000 = 116.685 -> 116.69 (half-up)
    q = quote_json(
        capsys, "--model", "anthropic/claude-sonnet-4-6", "--requests", "10000", "--input-tokens", "500",
        "--output-tokens", "1000", "--cached-prefix", "400", "--cache-hit-rate", "0.9", "--batch-share", "0.5",
    )
    assert q["baseline_monthly"] == "165.00"
    assert q["optimized_monthly"] == "116.69"
    steps = {s["lever"]: s["saving"] for s in q["waterfall"]}
    # prompt caching: 165 - 155.58 = 9.42; batch: 155.58 - 116.685 = 38.895 (footed to 38.89)
    assert steps["prompt_cache"] == "9.42"
    assert D(steps["batch"]) == D("165.00") - D("116.69") - D("9.42")


def test_quote_with_direct_prices_and_app_caches(capsys):
    # R' = 1,000,000 x (1 - 0.2) x (1 - 0.25) = 600,000; request (300 x 1 + 50 x 2) / 1e6 = 0.0004
    q = quote_json(
        capsys, "--price-in", "1", "--price-out", "2", "--requests", "1000000", "--input-tokens", "300",
        "--output-tokens", "50", "--response-cache-hit-rate", "0.2", "--semantic-cache-hit-rate", "0.25",
    )
    assert q["baseline_monthly"] == "400.00"
    assert q["optimized_monthly"] == "240.00"


def test_quote_text_output_shows_totals(capsys):
    code, out, _ = run(capsys, "quote", str(EXAMPLES / "routed-1m-mix.costplan"))
    assert code == 0
    assert "$82,500.00" in out and "$18,892.50" in out and "Routing mix" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--model", "nope/model", "--requests", "1", "--input-tokens", "1", "--output-tokens", "1"], "--model: 'nope/model' is not in the catalog"),
        (["--price-in", "1", "--price-out", "1", "--requests", "1", "--input-tokens", "-5", "--output-tokens", "1"], "--input-tokens: -5 is below 0"),
        (["--price-in", "1", "--price-out", "1", "--requests", "1", "--input-tokens", "5", "--output-tokens", "1", "--batch-share", "1.5"], "--batch-share: 1.5 is above 1"),
        (["--price-in", "x", "--price-out", "1", "--requests", "1", "--input-tokens", "5", "--output-tokens", "1"], "--price-in: 'x' is not a number"),
        (["--price-in", "1", "--price-out", "1", "--requests", "1", "--input-tokens", "5", "--output-tokens", "1", "--cached-prefix", "9"], "--cached-prefix: 9 exceeds --input-tokens 5"),
        (["--price-in", "1", "--price-out", "1", "--input-tokens", "5", "--output-tokens", "1"], "--requests is required"),
    ],
)
def test_quote_bad_flags_fail_with_one_line(capsys, argv, needle):
    code, out, err = run(capsys, "quote", *argv)
    assert code != 0
    assert out == ""
    assert needle in err
    assert len(err.strip().splitlines()) == 1


def test_quote_bad_plan_names_file_line_and_field(capsys, tmp_path: Path):
    plan = json.loads((EXAMPLES / "small-saas.costplan").read_text())
    plan["lines"][0]["input_tokens"] = "-1"
    f = tmp_path / "bad.costplan"
    f.write_text(json.dumps(plan))
    code, _, err = run(capsys, "quote", str(f))
    assert code == 1
    assert str(f) in err and "lines[0] 'Assistant replies'" in err and "input_tokens" in err


@pytest.mark.parametrize("command", ["quote", "export"])
def test_a_plan_without_schema_version_is_refused_as_the_window_refuses_it(capsys, tmp_path: Path, command):
    plan = json.loads((EXAMPLES / "small-saas.costplan").read_text())
    del plan["schema_version"]
    f = tmp_path / "old.costplan"
    f.write_text(json.dumps(plan))
    code, out, err = run(capsys, command, str(f), *(["--csv", str(tmp_path / "x.csv")] if command == "export" else []))
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [f"cost-planner: error: {f}: field 'schema_version' is missing: not a Cost Planner plan file"]
    assert not (tmp_path / "x.csv").exists()


def test_quote_plan_with_unknown_model(capsys, tmp_path: Path):
    plan = json.loads((EXAMPLES / "small-saas.costplan").read_text())
    plan["lines"][0]["model"] = "acme/unknown"
    f = tmp_path / "p.costplan"
    f.write_text(json.dumps(plan))
    code, _, err = run(capsys, "quote", str(f))
    assert code == 1 and "unknown model 'acme/unknown'" in err and "'Assistant replies'" in err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"as_of": "2026-01-01", "models": [{"id": "a/b", "name": "B", "provider": "A", "input": "-1", "output": "1"}]}',
         "models[0] 'a/b': field 'input'"),
        ('{"as_of": "2026-01-01", "models": [{"id": "a/b", "name": "B", "provider": "A", "input": "1"}]}',
         "models[0] 'a/b': field 'output'"),
        ("[]", "must be a JSON object"),
    ],
)
def test_malformed_catalog_is_named(capsys, tmp_path: Path, content, needle):
    f = tmp_path / "cat.json"
    f.write_text(content)
    code, _, err = run(capsys, "models", "--catalog", str(f))
    assert code == 1
    assert str(f) in err and needle in err


# -- models -----------------------------------------------------------------------------------


def test_models_rank_by_value_with_floor(capsys):
    code, out, _ = run(capsys, "models", "--sort", "value", "--min-quality", "30", "--format", "json")
    assert code == 0
    data = json.loads(out)
    rows = data["models"]
    values = [r["value"] for r in rows]
    # best first, each value = quality / input price, every model at or above the floor
    assert values == sorted(values, reverse=True)
    for r in rows:
        assert r["quality"] >= 30
        assert r["value"] == pytest.approx(r["quality"] / float(r["input_per_1m"]), rel=1e-9)
    names = [r["name"] for r in rows]
    # The seed article lists Gemini 2.5 Flash (440) above Gemini 2.0 Flash (550) and DeepSeek R1
    # (133) above Mistral Small (210); computed from the formula the order is the reverse.
    assert names.index("Gemini 2.0 Flash") < names.index("Gemini 2.5 Flash")
    assert names.index("Mistral Small") < names.index("DeepSeek R1")
    assert names[0] == "Gemini 2.5 Flash-Lite"  # 55 / 0.075 = 733.3
    # Llama 3.2 1B scores 15: under the floor, left out
    assert "Llama 3.2 1B" not in names


def test_models_cost_per_point_on_aa_index(capsys):
    code, out, _ = run(capsys, "models", "--sort", "cost-per-point", "--quality-metric", "aa_intelligence",
                       "--min-quality", "30", "--format", "json")
    assert code == 0
    rows = json.loads(out)["models"]
    # (0.14 + 0.28) / 2 / 46.5 = 0.004516 for DeepSeek V4 Flash, the cheapest per point
    assert rows[0]["id"] == "deepseek/deepseek-v4-flash"
    assert rows[0]["cost_per_point"] == pytest.approx(0.21 / 46.5, rel=1e-6)
    cpp = [r["cost_per_point"] for r in rows]
    assert cpp == sorted(cpp)


def test_models_blended_ratio_changes_order(capsys):
    _, out31, _ = run(capsys, "models", "--sort", "blended", "--ratio", "3:1", "--format", "json")
    _, out13, _ = run(capsys, "models", "--sort", "blended", "--ratio", "1:3", "--format", "json")
    r31 = [m["blended_per_1m"] for m in json.loads(out31)["models"]]
    assert r31 == sorted(r31)
    assert json.loads(out13)["ratio"] == "0.333333:1"


def test_models_csv_and_table(capsys):
    code, out, _ = run(capsys, "models", "--format", "csv", "--limit", "3")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("rank,id,name") and len(lines) == 4
    code, out, _ = run(capsys, "models", "--limit", "2")
    assert code == 0 and "2 of 44 models" in out


def test_models_unknown_metric(capsys):
    code, _, err = run(capsys, "models", "--quality-metric", "vibes")
    assert code == 2 and "--quality-metric: 'vibes'" in err


def test_shipped_catalog_is_valid_and_dated():
    cat = load_catalog(REPO / "data" / "catalog.json")
    assert len(cat) >= 40
    for m in cat:
        assert m.source, m.id
        assert m.as_of is not None, m.id
    r = rank(cat, "tokenrate", floor=30)
    assert r.eligible.sum() >= 10


def test_console_entry_point_runs_headless():
    """`python -m planner models` works in a fresh process, without importing Qt."""
    code = (
        "import sys, runpy; sys.argv=['planner','models','--limit','1'];"
        "import planner.cli as c; rc=c.main(sys.argv[1:]);"
        "assert not any(m.startswith(('PySide6','pyqtgraph')) for m in sys.modules), 'Qt imported';"
        "sys.exit(rc)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "1 of 44 models" in p.stdout


def test_the_dispatcher_knows_every_command():
    """planner.cli tells commands from plan files without the parser: its list must be the
    parser's, or a new command would open the window instead."""
    import argparse

    from planner.cli import COMMANDS
    from planner.commands import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS)


def test_opening_the_window_loads_no_catalog_modules_first():
    """`cost-planner` with no command goes to the window without importing what the
    headless commands need (the window must not wait for the command modules)."""
    code = (
        "import sys; import planner.ui.app as a;"
        "a.run = lambda argv: print(sorted(x for x in ('numpy', 'pydantic', 'planner.commands', "
        "'planner.domain.catalog') if x in sys.modules)) or 0;"
        "import planner.cli as c; sys.exit(c.main([]))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


# -- import -----------------------------------------------------------------------------------

FIXTURES = REPO / "tests" / "fixtures"


def test_import_dry_run_changes_nothing(capsys):
    from planner import paths

    code, out, _ = run(capsys, "import", "openrouter", str(FIXTURES / "openrouter-models-sample.json"), "--dry-run")
    assert code == 0
    assert "7 models read, 5 entries skipped" in out
    assert "would be added" in out
    assert "openrouter/auto: router with variable price" in out
    assert not paths.user_overlay().exists()


def test_import_applies_and_keeps_user_edits_as_conflicts(capsys):
    from datetime import date

    from planner.io.catalog_files import load_effective, save_overlay

    # the user negotiated Claude Opus 4.6 input at $12 (shipped $15/$75; LiteLLM says $5/$25)
    loaded = load_effective()
    loaded.overlay.set_fields("anthropic/claude-opus-4-6", date(2026, 11, 1), input=D("12"))
    save_overlay(loaded.overlay)
    code, out, _ = run(capsys, "import", "litellm", str(FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json"))
    assert code == 0, out
    assert "were added" in out
    assert "conflict(s) with prices you edited" in out and "anthropic/claude-opus-4-6" in out
    after = load_effective().catalog
    assert len(after) > 3000
    gpt4o = after["openai/gpt-4o"]  # LiteLLM: 2.5e-06 / 1e-05 per token, batches half
    assert (gpt4o.input, gpt4o.output, gpt4o.batch_input, gpt4o.batch_output) == (D("2.5"), D("10"), D("1.25"), D("5"))
    opus = after["anthropic/claude-opus-4-6"]
    assert opus.input == D("12")  # the user's price survived
    assert opus.output == D("25")  # the price they did not touch was updated
    assert any(p.source.startswith("litellm import") for p in opus.history)  # and the change is in its history


def test_import_bad_file_is_named(capsys, tmp_path: Path):
    f = tmp_path / "prices.json"
    f.write_text("{oops")
    code, _, err = run(capsys, "import", "litellm", str(f))
    assert code == 1 and str(f) in err and "not valid JSON" in err


# -- export -----------------------------------------------------------------------------------


def test_export_writes_the_three_files_by_scenario_name(capsys, tmp_path, monkeypatch):
    import csv

    from pypdf import PdfReader

    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "export", "routed-1m-mix", "--csv", "--xlsx", "--pdf")
    assert code == 0, err
    assert "$18,892.50/month" in out
    csv_rows = list(csv.reader((tmp_path / "routed-1m-mix.csv").read_text(encoding="utf-8-sig").splitlines()))
    header, total = csv_rows[0], csv_rows[-1]
    assert total[0] == "Total"
    opt = header.index("Optimized (USD/month)")
    assert total[opt] == "18892.50"
    assert (tmp_path / "routed-1m-mix.xlsx").stat().st_size > 5000
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(tmp_path / "routed-1m-mix.pdf")).pages)
    assert "$18,892.50" in text and "All product calls" in text and "Page 1 of" in text


def test_export_needs_a_format_and_an_existing_plan(capsys, tmp_path):
    code, _, err = run(capsys, "export", "small-saas")
    assert code == 2 and "--csv, --xlsx and/or --pdf" in err
    code, _, err = run(capsys, "export", str(tmp_path / "nope.costplan"), "--csv")
    assert code == 1 and "file not found" in err


def test_cli_and_app_write_the_same_csv(capsys, tmp_path):
    """The command line and File > Export go through one function: same bytes."""
    from planner.domain.costing import compute
    from planner.io.catalog_files import load_effective
    from planner.io.plan_files import open_plan
    from planner.ui.export_actions import ExportRequest, export_plan

    cli_csv = tmp_path / "cli.csv"
    code, _, err = run(capsys, "export", "product-suite", "--csv", str(cli_csv))
    assert code == 0, err
    plan = open_plan(EXAMPLES / "product-suite.costplan")
    cat = load_effective().catalog
    app_csv = tmp_path / "app.csv"
    export_plan(plan, compute(plan, cat), cat, ExportRequest(csv=app_csv))
    assert cli_csv.read_bytes() == app_csv.read_bytes()


def test_locale_option_formats_the_text_not_the_json(capsys):
    plan = str(EXAMPLES / "small-saas.costplan")
    code, out, _ = run(capsys, "--locale", "de_DE", "quote", plan)
    assert code == 0
    assert "Monthly: 165,00\xa0$ expected" in out
    assert "Annual run-rate (12 × this month): 1.980,00\xa0$" in out
    code, out, _ = run(capsys, "--locale", "de_DE", "quote", plan, "--json")
    assert code == 0 and json.loads(out)["optimized_monthly"] == "165.00"


def test_an_unknown_locale_is_one_line_and_exit_2(capsys):
    code, out, err = run(capsys, "--locale", "xx_XX", "quote", str(EXAMPLES / "small-saas.costplan"))
    assert code == 2 and out == ""
    assert err.strip() == "cost-planner: error: --locale: unknown locale 'xx_XX' (examples: en_US, de_DE, fr_FR, ja_JP)"


# -- the plan's input share, budget capacity ------------------------------------------------------


def _shape_plan(tmp_path: Path) -> Path:
    """Two lines of 800 tokens on Sonnet 4.6 ($3 in, $15 out): one 300/100, one 100/300."""
    lines = [
        {"name": "A", "requests": "1000", "input_tokens": "300", "output_tokens": "100",
         "model": "anthropic/claude-sonnet-4-6"},
        {"name": "B", "requests": "1000", "input_tokens": "100", "output_tokens": "300",
         "model": "anthropic/claude-sonnet-4-6"},
    ]
    p = tmp_path / "shape.costplan"
    p.write_text(json.dumps({"schema_version": 1, "name": "Shape", "lines": lines, "monthly_budget": "10"}))
    return p


def test_quote_input_share_moves_every_line_by_one_odds_factor(capsys, tmp_path):
    plan = _shape_plan(tmp_path)
    q = quote_json(capsys, str(plan))
    assert D(q["input_share"]) == D("0.5")  # 1,000 x 400 of 1,000 x 800 tokens
    # at 70%: odds 3:1 and 1:3 times one factor k = 3 give 9:1 and 1:1, so A's 400 tokens split
    # 360/40 and B's 200/200; their weighted share is (360 + 200) / 800 = 0.7
    q = quote_json(capsys, str(plan), "--input-share", "0.7")
    assert D(q["input_share"]) == D("0.7")
    assert [(ln["input_tokens"], ln["output_tokens"]) for ln in q["lines"]] == [("360", "40"), ("200", "200")]
    # A 1,000 x (360 x 3 + 40 x 15)/1e6 = 1.68; B 1,000 x (200 x 3 + 200 x 15)/1e6 = 3.60
    assert [ln["optimized_monthly"] for ln in q["lines"]] == ["1.68", "3.60"]
    assert q["optimized_monthly"] == "5.28"


def test_quote_input_share_out_of_range_is_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "quote", str(_shape_plan(tmp_path)), "--input-share", "1.5")
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "--input-share" in err


def test_text_and_json_print_the_same_requests_a_budget_buys(capsys, tmp_path):
    plan = _shape_plan(tmp_path)
    # 2,000 requests cost 1,000 x (300 x 3 + 100 x 15 + 100 x 3 + 300 x 15)/1e6 = $7.20;
    # a $10 budget buys 2,000 x 10 / 7.20 = 2,777.7 -> 2,777 (2,778 would cost $10.0008)
    q = quote_json(capsys, str(plan))
    assert q["budget"]["requests_affordable"] == 2777
    code, out, _ = run(capsys, "quote", str(plan))
    assert code == 0 and "buys 2,777 requests/month" in out


def test_quote_labels_the_annual_run_rate_and_the_next_twelve_months(capsys):
    q = quote_json(capsys, str(EXAMPLES / "small-saas.costplan"))
    assert q["annual_run_rate"] == "1980.00"  # 12 x 165.00
    assert "annual" not in q
    code, out, _ = run(capsys, "quote", str(EXAMPLES / "small-saas.costplan"))
    assert "Annual run-rate (12 × this month): $1,980.00" in out
    assert f"Next 12 months (forecast): ${D(q['next_12_months']):,.2f}" in out


# -- bad input: one line, no traceback, no window ------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["quote", "--requests", "1e13", "--input-tokens", "10", "--output-tokens", "10", "--price-in", "1",
          "--price-out", "1"], "--requests: input should be less than or equal to 1E+12"),
        (["quote", "--requests", "10", "--input-tokens", "10", "--output-tokens", "10", "--price-in", "1e400",
          "--price-out", "1"], "--price-in:"),
        (["models", "--limit", "-1"], "--limit: -1 must be 1 or more"),
        (["models", "--min-quality", "nan"], "--min-quality: nan must be a finite number"),
        (["models", "--sort", "bogus"], "invalid choice: 'bogus'"),
    ],
)
def test_out_of_range_flags_are_one_line_and_exit_2(capsys, argv, needle):
    try:
        code = main(argv)
    except SystemExit as e:  # (argument errors exit from the parser; value errors return)
        code = e.code
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_mistyped_command_opens_no_window(capsys):
    code, out, err = run(capsys, "qoute", "x")
    assert code == 2 and out == ""
    assert err.strip() == ("cost-planner: error: 'qoute' is not a command (models, quote, compare, screenshot, import, "
                           "export, actuals) nor a plan file; did you mean 'quote'?")


def test_a_missing_plan_file_is_named(capsys):
    code, _, err = run(capsys, "missing-budget.costplan")
    assert code == 1 and err.strip() == "cost-planner: error: missing-budget.costplan: file not found"


@pytest.mark.parametrize("version", ["true", '"1"', "1.0"])
def test_schema_version_must_be_a_whole_number(capsys, tmp_path, version):
    p = tmp_path / "v.costplan"
    p.write_text(f'{{"schema_version": {version}, "name": "x", "lines": []}}')
    code, _, err = run(capsys, "quote", str(p))
    assert code == 1 and "field 'schema_version'" in err and err.count("\n") == 1


def test_a_line_without_requests_is_refused_not_costed_at_zero(capsys, tmp_path):
    p = tmp_path / "n.costplan"
    p.write_text(json.dumps({"schema_version": 1, "name": "x", "lines": [
        {"name": "Chat", "input_tokens": "500", "output_tokens": "200", "model": "openai/gpt-5-mini"}]}))
    code, out, err = run(capsys, "quote", str(p))
    assert code == 1 and out == ""
    assert err.strip() == f"cost-planner: error: {p}: lines[0] 'Chat': field 'requests' is missing"


# -- the pricing dimensions through quote ------------------------------------------------------------


@pytest.fixture
def dims_catalog(tmp_path: Path) -> str:
    models = [
        {"id": "t/thinker", "name": "Thinker", "provider": "T", "input": "1", "output": "4", "reasoning": "2",
         "reasoning_estimate": {"low": "1", "expected": "2", "high": "4"}},
        {"id": "c/cacher", "name": "Cacher", "provider": "C", "input": "3", "output": "15", "cache_read": "0.30",
         "cache_write": "3.75", "cache_write_1h": "6"},
        {"id": "o/tiered", "name": "Tiered", "provider": "O", "input": "2", "output": "8",
         "service_tiers": {"flex": {"input": "1", "output": "4"}}},
        {"id": "d/night", "name": "Night", "provider": "D", "input": "0.28", "output": "0.42",
         "off_peak": {"input": "0.14", "output": "0.21", "window": "16:30-00:30 UTC"}},
        {"id": "w/fees", "name": "Fees", "provider": "W", "input": "1", "output": "1", "per_request": "0.001",
         "per_search": "0.01", "per_image": "0.002"},
    ]
    p = tmp_path / "dims.json"
    p.write_text(json.dumps({"schema_version": 1, "as_of": "2026-12-01", "models": models}))
    return str(p)


@pytest.mark.parametrize(
    ("flags", "optimized"),
    [
        # 1,000 x (1,000 x 1 + 200 x 4 + 800 x 2) / 1e6 = 3.40
        (["--model", "t/thinker", "--input-tokens", "1000", "--output-tokens", "200", "--reasoning-tokens", "800"],
         "3.40"),
        # the model's estimate, 2 x 200 = 400 reasoning tokens: (1,000 + 800 + 800) / 1e6 x 1,000 = 2.60
        (["--model", "t/thinker", "--input-tokens", "1000", "--output-tokens", "200"], "2.60"),
        # 1-hour cache: (200 x 3 + 800 x (0.9 x 0.30 + 0.1 x 6)) / 1e6 x 1,000 = 1.296
        (["--model", "c/cacher", "--input-tokens", "1000", "--output-tokens", "0", "--cached-prefix", "800",
          "--cache-hit-rate", "0.9", "--cache-ttl", "1h"], "1.30"),
        # flex: (1,000 x 1 + 500 x 4) / 1e6 x 1,000 = 3.00
        (["--model", "o/tiered", "--input-tokens", "1000", "--output-tokens", "500", "--service-tier", "flex"], "3.00"),
        # half off-peak: 500 x (280 + 420) / 1e6 + 500 x (140 + 210) / 1e6 = 0.35 + 0.175 = 0.525
        (["--model", "d/night", "--input-tokens", "1000", "--output-tokens", "1000", "--off-peak-share", "0.5"],
         "0.53"),
        # (100 + 100) / 1e6 + 0.001 + 2 x 0.01 + 3 x 0.002 = 0.0272 per request
        (["--model", "w/fees", "--input-tokens", "100", "--output-tokens", "100", "--search-calls", "2",
          "--images", "3"], "27.20"),
    ],
)
def test_quote_prices_each_dimension(capsys, dims_catalog, flags, optimized):
    q = quote_json(capsys, "--catalog", dims_catalog, "--requests", "1000", *flags)
    assert q["optimized_monthly"] == optimized


def test_quote_says_when_a_model_lacks_the_tier(capsys, dims_catalog):
    q = quote_json(capsys, "--catalog", dims_catalog, "--requests", "1000", "--model", "w/fees",
                   "--input-tokens", "100", "--output-tokens", "0", "--service-tier", "priority")
    assert any("has no priority prices" in n for n in q["notices"])


def test_quote_long_share_with_a_long_context_tier(capsys, tmp_path):
    cat = tmp_path / "long.json"
    cat.write_text(json.dumps({"schema_version": 1, "as_of": "2026-12-01", "models": [
        {"id": "g/long", "name": "Long", "provider": "G", "input": "1.25", "output": "10",
         "long_context": {"threshold_tokens": 200000, "input": "2.5", "output": "15"}}]}))
    # 1,000 x (0.9 x (10,000 x 1.25 + 1,000 x 10) + 0.1 x (300,000 x 2.5 + 1,000 x 15)) / 1e6 = 96.75
    q = quote_json(capsys, "--catalog", str(cat), "--model", "g/long", "--requests", "1000", "--input-tokens",
                   "10000", "--output-tokens", "1000", "--long-share", "0.1", "--long-input-tokens", "300000")
    assert q["optimized_monthly"] == "96.75"
    code, _, err = run(capsys, "quote", "--catalog", str(cat), "--model", "g/long", "--requests", "1000",
                       "--input-tokens", "10000", "--output-tokens", "1000", "--long-share", "0.1")
    assert code == 2 and err.strip() == ("cost-planner: error: --long-share needs --long-input-tokens "
                                         "(the input of a long request)")


def test_quote_model_accepts_the_name_as_shown(capsys):
    # GPT-5 mini ($0.30 / $2.00 in the shipped catalog): 10,000 x (500 x 0.30 + 200 x 2) / 1e6 = $5.50
    by_name = quote_json(capsys, "--model", "GPT-5 mini", "--requests", "10000", "--input-tokens", "500",
                         "--output-tokens", "200")
    assert by_name["optimized_monthly"] == "5.50"
    code, _, err = run(capsys, "quote", "--model", "gpt-5-mnii", "--requests", "1", "--input-tokens", "1",
                       "--output-tokens", "1")
    assert code == 2 and "did you mean openai/gpt-5-mini" in err


def test_quote_says_when_the_catalog_has_moved_since_the_plan_was_saved(capsys, tmp_path):
    raw = json.loads((EXAMPLES / "small-saas.costplan").read_text())
    raw["pinned_prices"] = {"anthropic/claude-sonnet-4-6": {
        "id": "anthropic/claude-sonnet-4-6", "name": "Claude Sonnet 4.6", "provider": "Anthropic",
        "input": "2.5", "output": "12"}}
    p = tmp_path / "pinned.costplan"
    p.write_text(json.dumps(raw))
    q = quote_json(capsys, str(p))
    # the pinned $2.50 / $12: 10,000 x (500 x 2.5 + 1,000 x 12) / 1e6 = $132.50 (today's price: $165.00)
    assert q["optimized_monthly"] == "132.50"
    assert q["notices"][0].startswith("the catalog has moved since this plan was saved: 1 model(s) changed "
                                      "(Claude Sonnet 4.6)")
    code, out, _ = run(capsys, "quote", str(p))
    assert "note: the catalog has moved since this plan was saved" in out
    # a plan whose pins match today's catalog says nothing of the kind
    assert not any("has moved" in n for n in quote_json(capsys, str(EXAMPLES / "small-saas.costplan"))["notices"])


def test_quote_shows_the_plan_properties(capsys, tmp_path):
    raw = json.loads((EXAMPLES / "small-saas.costplan").read_text())
    raw.update(owner="Ana Ruiz", cost_centre="CC-410 Support", revision=3, fiscal_year_start=4)
    p = tmp_path / "props.costplan"
    p.write_text(json.dumps(raw))
    q = quote_json(capsys, str(p))
    assert (q["owner"], q["cost_centre"], q["revision"]) == ("Ana Ruiz", "CC-410 Support", 3)
    code, out, _ = run(capsys, "quote", str(p))
    assert "owner Ana Ruiz · cost centre CC-410 Support · revision 3" in out


def test_import_scores_adds_your_own_metric(capsys):
    from planner import paths

    code, out, err = run(capsys, "import", "scores", str(FIXTURES / "scores-team-evals.csv"))
    # the good rows land, each bad row is one line naming the file, the row and the field
    assert code == 1
    assert "row 7: field 'score': 101 is outside 0-100" in err
    assert "4 added, 1 changed, 2 skipped" in out
    assert paths.user_overlay().exists()
    q = json.loads(run(capsys, "models", "--quality-metric", "internal_eval", "--min-quality", "1",
                       "--sort", "value", "--format", "json")[1])
    by_id = {m["id"]: m for m in q["models"]}
    # GPT-5 mini 64 on the internal eval at $0.30 input: value 64 / 0.30 = 213.3
    assert by_id["openai/gpt-5-mini"]["quality"] == 64 and round(by_id["openai/gpt-5-mini"]["value"], 1) == 213.3
    assert len(q["models"]) == 4


# -- scenarios and compare -------------------------------------------------------------------------


def test_compare_json_agrees_with_separate_quotes_of_each_scenario(capsys):
    suite = str(EXAMPLES / "product-suite.costplan")
    base = quote_json(capsys, suite)
    cheaper = quote_json(capsys, suite, "--scenario", "Cheaper models")
    busier = quote_json(capsys, suite, "--scenario", "Twice the volume")
    code, out, err = run(capsys, "compare", suite, f"{suite}:Cheaper models", f"{suite}:Twice the volume", "--json")
    assert code == 0, err
    c = json.loads(out)
    assert [p["optimized_monthly"] for p in c["plans"]] == [base["optimized_monthly"], cheaper["optimized_monthly"],
                                                          busier["optimized_monthly"]]
    assert c["delta_monthly"] == str(D(busier["optimized_monthly"]) - D(base["optimized_monthly"]))
    by_name = {ln["name"]: ln for ln in c["lines"]}
    for q, i in ((base, 0), (cheaper, 1), (busier, 2)):
        for ln in q["lines"]:
            assert by_name[ln["name"]]["optimized_monthly"][i] == ln["optimized_monthly"]
    # the line deltas add up to the total's
    assert sum(D(ln["delta_monthly"]) for ln in c["lines"]) == D(c["delta_monthly"])


def test_the_cheaper_models_scenario_by_hand(capsys):
    q = quote_json(capsys, str(EXAMPLES / "product-suite.costplan"), "--scenario", "Cheaper models")
    lines = {ln["name"]: ln["optimized_monthly"] for ln in q["lines"]}
    # Code review on DeepSeek V4 Flash ($0.14 / $0.28): 40,000 x (800 x 0.14 + 400 x 0.28) / 1e6 = 8.96,
    # x 0.65 (the semantic-caching multiplier) = 5.824 -> 5.82
    assert lines["Code review"] == "5.82"
    # Analyst reports on Sonnet 4.6 ($3 / $15, cache read 0.30, write 3.75): 2,000 x (2,000 x 3 + 3,000 x
    # (0.5 x 0.30 + 0.5 x 3.75) + 2,000 x 15) / 1e6 = 2,000 x 42,075e-6 = 84.15, x 0.65 = 54.6975 -> 54.70
    assert lines["Analyst reports"] == "54.70"


def test_quote_an_unknown_scenario_is_one_line(capsys):
    code, _, err = run(capsys, "quote", str(EXAMPLES / "product-suite.costplan"), "--scenario", "Nope")
    assert code == 1 and err.count("\n") == 1
    assert "has no scenario 'Nope' (scenarios: Cheaper models, Twice the volume)" in err


def test_compare_text_lists_lines_added_and_removed(capsys):
    code, out, _ = run(capsys, "compare", "small-saas", "product-suite")
    assert code == 0
    assert "Support bot" in out and "removed" in out and "added" in out


# -- multi-turn sessions and unit economics --------------------------------------------------------


SESSION = ["--price-in", "1", "--price-out", "2", "--price-cache-read", "0.1", "--price-cache-write", "1.25",
           "--requests", "1000", "--turns", "4", "--system-tokens", "1000", "--input-tokens", "100",
           "--output-tokens", "200", "--added-tokens", "300"]


@pytest.mark.parametrize(
    ("extra", "optimized"),
    [
        # turn inputs 1,100 + 1,700 + 2,300 + 2,900 = 8,000; (8,000 + 800 x 2) / 1e6 x 1,000 sessions = 9.60
        ([], "9.60"),
        # the re-sent 7,600 tokens cached at 0.8 x 0.1 + 0.2 x 1.25 = 0.33: (400 + 2,508 + 1,600) / 1e6 x 1,000
        (["--cache-hit-rate", "0.8"], "4.51"),
        # history cut to 1,000: 1,100 + 1,700 + 2,100 + 2,100 = 7,000: (7,000 + 1,600) / 1e6 x 1,000
        (["--context-cap", "1000"], "8.60"),
        # both: prefixes 1,000 + 1,600 + 2,000 + 2,000 = 6,600 x 0.33 = 2,178; (400 + 2,178 + 1,600) / 1e6 x 1,000
        (["--context-cap", "1000", "--cache-hit-rate", "0.8"], "4.18"),
    ],
)
def test_quote_multi_turn_sessions(capsys, extra, optimized):
    q = quote_json(capsys, *SESSION, *extra)
    assert q["optimized_monthly"] == optimized
    ln = q["lines"][0]
    assert (ln["sessions_monthly"], ln["turns"], ln["equivalent_requests_monthly"]) == ("1000", 4, "4000")


def test_quote_cost_per_outcome(capsys):
    q = quote_json(capsys, *SESSION, "--success-rate", "0.5")
    # $9.60 / (1,000 sessions x 0.5) = $0.0192 an outcome
    assert q["lines"][0]["cost_per_outcome"] == "0.019200"
    code, out, _ = run(capsys, "quote", *SESSION, "--success-rate", "0.5")
    assert "$0.019200 per outcome (500 a month)" in out


def test_the_readme_support_chatbot_figures(capsys):
    """GPT-4.1 mini ($0.40 / $1.60, cache read $0.20, write $0.40), 10,000 tickets a month."""
    common = ["--model", "openai/gpt-4-1-mini", "--requests", "10000"]
    single = quote_json(capsys, *common, "--input-tokens", "500", "--output-tokens", "200")
    assert single["optimized_monthly"] == "5.20"  # 10,000 x (200 + 320) / 1e6
    turns = [*common, "--turns", "6", "--system-tokens", "200", "--input-tokens", "50", "--output-tokens", "35"]
    # 6 x 200 + 6 x 50 + 85 x 15 = 2,775 input: 10,000 x (2,775 x 0.40 + 210 x 1.60) / 1e6 = 14.46
    assert quote_json(capsys, *turns)["optimized_monthly"] == "14.46"
    # re-sent 2,475 at 0.9 x 0.20 + 0.1 x 0.40 = 0.22: 10,000 x (120 + 544.5 + 336) / 1e6 = 10.005
    assert quote_json(capsys, *turns, "--cache-hit-rate", "0.9")["optimized_monthly"] == "10.01"


def test_a_plan_file_naming_models_as_shown_is_quoted(capsys, tmp_path):
    p = tmp_path / "named.costplan"
    p.write_text(json.dumps({"schema_version": 2, "name": "Named", "lines": [
        {"name": "Chat", "requests": "10000", "input_tokens": "500", "output_tokens": "200", "model": "GPT-5 mini"}]}))
    code, out, err = run(capsys, "quote", str(p), "--json")
    assert code == 0
    # GPT-5 mini ($0.30 / $2.00): 10,000 x (150 + 400) / 1e6 = $5.50
    assert json.loads(out)["optimized_monthly"] == "5.50"
    assert "'GPT-5 mini' is taken as openai/gpt-5-mini" in err


def test_quote_with_retries_a_fee_and_fixed_add_ons(capsys):
    # gpt-4o-mini $0.15 / $0.60: 100,000 × (1,000 × 0.15 + 200 × 0.60) / 1e6 = $27.00; retries
    # +5% = $28.35; a 5.5% fee on that = $1.55925 -> $29.90925; + $70 + $39.99 = $139.89925 -> $139.90
    out = quote_json(capsys, "--model", "openai/gpt-4o-mini", "--requests", "100000", "--input-tokens", "1000",
                     "--output-tokens", "200", "--retry-overhead", "0.05", "--platform-fee", "0.055",
                     "--add-on", "Vector store=70", "--add-on", "Tracing=39.99")
    assert (out["baseline_monthly"], out["optimized_monthly"], out["add_ons_monthly"]) == ("27.00", "139.90", "109.99")
    assert out["optimized_monthly_low"] == out["optimized_monthly_high"] == "139.90"
    assert [(a["name"], a["monthly"]) for a in out["add_ons"]] == [("Vector store", "70.00"), ("Tracing", "39.99")]
    assert [s["saving"] for s in out["waterfall"]][-4:] == ["-1.35", "-1.56", "-70.00", "-39.99"]
    assert out["savings_monthly"] == "-2.91"  # 27.00 − 29.91: the add-ons are not a lever's doing
    shares = [D(ln["share_of_total_pct"]) for ln in out["lines"]] + [D(a["share_of_total_pct"]) for a in out["add_ons"]]
    assert shares == [D("21.38"), D("50.04"), D("28.58")] and sum(shares) == 100


@pytest.mark.parametrize(("flag", "message"), [
    ("Vector store", "--add-on: 'Vector store' is not NAME=AMOUNT"),
    ("Seats=-5", "--add-on: -5 is below 0"),
    ("Seats=ten", "--add-on: 'ten' is not a number"),
])
def test_a_bad_add_on_is_one_line(capsys, flag, message):
    code, out, err = run(capsys, "quote", "--model", "openai/gpt-4o-mini", "--requests", "1", "--input-tokens", "1",
                         "--output-tokens", "1", "--add-on", flag)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""


def test_quote_by_month_lists_the_add_ons_and_every_month_foots(capsys, tmp_path):
    from planner.domain.plan import AddOn
    from planner.io.catalog_files import load_effective
    from planner.io.plan_files import open_plan, save_plan

    plan = open_plan(Path(__file__).parent.parent / "data" / "examples" / "product-suite.costplan")
    path = tmp_path / "suite.costplan"
    save_plan(plan.model_copy(update={"add_ons": [AddOn(name="Vector store", monthly=D(70), group="Growth")]}),
              load_effective().catalog, path)
    out = quote_json(capsys, str(path), "--by-month")
    bm = out["by_month"]
    assert [(a["name"], a["group"], set(a["months"])) for a in bm["add_ons"]] == [("Vector store", "Growth", {"70.00"})]
    for k in range(len(bm["months"])):
        assert sum(D(r["months"][k]) for r in bm["lines"] + bm["add_ons"]) == D(bm["totals"][k])
    assert out["optimized_monthly"] == "621.64"  # $551.64 + $70.00

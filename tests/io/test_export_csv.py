"""CSV export: BOM, one row per line plus a total that foots, plain numbers, no formula injection."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import compute
from planner.domain.plan import Currency, Plan
from planner.io.catalog_files import load_effective
from planner.io.export_csv import csv_text, export_csv, safe_text
from planner.io.export_sections import build_export
from planner.io.export_table import ExportData
from planner.io.plan_files import open_plan
from tests.conftest import REPO

EXAMPLES = REPO / "data" / "examples"
EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@x", "\tx", "\rx"]
MONEY = re.compile(r"^-?\d+\.\d{2}$")
PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def export_data(plan: Plan, catalog: Catalog | None = None) -> ExportData:
    catalog = catalog or load_effective().catalog
    return build_export(plan, catalog, compute(plan, catalog), exported_at=EXPORTED_AT)


def parse(text: str) -> tuple[list[str], list[dict[str, str]], dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    dicts = [dict(zip(header, r, strict=True)) for r in body]
    return header, dicts[:-1], dicts[-1]


def hostile_plan() -> tuple[Plan, Catalog]:
    """Lines named like formulas, on a custom model whose name is one too."""
    catalog = load_effective().catalog
    evil = ModelPrice(
        id="custom/evil",
        name="-cmd|' /C calc'!A0",
        provider="=Evil",
        input=Decimal("1"),
        output=Decimal("2"),
    )
    catalog = catalog.replace_models([*catalog.models, evil])
    base = open_plan(EXAMPLES / "product-suite.costplan")
    lines = [
        base.lines[i % len(base.lines)].model_copy(
            update={"name": name, "notes": "=1+1" if i == 0 else ""}
        )
        for i, name in enumerate(HOSTILE)
    ]
    lines.append(
        base.lines[0].model_copy(update={"name": "Evil model line", "model": "custom/evil"})
    )
    return base.model_copy(update={"lines": lines}), catalog


def test_bom_header_one_row_per_line_and_total(tmp_path: Path):
    plan = open_plan(EXAMPLES / "product-suite.costplan")
    out = tmp_path / "budget.csv"
    export_csv(export_data(plan), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, rows, total = parse(raw.decode("utf-8-sig"))
    assert [r["Line"] for r in rows] == [line.name for line in plan.lines]
    assert total["Line"] == "Total"
    assert "Baseline (USD/month)" in header and "Optimized (USD/month)" in header
    assert "Input price (USD/1M)" in header and "Cache read price (USD/1M)" in header
    # nothing but the file itself is left in the folder (atomic write, temp file renamed)
    assert [p.name for p in tmp_path.iterdir()] == ["budget.csv"]


def test_every_assumption_of_a_line_is_a_column():
    plan = open_plan(EXAMPLES / "product-suite.costplan")
    _, rows, _ = parse(csv_text(export_data(plan)))
    support = rows[0]
    assert support["Model"] == "Claude Haiku 4.5"
    assert support["Model ID"] == "anthropic/claude-haiku-4-5"
    assert support["Requests/month"] == "50000"
    assert support["Input tokens/request"] == "2300"
    assert support["Output tokens/request"] == "250"
    assert support["Input price (USD/1M)"] == "0.25"
    assert support["Output price (USD/1M)"] == "5"
    assert support["Cache read price (USD/1M)"] == "0.025"
    assert support["Cache write price (USD/1M)"] == "0.3125"
    assert support["Cached prefix (tokens)"] == "2000"
    assert support["Cache hit rate (fraction)"] == "0.9"
    assert support["Response cache hit rate (fraction)"] == "0.15"
    assert support["Semantic cache hit rate (fraction)"] == "0"
    assert support["Routing"] == "100% Claude Haiku 4.5"
    # per-day volume: 3,000 a day x 22 days
    assert rows[2]["Requests/month"] == "66000"
    assert rows[2]["Batch share (fraction)"] == "0.6"
    assert rows[3]["Routing"] == "70% Claude Sonnet 4.6; 30% DeepSeek V4 Flash"


def test_total_foots_and_matches_the_cli_quote(capsys: pytest.CaptureFixture[str]):
    path = EXAMPLES / "product-suite.costplan"
    _, rows, total = parse(csv_text(export_data(open_plan(path))))
    for col in ("Baseline (USD/month)", "Optimized (USD/month)", "Requests/month"):
        assert sum((Decimal(r[col]) for r in rows), Decimal(0)) == Decimal(total[col])
    assert main(["quote", str(path), "--json"]) == 0
    quote = json.loads(capsys.readouterr().out)
    assert total["Optimized (USD/month)"] == quote["optimized_monthly"]
    assert total["Baseline (USD/month)"] == quote["baseline_monthly"]
    assert [r["Optimized (USD/month)"] for r in rows] == [
        line["optimized_monthly"] for line in quote["lines"]
    ]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.costplan")))
def test_every_example_foots_to_the_cent(example: str, capsys: pytest.CaptureFixture[str]):
    _, rows, total = parse(csv_text(export_data(open_plan(EXAMPLES / example))))
    opt = sum((Decimal(r["Optimized (USD/month)"]) for r in rows), Decimal(0))
    assert opt == Decimal(total["Optimized (USD/month)"])
    main(["quote", str(EXAMPLES / example), "--json"])
    assert (
        total["Optimized (USD/month)"] == json.loads(capsys.readouterr().out)["optimized_monthly"]
    )


def test_numbers_are_plain():
    plan = open_plan(EXAMPLES / "product-suite.costplan")
    header, rows, total = parse(csv_text(export_data(plan)))
    money_cols = [h for h in header if "/month)" in h]
    number_cols = [
        h
        for h in header
        if "(USD/1M)" in h or "(fraction)" in h or "tokens" in h or h == "Requests/month"
    ]
    for r in [*rows, total]:
        for h in money_cols:
            assert MONEY.match(r[h]), (h, r[h])
        for h in number_cols:
            assert r[h] == "" or PLAIN.match(r[h]), (h, r[h])
    assert total["Optimized (USD/month)"] == "551.64"
    assert "," not in total["Baseline (USD/month)"]  # 1078.35, not 1,078.35


def test_currency_in_headers_and_amounts_converted():
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    eur = plan.model_copy(update={"currency": Currency(code="EUR", per_usd=Decimal("0.9"))})
    header, _, total = parse(csv_text(export_data(eur)))
    assert "Baseline (EUR/month)" in header and "Optimized (EUR/month)" in header
    assert "Input price (USD/1M)" in header  # prices stay in USD per 1M
    assert total["Baseline (EUR/month)"] == "148.50"  # $165.00 x 0.9


def test_formula_injection_is_neutralised():
    plan, catalog = hostile_plan()
    _, rows, _ = parse(csv_text(export_data(plan, catalog)))
    assert [r["Line"] for r in rows[: len(HOSTILE)]] == ["'" + n for n in HOSTILE]
    assert rows[0]["Notes"] == "'=1+1"
    evil = rows[-1]
    assert evil["Model"] == "'-cmd|' /C calc'!A0"
    assert evil["Line"] == "Evil model line"  # ordinary text untouched
    # numbers are never prefixed, even negative ones
    assert safe_text("plain") == "plain"


def test_csv_text_round_trips_embedded_newlines_and_quotes():
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    line = plan.lines[0].model_copy(update={"name": 'Say "hi", then\nwrap'})
    _, rows, _ = parse(csv_text(export_data(plan.model_copy(update={"lines": [line]}))))
    assert rows[0]["Line"] == 'Say "hi", then\nwrap'


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR"])
def test_amounts_stay_plain_numbers_whatever_the_display_locale(locale):
    from planner.formatting import set_display_locale

    set_display_locale(locale)
    _, _, total = parse(csv_text(export_data(open_plan(EXAMPLES / "product-suite.costplan"))))
    assert total["Optimized (USD/month)"] == "551.64"


def test_yen_amounts_are_whole_yen():
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    jpy = plan.model_copy(update={"currency": Currency(code="JPY", per_usd=Decimal("150.3"))})
    _, rows, total = parse(csv_text(export_data(jpy)))
    # $165.00 x 150.3 = ¥24,799.50, half-up to whole yen
    assert total["Baseline (JPY/month)"] == "24800"
    assert rows[0]["Optimized (JPY/month)"] == "24800"

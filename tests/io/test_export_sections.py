"""Each export section built on its own, its figures worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import compute
from planner.domain.plan import Line, Plan
from planner.io.export_sections import (
    Source,
    build_forecast,
    build_lines,
    build_notes,
    build_prices_used,
    build_summary,
    build_waterfall,
)
from planner.io.export_table import (
    Kind,
    forecast_columns,
    line_columns,
    model_cost_columns,
    price_columns,
    waterfall_columns,
)

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15), source="list page")
B = ModelPrice(id="p/b", name="Beta", provider="Q", input=D(1), output=D(5), batch_discount=D("0.5"))
CATALOG = Catalog(as_of=date(2026, 5, 1), models=(A, B))


def source() -> Source:
    # Chat: 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = 165.00
    # Digest: 20,000 x (1,000 x 1 + 200 x 5) / 1e6 = 40.00; 205.00 in all, no levers
    plan = Plan(name="Two lines", notes="Budget for Q3", lines=[
        Line(name="Chat", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/a"),
        Line(name="Digest", requests=D(20_000), input_tokens=D(1000), output_tokens=D(200), model="p/b",
             notes="batch it later"),
    ])
    return Source.of(plan, CATALOG, compute(plan, CATALOG))


def test_lines_carry_their_prices_and_foot_to_the_total():
    t = build_lines(source())
    assert [r.name for r in t.rows] == ["Chat", "Digest"]
    assert [r.optimized for r in t.rows] == [D("165.00"), D("40.00")]
    assert (t.rows[0].price_input, t.rows[0].price_output) == (D(3), D(15))
    assert t.total.optimized == D("205.00") and t.total.requests == D(30_000)
    # 165 / 205 = 80.49%, 40 / 205 = 19.51%: the shares add up to exactly 1
    assert [r.share for r in t.rows] == [D("0.8049"), D("0.1951")] and t.total.share == 1
    assert t.columns == line_columns("USD")


def test_waterfall_starts_at_the_baseline_and_ends_at_the_optimized_cost():
    w = build_waterfall(source())
    assert (w[0].role, w[0].amount) == ("start", D("205.00"))
    assert (w[-1].role, w[-1].amount, w[-1].of_baseline) == ("end", D("205.00"), 1)
    assert sum((s.amount for s in w if s.role == "step"), D(0)) == 0  # no lever on


def test_prices_used_lists_each_model_once_with_its_spend():
    rows = build_prices_used(source())
    assert [(m.id, m.monthly, m.share) for m in rows] == [
        ("p/a", D("165.00"), D("0.8049")), ("p/b", D("40.00"), D("0.1951"))]
    assert rows[1].batch_text == "50% off (model)"
    assert (rows[1].batch_input_effective, rows[1].batch_output_effective) == (D("0.5"), D("2.5"))
    assert rows[0].source == "list page" and rows[0].pinned_text == "no"


def test_forecast_starts_with_this_month():
    months, total = build_forecast(source())
    assert months[0].expected == D("205.00") and months[0].requests == D(30_000)
    assert total.label == "Total"


def test_notes_keep_the_plan_and_line_notes():
    notes, line_notes, _ = build_notes(source())
    assert notes == "Budget for Q3"
    assert line_notes == (("Digest", "batch it later"),)


def test_summary_items():
    items = {i.key: i for i in build_summary(source(), D(30_000), datetime(2026, 6, 1, 9, 30))}
    assert items["monthly_expected"].value == D("205.00")
    assert items["annual_run_rate"].value == D("2460.00")  # 12 x 205.00
    assert items["cost_per_request"].value == D("0.006833")  # 205 / 30,000, 6 places
    assert items["cost_per_request"].kind is Kind.UNIT_MONEY
    assert items["plan"].value == "Two lines" and "budget" not in items


def test_every_table_is_declared_once_with_a_short_header_for_narrow_pages():
    for spec in (line_columns("EUR"), waterfall_columns("EUR"), model_cost_columns("EUR"),
                 price_columns(), forecast_columns("EUR")):
        keys = [c.key for c in spec]
        assert len(keys) == len(set(keys))
        assert all(c.short_header for c in spec)
    assert [c.short_header for c in line_columns("EUR") if c.key == "baseline"] == ["Baseline (EUR/mo)"]

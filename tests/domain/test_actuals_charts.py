"""The plan-versus-actual charts' numbers: the variance waterfall (planned, the four parts as
steps, actual) and each month's planned and actual totals. Figures by hand in
tests/domain/test_actuals.py (MONTH_USAGE: planned $12.10, actual $14.90; volume +$2.42,
mix +$2.50, price +$0.14, levers −$2.26)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from planner.domain.actuals import month_totals, variance, variance_waterfall
from tests.domain.domain_helpers import line, plan
from tests.domain.test_actuals import CAT, LEVERED, MARCH, MONTH_USAGE, rec, support_plan


def test_waterfall_steps_from_planned_to_actual():
    steps = variance_waterfall(variance(support_plan(), CAT, MONTH_USAGE))
    assert [(s.label, s.start, s.end, s.kind) for s in steps] == [
        ("Planned", D(0), D("12.10"), "total"),
        ("Volume", D("12.10"), D("14.52"), "over"),   # 12.10 + 2.42
        ("Mix", D("14.52"), D("17.02"), "over"),      # + 2.50
        ("Price", D("17.02"), D("17.16"), "over"),    # + 0.14
        ("Levers", D("17.16"), D("14.90"), "under"),  # − 2.26
        ("Actual", D(0), D("14.90"), "total"),
    ]


@pytest.mark.parametrize("usage", [
    MONTH_USAGE,
    [rec("gpt-4o", 1234, 4_111_111, 777_777, cached=1_000_001, cost="17.3333", tags=("Chat",)),
     rec("gpt-4o-mini", 333, 299_999, 33_333, cached=1, cost="0.1117", tags=("Chat",)),
     rec("gpt-4o-mini", 777, 555_555, 77_777, batch=True, cost="0.0711", tags=("nightly",)),
     rec("gpt-4o", 3, 3_000, 333, cost="0.04", tags=("stray",))],
])
def test_the_waterfall_adds_up_to_the_cent(usage):
    p = LEVERED if usage is not MONTH_USAGE else support_plan()
    v = variance(p, CAT, usage, month=MARCH)
    _rows, total = v.shown()
    first, *parts, last = variance_waterfall(v)
    assert first.end == total.planned and last.end == total.actual
    running = first.end
    for step in parts:
        assert step.start == running  # each step starts where the last ended
        running = step.end
    # planned + the four parts = actual, to the cent
    assert first.end + sum(s.end - s.start for s in parts) == last.end
    assert running == last.end


def test_a_part_that_is_nothing_is_flat():
    # billed at exactly the catalog price, no levers: price and levers are 0
    p = plan(line("openai/gpt-4o", 1000, 2000, 500, name="Support bot"))
    v = variance(p, CAT, [rec("gpt-4o", 1000, 2_000_000, 500_000)])
    kinds = {s.label: s.kind for s in variance_waterfall(v)}
    assert (kinds["Volume"], kinds["Price"], kinds["Levers"]) == ("flat", "flat", "flat")


def test_month_totals_in_order():
    usage = [*MONTH_USAGE, rec("gpt-4o", 100, 200_000, 50_000, cost="1.00", day=date(2026, 2, 27))]
    months = month_totals(variance(support_plan(), CAT, usage))
    # February: the same plan ($10.00 + $2.10; no forecast start) against $1.00 billed
    assert months == [("Feb 2026", D("12.10"), D("1.00")), ("Mar 2026", D("12.10"), D("14.90"))]

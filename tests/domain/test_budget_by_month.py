"""The budget by line, group and month, fiscal years, and known price changes in the forecast."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain_helpers import SONNET, catalog, line, mp, plan

from planner.domain.catalog import PricePoint
from planner.domain.costing import compute
from planner.domain.plan import Forecast
from planner.domain.summary import NO_GROUP, fiscal_year_label

D = Decimal

# A $1 / $1 model on an introductory rate: from 15 Jan 2027 its input costs $2.
PROMO = mp("p/promo", "1", "1", as_of=date(2026, 9, 1),
           history=(PricePoint(date=date(2026, 9, 1), input=D(1), output=D(1)),
                    PricePoint(date=date(2027, 1, 15), input=D(2), output=D(1))))
CAT = catalog(SONNET, PROMO)


def two_group_plan(**forecast):
    support = line(SONNET.id, 10_000, 500, 1000, name="Support bot", group="Support")  # $165.00 a month
    search = line("p/promo", 1_000_000, 100, 0, name="Search", group="Search")  # 1M x 100 x $1 / 1e6 = $100.00
    fc = Forecast(horizon_months=12, start_month=date(2026, 10, 1), **forecast)
    return plan(support, search, forecast=fc, fiscal_year_start=4)


def test_a_known_price_change_takes_effect_in_its_month():
    r = compute(two_group_plan(), CAT)
    sm = r.summary()
    # now (and Oct 2026 - Jan 2027): 165 + 100 = 265; from Feb 2027 (the first month starting after
    # 15 Jan) Search costs 1M x 100 x $2 / 1e6 = $200: 365
    assert sm.optimized == D("265.00")
    assert [m.expected for m in sm.forecast] == [D("265.00")] * 4 + [D("365.00")] * 8
    assert sm.forecast[4].label == "Feb 2027"
    assert sm.forecast_total.expected == 4 * D(265) + 8 * D(365) == D("3980.00")


def test_budget_by_line_group_and_fiscal_year():
    p = two_group_plan()
    r = compute(p, CAT)
    table = r.by_month([ln.group for ln in p.lines], p.fiscal_year_start)
    assert table.labels[0] == "Oct 2026" and table.labels[-1] == "Sep 2027"
    support, search = table.lines
    assert support.months == (D("165.00"),) * 12 and support.total == D("1980.00")
    assert search.total == 4 * D(100) + 8 * D(200) == D("2000.00")
    assert [(g.name, g.total) for g in table.groups] == [("Support", D("1980.00")), ("Search", D("2000.00"))]
    # every month's column adds up to that forecast month, and the table to the forecast total
    assert list(table.months) == [m.expected for m in r.summary().forecast]
    assert table.total == r.summary().forecast_total.expected
    # fiscal years from April: Oct 2026 - Mar 2027 (4 x 265 + 2 x 365), Apr - Sep 2027 (6 x 365)
    assert [(y.label, y.first, y.last, y.total) for y in table.fiscal_years] == [
        ("FY2026/27", 0, 5, D("1790.00")), ("FY2027/28", 6, 11, D("2190.00"))]


def test_growth_applies_to_each_line_month():
    p = two_group_plan(monthly_growth=D("0.1"))
    r = compute(p, CAT)
    table = r.by_month([ln.group for ln in p.lines], 1)
    # month 3 (k = 2): Support 165 x 1.21 = 199.65; Search (still $1) 100 x 1.21 = 121.00
    assert (table.lines[0].months[2], table.lines[1].months[2]) == (D("199.65"), D("121.00"))
    # month 5 (k = 4, Feb 2027): Search at $2: 200 x 1.4641 = 292.82
    assert table.lines[1].months[4] == D("292.82")
    assert list(table.months) == [m.expected for m in r.summary().forecast]


def test_lines_without_a_group_are_grouped_together():
    p = plan(line(SONNET.id, 10_000, 500, 1000, name="A"), line(SONNET.id, 10_000, 500, 1000, name="B"))
    r = compute(p, CAT)
    table = r.by_month([ln.group for ln in p.lines])
    assert [(g.name, g.total) for g in table.groups] == [(NO_GROUP, D("3960.00"))]  # 2 x 165 x 12
    assert table.fiscal_years == ()  # an undated forecast has no fiscal years


def test_fiscal_year_labels():
    assert fiscal_year_label(date(2027, 3, 1), 1) == "FY2027"
    assert fiscal_year_label(date(2027, 3, 1), 4) == "FY2026/27"
    assert fiscal_year_label(date(2027, 4, 1), 4) == "FY2027/28"

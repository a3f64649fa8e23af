"""Plan versus actual: matching usage to lines, the variance and its split into volume,
token mix, lever and price effects (docs/costs.md "Plan versus actual"), recalibration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from planner.domain.actuals import UsageMapping, UsageRecord, recalibrate, variance
from planner.domain.catalog import Catalog
from planner.domain.costing import compute
from planner.domain.errors import InputError
from planner.domain.plan import Currency, FlatMultiplier, Forecast, PromptCache, RouteShare
from tests.domain.domain_helpers import AS_OF, catalog, line, mp, plan

GPT4O = mp("openai/gpt-4o", "2.50", "10.00", name="GPT-4o", cache_read=D("1.25"), batch_input=D("1.25"),
           batch_output=D("5.00"))
MINI = mp("openai/gpt-4o-mini", "0.15", "0.60", name="GPT-4o Mini", cache_read=D("0.075"),
          batch_input=D("0.075"), batch_output=D("0.30"))
CAT = catalog(GPT4O, MINI)
MARCH = date(2026, 3, 1)


def rec(model: str, requests, inp, out, cached=0, cost=None, batch=False, tags=(), day=MARCH, currency=None):
    return UsageRecord("test", day, model, D(requests), D(inp), D(cached), D(out), batch,
                       None if cost is None else D(str(cost)), currency, tuple(tags))


def support_plan(**kw):
    # Support bot: 1,000 x (2,000 x $2.50 + 500 x $10) / 1M = $10.00
    # Tagger: 10,000 x (1,000 x $0.15 + 100 x $0.60) / 1M = $2.10
    return plan(line("openai/gpt-4o", 1000, 2000, 500, name="Support bot"),
                line("openai/gpt-4o-mini", 10000, 1000, 100, name="Tagger"), **kw)


MONTH_USAGE = [
    rec("gpt-4o-2024-08-06", 600, 1_500_000, 400_000, cached=500_000, cost="7.125", day=date(2026, 3, 1)),
    rec("gpt-4o-2024-08-06", 600, 1_300_000, 350_000, cached=300_000, cost="6.375", day=date(2026, 3, 2)),
    rec("gpt-4o-mini-2024-07-18", 12_000, 12_000_000, 1_200_000, cost="1.40", batch=True),
]


def test_variance_split_by_hand():
    v = variance(support_plan(), CAT, MONTH_USAGE)
    rows, total = v.shown()
    support, tagger = rows
    # Support bot: planned $10.00 for 1,000 requests ($0.01 each); 1,200 actual requests.
    #   volume = (1,200 - 1,000) x $0.01 = $2.00
    #   mix    = 1,200 requests at 2,333.3 in / 625 out at planned prices, no levers:
    #            (2,800,000 x 2.50 + 750,000 x 10) / 1M = $14.50, less 1,200 x $0.01 = $2.50
    #   lever  = catalog cost of the actual tokens (800,000 cached at $1.25):
    #            (2,000,000 x 2.50 + 800,000 x 1.25 + 750,000 x 10) / 1M = $13.50, less $14.50 = -$1.00
    #   price  = billed $13.50 - catalog $13.50 = $0
    assert (support.planned, support.actual, support.variance) == (D("10.00"), D("13.50"), D("3.50"))
    assert (support.split.volume, support.split.mix, support.split.lever, support.split.price) == (
        D("2.00"), D("2.50"), D("-1.00"), D("0.00"))
    assert support.variance_fraction == D("0.35")
    # Tagger: planned $2.10 for 10,000 ($0.00021 each); 12,000 batch requests.
    #   volume = 2,000 x $0.00021 = $0.42; mix = 0 (same tokens per request)
    #   lever  = batch: (12,000,000 x 0.075 + 1,200,000 x 0.30) / 1M = $1.26, less $2.52 = -$1.26
    #   price  = billed $1.40 - $1.26 = $0.14
    assert (tagger.planned, tagger.actual) == (D("2.10"), D("1.40"))
    assert (tagger.split.volume, tagger.split.mix, tagger.split.lever, tagger.split.price) == (
        D("0.42"), D("0.00"), D("-1.26"), D("0.14"))
    # $14.90 against $12.10: $2.80 over, 23.14%
    assert (total.planned, total.actual, total.variance, total.variance_fraction) == (
        D("12.10"), D("14.90"), D("2.80"), D("0.2314"))
    assert total.split.total == total.variance


def test_billed_price_off_the_catalog_is_flagged():
    v = variance(support_plan(), CAT, MONTH_USAGE)
    flags = {m.model_id: m.flagged for m in v.models}
    # gpt-4o billed exactly its catalog cost; gpt-4o-mini $1.40 against $1.26 (+11.1%)
    assert flags == {"openai/gpt-4o": False, "openai/gpt-4o-mini": True}
    assert any("openai/gpt-4o-mini: billed above the catalog price" in n and "11.1%" in n for n in v.notices)
    # $1.28 against $1.26 is 1.6% off: within 2%
    close = [*MONTH_USAGE[:2], rec("gpt-4o-mini", 12_000, 12_000_000, 1_200_000, cost="1.28", batch=True)]
    assert not any(m.flagged for m in variance(support_plan(), CAT, close).models)


LEVERED = plan(
    line("openai/gpt-4o", 900, 3000, 700, name="Chat", prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.6")),
         routing=[RouteShare(model="openai/gpt-4o", share=D("0.7")), RouteShare(model="openai/gpt-4o-mini", share=D("0.3"))],
         response_cache_hit_rate=D("0.1")),
    line("openai/gpt-4o-mini", 33, 777, 91, name="Nightly", batch_share=D("0.35"), volume_mode="day",
         days_per_month=D(22)),
    line("openai/gpt-4o", 0, 100, 10, name="Unused"),
    multipliers=[FlatMultiplier(name="Prompt trimming", enabled=True, low=D("0.01"), expected=D("0.07"), high=D("0.1"))],
    retry_overhead=D("0.03"), platform_fee=D("0.055"),
    forecast=Forecast(start_month=date(2026, 1, 1), monthly_growth=D("0.07"), yearly_price_trend=D("-0.1")),
)


@pytest.mark.parametrize("usage", [
    [rec("gpt-4o", 1234, 4_111_111, 777_777, cached=1_000_001, cost="17.3333", tags=("Chat",)),
     rec("gpt-4o-mini", 333, 299_999, 33_333, cached=1, cost="0.1117", tags=("Chat",)),
     rec("gpt-4o-mini", 777, 555_555, 77_777, batch=True, cost="0.0711", tags=("nightly",)),
     rec("gpt-4o", 3, 3_000, 333, cost="0.04", tags=("stray",), day=date(2026, 2, 11))],
    # no request counts (a FOCUS file without request meters) and no costs at all
    [rec("gpt-4o", 0, 4_111_111, 777_777, tags=("Chat",)), rec("gpt-4o-mini", 0, 1_000, 10, tags=("Nightly",))],
])
def test_the_parts_add_up_exactly_to_the_variance(usage):
    v = variance(LEVERED, CAT, usage, month=MARCH)
    for lv in v.lines:
        assert lv.split.total == lv.actual_cost - lv.planned  # exact, unrounded
    rows, total = v.shown()
    for r in [*rows, total]:
        assert r.split.total == r.variance == r.actual - r.planned
    assert total.planned == sum(r.planned for r in rows)
    assert total.actual == sum(r.actual for r in rows)


def test_planned_month_follows_the_forecast():
    # March is month 2 of a forecast starting in January: volume x 1.07^2, prices x 0.9^(2/12)
    usage = [rec("gpt-4o", 1, 100, 10, tags=("Chat",))]
    v = variance(LEVERED, CAT, usage, month=MARCH)
    month0 = compute(LEVERED, CAT).lines[0].optimized
    expected = month0 * D("1.07") ** 2 * D("0.9") ** (D(2) / 12)
    assert abs(v.lines[0].planned - expected) < D("1e-12")
    assert v.lines[0].planned_requests == 900 * D("1.07") ** 2


def test_matching_by_tag_mapping_and_model():
    p = plan(line("openai/gpt-4o", 10, 100, 10, name="Search"), line("openai/gpt-4o", 10, 100, 10, name="Chat"),
             line("openai/gpt-4o-mini", 10, 100, 10, name="Tagger"))
    usage = [rec("gpt-4o", 1, 100, 10, tags=("search",)),            # a tag that is a line's name
             rec("gpt-4o", 2, 100, 10, tags=("proj_chat",)),          # mapped below
             rec("gpt-4o", 4, 100, 10, tags=("proj_x",)),             # two lines use gpt-4o: unmatched
             rec("gpt-4o-mini-2024-07-18", 8, 100, 10)]               # the one line on the model
    v = variance(p, CAT, usage, UsageMapping(keys={"proj_chat": "Chat"}))
    assert [lv.actual.requests for lv in v.lines] == [1, 2, 8]
    (stray,) = v.unmatched
    assert stray.usage.requests == 4
    assert stray.reason == "lines 'Search', 'Chat' all use openai/gpt-4o (tags: proj_x): map it to one"
    mapped = variance(p, CAT, usage, UsageMapping(keys={"proj_chat": "Chat", "gpt-4o": "Search"}))
    assert [lv.actual.requests for lv in mapped.lines] == [5, 2, 8]
    with pytest.raises(InputError, match="mapping 'x=Nope': the plan has no line 'Nope'"):
        variance(p, CAT, usage, UsageMapping(keys={"x": "Nope"}))


def test_months_and_a_month_with_no_usage():
    usage = [*MONTH_USAGE, rec("gpt-4o", 100, 200_000, 50_000, cost="1.00", day=date(2026, 2, 27))]
    v = variance(support_plan(), CAT, usage)
    assert v.month == MARCH  # the latest month by default
    assert [(m.month.month, m.actual) for m in v.months] == [(2, D("1.00")), (3, D("14.900"))]
    with pytest.raises(InputError, match="no usage in 2026-05; the files cover 2026-02, 2026-03"):
        variance(support_plan(), CAT, usage, month=date(2026, 5, 1))


def test_usd_usage_against_a_euro_plan():
    p = support_plan(currency=Currency(code="EUR", per_usd=D("0.9")))
    v = variance(p, CAT, MONTH_USAGE)
    _rows, total = v.shown()
    # $14.90 x 0.9 = EUR 13.41; planned $12.10 x 0.9 = EUR 10.89
    assert (total.actual, total.planned) == (D("13.41"), D("10.89"))
    with pytest.raises(InputError, match="billed in GBP, the plan in EUR"):
        variance(p, CAT, [rec("gpt-4o", 1, 10, 1, cost="1", currency="GBP")])


def test_recalibrated_plan_costs_the_actual_usage_at_catalog_prices():
    v = variance(support_plan(), CAT, MONTH_USAGE)
    new = recalibrate(support_plan(), v)
    support, tagger = new.lines
    # 1,200 requests of 2,333.33 in (666.67 of them cached, every time) and 625 out
    assert (support.requests, support.input_tokens, support.output_tokens) == (D(1200), D("2333.33"), D(625))
    assert (support.prompt_cache.prefix_tokens, support.prompt_cache.hit_rate) == (D("666.67"), D(1))
    assert (tagger.requests, tagger.batch_share) == (D(12000), D(1))
    assert new.forecast.start_month == MARCH
    # at catalog prices: $13.50 (to the cent, tokens per request kept to 0.01) and $1.26
    assert compute(new, CAT).summary().line_optimized == (D("13.50"), D("1.26"))


def test_recalibration_takes_the_routing_as_it_went():
    p = plan(line("openai/gpt-4o", 100, 1000, 100, name="Chat"))
    usage = [rec("gpt-4o", 300, 300_000, 30_000, tags=("Chat",)), rec("gpt-4o-mini", 700, 700_000, 70_000, tags=("Chat",))]
    (chat,) = recalibrate(p, variance(p, CAT, usage)).lines
    assert chat.model == "openai/gpt-4o-mini"
    assert [(r.model, r.share) for r in chat.routing] == [("openai/gpt-4o-mini", D("0.7")), ("openai/gpt-4o", D("0.3"))]


def test_pinned_prices_cost_the_actual_tokens():
    pinned = support_plan(pinned_prices={"openai/gpt-4o": GPT4O.model_copy(update={"input": D(5)})})
    v = variance(pinned, Catalog(as_of=AS_OF, models=(GPT4O, MINI)), MONTH_USAGE[:2])
    # catalog cost at the pinned $5 input: (2,000,000 x 5 + 800,000 x 1.25 + 750,000 x 10) / 1M = $18.50
    assert v.lines[0].actual.catalog == D("18.5")

"""Reasoning tokens, cache TTL, service tiers, off-peak hours, per-request fees, retries and
platform fees: each priced by hand here, then by the engine."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from domain_helpers import catalog, line, mp, plan
from pydantic import ValidationError

from planner.domain.catalog import LongContextTier, ReasoningEstimate, TierPrices
from planner.domain.costing import OFF_PEAK, PLATFORM_FEE, RETRY, SERVICE_TIER, compute
from planner.domain.plan import PLAN_SCHEMA_VERSION, PromptCache, parse_plan
from planner.domain.prices import cache_break_even_reads, unit_prices

D = Decimal

THINKER = mp("t/thinker", "1", "4", reasoning_estimate=ReasoningEstimate(low=D(1), expected=D(2), high=D(4)))
PRICED_THINKER = mp("t/priced", "1", "4", reasoning=D(2))
CACHER = mp("c/cacher", "3", "15", cache_read=D("0.30"), cache_write=D("3.75"), cache_write_1h=D(6))
TIERED = mp("o/tiered", "2", "8", service_tiers={"flex": TierPrices(input=D(1), output=D(4)),
                                                  "priority": TierPrices(input=D("3.5"), output=D(14))})
NIGHT = mp("d/night", "0.28", "0.42", off_peak=TierPrices(input=D("0.14"), output=D("0.21"), window="16:30-00:30 UTC"))
FEES = mp("w/fees", "1", "1", per_request=D("0.001"), per_search=D("0.01"), per_image=D("0.002"))
PLAIN = mp("p/plain", "1", "1")
CAT = catalog(THINKER, PRICED_THINKER, CACHER, TIERED, NIGHT, FEES, PLAIN)


def summary(*lines, **kw):
    return compute(plan(*lines, **kw), CAT).summary()


def test_reasoning_tokens_at_the_reasoning_price():
    # 1,000 x (1,000 x $1 + 200 x $4 + 800 reasoning x $2) / 1e6 = 1,000 x 3,400e-6 = $3.40
    assert summary(line("t/priced", 1000, 1000, 200, reasoning_tokens=D(800))).optimized == D("3.40")


def test_reasoning_tokens_at_the_output_price_where_there_is_no_reasoning_price():
    # 1,000 x (1,000 + 200 x 4 + 800 x 4) / 1e6 = $5.00
    assert summary(line("t/thinker", 1000, 1000, 200, reasoning_tokens=D(800))).optimized == D("5.00")


def test_a_reasoning_models_estimate_gives_the_range():
    # no reasoning tokens stated: 2 x 200 = 400 expected (1,000 + 800 + 1,600 = $3.40 per 1,000),
    # 1 x 200 = 200 low ($2.60), 4 x 200 = 800 high ($5.00)
    r = compute(plan(line("t/thinker", 1000, 1000, 200)), CAT)
    sm = r.summary()
    assert (sm.low, sm.optimized, sm.high) == (D("2.60"), D("3.40"), D("5.00"))
    assert any("reasoning tokens are an estimate" in n for n in r.notices)
    # stating 0 reasoning tokens turns the estimate off: 1,000 x 1,800e-6 = $1.80
    assert summary(line("t/thinker", 1000, 1000, 200, reasoning_tokens=D(0))).optimized == D("1.80")


def test_one_hour_cache_writes_at_the_one_hour_price():
    cache = {"prefix_tokens": D(800), "hit_rate": D("0.9")}
    # input per request: 200 x 3 + 800 x (0.9 x 0.30 + 0.1 x w); x 1,000 requests / 1e6
    # 5 minutes, w = 3.75: 600 + 516 = 1,116 -> $1.116; 1 hour, w = 6: 600 + 696 = 1,296 -> $1.296
    five = line("c/cacher", 1000, 1000, 0, prompt_cache=PromptCache(**cache))
    hour = line("c/cacher", 1000, 1000, 0, prompt_cache=PromptCache(**cache, ttl="1h"))
    assert summary(five).optimized == D("1.12")
    assert summary(hour).optimized == D("1.30")


def test_break_even_reads_per_write_for_each_ttl():
    # (write - in) / (in - read): 5 minutes (3.75 - 3) / 2.70 = 0.2777...; 1 hour (6 - 3) / 2.70 = 1.111...
    assert cache_break_even_reads(unit_prices(CACHER)) == D("0.75") / D("2.70")
    assert cache_break_even_reads(unit_prices(CACHER, ttl="1h")) == D(3) / D("2.70")
    assert cache_break_even_reads(unit_prices(PLAIN)) is None


def test_a_one_hour_cache_without_its_price_says_so():
    no_hour = mp("c/nohour", "3", "15", cache_read=D("0.30"), cache_write=D("3.75"))
    ln = line("c/nohour", 1000, 1000, 0, prompt_cache=PromptCache(prefix_tokens=D(800), hit_rate=D("0.9"), ttl="1h"))
    r = compute(plan(ln), catalog(no_hour))
    assert r.summary().optimized == D("1.12")  # the 5-minute price, as above
    assert any("no 1-hour cache-write price" in n for n in r.notices)


def test_service_tiers_and_their_waterfall_step():
    # 1,000 x (1,000 in + 500 out): standard (2,000 + 4,000)/1e6 = $6.00; flex (1,000 + 2,000) = $3.00;
    # priority (3,500 + 7,000) = $10.50
    assert summary(line("o/tiered", 1000, 1000, 500)).optimized == D("6.00")
    flex = summary(line("o/tiered", 1000, 1000, 500, service_tier="flex"))
    assert (flex.baseline, flex.optimized) == (D("6.00"), D("3.00"))
    assert {s.key: s.saving for s in flex.waterfall_steps}[SERVICE_TIER] == D("3.00")
    priority = summary(line("o/tiered", 1000, 1000, 500, service_tier="priority"))
    assert {s.key: s.saving for s in priority.waterfall_steps}[SERVICE_TIER] == D("-4.50")


def test_a_model_without_the_tier_is_costed_at_standard_with_a_notice():
    r = compute(plan(line("p/plain", 1000, 1000, 500, service_tier="flex")), CAT)
    assert r.summary().optimized == D("1.50")  # 1,000 x 1,500 x $1 / 1e6
    assert any("has no flex prices" in n for n in r.notices)


def test_off_peak_share():
    # 1,000,000 requests x (1,000 in + 1,000 out): peak (280 + 420)/1e6 = $0.0007 -> $700.00;
    # half off-peak at (140 + 210)/1e6: 500,000 x 0.0007 + 500,000 x 0.00035 = $525.00
    sm = summary(line("d/night", 1_000_000, 1000, 1000, off_peak_share=D("0.5")))
    assert (sm.baseline, sm.optimized) == (D("700.00"), D("525.00"))
    assert {s.key: s.saving for s in sm.waterfall_steps}[OFF_PEAK] == D("175.00")


def test_off_peak_on_a_model_without_off_peak_prices():
    r = compute(plan(line("p/plain", 1000, 1000, 0, off_peak_share=D("0.5"))), CAT)
    assert r.summary().optimized == D("1.00")
    assert any("no off-peak prices" in n for n in r.notices)


def test_per_request_search_and_image_fees():
    # tokens (100 + 100) x $1 / 1e6 = $0.0002; fees 0.001 + 2 x 0.01 + 3 x 0.002 = $0.027
    # per request $0.0272 x 1,000 = $27.20
    sm = summary(line("w/fees", 1000, 100, 100, search_calls=D(2), images=D(3)))
    assert sm.optimized == D("27.20")
    # the per-request fee is always there: 1,000 x (0.0002 + 0.001) = $1.20
    assert summary(line("w/fees", 1000, 100, 100)).optimized == D("1.20")


def test_retry_overhead_and_platform_fee_are_their_own_steps():
    # 10,000 x 10,000 input x $1 / 1e6 = $100.00; retries +10% = $110.00; a 5.5% fee on that = $6.05
    sm = summary(line("p/plain", 10_000, 10_000, 0), retry_overhead=D("0.10"), platform_fee=D("0.055"))
    steps = {s.key: s.saving for s in sm.waterfall_steps}
    assert steps[RETRY] == D("-10.00") and steps[PLATFORM_FEE] == D("-6.05")
    assert (sm.baseline, sm.optimized) == (D("100.00"), D("116.05"))
    assert sm.low <= sm.optimized <= sm.high


def test_steps_keep_their_order_across_lines():
    a = line("p/plain", 1000, 1000, 0, name="A")
    b = line("o/tiered", 1000, 1000, 500, name="B", service_tier="flex")
    keys = [s.key for s in summary(a, b, retry_overhead=D("0.1")).waterfall_steps]
    assert keys == ["app_cache", "routing", "prompt_cache", "batch", "service_tier", "retry_overhead"]


def test_a_version_1_plan_reads_as_version_2_and_costs_the_same():
    raw = {"schema_version": 1, "name": "Old", "lines": [
        {"name": "Chat", "requests": "1000", "input_tokens": "1000", "output_tokens": "500", "model": "o/tiered"}]}
    p = parse_plan(raw, "old.costplan")
    assert p.schema_version == PLAN_SCHEMA_VERSION == 2
    ln = p.lines[0]
    assert (ln.reasoning_tokens, ln.service_tier, ln.off_peak_share, ln.prompt_cache.ttl) == (None, "standard", 0, "5m")
    assert compute(p, CAT).summary().optimized == D("6.00")


LONG = mp("g/long", "1.25", "10", long_context=LongContextTier(threshold_tokens=200_000, input=D("2.5"), output=D(15)))


def test_a_share_of_long_requests_is_billed_at_the_long_context_price():
    # usual request 10,000 in / 1,000 out: (12,500 + 10,000) / 1e6 = 0.0225;
    # long (300,000 in, above 200K): (300,000 x 2.5 + 1,000 x 15) / 1e6 = 0.765;
    # 10% long: 1,000 x (0.9 x 0.0225 + 0.1 x 0.765) = 1,000 x 0.09675 = $96.75
    ln = line("g/long", 1000, 10_000, 1000, long_share=D("0.1"), long_input_tokens=D(300_000))
    r = compute(plan(ln), catalog(LONG))
    assert r.summary().optimized == D("96.75")
    assert any("exceed 200,000" in n for n in r.notices)


def test_a_long_share_needs_the_long_input():
    with pytest.raises(ValidationError, match="long_input_tokens"):
        line("g/long", 1000, 10_000, 1000, long_share=D("0.1"))


def test_a_request_is_billed_at_the_range_its_input_falls_in():
    # base $1 / $2; above 32K $3 / $6; above 256K $4 / $8 (a request is billed wholly at its range)
    tiers = mp("q/tiers", "1", "2", long_context=(LongContextTier(threshold_tokens=256_000, input=D(4), output=D(8)),
                                                  LongContextTier(threshold_tokens=32_000, input=D(3), output=D(6))))
    cat = catalog(tiers)
    assert [t.threshold_tokens for t in tiers.long_context] == [32_000, 256_000]  # kept by rising threshold

    def cost(input_tokens):
        return compute(plan(line("q/tiers", 1000, input_tokens, 1000)), cat).summary().optimized

    assert cost(10_000) == D("12.00")  # 1,000 x (10,000 x 1 + 1,000 x 2) / 1e6
    assert cost(100_000) == D("306.00")  # 1,000 x (100,000 x 3 + 1,000 x 6) / 1e6
    assert cost(300_000) == D("1208.00")  # 1,000 x (300,000 x 4 + 1,000 x 8) / 1e6
    # a share of long requests at each: 90% at 10K and 10% at 300K = 0.9 x 12 + 0.1 x 1,208 = 131.60
    ln = line("q/tiers", 1000, 10_000, 1000, long_share=D("0.1"), long_input_tokens=D(300_000))
    assert compute(plan(ln), cat).summary().optimized == D("131.60")


# Fixed monthly add-ons: plan-level amounts outside the token prices


def _add_ons(*pairs, **kw):
    from planner.domain.plan import AddOn

    return [AddOn(name=n, monthly=D(a), **kw) for n, a in pairs]


def test_fixed_add_ons_are_steps_after_the_fee_and_count_in_every_case():
    # the lines: $100.00 + 10% retries ($110.00) + 5.5% fee ($116.05); add-ons $70 and $39.99
    # that no overhead or fee touches: 116.05 + 70 + 39.99 = $226.04 in low, expected and high
    sm = summary(line("p/plain", 10_000, 10_000, 0), retry_overhead=D("0.10"), platform_fee=D("0.055"),
                 add_ons=_add_ons(("Vector store", "70"), ("Tracing", "39.99")))
    keys = [s.key for s in sm.waterfall_steps]
    assert keys[-4:] == [RETRY, PLATFORM_FEE, "add_on:Vector store", "add_on:Tracing"]
    steps = {s.key: s.saving for s in sm.waterfall_steps}
    assert (steps["add_on:Vector store"], steps["add_on:Tracing"]) == (D("-70.00"), D("-39.99"))
    assert (sm.baseline, sm.optimized, sm.low, sm.high) == (D("100.00"), D("226.04"), D("226.04"), D("226.04"))
    assert sm.baseline - sum((s.saving for s in sm.waterfall_steps), D(0)) == sm.optimized
    assert sm.token_spend == D("116.05") and sm.add_ons_total == D("109.99")
    # shares of the total: 116.05 / 226.04 = 51.34%, 70 / 226.04 = 30.97%, 39.99 / 226.04 = 17.69%
    assert sm.line_share_pct == (D("51.34"),) and sm.add_on_share_pct == (D("30.97"), D("17.69"))
    # the model's share is of the token spend, not of the add-ons
    assert [(s.amount, s.share_fraction) for s in sm.by_model] == [(D("116.05"), D("1.0000"))]


def test_add_ons_neither_grow_nor_follow_the_price_trend():
    from planner.domain.plan import Forecast

    # a $10.00 line growing 10% a month, a $50 add-on: month 3 = 10 x 1.1^2 + 50 = $62.10
    fc = Forecast(horizon_months=3, monthly_growth=D("0.1"))
    sm = summary(line("p/plain", 10_000, 1000, 0), forecast=fc, add_ons=_add_ons(("Seats", "50")))
    assert [m.expected for m in sm.forecast] == [D("60.00"), D("61.00"), D("62.10")]
    assert [m.baseline for m in sm.forecast] == [D("10.00"), D("11.00"), D("12.10")]
    # the next twelve months: each month's line rounded once, plus 12 x $50
    assert sm.next_12_months == sum((10 * D("1.1") ** k).quantize(D("0.01"), rounding=ROUND_HALF_UP) for k in range(12)) + 600


def test_the_budget_buys_requests_with_what_the_add_ons_leave():
    # $1.00 per 1,000 requests, a $40 add-on, a $100 budget: (100 - 40) / 0.001 = 60,000 requests
    sm = summary(line("p/plain", 5000, 1000, 0), add_ons=_add_ons(("Seats", "40")), monthly_budget=D(100))
    assert sm.requests_affordable == 60_000 and sm.headroom == D("55.00")
    # add-ons above the budget: nothing left for requests
    sm = summary(line("p/plain", 5000, 1000, 0), add_ons=_add_ons(("Seats", "140")), monthly_budget=D(100))
    assert sm.requests_affordable == 0


def test_add_ons_are_rows_of_the_budget_by_month_in_their_group():
    from planner.domain.plan import Forecast

    p = plan(line("p/plain", 10_000, 1000, 0, group="Support"), forecast=Forecast(horizon_months=2),
             add_ons=_add_ons(("Seats", "25.005"), group="Support") + _add_ons(("Hosting", "5")))
    t = compute(p, CAT).by_month([ln.group for ln in p.lines])
    assert [(r.name, r.months) for r in t.add_ons] == [("Seats", (D("25.01"),) * 2), ("Hosting", (D("5.00"),) * 2)]
    assert {g.name: g.months for g in t.groups} == {"Support": (D("35.01"),) * 2, "(no group)": (D("5.00"),) * 2}
    assert t.months == (D("40.01"),) * 2 and t.total == D("80.02")


def test_a_disabled_add_on_costs_nothing_and_names_are_unique():
    from planner.domain.plan import AddOn

    off = [AddOn(name="Seats", monthly=D(50), enabled=False)]
    assert summary(line("p/plain", 1000, 1000, 0), add_ons=off).optimized == D("1.00")
    with pytest.raises(ValidationError, match="two add-ons are named 'Seats'"):
        plan(add_ons=_add_ons(("Seats", "1"), ("Seats", "2")))
    with pytest.raises(ValidationError, match="monthly"):
        AddOn(name="Bad", monthly=D(-1))

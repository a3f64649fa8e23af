"""The cost engine against hand-computed figures from DESIGN.md "Numbers: the definitions"."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from domain_helpers import (
    FLASH,
    GEMINI_PRO,
    MID,
    OPUS,
    SONNET,
    STANDARD_CATALOG,
    catalog,
    line,
    mp,
    plan,
)

from planner.domain.catalog import LongContextTier
from planner.domain.costing import (
    APP_CACHE,
    BATCH,
    PROMPT_CACHE,
    ROUTING,
    combined_multiplier_saving,
    compute,
)
from planner.domain.errors import InputError
from planner.domain.money import foot, foot_to, money
from planner.domain.plan import (
    Currency,
    FlatMultiplier,
    Forecast,
    PromptCache,
    RouteShare,
    VolumeMode,
)

D = Decimal


def steps_of(result) -> dict[str, Decimal]:
    return {s.key: s.saving for s in result.waterfall}


# ---------------------------------------------------------------------------------------
# The seeds' scenarios


def test_small_saas_on_sonnet():
    # 10,000 x (500*3 + 1000*15)/1e6 = 10,000 x 16,500/1e6 = 10,000 x 0.0165 = 165.00
    r = compute(plan(line(SONNET.id, 10_000, 500, 1000)), STANDARD_CATALOG)
    assert r.baseline == D("165.00")
    assert r.optimized == D("165.00")
    assert r.requests == D(10_000)


def test_medium_saas_is_ten_times_small():
    # 100,000 x 0.0165 = 1,650.00
    r = compute(plan(line(SONNET.id, 100_000, 500, 1000)), STANDARD_CATALOG)
    assert r.baseline == D("1650.00")
    assert r.optimized == D("1650.00")


def test_enterprise_on_opus():
    # 100,000 x (2000*15 + 4000*75)/1e6 = 100,000 x (30,000 + 300,000)/1e6 = 100,000 x 0.33 = 33,000.00
    r = compute(plan(line(OPUS.id, 100_000, 2000, 4000)), STANDARD_CATALOG)
    assert r.baseline == D("33000.00")
    assert r.optimized == D("33000.00")


def test_consumer_app_on_flash():
    # 10,000,000 x (200*0.10 + 500*0.40)/1e6 = 10,000,000 x 220/1e6 = 2,200.00
    r = compute(plan(line(FLASH.id, 10_000_000, 200, 500)), STANDARD_CATALOG)
    assert r.baseline == D("2200.00")
    assert r.optimized == D("2200.00")


def routed_mix_plan():
    return plan(
        line(
            OPUS.id,
            1_000_000,
            500,
            1000,
            name="Routed",
            routing=[
                RouteShare(model=FLASH.id, share=D("0.40")),
                RouteShare(model=SONNET.id, share=D("0.35")),
                RouteShare(model=OPUS.id, share=D("0.15")),
                RouteShare(model=GEMINI_PRO.id, share=D("0.10")),
            ],
        )
    )


def test_routed_one_million_call_mix():
    # baseline, all on Opus: 1,000,000 x (500*15 + 1000*75)/1e6 = 7,500 + 75,000 = 82,500.00
    # Flash      400,000 x (500*0.10 + 1000*0.40)/1e6 = 400,000 x 0.00045 =    180.00
    # Sonnet     350,000 x (500*3    + 1000*15  )/1e6 = 350,000 x 0.0165  =  5,775.00
    # Opus       150,000 x (500*15   + 1000*75  )/1e6 = 150,000 x 0.0825  = 12,375.00
    # Gemini Pro 100,000 x (500*2    + 1000*12  )/1e6 = 100,000 x 0.013   =  1,300.00
    # optimized = 180 + 5,775 + 12,375 + 1,300 = 19,630.00; routing saving 62,870.00
    r = compute(routed_mix_plan(), STANDARD_CATALOG)
    assert r.baseline == D("82500.00")
    assert r.optimized == D("19630.00")
    s = steps_of(r)
    assert s[ROUTING] == D("62870.00")
    assert s[APP_CACHE] == s[PROMPT_CACHE] == s[BATCH] == 0
    assert r.by_model == {
        FLASH.id: D("180"),
        SONNET.id: D("5775"),
        OPUS.id: D("12375"),
        GEMINI_PRO.id: D("1300"),
    }


# ---------------------------------------------------------------------------------------
# Each lever alone (model Acme Mid $2 in / $8 out unless said)


def test_app_caches_reduce_billable_requests():
    # per request (1000*2 + 500*8)/1e6 = 0.006; baseline 1,000 x 0.006 = 6.00
    # R' = 1000 x (1-0.2) x (1-0.25) = 600 -> 600 x 0.006 = 3.60; saving 2.40
    ln = line(
        MID.id, 1000, 1000, 500, response_cache_hit_rate=D("0.2"), semantic_cache_hit_rate=D("0.25")
    )
    r = compute(plan(ln), STANDARD_CATALOG)
    assert r.baseline == D("6.00")
    assert r.optimized == D("3.60")
    assert r.lines[0].billable_requests == D(600)
    assert steps_of(r)[APP_CACHE] == D("2.40")
    assert r.requests == D(1000)  # the volume shown is the user's, not the billable one


def test_prompt_caching_formula():
    # Sonnet $3/$15, cache read $0.30, cache write $3.75; I=2000, O=100, P=1500, h=0.8, R=1000
    # baseline: (2000*3 + 100*15)/1e6 = 7,500/1e6 -> x1000 = 7.50
    # input: (2000-1500)*3 + 1500*(0.8*0.30 + 0.2*3.75) = 1,500 + 1500*0.99 = 2,985
    # request: (2,985 + 1,500)/1e6 = 0.004485 -> x1000 = 4.485; saving 3.015
    ln = line(
        SONNET.id,
        1000,
        2000,
        100,
        prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8")),
    )
    r = compute(plan(ln), STANDARD_CATALOG)
    assert r.baseline == D("7.50")
    assert r.optimized == D("4.485")
    assert steps_of(r)[PROMPT_CACHE] == D("3.015")
    assert r.notices == ()


def test_prompt_cache_write_defaults_to_input_price():
    # same as above, no cache_write price: write at input $3
    # input: 500*3 + 1500*(0.8*0.30 + 0.2*3) = 1,500 + 1500*0.84 = 2,760; + output 1,500 = 4,260
    # -> 0.00426 x 1000 = 4.26
    m = mp("x/no-write", "3", "15", cache_read=D("0.30"))
    ln = line(
        m.id, 1000, 2000, 100, prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8"))
    )
    r = compute(plan(ln), catalog(m))
    assert r.optimized == D("4.26")
    assert steps_of(r)[PROMPT_CACHE] == D("3.24")


def test_prompt_caching_does_not_apply_without_cache_read_price():
    # Gemini Pro has no cache_read: the lever leaves cost unchanged and a notice says so
    # (2000*2 + 100*12)/1e6 = 5,200/1e6 -> x1000 = 5.20
    ln = line(
        GEMINI_PRO.id,
        1000,
        2000,
        100,
        name="Docs",
        prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8")),
    )
    r = compute(plan(ln), STANDARD_CATALOG)
    assert r.baseline == D("5.20")
    assert r.optimized == D("5.20")
    assert steps_of(r)[PROMPT_CACHE] == 0
    assert len(r.notices) == 1
    assert "Gemini Pro" in r.notices[0]
    assert "cache" in r.notices[0].lower()
    assert "Docs" in r.notices[0]


def test_prompt_caching_that_costs_more_shows_negative_saving():
    # Sonnet, I=1000, O=0, P=1000, h=0.1, R=1000: baseline 1000*3/1e6 x 1000 = 3.00
    # cached input 1000*(0.1*0.30 + 0.9*3.75) = 1000*3.405 = 3,405 -> 3.405; saving -0.405
    ln = line(
        SONNET.id, 1000, 1000, 0, prompt_cache=PromptCache(prefix_tokens=D(1000), hit_rate=D("0.1"))
    )
    r = compute(plan(ln), STANDARD_CATALOG)
    assert r.baseline == D("3.00")
    assert r.optimized == D("3.405")
    assert steps_of(r)[PROMPT_CACHE] == D("-0.405")
    # shown: baseline 3.00, optimized 3.41 (3.405 half-up): a saving of -0.41
    assert r.summary().savings == D("-0.41")


@pytest.mark.parametrize(
    ("model_kw", "plan_kw", "expected"),
    [
        # plan default discount 0.5: batched 0.006*0.5 = 0.003
        # mixed 0.6*0.006 + 0.4*0.003 = 0.0048 -> x1000 = 4.80
        ({}, {}, D("4.80")),
        # plan discount 0.2: batched 0.0048; mixed 0.0036 + 0.4*0.0048 = 0.00552 -> 5.52
        ({}, {"batch_discount": D("0.2")}, D("5.52")),
        # model discount 0.3 wins over the plan's: batched 0.0042; mixed 0.0036 + 0.00168 = 5.28
        ({"batch_discount": D("0.3")}, {"batch_discount": D("0.2")}, D("5.28")),
        # model's own batch prices win over any discount: (1000*1.5 + 500*4)/1e6 = 0.0035
        # mixed 0.0036 + 0.4*0.0035 = 0.005 -> 5.00
        (
            {"batch_input": D("1.5"), "batch_output": D("4"), "batch_discount": D("0.3")},
            {"batch_discount": D("0.2")},
            D("5.00"),
        ),
    ],
    ids=["plan-default-50", "plan-discount", "model-discount", "model-batch-prices"],
)
def test_batch_share(model_kw, plan_kw, expected):
    # $2/$8, I=1000, O=500, R=1000, batch share 0.4; standard request 0.006, baseline 6.00
    m = mp("acme/batchy", "2", "8", **model_kw)
    r = compute(plan(line(m.id, 1000, 1000, 500, batch_share=D("0.4")), **plan_kw), catalog(m))
    assert r.baseline == D("6.00")
    assert r.optimized == expected
    assert steps_of(r)[BATCH] == D("6.00") - expected


def test_batch_discount_stacks_on_prompt_caching():
    # Sonnet with caching (I=2000, O=100, P=1500, h=0.8) costs 2,985 in + 1,500 out per 1e6.
    # All requests batched at the default 50%: (2,985 + 1,500) x 0.5 = 2,242.5 -> x1000/1e6 = 2.2425
    ln = line(
        SONNET.id,
        1000,
        2000,
        100,
        batch_share=D(1),
        prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8")),
    )
    r = compute(plan(ln), STANDARD_CATALOG)
    s = steps_of(r)
    assert s[PROMPT_CACHE] == D("3.015")
    assert s[BATCH] == D("2.2425")
    assert r.optimized == D("2.2425")


def test_batch_prices_discount_cache_rates_by_the_input_factor():
    # batch input 2.4 on $3 (x0.8), batch output 7.5 on $15 (x0.5)
    # cached input 2,985 x 0.8 = 2,388; output 1,500 x 0.5 = 750 -> 3,138/1e6 x 1000 = 3.138
    m = mp(
        "x/batched-sonnet",
        "3",
        "15",
        cache_read=D("0.30"),
        cache_write=D("3.75"),
        batch_input=D("2.4"),
        batch_output=D("7.5"),
    )
    ln = line(
        m.id,
        1000,
        2000,
        100,
        batch_share=D(1),
        prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8")),
    )
    r = compute(plan(ln), catalog(m))
    assert r.optimized == D("3.138")


def multipliers():
    return [
        FlatMultiplier(
            name="Smart routing", enabled=True, low=D("0.1"), expected=D("0.2"), high=D("0.5")
        ),
        FlatMultiplier(
            name="Semantic caching", enabled=True, low=D("0"), expected=D("0.25"), high=D("0.4")
        ),
        FlatMultiplier(
            name="Disabled", enabled=False, low=D("0.5"), expected=D("0.5"), high=D("0.5")
        ),
    ]


def test_flat_multipliers_low_expected_high():
    # 10,000 x 0.006 = 60.00 before multipliers
    # expected: 60 x 0.8 x 0.75 = 36.00 (steps 60*0.2 = 12, 48*0.25 = 12)
    # best case (optimized_low, uses HIGH savings): 60 x 0.5 x 0.6 = 18.00
    # worst case (optimized_high, uses LOW savings): 60 x 0.9 x 1.0 = 54.00
    r = compute(plan(line(MID.id, 10_000, 1000, 500), multipliers=multipliers()), STANDARD_CATALOG)
    assert r.baseline == D("60.00")
    assert r.optimized == D("36.00")
    assert r.optimized_low == D("18.00")
    assert r.optimized_high == D("54.00")
    s = steps_of(r)
    assert s["multiplier:Smart routing"] == D("12.00")
    assert s["multiplier:Semantic caching"] == D("12.00")
    assert not any("Disabled" in k for k in s)


def test_best_case_is_never_above_expected_even_in_the_last_digit():
    """High savings equal to the expected ones give the same total to the last digit: each
    case applies the multipliers one after the other, rounding each saving alike (a single
    product rounded once came out 1e-15 above the expected total here)."""
    cat = catalog(mp("p/alpha", "0.01", "0.00", batch_discount=D("0.01")))
    p = plan(
        line("p/alpha", 1, 2015, 0, batch_share=D("0.01"), semantic_cache_hit_rate=D("0.01")),
        multipliers=[FlatMultiplier(name="m0", enabled=True, low=D("0"), expected=D("0.01"), high=D("0.01"))],
        batch_discount=D("0"),
    )
    r = compute(p, cat)
    assert r.optimized_low == r.optimized == D("0.000019747040098")
    assert r.optimized_high == r.lines[0].after["batch"]


def test_disabled_multipliers_do_nothing():
    ms = [m.model_copy(update={"enabled": False}) for m in multipliers()]
    r = compute(plan(line(MID.id, 10_000, 1000, 500), multipliers=ms), STANDARD_CATALOG)
    assert r.optimized == r.optimized_low == r.optimized_high == D("60.00")


def all_levers_plan(**kw):
    ln = line(
        OPUS.id,
        10_000,
        2000,
        100,
        name="Everything",
        routing=[
            RouteShare(model=OPUS.id, share=D("0.5")),
            RouteShare(model=SONNET.id, share=D("0.5")),
        ],
        response_cache_hit_rate=D("0.1"),
        prompt_cache=PromptCache(prefix_tokens=D(1000), hit_rate=D("0.5")),
        batch_share=D("0.5"),
    )
    mult = FlatMultiplier(
        name="Other", enabled=True, low=D("0.05"), expected=D("0.1"), high=D("0.2")
    )
    return plan(ln, multipliers=[mult], **kw)


def test_all_levers_in_order():
    # baseline, Opus: (2000*15 + 100*75)/1e6 = 0.0375 x 10,000 = 375.00
    # 1 app cache 10%: R' = 9,000 -> 337.50                         saving 37.50
    # 2 routing 50/50: 4,500 x 0.0375 + 4,500 x 0.0075 = 168.75 + 33.75 = 202.50   saving 135.00
    # 3 prompt caching P=1000, h=0.5:
    #   Opus   1000*15 + 1000*(0.5*1.50 + 0.5*18.75) + 100*75 = 15,000 + 10,125 + 7,500 = 32,625
    #          -> 4,500 x 0.032625 = 146.8125
    #   Sonnet 1000*3 + 1000*(0.5*0.30 + 0.5*3.75) + 100*15 = 3,000 + 2,025 + 1,500 = 6,525
    #          -> 4,500 x 0.006525 = 29.3625
    #   = 176.175                                                    saving 26.325
    # 4 batch half at 50% off: 176.175 x (0.5 + 0.5*0.5) = 132.13125 saving 44.04375
    # 5 multiplier 10%: 132.13125 x 0.9 = 118.918125                 saving 13.213125
    r = compute(all_levers_plan(), STANDARD_CATALOG)
    assert r.baseline == D("375.00")
    assert [(s.key, s.saving) for s in r.waterfall] == [
        (APP_CACHE, D("37.50")),
        (ROUTING, D("135.00")),
        (PROMPT_CACHE, D("26.325")),
        (BATCH, D("44.04375")),
        ("multiplier:Other", D("13.213125")),
    ]
    assert r.optimized == D("118.918125")
    # best case 132.13125 x 0.8 = 105.705; worst 132.13125 x 0.95 = 125.5246875
    assert r.optimized_low == D("105.705")
    assert r.optimized_high == D("125.5246875")
    # by model after every lever: Opus 146.8125 x 0.75 x 0.9, Sonnet 29.3625 x 0.75 x 0.9
    assert r.by_model == {OPUS.id: D("99.0984375"), SONNET.id: D("19.8196875")}


# ---------------------------------------------------------------------------------------
# Long-context tiers, volume mode, currency


LC = mp(
    "google/gemini-long",
    "1.25",
    "10",
    name="Gemini Long",
    cache_read=D("0.3125"),
    long_context=LongContextTier(threshold_tokens=200_000, input=D("2.50"), output=D("15")),
)


def test_long_context_bills_the_whole_request_at_the_tier():
    # 200,001 input tokens > 200,000: every token at the tier price
    # (200,001*2.50 + 1000*15)/1e6 = (500,002.5 + 15,000)/1e6 = 0.5150025 -> x1000 = 515.0025
    # (billing only the 1 token above the threshold at 2.50 would give 260.0025 + output tier)
    r = compute(plan(line(LC.id, 1000, 200_001, 1000, name="Long")), catalog(LC))
    assert r.baseline == D("515.0025")
    assert any("long-context" in n for n in r.notices)


def test_long_context_at_exactly_the_threshold_is_standard():
    # (200,000*1.25 + 1000*10)/1e6 = 260,000/1e6 = 0.26 -> x1000 = 260.00
    r = compute(plan(line(LC.id, 1000, 200_000, 1000)), catalog(LC))
    assert r.baseline == D("260.00")
    assert r.notices == ()


def test_long_context_cache_read_scales_with_tier_input_price():
    # tier input 2.50 = 2 x 1.25, so cache read 0.3125 x 2 = 0.625 (documented on LongContextTier)
    # I=300,000, P=200,000, h=1, O=0: 100,000*2.50 + 200,000*0.625 = 375,000 -> 0.375 x 1000 = 375.00
    ln = line(
        LC.id, 1000, 300_000, 0, prompt_cache=PromptCache(prefix_tokens=D(200_000), hit_rate=D(1))
    )
    r = compute(plan(ln), catalog(LC))
    assert r.optimized == D("375.00")


def test_per_day_volume_mode():
    # 1,000 a day x 22 days = 22,000 requests x 0.0165 = 363.00
    ln = line(SONNET.id, 1000, 500, 1000, volume_mode=VolumeMode.PER_DAY, days_per_month=D(22))
    r = compute(plan(ln), STANDARD_CATALOG)
    assert r.requests == D(22_000)
    assert r.baseline == D("363.00")
    # default month of 30 days: 30,000 x 0.0165 = 495.00
    ln30 = line(SONNET.id, 1000, 500, 1000, volume_mode=VolumeMode.PER_DAY)
    assert compute(plan(ln30), STANDARD_CATALOG).baseline == D("495.00")


def test_currency_scales_every_amount():
    eur = Currency(code="EUR", per_usd=D("0.9"), rate_date=date(2025, 6, 1))
    usd = compute(all_levers_plan(), STANDARD_CATALOG)
    r = compute(all_levers_plan(currency=eur), STANDARD_CATALOG)
    assert r.currency == "EUR"
    # 375.00 x 0.9 = 337.50; 118.918125 x 0.9 = 107.0263125
    assert r.baseline == D("337.50")
    assert r.optimized == D("107.0263125")
    assert r.optimized_low == D("105.705") * D("0.9")
    assert r.optimized_high == D("125.5246875") * D("0.9")
    assert [s.saving for s in r.waterfall] == [s.saving * D("0.9") for s in usd.waterfall]
    assert r.by_model == {k: v * D("0.9") for k, v in usd.by_model.items()}
    assert r.lines[0].baseline == D("337.50")
    # small SaaS: 165.00 x 0.9 = 148.50
    small = compute(plan(line(SONNET.id, 10_000, 500, 1000), currency=eur), STANDARD_CATALOG)
    assert small.optimized == D("148.50")


def test_usd_plan_must_have_rate_one():
    with pytest.raises(ValueError):
        Currency(code="USD", per_usd=D("0.9"))


# ---------------------------------------------------------------------------------------
# Forecast and budget


def small_saas(**kw):
    return plan(line(SONNET.id, 10_000, 500, 1000, name="Support bot"), **kw)


def test_forecast_growth_months_and_total():
    # optimized 165.00, growth 10%/month, no price trend, horizon 4:
    # 165, 181.5, 199.65, 219.615 -> shown 165.00, 181.50, 199.65, 219.62; total 765.77
    r = compute(
        small_saas(forecast=Forecast(horizon_months=4, monthly_growth=D("0.1"))), STANDARD_CATALOG
    )
    sm = r.summary()
    assert [m.expected for m in sm.forecast] == [D("165.00"), D("181.50"), D("199.65"), D("219.62")]
    assert [m.index for m in sm.forecast] == [0, 1, 2, 3]
    assert sm.forecast_total.expected == D("765.77")
    # requests grow with volume: 10,000 x 1.1^3 = 13,310
    assert sm.forecast[3].requests == D(13_310)


def test_forecast_price_trend_is_yearly():
    # price trend -30%/year, no growth: month 13 = 165 x 0.7^(12/12) = 115.50; month 7 = 165 x 0.7^0.5
    r = compute(
        small_saas(forecast=Forecast(horizon_months=13, yearly_price_trend=D("-0.3"))),
        STANDARD_CATALOG,
    )
    months = r.summary().forecast
    assert len(months) == 13
    assert months[12].expected == D("115.50")
    # 165 x 0.83666002653 = 138.0489... -> 138.05
    assert months[6].expected == D("138.05")


def test_forecast_growth_and_trend_combined():
    g, p = 0.05, -0.4
    r = compute(
        small_saas(
            forecast=Forecast(
                horizon_months=24, monthly_growth=D("0.05"), yearly_price_trend=D("-0.4")
            )
        ),
        STANDARD_CATALOG,
    )
    months = r.summary().forecast
    assert len(months) == 24
    for k, month in enumerate(months):
        exact = 165 * (1 + g) ** k * (1 + p) ** (k / 12)
        assert abs(float(month.expected) - exact) <= 0.005 + 1e-9
        assert abs(float(month.baseline) - exact) <= 0.005 + 1e-9


def test_forecast_default_horizon_is_twelve_months():
    sm = compute(small_saas(), STANDARD_CATALOG).summary()
    assert len(sm.forecast) == 12
    assert all(m.expected == D("165.00") for m in sm.forecast)


def test_forecast_months_come_from_unrounded_line_amounts():
    """A line of $0.006 a month (1 request x 2,000 input tokens at $3/1M) growing 10% a month:
    month 120 is 0.006 x 1.1^119, not the first month's rounded 0.01 x 1.1^119."""
    ln = line(SONNET.id, 1, 2000, 0)
    r = compute(plan(ln, forecast=Forecast(horizon_months=120, monthly_growth=D("0.1"))), STANDARD_CATALOG)
    months = r.summary().forecast
    assert months[0].expected == D("0.01")
    by_hand = (D("0.006") * D("1.1") ** 119).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    # 0.006 x 84,281.5 = 505.69; compounding month 1's rounded cent would say 842.82
    assert by_hand == D("505.69")
    assert months[119].expected == by_hand


def test_forecast_months_are_the_sum_of_their_rounded_lines():
    # two lines of 0.004/month each (1 request x 1,333.33 input at $3/1M would not be exact: use
    # 1 request x 1,334 tokens = 0.004002), growth 50%: month k line = 0.004002 x 1.5^k rounded
    a = line(SONNET.id, 1, 1334, 0, name="A")
    b = line(SONNET.id, 1, 1334, 0, name="B")
    r = compute(plan(a, b, forecast=Forecast(horizon_months=6, monthly_growth=D("0.5"))), STANDARD_CATALOG)
    sm = r.summary()
    for k, month in enumerate(sm.forecast):
        one_line = (D("0.004002") * D("1.5") ** k).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        assert month.expected == 2 * one_line
    assert sm.forecast[0].expected == sm.optimized == D("0.00")
    assert sm.forecast_total.expected == sum(m.expected for m in sm.forecast)


def test_low_expected_high_hold_for_tiny_amounts():
    # three lines of 0.004 each (1 request x 1,333 tokens... use 4,000 tokens at $1/1M = 0.004);
    # multipliers 5/10/20%: each line rounds to 0.00 in all three cases
    cat = catalog(mp("p/one", "1", "1"))
    lines = [line("p/one", 1, 4000, 0, name=f"L{i}") for i in range(3)]
    mult = FlatMultiplier(name="Routing", enabled=True, low=D("0.05"), expected=D("0.1"), high=D("0.2"))
    sm = compute(plan(*lines, multipliers=[mult]), cat).summary()
    assert (sm.low, sm.optimized, sm.high) == (D("0.00"), D("0.00"), D("0.00"))
    assert sm.low <= sm.optimized <= sm.high
    # cost per request from the unrounded total: 3 x 0.004 x 0.9 / 3 = 0.003600
    assert sm.cost_per_request == D("0.003600")


def test_annual_run_rate_and_next_twelve_months():
    r = compute(small_saas(forecast=Forecast(horizon_months=3, monthly_growth=D("0.1"))), STANDARD_CATALOG)
    sm = r.summary()
    assert sm.annual_run_rate == D("1980.00")  # 12 x 165.00
    # 165 x (1.1^12 - 1)/0.1 = 3,528.4... month by month, each rounded:
    by_hand = sum((D(165) * D("1.1") ** k).quantize(D("0.01"), rounding=ROUND_HALF_UP) for k in range(12))
    assert sm.next_12_months == by_hand
    assert len(sm.forecast) == 3  # the shown horizon stays 3 months


def test_line_shares_add_up_to_exactly_one_hundred_percent():
    lines = [line(SONNET.id, 10_000, 500, 1000, name=n) for n in ("A", "B", "C")]
    sm = compute(plan(*lines), STANDARD_CATALOG).summary()
    assert sorted(sm.line_share_pct) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(sm.line_share_pct) == D("100.00")


def test_forecast_first_month_over_budget():
    # months 165, 181.50, 199.65, 219.62; a budget of exactly 199.65 is not exceeded in month 3
    sm = compute(
        small_saas(
            forecast=Forecast(horizon_months=6, monthly_growth=D("0.1")), monthly_budget=D("199.65")
        ),
        STANDARD_CATALOG,
    ).summary()
    assert sm.first_month_over == 3
    assert sm.first_month_over_label == "Month 4"
    assert [m.over_budget for m in sm.forecast[:4]] == [False, False, False, True]


def test_budget_never_exceeded():
    sm = compute(small_saas(monthly_budget=D("1000")), STANDARD_CATALOG).summary()
    assert sm.first_month_over is None


def test_budget_capacity():
    # B = 200, optimized 165: headroom 35.00 (17.50% of the budget);
    # affordable requests 10,000 x 200 / 165 = 12,121.21... -> 12,121 (rounded down)
    sm = compute(small_saas(monthly_budget=D("200")), STANDARD_CATALOG).summary()
    assert sm.headroom == D("35.00")
    assert sm.headroom_fraction == D("0.1750") and sm.headroom_pct == D("17.50")
    assert sm.requests_affordable == 12_121
    # over budget: B = 100 -> headroom -65.00; 10,000 x 100/165 = 6,060.6 -> 6,060
    over = compute(small_saas(monthly_budget=D("100")), STANDARD_CATALOG).summary()
    assert over.headroom == D("-65.00")
    assert over.requests_affordable == 6_060


def test_requests_a_budget_buys_are_rounded_down():
    # 10,000 x 250 / 165 = 15,151.51...: 15,152 requests would cost 250.008 > 250
    sm = compute(small_saas(monthly_budget=D("250")), STANDARD_CATALOG).summary()
    assert sm.requests_affordable == 15_151


def test_no_budget_no_capacity():
    sm = compute(small_saas(), STANDARD_CATALOG).summary()
    assert sm.budget is None and sm.headroom is None and sm.requests_affordable is None


# ---------------------------------------------------------------------------------------
# Prices: pinned first; unknown models


def test_pinned_prices_win_over_catalog():
    # pinned Sonnet $2/$10: 10,000 x (500*2 + 1000*10)/1e6 = 10,000 x 0.011 = 110.00
    pinned = SONNET.with_changes(input=D("2"), output=D("10"))
    r = compute(small_saas(pinned_prices={SONNET.id: pinned}), STANDARD_CATALOG)
    assert r.baseline == D("110.00")


def test_pinned_price_used_for_model_missing_from_catalog():
    r = compute(small_saas(pinned_prices={SONNET.id: SONNET}), catalog(FLASH))
    assert r.baseline == D("165.00")


def test_unknown_model_raises_input_error_naming_line_field_and_model():
    p = plan(
        line(SONNET.id, 1, 1, 1, name="Ok"), line("openai/nope", 10, 10, 10, name="Support bot")
    )
    with pytest.raises(InputError) as e:
        compute(p, STANDARD_CATALOG)
    msg = str(e.value)
    assert "\n" not in msg
    assert "Support bot" in msg
    assert "'model'" in msg
    assert "openai/nope" in msg


def test_unknown_model_in_routing_raises_input_error():
    ln = line(
        SONNET.id,
        10,
        10,
        10,
        name="Router",
        routing=[
            RouteShare(model=SONNET.id, share=D("0.5")),
            RouteShare(model="openai/ghost", share=D("0.5")),
        ],
    )
    with pytest.raises(InputError, match="openai/ghost") as e:
        compute(plan(ln), STANDARD_CATALOG)
    assert "Router" in str(e.value)


def test_empty_plan_costs_nothing():
    r = compute(plan(), STANDARD_CATALOG)
    assert r.baseline == r.optimized == 0
    assert [s.key for s in r.waterfall] == [APP_CACHE, ROUTING, PROMPT_CACHE, BATCH]


# ---------------------------------------------------------------------------------------
# Rounding and footing


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # banker's rounding would give 0.02
        ("2.675", "2.68"),
        ("0.0049999", "0.00"),
        ("165", "165.00"),
        ("19629.995", "19630.00"),
    ],
)
def test_money_rounds_half_up(raw, cents):
    assert money(D(raw)) == D(cents)
    assert str(money(D(raw))) == cents


def test_foot_total_is_sum_of_rounded_amounts():
    # three 0.005s round to 0.01 each: total 0.03 (rounding the raw sum 0.015 would give 0.02)
    rounded, total = foot([D("0.005"), D("0.005"), D("0.005")])
    assert rounded == [D("0.01")] * 3
    assert total == D("0.03")


def test_foot_to_distributes_residual_by_largest_remainder():
    # floors 0.33, 0.33, 0.33 = 0.99; one cent to the largest remainder (0.004 on the third)
    assert foot_to([D("0.333"), D("0.333"), D("0.334")], D("1.00")) == [
        D("0.33"),
        D("0.33"),
        D("0.34"),
    ]


def test_foot_to_with_negative_residual():
    # floors 0.33 + 0.33 = 0.66, target 0.65: take one cent from the smallest remainder (0.331)
    assert foot_to([D("0.331"), D("0.339")], D("0.65")) == [D("0.32"), D("0.33")]


@pytest.mark.parametrize(
    ("values", "total", "expected"),
    [
        # floors 0 + 0 = 0, five cents to place on two amounts: 0.03 and 0.02
        ([D("0.004"), D("0.001")], D("0.05"), [D("0.03"), D("0.02")]),
        # floors 0 + 0 = 0, minus three cents: -0.02 (smallest remainder first) and -0.01
        ([D("0.001"), D("0.004")], D("-0.03"), [D("-0.02"), D("-0.01")]),
    ],
)
def test_foot_to_with_more_residual_cents_than_amounts(values, total, expected):
    out = foot_to(values, total)
    assert sum(out, D(0)) == total
    assert out == expected


def test_footed_lines_foot():
    # $1 in / $0 out, 5,000 input tokens, 1 request: 0.005 a line; three lines foot to 0.03
    m = mp("x/unit", "1", "0")
    p = plan(*(line(m.id, 1, 5000, 0, name=f"L{i}") for i in range(3)))
    r = compute(p, catalog(m))
    amounts, total = r.footed_lines("baseline")
    assert amounts == [D("0.01")] * 3
    assert total == D("0.03")


def test_footed_waterfall_absorbs_rounding_residual():
    # $1/$0, 1,000 input tokens -> $0.001 a request. R=1,005, response cache 50%:
    # baseline 1.005 -> 1.01; optimized 502.5 x 0.001 = 0.5025 -> 0.50; difference 0.51
    # the app-cache saving 0.5025 rounds alone to 0.50, so it must take the residual cent
    m = mp("x/unit", "1", "0")
    r = compute(plan(line(m.id, 1005, 1000, 0, response_cache_hit_rate=D("0.5"))), catalog(m))
    assert money(steps_of(r)[APP_CACHE]) == D("0.50")  # naive rounding would not foot
    base, steps, opt = r.footed_waterfall()
    assert base == D("1.01")
    assert opt == D("0.50")
    assert sum(s.saving for s in steps) == base - opt == D("0.51")
    assert {s.key: s.saving for s in steps}[APP_CACHE] == D("0.51")


def test_footed_waterfall_with_many_lines_and_residuals():
    # ten lines of 0.005 baseline (-> 0.01 each, 0.10 total) and 0.0049 optimized
    # (2% response cache: 0.98 x 0.005; -> 0.00 each): footed baseline 0.10, optimized 0.00.
    # The steps must sum to 0.10 though the exact savings are only 10 x 0.0001 = 0.001.
    m = mp("x/unit", "1", "0")
    p = plan(
        *(
            line(m.id, 1, 5000, 0, name=f"L{i}", response_cache_hit_rate=D("0.02"))
            for i in range(10)
        )
    )
    r = compute(p, catalog(m))
    base, steps, opt = r.footed_waterfall()
    assert base == D("0.10")
    assert opt == D("0.00")
    assert sum((s.saving for s in steps), D(0)) == base - opt


def test_five_expected_multipliers_compound_and_are_flagged_above_85_percent():
    # 1 - (1-0.55)(1-0.30)(1-0.35)(1-0.20)(1-0.50) = 1 - 0.45 x 0.7 x 0.65 x 0.8 x 0.5 = 1 - 0.0819 = 91.81%
    mults = [FlatMultiplier(name=n, enabled=True, low=D(0), expected=D(e), high=D(e))
             for n, e in (("Smart routing", "0.55"), ("Prompt caching", "0.30"), ("Semantic caching", "0.35"),
                          ("Response caching", "0.20"), ("Batch processing", "0.50"))]
    assert combined_multiplier_saving(mults) == D("0.9181")
    r = compute(small_saas(multipliers=mults), STANDARD_CATALOG)
    assert any("together save 91.8% (expected), above the 85%" in n for n in r.notices)


def test_a_multiplier_that_duplicates_a_line_lever_is_flagged():
    ln = line(SONNET.id, 1000, 1000, 100, prompt_cache=PromptCache(prefix_tokens=D(500), hit_rate=D("0.5")))
    mult = FlatMultiplier(name="Prompt caching", enabled=True, low=D("0.2"), expected=D("0.3"), high=D("0.4"))
    r = compute(plan(ln, multipliers=[mult]), STANDARD_CATALOG)
    assert any("'Prompt caching' is on as a flat multiplier while 1 line(s) model prompt caching" in n
               for n in r.notices)
    assert not any("counted twice" in n for n in compute(plan(ln), STANDARD_CATALOG).notices)


def test_every_line_result_is_whole_and_frozen_as_the_constructor_makes_it():
    """The engine makes its line results without the dataclass's constructor
    (LineResult.made): each has every field, equals the constructor's result from the same
    values, and cannot be changed."""
    import dataclasses

    from planner.domain.costing import LineResult

    lines = [
        line(SONNET.id, 10_000, 500, 1000, name="No lever"),  # the plain path
        line(SONNET.id, 10_000, 500, 1000, name="Cached", batch_share=D("0.5"), success_rate=D("0.9"),
             prompt_cache=PromptCache(prefix_tokens=D(400), hit_rate=D("0.8"))),
        line(SONNET.id, 2_000, 300, 200, name="Routed",
             routing=[RouteShare(model=SONNET.id, share=D("0.7")), RouteShare(model=FLASH.id, share=D("0.3"))]),
    ]
    r = compute(plan(*lines, multipliers=[FlatMultiplier(name="Trim", low=D("0.05"), expected=D("0.1"),
                                                              high=D("0.15"), enabled=True)]), STANDARD_CATALOG)
    r_plain = compute(plan(lines[0]), STANDARD_CATALOG)
    names = [f.name for f in dataclasses.fields(LineResult)]
    for lr in (*r.lines, *r_plain.lines):
        assert sorted(vars(lr)) == sorted(names)
        assert lr == LineResult(**{n: getattr(lr, n) for n in names})
        with pytest.raises(dataclasses.FrozenInstanceError):
            lr.optimized = D(0)  # type: ignore[misc]
    # No lever: 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = $165
    assert r_plain.lines[0].optimized == D("165.00") and r_plain.lines[0].outcomes is None
    assert r.lines[1].outcomes == D(9_000)  # 10,000 requests x 0.9 success

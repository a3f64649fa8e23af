"""Per-model metrics and catalog rankings, hand-computed from DESIGN.md's definitions."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from domain_helpers import FLASH, OPUS, SONNET, catalog, line, mp, plan

from planner.domain.catalog import LongContextTier, Tier, tier_for_input_price
from planner.domain.costing import compute
from planner.domain.plan import Currency, PromptCache, VolumeMode
from planner.domain.ranking import (
    STANDARD_TASKS,
    CatalogArrays,
    CompositeWeights,
    SortKey,
    blended,
    cost_per_point,
    plan_workload,
    rank,
    task_cost,
    tokens_per_dollar,
    value,
    what_a_dollar_buys,
    workload_monthly,
)

D = Decimal
Q = "tokenrate"


# ---------------------------------------------------------------------------------------
# One model


def test_tokens_per_dollar_is_whole_tokens_rounded_down():
    assert tokens_per_dollar(D("0.10")) == 10_000_000  # 1e6 / 0.10
    assert tokens_per_dollar(D("0.40")) == 2_500_000  # 1e6 / 0.40
    # $1 buys 66,666.67 tokens at $15: 66,666 whole ones (rounding half up would say 66,667)
    assert tokens_per_dollar(D("15")) == 66_666
    # exactly half a token over: 1e6 / 640 = 1,562.5 -> 1,562; 1e6 / 1.024 = 976,562.5 -> 976,562
    assert tokens_per_dollar(D("640")) == 1_562
    assert tokens_per_dollar(D("1.024")) == 976_562
    assert isinstance(tokens_per_dollar(D("3")), int)
    assert tokens_per_dollar(D("0")) is None
    assert tokens_per_dollar(None) is None


def test_blended_price():
    # Sonnet $3/$15: 3:1 -> (3*3 + 15)/4 = 24/4 = 6; 1:1 -> (3 + 15)/2 = 9
    assert blended(SONNET, 3) == D(6)
    assert blended(SONNET, 1) == D(9)
    # Flash $0.10/$0.40 at 3:1: (0.30 + 0.40)/4 = 0.175
    assert blended(FLASH, 3) == D("0.175")
    # a decimal ratio 0.5:1 -> (0.5*3 + 15)/1.5 = 11
    assert blended(SONNET, 0.5) == D(11)


def test_value_and_cost_per_point():
    m = mp("x/m", "3", "15", quality={Q: 60.0})
    assert value(m, Q) == pytest.approx(20.0)  # 60 / 3
    assert value(m, Q, basis="output") == pytest.approx(4.0)  # 60 / 15
    assert cost_per_point(m, Q) == pytest.approx(0.15)  # ((3 + 15)/2) / 60 = 9/60
    assert value(m, "aa_intelligence") is None
    assert cost_per_point(m, "aa_intelligence") is None
    assert value(mp("x/free", "0", "1", quality={Q: 50.0}), Q) is None


# chat 500*0.10 + 200*0.40 = 50 + 80 = 130 -> $0.00013; 1/0.00013 = 7,692.3 -> 7,692
# email 200*0.10 + 500*0.40 = 20 + 200 = 220 -> $0.00022; 4,545.45 -> 4,545
# summary 2000*0.10 + 300*0.40 = 200 + 120 = 320 -> $0.00032; 3,125 exactly
# code 300*0.10 + 400*0.40 = 30 + 160 = 190 -> $0.00019; 5,263.16 -> 5,263
# blog 500*0.10 + 2000*0.40 = 50 + 800 = 850 -> $0.00085; 1,176.47 -> 1,176
# classify 300*0.10 + 50*0.40 = 30 + 20 = 50 -> $0.00005; 20,000 exactly
TASK_EXPECTED = {
    "chat": (D("0.00013"), 7692),
    "email": (D("0.00022"), 4545),
    "summary": (D("0.00032"), 3125),
    "code": (D("0.00019"), 5263),
    "blog": (D("0.00085"), 1176),
    "classify": (D("0.00005"), 20000),
}


def test_standard_tasks_are_the_six_from_the_design():
    assert {t.key: (t.input_tokens, t.output_tokens) for t in STANDARD_TASKS} == {
        "chat": (500, 200),
        "email": (200, 500),
        "summary": (2000, 300),
        "code": (300, 400),
        "blog": (500, 2000),
        "classify": (300, 50),
    }


@pytest.mark.parametrize("task", STANDARD_TASKS, ids=lambda t: t.key)
def test_task_cost_and_what_a_dollar_buys(task):
    cost, per_dollar = TASK_EXPECTED[task.key]
    assert task_cost(FLASH, task) == cost
    assert what_a_dollar_buys(FLASH, task) == per_dollar


def test_free_model_buys_no_count():
    free = mp("x/free", "0", "0")
    assert what_a_dollar_buys(free, STANDARD_TASKS[0]) is None


@pytest.mark.parametrize(
    ("price", "tier"),
    [
        ("2.50", Tier.PREMIUM),
        ("15", Tier.PREMIUM),
        ("2.4999", Tier.MID),
        ("0.40", Tier.MID),
        ("0.3999", Tier.BUDGET),
        ("0", Tier.BUDGET),
    ],
)
def test_tier_rule_boundaries(price, tier):
    assert tier_for_input_price(D(price)) == tier
    assert mp("x/m", price, "1").effective_tier == tier


def test_catalog_tier_wins_over_rule():
    m = mp("x/m", "0.10", "0.40", tier=Tier.PREMIUM)
    assert m.effective_tier == Tier.PREMIUM


# ---------------------------------------------------------------------------------------
# Rankings


def ids_in_order(cat, ranking, key, **kw):
    return [cat.models[i].id for i in ranking.order(key, **kw)]


def test_value_order_ties_go_to_higher_quality():
    # a: 50/1 = 50, b: 100/2 = 50 (tie, b has higher quality), c: 90/1 = 90, d: 10/1 = 10
    cat = catalog(
        mp("x/a", "1", "1", quality={Q: 50.0}),
        mp("x/b", "2", "1", quality={Q: 100.0}),
        mp("x/c", "1", "1", quality={Q: 90.0}),
        mp("x/d", "1", "1", quality={Q: 10.0}),
    )
    assert ids_in_order(cat, rank(cat, Q), SortKey.VALUE) == ["x/c", "x/b", "x/a", "x/d"]


def test_quality_floor_excludes_low_and_unscored_models():
    cat = catalog(
        mp("x/good", "1", "1", quality={Q: 60.0}),
        mp("x/low", "0.01", "0.01", quality={Q: 20.0}),  # best value by far, but under 30
        mp("x/unscored", "0.01", "0.01"),
        mp("x/edge", "1", "1", quality={Q: 30.0}),  # exactly at the floor stays
    )
    floored = rank(cat, Q, floor=30)
    assert ids_in_order(cat, floored, SortKey.VALUE) == ["x/good", "x/edge"]
    # excluded, not deleted: still listed when asked for
    assert set(ids_in_order(cat, floored, SortKey.VALUE, include_ineligible=True)) == {
        m.id for m in cat
    }
    # no floor: everyone, the unscored model last (low: 20/0.01 = 2,000 first)
    assert ids_in_order(cat, rank(cat, Q, floor=0), SortKey.VALUE) == [
        "x/low",
        "x/good",
        "x/edge",
        "x/unscored",
    ]


def test_cost_per_point_ascending():
    # cpp = ((in + out)/2) / q: a (1+3)/2/50 = 0.04; b (0.1+0.3)/2/40 = 0.005; c (10+30)/2/80 = 0.25
    cat = catalog(
        mp("x/a", "1", "3", quality={Q: 50.0}),
        mp("x/b", "0.1", "0.3", quality={Q: 40.0}),
        mp("x/c", "10", "30", quality={Q: 80.0}),
    )
    r = rank(cat, Q)
    assert ids_in_order(cat, r, SortKey.COST_PER_POINT) == ["x/b", "x/a", "x/c"]
    assert list(r.cost_per_point) == pytest.approx([0.04, 0.005, 0.25])


def test_blend_ratio_changes_blended_order():
    # x: $1/$10 -> 3:1 (3 + 10)/4 = 3.25, 1:1 5.5 ; y: $4/$4 -> 4 at any ratio
    cat = catalog(mp("x/x", "1", "10", quality={Q: 50.0}), mp("x/y", "4", "4", quality={Q: 50.0}))
    r3 = rank(cat, Q, ratio=3)
    r1 = rank(cat, Q, ratio=1)
    assert list(r3.blended) == pytest.approx([3.25, 4.0])
    assert list(r1.blended) == pytest.approx([5.5, 4.0])
    assert ids_in_order(cat, r3, SortKey.BLENDED) == ["x/x", "x/y"]
    assert ids_in_order(cat, r1, SortKey.BLENDED) == ["x/y", "x/x"]


def composite_catalog(*more):
    return catalog(
        # a: cpp (1+1)/2/50 = 0.02, cache read 0.10, 100 tok/s, 128K context
        mp(
            "x/a",
            "1",
            "1",
            quality={Q: 50.0},
            cache_read=D("0.10"),
            throughput_tps=100.0,
            context_window=128_000,
        ),
        # b: cpp (2+4)/2/60 = 0.05, no cache read, 200 tok/s, 16K context
        mp("x/b", "2", "4", quality={Q: 60.0}, throughput_tps=200.0, context_window=16_000),
        # c: scores 20: cpp (0.1+0.1)/2/20 = 0.005, nothing else known
        mp("x/c", "0.1", "0.1", quality={Q: 20.0}),
        *more,
    )


# d: no score on the metric, but the cheapest cache read and the fastest: no composite, and
# no say in anyone else's; e: scored, best at nothing: cpp (5+5)/2/70 = 0.0714, 50 tok/s, 8K
UNSCORED = mp("x/d", "0.01", "0.01", cache_read=D("0.001"), throughput_tps=1000.0, context_window=1_000_000)
ALSO_RAN = mp("x/e", "5", "5", quality={Q: 70.0}, throughput_tps=50.0, context_window=8_000)


def test_composite_default_weights():
    # Each part relative to the best of the models scored on the metric (a, b, c), whatever
    # the floor: best cpp 0.005 (c), cheapest cache read 0.10 (a), fastest 200 tok/s (b).
    # a: cpp 0.005/0.02 = 0.25 -> 10; gate 20; cache 1 -> 15; speed 100/200 -> 7.5; ctx 10 = 62.5
    # b: cpp 0.005/0.05 = 0.1 -> 4; gate 20; no cache 0; speed 1 -> 15; ctx < 32K 0 = 39
    # c: cpp 1 -> 40; under the floor of 30: gate 0; nothing else 0 = 40 (and not listed)
    w = CompositeWeights()
    assert (w.cost_per_point, w.quality_floor, w.cache_read, w.throughput, w.context) == (
        40,
        20,
        15,
        15,
        10,
    )
    cat = composite_catalog()
    r = rank(cat, Q, floor=30)
    assert list(r.composite) == pytest.approx([62.5, 39.0, 40.0])
    assert ids_in_order(cat, r, SortKey.COMPOSITE) == ["x/a", "x/b"]
    # no floor: c passes the gate too, 40 + 20 = 60
    assert list(rank(cat, Q, floor=0).composite) == pytest.approx([62.5, 39.0, 60.0])


def test_composite_does_not_move_with_the_floor_or_other_models():
    full = composite_catalog(UNSCORED, ALSO_RAN)
    at = {f: dict(zip([m.id for m in full], rank(full, Q, floor=f).composite, strict=True)) for f in (0, 30, 50)}
    # a (50) and b (60) pass every one of these floors: same score at each
    for mid, want in (("x/a", 62.5), ("x/b", 39.0)):
        assert at[0][mid] == at[30][mid] == at[50][mid] == pytest.approx(want)
    # taking out models that set no reference (d, e) leaves the others' scores as they were
    fewer = composite_catalog()
    assert list(rank(fewer, Q, floor=0).composite) == pytest.approx([at[0]["x/a"], at[0]["x/b"], at[0]["x/c"]])
    # e: cpp 0.005/0.0714 = 0.07 -> 2.8; gate 20; no cache; 50/200 -> 3.75; 8K -> 0 = 26.55
    assert at[0]["x/e"] == pytest.approx(26.55)


def test_a_model_without_the_metric_has_no_composite():
    cat = composite_catalog(UNSCORED)
    r = rank(cat, Q)
    assert math.isnan(r.composite[3])
    # listed (no floor) but last by composite; not listed at all once there is a floor
    assert ids_in_order(cat, r, SortKey.COMPOSITE) == ["x/a", "x/c", "x/b", "x/d"]
    assert "x/d" not in ids_in_order(cat, rank(cat, Q, floor=10), SortKey.COMPOSITE)


def test_composite_custom_weights():
    # cost per point only: a 0.25 -> 100 x 0.25 = 25, b 0.1 -> 10
    cat = composite_catalog()
    w = CompositeWeights(cost_per_point=1, quality_floor=0, cache_read=0, throughput=0, context=0)
    r = rank(cat, Q, floor=30, weights=w)
    assert list(r.composite[:2]) == pytest.approx([25.0, 10.0])
    # throughput only: a 100/200 -> 50, b 100
    w = CompositeWeights(cost_per_point=0, quality_floor=0, cache_read=0, throughput=3, context=0)
    r = rank(cat, Q, floor=30, weights=w)
    assert list(r.composite[:2]) == pytest.approx([50.0, 100.0])
    assert ids_in_order(cat, r, SortKey.COMPOSITE) == ["x/b", "x/a"]


def test_workload_cost_matches_decimal_engine():
    lc = mp(
        "google/long",
        "1.25",
        "10",
        long_context=LongContextTier(threshold_tokens=200_000, input=D("2.50"), output=D("15")),
    )
    cat = catalog(SONNET, OPUS, FLASH, lc, mp("x/odd", "0.037", "1.13"))
    workload = [(10_000, 500, 1000), (1_234, 250_000, 777), (3, 200_000, 5)]
    got = CatalogArrays.from_catalog(cat).workload_cost(workload)
    for j, m in enumerate(cat.models):
        p = plan(*(line(m.id, r, i, o, name=f"w{k}") for k, (r, i, o) in enumerate(workload)))
        want = compute(p, cat).baseline
        assert math.isclose(got[j], float(want), rel_tol=1e-9), m.id


def test_workload_cost_hand_figure():
    # small SaaS on Sonnet: 165.00; same on Flash: 10,000 x (50 + 400)/1e6 = 4.50
    cat = catalog(SONNET, FLASH)
    got = CatalogArrays.from_catalog(cat).workload_cost([(10_000, 500, 1000)])
    assert list(got) == pytest.approx([165.0, 4.5], rel=1e-12)


def test_rank_by_workload_cheapest_first():
    # 10,000 x (500 + 1,000 tokens): Flash 4.50, Sonnet 165.00, Opus 10,000 x (7,500 + 75,000)/1e6 = 825.00
    cat = catalog(SONNET, OPUS, FLASH)
    r = rank(cat, Q, workload=[(10_000, 500, 1000)])
    assert list(r.workload_cost) == pytest.approx([165.0, 825.0, 4.5], rel=1e-12)
    assert ids_in_order(cat, r, SortKey.WORKLOAD) == [FLASH.id, SONNET.id, OPUS.id]
    with pytest.raises(ValueError, match="workload"):
        rank(cat, Q).order(SortKey.WORKLOAD)


def test_plan_workload_is_each_lines_monthly_requests_and_tokens():
    p = plan(
        line(SONNET.id, 1_000, 500, 1000, volume_mode=VolumeMode.PER_DAY, days_per_month=D(30)),
        line(FLASH.id, 7, 200, 50, name="other"),
    )
    assert plan_workload(p) == [(30_000.0, 500.0, 1000.0), (7.0, 200.0, 50.0)]


def test_workload_monthly_is_the_lines_on_one_model_without_levers():
    # the line's cache and batch levers and the plan's pinned price play no part: 10,000 x
    # (500 x $3 + 1,000 x $15) / 1e6 = $165.00 on Sonnet; on Flash 10,000 x (50 + 400)/1e6 = $4.50
    levered = line(SONNET.id, 10_000, 500, 1000, prompt_cache=PromptCache(prefix_tokens=D(400), hit_rate=D("0.9")),
                   batch_share=D("0.5"), response_cache_hit_rate=D("0.2"))
    cheap_pin = mp(SONNET.id, "1", "1")
    p = plan(levered, pinned_prices={SONNET.id: cheap_pin})
    cat = catalog(SONNET, FLASH)
    assert workload_monthly(p, cat, SONNET.id) == D("165.00")
    assert workload_monthly(p, cat, FLASH.id) == D("4.50")
    # in the plan's currency: 4.50 x 0.9 = 4.05
    eur = plan(levered, currency=Currency(code="EUR", per_usd=D("0.9")))
    assert workload_monthly(eur, cat, FLASH.id) == D("4.05")


def test_workload_monthly_foots_like_a_quote():
    # two lines of 1 request x 5,000 input tokens at $1: $0.005 each, shown as $0.01 each: $0.02
    one = mp("x/one", "1", "1")
    p = plan(line(one.id, 1, 5_000, 0, name="a"), line(one.id, 1, 5_000, 0, name="b"))
    assert workload_monthly(p, catalog(one), one.id) == D("0.02")


# The seed article's TokenRate value table (quality, input $/1M). value = quality / input:
ARTICLE = [
    ("google/gemini-2.5-flash-lite", 55, "0.075"),  # 733.3
    ("meta/llama-4-scout", 55, "0.10"),  # 550
    ("google/gemini-2.5-flash", 66, "0.15"),  # 440
    ("google/gemini-2.0-flash", 55, "0.10"),  # 550
    ("anthropic/claude-haiku-4.5", 65, "0.25"),  # 260
    ("openai/gpt-5-mini", 68, "0.30"),  # 226.7
    ("deepseek/deepseek-v3", 65, "0.30"),  # 216.7
    ("deepseek/deepseek-r1", 73, "0.55"),  # 132.7
    ("mistral/mistral-small", 42, "0.20"),  # 210
    ("qwen/qwen-2.5-32b", 48, "0.30"),  # 160
]


def test_article_value_ranking_is_put_in_order():
    cat = catalog(*(mp(i, p, "1", quality={Q: float(q)}) for i, q, p in ARTICLE))
    order = ids_in_order(cat, rank(cat, Q), SortKey.VALUE)
    assert order[0] == "google/gemini-2.5-flash-lite"
    # Llama 4 Scout and Gemini 2.0 Flash tie at 550 with equal quality
    assert set(order[1:3]) == {"meta/llama-4-scout", "google/gemini-2.0-flash"}
    assert order[3:] == [
        "google/gemini-2.5-flash",  # 440
        "anthropic/claude-haiku-4.5",  # 260
        "openai/gpt-5-mini",  # 226.7
        "deepseek/deepseek-v3",  # 216.7
        "mistral/mistral-small",  # 210
        "qwen/qwen-2.5-32b",  # 160
        "deepseek/deepseek-r1",  # 132.7
    ]
    # the article's mistakes: Gemini 2.0 Flash (550) after Gemini 2.5 Flash (440),
    # Mistral Small (210) after DeepSeek R1 (133)
    assert order.index("google/gemini-2.0-flash") < order.index("google/gemini-2.5-flash")
    assert order.index("mistral/mistral-small") < order.index("deepseek/deepseek-r1")


def test_models_with_no_price_are_not_the_cheapest():
    """An import's unpriced (0/0) entries leave the ranking unless free models are asked for."""
    free = mp("x/unpriced", "0", "0", quality={"tokenrate": 90})
    cheap = mp("x/cheap", "0.1", "0.2", quality={"tokenrate": 50})
    cat = catalog(free, cheap)
    order = [cat.models[i].id for i in rank(cat, "tokenrate").order(SortKey.BLENDED)]
    assert order == ["x/cheap"]
    order = [cat.models[i].id for i in rank(cat, "tokenrate", include_free=True).order(SortKey.BLENDED)]
    assert order == ["x/unpriced", "x/cheap"]


def test_a_task_costs_what_the_engine_charges_a_request():
    from planner.domain.catalog import ReasoningEstimate
    from planner.domain.ranking import STANDARD_TASKS, task_cost

    chat = next(t for t in STANDARD_TASKS if t.key == "chat")  # 500 in, 200 out
    thinker = mp("t/think", "1", "4", reasoning=D(2), per_request=D("0.001"),
                 reasoning_estimate=ReasoningEstimate(low=D(1), expected=D(3), high=D(5)))
    # (500 x 1 + 200 x 4 + 3 x 200 reasoning x 2) / 1e6 + 0.001 = 0.0025 + 0.001
    assert task_cost(thinker, chat) == D("0.0035")

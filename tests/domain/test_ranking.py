"""Per-model metrics and catalog rankings, hand-computed from DESIGN.md's definitions."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from domain_helpers import FLASH, OPUS, SONNET, catalog, line, mp, plan

from planner.domain.catalog import LongContextTier, Tier, tier_for_input_price
from planner.domain.costing import compute
from planner.domain.ranking import (
    STANDARD_TASKS,
    CatalogArrays,
    CompositeWeights,
    SortKey,
    blended,
    cost_per_point,
    out_in_ratio,
    rank,
    task_cost,
    tier_counts,
    tokens_per_dollar,
    value,
    what_a_dollar_buys,
)

D = Decimal
Q = "tokenrate"


# ---------------------------------------------------------------------------------------
# One model


def test_tokens_per_dollar():
    assert tokens_per_dollar(D("0.10")) == D(10_000_000)  # 1e6 / 0.10
    assert tokens_per_dollar(D("0.40")) == D(2_500_000)  # 1e6 / 0.40
    assert tokens_per_dollar(D("15")) == D(1_000_000) / D(15)  # 66,666.67
    assert tokens_per_dollar(D("0")) is None
    assert tokens_per_dollar(None) is None


def test_out_in_ratio():
    assert out_in_ratio(SONNET) == D(5)  # 15 / 3
    assert out_in_ratio(FLASH) == D(4)  # 0.40 / 0.10
    assert out_in_ratio(mp("x/free-in", "0", "1")) is None


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
    counts = tier_counts(catalog(m, SONNET, FLASH, mp("y/mid", "1", "2")))
    assert counts == {Tier.PREMIUM: 2, Tier.MID: 1, Tier.BUDGET: 1}


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


def composite_catalog():
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
        # c: under the floor (20 < 30): cpp (0.1+0.1)/2/20 = 0.005, nothing else known
        mp("x/c", "0.1", "0.1", quality={Q: 20.0}),
    )


def test_composite_default_weights():
    # Each part relative to the best model passing the floor (a and b):
    # a: cpp 0.02/0.02 = 1 -> 40; gate 20; cache 0.10/0.10 = 1 -> 15; speed 100/200 -> 7.5; ctx 10
    #    = 92.5
    # b: cpp 0.02/0.05 = 0.4 -> 16; gate 20; no cache 0; speed 1 -> 15; ctx < 32K 0 = 51
    # c: cpp capped at 1 -> 40; under the floor 0; nothing else 0 = 40 (and not listed)
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
    assert list(r.composite) == pytest.approx([92.5, 51.0, 40.0])
    assert ids_in_order(cat, r, SortKey.COMPOSITE) == ["x/a", "x/b"]


def test_composite_custom_weights():
    # cost per point only: a 1 -> 100, b 0.4 -> 40
    cat = composite_catalog()
    w = CompositeWeights(cost_per_point=1, quality_floor=0, cache_read=0, throughput=0, context=0)
    r = rank(cat, Q, floor=30, weights=w)
    assert list(r.composite[:2]) == pytest.approx([100.0, 40.0])
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

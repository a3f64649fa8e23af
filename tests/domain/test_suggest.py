"""suggest_cheaper: the cheapest model at or above a quality bar for one line's tokens, levers kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.domain.catalog import LongContextTier
from planner.domain.plan import Currency, FlatMultiplier, PromptCache
from planner.domain.ranking import CatalogArrays
from planner.domain.suggest import suggest_cheaper
from tests.domain.domain_helpers import catalog, line, mp, plan

D = Decimal
Q = "tokenrate"

# USD per 1M tokens          in     out   quality
PREMIUM = mp("x/premium", "3", "15", quality={Q: 90}, cache_read=D("0.30"))
OUT_CHEAP = mp("x/out-cheap", "2", "2", quality={Q: 85})  # cheap output
IN_CHEAP = mp("x/in-cheap", "0.5", "8", quality={Q: 85})  # cheap input
BUDGET = mp("x/budget", "0.10", "0.40", quality={Q: 40})
NO_SCORE = mp("x/no-score", "0.01", "0.01")  # no quality at all: never suggested
OTHER_METRIC = mp("x/other-metric", "0.02", "0.02", quality={"swe_bench": 95})

CAT = catalog(PREMIUM, OUT_CHEAP, IN_CHEAP, BUDGET, NO_SCORE, OTHER_METRIC)


def test_picks_the_cheapest_model_at_or_above_the_bar():
    # 10,000 x (1,000 in + 500 out) on premium: 10,000 x (3,000 + 7,500)/1e6 = $105
    # out-cheap: 10,000 x (2,000 + 1,000)/1e6 = $30; in-cheap: 10,000 x (500 + 4,000)/1e6 = $45
    p = plan(line("x/premium", 10_000, 1000, 500))
    s = suggest_cheaper(p, CAT, 0, Q, 80)
    assert s is not None
    assert s.model.id == "x/out-cheap"
    assert s.quality == 85
    assert (s.old_cost, s.new_cost, s.saving) == (D(105), D(30), D(75))
    assert round(s.saving_pct, 2) == D("71.43")


def test_the_winner_depends_on_the_lines_tokens():
    # input-heavy 10,000 x (10,000 in + 100 out): in-cheap (5,000 + 800)/1e6 x 10,000 = $58,
    # out-cheap (20,000 + 200)/1e6 x 10,000 = $202, premium (30,000 + 1,500)/1e6 x 10,000 = $315
    p = plan(line("x/premium", 10_000, 10_000, 100))
    s = suggest_cheaper(p, CAT, 0, Q, 80)
    assert s.model.id == "x/in-cheap"
    assert (s.old_cost, s.new_cost) == (D(315), D(58))


def test_a_lower_bar_admits_cheaper_models():
    p = plan(line("x/premium", 10_000, 1000, 500))
    s = suggest_cheaper(p, CAT, 0, Q, 40)  # the bar is inclusive
    assert s.model.id == "x/budget"
    assert s.new_cost == D(3)  # 10,000 x (100 + 200)/1e6


def test_none_when_nothing_meets_the_bar():
    p = plan(line("x/premium", 10_000, 1000, 500))
    assert suggest_cheaper(p, CAT, 0, Q, 95) is None


def test_none_when_the_line_is_already_on_the_cheapest():
    p = plan(line("x/out-cheap", 10_000, 1000, 500))
    assert suggest_cheaper(p, CAT, 0, Q, 80) is None


def test_models_without_a_score_on_the_metric_are_never_suggested():
    p = plan(line("x/premium", 10_000, 1000, 500))
    assert suggest_cheaper(p, CAT, 0, Q, 0).model.id == "x/budget"  # not no-score / other-metric
    s = suggest_cheaper(p, CAT, 0, "swe_bench", 90)
    assert s.model.id == "x/other-metric"


def test_keeps_the_other_levers():
    # response cache 20%, half the requests batched at the plan's 50% off:
    # premium 8,000 billable x 0.0105 x (0.5 + 0.5 x 0.5) = $63; out-cheap 8,000 x 0.003 x 0.75 = $18
    ln = line("x/premium", 10_000, 1000, 500, batch_share=D("0.5"), response_cache_hit_rate=D("0.2"))
    s = suggest_cheaper(plan(ln), CAT, 0, Q, 80)
    assert s.model.id == "x/out-cheap"
    assert (s.old_cost, s.new_cost) == (D(63), D(18))


def test_prompt_caching_can_change_the_winner():
    # 10,000 x (10,000 in, 9,000 of them a cached prefix hit every time, + 100 out)
    # premium 1,000 x 3 + 9,000 x 0.30 + 100 x 15 = 7,200 -> $72
    # in-cheap has no cache-read price: 5,000 + 800 = 5,800 -> $58
    # cached: 1,000 x 1 + 9,000 x 0.01 + 100 x 8 = 1,890 -> $18.90 (plain it would be $108: dearer than in-cheap)
    cached = mp("x/cached", "1", "8", quality={Q: 85}, cache_read=D("0.01"))
    ln = line("x/premium", 10_000, 10_000, 100, prompt_cache=PromptCache(prefix_tokens=D(9000), hit_rate=D(1)))
    s = suggest_cheaper(plan(ln), catalog(*CAT.models, cached), 0, Q, 80)
    assert s.model.id == "x/cached"
    assert (s.old_cost, s.new_cost) == (D(72), D("18.9"))


def test_prompt_caching_winner_found_among_many_models():
    """More than 40 models cheaper before levers must not hide the one cheapest after them."""
    decoys = [mp(f"x/decoy-{i:02d}", f"0.5{i:02d}", "8", quality={Q: 85}) for i in range(45)]
    cached = mp("x/cached", "1", "8", quality={Q: 85}, cache_read=D("0.01"))
    ln = line("x/premium", 10_000, 10_000, 100, prompt_cache=PromptCache(prefix_tokens=D(9000), hit_rate=D(1)))
    s = suggest_cheaper(plan(ln), catalog(PREMIUM, *decoys, cached), 0, Q, 80)
    assert s.model.id == "x/cached"  # $18.90; the cheapest decoy costs $58
    assert s.new_cost == D("18.9")


def test_long_context_prices_count_for_long_inputs():
    # 0.20 / 1.00 up to 5,000 input tokens, 5 / 10 above: a 10,000-token request pays 5 / 10 throughout,
    # 10,000 x (50,000 + 1,000)/1e6 = $510 -- dearer than in-cheap's $58
    long = mp("x/long", "0.2", "1", quality={Q: 85},
              long_context=LongContextTier(threshold_tokens=5000, input=D(5), output=D(10)))
    p = plan(line("x/premium", 10_000, 10_000, 100))
    assert suggest_cheaper(p, catalog(*CAT.models, long), 0, Q, 80).model.id == "x/in-cheap"
    short = plan(line("x/premium", 10_000, 1000, 500))  # under the threshold: 10,000 x (200 + 500)/1e6 = $7
    s = suggest_cheaper(short, catalog(*CAT.models, long), 0, Q, 80)
    assert (s.model.id, s.new_cost) == ("x/long", D(7))


def test_a_routed_line_is_compared_with_its_mix_and_the_routing_cleared():
    # 50% out-cheap ($15) + 50% in-cheap ($22.50) = $37.50; all on out-cheap $30
    ln = line("x/premium", 10_000, 1000, 500, routing=[{"model": "x/out-cheap", "share": D("0.5")},
                                                       {"model": "x/in-cheap", "share": D("0.5")}])
    s = suggest_cheaper(plan(ln), CAT, 0, Q, 80)
    assert s.model.id == "x/out-cheap"
    assert (s.old_cost, s.new_cost) == (D("37.5"), D(30))


def test_a_routed_line_may_be_told_to_drop_the_mix_for_its_own_model():
    # premium's own mix 50% premium ($52.50) + 50% budget ($1.50) = $54 vs all on budget: $3 (bar 40)
    # with a bar of 90 only premium qualifies: all on premium ($105) is dearer than the mix -> None
    ln = line("x/premium", 10_000, 1000, 500, routing=[{"model": "x/premium", "share": D("0.5")},
                                                       {"model": "x/budget", "share": D("0.5")}])
    assert suggest_cheaper(plan(ln), CAT, 0, Q, 90) is None
    assert suggest_cheaper(plan(ln), CAT, 0, Q, 40).model.id == "x/budget"


def test_costs_are_in_the_plan_currency_after_multipliers():
    # $105 and $30, x 0.9 EUR per USD, x (1 - 0.35) expected saving of an enabled multiplier
    p = plan(line("x/premium", 10_000, 1000, 500), currency=Currency(code="EUR", per_usd=D("0.9")),
             multipliers=[FlatMultiplier(name="Semantic caching", enabled=True, low=D("0.2"), expected=D("0.35"),
                                         high=D("0.5"))])
    s = suggest_cheaper(p, CAT, 0, Q, 80)
    assert (s.old_cost, s.new_cost) == (D("61.425"), D("17.55"))


def test_picks_for_the_row_asked_and_accepts_precomputed_arrays():
    p = plan(line("x/premium", 10_000, 1000, 500, name="A"), line("x/premium", 10_000, 10_000, 100, name="B"))
    arrays = CatalogArrays.from_catalog(CAT)
    assert suggest_cheaper(p, CAT, 1, Q, 80, arrays).model.id == "x/in-cheap"
    assert suggest_cheaper(p, CAT, 0, Q, 80, arrays).model.id == "x/out-cheap"


def test_does_not_change_the_plan():
    p = plan(line("x/premium", 10_000, 1000, 500))
    before = p.model_dump()
    suggest_cheaper(p, CAT, 0, Q, 0)
    assert p.model_dump() == before


@pytest.mark.parametrize("requests", [0, "0.5"])
def test_zero_or_tiny_volume(requests):
    p = plan(line("x/premium", requests, 1000, 500))
    s = suggest_cheaper(p, CAT, 0, Q, 80)
    if requests == 0:
        assert s is None  # nothing is cheaper than $0
    else:
        assert (s.old_cost, s.new_cost) == (D("0.00525"), D("0.0015"))

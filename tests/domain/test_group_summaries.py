"""Totals and the savings waterfall of a group of lines: the sums of the group's shown line
amounts, and its lines' step savings footed to its baseline − expected."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain_helpers import SONNET, STANDARD_CATALOG, line, plan
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, catalogs, plans

from planner.domain.costing import BATCH, PROMPT_CACHE, compute
from planner.domain.plan import PromptCache
from planner.domain.summary import NO_GROUP

D = Decimal
CENT = D("0.01")
M = D(1_000_000)


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def three_line_plan():
    """Two Support lines (prompt caching; batch) and one Search line (both), on Claude Sonnet
    ($3 in, $15 out, $0.30 cache read, $3.75 cache write; batch at the plan's 50% off)."""
    return plan(
        line(SONNET.id, 1000, 2000, 500, name="Triage", group="Support",
             prompt_cache=PromptCache(prefix_tokens=D(1500), hit_rate=D("0.8"))),
        line(SONNET.id, 3333, 1000, 333, name="Replies", group="Support", batch_share=D("0.5")),
        line(SONNET.id, 777, 3000, 200, name="Rerank", group="Search", batch_share=D("0.25"),
             prompt_cache=PromptCache(prefix_tokens=D(2000), hit_rate=D("0.5"))),
    )


def test_two_groups_totals_and_waterfalls_by_hand():
    r = compute(three_line_plan(), STANDARD_CATALOG)
    inp, out, read, write = D(3), D(15), D("0.30"), D("3.75")
    b_inp, b_out, b_read, b_write = inp / 2, out / 2, read / 2, write / 2

    # Triage: 1000 x (2000 in, 500 out); 1500 of the input cached, hit 80% of the time
    tri_base = 1000 * (2000 * inp + 500 * out) / M  # 13.50
    tri_opt = 1000 * (500 * inp + 1500 * (D("0.8") * read + D("0.2") * write) + 500 * out) / M  # 10.485
    # Replies: 3333 x (1000 in, 333 out), half at batch prices
    rep_plain = (1000 * inp + 333 * out) / M
    rep_base = 3333 * rep_plain  # 26.647335
    rep_opt = 3333 * (D("0.5") * rep_plain + D("0.5") * (1000 * b_inp + 333 * b_out) / M)  # 19.98550125
    # Rerank: 777 x (3000 in, 200 out); 2000 cached at 50%; a quarter batched (cache prices halved too)
    rr_base = 777 * (3000 * inp + 200 * out) / M  # 9.324
    rr_cached = 777 * (1000 * inp + 2000 * (D("0.5") * read + D("0.5") * write) + 200 * out) / M  # 7.80885
    rr_batched = 777 * (1000 * b_inp + 2000 * (D("0.5") * b_read + D("0.5") * b_write) + 200 * b_out) / M
    rr_opt = D("0.75") * rr_cached + D("0.25") * rr_batched  # 6.83274375

    support, search = r.by_group(["Support", "Support", "Search"])
    assert (support.name, support.lines, search.name, search.lines) == ("Support", (0, 1), "Search", (2,))
    # the group's amounts: its lines' shown (rounded) amounts added up
    assert support.baseline == cents(tri_base) + cents(rep_base) == D("40.15")
    assert support.optimized == cents(tri_opt) + cents(rep_opt) == D("30.48")  # 10.49 + 19.99
    assert support.low == support.optimized == support.high
    assert support.requests == 4333
    assert search.baseline == cents(rr_base) == D("9.32")
    assert search.optimized == cents(rr_opt) == D("6.83")

    def steps(g):
        return {s.key: s.saving for s in g.waterfall_steps if s.saving}

    # Support: prompt caching 3.015 and batch 6.66183375 floor to 3.01 + 6.66 = 9.67 = 40.15 − 30.48
    assert cents(tri_base - tri_opt) == D("3.02")  # (alone it would round up, but the floors already foot)
    assert steps(support) == {PROMPT_CACHE: D("3.01"), BATCH: D("6.66")}
    # Search: 1.51515 and 0.97610625 floor to 2.48 against 9.32 − 6.83 = 2.49; the cent goes to
    # the larger remainder (batch's 0.0061 over prompt caching's 0.0052)
    assert (rr_base - rr_cached, rr_cached - rr_opt) == (D("1.51515"), D("0.97610625"))
    assert steps(search) == {PROMPT_CACHE: D("1.51"), BATCH: D("0.98")}
    assert search.savings == D("2.49")
    assert search.savings_fraction == D("0.2672")  # 2.49 / 9.32
    # every group lists the plan's steps, in the plan's order
    assert [s.key for s in support.waterfall_steps] == [s.key for s in r.waterfall]
    # the groups add up to the plan
    sm = r.summary()
    assert support.baseline + search.baseline == sm.baseline == D("49.47")
    assert support.optimized + search.optimized == sm.optimized == D("37.31")
    assert support.share_pct + search.share_pct == 100


def test_lines_without_a_group_make_one_group_in_order_of_first_appearance():
    p = three_line_plan()
    r = compute(p, STANDARD_CATALOG)
    groups = r.by_group(["", "Search", ""])
    assert [(g.name, g.lines) for g in groups] == [(NO_GROUP, (0, 2)), ("Search", (1,))]
    assert r.by_group(["", "Search", ""]) is groups  # worked out once per result


@SETTINGS
@given(cat=catalogs, p=plans(), names=st.lists(st.sampled_from(["", "A", "B", "C"]), min_size=4, max_size=4))
def test_every_groups_steps_foot_and_the_groups_add_up_to_the_plan(cat, p, names):
    r = compute(p, cat)
    groups = r.by_group(names[: len(p.lines)])
    sm = r.summary()
    for g in groups:
        assert sum((s.saving for s in g.waterfall_steps), D(0)) == g.baseline - g.optimized
        assert g.low <= g.optimized <= g.high
        # each footed step is within one cent of the group's unrounded step (largest remainder)
        for footed, raw in zip(g.waterfall_steps, g.unrounded_steps, strict=True):
            assert abs(footed.saving - raw.saving) < CENT * len(g.waterfall_steps)
    for attr, total in (("baseline", sm.baseline), ("optimized", sm.optimized), ("low", sm.low),
                        ("high", sm.high), ("requests", sm.requests)):
        assert sum((getattr(g, attr) for g in groups), D(0)) == total
    assert sorted(i for g in groups for i in g.lines) == list(range(len(p.lines)))


def test_a_groups_forecast_by_hand_and_its_per_request_and_model_figures():
    p = three_line_plan()
    p = p.model_copy(update={"forecast": p.forecast.model_copy(update={"monthly_growth": D("0.1"),
                                                                        "horizon_months": 6})})
    r = compute(p, STANDARD_CATALOG)
    groups = ["Support", "Support", "Search"]
    search = r.by_group(groups)[1]
    # Rerank's unrounded expected amount (see above): 777 x $0.00879375
    rr_opt = 777 * (D("0.75") * D("0.01005") + D("0.25") * D("0.005025"))
    assert search.cost_per_request == D("0.008794")  # 6.83274375 / 777 = 0.00879375, half-up
    assert [(m.model_id, m.amount, m.share_fraction) for m in search.by_model] == [(SONNET.id, D("6.83"), 1)]
    assert search.annual_run_rate == D("81.96")
    months = r.group_forecast(groups, "Search")
    assert len(months) == 12  # twelve months even for a 6-month horizon (the next-12-months figure)
    assert [m.expected for m in months] == [cents(rr_opt * D("1.1") ** k) for k in range(12)]
    assert months[1].expected == D("7.52")  # 6.83274375 x 1.1 = 7.516…
    assert months[0].requests == 777 and months[2].requests == 940  # 777 x 1.21 = 940.17
    # the groups' months add up to the plan's, month by month
    support = r.group_forecast(groups, "Support")
    plan_months = r.summary().forecast
    assert [a.expected + b.expected for a, b in zip(support, months, strict=False)][:6] == [
        m.expected for m in plan_months]


def test_fixed_add_ons_count_in_their_group():
    """The three-line plan with a $25.005 add-on in Search and a $10 one with no group: Search
    is 6.83 + 25.01 = 31.84 with the add-on its own step; '(no group)' holds only the $10.00;
    the savings leave the add-ons out; the groups still add up to the plan."""
    from planner.domain.plan import AddOn

    p = three_line_plan().model_copy(update={"add_ons": [
        AddOn(name="Index", monthly=D("25.005"), group="Search"), AddOn(name="Seats", monthly=D(10))]})
    r = compute(p, STANDARD_CATALOG)
    support, search, rest = r.by_group(["Support", "Support", "Search"])
    assert (rest.name, rest.lines, rest.add_ons) == (NO_GROUP, (), (1,))
    assert (search.optimized, search.low, search.high) == (D("31.84"),) * 3
    assert (rest.optimized, rest.baseline, rest.savings) == (D("10.00"), D("0.00"), D("0.00"))
    assert search.savings == D("2.49")  # 9.32 − 6.83, as without the add-on
    steps = {s.key: s.saving for s in search.waterfall_steps if s.saving}
    assert steps == {PROMPT_CACHE: D("1.51"), BATCH: D("0.98"), "add_on:Index": D("-25.01")}
    assert {s.key: s.saving for s in support.waterfall_steps if s.saving} == {PROMPT_CACHE: D("3.01"),
                                                                             BATCH: D("6.66")}
    sm = r.summary()
    assert support.optimized + search.optimized + rest.optimized == sm.optimized == D("37.31") + D("35.01")
    assert support.share_pct + search.share_pct + rest.share_pct == 100
    assert [m.amount for m in search.by_model] == [D("6.83")]  # the model's cost is the lines' only
    # the group's forecast carries its add-on every month
    months = r.group_forecast(["Support", "Support", "Search"], "Search")
    assert {m.expected for m in months} == {D("31.84")}

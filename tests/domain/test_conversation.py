"""Multi-turn sessions (history re-sent every turn), and what a plan earns against its cost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_helpers import catalog, line, mp, plan
from pydantic import ValidationError

from planner.domain.conversation import equivalent, session_input
from planner.domain.costing import compute
from planner.domain.plan import Forecast, PromptCache

D = Decimal
M = mp("m/chat", "1", "2", cache_read=D("0.1"), cache_write=D("1.25"))
CAT = catalog(M)


def session(**kw):
    """1,000 sessions of 4 turns: system prompt 1,000, new input 100, output 200, 300 added per turn."""
    return line("m/chat", 1000, 100, 200, turns=4, system_tokens=D(1000), added_tokens=D(300), **kw)


def test_one_session_resends_its_history():
    ln = session()
    # turn k sends 1,000 + 100 + (k-1) x 600: 1,100 + 1,700 + 2,300 + 2,900 = 8,000
    # = T·P + T·u + (u + a + t)·T(T-1)/2 = 4,000 + 400 + 600 x 6
    assert session_input(ln) == D(8000)
    eq = equivalent(ln)
    assert (eq.requests, eq.input_tokens, eq.output_tokens) == (D(4000), D(2000), D(200))


def test_a_session_costs_its_turns():
    # (8,000 x $1 + 4 x 200 x $2) / 1e6 = $0.0096 a session; 1,000 sessions = $9.60
    assert compute(plan(session()), CAT).summary().optimized == D("9.60")


def test_prompt_caching_applies_to_the_resent_prefix():
    # prefixes 1,000 + history: 1,000, 1,600, 2,200, 2,800 = 7,600 cached at 0.8 x 0.1 + 0.2 x 1.25 = 0.33;
    # new input 4 x 100 at $1; output 1,600 at... 4 x 200 x $2 = 1,600:
    # (400 + 7,600 x 0.33 + 1,600) / 1e6 = 4,508e-6 a session -> $4.508 -> $4.51
    ln = session(prompt_cache=PromptCache(hit_rate=D("0.8")))
    assert compute(plan(ln), CAT).summary().optimized == D("4.51")


def test_a_context_cap_caps_the_history():
    # histories 0, 600, 1,000, 1,000: inputs 1,100 + 1,700 + 2,100 + 2,100 = 7,000;
    # (7,000 + 1,600) / 1e6 x 1,000 = $8.60
    ln = session(context_cap=D(1000))
    assert session_input(ln) == D(7000)
    assert compute(plan(ln), CAT).summary().optimized == D("8.60")


def test_the_resent_history_against_the_single_request_line():
    # the same turns planned as requests x average tokens with no history: 4,000 requests of
    # 1,100 input and 200 output: (1,100 + 400) / 1e6 x 4,000 = $6.00, against $9.60 for the session
    flat = line("m/chat", 4000, 1100, 200)
    assert compute(plan(flat), CAT).summary().optimized == D("6.00")


def test_cost_per_outcome():
    # half the sessions resolve a ticket: $9.60 / 500 = $0.0192 a resolved ticket
    r = compute(plan(session(success_rate=D("0.5"), outcome="resolved ticket")), CAT)
    ln = r.lines[0]
    assert ln.outcomes == D(500) and ln.cost_per_outcome == D("0.0192")
    assert r.summary().unit_economics.line_cost_per_outcome == (D("0.019200"),)


def test_users_revenue_and_the_margin_floor():
    # cost $9.60 a month growing 10% a month; 100 users paying $0.20 and 500 outcomes at $0.01:
    # revenue 100 x 0.20 + 500 x 0.01 = $25.00, margin $15.40 (61.60%)
    p = plan(session(success_rate=D("0.5")), users=D(100), revenue_per_user=D("0.20"),
             revenue_per_outcome=D("0.01"), margin_floor=D("0.7"), forecast=Forecast(monthly_growth=D("0.1")))
    ue = compute(p, CAT).summary().unit_economics
    assert (ue.revenue, ue.gross_margin, ue.gross_margin_fraction) == (D("25.00"), D("15.40"), D("0.6160"))
    assert ue.cost_per_user == D("0.096000")
    # revenue and cost both grow 10% a month: the margin stays 61.6%, under a 70% floor from month 1
    assert ue.first_month_below_floor == 0


def test_a_falling_margin_names_its_month():
    # revenue fixed at 100 users x $0.50 = $50 (users do not grow: growth 0) but prices rise 100% a
    # year: month k costs 9.60 x 2^(k/12); the margin falls under 75% when the cost passes $12.50,
    # 2^(k/12) > 1.302: k/12 > 0.3808, k > 4.57 -> k = 5 (the 6th month)
    p = plan(session(), users=D(100), revenue_per_user=D("0.50"), margin_floor=D("0.75"),
             forecast=Forecast(yearly_price_trend=D(1)))
    ue = compute(p, CAT).summary().unit_economics
    assert ue.first_month_below_floor == 5


def test_a_multi_turn_line_takes_no_long_share_or_fixed_prefix():
    with pytest.raises(ValidationError, match="multi-turn"):
        session(long_share=D("0.1"), long_input_tokens=D(1000))
    with pytest.raises(ValidationError, match="multi-turn"):
        session(prompt_cache=PromptCache(prefix_tokens=D(50), hit_rate=D("0.5")))


def test_cost_per_session_against_turns():
    from planner.domain.chart_data import session_cost_by_turns

    (curve,) = session_cost_by_turns(plan(session()), CAT)
    assert curve.turns == list(range(1, 9)) and curve.now == 4
    # 4 turns: $9.60 / 1,000 sessions = $0.0096; 1 turn: (1,100 + 400) / 1e6 = $0.0015
    assert curve.cost_per_session[3] == pytest.approx(0.0096)
    assert curve.cost_per_session[0] == pytest.approx(0.0015)
    # the history makes each added turn dearer than the one before
    steps = [b - a for a, b in zip(curve.cost_per_session, curve.cost_per_session[1:], strict=False)]
    assert all(later > earlier for earlier, later in zip(steps, steps[1:], strict=False))

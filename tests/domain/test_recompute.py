"""Costing again after an edit: the lines an edit left as they were are taken from the last
result, and the result is the same as costing the edited plan from scratch."""

from __future__ import annotations

from decimal import Decimal

from domain_helpers import SONNET, STANDARD_CATALOG, line, plan
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, catalogs, lines, multipliers, plans

from planner.domain import costing
from planner.domain.costing import compute, costed

D = Decimal


@SETTINGS
@given(cat=catalogs, p=plans(), new=lines(), row=st.integers(0, 3), mults=multipliers(), rate=st.sampled_from(
    ["0", "0.05"]), fee=st.booleans())
def test_an_edit_costed_again_gives_what_costing_from_scratch_gives(cat, p, new, row, mults, rate, fee):
    before = compute(p, cat)
    last = costed(p, cat, before)
    lines_ = list(p.lines)
    lines_[row % len(lines_)] = new
    edited = p.model_copy(update={"lines": lines_})
    assert compute(edited, cat, last) == compute(edited, cat)
    # a plan-wide change (multipliers, retries, a fee) re-costs every line
    wide = edited.model_copy(update={"multipliers": mults, "retry_overhead": D(rate),
                                     "platform_fee": D("0.03") if fee else D(0)})
    assert compute(wide, cat, last) == compute(wide, cat)


def test_only_the_edited_line_is_costed_again(monkeypatch):
    p = plan(*(line(SONNET.id, 1000 + i, 500, 200, name=f"L{i}") for i in range(50)))
    last = costed(p, STANDARD_CATALOG, compute(p, STANDARD_CATALOG))
    lines_ = list(p.lines)
    lines_[7] = lines_[7].model_copy(update={"requests": D(9999)})
    edited = p.model_copy(update={"lines": lines_})
    costed_rows = []
    real = costing.cost_line
    monkeypatch.setattr(costing, "cost_line", lambda i, ln, ctx: costed_rows.append(i) or real(i, ln, ctx))
    r = compute(edited, STANDARD_CATALOG, last)
    assert costed_rows == [7]
    # 9,999 × (500 × $3 + 200 × $15) / 1e6 = $44.9955 -> $45.00
    assert r.summary().line_optimized[7] == D("45.00")
    # another catalog, or the same lines under another batch discount: every line again
    costed_rows.clear()
    compute(edited.model_copy(update={"batch_discount": D("0.4")}), STANDARD_CATALOG, last)
    assert len(costed_rows) == 50

"""Properties of the cost engine that hold for any plan (hypothesis)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain_helpers import catalog
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.domain.catalog import LongContextTier, ModelPrice
from planner.domain.costing import compute
from planner.domain.plan import FlatMultiplier, Line, Plan, PromptCache, RouteShare

D = Decimal
CENT = D("0.01")
MODEL_IDS = ("p/alpha", "p/beta", "p/gamma")

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def price(max_value: int = 100):
    return st.decimals(min_value=0, max_value=max_value, places=2)


frac = st.decimals(min_value=0, max_value=1, places=2)


@st.composite
def model_prices(draw, model_id: str) -> ModelPrice:
    inp = draw(price())
    out = draw(price(200))
    kw = {}
    if draw(st.booleans()):
        kw["cache_read"] = draw(st.decimals(min_value=0, max_value=inp, places=2))
        if draw(st.booleans()):
            kw["cache_write"] = draw(st.decimals(min_value=inp, max_value=inp * 2, places=2))
    if draw(st.booleans()):
        kw["batch_discount"] = draw(frac)
    if draw(st.booleans()):
        kw["batch_input"] = draw(st.decimals(min_value=0, max_value=inp, places=2))
        kw["batch_output"] = draw(st.decimals(min_value=0, max_value=out, places=2))
    if draw(st.booleans()):
        # a tier at least as dear as the base prices
        kw["long_context"] = LongContextTier(
            threshold_tokens=draw(st.integers(1000, 200_000)),
            input=inp + draw(price(10)),
            output=out + draw(price(10)),
        )
    return ModelPrice(id=model_id, name=model_id, provider="p", input=inp, output=out, **kw)


catalogs = st.tuples(*(model_prices(i) for i in MODEL_IDS)).map(lambda ms: catalog(*ms))


@st.composite
def routings(draw) -> list[RouteShare]:
    if draw(st.booleans()):
        return []
    ids = draw(st.lists(st.sampled_from(MODEL_IDS), min_size=1, max_size=3, unique=True))
    # shares in whole percent summing to 100
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(ids) - 1, max_size=len(ids) - 1)))
    bounds = [0, *cuts, 100]
    return [
        RouteShare(model=m, share=D(bounds[k + 1] - bounds[k]) / 100) for k, m in enumerate(ids)
    ]


@st.composite
def lines(draw, levers: bool = True) -> Line:
    i = draw(st.integers(0, 300_000))
    kw = {}
    if levers:
        kw = dict(
            routing=draw(routings()),
            prompt_cache=PromptCache(prefix_tokens=D(draw(st.integers(0, i))), hit_rate=draw(frac)),
            batch_share=draw(frac),
            response_cache_hit_rate=draw(frac),
            semantic_cache_hit_rate=draw(frac),
        )
    return Line(
        name="L",
        model=draw(st.sampled_from(MODEL_IDS)),
        requests=D(draw(st.integers(0, 1_000_000))),
        input_tokens=D(i),
        output_tokens=D(draw(st.integers(0, 20_000))),
        **kw,
    )


@st.composite
def multipliers(draw) -> list[FlatMultiplier]:
    out = []
    for k in range(draw(st.integers(0, 2))):
        low, exp, high = sorted(draw(st.lists(frac, min_size=3, max_size=3)))
        out.append(
            FlatMultiplier(
                name=f"m{k}", enabled=draw(st.booleans()), low=low, expected=exp, high=high
            )
        )
    return out


@st.composite
def plans(draw, levers: bool = True) -> Plan:
    return Plan(
        lines=draw(st.lists(lines(levers), min_size=1, max_size=4)),
        multipliers=draw(multipliers()) if levers else [],
        batch_discount=draw(frac),
    )


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def scaled(ln: Line, **changes) -> Line:
    return ln.model_copy(update=changes)


# ---------------------------------------------------------------------------------------


@SETTINGS
@given(cat=catalogs, ln=lines(), extra=st.integers(1, 1_000_000), mults=multipliers())
def test_cost_grows_with_requests(cat, ln, extra, mults):
    a = compute(Plan(lines=[ln], multipliers=mults), cat)
    b = compute(Plan(lines=[scaled(ln, requests=ln.requests + extra)], multipliers=mults), cat)
    assert b.baseline >= a.baseline
    assert b.optimized >= a.optimized


@SETTINGS
@given(cat=catalogs, ln=lines(), extra=st.integers(1, 300_000))
def test_cost_grows_with_input_tokens(cat, ln, extra):
    a = compute(Plan(lines=[ln]), cat)
    b = compute(Plan(lines=[scaled(ln, input_tokens=ln.input_tokens + extra)]), cat)
    assert b.baseline >= a.baseline
    assert b.optimized >= a.optimized


@SETTINGS
@given(cat=catalogs, ln=lines(), extra=st.integers(1, 20_000))
def test_cost_grows_with_output_tokens(cat, ln, extra):
    a = compute(Plan(lines=[ln]), cat)
    b = compute(Plan(lines=[scaled(ln, output_tokens=ln.output_tokens + extra)]), cat)
    assert b.baseline >= a.baseline
    assert b.optimized >= a.optimized


@SETTINGS
@given(cat=catalogs, p=plans())
def test_levers_never_change_the_baseline(cat, p):
    bare = p.model_copy(
        update={
            "multipliers": [],
            "lines": [
                Line(
                    name=ln.name,
                    model=ln.model,
                    requests=ln.requests,
                    input_tokens=ln.input_tokens,
                    output_tokens=ln.output_tokens,
                )
                for ln in p.lines
            ],
        }
    )
    # baseline: sum of R x (I*in + O*out)/1e6 on each line's own model, tier applied
    want = D(0)
    for ln in p.lines:
        m = cat[ln.model]
        # the range the input falls in: the last whose threshold it exceeds
        lc = next((t for t in reversed(m.long_context) if ln.input_tokens > t.threshold_tokens), None)
        pin, pout = (lc.input, lc.output) if lc else (m.input, m.output)
        want += ln.requests * (ln.input_tokens * pin + ln.output_tokens * pout) / D(1_000_000)
    assert compute(p, cat).baseline == compute(bare, cat).baseline == want


@SETTINGS
@given(cat=catalogs, p=plans())
def test_optimized_total_is_sum_of_lines(cat, p):
    r = compute(p, cat)
    assert r.optimized == sum((ln.optimized for ln in r.lines), D(0))
    assert r.baseline == sum((ln.baseline for ln in r.lines), D(0))
    assert r.optimized_low <= r.optimized <= r.optimized_high


# A case hypothesis found: the long-context cache-read price is scaled by 0.04/0.03
# (a repeating decimal), after which the per-lever differences no longer telescope exactly.
_LC_MODEL = ModelPrice(
    id="p/beta",
    name="p/beta",
    provider="p",
    input=D("0.03"),
    output=D("0"),
    cache_read=D("0.01"),
    long_context=LongContextTier(threshold_tokens=1000, input=D("0.04"), output=D("0")),
)
_LC_CATALOG = catalog(
    ModelPrice(id="p/alpha", name="a", provider="p", input=D(0), output=D(0)),
    _LC_MODEL,
    ModelPrice(id="p/gamma", name="g", provider="p", input=D(0), output=D(0)),
)
_LC_PLAN = Plan(
    lines=[
        Line(
            name="L",
            model="p/beta",
            requests=D(1),
            input_tokens=D(1001),
            prompt_cache=PromptCache(prefix_tokens=D(1), hit_rate=D("0.01")),
        ),
        Line(name="L2", model="p/beta", requests=D(1), input_tokens=D(1500)),
    ]
)


@SETTINGS
@example(cat=_LC_CATALOG, p=_LC_PLAN)
@given(cat=catalogs, p=plans())
def test_waterfall_steps_sum_to_total_saving(cat, p):
    # exact Decimal equality, unrounded: DESIGN.md "each step's difference is that lever's saving"
    r = compute(p, cat)
    assert sum((s.saving for s in r.waterfall), D(0)) == r.baseline - r.optimized
    for ln in r.lines:
        assert sum((s.saving for s in ln.steps), D(0)) == ln.baseline - ln.optimized


@SETTINGS
@given(cat=catalogs, p=plans())
def test_footed_amounts_foot(cat, p):
    r = compute(p, cat)
    for attr in ("baseline", "optimized"):
        amounts, total = r.footed_lines(attr)
        assert amounts == [cents(getattr(ln, attr)) for ln in r.lines]
        assert total == sum((cents(getattr(ln, attr)) for ln in r.lines), D(0))
    base, steps, opt = r.footed_waterfall()
    assert base == sum((cents(ln.baseline) for ln in r.lines), D(0))
    assert opt == sum((cents(ln.optimized) for ln in r.lines), D(0))
    assert sum((s.saving for s in steps), D(0)) == base - opt
    assert all(s.saving == cents(s.saving) for s in steps)


@SETTINGS
@given(cat=catalogs, p=plans(levers=False))
def test_no_levers_optimized_equals_baseline(cat, p):
    r = compute(p, cat)
    assert r.optimized == r.baseline
    assert r.optimized_low == r.optimized_high == r.baseline
    assert all(s.saving == 0 for s in r.waterfall)

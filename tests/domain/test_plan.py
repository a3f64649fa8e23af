"""Plan validation: every bad input is one InputError line naming the source, the entry and the field."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from planner.domain.errors import InputError
from planner.domain.plan import PLAN_SCHEMA_VERSION, Line, Plan, RouteShare, VolumeMode, parse_plan

D = Decimal
SRC = "budget.plan.json"


def raw_plan() -> dict:
    return {
        "schema_version": 1,
        "name": "Q3 budget",
        "lines": [
            {
                "name": "Support bot",
                "requests": 10000,
                "input_tokens": 500,
                "output_tokens": 1000,
                "model": "anthropic/claude-sonnet",
            },
            {
                "name": "Router",
                "requests": "1000000",
                "input_tokens": "500",
                "output_tokens": "1000",
                "model": "anthropic/claude-opus",
                "routing": [
                    {"model": "google/gemini-flash", "share": "0.40"},
                    {"model": "anthropic/claude-sonnet", "share": "0.35"},
                    {"model": "anthropic/claude-opus", "share": "0.15"},
                    {"model": "google/gemini-pro", "share": "0.10"},
                ],
                "prompt_cache": {"prefix_tokens": "400", "hit_rate": "0.9"},
            },
        ],
        "multipliers": [
            {"name": "Smart routing", "enabled": True, "low": 0.4, "expected": 0.55, "high": 0.7}
        ],
    }


def test_valid_plan_parses():
    p = parse_plan(raw_plan(), SRC)
    assert isinstance(p, Plan)
    assert p.lines[0].requests == D(10000)
    assert p.lines[1].routing[3] == RouteShare(model="google/gemini-pro", share=D("0.10"))
    assert p.batch_discount == D("0.5")  # the design's default discount
    assert p.forecast.horizon_months == 12
    assert p.model_ids() == {
        "anthropic/claude-sonnet",
        "anthropic/claude-opus",
        "google/gemini-flash",
        "google/gemini-pro",
    }


def test_json_floats_sum_to_exactly_one():
    # shares 0.4 + 0.35 + 0.15 + 0.1 typed as JSON floats must still sum to 100%
    raw = raw_plan()
    for r in raw["lines"][1]["routing"]:
        r["share"] = float(r["share"])
    p = parse_plan(json.loads(json.dumps(raw)), SRC)
    assert sum(r.share for r in p.lines[1].routing) == 1


def with_line0(**changes) -> dict:
    raw = raw_plan()
    raw["lines"][0].update(changes)
    return raw


def with_line1(**changes) -> dict:
    raw = raw_plan()
    raw["lines"][1].update(changes)
    return raw


def error_of(raw, source: str = SRC) -> str:
    with pytest.raises(InputError) as e:
        parse_plan(raw, source)
    msg = str(e.value)
    assert "\n" not in msg, msg
    assert msg.startswith(source), msg
    return msg


@pytest.mark.parametrize(
    ("raw", "entry", "field"),
    [
        (with_line0(input_tokens=-5), "lines[0] 'Support bot'", "input_tokens"),
        (with_line0(output_tokens="-1"), "lines[0] 'Support bot'", "output_tokens"),
        (with_line0(requests=-1), "lines[0] 'Support bot'", "requests"),
        (with_line0(requests="many"), "lines[0] 'Support bot'", "requests"),
        (with_line0(requests=[1]), "lines[0] 'Support bot'", "requests"),
        (with_line0(batch_share=1.5), "lines[0] 'Support bot'", "batch_share"),
        (
            with_line0(response_cache_hit_rate="1.01"),
            "lines[0] 'Support bot'",
            "response_cache_hit_rate",
        ),
        (
            with_line0(semantic_cache_hit_rate=-0.1),
            "lines[0] 'Support bot'",
            "semantic_cache_hit_rate",
        ),
        (
            with_line1(prompt_cache={"prefix_tokens": 10, "hit_rate": 2}),
            "lines[1] 'Router'",
            "hit_rate",
        ),
        (with_line0(model=""), "lines[0] 'Support bot'", "model"),
        (with_line0(model=42), "lines[0] 'Support bot'", "model"),
        (with_line0(volume_mode="week"), "lines[0] 'Support bot'", "volume_mode"),
        (with_line0(days_per_month=0), "lines[0] 'Support bot'", "days_per_month"),
        (with_line0(colour="red"), "lines[0] 'Support bot'", "colour"),
        (with_line0(input_tokens="NaN"), "lines[0] 'Support bot'", "input_tokens"),
    ],
    ids=[
        "negative-input",
        "negative-output",
        "negative-requests",
        "requests-text",
        "requests-list",
        "batch-share-above-1",
        "response-cache-above-1",
        "semantic-cache-negative",
        "prompt-cache-hit-rate-above-1",
        "empty-model",
        "model-not-text",
        "unknown-volume-mode",
        "zero-days",
        "unknown-field",
        "nan-tokens",
    ],
)
def test_line_field_errors_name_source_entry_and_field(raw, entry, field):
    msg = error_of(raw)
    assert entry in msg
    assert field in msg


def test_prefix_longer_than_input_is_rejected():
    msg = error_of(
        with_line0(input_tokens=500, prompt_cache={"prefix_tokens": 600, "hit_rate": 0.5})
    )
    assert "lines[0] 'Support bot'" in msg
    assert "prefix_tokens" in msg


def test_prefix_equal_to_input_is_fine():
    p = parse_plan(
        with_line0(input_tokens=500, prompt_cache={"prefix_tokens": 500, "hit_rate": 0.5}), SRC
    )
    assert p.lines[0].prompt_cache.prefix_tokens == 500


@pytest.mark.parametrize(
    "shares",
    [("0.40", "0.35", "0.15", "0.05"), ("0.40", "0.35", "0.15", "0.15")],
    ids=["95%", "105%"],
)
def test_routing_shares_must_sum_to_100(shares):
    raw = raw_plan()
    for r, s in zip(raw["lines"][1]["routing"], shares, strict=True):
        r["share"] = s
    msg = error_of(raw)
    assert "lines[1] 'Router'" in msg
    assert "routing" in msg
    assert "100%" in msg


def test_routing_share_above_one_names_routing_field():
    raw = raw_plan()
    raw["lines"][1]["routing"] = [
        {"model": "x/a", "share": "1.5"},
        {"model": "x/b", "share": "-0.5"},
    ]
    msg = error_of(raw)
    assert "lines[1] 'Router'" in msg
    assert "routing" in msg
    assert "share" in msg


def test_duplicate_model_in_routing():
    raw = raw_plan()
    raw["lines"][1]["routing"] = [
        {"model": "google/gemini-flash", "share": "0.5"},
        {"model": "google/gemini-flash", "share": "0.5"},
    ]
    msg = error_of(raw)
    assert "lines[1] 'Router'" in msg
    assert "routing" in msg
    assert "twice" in msg or "duplicate" in msg


def test_multiplier_low_above_expected():
    raw = raw_plan()
    raw["multipliers"][0].update(low=0.6, expected=0.55)
    msg = error_of(raw)
    assert "multipliers" in msg
    assert "Smart routing" in msg  # the entry, named like "lines[0] 'Support bot'"
    assert "low" in msg and "expected" in msg


def test_multiplier_saving_above_one():
    raw = raw_plan()
    raw["multipliers"][0].update(high=1.5)
    msg = error_of(raw)
    assert "multipliers" in msg
    assert "high" in msg


def test_future_schema_version():
    raw = raw_plan()
    raw["schema_version"] = PLAN_SCHEMA_VERSION + 1
    msg = error_of(raw)
    assert "schema_version" in msg
    assert "newer" in msg


@pytest.mark.parametrize(
    ("key", "val", "field"),
    [
        ("batch_discount", 1.2, "batch_discount"),
        ("monthly_budget", -100, "monthly_budget"),
        ("forecast", {"horizon_months": 0}, "horizon_months"),
        ("forecast", {"yearly_price_trend": -1}, "yearly_price_trend"),
        ("currency", {"code": "euro", "per_usd": 0.9}, "code"),
        ("currency", {"code": "EUR", "per_usd": 0}, "per_usd"),
        ("name", "", "name"),
    ],
)
def test_plan_level_field_errors(key, val, field):
    raw = raw_plan()
    raw[key] = val
    msg = error_of(raw)
    assert field in msg


def test_wrong_top_level_types():
    assert "budget.plan.json" in error_of([1, 2, 3])
    msg = error_of({"lines": {"name": "Support bot"}})
    assert "lines" in msg


def test_line_properties():
    per_day = Line(
        name="d", model="x/m", requests=D(100), volume_mode=VolumeMode.PER_DAY, days_per_month=D(21)
    )
    assert per_day.requests_per_month == D(2100)
    alone = Line(name="a", model="x/m")
    assert alone.route == [RouteShare(model="x/m", share=D(1))]


def test_editing_a_line_is_validated():
    # the UI edits lines in place (validate_assignment): a bad edit is refused
    ln = Line(name="a", model="x/m", input_tokens=D(100))
    with pytest.raises(ValueError):
        ln.input_tokens = D(-1)
    with pytest.raises(ValueError):
        ln.batch_share = D("1.1")


def test_plan_round_trips_through_json():
    p = parse_plan(raw_plan(), SRC)
    again = parse_plan(json.loads(p.model_dump_json()), SRC)
    assert again == p
    assert copy.deepcopy(p) == p


@pytest.mark.parametrize("code", ["ABC", "usd", "EURO"])
def test_a_currency_that_is_not_iso_4217_is_refused(code):
    raw = raw_plan()
    raw["currency"] = {"code": code, "per_usd": 0.9}
    msg = error_of(raw)
    assert "currency.code" in msg
    assert f"currency '{code}' is not an ISO 4217 code" in msg


@pytest.mark.parametrize(("code", "rate"), [("USD", 1), ("EUR", 0.9), ("JPY", 150), ("BHD", 0.376)])
def test_plans_in_iso_currencies_open_unchanged(code, rate):
    raw = raw_plan()
    raw["currency"] = {"code": code, "per_usd": rate}
    plan = parse_plan(raw, "budget.plan.json")
    assert (plan.currency.code, plan.currency.per_usd) == (code, Decimal(str(rate)))

"""Catalog validation and loading, and the user's overlay on the shipped catalog."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from domain_helpers import AS_OF, FLASH, SONNET, catalog, mp

from planner.domain.catalog import (
    Catalog,
    ModelPrice,
    Overlay,
    Tier,
    apply_overlay,
    parse_catalog,
    parse_overlay,
)
from planner.domain.errors import InputError

D = Decimal
SRC = "catalog.json"
TODAY = date(2025, 7, 1)


def raw_catalog() -> dict:
    return {
        "schema_version": 1,
        "as_of": "2025-06-01",
        "models": [
            {
                "id": "anthropic/claude-sonnet-4.5",
                "name": "Claude Sonnet 4.5",
                "provider": "Anthropic",
                "input": "3",
                "output": "15",
                "cache_read": "0.30",
                "cache_write": "3.75",
                "quality": {"tokenrate": 70},
            },
            {
                "id": "openai/gpt-x",
                "name": "GPT X",
                "provider": "OpenAI",
                "input": 1.25,
                "output": 10,
            },
        ],
    }


def with_model1(**changes) -> dict:
    raw = raw_catalog()
    raw["models"][1].update(changes)
    return raw


def error_of(raw, source: str = SRC) -> str:
    with pytest.raises(InputError) as e:
        parse_catalog(raw, source)
    msg = str(e.value)
    assert "\n" not in msg, msg
    assert msg.startswith(source), msg
    return msg


def test_valid_catalog_parses():
    cat = parse_catalog(raw_catalog(), SRC)
    assert len(cat) == 2
    assert cat["openai/gpt-x"].input == D("1.25")
    assert cat["anthropic/claude-sonnet-4.5"].cache_read == D("0.30")
    assert "openai/gpt-x" in cat
    assert cat.get("openai/none") is None
    assert cat.providers == ["Anthropic", "OpenAI"]
    assert cat["openai/gpt-x"].effective_tier == Tier.MID  # 0.40 <= 1.25 < 2.50
    with pytest.raises(KeyError):
        cat["openai/none"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (with_model1(input=-1), "input"),
        (with_model1(output="-0.01"), "output"),
        (with_model1(input="NaN"), "input"),
        (with_model1(output="Infinity"), "output"),
        (with_model1(cache_read="cheap"), "cache_read"),
        (with_model1(batch_discount=1.5), "batch_discount"),
        (with_model1(context_window=0), "context_window"),
        (with_model1(quality={"tokenrate": 130}), "quality"),
        (with_model1(name=""), "name"),
        (with_model1(surprise=True), "surprise"),
    ],
    ids=[
        "negative-input",
        "negative-output",
        "nan",
        "infinity",
        "text-price",
        "discount>1",
        "zero-context",
        "quality>100",
        "empty-name",
        "unknown-field",
    ],
)
def test_model_field_errors_name_entry_and_field(raw, field):
    msg = error_of(raw)
    assert "models[1] 'openai/gpt-x'" in msg
    assert field in msg


def test_missing_output():
    raw = raw_catalog()
    del raw["models"][1]["output"]
    msg = error_of(raw)
    assert "models[1] 'openai/gpt-x'" in msg
    assert "output" in msg


@pytest.mark.parametrize("bad_id", ["GPT X", "OpenAI/gpt-x", "no-slash", "openai/", "openai/gpt x"])
def test_bad_id_shape(bad_id):
    msg = error_of(with_model1(id=bad_id))
    assert f"models[1] '{bad_id}'" in msg
    assert "id" in msg


def test_duplicate_ids():
    msg = error_of(with_model1(id="anthropic/claude-sonnet-4.5"))
    assert "models[1] 'anthropic/claude-sonnet-4.5'" in msg
    assert "duplicate" in msg


def test_future_schema_version():
    raw = raw_catalog()
    raw["schema_version"] = 99
    msg = error_of(raw)
    assert "schema_version" in msg


def test_not_an_object_or_missing_models():
    error_of(["not", "a", "catalog"])
    assert "models" in error_of({"as_of": "2025-06-01"})
    assert "as_of" in error_of({"models": []})


def test_catalog_quality_metrics_known_first():
    cat = catalog(
        mp("x/a", "1", "1", quality={"zzz_custom": 1.0, "swe_bench": 50.0}),
        mp("x/b", "1", "1", quality={"tokenrate": 60.0, "aaa_custom": 2.0}),
    )
    assert cat.quality_metrics == ["tokenrate", "swe_bench", "aaa_custom", "zzz_custom"]


def test_with_changes_validates():
    assert SONNET.with_changes(input=D("2.5")).input == D("2.5")
    with pytest.raises(ValueError):
        SONNET.with_changes(input=D("-1"))


# ---------------------------------------------------------------------------------------
# Overlay


def shipped() -> Catalog:
    return catalog(SONNET, FLASH)


def test_apply_overlay_edits_and_adds():
    ov = Overlay()
    ov.set_fields(SONNET.id, TODAY, input=D("2.40"), output=D("12"))
    mine = mp("self/llama-local", "0.05", "0.05", name="Local Llama", self_hosted=True)
    ov.add_model(mine, TODAY, provenance="our GPU box")
    cat, warnings = apply_overlay(shipped(), ov)
    assert warnings == []
    assert cat[SONNET.id].input == D("2.40")
    assert cat[SONNET.id].output == D("12")
    assert cat[SONNET.id].cache_read == D("0.30")  # untouched fields keep shipped values
    assert cat[FLASH.id] == FLASH
    assert cat[mine.id] == mine
    assert len(cat) == 3
    # the shipped catalog object is not changed
    assert shipped()[SONNET.id].input == D("3")


def test_bad_overlay_entry_is_skipped_with_warning():
    ov = Overlay()
    ov.set_fields(FLASH.id, TODAY, input=D("0.05"))  # fine
    ov.set_fields(SONNET.id, TODAY, input="-3", output=D("1"))  # bad input price
    cat, warnings = apply_overlay(shipped(), ov, source="overlay.json")
    assert cat[SONNET.id] == SONNET  # keeps every shipped value, output too
    assert cat[FLASH.id].input == D("0.05")  # the good entry still applies
    assert len(warnings) == 1
    w = warnings[0]
    assert "overlay.json" in w
    assert "entries[1]" in w
    assert SONNET.id in w
    assert "'input'" in w


def test_overlay_edit_of_unknown_model_warns():
    ov = Overlay()
    ov.set_fields("x/gone", TODAY, input=D("1"))
    cat, warnings = apply_overlay(shipped(), ov)
    assert "x/gone" not in cat
    assert len(warnings) == 1 and "x/gone" in warnings[0]


def test_apply_overlay_with_a_memo_revalidates_only_what_changed():
    """Re-applying after one edit gives what a fresh apply gives; untouched entries are reused
    (not validated again), and a bad entry keeps its warning."""
    base = shipped()
    ov = Overlay()
    ov.set_fields(FLASH.id, TODAY, input=D("0.05"))
    ov.set_fields(SONNET.id, TODAY, input="-3")  # bad
    mine = mp("self/llama-local", "0.05", "0.05", name="Local Llama")
    ov.add_model(mine, TODAY)
    memo: dict = {}
    first, w1 = apply_overlay(base, ov, "overlay.json", memo)
    assert len(w1) == 1 and "entries[1]" in w1[0]
    ov.set_fields(FLASH.id, TODAY, output=D("0.30"))  # one edit
    again, w2 = apply_overlay(base, ov, "overlay.json", memo)
    fresh, w3 = apply_overlay(base, ov, "overlay.json")
    assert again == fresh and w2 == w3 == w1
    assert again[FLASH.id].output == D("0.30") and again[FLASH.id].input == D("0.05")
    assert again[mine.id] is first[mine.id]  # reused
    assert again[FLASH.id] is not first[FLASH.id]
    # the bad entry fixed and the good one reset: both follow
    ov.set_fields(SONNET.id, TODAY, input=D("2"))
    ov.reset_fields(FLASH.id, ["input", "output"])
    again, w4 = apply_overlay(base, ov, "overlay.json", memo)
    assert w4 == [] and again[SONNET.id].input == D("2") and again[FLASH.id] == FLASH
    assert again == apply_overlay(base, ov, "overlay.json")[0]


def test_overlay_round_trip():
    ov = Overlay()
    ov.set_fields(SONNET.id, TODAY, input=D("2.40"), as_of=date(2025, 7, 1))
    ov.set_fields(SONNET.id, TODAY, output=D("12"))
    assert ov.edited_fields(SONNET.id) == {"input", "as_of", "output"}
    # survives JSON
    ov2 = parse_overlay(json.loads(ov.model_dump_json()), "overlay.json")
    cat, _ = apply_overlay(shipped(), ov2)
    assert (cat[SONNET.id].input, cat[SONNET.id].output) == (D("2.40"), D("12"))
    assert cat[SONNET.id].as_of == date(2025, 7, 1)
    # resetting one field brings back the shipped value for it only
    ov2.reset_fields(SONNET.id, ["input"])
    cat, _ = apply_overlay(shipped(), ov2)
    assert (cat[SONNET.id].input, cat[SONNET.id].output) == (D("3"), D("12"))
    # resetting the rest removes the entry: back to the shipped model exactly
    ov2.reset_fields(SONNET.id, ["output", "as_of"])
    assert ov2.entry(SONNET.id) is None
    cat, _ = apply_overlay(shipped(), ov2)
    assert cat[SONNET.id] == SONNET


def test_added_model_round_trip_keeps_every_field():
    from planner.domain.catalog import LongContextTier

    mine = ModelPrice(
        id="self/qwen-local",
        name="Qwen local",
        provider="Self-hosted",
        input=D("0.02"),
        output=D("0.06"),
        cache_read=D("0.01"),
        long_context=LongContextTier(threshold_tokens=128_000, input=D("0.04"), output=D("0.12")),
        quality={"tokenrate": 48.0},
        capabilities=("tools",),
        as_of=AS_OF,
    )
    ov = Overlay()
    ov.add_model(mine, TODAY)
    ov2 = parse_overlay(json.loads(ov.model_dump_json()), "overlay.json")
    cat, warnings = apply_overlay(shipped(), ov2)
    assert warnings == []
    assert cat[mine.id] == mine
    # adding it again replaces, not duplicates
    ov2.add_model(mine.with_changes(input=D("0.03")), TODAY)
    assert len(ov2.entries) == 1
    cat, _ = apply_overlay(shipped(), ov2)
    assert cat[mine.id].input == D("0.03")
    # reset_fields does not touch an added model
    ov2.reset_fields(mine.id, ["input"])
    assert ov2.entry(mine.id) is not None


def test_overlay_future_schema_version():
    with pytest.raises(InputError, match="schema_version"):
        parse_overlay({"schema_version": 5, "entries": []}, "overlay.json")

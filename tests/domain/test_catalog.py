"""Catalog validation and loading, and the user's overlay on the shipped catalog."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from domain_helpers import AS_OF, FLASH, SONNET, catalog, mp

from planner.domain.catalog import (
    QUALITY_METRICS,
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


def test_models_given_the_same_fields_share_one_record_of_them():
    """Each model records which fields it was given; models given the same fields share one
    record (a catalog of thousands holds a few hundred), and it still answers for each."""
    a = ModelPrice.model_validate({"id": "acme/a", "name": "A", "provider": "Acme", "input": "1", "output": "2"})
    b = ModelPrice.model_validate({"id": "acme/b", "name": "B", "provider": "Acme", "input": "3", "output": "4"})
    c = ModelPrice.model_validate({"id": "acme/c", "name": "C", "provider": "Acme", "input": "3", "output": "4",
                                   "cache_read": "0.3"})
    assert a.model_fields_set is b.model_fields_set
    assert c.model_fields_set == {"id", "name", "provider", "input", "output", "cache_read"}
    assert a.model_fields_set == {"id", "name", "provider", "input", "output"}
    # a changed copy has a record of its own; the shared one is untouched
    d = a.with_changes(cache_read=D("0.1"))
    assert "cache_read" in d.model_fields_set and "cache_read" not in b.model_fields_set
    assert a.model_dump(exclude_unset=True) == {"id": "acme/a", "name": "A", "provider": "Acme",
                                                "input": D("1"), "output": D("2")}


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


def test_overlay_marks_follow_the_entries_as_they_change():
    """The marks say which fields of a model the user set (and which models they added); the
    live view answers for one model at a time and follows each edit, reset and removal."""
    from planner.domain.catalog import USER_ADDED, OverlayMarks

    ov = Overlay()
    ov.set_fields(SONNET.id, TODAY, input=D("2.40"))
    ov.add_model(mp("self/llama-local", "0.05", "0.05", name="Local Llama"), TODAY)
    marks = OverlayMarks(ov)
    assert marks.get(SONNET.id) == {"input"}
    assert USER_ADDED in marks["self/llama-local"] and "input" in marks["self/llama-local"]
    assert marks.get(FLASH.id) is None and FLASH.id not in marks
    with pytest.raises(KeyError):
        marks[FLASH.id]
    ov.set_fields(SONNET.id, TODAY, output=D("12"))
    assert marks.get(SONNET.id) == {"input", "output"}
    ov.reset_fields(SONNET.id, ["input", "output"])
    assert marks.get(SONNET.id) is None
    assert dict(marks) == ov.marks() == {"self/llama-local": marks["self/llama-local"]}


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


# ---------------------------------------------------------------------------------------
# The shipped catalog's quality scores: every score its source articles state, no other.

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "catalog.json"
TOKENRATE = "TokenRate: Quality Per Dollar"
ELLIOTGATE = "ElliotGate"
COLLAPSE = "The LLM Pricing Collapse of 2026"

#: Transcribed by hand from the articles. TokenRate's top-10 list and intro (tokenrate);
#: ElliotGate's budget ranking (AA Intelligence Index; GPQA Diamond, Tau-2 and HLE printed
#: as fractions, here in percent); The LLM Pricing Collapse of 2026's 'Mid-Tier Models'
#: table (SWE-bench %, GPQA Diamond %). The other articles state no scores.
SEED_SCORES: dict[str, dict[str, float]] = {
    "google/gemini-2-5-flash-lite": {"tokenrate": 55},
    "meta/llama-4-scout": {"tokenrate": 55},
    "google/gemini-2-5-flash": {"tokenrate": 66},
    "google/gemini-2-0-flash": {"tokenrate": 55},
    "anthropic/claude-haiku-4-5": {"tokenrate": 65},
    "openai/gpt-5-mini": {"tokenrate": 68},
    "deepseek/deepseek-v3": {"tokenrate": 65},
    "deepseek/deepseek-r1": {"tokenrate": 73},
    "mistral/mistral-small": {"tokenrate": 42},
    "qwen/qwen-2-5-32b": {"tokenrate": 48},
    "meta/llama-3-2-1b": {"tokenrate": 15},
    "anthropic/claude-opus-4": {"tokenrate": 82},
    "deepseek/deepseek-v4-flash": {"aa_intelligence": 46.5, "gpqa_diamond": 89.4, "tau2": 95},
    "google/gemini-3-1-flash-lite-preview": {"aa_intelligence": 33.5, "tau2": 31.3},
    "qwen/qwen3-6-plus": {"aa_intelligence": 50, "gpqa_diamond": 88.2, "tau2": 97.7},
    "xiaomi/mimo-v2-5-pro": {"aa_intelligence": 53.8, "gpqa_diamond": 86.6, "hle": 33.8, "tau2": 94.2},
    "deepseek/deepseek-v4-pro": {"aa_intelligence": 51.5, "tau2": 96.2, "hle": 35.9},
    "anthropic/claude-sonnet-4-6": {"swe_bench": 67.2, "gpqa_diamond": 71.3},
    "openai/gpt-5-4-mini": {"swe_bench": 62.8, "gpqa_diamond": 65.1},
    "google/gemini-3-1-pro": {"swe_bench": 68.3, "gpqa_diamond": 74.1},
    "xai/grok-4-mini": {"swe_bench": 64.5, "gpqa_diamond": 63.8},
}

#: The article each metric's shipped scores come from (GPQA Diamond: either of two).
METRIC_SOURCES = {
    "tokenrate": (TOKENRATE,),
    "aa_intelligence": (ELLIOTGATE,),
    "tau2": (ELLIOTGATE,),
    "hle": (ELLIOTGATE,),
    "swe_bench": (COLLAPSE,),
    "gpqa_diamond": (ELLIOTGATE, COLLAPSE),
}


def shipped_raw() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_shipped_scores_are_the_ones_the_articles_state():
    shipped_scores = {m["id"]: m["quality"] for m in shipped_raw()["models"] if m.get("quality")}
    assert shipped_scores == SEED_SCORES


@pytest.mark.parametrize(
    ("model_id", "metric", "quote", "figure", "scale"),
    [
        # ElliotGate prints benchmark results as fractions; the catalog keeps percent
        ("deepseek/deepseek-v4-flash", "gpqa_diamond", "GPQA Diamond reaches 0.894", "0.894", 100),
        ("xiaomi/mimo-v2-5-pro", "hle", "HLE reaches 0.338", "0.338", 100),
        ("qwen/qwen3-6-plus", "tau2", "Tau-2 tool use scores 0.977", "0.977", 100),
        ("deepseek/deepseek-v4-pro", "aa_intelligence", "divided by AA Intelligence Index 51.5", "51.5", 1),
        ("google/gemini-3-1-pro", "swe_bench", "| Gemini 3.1 Pro | $2.00 | $12.00 | 68.3% | 74.1% |", "68.3%", 1),
        ("xai/grok-4-mini", "gpqa_diamond", "| Grok 4 Mini | $2.00 | $8.00 | 64.5% | 63.8% |", "63.8%", 1),
        ("meta/llama-3-2-1b", "tokenrate", "is cheap but scores 15 quality", "15", 1),
        ("deepseek/deepseek-r1", "tokenrate", "(8) DeepSeek R1 at 73 / $0.55", "73", 1),
    ],
)
def test_a_shipped_score_is_the_figure_its_article_prints(model_id, metric, quote, figure, scale):
    assert figure in quote
    model = parse_catalog(shipped_raw(), str(SHIPPED))[model_id]
    assert model.quality[metric] == float(D(figure.removesuffix("%")) * scale)
    # the model names the article the score came from
    assert any(title in f"{model.source} {model.notes}" for title in METRIC_SOURCES[metric])


def test_shipped_scores_are_0_to_100_on_known_metrics_with_their_source():
    for m in shipped_raw()["models"]:
        said = f"{m['source']} {m['notes']}"
        for metric, score in m.get("quality", {}).items():
            assert metric in QUALITY_METRICS, (m["id"], metric)
            assert isinstance(score, int | float) and 0 <= score <= 100, (m["id"], metric, score)
            assert any(title in said for title in METRIC_SOURCES[metric]), (m["id"], metric)

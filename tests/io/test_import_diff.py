"""Comparing an import with the catalog, and applying the ticked part to the user's overlay."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.domain.catalog import (
    Catalog,
    LongContextTier,
    ModelPrice,
    Overlay,
    apply_overlay,
    parse_overlay,
)
from planner.io.importers import (
    Change,
    ImportPlan,
    ImportResult,
    Skipped,
    import_changes,
    plan_import,
    read_import_file,
)

D = Decimal
OLD = date(2026, 4, 1)
TODAY = date(2026, 8, 21)
LATER = date(2026, 9, 30)
PROV = "LiteLLM import 2026-08-21"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def apply_import(overlay: Overlay, current, plan: ImportPlan, selected, *, today, provenance,
                 overwrite_conflicts=frozenset()) -> Overlay:
    """A new Overlay with the ticked part of `plan` applied, as the import job puts in the
    entries of import_changes (`overlay` is not changed)."""
    out = overlay.model_copy(deep=True)
    for model_id, entry in import_changes(overlay, current, plan, selected, today=today, provenance=provenance,
                                          overwrite_conflicts=overwrite_conflicts).items():
        out.put(model_id, entry)
    return out


def mp(model_id: str, i: str, o: str, **kw: Any) -> ModelPrice:
    data: dict[str, Any] = {
        "id": model_id,
        "name": model_id.split("/")[1],
        "provider": model_id.split("/")[0].title(),
        "input": D(i),
        "output": D(o),
        "source": "shipped seed",
        "as_of": OLD,
    }
    data.update(kw)
    return ModelPrice.model_validate(data)


def shipped() -> Catalog:
    return Catalog(
        as_of=OLD,
        models=(
            mp("openai/gpt-4o", "5", "15", cache_read=D("2.5")),
            mp("openai/gpt-4o-mini", "0.15", "0.6"),
            mp("anthropic/claude-sonnet-4-6", "3", "15", cache_read=D("0.3")),
            mp("google/gemini-2-5-pro", "1.25", "10"),
        ),
    )


def result(*models: ModelPrice, skipped: list[Skipped] | None = None) -> ImportResult:
    return ImportResult("litellm", "prices.json", TODAY, list(models), skipped or [])


def imported() -> ImportResult:
    lc = LongContextTier(threshold_tokens=200_000, input=D("2.5"), output=D("15"))
    return result(
        mp("openai/gpt-4o", "2.5", "10", cache_read=D("1.25"), source="LiteLLM", as_of=TODAY),
        mp("openai/gpt-4o-mini", "0.150", "0.60", source="LiteLLM", as_of=TODAY),  # same prices
        mp(
            "anthropic/claude-sonnet-4-6", "3.5", "16", source="LiteLLM", as_of=TODAY
        ),  # no cache_read given
        mp("google/gemini-2-5-pro", "1.25", "10", long_context=lc, source="LiteLLM", as_of=TODAY),
        mp("deepseek/deepseek-v4", "0.3", "1.2", source="LiteLLM", as_of=TODAY),
        skipped=[Skipped("sample_spec", "the format's sample entry, not a model")],
    )


def user_overlay() -> Overlay:
    ov = Overlay()
    ov.set_fields("anthropic/claude-sonnet-4-6", OLD, input=D("2.75"))  # the user's own price
    return ov


def effective(base: Catalog, overlay: Overlay) -> Catalog:
    cat, warnings = apply_overlay(base, overlay)
    assert warnings == []
    return cat


def test_plan_added_changed_unchanged_conflicts() -> None:
    base = shipped()
    ov = user_overlay()
    plan = plan_import(effective(base, ov), ov, imported())
    assert [m.id for m in plan.added] == ["deepseek/deepseek-v4"]
    assert plan.unchanged == ["openai/gpt-4o-mini"]  # 0.150 == 0.15
    assert plan.changed == {
        "openai/gpt-4o": [
            Change("openai/gpt-4o", "gpt-4o", "input", D(5), D("2.5")),
            Change("openai/gpt-4o", "gpt-4o", "output", D(15), D(10)),
            Change("openai/gpt-4o", "gpt-4o", "cache_read", D("2.5"), D("1.25")),
        ],
        "anthropic/claude-sonnet-4-6": [
            Change("anthropic/claude-sonnet-4-6", "claude-sonnet-4-6", "output", D(15), D(16)),
        ],
        "google/gemini-2-5-pro": [
            Change("google/gemini-2-5-pro", "gemini-2-5-pro", "long_context", None, D(200_000)),
        ],
    }
    # the user's input price is a conflict, shown apart; the missing cache_read is no change
    assert plan.conflicts == {
        "anthropic/claude-sonnet-4-6": [
            Change(
                "anthropic/claude-sonnet-4-6", "claude-sonnet-4-6", "input", D("2.75"), D("3.5")
            ),
        ]
    }
    assert plan.skipped == [Skipped("sample_spec", "the format's sample entry, not a model")]
    assert "1 new" in plan.summary() and "3 changed" in plan.summary()


def test_apply_selected_keeps_user_edit_and_records_history() -> None:
    base = shipped()
    ov = user_overlay()
    before = ov.model_dump()
    plan = plan_import(effective(base, ov), ov, imported())
    selected = {
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4-6",
        "google/gemini-2-5-pro",
        "deepseek/deepseek-v4",
    }
    new = apply_import(ov, effective(base, ov), plan, selected, today=TODAY, provenance=PROV)
    assert ov.model_dump() == before  # the input overlay is not mutated
    cat = effective(base, new)

    gpt = cat["openai/gpt-4o"]
    assert (gpt.input, gpt.output, gpt.cache_read) == (D("2.5"), D(10), D("1.25"))
    assert gpt.as_of == TODAY and gpt.source == PROV
    assert [(p.date, p.input, p.output, p.source) for p in gpt.history] == [
        (OLD, D(5), D(15), "shipped seed"),
        (TODAY, D("2.5"), D(10), PROV),
    ]
    assert new.entry("openai/gpt-4o").provenance == PROV  # type: ignore[union-attr]

    claude = cat["anthropic/claude-sonnet-4-6"]
    assert claude.input == D("2.75")  # the user's value survives
    assert claude.output == D(16)  # the non-conflicting change is applied
    assert claude.cache_read == D("0.3")  # not given by the import: kept
    assert claude.history[-1].input == D("3.5")  # the history says what the source said

    gem = cat["google/gemini-2-5-pro"]
    assert gem.long_context == (LongContextTier(threshold_tokens=200_000, input=D("2.5"), output=D("15")),)

    added = cat["deepseek/deepseek-v4"]
    assert (added.input, added.output) == (D("0.3"), D("1.2"))
    entry = new.entry("deepseek/deepseek-v4")
    assert entry is not None and entry.added and entry.provenance == PROV
    assert [(p.date, p.source) for p in added.history] == [(TODAY, PROV)]

    # unchanged model: no overlay entry
    assert new.entry("openai/gpt-4o-mini") is None


def test_overwrite_conflicts() -> None:
    base = shipped()
    ov = user_overlay()
    plan = plan_import(effective(base, ov), ov, imported())
    new = apply_import(
        ov,
        effective(base, ov),
        plan,
        {"anthropic/claude-sonnet-4-6"},
        today=TODAY,
        provenance=PROV,
        overwrite_conflicts={"anthropic/claude-sonnet-4-6"},
    )
    claude = effective(base, new)["anthropic/claude-sonnet-4-6"]
    assert (claude.input, claude.output) == (D("3.5"), D(16))
    # the old point records the price in force before (the user's)
    assert [(p.input, p.source) for p in claude.history] == [
        (D("2.75"), "shipped seed"),
        (D("3.5"), PROV),
    ]


def test_unticked_models_untouched() -> None:
    base = shipped()
    ov = user_overlay()
    plan = plan_import(effective(base, ov), ov, imported())
    new = apply_import(
        ov, effective(base, ov), plan, {"google/gemini-2-5-pro"}, today=TODAY, provenance=PROV
    )
    cat = effective(base, new)
    assert cat["openai/gpt-4o"] == base["openai/gpt-4o"]
    assert new.entry("openai/gpt-4o") is None
    assert "deepseek/deepseek-v4" not in cat
    assert cat["anthropic/claude-sonnet-4-6"].output == D(15)
    assert cat["google/gemini-2-5-pro"].long_context is not None
    # nothing selected: the same overlay back
    same = apply_import(ov, effective(base, ov), plan, set(), today=TODAY, provenance=PROV)
    assert same.model_dump() == ov.model_dump()


def test_overlay_round_trips_through_json() -> None:
    base = shipped()
    ov = user_overlay()
    plan = plan_import(effective(base, ov), ov, imported())
    ids = {
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4-6",
        "google/gemini-2-5-pro",
        "deepseek/deepseek-v4",
    }
    new = apply_import(ov, effective(base, ov), plan, ids, today=TODAY, provenance=PROV)
    text = json.dumps(new.model_dump(mode="json"))
    again = parse_overlay(json.loads(text), "overlay.json")
    assert effective(base, again) == effective(base, new)


def test_reimport_is_not_a_conflict_but_user_edits_stay_conflicts() -> None:
    base = shipped()
    ov = user_overlay()
    ids = {"openai/gpt-4o", "anthropic/claude-sonnet-4-6", "deepseek/deepseek-v4"}
    plan = plan_import(effective(base, ov), ov, imported())
    ov1 = apply_import(ov, effective(base, ov), plan, ids, today=TODAY, provenance=PROV)

    # the same import again: nothing left to do for what was applied
    again = plan_import(effective(base, ov1), ov1, imported())
    assert "openai/gpt-4o" in again.unchanged and "deepseek/deepseek-v4" in again.unchanged
    assert again.conflicts == {
        "anthropic/claude-sonnet-4-6": plan.conflicts["anthropic/claude-sonnet-4-6"]
    }

    # a later import with new prices: fields set by the earlier import are not conflicts
    prov2 = "LiteLLM import 2026-09-30"
    later = ImportResult(
        "litellm",
        "prices.json",
        LATER,
        [
            mp("openai/gpt-4o", "2", "8", source="LiteLLM", as_of=LATER),
            mp("deepseek/deepseek-v4", "0.25", "1", source="LiteLLM", as_of=LATER),
            mp("anthropic/claude-sonnet-4-6", "4", "16", source="LiteLLM", as_of=LATER),
        ],
        [],
    )
    plan2 = plan_import(effective(base, ov1), ov1, later)
    assert {c.field for c in plan2.changed["openai/gpt-4o"]} == {"input", "output"}
    assert {c.field for c in plan2.changed["deepseek/deepseek-v4"]} == {"input", "output"}
    assert plan2.conflicts == {
        "anthropic/claude-sonnet-4-6": [
            Change("anthropic/claude-sonnet-4-6", "claude-sonnet-4-6", "input", D("2.75"), D(4))
        ]
    }
    ov2 = apply_import(
        ov1,
        effective(base, ov1),
        plan2,
        {"openai/gpt-4o", "deepseek/deepseek-v4"},
        today=LATER,
        provenance=prov2,
    )
    cat = effective(base, ov2)
    assert (cat["openai/gpt-4o"].input, cat["deepseek/deepseek-v4"].input) == (D(2), D("0.25"))
    assert [(p.date, p.input, p.source) for p in cat["openai/gpt-4o"].history] == [
        (OLD, D(5), "shipped seed"),
        (TODAY, D("2.5"), PROV),
        (LATER, D(2), prov2),
    ]
    assert [(p.date, p.input) for p in cat["deepseek/deepseek-v4"].history] == [
        (TODAY, D("0.3")),
        (LATER, D("0.25")),
    ]

    # the user edits a price an import set: from then on it is theirs
    ov2.set_fields("openai/gpt-4o", LATER, input=D("1.5"))
    plan3 = plan_import(effective(base, ov2), ov2, result(mp("openai/gpt-4o", "1.8", "8")))
    assert plan3.conflicts == {
        "openai/gpt-4o": [Change("openai/gpt-4o", "gpt-4o", "input", D("1.5"), D("1.8"))]
    }
    assert "openai/gpt-4o" not in plan3.changed


def test_user_added_model_is_all_conflicts() -> None:
    base = shipped()
    ov = Overlay()
    ov.add_model(mp("acme/rocket", "1", "2"), OLD)  # typed in by the user, no provenance
    plan = plan_import(effective(base, ov), ov, result(mp("acme/rocket", "1.5", "2")))
    assert plan.changed == {}
    assert plan.conflicts == {
        "acme/rocket": [Change("acme/rocket", "rocket", "input", D(1), D("1.5"))]
    }


def test_long_context_price_change_and_batch() -> None:
    lc_old = LongContextTier(threshold_tokens=200_000, input=D("2.5"), output=D("15"))
    lc_new = LongContextTier(threshold_tokens=200_000, input=D("2.5"), output=D("18"))
    base = Catalog(
        as_of=OLD, models=(mp("google/gemini-2-5-pro", "1.25", "10", long_context=lc_old),)
    )
    plan = plan_import(
        base,
        Overlay(),
        result(
            mp("google/gemini-2-5-pro", "1.25", "10", long_context=lc_new, batch_input=D("0.625"))
        ),
    )
    assert [(c.field, c.old, c.new) for c in plan.changed["google/gemini-2-5-pro"]] == [
        ("batch_input", None, D("0.625")),
        ("long_context.output", D(15), D(18)),
    ]
    new = apply_import(
        Overlay(), base, plan, {"google/gemini-2-5-pro"}, today=TODAY, provenance=PROV
    )
    m = effective(base, new)["google/gemini-2-5-pro"]
    assert m.long_context == (lc_new,) and m.batch_input == D("0.625")


def test_plan_with_real_openrouter_fixture() -> None:
    base = shipped()
    r = read_import_file("openrouter", FIXTURES / "openrouter-models-sample.json", today=TODAY)
    plan = plan_import(base, Overlay(), r)
    assert isinstance(plan, ImportPlan)
    # OpenRouter states a web-search and an image price (per call, per image); its "0" per
    # request is no fee, as the catalog's none
    assert {c.field for c in plan.changed["openai/gpt-4o"]} == {
        "input", "output", "cache_read", "per_search", "per_image"}
    assert "anthropic/claude-sonnet-4-6" in plan.changed  # cache_write added
    assert len(plan.skipped) == 5
    assert len(plan.added) == 7 - 3


def test_new_price_dimensions_are_compared_and_applied() -> None:
    """Reasoning, fees, a service tier and off-peak prices show as changes; applying keeps a
    service tier the import does not list, and the catalog in force gets the new prices."""
    base = Catalog(as_of=OLD, models=(
        mp("deepseek/deepseek-chat", "0.27", "1.1", cache_read=D("0.07")),
        mp("openai/gpt-5", "1.25", "10", reasoning=D(10),
           service_tiers={"priority": {"input": D("2.5"), "output": D(20)}}),
    ))
    off_peak = {"input": D("0.135"), "output": D("0.55"), "cache_read": D("0.035"), "window": "16:30-00:30 UTC"}
    new = result(
        mp("deepseek/deepseek-chat", "0.27", "1.1", cache_read=D("0.07"), off_peak=off_peak, as_of=TODAY),
        mp("openai/gpt-5", "1.25", "10", reasoning=D(10), per_search=D("0.01"), cache_write_1h=D(2),
           service_tiers={"flex": {"input": D("0.625"), "output": D(5)}}, as_of=TODAY),
    )
    plan = plan_import(base, Overlay(), new)
    assert [(c.field, c.old, c.new) for c in plan.changed["deepseek/deepseek-chat"]] == [
        ("off_peak.input", None, D("0.135")),
        ("off_peak.output", None, D("0.55")),
        ("off_peak.cache_read", None, D("0.035")),
    ]
    assert [(c.field, c.old, c.new) for c in plan.changed["openai/gpt-5"]] == [
        ("cache_write_1h", None, D(2)),
        ("per_search", None, D("0.01")),
        ("service_tiers.flex.input", None, D("0.625")),
        ("service_tiers.flex.output", None, D(5)),
    ]
    out = apply_import(Overlay(), base, plan, set(plan.changed), today=TODAY, provenance=PROV)
    # the overlay file reads back, and the catalog in force has the imported prices
    reread = parse_overlay(json.loads(out.model_dump_json()), "overlay.json")
    cat, warnings = apply_overlay(base, reread)
    assert warnings == []
    ds = cat["deepseek/deepseek-chat"]
    assert ds.off_peak is not None and ds.off_peak.window == "16:30-00:30 UTC"
    assert ds.off_peak.input == D("0.135")
    g = cat["openai/gpt-5"]
    assert set(g.service_tiers) == {"flex", "priority"}  # priority kept: the import lists none
    assert g.service_tiers["flex"].output == D(5) and g.service_tiers["priority"].input == D("2.5")
    assert (g.per_search, g.cache_write_1h) == (D("0.01"), D(2))


def test_same_new_dimensions_are_unchanged() -> None:
    m = mp("openai/gpt-5", "1.25", "10", per_request=D("0.001"),
           service_tiers={"flex": {"input": D("0.625"), "output": D(5)}},
           off_peak={"input": D(1), "output": D(5), "window": "x"})
    plan = plan_import(Catalog(as_of=OLD, models=(m,)), Overlay(), result(m.model_copy(update={"as_of": TODAY})))
    assert plan.unchanged == ["openai/gpt-5"]

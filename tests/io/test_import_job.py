"""The headless import: one preview and one apply for the command and the window."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.domain.errors import InputError
from planner.io.catalog_files import read_overlay, save_overlay
from planner.io.import_job import ImportJob, Selection

D = Decimal
TODAY = date(2026, 8, 21)


def model(model_id: str, inp: str, out: str, **kw) -> ModelPrice:  # type: ignore[no-untyped-def]
    return ModelPrice(id=model_id, name=model_id, provider="Acme", input=D(inp), output=D(out), **kw)


CATALOG = Catalog(as_of=date(2026, 5, 1), models=(model("openai/a", "1", "4"), model("openai/b", "2", "8")))


def litellm_file(tmp_path: Path, entries: dict) -> Path:  # type: ignore[type-arg]
    p = tmp_path / "prices.json"
    p.write_text(json.dumps(entries), encoding="utf-8")
    return p


def chat(inp: float, out: float, **kw) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": inp, "output_cost_per_token": out, **kw}


def test_preview_lists_added_changed_and_skipped_with_reasons(tmp_path: Path) -> None:
    path = litellm_file(tmp_path, {
        "a": chat(1e-6, 4e-6),  # unchanged
        "b": chat(1.5e-6, 8e-6),  # input 2 -> 1.5
        "c": chat(5e-7, 2e-6),  # new
        "huge": chat(1e-6, 1e-6, max_input_tokens=int("9" * 400)),
        "pricey": chat(1e30, 1e-6),
    })  # fmt: skip
    preview = ImportJob(CATALOG, Overlay(), today=TODAY).prepare_file("litellm", path)
    plan = preview.plan
    assert [m.id for m in plan.added] == ["openai/c"]
    assert [(c.field, c.old, c.new) for c in plan.changed["openai/b"]] == [("input", D(2), D("1.5"))]
    assert plan.unchanged == ["openai/a"]
    reasons = {s.id: s.reason for s in plan.skipped}
    assert reasons["huge"].startswith("field 'context_window': Input should be less than or equal to 1000000000")
    assert reasons["pricey"].startswith("field 'input_cost_per_token': absurd price")
    assert preview.provenance == f"litellm import of prices.json on {TODAY.isoformat()}"
    assert preview.count(preview.default_selection()) == 2


def test_apply_writes_the_selection_and_keeps_what_the_file_has(tmp_path: Path) -> None:
    overlay_path = tmp_path / "overlay.json"
    path = litellm_file(tmp_path, {"b": chat(1.5e-6, 8e-6), "c": chat(5e-7, 2e-6)})
    job = ImportJob(CATALOG, Overlay(), today=TODAY)
    preview = job.prepare_file("litellm", path)
    # meanwhile another window edited model a
    other = Overlay()
    other.set_fields("openai/a", TODAY, input=D("0.9"))
    save_overlay(other, overlay_path)
    job.apply(preview, Selection.of({"openai/c"}), overlay_path)
    on_disk, _ = read_overlay(overlay_path)
    assert on_disk.ids() == ["openai/a", "openai/c"]  # b was not ticked
    assert on_disk.entry("openai/a").fields == {"input": "0.9"}
    assert on_disk.entry("openai/c").added


def test_a_file_with_no_usable_model_is_one_error(tmp_path: Path) -> None:
    path = litellm_file(tmp_path, {"x": chat(float("inf"), 1e-6)})
    with pytest.raises(InputError) as e:
        ImportJob(CATALOG, Overlay(), today=TODAY).prepare_file("litellm", path)
    assert str(e.value) == (
        f"{path}: no models could be read from it (1 entry skipped; "
        "first: x: field 'input_cost_per_token': not a finite number (inf))"
    )


def test_downloaded_bytes_take_the_same_path() -> None:
    data = json.dumps({"data": [{"id": "openai/c", "name": "C", "pricing": {"prompt": "1e400", "completion": "1"}},
                                {"id": "openai/d", "name": "D", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]})  # fmt: skip
    preview = ImportJob(CATALOG, Overlay(), today=TODAY).prepare_bytes(
        "openrouter", data.encode(), "https://example.com/models", "update"
    )
    assert [m.id for m in preview.plan.added] == ["openai/d"]
    assert [s.id for s in preview.plan.skipped] == ["openai/c"]
    assert "absurd price" in preview.plan.skipped[0].reason
    assert preview.what == "OpenRouter"

"""Plan files: pinned prices, atomic saves, refused bad files, autosave snapshots."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from planner.domain.catalog import Catalog, ModelPrice
from planner.domain.costing import compute
from planner.domain.errors import InputError
from planner.domain.plan import PLAN_SCHEMA_VERSION, Line, Plan, RouteShare
from planner.io import atomic
from planner.io.plan_files import (
    find_recoverable,
    open_plan,
    pin_prices,
    price_changes,
    remove_autosave,
    repriced,
    save_plan,
    write_autosave,
)


def model(mid: str, pin: str, pout: str, **kw) -> ModelPrice:
    return ModelPrice(id=mid, name=mid.split("/")[1].title(), provider="P", input=D(pin), output=D(pout), **kw)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(as_of=date(2026, 5, 1), models=(model("p/a", "3", "15"), model("p/b", "0.10", "0.40"), model("p/c", "1", "2")))


@pytest.fixture
def plan() -> Plan:
    return Plan(
        name="Budget 2027",
        lines=[
            Line(name="Chat", requests=D(10_000), input_tokens=D(500), output_tokens=D(1000), model="p/a",
                 routing=[RouteShare(model="p/a", share=D("0.5")), RouteShare(model="p/b", share=D("0.5"))]),
            Line(name="Tags", requests=D(1000), input_tokens=D(300), output_tokens=D(50), model="p/b"),
        ],
    )


def test_save_pins_used_models_and_round_trips(tmp_path: Path, plan: Plan, catalog: Catalog):
    path = tmp_path / "budget.costplan"
    saved = save_plan(plan, catalog, path)
    assert set(saved.pinned_prices) == {"p/a", "p/b"}  # p/c is not used: not pinned
    assert saved.catalog_as_of == date(2026, 5, 1)
    again = open_plan(path)
    assert again == saved
    assert compute(again, catalog).optimized == compute(plan, catalog).optimized
    assert json.loads(path.read_text())["schema_version"] == PLAN_SCHEMA_VERSION


def test_every_save_counts_in_the_revision(tmp_path: Path, plan: Plan, catalog: Catalog):
    path = tmp_path / "budget.costplan"
    assert plan.revision == 0
    first = save_plan(plan, catalog, path)
    assert first.revision == 1 and open_plan(path).revision == 1
    second = save_plan(open_plan(path), catalog, path)
    assert second.revision == 2 and json.loads(path.read_text())["revision"] == 2


def test_reopened_plan_keeps_its_totals_after_the_catalog_changes(tmp_path: Path, plan: Plan, catalog: Catalog):
    path = tmp_path / "budget.costplan"
    before = compute(plan, catalog)
    save_plan(plan, catalog, path)
    cheaper = catalog.replace_models([model("p/a", "1.5", "7.5"), *catalog.models[1:]], as_of=date(2026, 9, 1))
    reopened = open_plan(path)
    # pinned: the same money as the day it was saved ...
    assert compute(reopened, cheaper).optimized == before.optimized
    # ... and the app can say what moved
    changes = price_changes(reopened, cheaper)
    assert {(c.model_id, c.field, c.pinned, c.current) for c in changes} == {
        ("p/a", "input", D("3"), D("1.5")),
        ("p/a", "output", D("15"), D("7.5")),
    }
    # re-pricing uses today's catalog: Chat half on p/a: 5,000 x (500 x 1.5 + 1000 x 7.5) / 1e6 = 41.25
    # + 5,000 x (500 x 0.1 + 1000 x 0.4)/1e6 = 2.25; Tags 1,000 x (300 x 0.1 + 50 x 0.4)/1e6 = 0.05
    assert compute(repriced(reopened, cheaper), cheaper).optimized == D("43.55")
    assert repriced(reopened, cheaper).catalog_as_of == date(2026, 9, 1)


def test_model_gone_from_catalog_is_listed_and_still_costs(tmp_path: Path, plan: Plan, catalog: Catalog):
    path = tmp_path / "p.costplan"
    save_plan(plan, catalog, path)
    smaller = catalog.replace_models([m for m in catalog.models if m.id != "p/b"])
    reopened = open_plan(path)
    assert any(c.model_id == "p/b" and c.field == "model" for c in price_changes(reopened, smaller))
    assert compute(reopened, smaller).optimized == compute(plan, catalog).optimized


def test_pins_survive_a_resave(plan: Plan, catalog: Catalog):
    pinned = pin_prices(plan, catalog)
    later = catalog.replace_models([model("p/a", "9", "9"), *catalog.models[1:]])
    assert pin_prices(pinned, later).pinned_prices["p/a"].input == D("3")


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_failed_save_leaves_the_old_file_intact(tmp_path: Path, plan: Plan, catalog: Catalog, monkeypatch, where):
    path = tmp_path / "budget.costplan"
    save_plan(plan, catalog, path)
    old_bytes = path.read_bytes()
    plan.lines[0].name = "Changed"

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    if where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", boom)
    elif where == "replace":
        monkeypatch.setattr(atomic.os, "replace", boom)
    else:
        monkeypatch.setattr(atomic.os, "fdopen", lambda *_a, **_k: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        save_plan(plan, catalog, path)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.costplan"]  # no temp file left


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"schema_version": 1, "lines": [', "not valid JSON"),  # truncated
        ("\x00\xff garbage", "not UTF-8"),
        ("[1, 2, 3]", "must be a JSON object"),
        ('{"schema_version": 1, "lines": {"name": "x"}}', "'lines' must be a list"),
        ('{"schema_version": 99, "lines": []}', "newer than this program understands"),
        ('{"lines": []}', "not a Cost Planner plan"),
        ('{"schema_version": 1, "lines": [{"name": "Chat", "model": "p/a", "requests": "many"}]}',
         "lines[0] 'Chat': field 'requests'"),
        ('{"schema_version": 1, "lines": [{"name": "Chat", "model": "p/a", "batch_share": "1.5"}]}',
         "lines[0] 'Chat': field 'batch_share'"),
    ],
)
def test_bad_plan_files_are_refused_with_the_reason(tmp_path: Path, content: str, needle: str):
    path = tmp_path / "bad.costplan"
    path.write_bytes(content.encode("latin-1"))
    before = path.read_bytes()
    with pytest.raises(InputError) as e:
        open_plan(path)
    assert str(path) in str(e.value)
    assert needle in str(e.value)
    assert path.read_bytes() == before


def test_autosave_of_a_crashed_process_is_found(plan: Plan):
    write_autosave("t1", plan, Path("/plans/budget.costplan"))
    # this process is alive: its own autosave is not a crash
    assert find_recoverable() == []
    meta = next(p for p in (Path(os.environ["COST_PLANNER_HOME"]) / "data" / "autosave").glob("*.json"))
    data = json.loads(meta.read_text())
    data["pid"] = 2**22 + 12345  # no such process
    meta.write_text(json.dumps(data))
    found = find_recoverable()
    assert len(found) == 1
    assert found[0].plan_name == "Budget 2027"
    assert found[0].original == Path("/plans/budget.costplan")
    assert open_plan(found[0].path).lines[0].name == "Chat"
    remove_autosave("t1")
    assert find_recoverable() == []


def test_a_plan_without_schema_version_is_refused_naming_the_file_and_field(tmp_path: Path):
    path = tmp_path / "old.costplan"
    path.write_text('{"name": "Old", "lines": []}')
    with pytest.raises(InputError) as e:
        open_plan(path)
    assert str(e.value) == f"{path}: field 'schema_version' is missing: not a Cost Planner plan file"


def test_a_missing_plan_file_is_named(tmp_path: Path):
    with pytest.raises(InputError, match=r"nope\.costplan: file not found"):
        open_plan(tmp_path / "nope.costplan")


def test_every_shipped_example_opens():
    from planner import paths

    examples = sorted(paths.examples_dir().glob("*.costplan"))
    assert len(examples) >= 6
    for path in examples:
        assert open_plan(path).lines, path

"""The validated catalog kept in the user's cache folder: a later load takes it from there
while the shipped catalog and the overlay are unchanged, and never when either changed (a
price edited by the window, by hand, or a new shipped catalog); a damaged cache is ignored."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from planner import paths
from planner.domain.catalog import USER_ADDED, ModelPrice, Overlay
from planner.io import catalog_cache, catalog_files
from planner.io.catalog_files import load_effective, save_overlay, update_overlay

ADDED = ModelPrice(id="acme/own-model", name="Own model", provider="Acme", input=Decimal("0.7"), output=Decimal("2.1"))


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled at once (the cache refuses files changed in
    the last RACY_SECONDS, which a test would otherwise wait out)."""
    monkeypatch.setattr(catalog_cache, "RACY_SECONDS", 0.0)


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped catalog, which a test may change."""
    return Path(shutil.copy(paths.shipped_catalog(), tmp_path / "catalog.json"))


def some_edits() -> Overlay:
    """A price edit of a shipped model, a model the user added, and an edit of a model the
    catalog does not have (a warning)."""
    ov = Overlay()
    ov.set_fields("anthropic/claude-3-haiku", date(2026, 1, 5), input=Decimal("0.3"))
    ov.add_model(ADDED, date(2026, 1, 6))
    ov.set_fields("gone/model", date(2026, 1, 7), input=Decimal(1))
    return ov


def no_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the catalog is read and validated from its files."""
    def refuse(*_a):
        raise AssertionError("read from the files, not from the cache")
    monkeypatch.setattr(catalog_files, "_load_effective", refuse)


def assert_same(a: catalog_files.LoadedCatalog, b: catalog_files.LoadedCatalog) -> None:
    assert a.catalog == b.catalog
    assert [m.id for m in a.catalog] == [m.id for m in b.catalog]
    assert a.shipped == b.shipped
    assert a.overlay == b.overlay
    assert a.warnings == b.warnings
    assert a.overlay_memo.keys() == b.overlay_memo.keys()


@pytest.mark.usefixtures("settled")
def test_a_second_load_comes_from_the_cache_and_is_the_same_catalog(shipped, monkeypatch):
    save_overlay(some_edits())
    full = load_effective(shipped)
    assert catalog_cache.cache_path().is_file()
    no_full_load(monkeypatch)
    cached = load_effective(shipped)
    assert_same(cached, full)
    assert cached.catalog["anthropic/claude-3-haiku"].input == Decimal("0.3")
    assert cached.catalog["acme/own-model"] == ADDED
    assert any("gone/model" in w for w in cached.warnings)
    # the memo still recognises each entry by its fields (one edit re-validates one model)
    for model_id, (_under, fields, _added, _outcome) in cached.overlay_memo.items():
        assert fields is cached.overlay.entries[model_id].fields
    assert cached.catalog.by_id["acme/own-model"] is cached.catalog.models[-1]


@pytest.mark.usefixtures("settled")
def test_a_load_from_the_cache_reads_the_overlay_only_when_it_is_asked_for(shipped, monkeypatch):
    """A start needs the catalog and which fields each model's entry sets (the Models table
    marks them), not the overlay itself: that is read from the cache when first asked for,
    as the very objects the catalog and the memo refer to."""
    save_overlay(some_edits())
    full = load_effective(shipped)
    reads = []
    take = catalog_files.LoadedCatalog.read_later
    monkeypatch.setattr(catalog_files.LoadedCatalog, "read_later",
                        lambda self, read: take(self, lambda: (reads.append(1), read())[1]))
    cached = load_effective(shipped)
    assert cached.catalog == full.catalog
    marks = cached.overlay_marks()
    assert marks == full.overlay.marks()
    assert marks["acme/own-model"] == {USER_ADDED, *full.overlay.entries["acme/own-model"].fields}
    assert marks["anthropic/claude-3-haiku"] == {"input"}
    assert reads == []
    assert cached.overlay.entries.keys() == full.overlay.entries.keys()
    assert reads == [1]
    under, fields, added, outcome = cached.overlay_memo["acme/own-model"]
    assert outcome is cached.catalog["acme/own-model"] and added and under is None
    assert fields is cached.overlay.entries["acme/own-model"].fields
    assert cached.overlay_memo["anthropic/claude-3-haiku"][0] is cached.shipped["anthropic/claude-3-haiku"]
    cached.overlay.remove("acme/own-model")  # once read, the marks follow the overlay
    assert "acme/own-model" not in cached.overlay_marks()
    assert reads == [1]


@pytest.mark.usefixtures("settled")
def test_the_cache_keeps_the_ranking_arrays_of_its_catalog(shipped, monkeypatch):
    """A start from the cache ranks with the arrays made when the cache was written: the
    same figures as arrays made afresh, without making them again."""
    import numpy as np

    from planner.domain import ranking

    save_overlay(some_edits())
    load_effective(shipped)
    cached = load_effective(shipped)
    assert cached.arrays is not None
    monkeypatch.setattr(ranking.CatalogArrays, "_build", classmethod(lambda cls, c: pytest.fail("made again")))
    assert ranking.CatalogArrays.from_catalog(cached.catalog) is cached.arrays
    monkeypatch.undo()
    fresh = ranking.CatalogArrays._build(cached.catalog)
    assert fresh.ids == cached.arrays.ids
    for name in ("input", "output", "cache_read", "per_request", "reasoning", "reasoning_factor"):
        np.testing.assert_array_equal(getattr(fresh, name), getattr(cached.arrays, name))


@pytest.mark.usefixtures("settled")
def test_each_load_from_the_cache_is_a_catalog_of_its_own(shipped):
    save_overlay(some_edits())
    load_effective(shipped)
    a, b = load_effective(shipped), load_effective(shipped)
    a.overlay.remove("acme/own-model")
    a.warnings.clear()
    assert "acme/own-model" in b.overlay.entries and b.warnings


@pytest.mark.usefixtures("settled")
def test_an_edit_saved_by_the_window_is_loaded_not_the_cached_price(shipped):
    save_overlay(some_edits())
    load_effective(shipped)
    edit = Overlay()
    edit.set_fields("anthropic/claude-3-haiku", date(2026, 2, 1), input=Decimal("0.4"))
    update_overlay(paths.user_overlay(), {"anthropic/claude-3-haiku": edit.entry("anthropic/claude-3-haiku")})
    assert load_effective(shipped).catalog["anthropic/claude-3-haiku"].input == Decimal("0.4")


@pytest.mark.usefixtures("settled")
def test_a_hand_edit_of_the_same_size_and_time_is_loaded(shipped):
    """Edited in place (same inode), to the same size, and its modification time put back:
    the status-change time still tells the cache it changed."""
    save_overlay(some_edits())
    path = paths.user_overlay()
    before = os.stat(path)
    load_effective(shipped)
    text = path.read_text()
    assert '"input":"0.3"' in text
    with open(path, "r+", encoding="utf-8") as f:
        f.write(text.replace('"input":"0.3"', '"input":"0.5"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert load_effective(shipped).catalog["anthropic/claude-3-haiku"].input == Decimal("0.5")


@pytest.mark.usefixtures("settled")
def test_a_new_shipped_catalog_is_loaded_not_the_cached_one(shipped):
    load_effective(shipped)
    raw = json.loads(shipped.read_text())
    raw["models"][0]["output"] = 9.99
    shipped.write_text(json.dumps(raw))
    assert load_effective(shipped).catalog[raw["models"][0]["id"]].output == Decimal("9.99")


@pytest.mark.usefixtures("settled")
def test_removing_the_overlay_brings_the_shipped_prices_back(shipped):
    save_overlay(some_edits())
    load_effective(shipped)
    paths.user_overlay().unlink()
    loaded = load_effective(shipped)
    assert "acme/own-model" not in loaded.catalog
    assert loaded.catalog["anthropic/claude-3-haiku"] == loaded.shipped["anthropic/claude-3-haiku"]


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("damage", ["truncated", "last bytes lost", "garbage", "empty", "folder"])
def test_a_damaged_cache_falls_back_to_a_full_load_and_is_rebuilt(shipped, damage):
    save_overlay(some_edits())
    full = load_effective(shipped)
    cache = catalog_cache.cache_path()
    data = cache.read_bytes()
    if damage == "truncated":
        cache.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "last bytes lost":  # the catalog whole, the overlay after it cut short
        cache.write_bytes(data[:-5])
    elif damage == "garbage":
        cache.write_bytes(b"not a cache at all" * 100)
    elif damage == "empty":
        cache.write_bytes(b"")
    else:  # a folder in its place: it can be neither read nor written
        cache.unlink()
        cache.mkdir()
    assert_same(load_effective(shipped), full)
    if damage != "folder":
        assert catalog_cache.read_cache(catalog_cache.source_key((shipped, paths.user_overlay()))) is not None


@pytest.mark.usefixtures("settled")
def test_another_program_version_does_not_read_the_cache(shipped, monkeypatch):
    load_effective(shipped)
    key = catalog_cache.source_key((shipped, paths.user_overlay()))
    assert catalog_cache.read_cache(key) is not None
    monkeypatch.setattr(catalog_cache, "__version__", "99.0")
    assert catalog_cache.read_cache(catalog_cache.source_key((shipped, paths.user_overlay()))) is None


def test_files_changed_just_now_are_not_cached(shipped):
    """Within RACY_SECONDS of a change, a further change could keep the same times: no cache."""
    save_overlay(some_edits())
    load_effective(shipped)
    assert not catalog_cache.cache_path().exists()


@pytest.mark.usefixtures("settled")
def test_a_load_that_set_entries_aside_is_not_cached(shipped):
    paths.user_overlay().parent.mkdir(parents=True, exist_ok=True)
    paths.user_overlay().write_text(json.dumps({"entries": [
        {"id": "acme/bad", "fields": {"name": "Bad", "provider": "Acme", "input": -1, "output": 1}, "added": True}]}))
    os.utime(paths.user_overlay(), ns=(0, 0))
    loaded = load_effective(shipped)
    assert any("set aside" in w for w in loaded.warnings)
    assert not catalog_cache.cache_path().exists()


@pytest.mark.usefixtures("settled")
def test_a_cache_written_later_in_the_background_is_the_catalog_as_loaded(shipped):
    save_overlay(some_edits())
    later = []
    loaded = load_effective(shipped, defer_cache=later.append)
    assert not catalog_cache.cache_path().exists()
    loaded.overlay.remove("acme/own-model")  # the caller goes on changing its own copy
    loaded.warnings.clear()
    later[0]()
    catalog_cache.wait()
    cached = catalog_cache.read_cache(catalog_cache.source_key((shipped, paths.user_overlay())))
    assert cached is not None
    assert "acme/own-model" in cached.overlay.entries and "acme/own-model" in cached.catalog
    assert any("gone/model" in w for w in cached.warnings)


def test_files_that_had_just_changed_when_read_are_not_cached_later(shipped, monkeypatch):
    """The cache is written after the load: what counts is whether the files had settled when
    they were read, not when the cache is written."""
    save_overlay(some_edits())
    later = []
    load_effective(shipped, defer_cache=later.append)
    now = time.time_ns()
    monkeypatch.setattr(catalog_cache.time, "time_ns", lambda: now + 10 * 10**9)  # written 10 s on
    later[0]()
    catalog_cache.wait()
    assert not catalog_cache.cache_path().exists()


@pytest.mark.usefixtures("settled")
def test_shared_values_leave_every_model_equal(shipped):
    save_overlay(some_edits())
    full = load_effective(shipped)
    dumps = [m.model_dump(mode="json") for m in full.catalog]
    catalog_cache.share_values(full.catalog.models)
    assert [m.model_dump(mode="json") for m in full.catalog] == dumps

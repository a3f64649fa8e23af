"""Session: edits, additions and resets go through the undo stack and the user overlay file only."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from planner import paths
from planner.io.catalog_files import load_effective
from planner.ui.catalog_table_model import COL_INPUT, COL_MODEL, CatalogTableModel
from planner.ui.session import Session
from tests.conftest import emitted

HAIKU = "anthropic/claude-3-haiku"  # shipped at $0.25 in / $1.25 out


def overlay_fields(path: Path) -> dict[str, dict]:
    return {e["id"]: e["fields"] for e in json.loads(path.read_text(encoding="utf-8"))["entries"]}


def test_edit_undo_redo_rewrite_the_overlay(qtbot, make_session, mp, tmp_path):
    s = make_session(mp("acme/one", "0.10", "0.40", name="One"))
    ov = tmp_path / "overlay.json"
    with emitted(s.catalogChanged) as changed:
        s.edit_model("acme/one", "Edit input", input=Decimal("2.75"))
    assert changed.args == [["acme/one"]]
    assert s.catalog["acme/one"].input == Decimal("2.75")
    assert Decimal(overlay_fields(ov)["acme/one"]["input"]) == Decimal("2.75")
    assert s.undo_stack.undoText() == "Edit input"

    s.undo_stack.undo()
    assert s.catalog["acme/one"].input == Decimal("0.10")
    assert overlay_fields(ov) == {}  # rewritten without the edit

    s.undo_stack.redo()
    assert s.catalog["acme/one"].input == Decimal("2.75")
    assert Decimal(overlay_fields(ov)["acme/one"]["input"]) == Decimal("2.75")


def test_invalid_edit_changes_nothing(make_session, mp, tmp_path):
    from pydantic import ValidationError

    s = make_session(mp("acme/one", "1", "2", name="One"))
    with pytest.raises(ValidationError):
        s.edit_model("acme/one", "Edit", input=Decimal("-1"))
    assert s.catalog["acme/one"].input == Decimal("1")
    assert s.undo_stack.count() == 0
    assert not (tmp_path / "overlay.json").exists()


def test_table_edit_undo_through_session(make_session, mp):
    s = make_session(mp("acme/one", "0.10", "0.40", name="One"))
    m = CatalogTableModel(s)
    assert m.setData(m.index(0, COL_INPUT), "2.75")
    assert m.index(0, COL_INPUT).data() == "2.75"
    s.undo_stack.undo()
    assert m.index(0, COL_INPUT).data() == "0.10"
    font = m.index(0, COL_INPUT).data(Qt.ItemDataRole.FontRole)
    assert font is None or not font.bold()  # no longer marked as edited
    s.undo_stack.redo()
    assert m.index(0, COL_INPUT).data() == "2.75"
    assert m.index(0, COL_INPUT).data(Qt.ItemDataRole.FontRole).bold()


def test_edit_survives_restart_and_shipped_file_untouched(shipped_session):
    shipped_bytes = paths.shipped_catalog().read_bytes()
    m = CatalogTableModel(shipped_session)
    assert m.setData(m.index(m.row_of(HAIKU), COL_INPUT), "2.75")
    assert paths.shipped_catalog().read_bytes() == shipped_bytes

    # A new session, as after a restart: shipped file + the overlay file.
    again = Session(load_effective(paths.shipped_catalog(), paths.user_overlay()))
    assert again.catalog[HAIKU].input == Decimal("2.75")
    assert again.shipped(HAIKU).input == Decimal("0.25")
    assert len(again.catalog) == 44
    m2 = CatalogTableModel(again)
    idx = m2.index(m2.row_of(HAIKU), COL_INPUT)
    assert idx.data() == "2.75"
    assert idx.data(Qt.ItemDataRole.FontRole).bold()
    assert "Edited by you (shipped value: 0.25)" in idx.data(Qt.ItemDataRole.ToolTipRole)


def test_reset_to_shipped_price_is_undoable(shipped_session):
    s = shipped_session
    s.edit_model(HAIKU, "Edit", input=Decimal("2.75"), output=Decimal("9"))
    assert s.edited_fields(HAIKU) == {"input", "output"}

    s.reset_model(HAIKU)
    assert s.catalog[HAIKU].input == Decimal("0.25")
    assert s.catalog[HAIKU].output == Decimal("1.25")
    assert s.edited_fields(HAIKU) == set()
    assert HAIKU not in overlay_fields(paths.user_overlay())
    assert "Reset" in s.undo_stack.undoText()

    s.undo_stack.undo()
    assert s.catalog[HAIKU].input == Decimal("2.75")
    assert Decimal(overlay_fields(paths.user_overlay())[HAIKU]["output"]) == Decimal("9")


def test_add_model_is_undoable_and_shown(make_session, mp, tmp_path):
    s = make_session(mp("acme/one", "1", "2", name="One"))
    table = CatalogTableModel(s)
    new = mp("mine/negotiated", "2.40", "9.60", name="Negotiated", provider="Mine")
    s.add_model(new)
    assert "mine/negotiated" in s.catalog
    assert s.is_user_added("mine/negotiated")
    assert table.rowCount() == 2
    row = table.row_of("mine/negotiated")
    assert table.index(row, COL_MODEL).data() == "Negotiated"
    assert table.index(row, COL_INPUT).data() == "2.40"
    assert "Added by you" in table.index(row, COL_MODEL).data(Qt.ItemDataRole.ToolTipRole)
    saved = json.loads((tmp_path / "overlay.json").read_text(encoding="utf-8"))["entries"]
    assert [(e["id"], e["added"]) for e in saved] == [("mine/negotiated", True)]

    s.undo_stack.undo()
    assert "mine/negotiated" not in s.catalog
    assert table.rowCount() == 1
    s.undo_stack.redo()
    assert table.rowCount() == 2


def test_added_model_survives_restart(shipped_session, mp):
    shipped_session.add_model(mp("mine/local", "0.5", "0.5", name="Local"))
    again = Session(load_effective())
    assert again.catalog["mine/local"].name == "Local"
    assert again.is_user_added("mine/local")
    assert len(again.catalog) == 45
    assert "mine/local" not in again.loaded.shipped


def test_duplicate_id_refused(make_session, mp):
    s = make_session(mp("acme/one", "1", "2", name="One"))
    with pytest.raises(ValueError, match="already exists"):
        s.add_model(mp("acme/one", "5", "5", name="Other"))
    assert s.catalog["acme/one"].name == "One"
    assert s.undo_stack.count() == 0


def test_only_user_added_models_can_be_deleted(make_session, mp):
    s = make_session(mp("acme/one", "1", "2", name="One"))
    s.add_model(mp("mine/two", "1", "1", name="Two"))
    with pytest.raises(ValueError, match="only models you added"):
        s.remove_added_model("acme/one")
    assert "acme/one" in s.catalog

    s.remove_added_model("mine/two")
    assert "mine/two" not in s.catalog
    s.undo_stack.undo()
    assert "mine/two" in s.catalog


def test_adding_changes_the_set_of_ids_signal(qtbot, make_session, mp):
    s = make_session(mp("acme/one", "1", "2", name="One"))
    seen: list[list[str]] = []
    s.catalogChanged.connect(seen.append)
    s.add_model(mp("mine/two", "1", "1", name="Two"))
    assert seen and seen[-1] == []  # the set of models changed: "everything may have changed"


def test_added_model_prices_do_not_claim_a_shipped_value(make_session, mp):
    # A model you added has no shipped version: its prices are yours, not edits of a shipped price.
    s = make_session(mp("acme/one", "1", "2", name="One"))
    table = CatalogTableModel(s)
    s.add_model(mp("mine/two", "3", "4", name="Two"))
    row = table.row_of("mine/two")
    assert "Added by you" in table.index(row, COL_MODEL).data(Qt.ItemDataRole.ToolTipRole)
    tip = table.index(row, COL_INPUT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("$3.00 per 1M tokens")
    assert "shipped value" not in tip


def test_broken_overlay_is_kept_aside_on_first_save(qtbot, qapp, user_home):
    ov = paths.user_overlay()
    ov.parent.mkdir(parents=True, exist_ok=True)
    ov.write_text("{not json", encoding="utf-8")
    s = Session(load_effective())
    assert any("not applied" in w for w in s.warnings)
    assert s.catalog[HAIKU].input == Decimal("0.25")  # shipped prices in force

    messages: list[str] = []
    s.message.connect(messages.append)
    s.edit_model(HAIKU, "Edit", input=Decimal("0.30"))
    backups = list(ov.parent.glob(ov.name + ".broken-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8") == "{not json"
    assert Decimal(overlay_fields(ov)[HAIKU]["input"]) == Decimal("0.30")
    assert messages and str(backups[0]) in messages[0]


def test_save_failure_is_reported(qtbot, make_session, mp, tmp_path):
    blocker_file = tmp_path / "not-a-dir"
    blocker_file.write_text("x", encoding="utf-8")
    s = make_session(mp("acme/one", "1", "2", name="One"), overlay_path=blocker_file / "overlay.json")
    with emitted(s.overlaySaveFailed) as failed:
        s.edit_model("acme/one", "Edit", input=Decimal("2"))
    assert str(blocker_file / "overlay.json") in failed.args[0]


# ---------------------------------------------------------------------------------------
# Two windows (or the import command and a window) on one overlay file


def _two_sessions(tmp_path, mp):  # type: ignore[no-untyped-def]
    from planner.domain.catalog import Catalog, Overlay
    from planner.io.catalog_files import LoadedCatalog

    cat = Catalog(as_of=date(2026, 5, 1), models=(mp("acme/a", "1", "4"), mp("acme/b", "2", "8")))
    path = tmp_path / "overlay.json"
    return [Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=path) for _ in range(2)], path


def test_a_second_window_keeps_the_first_windows_edits(tmp_path, mp, qapp) -> None:  # type: ignore[no-untyped-def]
    from planner.io.catalog_files import read_overlay

    (one, two), path = _two_sessions(tmp_path, mp)
    one.edit_model("acme/a", "Edit", input=Decimal("0.5"))
    two.edit_model("acme/b", "Edit", input=Decimal("1.5"))  # two never saw one's edit
    on_disk, _ = read_overlay(path)
    assert on_disk.ids() == ["acme/a", "acme/b"]
    # the second window shows the first one's price now too
    assert two.catalog["acme/a"].input == Decimal("0.5")
    # and the first one picks up the second's when it notices the file changed
    assert one.reload_if_changed()
    assert one.catalog["acme/b"].input == Decimal("1.5")
    assert not one.reload_if_changed()  # nothing new since


def test_the_window_notices_the_import_command(tmp_path, mp, qtbot) -> None:  # type: ignore[no-untyped-def]
    from planner.domain.catalog import Overlay
    from planner.io.catalog_files import update_overlay

    (one, _two), path = _two_sessions(tmp_path, mp)
    one.edit_model("acme/a", "Edit", input=Decimal("0.5"))
    other = Overlay()
    other.set_fields("acme/b", date(2026, 6, 1), output=Decimal("7"))
    update_overlay(path, other.entries)  # what `cost-planner import` does
    qtbot.waitUntil(lambda: one.catalog["acme/b"].output == Decimal("7"), timeout=5_000)
    assert one.catalog["acme/a"].input == Decimal("0.5")
    one.undo_stack.undo()  # undoing one's own edit leaves the other's
    assert one.catalog["acme/b"].output == Decimal("7")
    assert one.catalog["acme/a"].input == Decimal("1")


def test_an_unsaved_change_survives_a_reload(tmp_path, mp, qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from planner.domain.catalog import Overlay
    from planner.io import catalog_files
    from planner.io.catalog_files import update_overlay
    from planner.ui import session as session_module

    (one, _two), path = _two_sessions(tmp_path, mp)
    failures: list[str] = []
    one.overlaySaveFailed.connect(failures.append)

    def full(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_module, "update_overlay", full)
    one.edit_model("acme/a", "Edit", input=Decimal("0.5"))
    assert failures and "No space left on device" in failures[0]
    monkeypatch.setattr(session_module, "update_overlay", catalog_files.update_overlay)
    other = Overlay()
    other.set_fields("acme/b", date(2026, 6, 1), output=Decimal("7"))
    update_overlay(path, other.entries)
    assert one.reload_if_changed()
    assert one.catalog["acme/a"].input == Decimal("0.5")  # kept, still to be written
    assert one.catalog["acme/b"].output == Decimal("7")
    one.edit_model("acme/b", "Edit", input=Decimal("1.5"))  # the next save writes both
    on_disk, _ = catalog_files.read_overlay(path)
    assert on_disk.entry("acme/a").fields["input"] == "0.5"
    assert on_disk.entry("acme/b").fields == {"output": "7", "input": "1.5"}


def test_a_start_that_read_the_catalog_caches_it_once_the_window_is_up(qtbot, monkeypatch):
    from planner.io import catalog_cache
    from planner.ui import session as session_module

    monkeypatch.setattr(catalog_cache, "RACY_SECONDS", 0.0)
    monkeypatch.setattr(session_module, "CACHE_DELAY_MS", 50)
    s = Session()
    assert not catalog_cache.cache_path().exists()  # not while the window is being built
    qtbot.waitUntil(catalog_cache.cache_path().exists, timeout=5000)
    catalog_cache.wait()
    cached = catalog_cache.read_cache(catalog_cache.source_key((paths.shipped_catalog(), paths.user_overlay())))
    assert cached is not None and cached.catalog == s.catalog


def test_a_start_from_the_cache_reads_the_overlay_in_the_background_once_the_window_is_up(qtbot, monkeypatch):
    """The overlay is left in the cache's bytes at start (the window does not need it); a
    thread reads it a little later, so the bytes do not stay, and an edit then finds it."""
    from planner.domain.catalog import Overlay
    from planner.io import catalog_cache
    from planner.io.catalog_files import load_effective, save_overlay
    from planner.ui import session as session_module

    monkeypatch.setattr(catalog_cache, "RACY_SECONDS", 0.0)
    monkeypatch.setattr(session_module, "CACHE_DELAY_MS", 50)
    ov = Overlay()
    ov.set_fields("anthropic/claude-3-haiku", date(2026, 1, 5), input=Decimal("0.3"))
    save_overlay(ov)
    load_effective()  # writes the cache
    s = Session()
    assert s.loaded.overlay_unread
    assert s.overlay_marks() == {"anthropic/claude-3-haiku": frozenset({"input"})}
    qtbot.waitUntil(lambda: not s.loaded.overlay_unread, timeout=5000)
    assert s.overlay.entry("anthropic/claude-3-haiku").fields == {"input": "0.3"}
    s.edit_model("anthropic/claude-3-haiku", "Edit input", input=Decimal("0.35"))
    assert s.catalog["anthropic/claude-3-haiku"].input == Decimal("0.35")

"""Import preview dialog, applying an import as one undo step, and the web update worker."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog

from planner import paths
from planner.domain.catalog import ModelPrice
from planner.io.import_job import ImportJob, ImportPreview, Selection
from planner.io.importers import ImportResult, Skipped, read_import_file
from planner.io.update import SOURCES, UpdateSource
from planner.ui.import_dialog import ImportPreviewDialog, apply_to_session, run_import_file
from planner.ui.import_preview_model import (
    ADDED,
    CHANGED,
    COL_DETAILS,
    COL_INPUT,
    COL_MODEL,
    CONFLICT,
    ROW_ROLE,
    SKIPPED,
)
from planner.ui.session import Session
from planner.ui.update_flow import run_update
from planner.ui.update_worker import UpdateWorker, cancel_all_updates
from tests.conftest import emitted

D = Decimal
TODAY = date(2026, 8, 21)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OPENROUTER = FIXTURES / "openrouter-models-sample.json"
LOCAL = {"127.0.0.1"}
CHECK = Qt.ItemDataRole.CheckStateRole


# ---------------------------------------------------------------------------------------
# A small catalog, the user's edits, and an import against it


@pytest.fixture
def session(make_session, mp) -> Session:
    """Four shipped models; the user edited acme/edited's input and acme/mine's output."""
    s = make_session(
        mp("acme/fast", "0.10", "0.40", name="Fast", provider="Acme"),
        mp("acme/smart", "2", "8", name="Smart", provider="Acme"),
        mp("acme/edited", "1", "4", name="Edited", provider="Acme"),
        mp("acme/mine", "3", "12", name="Mine", provider="Acme"),
        overlay_path=paths.user_overlay(),
    )
    s.edit_model("acme/edited", "Edit price", input=D("0.9"))
    s.edit_model("acme/mine", "Edit price", output=D("10"))
    s.undo_stack.clear()  # the edits are the starting point, not part of the test's history
    return s


@pytest.fixture
def result(mp) -> ImportResult:
    def imp(model_id: str, i: str, o: str, **kw: Any) -> ModelPrice:
        return mp(model_id, i, o, source="LiteLLM", as_of=TODAY, **kw)

    return ImportResult(
        "litellm",
        "prices.json",
        TODAY,
        [
            imp("acme/fast", "0.1", "0.4", name="Fast", provider="Acme"),  # unchanged
            imp("acme/smart", "1.5", "8", name="Smart", provider="Acme"),  # changed input
            imp("acme/edited", "1.2", "5", name="Edited", provider="Acme"),  # conflict + changed
            imp("acme/mine", "3", "15", name="Mine", provider="Acme"),  # conflict only
            imp("newco/alpha", "0.5", "2", name="Alpha", provider="NewCo"),
            imp("newco/beta", "4", "16", name="Beta", provider="NewCo", cache_read=D("0.4")),
        ],
        [
            Skipped("sample_spec", "the format's sample entry, not a model"),
            Skipped("newco/image-gen", "mode 'image_generation'"),
        ],
    )


def preview_of(session: Session, result: ImportResult) -> ImportPreview:
    return ImportJob(session.catalog, session.overlay).prepare_result(result, "litellm import of prices.json", "prices.json")


@pytest.fixture
def preview(session: Session, result: ImportResult) -> ImportPreview:
    return preview_of(session, result)


@pytest.fixture
def plan(preview: ImportPreview):
    return preview.plan


@pytest.fixture
def dlg(qtbot, preview) -> ImportPreviewDialog:
    d = ImportPreviewDialog(preview)
    qtbot.addWidget(d)
    return d


def group_ids(d: ImportPreviewDialog, kind: str) -> list[str]:
    return [r.id for r in d.model.rows(kind)]


# ---------------------------------------------------------------------------------------
# The dialog


def test_plan_and_dialog_list_the_right_groups(dlg: ImportPreviewDialog) -> None:
    assert dlg.summary_label.text() == "2 to add, 2 changed, 1 unchanged, 2 conflicts, 2 skipped"
    assert group_ids(dlg, ADDED) == ["newco/alpha", "newco/beta"]
    assert group_ids(dlg, CHANGED) == ["acme/edited", "acme/smart"]
    assert group_ids(dlg, CONFLICT) == ["acme/edited", "acme/mine"]
    assert group_ids(dlg, SKIPPED) == ["newco/image-gen", "sample_spec"]
    m = dlg.model
    assert m.rowCount() == 4
    for kind, n in ((ADDED, 2), (CHANGED, 2), (CONFLICT, 2), (SKIPPED, 2)):
        gi = m.group_row(kind)
        assert m.rowCount(m.index(gi, 0)) == n
        assert f"{n:,}" in m.index(gi, COL_MODEL).data()


def test_defaults_tick_added_and_changed_but_not_conflicts(dlg: ImportPreviewDialog) -> None:
    assert dlg.selected_ids() == {"newco/alpha", "newco/beta", "acme/smart", "acme/edited"}
    assert dlg.overwrite_conflicts() == set()
    assert dlg.apply_button.text() == "Apply 4 changes"
    assert dlg.apply_button.isEnabled()
    m = dlg.model
    assert m.index(m.group_row(CONFLICT), COL_MODEL).data(CHECK) == Qt.CheckState.Unchecked
    assert m.index(m.group_row(ADDED), COL_MODEL).data(CHECK) == Qt.CheckState.Checked


def test_texts_show_prices_per_million(dlg: ImportPreviewDialog) -> None:
    m = dlg.model
    smart = m.index_of(CHANGED, "acme/smart")
    assert smart.siblingAtColumn(COL_DETAILS).data() == "input $2.00 → $1.50"
    assert smart.siblingAtColumn(COL_INPUT).data() == "$1.50"
    conflict = m.index_of(CONFLICT, "acme/edited").siblingAtColumn(COL_DETAILS).data()
    assert conflict == "input: your price $0.90, import $1.20"
    mine = m.index_of(CONFLICT, "acme/mine").siblingAtColumn(COL_DETAILS).data()
    assert mine == "output: your price $10.00, import $15.00"
    beta = m.index_of(ADDED, "newco/beta").siblingAtColumn(COL_DETAILS).data()
    assert "cache read $0.40" in beta
    skipped = m.index(0, COL_DETAILS, m.index(m.group_row(SKIPPED), 0)).data()
    assert skipped == "mode 'image_generation'"


def test_unticking_an_added_model_leaves_it_out(dlg: ImportPreviewDialog) -> None:
    idx = dlg.proxy.mapFromSource(dlg.model.index_of(ADDED, "newco/beta"))
    assert dlg.proxy.setData(idx, Qt.CheckState.Unchecked, CHECK)  # what a click does
    assert "newco/beta" not in dlg.selected_ids()
    assert "newco/alpha" in dlg.selected_ids()
    assert dlg.apply_button.text() == "Apply 3 changes"
    group = dlg.model.index(dlg.model.group_row(ADDED), COL_MODEL)
    assert group.data(CHECK) == Qt.CheckState.PartiallyChecked


def test_group_checkbox_ticks_its_rows(dlg: ImportPreviewDialog) -> None:
    m = dlg.model
    assert m.setData(m.index(m.group_row(ADDED), COL_MODEL), Qt.CheckState.Unchecked, CHECK)
    assert dlg.selected_ids() == {"acme/smart", "acme/edited"}
    assert m.setData(m.index(m.group_row(CONFLICT), COL_MODEL), 2, CHECK)  # ints work too
    assert dlg.overwrite_conflicts() == {"acme/edited", "acme/mine"}
    assert dlg.apply_button.text() == "Apply 3 changes"


def test_conflict_and_change_of_one_model_stay_consistent(dlg: ImportPreviewDialog) -> None:
    m = dlg.model
    m.set_checked(CHANGED, "acme/edited", False)
    m.set_checked(CONFLICT, "acme/edited", True)  # overwriting implies taking the change
    assert "acme/edited" in dlg.selected_ids()
    assert m.index_of(CHANGED, "acme/edited").data(CHECK) == Qt.CheckState.Checked
    m.set_checked(CHANGED, "acme/edited", False)  # dropping the change drops the overwrite
    assert "acme/edited" not in dlg.overwrite_conflicts()
    assert "acme/edited" not in dlg.selected_ids()


def test_skipped_rows_cannot_be_ticked(dlg: ImportPreviewDialog) -> None:
    m = dlg.model
    group = m.index(m.group_row(SKIPPED), COL_MODEL)
    row = m.index(0, COL_MODEL, group)
    for idx in (group, row):
        assert not m.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable
        assert idx.data(CHECK) is None
        assert not m.setData(idx, Qt.CheckState.Checked, CHECK)


def test_select_none_and_all(dlg: ImportPreviewDialog) -> None:
    dlg.model.set_checked(CONFLICT, "acme/mine", True)
    dlg.select_none_button.click()
    assert dlg.selected_ids() == set()
    assert dlg.overwrite_conflicts() == set()
    assert not dlg.apply_button.isEnabled()
    assert dlg.apply_button.text() == "Apply 0 changes"
    dlg.select_all_button.click()
    assert dlg.selected_ids() == {"newco/alpha", "newco/beta", "acme/smart", "acme/edited"}
    assert dlg.overwrite_conflicts() == set()  # select all never overwrites your prices


def test_filter_limits_rows_and_select_buttons(dlg: ImportPreviewDialog, qtbot) -> None:
    dlg.filter_edit.setText("NewCo")
    qtbot.waitUntil(lambda: dlg.proxy.needle == "newco", timeout=2000)  # debounced
    p = dlg.proxy
    assert p.rowCount() == 2  # added, and skipped (the image model)
    shown = [
        p.index(r, 0, p.index(0, 0)).data(ROW_ROLE).id for r in range(p.rowCount(p.index(0, 0)))
    ]
    assert shown == ["newco/alpha", "newco/beta"]
    assert dlg.shown_label.text() == "3 of 8 shown"
    dlg.select_none_button.click()
    assert dlg.selected_ids() == {"acme/smart", "acme/edited"}
    dlg.filter_edit.setText("reason that matches nothing")
    dlg.apply_filter()
    assert p.rowCount() == 0
    dlg.filter_edit.clear()
    dlg.apply_filter()
    assert p.rowCount() == 4


def test_sorting_keeps_groups_in_order(dlg: ImportPreviewDialog) -> None:
    p = dlg.proxy
    dlg.view.sortByColumn(COL_INPUT, Qt.SortOrder.DescendingOrder)
    kinds = [p.mapToSource(p.index(r, 0)).row() for r in range(p.rowCount())]
    assert kinds == [0, 1, 2, 3]
    added = p.index(0, 0)
    assert [p.index(r, 0, added).data(ROW_ROLE).id for r in range(2)] == [
        "newco/beta",
        "newco/alpha",
    ]


def test_models_pass_qtmodeltester(qtmodeltester, dlg: ImportPreviewDialog) -> None:
    qtmodeltester.check(dlg.model)
    dlg.filter_edit.setText("acme")
    dlg.apply_filter()
    qtmodeltester.check(dlg.proxy)


def test_large_import_ticks_the_rows_the_filter_shows(qtbot, shipped_session: Session) -> None:
    """The real LiteLLM file (4,500 rows) against the shipped catalog: Select none unticks
    the rows the filter shows and no others; with the filter cleared, Select all ticks every
    new and changed model again."""
    result = read_import_file(
        "litellm", FIXTURES / "litellm-1.109.1-model_prices_and_context_window.json", today=TODAY
    )
    d = ImportPreviewDialog(ImportJob(shipped_session.catalog, shipped_session.overlay).prepare_result(result, "x", "x"))
    plan = d.plan
    qtbot.addWidget(d)
    d.show()
    everything = {m.id for m in plan.added} | set(plan.changed)
    assert d.selected_ids() == everything
    d.filter_edit.setText("gpt")
    d.apply_filter()
    d.select_none_button.click()
    unticked = everything - d.selected_ids()
    assert unticked and unticked != everything
    assert all("gpt" in (i + plan_name(plan, i)).lower() for i in unticked)
    d.filter_edit.clear()
    d.apply_filter()
    d.select_all_button.click()
    assert d.selected_ids() == everything


def plan_name(plan, model_id: str) -> str:  # type: ignore[no-untyped-def]
    added = {m.id: m.name for m in plan.added}
    return added.get(model_id) or plan.incoming[model_id].name


# ---------------------------------------------------------------------------------------
# Applying to the session: one undo step, overlay saved, shipped catalog untouched


def test_apply_changes_catalog_saves_overlay_and_undoes_in_one_step(
    session: Session, preview, dlg: ImportPreviewDialog, user_home: Path, qtbot
) -> None:
    before = session.catalog
    overlay_file = paths.user_overlay()
    assert str(overlay_file).startswith(str(user_home))
    saved_before = overlay_file.read_text(encoding="utf-8")
    shipped_before = session.loaded.shipped
    with emitted(session.catalogChanged):
        n = apply_to_session(session, preview, dlg.selection())
    assert n == 4
    cat = session.catalog
    assert cat["newco/alpha"].input == D("0.5")
    assert cat["acme/smart"].input == D("1.5")
    assert cat["acme/edited"].output == D("5")
    assert cat["acme/edited"].input == D("0.9")  # the user's price survived
    assert cat["acme/mine"].output == D("10")
    assert session.undo_stack.count() == 1
    saved = json.loads(overlay_file.read_text(encoding="utf-8"))
    assert {"newco/alpha", "newco/beta", "acme/smart"} <= {e["id"] for e in saved["entries"]}
    assert session.loaded.shipped is shipped_before

    session.undo_stack.undo()
    assert session.catalog == before
    assert overlay_file.read_text(encoding="utf-8") == saved_before
    session.undo_stack.redo()
    assert session.catalog == cat


def test_user_edited_price_survives_and_shows_as_conflict(
    session: Session, preview, dlg: ImportPreviewDialog
) -> None:
    assert "acme/edited" in preview.plan.conflicts
    assert dlg.model.index_of(CONFLICT, "acme/edited").data(CHECK) == Qt.CheckState.Unchecked
    apply_to_session(session, preview, dlg.selection())
    assert session.catalog["acme/edited"].input == D("0.9")
    assert session.catalog["acme/mine"].output == D("10")
    # a second import of the same file still sees the user's prices as theirs
    again = preview_of(session, dlg.result).plan
    assert set(again.conflicts) == {"acme/edited", "acme/mine"}
    assert not again.changed and not again.added


def test_ticked_conflict_overwrites_the_users_price(session: Session, preview, dlg) -> None:
    dlg.model.set_checked(CONFLICT, "acme/mine", True)
    assert dlg.apply_button.text() == "Apply 5 changes"
    n = apply_to_session(session, preview, dlg.selection())
    assert n == 5
    assert session.catalog["acme/mine"].output == D("15")
    assert session.catalog["acme/edited"].input == D("0.9")


def test_nothing_selected_pushes_nothing(session: Session, preview) -> None:
    before = session.catalog
    assert apply_to_session(session, preview, Selection.of(set())) == 0
    assert session.undo_stack.count() == 0
    assert session.catalog is before


# ---------------------------------------------------------------------------------------
# run_import_file


@pytest.fixture
def accept_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[ImportPreviewDialog]:
    shown: list[ImportPreviewDialog] = []

    def exec_(self: ImportPreviewDialog) -> int:
        shown.append(self)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", exec_)
    return shown


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def warning(parent, title, text, *a, **k):  # type: ignore[no-untyped-def]
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


def test_run_import_file_applies_on_accept(
    session: Session, accept_dialogs: list, warnings_shown: list[str]
) -> None:
    before = session.catalog
    assert run_import_file(None, session, "openrouter", OPENROUTER) is True
    assert warnings_shown == []
    assert len(accept_dialogs) == 1
    expected = read_import_file("openrouter", OPENROUTER, today=date.today())
    for m in expected.models:
        assert m.id in session.catalog
    added = [m for m in session.catalog if m.id not in before]
    assert added
    entry = session.overlay.entry(added[0].id)
    assert entry is not None
    assert (
        entry.provenance == f"openrouter import of {OPENROUTER.name} on {date.today().isoformat()}"
    )
    session.undo_stack.undo()
    assert session.catalog == before


def test_run_import_file_cancelled_changes_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    before = session.catalog
    assert run_import_file(None, session, "openrouter", OPENROUTER) is False
    assert session.catalog is before
    assert session.undo_stack.count() == 0


def test_run_import_file_reports_bad_files(
    session: Session, tmp_path: Path, accept_dialogs: list, warnings_shown: list[str]
) -> None:
    bad = tmp_path / "prices.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run_import_file(None, session, "litellm", bad) is False
    assert run_import_file(None, session, "litellm", tmp_path / "missing.json") is False
    assert len(warnings_shown) == 2
    assert str(bad) in warnings_shown[0] and "not valid JSON" in warnings_shown[0]
    assert "file not found" in warnings_shown[1]
    assert accept_dialogs == []
    assert session.undo_stack.count() == 0


# ---------------------------------------------------------------------------------------
# The update worker and run_update, against a local server


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stop = threading.Event()

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        try:
            if self.path == "/openrouter.json":
                data = OPENROUTER.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            elif self.path == "/drip":  # 64 KiB, then nothing until the test is over
                self.send_response(200)
                self.send_header("Content-Length", "200000")
                self.end_headers()
                self.wfile.write(b" " * 65_536)
                self.wfile.flush()
                self.server.stop.wait(60)
                self.wfile.write(b" " * (200_000 - 65_536))
            else:
                self.send_error(404, "Not Found")
        except OSError:
            pass


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield srv
    srv.stop.set()
    srv.shutdown()
    srv.server_close()
    t.join(timeout=5)


@pytest.fixture(autouse=True)
def no_threads_left_behind(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    yield
    assert cancel_all_updates(5_000)


def worker_for(server: _Server, path: str) -> UpdateWorker:
    source = UpdateSource("openrouter", "openrouter", server.url(path))
    return UpdateWorker(source, today=TODAY, allow_http_hosts=LOCAL, timeout=5.0)


def test_worker_delivers_an_import_result(qtbot, server: _Server) -> None:
    worker = worker_for(server, "/openrouter.json")
    progress: list[tuple[int, int]] = []
    worker.progress.connect(lambda r, t: progress.append((r, t)))
    with qtbot.waitSignal(worker.finished, timeout=10_000) as blocker:
        worker.start()
    result = blocker.args[0]
    assert isinstance(result, ImportResult)
    want = read_import_file("openrouter", OPENROUTER, today=TODAY)
    assert len(result.models) == len(want.models)
    assert len(result.skipped) == len(want.skipped)
    size = OPENROUTER.stat().st_size
    assert progress and progress[-1] == (size, size)
    assert not worker.is_running()


def test_worker_reports_failure_with_the_reason(qtbot, server: _Server) -> None:
    worker = worker_for(server, "/missing.json")
    with qtbot.waitSignal(worker.failed, timeout=10_000) as blocker:
        worker.start()
    msg = blocker.args[0]
    assert server.url("/missing.json") in msg and "404" in msg


def test_worker_cancel_is_prompt(qtbot, server: _Server) -> None:
    worker = worker_for(server, "/drip")
    worker.progress.connect(lambda r, t: r > 0 and worker.cancel())
    finished: list[object] = []
    worker.finished.connect(finished.append)
    # the server holds the rest back until the test is over: only the cancel ends the download
    with qtbot.waitSignal(worker.cancelled, timeout=10_000):
        worker.start()
    assert finished == []


def test_run_update_failure_leaves_catalog_unchanged(
    qtbot, session: Session, server: _Server, accept_dialogs: list, warnings_shown: list[str]
) -> None:
    before = session.catalog
    saved_before = paths.user_overlay().read_text(encoding="utf-8")
    source = UpdateSource("openrouter", "openrouter", server.url("/missing.json"))
    flow = run_update(
        None, session, "openrouter", source=source, fetch_options={"allow_http_hosts": LOCAL}
    )
    qtbot.waitUntil(flow.is_done, timeout=10_000)
    assert len(warnings_shown) == 1
    assert source.url in warnings_shown[0] and "404" in warnings_shown[0]
    assert "not changed" in warnings_shown[0]
    assert accept_dialogs == []
    assert session.catalog is before
    assert session.undo_stack.count() == 0
    assert paths.user_overlay().read_text(encoding="utf-8") == saved_before


def test_run_update_applies_the_download(
    qtbot, session: Session, server: _Server, accept_dialogs: list, warnings_shown: list[str]
) -> None:
    before = session.catalog
    source = UpdateSource("openrouter", "openrouter", server.url("/openrouter.json"))
    flow = run_update(
        None, session, "openrouter", source=source, fetch_options={"allow_http_hosts": LOCAL}
    )
    qtbot.waitUntil(flow.is_done, timeout=10_000)
    assert warnings_shown == []
    assert len(accept_dialogs) == 1
    assert len(session.catalog) > len(before)
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.catalog == before


def test_run_update_cancel_from_the_progress_dialog(
    qtbot, session: Session, server: _Server, accept_dialogs: list,
    warnings_shown: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    original_show = QProgressDialog.show

    def show(self: QProgressDialog) -> None:
        original_show(self)
        self.canceled.emit()  # the user presses Cancel as soon as the dialog is up

    monkeypatch.setattr(QProgressDialog, "show", show)
    messages: list[str] = []
    session.message.connect(messages.append)
    before = session.catalog
    source = UpdateSource("openrouter", "openrouter", server.url("/drip"))
    flow = run_update(
        None, session, "openrouter", source=source, fetch_options={"allow_http_hosts": LOCAL}
    )
    qtbot.waitUntil(flow.is_done, timeout=10_000)
    assert session.catalog is before
    assert warnings_shown == [] and accept_dialogs == []
    assert messages and "cancelled" in messages[-1]


def test_unknown_source_name(session: Session) -> None:
    with pytest.raises(KeyError, match="unknown update source"):
        run_update(None, session, "nope")


def test_sources_default_to_the_public_ones() -> None:
    assert set(SOURCES) == {"litellm", "genai-prices", "openrouter"}


# ---------------------------------------------------------------------------------------
# Names from a file are text, never markup


def shown_as(tip: str) -> str:
    """What a tooltip shows (Qt renders text that looks like markup as rich text)."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def test_markup_in_imported_names_shows_as_plain_text(qtbot, session: Session, mp) -> None:
    name = "<b>Bold</b> & <i>co</i>"
    result = ImportResult(
        "litellm", "<h1>prices</h1>.json", TODAY,
        [mp("newco/alpha", "0.5", "2", name=name, provider="NewCo", as_of=TODAY)],
        [Skipped("<img src=x>", "entry is <u>a string</u>, not an object")],
    )  # fmt: skip
    d = ImportPreviewDialog(preview_of(session, result))
    qtbot.addWidget(d)
    m = d.model
    alpha = m.index_of(ADDED, "newco/alpha")
    assert alpha.data() == name
    skipped = m.index(0, COL_MODEL, m.index(m.group_row(SKIPPED), 0))
    assert shown_as(skipped.data(Qt.ItemDataRole.ToolTipRole)) == "<img src=x>"
    details = skipped.siblingAtColumn(COL_DETAILS).data(Qt.ItemDataRole.ToolTipRole)
    assert shown_as(details) == "entry is <u>a string</u>, not an object"
    group_tip = m.index(m.group_row(SKIPPED), COL_MODEL).data(Qt.ItemDataRole.ToolTipRole)
    assert "entry is <u>a string</u>" in shown_as(group_tip)
    assert d.source_label.text() == "<h1>prices</h1>.json"
    assert d.source_label.textFormat() == Qt.TextFormat.PlainText
    assert shown_as(d.source_label.toolTip()) == "<h1>prices</h1>.json"

"""The user's overlay file: writers merged by model id, bad entries set aside, write
failures reported, and imports that grow linearly with their size."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from planner import paths
from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.io import atomic
from planner.io.catalog_files import (
    load_effective,
    read_overlay,
    rejected_path,
    save_overlay,
    update_overlay,
)
from planner.io.importers import ImportResult, import_changes, plan_import
from tests.conftest import REPO

D = Decimal
TODAY = date(2026, 8, 21)
SHIPPED = REPO / "data" / "catalog.json"
SHIPPED_ID = "anthropic/claude-3-haiku"


def edited(model_id: str, **values: object) -> Overlay:
    ov = Overlay()
    ov.set_fields(model_id, TODAY, **values)
    return ov


def test_two_writers_keep_each_others_edits(tmp_path: Path) -> None:
    path = tmp_path / "overlay.json"
    first = edited("openai/a", input=D("1"))
    second = edited("openai/b", input=D("2"))  # made before the first was written
    update_overlay(path, first.entries)
    update_overlay(path, second.entries)
    on_disk, _ = read_overlay(path)
    assert on_disk.ids() == ["openai/a", "openai/b"]
    # removing one's own entry leaves the other's alone
    update_overlay(path, {"openai/b": None})
    assert read_overlay(path)[0].ids() == ["openai/a"]
    assert not list(tmp_path.glob("*.tmp"))


def test_the_lock_keeps_two_processes_apart(tmp_path: Path) -> None:
    """Eight processes each write their own entry at once: all eight are in the file."""
    path = tmp_path / "overlay.json"
    code = (
        "import sys; from datetime import date; from decimal import Decimal; from pathlib import Path\n"
        "from planner.domain.catalog import Overlay\n"
        "from planner.io.catalog_files import update_overlay\n"
        "ov = Overlay(); i = sys.argv[1]\n"
        "for n in range(10):\n"
        "    ov.set_fields(f'openai/m{i}', date(2026, 1, 1), input=Decimal(n))\n"
        "    update_overlay(Path(sys.argv[2]), ov.entries)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(i), str(path)], cwd=REPO) for i in range(8)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    on_disk, _ = read_overlay(path)
    assert sorted(on_disk.ids()) == [f"openai/m{i}" for i in range(8)]
    assert {e.fields["input"] for e in on_disk.entries.values()} == {"9"}


def test_a_bad_stored_entry_is_set_aside_and_the_rest_loads(tmp_path: Path) -> None:
    """A 400-digit context window once imported made every start fail; now that entry is
    moved to the rejected file beside the overlay with its reason, and the others apply."""
    path = tmp_path / "catalog-overlay.json"
    good = {"id": "anthropic/claude-3-haiku", "fields": {"input": "0.2"}}
    huge = {"id": "openai/huge", "added": True, "fields": {
        "name": "Huge", "provider": "OpenAI", "input": "1", "output": "2", "context_window": int("9" * 400)}}  # fmt: skip
    malformed = {"id": "openai/x", "fields": "not an object"}
    path.write_text(json.dumps({"schema_version": 1, "entries": [good, huge, malformed]}), encoding="utf-8")
    loaded = load_effective(SHIPPED, path)
    assert loaded.catalog["anthropic/claude-3-haiku"].input == D("0.2")
    assert "openai/huge" not in loaded.catalog
    assert len(loaded.warnings) == 2
    assert all(str(path) in w and "set aside in" in w for w in loaded.warnings)
    assert any("entries[1] 'openai/huge': field 'context_window'" in w for w in loaded.warnings)
    assert any("entries[2] 'openai/x': field 'fields': must be an object" in w for w in loaded.warnings)
    assert read_overlay(path)[0].ids() == ["anthropic/claude-3-haiku"]
    aside = json.loads(rejected_path(path).read_text(encoding="utf-8"))["rejected"]
    assert [r["entry"]["id"] for r in aside] == ["openai/x", "openai/huge"]
    assert all(r["reason"] for r in aside)
    # the next start is clean
    assert load_effective(SHIPPED, path).warnings == []


def test_models_runs_after_a_bad_entry_was_stored(user_home: Path) -> None:
    path = paths.user_overlay()
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"id": "openai/huge", "added": True, "fields": {
        "name": "Huge", "provider": "OpenAI", "input": "1", "output": "2", "context_window": 10**400}}  # fmt: skip
    path.write_text(json.dumps({"schema_version": 1, "entries": [entry]}), encoding="utf-8")
    env = {**os.environ, paths.HOME_OVERRIDE_ENV: str(user_home)}
    run = subprocess.run([sys.executable, "-m", "planner", "models", "--limit", "3"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "set aside" in run.stderr


def _import_args(tmp_path: Path) -> list[str]:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-new": {"litellm_provider": "openai", "mode": "chat",
                      "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}), encoding="utf-8")  # fmt: skip
    return ["import", "litellm", str(prices)]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes read-only folders")
def test_import_into_a_read_only_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planner.commands import run

    path = paths.user_overlay()
    save_overlay(edited(SHIPPED_ID, input=D("1")), path)
    before = path.read_bytes()
    path.parent.chmod(0o555)
    try:
        code = run(_import_args(tmp_path))
    finally:
        path.parent.chmod(0o755)
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_import_where_the_folder_refuses_writes_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a read-only file system (what a read-only folder is for root too)."""
    from planner.commands import run
    from planner.io import catalog_files

    path = paths.user_overlay()
    save_overlay(edited(SHIPPED_ID, input=D("1")), path)
    before = path.read_bytes()

    def read_only(*a: object, **k: object) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(a[0]))

    monkeypatch.setattr(catalog_files.os, "open", read_only)
    code = run(_import_args(tmp_path))
    err = capsys.readouterr().err
    assert code == 1
    assert err == f"cost-planner: error: {path}: could not save the import (Read-only file system); your catalog edits are unchanged\n"
    assert path.read_bytes() == before


def test_import_on_a_full_disk_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.commands import run

    path = paths.user_overlay()
    save_overlay(edited(SHIPPED_ID, input=D("1")), path)
    before = path.read_bytes()

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "write", full)
    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: _Full(fd))
    code = run(_import_args(tmp_path))
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and str(path) in err and "No space left on device" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.tmp"))


class _Full:
    """A file whose writes fail as on a full disk."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> _Full:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# ---------------------------------------------------------------------------------------
# Size: an import's work grows with its models, not with their square


def _lines_run(fn) -> int:  # type: ignore[no-untyped-def]
    """Python lines executed in planner's own code while `fn()` runs (an operation count)."""
    count = 0

    def tracer(frame, event, _arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if not frame.f_code.co_filename.startswith(str(REPO / "planner")):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def _apply_import_of(n: int) -> int:
    models = [
        ModelPrice(id=f"acme/m{i}", name=f"M{i}", provider="Acme", input=D(1), output=D(2)) for i in range(n)
    ]
    base = Catalog(as_of=TODAY, models=(models[0].model_copy(update={"id": "acme/base"}),))
    result = ImportResult("litellm", "prices.json", TODAY, models)
    plan = plan_import(base, Overlay(), result)
    def apply() -> None:  # (as the import job applies the ticked part)
        out = Overlay()
        for model_id, entry in import_changes(Overlay(), base, plan, {m.id for m in models}, today=TODAY,
                                              provenance="p").items():
            out.put(model_id, entry)

    return _lines_run(apply)


def test_importing_twice_the_models_is_about_twice_the_work() -> None:
    small, large = _apply_import_of(300), _apply_import_of(600)
    assert large < 2.2 * small, (small, large)

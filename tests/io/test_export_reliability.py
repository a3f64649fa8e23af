"""Exports on a full disk, after a crash, with hostile names: the old file survives, the error
names the file the user asked for, temp files do not pile up, data never makes a path."""

from __future__ import annotations

import csv
import errno
import io
import os
import time
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QPdfWriter

from planner.commands import run
from planner.domain.costing import compute
from planner.io import atomic, export_pdf
from planner.io.atomic import WriteError, remove_stale_temp_files
from planner.io.catalog_files import load_effective
from planner.io.export_csv import csv_text, export_csv, safe_text
from planner.io.export_job import ExportTargets, run_export
from planner.io.export_sections import Source, build_export
from planner.io.export_table import ExportCancelled
from planner.io.export_xlsx import export_xlsx
from planner.io.file_names import safe_file_name
from planner.io.plan_files import open_plan
from tests.conftest import REPO

SUITE = REPO / "data" / "examples" / "product-suite.costplan"
OLD = b"the budget that was there before"


def suite_data(**update):
    cat = load_effective().catalog
    plan = open_plan(SUITE).model_copy(update=update)
    return build_export(plan, cat, compute(plan, cat), exported_at=datetime(2026, 6, 1, tzinfo=UTC))


def suite_source():
    cat = load_effective().catalog
    plan = open_plan(SUITE)
    return Source.of(plan, cat, compute(plan, cat))


def folder_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class _FullDisk:
    """A file object whose writes fail as on a full disk (ENOSPC)."""

    def __init__(self, f):
        self.f = f

    def write(self, _data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()


class _ShortWrite(_FullDisk):
    """Writes that silently store only part of the data."""

    def write(self, data):
        return self.f.write(data[: len(data) // 2])


def _patch_writes(monkeypatch, wrapper) -> None:
    real = os.fdopen
    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, *a, **k: wrapper(real(fd, *a, **k)))


# ---------------------------------------------------------------------------------------
# 1, 2: a full disk keeps the old file and the error names the target


@pytest.mark.parametrize("wrapper", [_FullDisk, _ShortWrite])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_full_disk_keeps_the_old_csv_and_xlsx(tmp_path, monkeypatch, wrapper, kind):
    target = tmp_path / f"budget.{kind}"
    target.write_bytes(OLD)
    _patch_writes(monkeypatch, wrapper)
    with pytest.raises(WriteError) as e:
        if kind == "csv":
            export_csv(suite_data(), target)
        else:
            export_xlsx(suite_data(), target, suite_source())
    assert target.read_bytes() == OLD
    assert folder_names(tmp_path) == [target.name]
    assert e.value.filename == str(target) and ".tmp" not in str(e.value)


def _empty_pdf_writer(path):
    """A PDF writer on a full disk: its file is created, then every write is lost."""
    Path(path).touch()
    return QPdfWriter("/dev/full")


def _lost_pdf_writer(_path):
    """A PDF writer whose file is never even created (every write fails)."""
    return QPdfWriter("/dev/full")


@pytest.mark.parametrize("writer", [_empty_pdf_writer, _lost_pdf_writer])
def test_full_disk_keeps_the_old_pdf(qapp, tmp_path, monkeypatch, writer):
    target = tmp_path / "budget.pdf"
    target.write_bytes(OLD)
    monkeypatch.setattr(export_pdf, "QPdfWriter", writer)
    with pytest.raises(WriteError) as e:
        export_pdf.export_pdf(suite_data(), target)
    assert target.read_bytes() == OLD
    assert folder_names(tmp_path) == ["budget.pdf"]
    assert e.value.filename == str(target) and ".tmp" not in str(e.value)


def test_the_command_fails_on_a_full_disk_and_says_which_file(qapp, tmp_path, monkeypatch, capsys):
    target = tmp_path / "budget.pdf"
    target.write_bytes(OLD)
    monkeypatch.setattr(export_pdf, "QPdfWriter", _empty_pdf_writer)
    assert run(["export", str(SUITE), "--pdf", str(target), "--no-charts"]) == 1
    out, err = capsys.readouterr()
    assert "wrote" not in out
    assert str(target) in err and ".tmp" not in err and "Traceback" not in err
    assert target.read_bytes() == OLD


def test_check_pdf_wants_a_header_and_a_trailer(tmp_path):
    bad = tmp_path / "x.pdf"
    for content in (b"", b"%PDF-1.4\n1 0 obj", b"hello %%EOF"):
        bad.write_bytes(content)
        with pytest.raises(ValueError):
            export_pdf.check_pdf(bad)


# ---------------------------------------------------------------------------------------
# 3: temp files are recognisable and stale ones are removed


def test_temp_files_are_named_for_the_target_and_this_program(tmp_path, monkeypatch):
    seen = []
    data = suite_data()  # (loading the catalog may write its cache: not this export's file)
    real = atomic.os.replace
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (seen.append(Path(a).name), real(a, b)))
    export_csv(data, tmp_path / "budget.csv")
    assert seen == [f".budget.csv.cost-planner-{os.getpid()}-{seen[0].rsplit('-', 1)[1]}"]


def _dead_pid() -> int:
    pid = 32_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid -= 1


def test_stale_temp_files_are_removed_when_writing_there(tmp_path):
    dead = tmp_path / f".budget.pdf.cost-planner-{_dead_pid()}-1.tmp"
    old = tmp_path / f".plan.costplan.cost-planner-{os.getpid()}-7.tmp"
    fresh = tmp_path / f".other.csv.cost-planner-{os.getpid()}-8.tmp"
    foreign = tmp_path / ".budget.pdf.abc123.tmp"  # not ours: left alone
    for p in (dead, old, fresh, foreign):
        p.write_bytes(b"x")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    export_csv(suite_data(), tmp_path / "budget.csv")
    assert folder_names(tmp_path) == sorted(["budget.csv", fresh.name, foreign.name])


def test_stale_temp_files_in_a_folder_on_start_up(tmp_path):
    dead = tmp_path / f".overlay.json.cost-planner-{_dead_pid()}-3.tmp"
    dead.write_bytes(b"x")
    assert remove_stale_temp_files(tmp_path) == [dead]
    assert remove_stale_temp_files(tmp_path / "missing") == []


# ---------------------------------------------------------------------------------------
# 4: file names made from data


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Product suite", "Product suite.pdf"),
        ("../../etc/passwd", "_._etc_passwd.pdf"),
        ("..", "plan.pdf"),
        ("a/b\\c:d", "a_b_c_d.pdf"),
        ("  .hidden. ", "hidden.pdf"),
        ("CON", "_CON.pdf"),
        ("", "plan.pdf"),
        ("Q3 budget.pdf", "Q3 budget.pdf"),
    ],
)
def test_safe_file_name(name, expected):
    assert safe_file_name(name, ".pdf") == expected


def test_safe_file_name_stays_in_the_folder(tmp_path):
    for name in ("../x", "/abs/path", "a/../../b", "..\\..\\win", "\x00nul", "." * 300):
        p = tmp_path / safe_file_name(name, ".csv")
        assert p.parent == tmp_path and p.name not in (".", "..") and "/" not in p.name


# ---------------------------------------------------------------------------------------
# 5: CSV formula neutralization on the first non-blank character, full-width forms too


@pytest.mark.parametrize(
    "text", [" =1+1", "\n=cmd|' /C calc'!A0", "  +1", "\t-2", "＝1+1", "＋SUM(A1)", "－2", "＠x",
             "\u3000=x", "﹦1"],
)
def test_csv_neutralizes_formulas_after_blanks_and_in_full_width(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["a=b", " plain", "Chat (50% cached)", "1+1", ""])
def test_csv_leaves_ordinary_text_alone(text):
    assert safe_text(text) == text


def test_hostile_line_names_in_the_csv_and_xlsx(tmp_path):
    plan = open_plan(SUITE)
    names = [" =1+1", "＝HYPERLINK(\"x\")", "\n@SUM(A1)"]
    lines = [plan.lines[0].model_copy(update={"name": n}) for n in names]
    cat = load_effective().catalog
    plan = plan.model_copy(update={"lines": lines})
    result = compute(plan, cat)
    data = build_export(plan, cat, result, exported_at=datetime(2026, 6, 1))
    rows = list(csv.reader(io.StringIO(csv_text(data), newline="")))
    assert [r[0] for r in rows[1:-1]] == [f"'{n}" for n in names]
    export_xlsx(data, tmp_path / "b.xlsx", Source.of(plan, cat, result))  # text stays text: no formula made of a name
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "＝HYPERLINK" in strings and "HYPERLINK" not in sheet


# ---------------------------------------------------------------------------------------
# 6: names with markup print as text in the PDF


def test_markup_in_names_prints_as_text(qapp, tmp_path):
    name = "<b>Bold</b> & <i>co</i> <script>x</script>"
    data = suite_data(name=name, notes="<h1>note</h1>")
    data = type(data)(**{**data.__dict__, "catalog_name": "<u>Cat</u> &amp;"})
    out = tmp_path / "m.pdf"
    export_pdf.export_pdf(data, out)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert name in text and "<h1>note</h1>" in text and "<u>Cat</u> &amp;" in text
    assert PdfReader(out).metadata.title == f"{name}: LLM cost budget"


# ---------------------------------------------------------------------------------------
# the export job: progress, cancel, what it wrote


def test_the_export_job_writes_what_was_asked_with_progress(qapp, tmp_path):
    plan, cat = open_plan(SUITE), load_effective().catalog
    steps = []
    targets = ExportTargets(tmp_path / "b.csv", tmp_path / "b.xlsx", tmp_path / "b.pdf")
    written = run_export(plan, cat, targets, progress=lambda d, t: steps.append((d, t)))
    assert written == targets.paths()
    assert steps[0] == (1, 3) and steps[-1][0] == steps[-1][1] == 2 + len(PdfReader(targets.pdf).pages)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_cancelling_the_job_keeps_finished_files_and_leaves_no_half_file(qapp, tmp_path):
    plan, cat = open_plan(SUITE), load_effective().catalog
    targets = ExportTargets(tmp_path / "b.csv", None, tmp_path / "b.pdf")
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2  # after the CSV, during the PDF

    with pytest.raises(ExportCancelled) as e:
        run_export(plan, cat, targets, cancelled=cancelled)
    assert e.value.written == [tmp_path / "b.csv"]
    assert folder_names(tmp_path) == ["b.csv"]


def test_money_in_the_job_is_the_summary_s(tmp_path):
    plan, cat = open_plan(SUITE), load_effective().catalog
    run_export(plan, cat, ExportTargets(csv=tmp_path / "b.csv"))
    last = (tmp_path / "b.csv").read_text(encoding="utf-8-sig").splitlines()[-1]
    assert "551.64" in last.split(",") and Decimal("551.64") == compute(plan, cat).summary().optimized


def test_stale_temp_files_in_the_user_folders(tmp_path, monkeypatch):
    from planner import paths
    from planner.io.atomic import remove_stale_user_temp_files

    monkeypatch.setenv(paths.HOME_OVERRIDE_ENV, str(tmp_path))
    paths.autosave_dir().mkdir(parents=True)
    left = paths.autosave_dir() / f".a.costplan.cost-planner-{_dead_pid()}-2.tmp"
    left.write_bytes(b"x")
    kept = paths.autosave_dir() / "a.costplan"
    kept.write_bytes(b"x")
    assert remove_stale_user_temp_files() == [left]
    assert kept.exists()

"""File > Export from the app: CSV, XLSX and the PDF budget, with progress and Cancel."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal as D

from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from planner.domain.catalog import Catalog, ModelPrice, Overlay
from planner.domain.plan import Line, Plan
from planner.io.catalog_files import LoadedCatalog
from planner.ui.main_window import MainWindow
from planner.ui.session import Session

A = ModelPrice(id="p/a", name="Alpha", provider="P", input=D(3), output=D(15))


def window(qtbot, tmp_path) -> MainWindow:
    cat = Catalog(as_of=date(2026, 5, 1), models=(A,))
    win = MainWindow(Session(LoadedCatalog(cat, cat, Overlay()), overlay_path=tmp_path / "o.json"), today=date(2026, 6, 1))
    qtbot.addWidget(win)
    # 10,000 x (500 x 3 + 1,000 x 15) / 1e6 = 165.00
    plan = Plan(name="Budget =SUM(A1)", lines=[Line(name="=HYPERLINK(\"x\")", requests=D(10_000), input_tokens=D(500),
                                                   output_tokens=D(1000), model="p/a")])
    win.set_document(win.files.new_document(plan))
    return win


def test_export_csv_from_the_menu(qtbot, tmp_path, monkeypatch):
    win = window(qtbot, tmp_path)
    target = tmp_path / "out" / "budget"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    assert win.exports.export_file("csv")
    rows = list(csv.reader((tmp_path / "out" / "budget.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][0] == "'=HYPERLINK(\"x\")"  # neutralized for spreadsheets
    assert rows[-1][rows[0].index("Optimized (USD/month)")] == "165.00"


def test_export_pdf_letter_and_a4(qtbot, tmp_path):
    win = window(qtbot, tmp_path)
    assert win.exports.export_pdf(tmp_path / "a4.pdf", "A4")
    assert win.exports.export_pdf(tmp_path / "letter.pdf", "Letter")
    a4 = PdfReader(str(tmp_path / "a4.pdf"))
    letter = PdfReader(str(tmp_path / "letter.pdf"))
    assert round(float(a4.pages[0].mediabox.width)) == 595 and round(float(letter.pages[0].mediabox.width)) == 612
    text = " ".join(" ".join(p.extract_text().split()) for p in a4.pages)
    assert "$165.00" in text and "Page 1 of" in text


def test_cancelling_the_pdf_writes_nothing(qtbot, tmp_path, monkeypatch):
    win = window(qtbot, tmp_path)
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    assert not win.exports.export_pdf(tmp_path / "x.pdf", "A4")
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".*.tmp")) == []


def test_default_export_and_save_paths_stay_in_the_home_folder(qtbot, tmp_path, monkeypatch):
    from pathlib import Path

    win = window(qtbot, tmp_path)
    win.doc.plan.name = "../../etc/cron.d/x"
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, *_a: (asked.append(start), ("", ""))[1])
    assert not win.exports.export_file("csv")
    assert not win.exports.export_pdf()
    win.files.save_as()
    assert len(asked) == 3
    for start in asked:
        assert Path(start).parent == Path.home() and ".." not in Path(start).name
    assert Path(asked[0]).name == "_._etc_cron.d_x.csv"

"""The plan-versus-actual view's charts and exports, as a user reaches them (tests/fixtures/usage,
figured in tests/test_cli_actuals.py: planned $12.10, actual $14.90, +$2.80 = volume +$2.42,
mix +$2.50, price +$0.14, levers −$2.26)."""

from __future__ import annotations

from decimal import Decimal as D

import openpyxl
from PySide6.QtWidgets import QFileDialog

from planner.io.catalog_files import load_catalog
from planner.io.plan_files import open_plan
from planner.io.usage import load_usage
from planner.ui.actuals_dialog import VarianceDialog
from planner.ui.charts.base import INCREASE_COLOR, SAVING_COLOR, TOTAL_COLOR
from tests.io.test_export_pdf import page_texts
from tests.ui.test_plan_views import USAGE, window

FILES = [USAGE / "openai-usage-2026-03.json", USAGE / "openai-costs-2026-03.json"]


def view(qtbot, tmp_path) -> VarianceDialog:
    cat = load_catalog(USAGE / "catalog.json")
    win = window(qtbot, tmp_path, open_plan(USAGE / "support.costplan"), cat)
    dlg = VarianceDialog(win.doc, load_usage(FILES, cat), win)
    qtbot.addWidget(dlg)
    return dlg


def test_three_charts_load_when_shown(qtbot, tmp_path):
    dlg = view(qtbot, tmp_path)
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == ["By line", "Chart", "By month",
                                                                      "Variance waterfall"]
    assert dlg.charts == {}  # no chart is made until its tab is shown
    dlg.tabs.setCurrentIndex(2)
    assert dlg.charts[2].rows == [("Mar 2026", D("12.10"), D("14.90"))]
    dlg.tabs.setCurrentIndex(3)
    wf = dlg.charts[3]
    assert [(b.label, b.end) for b in wf.bars] == [("Planned", D("12.10")), ("Volume", D("14.52")),
                                                   ("Mix", D("17.02")), ("Price", D("17.16")),
                                                   ("Levers", D("14.90")), ("Actual", D("14.90"))]
    assert wf.value_labels.texts == ["$12.10", "+$2.42", "+$2.50", "+$0.14", "−$2.26", "$14.90"]
    # over plan in the palette's increase colour, under plan in its saving colour
    assert wf.bars_by_colour._key[3] == [TOTAL_COLOR, INCREASE_COLOR, INCREASE_COLOR, INCREASE_COLOR,
                                         SAVING_COLOR, TOTAL_COLOR]
    dlg.tabs.setCurrentIndex(1)
    assert dlg.chart is dlg.charts[1]


def test_export_buttons_write_the_budget_with_the_variance(qtbot, tmp_path, monkeypatch):
    dlg = view(qtbot, tmp_path)
    assert dlg.export_pdf_btn.isEnabled() and dlg.export_xlsx_btn.isEnabled()
    pdf, xlsx = tmp_path / "march.pdf", tmp_path / "march"  # the workbook's ending is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF, A4 paper (*.pdf)"))
    dlg.export_pdf_btn.click()
    pages = page_texts(pdf)
    (page,) = [t for t in pages if "Plan versus actual" in t]
    assert "Total $12.10 $14.90 +$2.80 +23.1% +$2.42 +$2.50 +$0.14 −$2.26" in page
    assert "Line items" in " ".join(pages)  # the whole budget
    assert dlg.export_note.text() == f"Exported {pdf}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), "Excel workbook (*.xlsx)"))
    dlg.export_xlsx_btn.click()
    wb = openpyxl.load_workbook(tmp_path / "march.xlsx")
    assert "Plan" in wb.sheetnames and wb.sheetnames[-1] == "Variance"
    assert dlg.export_note.text() == f"Exported {tmp_path / 'march.xlsx'}"


def test_a_failed_export_says_so(qtbot, tmp_path, monkeypatch):
    dlg = view(qtbot, tmp_path)
    told = []
    monkeypatch.setattr("planner.ui.prompts.tell", lambda _w, text, *a: told.append(text))
    (tmp_path / "a-file").write_text("not a folder")
    target = tmp_path / "a-file" / "march.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel workbook (*.xlsx)"))
    assert not dlg.export("xlsx")
    assert len(told) == 1 and told[0].startswith(f"Could not write {target}")
    assert not target.exists() and not dlg.export_note.isVisible()

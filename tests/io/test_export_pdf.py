"""PDF budget read back with pypdf: selectable text, footers, repeated headers, page sizes, cancel, charts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPicture

from planner.domain.catalog import Catalog
from planner.domain.costing import compute
from planner.domain.plan import Currency, Plan
from planner.formatting import fmt_money
from planner.io.catalog_files import load_effective
from planner.io.export_pdf import ExportCancelled, export_pdf
from planner.io.export_sections import build_export
from planner.io.export_table import ExportData
from planner.io.plan_files import open_plan
from tests.conftest import REPO

EXAMPLES = REPO / "data" / "examples"
EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def export_data(plan: Plan, catalog: Catalog | None = None) -> ExportData:
    catalog = catalog or load_effective().catalog
    return build_export(plan, catalog, compute(plan, catalog), exported_at=EXPORTED_AT)


def page_texts(path: Path) -> list[str]:
    """Each page's text with whitespace collapsed (Qt's PDFs separate words with tabs)."""
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def squash(text: str) -> str:
    """Text without any whitespace: a long name or id may wrap inside its table cell."""
    return "".join(text.split())


def sixty_line_plan() -> Plan:
    base = open_plan(EXAMPLES / "product-suite.costplan")
    lines = [
        base.lines[i % len(base.lines)].model_copy(update={"name": f"Feature {i + 1:02d}"})
        for i in range(60)
    ]
    return base.model_copy(update={"name": "Sixty features", "lines": lines})


def chart_image() -> QImage:
    img = QImage(800, 400, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    for i, h in enumerate((120, 300, 80, 220)):
        p.fillRect(60 + i * 180, 380 - h, 120, h, QColor("#1f4e79"))
    p.end()
    return img


@pytest.fixture
def suite_pdf(qapp, tmp_path: Path) -> tuple[ExportData, Path, int]:
    data = export_data(open_plan(EXAMPLES / "product-suite.costplan"))
    out = tmp_path / "budget.pdf"
    pages = export_pdf(data, out)
    return data, out, pages


def test_text_is_selectable_and_complete(suite_pdf):
    data, out, pages = suite_pdf
    texts = page_texts(out)
    assert len(texts) == pages == len(PdfReader(out).pages)
    everything = " ".join(texts)
    assert texts[0].count("Product suite") >= 1
    assert fmt_money(data.monthly_expected, "USD") == "$551.64"
    assert "$551.64" in texts[0]
    assert fmt_money(data.annual_run_rate, "USD") in texts[0] and "annual run-rate" in texts[0].lower()
    assert fmt_money(data.next_12_months, "USD") in texts[0] and "next 12 months" in texts[0].lower()
    for line in data.table.rows:
        assert line.name in everything
    for m in data.by_model:
        assert m.name in everything and squash(m.id) in squash(everything)
    assert "Page 1 of" in texts[0]
    # no fl/fi ligatures, so a search for "flash" finds "Flash"
    assert "\ufb02" not in everything and "\ufb01" not in everything
    assert "gemini-2-5-flash" in everything
    for i, t in enumerate(texts, start=1):
        assert f"Page {i} of {pages}" in t
    # the forecast's total and the line table's total are in there, formatted
    assert fmt_money(data.forecast_total.expected, "USD") in everything
    assert fmt_money(data.table.total.baseline, "USD") in everything


def test_shipped_font_is_embedded(suite_pdf):
    _, out, _ = suite_pdf
    fonts = set()
    for page in PdfReader(out).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                desc = desc.get_object()
                fd = desc["/FontDescriptor"].get_object()
                assert "/FontFile2" in fd or "/FontFile" in fd or "/FontFile3" in fd
                fonts.add(str(desc["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts), fonts


@pytest.mark.slow
def test_long_table_spans_pages_with_its_header_repeated(qapp, tmp_path: Path):
    data = export_data(sixty_line_plan())
    out = tmp_path / "sixty.pdf"
    pages = export_pdf(data, out)
    assert pages > 1
    texts = page_texts(out)
    header = "Optimized (USD/mo)"  # only the line-item table has this column
    with_header = [i for i, t in enumerate(texts) if header in t]
    assert len(with_header) >= 2, with_header
    assert with_header == list(range(with_header[0], with_header[-1] + 1))  # consecutive pages
    for i in with_header[1:]:
        assert "Requests per month" in texts[i] and "Feature" in texts[i]
    # every line is on one of those pages, once, and the total is on the last one
    table_text = " ".join(texts[i] for i in with_header)
    for n in range(1, 61):
        assert table_text.count(f"Feature {n:02d} ") == 1, n
    assert (
        f"Total 60 lines 2,780,000 {fmt_money(data.table.total.baseline, 'USD')}"
        in texts[with_header[-1]]
    )
    assert fmt_money(data.monthly_expected, "USD") in texts[with_header[-1]]


def test_page_sizes(qapp, tmp_path: Path):
    data = export_data(open_plan(EXAMPLES / "small-saas.costplan"))
    a4, letter = tmp_path / "a4.pdf", tmp_path / "letter.pdf"
    export_pdf(data, a4, page_size="A4")
    export_pdf(data, letter, page_size="Letter")
    box_a4 = PdfReader(a4).pages[0].mediabox
    box_letter = PdfReader(letter).pages[0].mediabox
    assert (round(float(box_a4.width)), round(float(box_a4.height))) == (595, 842)
    assert (round(float(box_letter.width)), round(float(box_letter.height))) == (612, 792)
    with pytest.raises(ValueError, match="page_size"):
        export_pdf(data, tmp_path / "x.pdf", page_size="A3")


def test_progress_reports_every_page(qapp, tmp_path: Path):
    data = export_data(open_plan(EXAMPLES / "product-suite.costplan"))
    calls: list[tuple[int, int]] = []
    pages = export_pdf(
        data, tmp_path / "b.pdf", progress=lambda done, total: calls.append((done, total)) or True
    )
    assert calls == [(i, pages) for i in range(pages + 1)]


@pytest.mark.parametrize("stop_after", [0, 2])
def test_cancel_leaves_no_file(qapp, tmp_path: Path, stop_after: int):
    data = export_data(open_plan(EXAMPLES / "product-suite.costplan"))
    out = tmp_path / "out" / "budget.pdf"
    with pytest.raises(ExportCancelled):
        export_pdf(data, out, progress=lambda done, total: done < stop_after)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temp file either


def test_cancel_keeps_an_existing_file(qapp, tmp_path: Path):
    data = export_data(open_plan(EXAMPLES / "small-saas.costplan"))
    out = tmp_path / "budget.pdf"
    out.write_bytes(b"old")
    with pytest.raises(ExportCancelled):
        export_pdf(data, out, progress=lambda done, total: False)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["budget.pdf"]


def test_charts_are_embedded(qapp, tmp_path: Path):
    data = export_data(open_plan(EXAMPLES / "product-suite.costplan"))
    plain, charted = tmp_path / "plain.pdf", tmp_path / "charts.pdf"
    n_plain = export_pdf(data, plain)
    pic = QPicture()
    p = QPainter(pic)
    p.setPen(Qt.GlobalColor.black)
    p.drawRect(QRectF(0, 0, 400, 200))
    p.drawLine(0, 200, 400, 0)
    p.end()
    n_charts = export_pdf(data, charted, charts=[("Cost by line", chart_image()), ("Trend", pic)])
    assert n_charts == n_plain + 1
    reader = PdfReader(charted)
    assert sum(len(page.images) for page in PdfReader(plain).pages) == 0
    image_pages = [i for i, page in enumerate(reader.pages) if len(page.images) > 0]
    assert image_pages, "no page carries the chart image"
    text = " ".join(reader.pages[image_pages[0]].extract_text().split())
    assert "Charts" in text and "Cost by line" in text and "Trend" in text


def test_hostile_and_non_usd_text(qapp, tmp_path: Path):
    base = open_plan(EXAMPLES / "small-saas.costplan")
    names = ['=HYPERLINK("http://x","y")', "<b>not bold</b> & co", "Ünïcödé — 日本"]
    lines = [base.lines[0].model_copy(update={"name": n}) for n in names]
    plan = base.model_copy(
        update={
            "lines": lines,
            "notes": "Line one\nLine two",
            "currency": Currency(code="EUR", per_usd=Decimal("0.9")),
        }
    )
    data = export_data(plan)
    out = tmp_path / "eur.pdf"
    export_pdf(data, out)
    everything = " ".join(page_texts(out))
    for n in names[:2]:
        assert squash(n) in squash(everything)
    assert "Ünïcödé" in everything
    assert "€445.50" in everything  # 3 x $165.00 x 0.9
    assert "1 USD = 0.9 EUR" in everything
    assert "Line one" in everything and "Line two" in everything


def test_empty_plan(qapp, tmp_path: Path):
    data = export_data(Plan(name="Nothing yet"))
    out = tmp_path / "empty.pdf"
    assert export_pdf(data, out) >= 4
    assert "Nothing yet" in page_texts(out)[0]


def test_yen_budget_shows_whole_yen(qapp, tmp_path: Path):
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    jpy = plan.model_copy(update={"currency": Currency(code="JPY", per_usd=Decimal("150"))})
    out = tmp_path / "jpy.pdf"
    export_pdf(export_data(jpy), out)
    first = page_texts(out)[0]
    # $165.00 x 150 = ¥24,750 a month, ¥297,000 a year
    assert "¥24,750" in first and "¥297,000" in first
    assert "¥24,750.00" not in first


def test_pdf_tables_read_the_column_spec_short_headers(qapp, tmp_path: Path, monkeypatch):
    from planner.io import pdf_sections
    from planner.io.export_table import Column, price_columns

    spec = tuple(
        Column(c.key, c.header, c.kind, "Cachewrite per M", c.width) if c.key == "cache_write_effective" else c
        for c in price_columns()
    )
    monkeypatch.setattr(pdf_sections, "price_columns", lambda: spec)
    out = tmp_path / "spec.pdf"
    export_pdf(export_data(open_plan(EXAMPLES / "product-suite.costplan")), out)
    text = squash(" ".join(page_texts(out)))
    assert "Cachewritep" in text and squash("Baseline (USD/mo)") in text

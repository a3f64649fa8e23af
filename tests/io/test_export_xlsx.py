"""XLSX export read back from the zip: typed cells, SUM totals with cached values, text never a formula."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from planner.domain.catalog import Catalog
from planner.domain.costing import compute
from planner.domain.plan import Currency, Plan
from planner.io.catalog_files import load_effective
from planner.io.export_sections import build_export
from planner.io.export_table import ExportData
from planner.io.export_xlsx import export_xlsx, money_format
from planner.io.plan_files import open_plan
from tests.conftest import REPO

EXAMPLES = REPO / "data" / "examples"
EXPORTED_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@x", "=1+1"]


def export_data(plan: Plan, catalog: Catalog | None = None) -> ExportData:
    catalog = catalog or load_effective().catalog
    return build_export(plan, catalog, compute(plan, catalog), exported_at=EXPORTED_AT)


class Book:
    """The parts of an .xlsx this test needs, without openpyxl."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            self.files = {n: z.read(n) for n in z.namelist()}
        wb = ET.fromstring(self.files["xl/workbook.xml"])
        self.sheet_names = [s.get("name") for s in wb.iterfind("m:sheets/m:sheet", NS)]
        sst = self.files.get("xl/sharedStrings.xml")
        self.strings = (
            [
                "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                for si in ET.fromstring(sst).iterfind("m:si", NS)
            ]
            if sst
            else []
        )

    def sheet(self, name: str) -> ET.Element:
        i = self.sheet_names.index(name) + 1
        return ET.fromstring(self.files[f"xl/worksheets/sheet{i}.xml"])

    def cells(self, name: str) -> dict[str, ET.Element]:
        return {c.get("r"): c for c in self.sheet(name).iter(f"{{{NS['m']}}}c")}

    def text(self, cell: ET.Element) -> str | None:
        t = cell.get("t")
        if t == "s":
            return self.strings[int(cell.find("m:v", NS).text)]
        if t == "inlineStr":
            return "".join(x.text or "" for x in cell.iter(f"{{{NS['m']}}}t"))
        return None


def cents(cell: ET.Element) -> Decimal:
    """A stored money value to the cent (xlsxwriter writes doubles with 16 digits: 802.0599999999999)."""
    v = Decimal(cell.find("m:v", NS).text)
    assert abs(v - v.quantize(Decimal("0.01"))) < Decimal("1e-9")
    return v.quantize(Decimal("0.01"))


def col_letter(headers: list[str], name: str) -> str:
    i = headers.index(name)
    return chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26)


@pytest.fixture
def suite(tmp_path: Path) -> tuple[ExportData, Book]:
    data = export_data(open_plan(EXAMPLES / "product-suite.costplan"))
    out = tmp_path / "budget.xlsx"
    export_xlsx(data, out)
    assert [p.name for p in tmp_path.iterdir()] == ["budget.xlsx"]  # atomic: no temp file left
    return data, Book(out)


def test_sheets(suite):
    _, book = suite
    assert book.sheet_names == ["Plan", "Summary", "Assumptions", "Forecast"]


def test_plan_totals_are_sum_formulas_with_cached_values(suite):
    data, book = suite
    cells = book.cells("Plan")
    headers = [book.text(cells[f"{chr(65 + i)}1"]) for i in range(len(data.table.columns))]
    assert headers == data.table.headers()
    n = len(data.table.rows)
    total_row = n + 2
    assert book.text(cells[f"A{total_row}"]) == "Total"
    for header, expected in (
        ("Baseline (USD/month)", data.table.total.baseline),
        ("Optimized (USD/month)", data.table.total.optimized),
        ("Requests/month", data.table.total.requests),
    ):
        col = col_letter(headers, header)
        cell = cells[f"{col}{total_row}"]
        assert cell.find("m:f", NS).text == f"SUM({col}2:{col}{n + 1})"
        cached = cents(cell)
        assert cached == expected
        # the cached total is the sum of the stored row values
        rows = [cents(cells[f"{col}{r}"]) for r in range(2, n + 2)]
        assert sum(rows, Decimal(0)) == cached
    assert Decimal(
        cells[f"{col_letter(headers, 'Optimized (USD/month)')}{total_row}"].find("m:v", NS).text
    ) == Decimal("551.64")


def test_numbers_are_numbers_and_text_is_text(suite):
    data, book = suite
    cells = book.cells("Plan")
    headers = [book.text(cells[f"{chr(65 + i)}1"]) for i in range(len(data.table.columns))]
    req = cells[f"{col_letter(headers, 'Requests/month')}2"]
    assert req.get("t") is None and req.find("m:v", NS).text == "50000"
    rate = cells[f"{col_letter(headers, 'Cache hit rate (fraction)')}2"]
    assert rate.get("t") is None and Decimal(rate.find("m:v", NS).text) == Decimal("0.9")
    price = cells[f"{col_letter(headers, 'Cache read price (USD/1M)')}2"]
    assert Decimal(price.find("m:v", NS).text) == Decimal("0.025")
    assert book.text(cells["A2"]) == "Support bot"
    # header frozen, autofilter over the table, money and percent formats present
    sheet = book.sheet("Plan")
    assert sheet.find("m:sheetViews/m:sheetView/m:pane", NS).get("state") == "frozen"
    assert sheet.find("m:autoFilter", NS).get("ref").startswith("A1:")
    styles = book.files["xl/styles.xml"].decode()
    assert money_format("USD").replace('"', "&quot;") in styles
    assert "0.0#%" in styles


def test_hostile_text_is_stored_as_strings_not_formulas(tmp_path: Path):
    base = open_plan(EXAMPLES / "small-saas.costplan")
    lines = [base.lines[0].model_copy(update={"name": n}) for n in HOSTILE]
    data = export_data(base.model_copy(update={"lines": lines}))
    out = tmp_path / "evil.xlsx"
    export_xlsx(data, out)
    book = Book(out)
    cells = book.cells("Plan")
    for r, name in enumerate(HOSTILE, start=2):
        c = cells[f"A{r}"]
        assert c.find("m:f", NS) is None
        assert c.get("t") in ("s", "inlineStr")
        assert book.text(c) == name  # verbatim: no quote prefix needed in a typed cell
    # the only formulas in the whole workbook are SUMs and the waterfall check
    for name in book.sheet_names:
        for f in book.sheet(name).iter(f"{{{NS['m']}}}f"):
            assert re.fullmatch(
                r"SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+-SUM\([A-Z]+\d+:[A-Z]+\d+\)", f.text
            ), f.text


def test_forecast_total_formula_and_value(suite):
    data, book = suite
    cells = book.cells("Forecast")
    n = len(data.forecast)
    total = n + 2
    assert book.text(cells[f"A{total}"]) == "Total"
    e = cells[f"E{total}"]
    assert e.find("m:f", NS).text == f"SUM(E2:E{n + 1})"
    assert cents(e) == data.forecast_total.expected
    months = [cents(cells[f"E{r}"]) for r in range(2, n + 2)]
    assert sum(months, Decimal(0)) == data.forecast_total.expected


def test_summary_and_assumptions_content(suite):
    data, book = suite
    summary = book.cells("Summary")
    labels = {
        book.text(c): ref for ref, c in summary.items() if ref.startswith("A") and c.get("t") == "s"
    }
    ref = labels["Monthly expected (USD)"]
    assert Decimal(summary["B" + ref[1:]].find("m:v", NS).text) == Decimal("551.64")
    annual = labels["Annual run-rate (USD, 12 x monthly expected)"]
    assert Decimal(summary["B" + annual[1:]].find("m:v", NS).text) == Decimal("551.64") * 12
    assert "Next 12 months, forecast (USD)" in labels
    # waterfall end row: baseline minus the steps, value cached
    opt = labels["Optimized (expected)"]
    cell = summary["B" + opt[1:]]
    assert "-SUM(" in cell.find("m:f", NS).text
    assert Decimal(cell.find("m:v", NS).text) == Decimal("551.64")
    assumptions = book.cells("Assumptions")
    texts = {book.text(c) for c in assumptions.values() if c.get("t") == "s"}
    for m in data.by_model:
        assert m.id in texts and m.source in texts
    assert "Semantic caching" in texts


def test_plan_currency_formats(tmp_path: Path):
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    chf = plan.model_copy(update={"currency": Currency(code="CHF", per_usd=Decimal("0.8"))})
    out = tmp_path / "chf.xlsx"
    export_xlsx(export_data(chf), out)
    book = Book(out)
    # CHF before the amount in en_US, a no-break space between: "CHF 1,234.50"
    assert "&quot;CHF\xa0&quot;#,##0.00" in book.files["xl/styles.xml"].decode()
    cells = book.cells("Plan")
    headers = [book.text(cells[f"{chr(65 + i)}1"]) for i in range(20)]
    assert "Baseline (CHF/month)" in headers


def number_formats(book: Book) -> set[str]:
    styles = ET.fromstring(book.files["xl/styles.xml"])
    return {f.get("formatCode") for f in styles.iterfind("m:numFmts/m:numFmt", NS)}


def test_yen_amounts_have_no_decimals(tmp_path: Path):
    plan = open_plan(EXAMPLES / "small-saas.costplan")
    jpy = plan.model_copy(update={"currency": Currency(code="JPY", per_usd=Decimal("150"))})
    out = tmp_path / "jpy.xlsx"
    export_xlsx(export_data(jpy), out)
    yen = {f for f in number_formats(Book(out)) if "¥" in f}
    # monthly amounts in whole yen; the cost per request keeps its six decimals
    assert yen == {'"¥"#,##0', '"¥"#,##0.000000'}


def test_money_formats_follow_the_display_locale():
    from planner.formatting import set_display_locale

    assert money_format("USD") == '"$"#,##0.00'
    assert money_format("BHD") == '"BHD\xa0"#,##0.000'
    set_display_locale("de_DE")
    assert money_format("EUR") == '#,##0.00"\xa0€"'
    assert money_format("JPY") == '#,##0"\xa0¥"'

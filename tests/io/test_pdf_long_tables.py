"""A long table in the PDF is laid out and painted in pieces of its rows: the pieces must
measure and paint exactly as the whole table would (the same row bounds, so the same pages;
the same pixels)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter

from planner.io import pdf_blocks
from planner.io.export_pdf import ensure_app
from planner.io.pdf_blocks import Measured, Measurer, Piece, Table, TableCol, esc, paint_slice

COLS = (TableCol("Line", 34), TableCol("Model", 30), TableCol("Requests", 16, right=True),
        TableCol("Monthly", 20, right=True))


def long_table(n: int, *, wide_row: int | None = None, subtotals: frozenset[int] = frozenset()) -> Table:
    rows = []
    for i in range(n):
        requests = 10**24 + i if i == wide_row else 1000 + 37 * i  # (a number is never wrapped)
        rows.append([esc(f"Feature {i} of the support desk"), esc(f"acme/model-{i % 7}"), f"{requests:,}",
                     f"${(1000 + 37 * i) * 0.0123:,.2f}"])
    return Table(COLS, rows, total=["<b>Total</b>", "", f"{n * 1000:,}", "$123,456.78"], subtotals=subtotals)


@pytest.fixture
def measurer(tmp_path: Path) -> Measurer:
    family = ensure_app()
    writer = QPdfWriter(str(tmp_path / "probe.pdf"))
    writer.setResolution(pdf_blocks.DPI)
    return Measurer(writer, family, 2000.0, 3000.0)


def whole(measurer: Measurer, t: Table, monkeypatch: pytest.MonkeyPatch) -> Measured:
    with monkeypatch.context() as m:
        m.setattr(pdf_blocks, "PIECE_ROWS", 10**6)
        return measurer.measure(t)


def cut_like(one: Measured, pieced: Measured) -> Measured:
    """The whole table painted in parts where the pieces meet (a painter clipped at a
    fraction of a pixel may shade that pixel row a little differently)."""
    return Measured(one.block, one.doc, pieces=tuple(Piece(x.start, x.end, one.doc, 0.0) for x in pieced.pieces))


def picture(m: Measured, top: float, bottom: float, header: bool, family: str) -> bytes:
    image = QImage(500, 1200, QImage.Format.Format_RGB32)  # at a quarter of the PDF's resolution
    image.fill(QColor("white"))
    p = QPainter(image)
    p.scale(0.25, 0.25)
    paint_slice(p, m, QPointF(0, 0), top, bottom, header, family, 2000.0)
    p.end()
    return bytes(image.constBits())


@pytest.mark.parametrize(
    ("wide_row", "subtotals"),
    [(None, frozenset()),
     (173, frozenset()),  # a long number, late in the table, widens its column everywhere
     (None, frozenset({49, 50, 51, 100, 150}))],  # shaded rows where pieces would start
)
def test_a_long_table_in_pieces_measures_and_paints_as_the_whole(measurer, monkeypatch, wide_row, subtotals):
    t = long_table(230, wide_row=wide_row, subtotals=subtotals)
    pieced, one = measurer.measure(t), whole(measurer, t, monkeypatch)
    assert len(pieced.pieces) >= 4 and not one.pieces
    assert pieced.block == one.block  # the same height, header and row bounds: the same pages
    cuts, same = pieced.block.cuts, cut_like(one, pieced)
    for top, bottom, header in ((0.0, cuts[60], False), (cuts[45], cuts[110], True), (cuts[140], pieced.block.height, True)):
        assert picture(pieced, top, bottom, header, measurer.family) == picture(same, top, bottom, header, measurer.family)


def test_a_long_table_whose_pieces_disagree_is_laid_out_whole(measurer, monkeypatch):
    """Without the widest rows in every piece, the piece holding the long number has a wider
    column than the others: the table is then measured whole."""
    monkeypatch.setattr(pdf_blocks, "_widest_rows", lambda t: [])
    t = long_table(230, wide_row=173)
    pieced = measurer.measure(t)
    assert not pieced.pieces
    assert pieced.block == whole(measurer, t, monkeypatch).block


def test_a_table_of_a_few_pieces_worth_of_rows_or_fewer_is_one_document(measurer):
    assert not measurer.measure(long_table(2 * pdf_blocks.PIECE_ROWS)).pieces

"""The PDF's content blocks: rich text, tables and charts, measured once on the PDF writer and
painted slice by slice (planner.io.pdf_pages decides the slices).

A table is laid out once, as one document or, when long, as documents of 50 rows that
measure and paint as the whole table would (Measurer._long_table); its rows are measured
from that layout, so a 1,000-row table costs one layout, whatever the number of pages."""

from __future__ import annotations

import heapq
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPainter,
    QPalette,
    QPen,
    QPicture,
    QTextDocument,
    QTextTable,
)

from planner.io.pdf_pages import Block

#: The writer's resolution: what we draw ourselves is in device pixels at this DPI; the rich
#: text is laid out on the writer too, so its pt and px lengths scale to it.
DPI = 300

# Palette: one accent, greys for secondary text and rules.
INK = "#1d2733"
MUTED = "#5f6b76"
ACCENT = "#1f4e79"
RULE = "#c9d1d9"
HEAD_BG = "#edf2f7"
TOTAL_BG = "#f6f8fa"
WARN = "#a4330b"


def mm(x: float) -> float:
    return x / 25.4 * DPI


def dev(css_px: float) -> float:
    """A CSS pixel (1/96 in) in device pixels, for what we draw ourselves."""
    return css_px * DPI / 96


#: Below a row's dividing rule: a table part that ends at a row ends with that row's rule.
RULE_CLEARANCE = dev(0.7)
#: Rows of a long table laid out together (see Measurer._long_table).
PIECE_ROWS = 50


def esc(text: Any) -> str:
    """Text (a plan, model or catalog name, a note) as HTML that shows it verbatim."""
    return html.escape(str(text), quote=True)


def font(family: str, size: float, bold: bool = False) -> QFont:
    """The document font, without ligatures: a PDF reader would extract 'ﬂ' for 'fl', and
    searching the budget for "Flash" would fail."""
    f = QFont(family)
    f.setPointSizeF(size)
    f.setBold(bold)
    for tag in ("liga", "clig"):
        f.setFeature(QFont.Tag(tag), 0)
    return f


def style(family: str) -> str:
    return f"""
    body {{ font-family: '{family}'; font-size: 8.5pt; color: {INK}; }}
    h1 {{ font-size: 22pt; font-weight: bold; color: {ACCENT}; margin-top: 0px; margin-bottom: 4px; }}
    h2 {{ font-size: 14pt; font-weight: bold; color: {ACCENT}; margin-top: 0px; margin-bottom: 10px; }}
    h3 {{ font-size: 10.5pt; font-weight: bold; color: {INK}; margin-top: 0px; margin-bottom: 7px; }}
    p {{ margin-top: 0px; margin-bottom: 8px; }}
    .sub {{ color: {MUTED}; font-size: 9.5pt; }}
    .muted {{ color: {MUTED}; }}
    .small {{ font-size: 7pt; color: {MUTED}; }}
    .warn {{ color: {WARN}; }}
    table.grid {{ border-collapse: collapse; }}
    table.grid th {{ background-color: {HEAD_BG}; font-weight: bold; font-size: 7.5pt; color: {INK};
                    border-bottom: 1.2px solid {ACCENT}; padding: 4px 5px 4px 5px; }}
    table.grid td {{ border-bottom: 0.6px solid {RULE}; padding: 3.5px 5px 3.5px 5px; }}
    table.grid td.total {{ font-weight: bold; background-color: {TOTAL_BG};
                          border-top: 1.2px solid {INK}; border-bottom: 1.2px solid {INK}; }}
    td.num {{ white-space: nowrap; }}
    table.compact th {{ font-size: 7pt; padding: 3px 3px 3px 3px; }}
    table.compact td {{ font-size: 7pt; padding: 2.5px 3px 2.5px 3px; }}
    td.subtotal {{ font-weight: bold; background-color: {TOTAL_BG}; }}
    table.signoff td {{ padding: 1px 8px 6px 0px; }}
    table.signoff td.line {{ padding: 26px 8px 2px 0px; border-bottom: 0.8px solid {INK}; }}
    table.signoff td.role {{ padding: 26px 8px 2px 0px; font-weight: bold; }}
    table.kpi {{ border-collapse: collapse; margin-top: 6px; }}
    table.kpi td {{ padding: 9px 10px 9px 10px; border: 0.8px solid {RULE}; }}
    .kpilabel {{ font-size: 7.5pt; color: {MUTED}; font-weight: bold; }}
    .kpivalue {{ font-size: 16pt; font-weight: bold; color: {INK}; }}
    .kpinote {{ font-size: 7.5pt; color: {MUTED}; }}
    table.facts td {{ padding: 2px 14px 2px 0px; }}
    """


# ---------------------------------------------------------------------------------------
# What the sections produce


@dataclass(frozen=True)
class Html:
    """Rich text (HTML, text already escaped); split between lines when `splittable`."""

    html: str
    page_break_before: bool = False
    keep_with_next: bool = False
    splittable: bool = True
    #: space above (CSS px), left out at the top of a page
    space_before: float = 0.0


@dataclass(frozen=True)
class TableCol:
    header: str
    #: percent of the table width
    width: float
    right: bool = False


@dataclass(frozen=True)
class Table:
    """A data table: the header repeated on every page it spans, split only between rows.
    Cells are HTML already (escape text first)."""

    cols: Sequence[TableCol]
    rows: Sequence[Sequence[str]]
    total: Sequence[str] | None = None
    #: what follows (a remark on the table) stays with the table's last part
    keep_with_next: bool = False
    #: smaller type and padding (a wide table: months across)
    compact: bool = False
    #: rows (by index) shown as subtotals (bold, shaded)
    subtotals: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Chart:
    title: str
    item: QImage | QPicture


Item = Html | Table | Chart


# ---------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Piece:
    """Part of a long table laid out as a document of its own: the part [start, end) of the
    table is painted from `doc`, where it lies at `start + shift`."""

    start: float
    end: float
    doc: QTextDocument
    shift: float


@dataclass
class Measured:
    """A block's measurements (for pdf_pages) and how to paint a slice of it."""

    block: Block
    doc: QTextDocument | None = None
    chart: Chart | None = None
    #: the chart's rect within the block
    chart_rect: QRectF = field(default_factory=QRectF)
    #: a long table's pieces, in order (painted from them rather than from `doc`)
    pieces: tuple[Piece, ...] = ()


class Measurer:
    """Lays items out on the writer at the content width, once each."""

    def __init__(self, device: QPagedPaintDevice, family: str, width: float, height: float):
        self.device = device
        self.family = family
        self.width = width
        self.height = height
        self.css = style(family)

    def doc(self, body: str) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.device)
        doc.setDefaultFont(font(self.family, 8.5))
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(self.css)
        doc.setTextWidth(self.width)
        doc.setHtml(f"<html><body>{body}</body></html>")
        return doc

    def measure(self, item: Item) -> Measured:
        if isinstance(item, Table):
            return self._table(item)
        if isinstance(item, Chart):
            return self._chart(item)
        doc = self.doc(item.html)
        # the layout leaves out the last paragraph's bottom margin: keep it below the block
        height = doc.size().height() + dev(doc.lastBlock().blockFormat().bottomMargin())
        cuts = _line_cuts(doc, height) if item.splittable else ()
        block = Block(height, cuts, 0.0, item.page_break_before, item.keep_with_next,
                      dev(item.space_before))
        return Measured(block, doc)

    def _table(self, t: Table) -> Measured:
        if len(t.rows) > 2 * PIECE_ROWS and (pieced := self._long_table(t)) is not None:
            return pieced
        doc = self.doc(table_html(t))
        tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
        height = doc.size().height()
        bounds = _row_bounds(doc, tables[0]) if tables else []
        if len(bounds) < 2:
            return Measured(Block(height, keep_with_next=t.keep_with_next), doc)
        # bounds[0] is below the header row; a part may end below any data row but the last
        header = bounds[0] + RULE_CLEARANCE
        cuts = tuple(b + RULE_CLEARANCE for b in bounds[1:-1] if b + RULE_CLEARANCE < height)
        return Measured(Block(height, cuts, header, keep_with_next=t.keep_with_next), doc)

    def _long_table(self, t: Table) -> Measured | None:
        """A long table laid out in pieces of PIECE_ROWS rows, each a document of its own
        with the header, one row before its own and one after (the last: the total row): each
        row is laid out between the same neighbours as in the whole table, so the pieces, put
        one below the other by the row bounds they share, are the whole table. (Qt finds a
        table cell's place in a time that grows with the table: a 1,000-row table took twice
        as long to paint a page, and a third longer to lay out, as its pieces.)

        A column as wide as its widest cell must be as wide in every piece: each piece also
        holds the rows likeliest to be the widest of some column (where no one sees them:
        above the row before its own, or below the row after). Where the pieces' columns still
        differ, None: the table is laid out whole."""
        n = len(t.rows)
        wide = _widest_rows(t)
        wide_rows = [t.rows[r] for r in wide] + ([t.total] if t.total is not None else [])
        wide_bold = [i for i, r in enumerate(wide) if r in t.subtotals] + ([len(wide)] if t.total is not None else [])
        columns: tuple[tuple[float, float], ...] | None = None
        bounds: list[float] = []  # where each row of the whole table ends: [header, row 0, row 1, ...]
        pieces: list[Piece] = []
        docs: list[QTextDocument] = []
        height = 0.0
        # a piece starts at a row without shading (the join, just below a rule, is then blank)
        starts = [0]
        while (nxt := starts[-1] + PIECE_ROWS) < n - 1:
            while nxt < n - 1 and nxt in t.subtotals:
                nxt += 1
            starts.append(nxt)
        for k, s in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else n  # this piece's own rows: [s, stop)
            lo, hi = max(s - 1, 0), min(stop + 1, n)  # a row of context on each side
            last = hi == n
            own = list(t.rows[lo:hi])
            own_bold = [i - lo for i in t.subtotals if lo <= i < hi]
            if s == 0:  # the widest rows below (the first row is right below the header)
                lead = 0
                rows, bold = own + wide_rows, own_bold + [len(own) + i for i in wide_bold]
            else:  # above the row before its own
                lead = len(wide_rows)
                rows, bold = wide_rows + own, wide_bold + [lead + i for i in own_bold]
            doc = self.doc(table_html(Table(t.cols, rows, t.total if last else None, compact=t.compact,
                                            subtotals=frozenset(bold))))
            docs.append(doc)
            table = next(f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable))
            geometry = _columns(doc, table)
            if columns is None:
                columns = geometry
            elif geometry != columns:
                return None
            ends = _row_bounds(doc, table)  # the header, then each row of this piece
            if s == 0:
                shift = 0.0
                bounds.append(ends[0])
            else:
                shift = ends[1 + lead] - bounds[s]  # row s-1 ends at the same place in both
            first = 1 + lead + (s - lo)  # the index in `ends` of row s
            upto = len(ends) if last else first + (hi - s) - 1  # (not the row after)
            bounds += [b - shift for b in ends[first:upto]]
            start = 0.0 if s == 0 else bounds[s] + RULE_CLEARANCE
            end = float("inf") if last else bounds[stop] + RULE_CLEARANCE
            pieces.append(Piece(start, end, doc, shift))
            if last:
                height = doc.size().height() - shift
        header = bounds[0] + RULE_CLEARANCE
        cuts = tuple(b + RULE_CLEARANCE for b in bounds[1:-1] if b + RULE_CLEARANCE < height)
        return Measured(Block(height, cuts, header, keep_with_next=t.keep_with_next), docs[0], pieces=tuple(pieces))

    def _chart(self, c: Chart) -> Measured:
        size = chart_size(c.item)
        title_h = QFontMetricsF(font(self.family, 10.5, True), self.device).height() * 1.5
        gap = mm(8)
        if size.width() <= 0 or size.height() <= 0:
            return Measured(Block(0.0), chart=c)
        w = self.width
        h = w * size.height() / size.width()
        max_h = self.height * 0.85 - title_h
        if h > max_h:
            h = max_h
            w = h * size.width() / size.height()
        rect = QRectF((self.width - w) / 2, title_h, w, h)
        return Measured(Block(title_h + h + gap), chart=c, chart_rect=rect)


def _line_cuts(doc: QTextDocument, height: float) -> tuple[float, ...]:
    """The tops of the text lines of a document (but the first): where it may be split."""
    layout = doc.documentLayout()
    cuts: list[float] = []
    block = doc.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lay = block.layout()
        for n in range(lay.lineCount()):
            y = top + lay.lineAt(n).y()
            if 0 < y < height and (not cuts or y > cuts[-1]):
                cuts.append(y)
        block = block.next()
    return tuple(cuts)


def _row_bounds(doc: QTextDocument, table: QTextTable) -> list[float]:
    """Where each row ends (the middle of the rule below it), from one layout of the table:
    the midpoint between the lowest text of a row and the highest text of the next."""
    layout = doc.documentLayout()
    rect, find, cell_at, columns = layout.blockBoundingRect, doc.findBlock, table.cellAt, range(table.columns())
    tops: list[float] = []
    bottoms: list[float] = []
    for r in range(table.rows()):
        top, bottom = float("inf"), 0.0
        for c in columns:
            cell = cell_at(r, c)
            # a cell's first and last block (most cells have one: measured once; a block's
            # rect in a large table is costly to find)
            first = find(cell.firstPosition())
            first_rect = rect(first)
            end = cell.lastPosition()
            last_rect = first_rect if first.contains(end) else rect(find(end))
            top, bottom = min(top, first_rect.top()), max(bottom, last_rect.bottom())
        tops.append(top)
        bottoms.append(bottom)
    frame_bottom = layout.frameBoundingRect(table).bottom()
    return [(bottoms[r] + tops[r + 1]) / 2 for r in range(len(tops) - 1)] + [frame_bottom]


_TAG = re.compile(r"<[^>]*>")


def _widest_rows(t: Table, per_column: int = 3) -> list[int]:
    """The rows whose cells are likeliest to set some column's width: by the length of their
    text (a number: all of it; a text: its longest word), the longest few of each column."""

    def extent(cell: str, whole: bool) -> int:
        text = html.unescape(_TAG.sub("", cell))
        return len(text) if whole else max(map(len, text.split()), default=0)

    rows: set[int] = set()
    for c, col in enumerate(t.cols):
        rows.update(heapq.nlargest(per_column, range(len(t.rows)), key=lambda r: extent(t.rows[r][c], col.right)))
    return sorted(rows)


def _columns(doc: QTextDocument, table: QTextTable) -> tuple[tuple[float, float], ...]:
    """Where each column of a table's header row is and how wide (its text's rect)."""
    layout = doc.documentLayout()
    rects = (layout.blockBoundingRect(doc.findBlock(table.cellAt(0, c).firstPosition())) for c in range(table.columns()))
    return tuple((r.left(), r.width()) for r in rects)


def table_html(t: Table) -> str:
    """A grid table: a header row, light rules, right-aligned numbers, a bold total row."""

    def cell(c: TableCol, text: str, total: bool, sub: bool = False) -> str:
        cls = ("total " if total else "subtotal " if sub else "") + ("num" if c.right else "")
        align = "right" if c.right else "left"
        return f'<td align="{align}" class="{cls.strip()}">{text}</td>'

    head = "".join(
        f'<th width="{c.width:g}%" align="{"right" if c.right else "left"}">{esc(c.header)}</th>'
        for c in t.cols
    )
    body = [
        "<tr>" + "".join(cell(c, x, False, i in t.subtotals) for c, x in zip(t.cols, row, strict=True)) + "</tr>"
        for i, row in enumerate(t.rows)
    ]
    if t.total is not None:
        body.append(
            "<tr>" + "".join(cell(c, x, True) for c, x in zip(t.cols, t.total, strict=True))
            + "</tr>"
        )
    return (
        f'<table class="grid{" compact" if t.compact else ""}" width="100%" cellspacing="0" cellpadding="0">'
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


def chart_size(item: QImage | QPicture) -> QSizeF:
    if isinstance(item, QImage):
        return QSizeF(item.width(), item.height())
    br = item.boundingRect()
    return QSizeF(br.width(), br.height())


# ---------------------------------------------------------------------------------------
# Painting


def paint_slice(
    p: QPainter, m: Measured, origin: QPointF, top: float, bottom: float, header: bool,
    family: str, width: float,
) -> None:
    """Paint the part [top, bottom) of a measured block with its top at `origin` (after the
    block's header when `header`)."""
    if m.chart is not None:
        _paint_chart(p, m, origin, family, width)
        return
    assert m.doc is not None
    if header:
        _paint_doc(p, m.doc, origin, 0.0, m.block.header, width)
        origin = QPointF(origin.x(), origin.y() + m.block.header)
    if not m.pieces:
        _paint_doc(p, m.doc, origin, top, bottom, width)
        return
    for piece in m.pieces:
        a, b = max(top, piece.start), min(bottom, piece.end)
        if a < b:
            _paint_doc(p, piece.doc, QPointF(origin.x(), origin.y() + a - top), a + piece.shift, b + piece.shift, width)


def _paint_doc(
    p: QPainter, doc: QTextDocument, origin: QPointF, top: float, bottom: float, width: float
) -> None:
    p.save()
    p.translate(origin.x(), origin.y() - top)
    clip = QRectF(0, top, width, bottom - top)
    p.setClipRect(clip)
    ctx = QAbstractTextDocumentLayout.PaintContext()
    ctx.clip = clip
    ctx.palette.setColor(QPalette.ColorRole.Text, QColor(INK))
    doc.documentLayout().draw(p, ctx)
    p.restore()


def _paint_chart(p: QPainter, m: Measured, origin: QPointF, family: str, width: float) -> None:
    c, rect = m.chart, m.chart_rect
    assert c is not None
    if rect.isEmpty():
        return
    p.save()
    p.translate(origin)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(font(family, 10.5, True))
    fm = QFontMetricsF(p.font(), p.device())
    p.setPen(QColor(INK))
    p.drawText(QPointF(0, fm.ascent()), fm.elidedText(c.title, Qt.TextElideMode.ElideRight, width))
    if isinstance(c.item, QImage):
        p.drawImage(rect, c.item)
    else:
        br = c.item.boundingRect()
        p.save()
        p.translate(rect.topLeft())
        p.scale(rect.width() / br.width(), rect.height() / br.height())
        p.translate(-br.left(), -br.top())
        c.item.play(p)
        p.restore()
    pen = QPen(QColor(RULE))
    pen.setWidthF(dev(0.8))
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.restore()

"""The PDF budget: the sections' blocks measured once on a QPdfWriter, laid onto pages in one
pass (planner.io.pdf_pages), each page painted with its header and "Page X of Y" footer.

The file is written to a temp file beside the target, checked (a PDF header and trailer), and
only then renamed over the target: a failed export keeps the old file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPicture,
)

from planner.domain.actuals import Variance
from planner.io import pdf_sections, pdf_variance
from planner.io.atomic import check_size, write_atomic
from planner.io.collector import gc_paused
from planner.io.export_table import ExportCancelled, ExportData
from planner.io.pdf_blocks import (
    DPI,
    MUTED,
    RULE,
    Chart,
    Item,
    Measured,
    Measurer,
    dev,
    font,
    mm,
    paint_slice,
)
from planner.io.pdf_pages import Page, paginate

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}

# Page geometry (millimetres).
MARGIN_X = 17.0
HEADER_Y = 11.0  # header text baseline
CONTENT_TOP = 21.0
CONTENT_BOTTOM = 18.0  # from the bottom edge
FOOTER_Y = 10.0  # footer baseline, from the bottom edge

ChartImage = tuple[str, QImage | QPicture]
Progress = Callable[[int, int], bool]
__all__ = ["ExportCancelled", "check_pdf", "ensure_app", "export_pdf"]


# ---------------------------------------------------------------------------------------
# The Qt application and the font


_family: str | None = None


def ensure_app() -> str:
    """A QGuiApplication (the app's own if there is one) and the shipped font family."""
    global _family
    app = QGuiApplication.instance()
    if app is None:
        from planner.qt_runtime import make_app

        make_app()
    elif not isinstance(app, QGuiApplication):
        raise RuntimeError("the PDF export needs a QGuiApplication, not a QCoreApplication")
    if _family is None:
        from planner.qt_runtime import register_fonts

        _family = register_fonts() or QFont().defaultFamily()
    return _family


# ---------------------------------------------------------------------------------------
# Checking what was written (no PDF library needed)


def check_pdf(path: Path) -> None:
    """ValueError unless `path` looks like a whole PDF: not empty, a `%PDF-` header, a
    `startxref` and the `%%EOF` trailer at its end."""
    size = check_size(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
        fh.seek(max(0, size - 1024))
        tail = fh.read()
    if not head.startswith(b"%PDF-"):
        raise ValueError("the PDF written has no PDF header")
    if b"%%EOF" not in tail[-32:] or b"startxref" not in tail:
        raise ValueError("the PDF written is cut short (is the disk full?)")


# ---------------------------------------------------------------------------------------
# Pages


@dataclass
class _Geometry:
    page_w: float
    page_h: float

    @property
    def content(self) -> QRectF:
        return QRectF(mm(MARGIN_X), mm(CONTENT_TOP), self.page_w - 2 * mm(MARGIN_X),
                      self.page_h - mm(CONTENT_TOP) - mm(CONTENT_BOTTOM))


def _chrome(p: QPainter, g: _Geometry, family: str, data: ExportData, page: int, total: int) -> None:
    """The running header (plan name, export date) and footer (currency, "Page X of Y")."""
    left, right = mm(MARGIN_X), g.page_w - mm(MARGIN_X)
    p.save()
    p.setFont(font(family, 7.5))
    fm = QFontMetricsF(p.font(), p.device())
    p.setPen(QColor(MUTED))
    y = mm(HEADER_Y)
    date = f"Exported {data.exported_text}"
    room = right - left - fm.horizontalAdvance(date) - mm(10)
    head = fm.elidedText(f"{data.plan_name} · LLM cost budget · {data.revision_text}", Qt.TextElideMode.ElideRight,
                         room)
    p.drawText(QPointF(left, y), head)
    p.drawText(QPointF(right - fm.horizontalAdvance(date), y), date)
    pen = QPen(QColor(RULE))
    pen.setWidthF(dev(0.8))
    p.setPen(pen)
    p.drawLine(QPointF(left, y + mm(2.2)), QPointF(right, y + mm(2.2)))
    fy = g.page_h - mm(FOOTER_Y)
    p.drawLine(QPointF(left, fy - mm(4)), QPointF(right, fy - mm(4)))
    p.setPen(QColor(MUTED))
    p.drawText(QPointF(left, fy), f"Cost Planner · {data.plan_name} {data.revision_text} · amounts in {data.currency}")
    label = f"Page {page} of {total}"
    p.drawText(QPointF(right - fm.horizontalAdvance(label), fy), label)
    p.restore()


def _paint_page(
    p: QPainter, g: _Geometry, family: str, page: Page, measured: Sequence[Measured]
) -> None:
    c = g.content
    for s in page:
        origin = QPointF(c.left(), c.top() + s.y)
        paint_slice(p, measured[s.block], origin, s.top, s.bottom, s.header, family, c.width())


def _new_writer(path: Path, page_size: str, data: ExportData) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_SIZES[page_size]),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(f"{data.plan_name}: LLM cost budget")
    writer.setCreator("Cost Planner")
    return writer


@dataclass(frozen=True)
class _Laid:
    """One page as laid out: its orientation, its slices and the blocks they cut."""

    landscape: bool
    page: Page
    measured: Sequence[Measured]


def _lay_out(writer: QPdfWriter, family: str, data: ExportData, charts: Sequence[ChartImage],
            extra: Sequence[Item] = ()) -> list[_Laid]:
    """Each part of the document measured at its orientation's content width and paginated."""
    portrait = _Geometry(float(writer.width()), float(writer.height()))
    out: list[_Laid] = []
    for part in pdf_sections.document(data, [Chart(t, i) for t, i in charts], extra):
        content = _geometry(portrait, part.landscape).content
        measurer = Measurer(writer, family, content.width(), content.height())
        measured = [measurer.measure(item) for item in part.items]
        out += [_Laid(part.landscape, page, measured)
                for page in paginate([m.block for m in measured], content.height())]
    return out


def _geometry(portrait: _Geometry, landscape: bool) -> _Geometry:
    return _Geometry(portrait.page_h, portrait.page_w) if landscape else portrait


def _orientation(landscape: bool) -> QPageLayout.Orientation:
    return QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait


def _render(
    tmp: Path, data: ExportData, page_size: str, charts: Sequence[ChartImage],
    progress: Progress | None, extra: Sequence[Item] = (),
) -> int:
    """Lay the budget out and paint it into `tmp`; returns the page count."""
    family = ensure_app()
    writer = _new_writer(tmp, page_size, data)
    portrait = _Geometry(float(writer.width()), float(writer.height()))
    pages = _lay_out(writer, family, data, charts, extra)
    total = len(pages)
    if progress is not None and progress(0, total) is False:
        raise ExportCancelled("export cancelled")
    if pages and pages[0].landscape:
        writer.setPageOrientation(_orientation(True))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("the PDF writer could not open its file")
    try:
        for n, laid in enumerate(pages, start=1):
            if n > 1:
                if laid.landscape != pages[n - 2].landscape:
                    writer.setPageOrientation(_orientation(laid.landscape))
                writer.newPage()
            g = _geometry(portrait, laid.landscape)
            _chrome(painter, g, family, data, n, total)
            _paint_page(painter, g, family, laid.page, laid.measured)
            if progress is not None and progress(n, total) is False:
                raise ExportCancelled("export cancelled")
    finally:
        ended = painter.end()
    if not ended:
        raise OSError("the PDF could not be finished")
    return total


def export_pdf(
    data: ExportData,
    path: Path,
    *,
    page_size: str = "A4",
    charts: Sequence[ChartImage] = (),
    progress: Progress | None = None,
    variance: Variance | None = None,
    variance_charts: Sequence[ChartImage] = (),
) -> int:
    """Write the budget PDF and return its page count.

    Pages: cover, summary, assumptions, line items, budget by month (landscape when twelve
    months or more go across), charts (if any), forecast, scenarios (if any), plan versus
    actual (with a `variance`, its picture from `variance_charts`), notes and sign-off.
    `progress(done, total)` is called before the first page and after each one; returning
    False cancels: ExportCancelled is raised and neither the file nor the temp file is left
    behind. A file that comes out empty or cut short raises WriteError and keeps the old one."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    pages = 0
    extra = pdf_variance.section(variance, [Chart(t, i) for t, i in variance_charts]) if variance else []

    def produce(tmp: Path) -> None:
        nonlocal pages
        with gc_paused(promote=False):  # (what it makes is dropped when it ends)
            pages = _render(tmp, data, page_size, charts, progress, extra)
        if not tmp.exists():
            raise OSError("the PDF writer wrote nothing")

    write_atomic(Path(path), produce, check_pdf)
    return pages

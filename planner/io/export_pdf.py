"""PDF budget: QTextDocument sections on a QPdfWriter, our own page loop, headers and page footers."""

from __future__ import annotations

import contextlib
import html
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QPicture,
    QTextCursor,
    QTextDocument,
    QTextTable,
)

from planner.formatting import fmt_int, fmt_money, fmt_pct, fmt_price, fmt_small_money
from planner.io.export_table import ExportData

#: One fixed writer resolution: what we draw ourselves is in device pixels at this DPI; the
#: rich text is laid out on the writer too, so its pt and px lengths scale to it.
DPI = 300
PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}

# Page geometry (millimetres).
MARGIN_X = 17.0
HEADER_Y = 11.0  # header text baseline
CONTENT_TOP = 21.0
CONTENT_BOTTOM = 18.0  # from the bottom edge
FOOTER_Y = 10.0  # footer baseline, from the bottom edge

# Palette: one accent, greys for secondary text and rules.
INK = "#1d2733"
MUTED = "#5f6b76"
ACCENT = "#1f4e79"
RULE = "#c9d1d9"
HEAD_BG = "#edf2f7"
TOTAL_BG = "#f6f8fa"
WARN = "#a4330b"

#: A table (with its heading) shorter than this share of a page moves whole to the next page
#: rather than split; longer ones split between rows, their header repeated.
KEEP_TOGETHER = 0.45

Chart = tuple[str, QImage | QPicture]
Progress = Callable[[int, int], bool]


class ExportCancelled(Exception):
    """The progress callback asked to stop; no file was written."""


def _mm(x: float) -> float:
    return x / 25.4 * DPI


def _dev(css_px: float) -> float:
    """A CSS pixel (1/96 in) in device pixels, for what we draw ourselves."""
    return css_px * DPI / 96


def _font(family: str, size: float, bold: bool = False) -> QFont:
    """The document font, without ligatures: a PDF reader would extract 'ﬂ' for 'fl', and
    searching the budget for "Flash" would fail."""
    f = QFont(family)
    f.setPointSizeF(size)
    f.setBold(bold)
    for tag in ("liga", "clig"):
        f.setFeature(QFont.Tag(tag), 0)
    return f


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _multiline(text: str) -> str:
    return "<br/>".join(_esc(p) for p in text.splitlines())


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
# Number formats (all from planner.formatting; no arithmetic on money here)


class _Fmt:
    def __init__(self, currency: str) -> None:
        self.cur = currency

    def money(self, x: Decimal | None) -> str:
        return _esc(fmt_money(x, self.cur))

    def small(self, x: Decimal | None) -> str:
        return _esc(fmt_small_money(x, self.cur))

    @staticmethod
    def count(x: Decimal | None) -> str:
        if x is None:
            return "—"
        if x == x.to_integral_value():
            return fmt_int(x)
        return f"{x:,.2f}"

    @staticmethod
    def rate(x: Decimal | None) -> str:
        """An input rate as a percent, as precise as given: 0.9 -> '90%', 0.155 -> '15.5%'."""
        if x is None:
            return "—"
        pct = (x * 100).normalize()
        exp = pct.as_tuple().exponent
        places = min(max(0, -exp), 4) if isinstance(exp, int) else 0
        return fmt_pct(pct, places)

    @classmethod
    def signed(cls, x: Decimal) -> str:
        """A change as a signed percent: '+8%', '−30%', '0%'."""
        text = cls.rate(abs(x))
        return text if not x else ("+" if x > 0 else "\u2212") + text

    @staticmethod
    def ratio(x: Decimal | None) -> str:
        """A derived share (a 4-place fraction) as a percent with 2 decimals: 0.0910 -> '9.10%'."""
        return "—" if x is None else fmt_pct(x * 100, 2)

    @staticmethod
    def price(x: Decimal | None) -> str:
        return "—" if x is None else _esc(fmt_price(x))


# ---------------------------------------------------------------------------------------
# HTML with tables that the layout loop may split between rows


def _style(family: str) -> str:
    return f"""
    body {{ font-family: '{family}'; font-size: 8.5pt; color: {INK}; }}
    h1 {{ font-size: 22pt; font-weight: bold; color: {ACCENT}; margin-top: 0px; margin-bottom: 4px; }}
    h2 {{ font-size: 14pt; font-weight: bold; color: {ACCENT}; margin-top: 0px; margin-bottom: 10px; }}
    h3 {{ font-size: 10.5pt; font-weight: bold; color: {INK}; margin-top: 22px; margin-bottom: 7px; }}
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
    table.kpi {{ border-collapse: collapse; margin-top: 6px; }}
    table.kpi td {{ padding: 9px 10px 9px 10px; border: 0.8px solid {RULE}; }}
    .kpilabel {{ font-size: 7.5pt; color: {MUTED}; font-weight: bold; }}
    .kpivalue {{ font-size: 16pt; font-weight: bold; color: {INK}; }}
    .kpinote {{ font-size: 7.5pt; color: {MUTED}; }}
    table.facts td {{ padding: 2px 14px 2px 0px; }}
    """


@dataclass
class _Col:
    header: str
    width: float  # percent of the table width
    right: bool = False


@dataclass(frozen=True)
class _Emitted:
    """One <table> in the HTML, in document order: which logical table, from which row."""

    table_id: int
    first_row: int
    header_rows: int
    splittable: bool


@dataclass
class _Breaks:
    """Decisions of the layout loop: tables to start on a new page, rows to start one."""

    keep: set[int] = field(default_factory=set)
    rows: dict[int, set[int]] = field(default_factory=dict)


class _Html:
    """Builds one section's HTML; remembers its tables so the layout loop can place breaks."""

    def __init__(self, breaks: _Breaks) -> None:
        self.breaks = breaks
        self.parts: list[str] = []
        self.emitted: list[_Emitted] = []
        self._next_id = 0

    def add(self, s: str) -> None:
        self.parts.append(s)

    def text(self) -> str:
        return "".join(self.parts)

    def _id(self) -> int:
        tid = self._next_id
        self._next_id += 1
        return tid

    def block_table(self, html_table: str, heading: str = "") -> None:
        """A table kept in one piece (key figures, facts)."""
        tid = self._id()
        brk = ' style="page-break-before: always"' if tid in self.breaks.keep else ""
        if heading:
            self.parts.append(f"<h3{brk}>{_esc(heading)}</h3>")
            brk = ""
        self.parts.append(html_table.replace("<table", f"<table{brk}", 1))
        self.emitted.append(_Emitted(tid, 0, 0, False))

    def table(
        self,
        cols: Sequence[_Col],
        rows: Sequence[Sequence[str]],
        total: Sequence[str] | None = None,
        *,
        heading: str = "",
        intro: str = "",
    ) -> None:
        """A data table with a <thead> (repeated on every page), light rules, right-aligned
        numbers and an optional bold total row. Cells are HTML already (escape text first)."""
        tid = self._id()
        keep = tid in self.breaks.keep
        brk = ' style="page-break-before: always"'
        if heading:
            self.parts.append(f"<h3{brk if keep else ''}>{_esc(heading)}</h3>")
            keep = False
        if intro:
            self.parts.append(f'<p class="muted"{brk if keep else ""}>{intro}</p>')
            keep = False
        body: list[str] = []
        for row in rows:
            cells = []
            for c, cell in zip(cols, row, strict=True):
                cells.append(
                    f'<td align="right" class="num">{cell}</td>' if c.right else f"<td>{cell}</td>"
                )
            body.append("<tr>" + "".join(cells) + "</tr>")
        if total is not None:
            cells = []
            for c, cell in zip(cols, total, strict=True):
                align, cls = ("right", "total num") if c.right else ("left", "total")
                cells.append(f'<td align="{align}" class="{cls}">{cell}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        head = "".join(
            f'<th width="{c.width:g}%" align="{"right" if c.right else "left"}">{_esc(c.header)}</th>'
            for c in cols
        )
        cuts = [
            0,
            *sorted(r for r in self.breaks.rows.get(tid, ()) if 0 < r < len(body)),
            len(body),
        ]
        for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
            # a part that continues on the next page ends with a break (a break *before* the
            # next part would leave a stray header rule at the foot of this page)
            style = ' style="page-break-after: always"' if i < len(cuts) - 2 else ""
            if i == 0 and keep:
                style = (
                    brk
                    if not style
                    else ' style="page-break-before: always; page-break-after: always"'
                )
            self.parts.append(
                f'<table class="grid" width="100%" cellspacing="0" cellpadding="0"{style}>'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body[a:b])}</tbody></table>"
            )
            self.emitted.append(_Emitted(tid, a, 1, True))


def _pages_of(top: float, bottom: float, page_h: float) -> tuple[int, int]:
    return int(top // page_h), int(max(top, bottom - 1) // page_h)


def _first_problem(
    doc: QTextDocument, emitted: list[_Emitted], page_h: float
) -> tuple[str, int, int] | None:
    """The first table (in document order) that breaks badly across pages: a short one that
    straddles a page break ("keep", id, 0), or a row split across pages ("row", id, row)."""
    layout = doc.documentLayout()
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    if len(tables) != len(emitted):  # should not happen; leave Qt's own pagination
        return None
    for table, info in zip(tables, emitted, strict=True):
        r = layout.frameBoundingRect(table)
        first, last = _pages_of(r.top(), r.bottom(), page_h)
        if first == last:
            continue
        if info.first_row == 0:
            # the heading and intro paragraph just above the table move with it
            top = r.top()
            block = doc.findBlock(table.firstPosition() - 1)
            for _ in range(3):
                if not block.isValid() or not block.text().strip():
                    break
                if QTextCursor(block).currentFrame() != doc.rootFrame():
                    break
                top = min(top, layout.blockBoundingRect(block).top())
                if block.blockFormat().headingLevel() > 0:
                    break
                block = block.previous()
            if r.bottom() - top <= page_h * KEEP_TOGETHER and top % page_h > 1:
                return ("keep", info.table_id, 0)
        if not info.splittable:
            continue
        for row in range(info.header_rows, table.rows()):
            pages: set[int] = set()
            for col in range(table.columns()):
                cell = table.cellAt(row, col)
                b = cell.firstCursorPosition().block()
                end = cell.lastCursorPosition().position()
                while b.isValid() and b.position() <= end:
                    br = layout.blockBoundingRect(b)
                    pages.update(_pages_of(br.top(), br.bottom(), page_h))
                    b = b.next()
            # split or wholly on a later page: this part ends before the row, the next part
            # starts a page with its own header (Qt's own header repeat leaves a stray rule)
            if len(pages) > 1 or min(pages, default=first) > first:
                data_row = info.first_row + row - info.header_rows
                if row > info.header_rows:  # a row taller than a page cannot be helped
                    return ("row", info.table_id, data_row)
                break
    return None


def _make_doc(
    build: Callable[[_Html], None], family: str, writer: QPdfWriter, size: QSizeF
) -> QTextDocument:
    """Lay a section out on the writer's pages; move short tables whole to the next page and
    split long ones between rows (never inside a row), each part with its header."""
    breaks = _Breaks()
    for _ in range(500):
        h = _Html(breaks)
        build(h)
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(writer)
        doc.setDefaultFont(_font(family, 8.5))
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(_style(family))
        # the page size first: set after the HTML, it would lay the document out twice
        doc.setPageSize(size)
        doc.setHtml(f"<html><body>{h.text()}</body></html>")
        doc.pageCount()  # full layout
        problem = _first_problem(doc, h.emitted, size.height())
        if problem is None:
            return doc
        kind, tid, row = problem
        if kind == "keep":
            breaks.keep.add(tid)
        else:
            breaks.rows.setdefault(tid, set()).add(row)
    return doc


# ---------------------------------------------------------------------------------------
# Sections


def _summary(h: _Html, d: ExportData, f: _Fmt) -> None:
    cur = d.currency
    h.add(f"<h1>{_esc(d.plan_name)}</h1>")
    h.add(
        f'<p class="sub">LLM cost budget &#183; exported {_esc(d.exported_text)} &#183; '
        f"amounts in {_esc(d.currency_text)} per month unless stated</p>"
    )
    savings_note = (
        f"{f.ratio(d.savings_pct)} below the {f.money(d.baseline)} baseline"
        if d.savings_pct is not None
        else "no baseline cost"
    )
    kpis: list[tuple[str, str, str]] = [
        (
            "Monthly expected",
            f.money(d.monthly_expected),
            f"range {f.money(d.monthly_low)} – {f.money(d.monthly_high)}",
        ),
        ("Annual run-rate", f.money(d.annual_run_rate), "12 × this month's expected"),
        ("Next 12 months", f.money(d.next_12_months), "forecast: growth and price trend included"),
        ("Savings per month", f.money(d.savings), savings_note),
        (
            "Cost per request",
            f.small(d.cost_per_request),
            f"{f.count(d.requests)} requests a month",
        ),
    ]
    if d.budget is not None:
        over = d.first_month_over
        buys = f.count(d.requests_affordable) if d.requests_affordable is not None else "—"
        note = (
            f'<span class="warn">forecast exceeds it from {_esc(over)}</span>'
            if over
            else f"forecast stays within it for {d.horizon_months} months"
        )
        kpis.append(
            (
                "Budget headroom",
                f.money(d.headroom),
                f"of a {f.money(d.budget)} monthly budget ({f.ratio(d.headroom_pct)}); "
                f"it buys {buys} requests a month; {note}",
            )
        )
    else:
        kpis.append(
            (
                "Forecast total",
                f.money(d.forecast_total.expected),
                f"{d.horizon_months} months, expected; no monthly budget set",
            )
        )
    grid = ['<table class="kpi" width="100%" cellspacing="0" cellpadding="0">']
    for i in range(0, len(kpis), 3):
        grid.append("<tr>")
        for j, (label, value, note) in enumerate(kpis[i : i + 3]):
            grid.append(
                f'<td width="{34 if j == 2 else 33}%"><span class="kpilabel">{_esc(label.upper())}</span><br/>'
                f'<span class="kpivalue">{value}</span><br/><span class="kpinote">{note}</span></td>'
            )
        grid.append("</tr>")
    grid.append("</table>")
    h.block_table("".join(grid))

    rows = []
    for w in d.waterfall:
        if w.role == "step":
            label, amount = f"&#8722; {_esc(w.label)}", f.money(w.amount)
        else:
            label, amount = f"<b>{_esc(w.label)}</b>", f"<b>{f.money(w.amount)}</b>"
        rows.append([label, amount, f.ratio(w.of_baseline)])
    h.table(
        [_Col("Step", 62), _Col(f"{cur}/month", 24, True), _Col("Of baseline", 14, True)],
        rows,
        heading="Savings waterfall",
    )

    h.table(
        [
            _Col("Model", 40),
            _Col("Provider", 22),
            _Col(f"Expected ({cur}/month)", 24, True),
            _Col("Share", 14, True),
        ],
        [
            [_esc(m.name), _esc(m.provider), f.money(m.monthly), f.ratio(m.share)]
            for m in d.by_model
        ],
        [
            "Total",
            "",
            f.money(d.monthly_expected),
            f.ratio(Decimal(1)) if d.by_model and d.monthly_expected else "",
        ],
        heading="Cost by model",
    )
    ft = d.forecast_total
    if d.forecast:
        last = d.forecast[-1]
        h.add(
            f'<p class="muted" style="margin-top: 14px;">{len(d.forecast)}-month forecast: '
            f"{f.money(ft.expected)} expected (range {f.money(ft.low)} – {f.money(ft.high)}); "
            f"{_esc(last.label)} alone {f.money(last.expected)}. Month by month on the forecast page.</p>"
        )


def _assumptions(h: _Html, d: ExportData, f: _Fmt) -> None:
    h.add("<h2>Assumptions</h2>")
    facts = [
        (
            "Price catalog",
            f"{_esc(d.catalog_name)}, prices as of {_esc(d.catalog_as_of.isoformat())}",
        ),
        ("Currency", _esc(d.currency_text)),
        ("Prices", "USD per 1M tokens; prices pinned in the plan win over the catalog"),
        (
            "Default batch discount",
            f"{f.rate(d.batch_discount)} (for models without batch prices of their own)",
        ),
        (
            "Forecast",
            f"{d.horizon_months} months; volume {f.signed(d.monthly_growth)} a month, "
            f"prices {f.signed(d.yearly_price_trend)} a year",
        ),
    ]
    h.block_table(
        '<table class="facts" cellspacing="0" cellpadding="0">'
        + "".join(f'<tr><td class="muted">{_esc(k)}</td><td>{v}</td></tr>' for k, v in facts)
        + "</table>"
    )

    rows = []
    for m in d.by_model:
        model = f'{_esc(m.name)}<br/><span class="small">{_esc(m.id)}</span>'
        batch = (
            f"{f.price(m.batch_input_effective)} / {f.price(m.batch_output_effective)}"
            f'<br/><span class="small">{_esc(m.batch_text)}</span>'
        )
        extra = [f"as of {m.as_of.isoformat()}" if m.as_of else "no date"]
        if m.pinned:
            extra.append("pinned in the plan")
        if m.long_context_threshold:
            extra.append(
                f"above {fmt_int(m.long_context_threshold)} input tokens: "
                f"{fmt_price(m.long_context_input)} / {fmt_price(m.long_context_output)}"
            )
        src = f'{_esc(m.source or "—")}<br/><span class="small">{_esc("; ".join(extra))}</span>'
        rows.append(
            [
                model,
                f.price(m.input),
                f.price(m.output),
                f.price(m.cache_read),
                f.price(m.cache_write_effective),
                batch,
                src,
            ]
        )
    h.table(
        [
            _Col("Model", 19),
            _Col("Input", 7, True),
            _Col("Output", 8, True),
            _Col("Cache read", 8, True),
            _Col("Cache write", 8, True),
            _Col("Batch in / out", 12, True),
            _Col("Source", 38),
        ],
        rows,
        heading="Prices used (USD per 1M tokens)",
    )

    rows = [
        [
            _esc(r.name),
            _esc(r.routing),
            f.count(r.cached_prefix),
            f.rate(r.cache_hit_rate),
            f.rate(r.batch_share),
            f.rate(r.response_cache_hit_rate),
            f.rate(r.semantic_cache_hit_rate),
        ]
        for r in d.table.rows
    ]
    h.table(
        [
            _Col("Line", 20),
            _Col("Routing", 30),
            _Col("Cached prefix", 10, True),
            _Col("Prompt-cache hit", 10, True),
            _Col("Batch share", 10, True),
            _Col("Response cache", 10, True),
            _Col("Semantic cache", 10, True),
        ],
        rows,
        heading="Levers per line",
    )

    on = [m for m in d.multipliers if m.enabled]
    off = [m for m in d.multipliers if not m.enabled]
    if on:
        h.table(
            [
                _Col("Multiplier (enabled)", 30),
                _Col("Low", 12, True),
                _Col("Expected", 12, True),
                _Col("High", 12, True),
                _Col("Note", 34),
            ],
            [
                [_esc(m.name), f.rate(m.low), f.rate(m.expected), f.rate(m.high), _esc(m.note)]
                for m in on
            ],
            heading="Flat multipliers",
            intro="Savings on every line’s optimized cost, applied one after another: expected for the "
            "budget, high savings for the best case, low savings for the worst case.",
        )
    else:
        h.add('<h3>Flat multipliers</h3><p class="muted">None enabled.</p>')
    if off:
        listed = "; ".join(f"{_esc(m.name)} ({f.rate(m.low)}–{f.rate(m.high)})" for m in off)
        h.add(f'<p class="muted" style="margin-top: 6px;">Not applied: {listed}.</p>')


def _lines(h: _Html, d: ExportData, f: _Fmt) -> None:
    cur = d.currency
    h.add("<h2>Line items</h2>")
    h.add(
        f'<p class="muted">Monthly cost of each line in {_esc(cur)}. Baseline: the line’s own model with no '
        "levers. Optimized: after caches, routing, prompt caching, batch and the enabled multipliers "
        "(expected). Prices and levers per line are on the assumptions page.</p>"
    )
    t = d.table
    rows = [
        [
            _esc(r.name),
            _esc(r.model_name),
            f.count(r.requests),
            f.count(r.input_tokens),
            f.count(r.output_tokens),
            f.money(r.baseline),
            f.money(r.optimized),
            f.ratio(r.share),
        ]
        for r in t.rows
    ]
    total = [
        "Total",
        f"{len(t.rows)} line{'s' if len(t.rows) != 1 else ''}",
        f.count(t.total.requests),
        "",
        "",
        f.money(t.total.baseline),
        f.money(t.total.optimized),
        f.ratio(t.total.share) if t.total.share else "",
    ]
    h.table(
        [
            _Col("Line", 21),
            _Col("Model", 17),
            _Col("Requests per month", 11, True),
            _Col("Input tokens", 8, True),
            _Col("Output tokens", 8, True),
            _Col(f"Baseline ({cur}/mo)", 13, True),
            _Col(f"Optimized ({cur}/mo)", 13, True),
            _Col("Share", 9, True),
        ],
        rows,
        total,
    )


def _forecast(h: _Html, d: ExportData, f: _Fmt) -> None:
    cur = d.currency
    h.add("<h2>Month-by-month forecast</h2>")
    intro = (
        f"Volume {f.signed(d.monthly_growth)} a month, prices {f.signed(d.yearly_price_trend)} a year "
        "(pro rata each month). Low and high: the multipliers’ best and worst cases."
    )
    if d.budget is not None:
        intro += f" Months marked ▲ exceed the {f.money(d.budget)} monthly budget."
    h.add(f'<p class="muted">{intro}</p>')
    rows = []
    for m in d.forecast:
        label = _esc(m.label) + (' <span class="warn">▲</span>' if m.over_budget else "")
        expected = (
            f'<span class="warn">{f.money(m.expected)}</span>'
            if m.over_budget
            else f.money(m.expected)
        )
        rows.append(
            [
                label,
                f.count(m.requests),
                f.money(m.baseline),
                f.money(m.low),
                expected,
                f.money(m.high),
            ]
        )
    ft = d.forecast_total
    h.table(
        [
            _Col("Month", 20),
            _Col("Requests", 16, True),
            _Col(f"Baseline ({cur})", 16, True),
            _Col(f"Low ({cur})", 16, True),
            _Col(f"Expected ({cur})", 16, True),
            _Col(f"High ({cur})", 16, True),
        ],
        rows,
        [
            "Total",
            f.count(ft.requests),
            f.money(ft.baseline),
            f.money(ft.low),
            f.money(ft.expected),
            f.money(ft.high),
        ],
    )
    if d.notes.strip() or d.line_notes or d.notices:
        h.add("<h3>Notes</h3>")
        if d.notes.strip():
            h.add(f"<p>{_multiline(d.notes)}</p>")
        for name, note in d.line_notes:
            h.add(f"<p><b>{_esc(name)}:</b> {_multiline(note)}</p>")
        if d.notices:
            h.add(
                '<p class="muted" style="margin-top: 6px; margin-bottom: 2px;"><b>From the calculation</b></p>'
            )
            h.add("<ul>" + "".join(f"<li>{_esc(n)}</li>" for n in d.notices) + "</ul>")


# ---------------------------------------------------------------------------------------
# Charts


@dataclass
class _ChartPlacement:
    title: str
    item: QImage | QPicture
    rect: QRectF  # the chart's rect in content coordinates
    title_y: float


def _chart_size(item: QImage | QPicture) -> QSizeF:
    if isinstance(item, QImage):
        return QSizeF(item.width(), item.height())
    br = item.boundingRect()
    return QSizeF(br.width(), br.height())


def _layout_charts(
    charts: Sequence[Chart], width: float, height: float, title_h: float, heading_h: float
) -> list[list[_ChartPlacement]]:
    """Each chart at the content width (smaller if it would not fit a page) under its title."""
    pages: list[list[_ChartPlacement]] = []
    current: list[_ChartPlacement] = []
    y = heading_h
    gap = _mm(8)
    for title, item in charts:
        size = _chart_size(item)
        if size.width() <= 0 or size.height() <= 0:
            continue
        w = width
        h = w * size.height() / size.width()
        max_h = height - heading_h - title_h
        if h > max_h:
            h = max_h
            w = h * size.width() / size.height()
        if current and y + title_h + h > height:
            pages.append(current)
            current = []
            y = 0.0
        current.append(_ChartPlacement(title, item, QRectF((width - w) / 2, y + title_h, w, h), y))
        y += title_h + h + gap
    if current:
        pages.append(current)
    return pages


# ---------------------------------------------------------------------------------------
# The page loop


@dataclass
class _Section:
    doc: QTextDocument | None = None
    chart_pages: list[list[_ChartPlacement]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        if self.doc is not None:
            return max(1, self.doc.pageCount())
        return len(self.chart_pages)


class _Pager:
    """Draws one page: header, footer, and a document's page slice or a page of charts."""

    def __init__(
        self, writer: QPdfWriter, painter: QPainter, family: str, data: ExportData
    ) -> None:
        self.writer = writer
        self.p = painter
        self.family = family
        self.data = data
        self.page_w = float(writer.width())
        self.page_h = float(writer.height())
        self.content = QRectF(
            _mm(MARGIN_X),
            _mm(CONTENT_TOP),
            self.page_w - 2 * _mm(MARGIN_X),
            self.page_h - _mm(CONTENT_TOP) - _mm(CONTENT_BOTTOM),
        )

    def font(self, size: float, bold: bool = False) -> QFont:
        return _font(self.family, size, bold)

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.writer)

    def chrome(self, page: int, total: int) -> None:
        p = self.p
        left, right = _mm(MARGIN_X), self.page_w - _mm(MARGIN_X)
        p.save()
        p.setFont(self.font(7.5))
        fm = self.metrics(p.font())
        p.setPen(QColor(MUTED))
        y = _mm(HEADER_Y)
        date = f"Exported {self.data.exported_text}"
        room = right - left - fm.horizontalAdvance(date) - _mm(10)
        head = fm.elidedText(
            f"{self.data.plan_name} · LLM cost budget", Qt.TextElideMode.ElideRight, room
        )
        p.drawText(QPointF(left, y), head)
        p.drawText(QPointF(right - fm.horizontalAdvance(date), y), date)
        pen = QPen(QColor(RULE))
        pen.setWidthF(_dev(0.8))
        p.setPen(pen)
        p.drawLine(QPointF(left, y + _mm(2.2)), QPointF(right, y + _mm(2.2)))
        fy = self.page_h - _mm(FOOTER_Y)
        p.drawLine(QPointF(left, fy - _mm(4)), QPointF(right, fy - _mm(4)))
        p.setPen(QColor(MUTED))
        p.drawText(QPointF(left, fy), f"Cost Planner · amounts in {self.data.currency}")
        label = f"Page {page} of {total}"
        p.drawText(QPointF(right - fm.horizontalAdvance(label), fy), label)
        p.restore()

    def doc_page(self, doc: QTextDocument, index: int) -> None:
        """Page `index` of a paginated document: translate it up and clip to that page."""
        h = self.content.height()
        p = self.p
        p.save()
        p.translate(self.content.left(), self.content.top() - index * h)
        # Qt draws the collapsed border above a table's first row centred on the page edge, so
        # half of it would show at the foot of the previous page: leave out that sliver.
        clip = QRectF(0, index * h, self.content.width(), h - _dev(1.5))
        p.setClipRect(clip)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = clip
        ctx.palette.setColor(QPalette.ColorRole.Text, QColor(INK))
        doc.documentLayout().draw(p, ctx)
        p.restore()

    def chart_page(self, placements: list[_ChartPlacement], first: bool) -> None:
        p = self.p
        p.save()
        p.translate(self.content.topLeft())
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if first:
            p.setFont(self.font(14, True))
            p.setPen(QColor(ACCENT))
            p.drawText(QPointF(0, self.metrics(p.font()).ascent()), "Charts")
        p.setFont(self.font(10.5, True))
        fm = self.metrics(p.font())
        for c in placements:
            p.setPen(QColor(INK))
            title = fm.elidedText(c.title, Qt.TextElideMode.ElideRight, self.content.width())
            p.drawText(QPointF(0, c.title_y + fm.ascent()), title)
            if isinstance(c.item, QImage):
                p.drawImage(c.rect, c.item)
            else:
                br = c.item.boundingRect()
                p.save()
                p.translate(c.rect.topLeft())
                p.scale(c.rect.width() / br.width(), c.rect.height() / br.height())
                p.translate(-br.left(), -br.top())
                c.item.play(p)
                p.restore()
            pen = QPen(QColor(RULE))
            pen.setWidthF(_dev(0.8))
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(c.rect)
        p.restore()


def export_pdf(
    data: ExportData,
    path: Path,
    *,
    page_size: str = "A4",
    charts: Sequence[Chart] = (),
    progress: Progress | None = None,
) -> int:
    """Write the budget PDF and return its page count.

    Pages: summary, assumptions, line items, charts (if any), forecast and notes. The file is
    written to a temp file beside `path` and renamed at the end. `progress(done, total)` is
    called before the first page and after each one; returning False cancels: ExportCancelled
    is raised and neither the file nor the temp file is left behind."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    family = ensure_app()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temp name beside the target; QPdfWriter creates the file itself, so it gets the
    # usual permissions (umask), not mkstemp's 0600.
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    painter = QPainter()
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(DPI)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(PAGE_SIZES[page_size]),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
                QPageLayout.Unit.Millimeter,
            )
        )
        writer.setTitle(f"{data.plan_name}: LLM cost budget")
        writer.setCreator("Cost Planner")
        pages = _render(writer, painter, family, data, charts, progress)
        os.replace(tmp, path)
        return pages
    except BaseException:
        if painter.isActive():
            painter.end()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _render(
    writer: QPdfWriter,
    painter: QPainter,
    family: str,
    data: ExportData,
    charts: Sequence[Chart],
    progress: Progress | None,
) -> int:
    if not painter.begin(writer):
        raise OSError("cannot write the PDF (the PDF writer could not open its file)")
    pager = _Pager(writer, painter, family, data)
    size = QSizeF(pager.content.width(), pager.content.height())
    f = _Fmt(data.currency)

    def doc(build: Callable[[_Html, ExportData, _Fmt], None]) -> _Section:
        return _Section(_make_doc(lambda h: build(h, data, f), family, writer, size))

    sections = [doc(_summary), doc(_assumptions), doc(_lines)]
    if charts:
        title_h = pager.metrics(pager.font(10.5, True)).height() * 1.5
        heading_h = pager.metrics(pager.font(14, True)).height() * 1.8
        chart_pages = _layout_charts(charts, size.width(), size.height(), title_h, heading_h)
        if chart_pages:
            sections.append(_Section(chart_pages=chart_pages))
    sections.append(doc(_forecast))

    total = sum(s.pages for s in sections)
    if progress is not None and progress(0, total) is False:
        raise ExportCancelled("export cancelled")
    page = 0
    for s in sections:
        for i in range(s.pages):
            if page:
                writer.newPage()
            page += 1
            pager.chrome(page, total)
            if s.doc is not None:
                pager.doc_page(s.doc, i)
            else:
                pager.chart_page(s.chart_pages[i], first=i == 0)
            if progress is not None and progress(page, total) is False:
                raise ExportCancelled("export cancelled")
    if not painter.end():
        raise OSError("cannot finish the PDF")
    return total

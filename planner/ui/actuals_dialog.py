"""Plan versus actual in the window: File > Import usage… reads usage files (any format
planner.io.usage reads) and previews what was read, skipped and left unmatched; the variance
view then shows each line planned against actual with the volume / mix / price / lever split,
charts by line, by month and the variance waterfall, Recalibrate (the changes previewed,
applied as one undoable step), and Export PDF / XLSX: the plan's budget with the month's plan
versus actual, through the window's export controller. The figures are
planner.domain.actuals', as `cost-planner actuals` prints them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.actuals import UsageMapping, Variance, recalibrate, variance
from planner.domain.currency import quantum
from planner.domain.errors import InputError
from planner.domain.money import HUNDRED, money
from planner.domain.plan import Plan
from planner.formatting import fmt_int, fmt_money, fmt_pct
from planner.io.usage import FORMATS, LoadedUsage, detect_format, load_usage
from planner.ui.plan_document import PlanDocument
from planner.ui.style import Tone, brush, css, muted_css
from planner.ui.tab_swap import replace_tab

SPLIT = (("volume", "Volume"), ("mix", "Mix"), ("price", "Price"), ("lever", "Levers"))
USAGE_FILTER = "Usage files (*.csv *.json);;All files (*)"


def _table(headers: Sequence[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.verticalHeader().hide()
    t.verticalHeader().setDefaultSectionSize(24)
    return t


def _fill(t: QTableWidget, rows: Sequence[Sequence[Any]], tones: Sequence[Sequence[Tone | None]] | None = None,
          bold_last: bool = False) -> None:
    """Rows of texts; the first column left-aligned, the others right."""
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(str(text))
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tone = tones[r][c] if tones is not None else None
            if tone is not None:
                item.setForeground(brush(tone))
            if bold_last and r == len(rows) - 1:
                f = item.font()
                f.setBold(True)
                item.setFont(f)
            t.setItem(r, c, item)
    t.resizeColumnsToContents()


def _signed(x: Decimal, currency: str) -> str:
    return ("+" if x > 0 else "−" if x < 0 else "") + fmt_money(abs(x), currency)


def _tone(x: Decimal) -> Tone | None:
    return Tone.NEGATIVE if x > 0 else Tone.POSITIVE if x < 0 else None


class UsageImportDialog(QDialog):
    """The files, what was read from each, what was skipped and why, and the usage no line
    of the plan claims. Accepted: `loaded` holds the records for the variance view."""

    def __init__(self, doc: PlanDocument, paths: Sequence[Path] = (), parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import usage — plan versus actual")
        self.doc = doc
        self.paths: list[Path] = list(paths)
        self.loaded: LoadedUsage | None = None
        self.format = QComboBox()
        self.format.addItem("Detect from each file", None)
        for f in FORMATS:
            self.format.addItem(f, f)
        self.format.currentIndexChanged.connect(lambda _i: self.reload())
        self.skip_bad = QCheckBox("Import the good rows of a file with bad rows")
        self.skip_bad.toggled.connect(lambda _on: self.reload())
        add = QPushButton("Add files…")
        add.clicked.connect(lambda _c=False: self.add_files())
        clear = QPushButton("Clear")
        clear.clicked.connect(lambda _c=False: self.set_paths([]))
        top = QHBoxLayout()
        top.addWidget(add)
        top.addWidget(clear)
        top.addWidget(QLabel("Format"))
        top.addWidget(self.format)
        top.addWidget(self.skip_bad)
        top.addStretch(1)
        self.read = _table(["File", "Format", "Entries read", "Days", "Cost in the file"])
        self.skipped = _table(["Skipped", "Why"])
        self.unmatched = _table(["Usage key", "Model", "Cost", "Why it matches no line"])
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.show_variance = self.buttons.addButton("Show plan versus actual", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        for title, widget in (("Read", self.read), ("Skipped, and why", self.skipped),
                              ("Usage no line of the plan claims", self.unmatched)):
            lay.addWidget(QLabel(f"<b>{title}</b>"))
            lay.addWidget(widget, 1)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self.resize(900, 620)
        self.reload()

    def add_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Import usage", "", USAGE_FILTER)
        if chosen:
            self.set_paths([*self.paths, *map(Path, chosen)])

    def set_paths(self, paths: Sequence[Path]) -> None:
        self.paths = list(dict.fromkeys(paths))
        self.reload()

    def reload(self) -> None:
        doc = self.doc
        fmt = self.format.currentData()
        self.loaded = load_usage(self.paths, doc.catalog, fmt, skip_bad=self.skip_bad.isChecked()) if self.paths else None
        loaded = self.loaded
        rows = []
        for p in self.paths:
            mine = [r for r in (loaded.records if loaded else []) if r.source.startswith(f"{p}:")]
            try:
                kind = fmt or detect_format(p)
            except (InputError, OSError):
                kind = "?"
            days = f"{min(r.day for r in mine):%Y-%m-%d} – {max(r.day for r in mine):%Y-%m-%d}" if mine else "—"
            costs = [r.cost for r in mine if r.cost is not None]
            cur = next((r.currency for r in mine if r.currency), "USD") or "USD"
            rows.append([p.name, kind, fmt_int(len(mine)), days,
                         fmt_money(money(sum(costs, Decimal(0)), quantum(cur)), cur) if costs else "—"])
        _fill(self.read, rows)
        problems = loaded.problems if loaded else []
        _fill(self.skipped, [["nothing imported" if loaded.fatal else "skipped", p] for p in problems])
        self._fill_unmatched()

    def _fill_unmatched(self) -> None:
        loaded, doc = self.loaded, self.doc
        ok = loaded is not None and not loaded.fatal and bool(loaded.records)
        self.show_variance.setEnabled(ok)
        if loaded is None:
            self.status.setText("Add the usage files of a month or more: OpenAI usage and costs, LiteLLM, FOCUS, "
                                "or a CSV with date, model, requests and tokens.")
            _fill(self.unmatched, [])
            return
        if not ok:
            why = ("Nothing was imported: fix the files, or import the good rows of a file with bad rows."
                   if loaded.fatal else "The files hold no usage.")
            self.status.setText(f"<span style='{css(Tone.NEGATIVE)}'>{why}</span>")
            _fill(self.unmatched, [])
            return
        try:
            v = variance(doc.plan, doc.catalog, loaded.records, UsageMapping(keys=dict(doc.plan.actuals_mapping)))
        except InputError as e:
            self.status.setText(f"<span style='{css(Tone.NEGATIVE)}'>{e}</span>")
            self.show_variance.setEnabled(False)
            return
        q = quantum(v.currency)
        _fill(self.unmatched, [[u.key, u.model_id, fmt_money(money(u.usage.cost, q), v.currency), u.reason]
                               for u in v.unmatched])
        months = ", ".join(f"{m.month:%Y-%m}" for m in v.months)
        skipped = f"; {loaded.skipped} bad row(s) skipped" if loaded.skipped else ""
        self.status.setText(f"{fmt_int(len(loaded.records))} entries read, covering {months}{skipped}.")


#: the chart tabs after the table (by line, by month, the variance waterfall)
CHART_TABS = ("Chart", "By month", "Variance waterfall")


class VarianceDialog(QDialog):
    """Per line planned versus actual in a month, the variance split, charts, Recalibrate and
    the exports (`exports`: the window's export controller, by default its parent's)."""

    def __init__(self, doc: PlanDocument, loaded: LoadedUsage, parent=None, exports=None) -> None:
        super().__init__(parent)
        self.doc, self.loaded = doc, loaded
        self.exports = exports if exports is not None else getattr(parent, "exports", None)
        self.setWindowTitle(f"Plan versus actual — {doc.display_name}")
        self.variance: Variance | None = None
        self.month = QComboBox()
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.recalibrate_btn = QPushButton("Recalibrate…")
        self.recalibrate_btn.setToolTip("Set each line's volume, tokens per request, cache hit rate, batch share "
                                        "and model mix from the month's actuals; the forecast starts from it")
        self.recalibrate_btn.clicked.connect(lambda _c=False: self.recalibrate())
        top = QHBoxLayout()
        top.addWidget(QLabel("Month"))
        top.addWidget(self.month)
        self.headline = QLabel()
        top.addWidget(self.headline, 1)
        self.export_pdf_btn = QPushButton("Export PDF…")
        self.export_pdf_btn.setToolTip("The plan's PDF budget with this month's plan versus actual")
        self.export_pdf_btn.clicked.connect(lambda _c=False: self.export("pdf"))
        self.export_xlsx_btn = QPushButton("Export XLSX…")
        self.export_xlsx_btn.setToolTip("The plan's workbook with a Variance sheet for this month")
        self.export_xlsx_btn.clicked.connect(lambda _c=False: self.export("xlsx"))
        for b in (self.export_pdf_btn, self.export_xlsx_btn):
            b.setEnabled(self.exports is not None)
            b.setAutoDefault(False)  # (Enter does not start an export)
            top.addWidget(b)
        top.addWidget(self.recalibrate_btn)
        self.lines = _table(["Line", "Planned", "Actual", "Variance", "%", *(t for _, t in SPLIT)])
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(muted_css())
        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.addWidget(self.lines, 1)
        tl.addWidget(self.notes)
        self.export_note = QLabel()
        self.export_note.setStyleSheet(css(Tone.POSITIVE))
        self.export_note.hide()
        self.tabs = QTabWidget()
        self.tabs.addTab(table_page, "By line")
        #: the chart of each chart tab, by tab index, once first shown
        self.charts: dict[int, Any] = {}
        for title in CHART_TABS:
            self.tabs.addTab(QWidget(), title)
        self.tabs.currentChanged.connect(lambda _i: self._draw_chart())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.export_note)
        lay.addWidget(close)
        self.resize(1000, 560)
        for m in sorted({r.month for r in loaded.records}):
            self.month.addItem(f"{m:%Y-%m}", m)
        self.month.setCurrentIndex(self.month.count() - 1)
        self.refresh()

    def refresh(self) -> None:
        doc = self.doc
        month: date | None = self.month.currentData()
        try:
            self.variance = v = variance(doc.plan, doc.catalog, self.loaded.records,
                                         UsageMapping(keys=dict(doc.plan.actuals_mapping)), month)
        except InputError as e:
            self.variance = None
            self.headline.setText(f"<span style='{css(Tone.NEGATIVE)}'>{e}</span>")
            self.recalibrate_btn.setEnabled(False)
            for b in (self.export_pdf_btn, self.export_xlsx_btn):
                b.setEnabled(False)
            return
        for b in (self.export_pdf_btn, self.export_xlsx_btn):
            b.setEnabled(self.exports is not None)
        rows, total = v.shown()
        cur = v.currency
        texts, tones = [], []
        for r in [*rows, total]:
            pct = fmt_pct(r.variance_fraction * HUNDRED, 1) if r.variance_fraction is not None else "—"
            splits = [getattr(r.split, k) for k, _ in SPLIT]
            texts.append([r.name, fmt_money(r.planned, cur), fmt_money(r.actual, cur), _signed(r.variance, cur),
                          ("+" if r.variance > 0 and r.variance_fraction is not None else "") + pct,
                          *(_signed(x, cur) for x in splits)])
            tones.append([None, None, None, _tone(r.variance), _tone(r.variance), *map(_tone, splits)])
        _fill(self.lines, texts, tones, bold_last=True)
        self.headline.setText(f"Planned <b>{fmt_money(total.planned, cur)}</b> · actual "
                              f"<b>{fmt_money(total.actual, cur)}</b> · "
                              f"<span style='{css(_tone(total.variance) or Tone.INFO)}'>{_signed(total.variance, cur)}"
                              "</span>")
        flagged = [f"{m.model_id}: billed {fmt_pct(m.price_gap * HUNDRED, 1)} against the catalog price"
                   for m in v.models if m.flagged]
        self.notes.setText("\n".join(["Volume: more or fewer requests; mix: tokens per request; price: billed "
                                      "against the catalog; levers: caching and batch as used.", *flagged,
                                      *v.notices]))
        self.recalibrate_btn.setEnabled(bool(v.lines))
        self._draw_chart()

    @property
    def chart(self) -> Any:
        """The plan-versus-actual by line chart, once shown."""
        return self.charts.get(1)

    def _draw_chart(self) -> None:
        i = self.tabs.currentIndex()
        if i < 1 or self.variance is None:
            return
        if i not in self.charts:
            from planner.ui.charts.compare_charts import (  # pyqtgraph: loaded when first shown
                MonthPlanActualChart,
                PlanActualChart,
                VarianceWaterfallChart,
            )

            cls = (PlanActualChart, MonthPlanActualChart, VarianceWaterfallChart)[i - 1]
            self.charts[i] = cls()
            replace_tab(self.tabs, i, self.charts[i], CHART_TABS[i - 1])
        chart, v = self.charts[i], self.variance
        if i == 1:
            rows, _total = v.shown()
            chart.draw_rows([r.name for r in rows], [r.planned for r in rows], [r.actual for r in rows], v.currency)
        else:
            chart.draw_variance(v)

    # -- export --------------------------------------------------------------------------------

    def export(self, kind: str) -> bool:
        """The plan's PDF budget or workbook with the month shown's plan versus actual, through
        the window's export controller (a file dialog, atomic, a message either way)."""
        if self.exports is None or self.variance is None:
            return False
        if kind == "pdf":
            ok = self.exports.export_pdf(variance=self.variance)
        else:
            ok = self.exports.export_file("xlsx", variance=self.variance)
        written = self.exports.last_written
        self.export_note.setText(f"Exported {written}" if ok and written is not None else "")
        self.export_note.setVisible(bool(self.export_note.text()))
        return ok

    # -- recalibrate ---------------------------------------------------------------------------

    def changes(self) -> tuple[Plan, list[list[str]]]:
        """The recalibrated plan and its changes as rows (line, field, now, after)."""
        plan = self.doc.plan
        new = recalibrate(plan, self.variance)
        rows = []
        for old, ln in zip(plan.lines, new.lines, strict=True):
            a, b = old.model_dump(mode="json"), ln.model_dump(mode="json")
            rows += [[old.name, f, _short(a[f]), _short(b[f])] for f in b if a[f] != b[f]]
        if new.forecast.start_month != plan.forecast.start_month:
            rows.append(["(forecast)", "start_month", _short(plan.forecast.start_month), _short(new.forecast.start_month)])
        return new, rows

    def recalibrate(self, confirm: bool = True) -> bool:
        if self.variance is None:
            return False
        new, rows = self.changes()
        if not rows:
            self.headline.setText("Recalibrate: the plan matches the month's actuals already.")
            return False
        if confirm and not RecalibratePreview(rows, self).exec():
            return False
        doc = self.doc
        label = f"Recalibrate from the actuals of {self.variance.month:%Y-%m}"
        doc.undo_stack.beginMacro(label)
        doc.set_lines({r: ln for r, ln in enumerate(new.lines) if ln != doc.plan.lines[r]}, label)
        doc.set_plan_attr("forecast", new.forecast, label)
        doc.undo_stack.endMacro()
        self.refresh()
        return True


def _short(v: Any) -> str:
    if v is None:
        return "—"
    return str(v) if not isinstance(v, (list, dict)) or len(str(v)) < 60 else str(v)[:57] + "…"


class RecalibratePreview(QDialog):
    def __init__(self, rows: list[list[str]], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recalibrate from actuals")
        table = _table(["Line", "Field", "Now", "After"])
        _fill(table, rows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Apply (one undo step)", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"{len(rows)} change(s). Undo (Ctrl+Z) takes them all back."))
        lay.addWidget(table, 1)
        lay.addWidget(buttons)
        self.resize(720, 420)

"""Compare: the base plan and up to three scenarios (or plans opened for the comparison) side
by side: the headline figures, each line and each lever with its difference from the first
side (biggest movers first), and charts. Every figure is planner.domain.comparison.compare's."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.comparison import Compared, Comparison, compare
from planner.domain.costing import compute
from planner.domain.errors import InputError
from planner.domain.money import HUNDRED
from planner.domain.plan import Plan
from planner.domain.scenarios import apply_scenario
from planner.domain.summary import fraction_of
from planner.formatting import fmt_money, fmt_pct
from planner.io.plan_files import open_plan
from planner.ui.plan_document import PlanDocument, costable
from planner.ui.style import Tone, brush, muted_css
from planner.ui.tab_swap import replace_tab

MAX_SIDES = 4
NONE = "(none)"


def _delta_text(delta: Decimal | None, fraction: Decimal | None, currency: str) -> tuple[str, str]:
    if delta is None:
        return "—", ""
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    amount = f"{sign}{fmt_money(abs(delta), currency)}"
    pct = (("+" if delta > 0 else "") + fmt_pct(fraction * HUNDRED, 1)) if fraction is not None else "new" if delta else ""
    return amount, pct


class CompareDialog(QDialog):
    """Non-modal: open it from the Workload tab's scenario bar or View > Compare scenarios."""

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Compare — {doc.display_name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.doc = doc
        #: label -> the plan it compares (the document's base and scenarios, then opened files)
        self.options: dict[str, Callable[[], Plan]] = {}
        self._costed: dict[str, Compared] = {}
        self.combos = [QComboBox() for _ in range(MAX_SIDES)]
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(muted_css())
        add_file = QPushButton("Add a plan file…")
        add_file.setToolTip("Compare with another plan (its base and its scenarios)")
        add_file.clicked.connect(lambda _c=False: self.add_file())
        pick = QHBoxLayout()
        for i, c in enumerate(self.combos):
            pick.addWidget(QLabel("against" if i == 1 else "and" if i else "Compare"))
            c.setMinimumContentsLength(16)
            c.currentIndexChanged.connect(lambda _i: self.refresh())
            pick.addWidget(c, 1)
        pick.addWidget(add_file)

        self.headline = self._table()
        self.lines = self._table()
        self.levers = self._table()
        figures = QSplitter(Qt.Orientation.Vertical)
        for title, table in (("Headline figures (a month)", self.headline),
                             ("Per line: optimized a month, difference from the first side (biggest movers first)",
                              self.lines), ("Per lever: what it saves a month", self.levers)):
            box = QWidget()
            bl = QVBoxLayout(box)
            bl.setContentsMargins(0, 4, 0, 0)
            bl.addWidget(QLabel(f"<b>{title}</b>"))
            bl.addWidget(table, 1)
            figures.addWidget(box)
        figures.setSizes([220, 320, 220])
        self.tabs = QTabWidget()
        self.tabs.addTab(figures, "Figures")
        self.charts: QWidget | None = None
        self.tabs.addTab(QWidget(), "Charts")
        self.tabs.currentChanged.connect(lambda _i: self._draw_charts())
        lay = QVBoxLayout(self)
        lay.addLayout(pick)
        lay.addWidget(self.note)
        lay.addWidget(self.tabs, 1)
        self.resize(1100, 720)
        self.comparison: Comparison | None = None
        self._load_options()
        doc.resultChanged.connect(self._document_changed)

    @staticmethod
    def _table() -> QTableWidget:
        t = QTableWidget()
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        t.verticalHeader().hide()
        t.verticalHeader().setDefaultSectionSize(24)
        return t

    # -- the sides -------------------------------------------------------------------------------

    def _load_options(self) -> None:
        stored = self.doc.stored_plan
        own = {"Base plan": lambda: apply_scenario(self.doc.stored_plan, None)}
        for sc in stored.scenarios:
            own[sc.name] = lambda n=sc.name: apply_scenario(self.doc.stored_plan, n)
        files = {k: v for k, v in self.options.items() if k.startswith("📄")}
        self.options = {**own, **files}
        picks = [c.currentText() for c in self.combos]
        defaults = list(own)[:MAX_SIDES]
        for i, c in enumerate(self.combos):
            c.blockSignals(True)
            c.clear()
            c.addItems(([NONE] if i >= 2 else []) + list(self.options))
            want = picks[i] if picks[i] in self.options or picks[i] == NONE else (
                defaults[i] if i < len(defaults) else NONE)
            c.setCurrentText(want)
            c.blockSignals(False)
        self.refresh()

    def add_file(self, path: Path | None = None) -> bool:
        """A plan file's base and scenarios become choices; the base goes into the first free side."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Compare with a plan", "", "Cost plans (*.costplan *.json)")
            if not chosen:
                return False
            path = Path(chosen)
        try:
            plan = open_plan(path)
        except (InputError, OSError) as e:
            self.note.setText(f"{path.name}: {e}")
            return False
        self.options[f"📄 {path.name}"] = lambda: plan
        for sc in plan.scenarios:
            self.options[f"📄 {path.name}: {sc.name}"] = lambda n=sc.name: apply_scenario(plan, n)
        free = next((c for c in self.combos[1:] if c.currentText() == NONE), self.combos[-1])
        self._load_options()
        free.setCurrentText(f"📄 {path.name}")
        return True

    def _document_changed(self) -> None:
        self._costed.clear()
        self._load_options()

    def _side(self, label: str) -> Compared:
        side = self._costed.get(label)
        if side is None:
            plan = self.options[label]()
            catalog = self.doc.catalog
            side = self._costed[label] = Compared(label, plan, compute(costable(plan, catalog), catalog).summary())
        return side

    # -- the figures -------------------------------------------------------------------------------

    def refresh(self) -> None:
        labels = list(dict.fromkeys(c.currentText() for c in self.combos if c.currentText() in self.options))
        try:
            sides = [self._side(label) for label in labels]
            self.comparison = compare(sides)
        except InputError as e:
            self.comparison = None
            self.note.setText(str(e))
            for t in (self.headline, self.lines, self.levers):
                t.setRowCount(0)
            return
        self.note.setText(f"Differences are from '{sides[0].label}'. A cost that goes up is red, one that goes "
                          "down green. Scenarios of this plan follow its edits.")
        pairs = [compare([sides[0], s]) for s in sides[1:]]
        self._fill_headline(sides, pairs)
        self._fill_lines(pairs)
        self._fill_levers(pairs)
        if self.charts is not None:
            self._draw_charts()

    def _put(self, table: QTableWidget, row: int, col: int, text: str, tone: Tone | None = None,
             right: bool = True) -> None:
        item = QTableWidgetItem(text)
        if right:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if tone is not None:
            item.setForeground(brush(tone))
        table.setItem(row, col, item)

    @staticmethod
    def _tone(delta: Decimal | None) -> Tone | None:
        return None if not delta else Tone.NEGATIVE if delta > 0 else Tone.POSITIVE

    def _fill_headline(self, sides: list[Compared], pairs: list[Comparison]) -> None:
        cur = sides[0].summary.currency
        t = self.headline
        rows: list[tuple[str, Callable[[Compared], str]]] = [
            ("Monthly total (expected)", lambda s: fmt_money(s.summary.optimized, cur)),
            ("Range (low – high)", lambda s: f"{fmt_money(s.summary.low, cur)} – {fmt_money(s.summary.high, cur)}"),
            ("Savings from the levers", lambda s: fmt_money(s.summary.savings, cur)),
            ("Next 12 months", lambda s: fmt_money(s.summary.next_12_months, cur)),
            ("Monthly budget", lambda s: fmt_money(s.summary.budget, cur) if s.summary.budget is not None else "—"),
            ("Budget headroom", lambda s: fmt_money(s.summary.headroom, cur) if s.summary.headroom is not None else "—"),
        ]
        t.clear()
        t.setColumnCount(1 + len(sides))
        t.setHorizontalHeaderLabels(["", *(s.label for s in sides)])
        t.setRowCount(len(rows) + 1)
        for r, (label, get) in enumerate(rows):
            self._put(t, r, 0, label, right=False)
            for c, s in enumerate(sides, 1):
                tone = Tone.NEGATIVE if label == "Budget headroom" and (s.summary.headroom or 0) < 0 else None
                self._put(t, r, c, get(s), tone)
        last = len(rows)
        self._put(t, last, 0, f"Difference from '{sides[0].label}'", right=False)
        self._put(t, last, 1, "—")
        for c, p in enumerate(pairs, 2):
            amount, pct = _delta_text(p.delta_monthly, p.delta_fraction, cur)
            self._put(t, last, c, f"{amount} ({pct})" if pct else amount, self._tone(p.delta_monthly))
        t.resizeColumnsToContents()
        t.setMinimumHeight(t.horizontalHeader().sizeHint().height() + t.rowCount() * 24 + 6)

    def _delta_columns(self, table: QTableWidget, first: str, pairs: list[Comparison]) -> None:
        heads = [first, self.comparison.sides[0].label]
        for p in pairs:
            heads += [p.sides[-1].label, "Δ", "Δ %"]
        table.clear()
        table.setColumnCount(len(heads))
        table.setHorizontalHeaderLabels(heads)

    def _fill_lines(self, pairs: list[Comparison]) -> None:
        cur = self.comparison.sides[0].summary.currency
        t = self.lines
        self._delta_columns(t, "Line", pairs)
        order = [d.name for d in self.comparison.lines]
        t.setRowCount(len(order))
        by_pair = [{d.name: d for d in p.lines} for p in pairs]
        for r, name in enumerate(order):
            self._put(t, r, 0, name, right=False)
            first = by_pair[0][name].optimized[0] if by_pair else None
            self._put(t, r, 1, fmt_money(first, cur) if first is not None else "—")
            for i, lines in enumerate(by_pair):
                d = lines[name]
                col = 2 + 3 * i
                self._put(t, r, col, fmt_money(d.optimized[-1], cur) if d.optimized[-1] is not None else "—")
                amount, pct = _delta_text(d.delta, d.delta_fraction, cur)
                self._put(t, r, col + 1, amount if d.status != "same" else "", self._tone(d.delta))
                self._put(t, r, col + 2, pct if d.status != "same" else "", self._tone(d.delta))
        t.resizeColumnsToContents()

    def _fill_levers(self, pairs: list[Comparison]) -> None:
        cur = self.comparison.sides[0].summary.currency
        t = self.levers
        self._delta_columns(t, "Lever", pairs)
        t.setRowCount(len(self.comparison.levers))
        by_pair = [{lv.key: lv for lv in p.levers} for p in pairs]
        for r, lever in enumerate(self.comparison.levers):
            self._put(t, r, 0, lever.label, right=False)
            self._put(t, r, 1, fmt_money(lever.savings[0], cur))
            for i, levers in enumerate(by_pair):
                lv = levers[lever.key]
                col = 2 + 3 * i
                self._put(t, r, col, fmt_money(lv.savings[-1], cur))
                first = lv.savings[0]
                amount, pct = _delta_text(lv.delta, fraction_of(lv.delta, first) if first else None, cur)
                # (a lever saving more lowers the cost: the tone follows the cost)
                self._put(t, r, col + 1, amount if lv.delta else "", self._tone(-lv.delta))
                self._put(t, r, col + 2, pct if lv.delta else "", self._tone(-lv.delta))
        t.resizeColumnsToContents()

    # -- charts ----------------------------------------------------------------------------------

    def _draw_charts(self) -> None:
        if self.tabs.currentIndex() != 1:
            return
        if self.charts is None:
            from planner.ui.charts.compare_charts import (
                CompareCharts,  # pyqtgraph: loaded when first shown
            )

            self.charts = CompareCharts()
            replace_tab(self.tabs, 1, self.charts, "Charts")
        if self.comparison is not None:
            self.charts.draw(self.comparison)

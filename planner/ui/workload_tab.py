"""The Workload tab: the monthly-cost worksheet, the input:output slider, levers and totals."""

from __future__ import annotations

import html
from decimal import Decimal

from pydantic import ValidationError
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.plan import Line
from planner.domain.prices import plan_model
from planner.domain.ranking import DEFAULT_QUALITY_FLOOR
from planner.domain.suggest import Suggestion, suggest_cheaper
from planner.domain.token_mix import input_share, ratio_label, rebalance
from planner.formatting import fmt_money, fmt_pct
from planner.ui import prompts
from planner.ui.cell_numbers import parse_number
from planner.ui.delegates import PER_CHOICES, ChoiceDelegate, ModelDelegate, preset_choices
from planner.ui.levers_panel import LineLeversPanel, PlanLeversPanel
from planner.ui.message_bar import EDIT_REFUSED, MessageBar, Severity
from planner.ui.plan_document import MERGE_SLIDER, PlanDocument
from planner.ui.plan_properties import PlanPropertiesDialog
from planner.ui.scenario_bar import ScenarioBar
from planner.ui.slider_drag import SliderDrag
from planner.ui.steady_label import SteadyLabel
from planner.ui.style import Tone, css, muted_css
from planner.ui.totals_panel import TotalsPanel
from planner.ui.worksheet_model import (
    COL_BASELINE,
    COL_BATCH,
    COL_DAYS,
    COL_GROUP,
    COL_HIT_RATE,
    COL_INPUT,
    COL_MODEL,
    COL_NAME,
    COL_OPTIMIZED,
    COL_OUTPUT,
    COL_PER,
    COL_PER_OUTCOME,
    COL_PER_REQUEST,
    COL_PREFIX,
    COL_PRESET,
    COL_REQUESTS,
    COL_RESPONSE_CACHE,
    COL_ROUTING,
    COL_SEMANTIC_CACHE,
    COL_SHARE,
    COLUMN_COUNT,
    WorksheetModel,
    resolve_typed_model,
)

#: the subject of the message listing lines on models without a price
UNPRICED_LINES = "unpriced lines"
SLIDER_STEPS = 1000  # input share of tokens, in tenths of a percent
DEFAULT_MODEL = "openai/gpt-4-1-mini"

COLUMN_WIDTHS = {
    COL_NAME: 132, COL_GROUP: 76, COL_PRESET: 72, COL_REQUESTS: 70, COL_PER: 58, COL_DAYS: 36, COL_INPUT: 54,
    COL_OUTPUT: 56, COL_MODEL: 116, COL_ROUTING: 90, COL_PREFIX: 52, COL_HIT_RATE: 46, COL_BATCH: 44,
    COL_RESPONSE_CACHE: 56, COL_SEMANTIC_CACHE: 56, COL_BASELINE: 80, COL_OPTIMIZED: 84, COL_PER_REQUEST: 76,
    COL_PER_OUTCOME: 76, COL_SHARE: 58,
}
#: where the columns added after the first ones are shown: (column, the column it follows)
COLUMN_PLACES = ((COL_GROUP, COL_NAME), (COL_PER_OUTCOME, COL_PER_REQUEST))


class WorkloadTab(QWidget):
    statusMessage = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.model = WorksheetModel(doc, self)
        self._slider_base: dict[int, Line] | None = None
        self.slider_drag: SliderDrag | None = None
        self._gesture = 0

        head, tools = self._make_toolbar()
        self._make_worksheet()
        slider_row = self._make_slider()
        self._make_panels()
        self._lay_out(head, tools, slider_row)
        self._follow(doc)

    def _button(self, text: str, tip: str, slot, shortcut: str | QKeySequence.StandardKey | None = None) -> QToolButton:
        """A text button; with a shortcut, one that works anywhere in the tab."""
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip + (f"  ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut else ""))
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.clicked.connect(lambda _checked=False: slot())  # not slot(checked): paste_rows(text) would get a bool
        if shortcut is not None:
            a = QAction(self)
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(lambda _checked=False: slot())
            self.addAction(a)
        return b

    def _make_toolbar(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The plan's heading row (name, properties, summary) and the line buttons."""
        self.btn_add = self._button("Add line", "Add a line below the current one", self.add_line, "Ctrl+Return")
        self.btn_dup = self._button("Duplicate", "Duplicate the selected lines", self.duplicate_lines, "Ctrl+D")
        self.btn_del = self._button("Delete", "Delete the selected lines", self.delete_lines, "Ctrl+Del")
        self.btn_up = self._button("▲ Up", "Move the current line up", lambda: self.move_line(-1), "Ctrl+Shift+Up")
        self.btn_down = self._button("▼ Down", "Move the current line down", lambda: self.move_line(1), "Ctrl+Shift+Down")
        self.btn_paste = self._button("Paste rows", "Paste rows copied from a spreadsheet (name, requests, input, output, model) as new lines",
                                self.paste_rows, "Ctrl+Shift+V")
        self.btn_fill = self._button("Fill down", "Copy the top selected cell into the cells below it", self.fill_down, "Ctrl+Shift+D")
        self.btn_suggest = self._button("Suggest cheaper…", "Cheapest model at or above a quality bar for the current line", self.suggest)

        tools = QHBoxLayout()
        for b in (self.btn_add, self.btn_dup, self.btn_del, self.btn_up, self.btn_down):
            tools.addWidget(b)
        tools.addSpacing(12)
        tools.addWidget(self.btn_paste)
        tools.addWidget(self.btn_fill)
        tools.addSpacing(12)
        tools.addWidget(self.btn_suggest)
        tools.addStretch(1)
        self.summary = SteadyLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.messages = MessageBar()
        self.plan_label = QLabel()
        self.plan_label.setTextFormat(Qt.TextFormat.RichText)
        self.btn_props = self._button("Plan properties…", "Name, owner, cost centre, fiscal year, users and revenue",
                                self.edit_plan_properties)
        head = QHBoxLayout()
        head.addWidget(self.plan_label)
        head.addWidget(self.btn_props)
        head.addStretch(1)
        head.addWidget(self.summary)
        return head, tools

    def _make_worksheet(self) -> None:
        """The worksheet: a line per row, the model, preset and unit cells picked from lists;
        a hint in its place while the plan has no lines."""
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        hh.setHighlightSections(False)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c in range(COLUMN_COUNT):
            self.table.setColumnWidth(c, COLUMN_WIDTHS.get(c, 54))
        for col, after in COLUMN_PLACES:
            hh.moveSection(hh.visualIndex(col), hh.visualIndex(after) + 1)
        self.table.setItemDelegateForColumn(COL_MODEL, ModelDelegate(lambda: self.doc.catalog, self.table))
        self.table.setItemDelegateForColumn(COL_PRESET, ChoiceDelegate(preset_choices(), self.table))
        self.table.setItemDelegateForColumn(COL_PER, ChoiceDelegate(PER_CHOICES, self.table))
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.model.editRejected.connect(self.show_error)
        copy = QAction(self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_cells)
        self.table.addAction(copy)
        self.empty_hint = QLabel(
            "<p style='font-size:12pt'>No lines yet.</p><p>Click <b>Add line</b>, paste rows from a spreadsheet, "
            "or start from a scenario (<b>File → New plan from scenario</b>).</p>"
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setStyleSheet(muted_css())

    def _make_slider(self) -> QHBoxLayout:
        """The input:output slider and whether it moves the selected lines or all of them."""
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setPageStep(50)
        self.slider.setSingleStep(10)
        self.slider.setToolTip("Drag to move tokens between input and output at a constant total per request")
        self.slider.sliderPressed.connect(self._slider_pressed)
        self.slider.sliderReleased.connect(self._slider_released)
        self.slider.valueChanged.connect(self._slider_moved)
        self.slider_label = SteadyLabel("100.0% input · 100.0% output (1e+03:1)")  # sized for the longest
        self.scope_selected = QRadioButton("Selected lines")
        self.scope_all = QRadioButton("All lines")
        self.scope_all.setChecked(True)
        scope = QButtonGroup(self)
        scope.addButton(self.scope_selected)
        scope.addButton(self.scope_all)
        self.scope_selected.toggled.connect(lambda _on: self._sync_slider())
        srow = QHBoxLayout()
        srow.addWidget(QLabel("<b>Input : output</b>"))
        srow.addWidget(QLabel("all output"))
        srow.addWidget(self.slider, 1)
        srow.addWidget(QLabel("all input"))
        srow.addWidget(self.slider_label)
        srow.addWidget(QLabel("Apply to"))
        srow.addWidget(self.scope_selected)
        srow.addWidget(self.scope_all)
        return srow

    def _make_panels(self) -> None:
        """The current line's levers, the plan's levers and the totals."""
        self.line_levers = LineLeversPanel(self.doc)
        self.plan_levers = PlanLeversPanel(self.doc)
        self.totals = TotalsPanel(self.doc)
        for p in (self.line_levers, self.plan_levers, self.totals):
            p.message.connect(self.show_error)

    def _lay_out(self, head: QHBoxLayout, tools: QHBoxLayout, srow: QHBoxLayout) -> None:
        """The worksheet above the three panels, with a splitter between them."""
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(head)
        tl.addLayout(tools)
        tl.addWidget(self.messages)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.empty_hint, 1)
        tl.addLayout(srow)
        tl.insertWidget(2, ScenarioBar(self))  # (after the plan line and the toolbar)

        # the line's levers scroll on their own: their height does not set the panels'
        line_scroll = QScrollArea()
        line_scroll.setWidget(self.line_levers)
        line_scroll.setWidgetResizable(True)
        line_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        line_scroll.setMinimumWidth(320)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(line_scroll)
        bottom.addWidget(self.plan_levers)
        bottom.addWidget(self.totals)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 3)
        bottom.setStretchFactor(2, 5)
        bottom.setChildrenCollapsible(False)
        bottom.setSizes([450, 362, 520])

        # In a narrow window the panels scroll sideways instead of widening the window.
        bottom_scroll = QScrollArea()
        bottom_scroll.setWidget(bottom)
        bottom_scroll.setWidgetResizable(True)
        bottom_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        bottom_scroll.setMinimumHeight(160)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self._sized = False
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_sized", True))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.splitter)

    def _follow(self, doc: PlanDocument) -> None:
        """Show the document's edits, results and structure as they change."""
        doc.undo_stack.indexChanged.connect(self._edited)
        doc.resultChanged.connect(self._result_changed)
        doc.structureChanged.connect(self._structure_changed)
        doc.linesChanged.connect(self._sync_slider)
        doc.linesChanged.connect(self._outcome_column)
        for signal in (doc.settingsChanged, doc.resultChanged):
            signal.connect(self._plan_heading)
        self._plan_heading()
        self._structure_changed()
        self._result_changed()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._sized:  # until the user moves the splitter
            self._initial_split()

    def _plan_heading(self) -> None:
        p = self.doc.plan
        parts = [f"<b>{html.escape(p.name)}</b>"]
        parts += [html.escape(f"{what} {v}") for what, v in (("owner", p.owner), ("cost centre", p.cost_centre)) if v]
        self.plan_label.setText(" · ".join(parts))

    def edit_plan_properties(self) -> bool:
        """File > Plan properties…: True if the dialog was accepted."""
        return bool(PlanPropertiesDialog(self.doc, self).exec())

    def _initial_split(self) -> None:
        """The panels get what they ask for up to 40% of the height (they scroll below that):
        about ten worksheet rows stay visible at 1366x768."""
        h = self.splitter.height()
        wanted = max(self.totals.sizeHint().height(), self.plan_levers.sizeHint().height())
        panels = min(wanted + 8, int(h * 0.40))
        self.splitter.setSizes([h - panels, panels])

    # -- feedback ------------------------------------------------------------------------------

    def _edited(self, _index: int) -> None:
        self.messages.clear(EDIT_REFUSED)
        self._show_broken_lines()

    def show_error(self, message: str) -> None:
        """A refused edit or action: shown until the next edit that succeeds."""
        self.messages.show_message(message, Severity.ERROR, subject=EDIT_REFUSED)
        self.statusMessage.emit(message)

    def _show_broken_lines(self) -> None:
        """Lines on a model without a price: one entry naming them, until each has a model
        (a refused edit's message comes first, until the next edit)."""
        if self.messages.subject == EDIT_REFUSED:
            return
        broken = self.doc.broken_lines
        if broken:
            self.messages.show_message("\n".join(broken.values()), Severity.ERROR, subject=UNPRICED_LINES)
        else:
            self.messages.clear(UNPRICED_LINES)

    def _result_changed(self) -> None:
        self._show_broken_lines()
        r = self.doc.result
        if r is None:
            self.summary.setText(f"<span style='{css(Tone.NEGATIVE)}'>{html.escape(self.doc.error or '')}</span>")
            return
        sm = r.summary()
        pct = f" ({fmt_pct(sm.savings_pct, 2)})" if sm.savings_pct is not None else ""
        self.summary.setText(
            f"Baseline <b>{fmt_money(sm.baseline, r.currency)}</b> · Optimized <b>{fmt_money(sm.optimized, r.currency)}</b>/month"
            f" · saves {fmt_money(sm.savings, r.currency)}{pct}"
        )

    def _outcome_column(self, *_args) -> None:
        """The cost per outcome shows once a line names a success rate."""
        self.table.setColumnHidden(COL_PER_OUTCOME, not any(ln.success_rate is not None for ln in self.doc.plan.lines))

    def _structure_changed(self) -> None:
        self._outcome_column()
        empty = not self.doc.plan.lines
        self.table.setVisible(not empty)
        self.empty_hint.setVisible(empty)
        for b in (self.btn_dup, self.btn_del, self.btn_up, self.btn_down, self.btn_fill, self.btn_suggest, self.slider):
            b.setEnabled(not empty)
        self.line_levers.set_row(self.current_row())
        self._sync_slider()

    # -- selection -----------------------------------------------------------------------------

    def current_row(self) -> int | None:
        idx = self.table.currentIndex()
        if idx.isValid():
            return idx.row()
        return 0 if self.doc.plan.lines else None

    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedIndexes()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        return sorted(rows)

    def select_row(self, row: int, column: int = COL_NAME) -> None:
        idx = self.model.index(row, column)
        self.table.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(idx)

    def _current_row_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        self.line_levers.set_row(current.row() if current.isValid() else None)

    def _selection_changed(self) -> None:
        self._sync_slider()

    # -- lines ---------------------------------------------------------------------------------

    def _default_line(self) -> Line:
        row = self.current_row()
        if row is not None:
            base = self.doc.plan.lines[row]
            model = base.model
        else:
            model = DEFAULT_MODEL if DEFAULT_MODEL in self.doc.catalog else self.doc.catalog.models[0].id
        n = len(self.doc.plan.lines) + 1
        names = {line.name for line in self.doc.plan.lines}
        name = f"Line {n}"
        while name in names:
            n += 1
            name = f"Line {n}"
        return Line(name=name, requests=Decimal(10_000), input_tokens=Decimal(500), output_tokens=Decimal(200), model=model)

    def add_line(self) -> None:
        row = self.current_row()
        at = len(self.doc.plan.lines) if row is None else row + 1
        line = self._default_line()
        self.doc.insert_lines(at, [line], f"Add line '{line.name}'")
        self.select_row(at)
        self.table.edit(self.model.index(at, COL_NAME))

    def duplicate_lines(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        copies = [self.doc.plan.lines[r].model_copy(update={"name": f"{self.doc.plan.lines[r].name} (copy)"}) for r in rows]
        self.doc.insert_lines(rows[-1] + 1, copies, f"Duplicate {len(rows)} line(s)")
        self.select_row(rows[-1] + 1)

    def delete_lines(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        self.doc.remove_lines(rows, f"Delete {len(rows)} line(s)")
        if self.doc.plan.lines:
            self.select_row(min(rows[0], len(self.doc.plan.lines) - 1))
        self.statusMessage.emit(f"Deleted {len(rows)} line(s). Undo with Ctrl+Z.")

    def move_line(self, delta: int) -> None:
        row = self.current_row()
        if row is None:
            return
        to = row + delta
        if 0 <= to < len(self.doc.plan.lines):
            col = max(self.table.currentIndex().column(), 0)
            self.doc.move_line(row, to)
            self.select_row(to, col)

    # -- clipboard ---------------------------------------------------------------------------

    def copy_cells(self) -> None:
        """Selected cells as tab-separated text (plain numbers), for a spreadsheet."""
        idxs = self.table.selectionModel().selectedIndexes()
        if not idxs:
            return
        rows = sorted({i.row() for i in idxs})
        cols = sorted({i.column() for i in idxs})
        chosen = {(i.row(), i.column()) for i in idxs}
        out = []
        for r in rows:
            cells = []
            for c in cols:
                if (r, c) in chosen:
                    v = self.model.index(r, c).data(Qt.ItemDataRole.EditRole)
                    cells.append("" if v is None else str(v) if c not in (COL_BASELINE, COL_OPTIMIZED) else
                                 self.model.index(r, c).data(Qt.ItemDataRole.DisplayRole))
                else:
                    cells.append("")
            out.append("\t".join(cells))
        QGuiApplication.clipboard().setText("\n".join(out))

    def paste_rows(self, text: str | None = None) -> bool:
        """Tab-separated rows -> new lines, all or nothing, one undo step. Columns: name,
        requests per month, input tokens, output tokens, model (id or name; optional).
        A header row (first cell 'name', 'line' or 'feature') is skipped."""
        if text is None:
            text = QGuiApplication.clipboard().text()
        rows = [r for r in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if r.strip()]
        if rows and rows[0].split("\t")[0].strip().lower() in ("name", "line", "feature", "task"):
            rows = rows[1:]
        if not rows:
            self.show_error("Nothing to paste: copy rows with name, requests, input tokens, output tokens and model.")
            return False
        default = self._default_line()
        lines: list[Line] = []
        unresolved: list[str] = []
        for n, row in enumerate(rows, 1):
            cells = [c.strip() for c in row.split("\t")]
            try:
                if len(cells) < 4:
                    raise ValueError(f"expected at least 4 columns (name, requests, input, output), found {len(cells)}")
                pasted = Line(name=cells[0] or f"Pasted {n}", requests=parse_number(cells[1]),
                              input_tokens=parse_number(cells[2]), output_tokens=parse_number(cells[3]),
                              model=default.model)
            except (ValueError, ValidationError) as e:
                msg = e.errors()[0].get("msg") if isinstance(e, ValidationError) else str(e)
                self.show_error(f"Paste: row {n} ('{cells[0] if cells else ''}'): {msg}. Nothing was pasted.")
                return False
            try:
                model = resolve_typed_model(self.doc, cells[4]) if len(cells) > 4 and cells[4] else default.model
            except ValueError as e:
                unresolved.append(f"row {n} ('{cells[0]}'): {e}")
                continue
            lines.append(pasted.model_copy(update={"model": model}))
        if unresolved and not self._paste_the_rest(unresolved, len(lines)):
            return False
        at = len(self.doc.plan.lines)
        self.doc.insert_lines(at, lines, f"Paste {len(lines)} line(s)")
        self.select_row(at)
        self.statusMessage.emit(f"Pasted {len(lines)} line(s).")
        if unresolved:
            self.show_error("Paste: left out " + "; ".join(unresolved) + ".")
        return True

    def _paste_the_rest(self, unresolved: list[str], n_ok: int) -> bool:
        """Rows whose model could not be resolved: listed; the others pasted if the user agrees."""
        listing = "\n".join(unresolved)
        if not n_ok:
            self.show_error(f"Paste: no row names a model in the catalog. {listing}. Nothing was pasted.")
            return False
        text = (f"{len(unresolved)} row(s) name a model that is not in the catalog:\n{listing}\n\n"
                f"Paste the other {n_ok} row(s)?")
        if prompts.ask(self, text, prompts.Button.Yes | prompts.Button.No, prompts.Button.Yes) != prompts.Button.Yes:
            self.show_error(f"Paste: {listing}. Nothing was pasted.")
            return False
        return True

    def fill_down(self) -> None:
        """The top selected cell's value copied down its column over the selection: one undo step."""
        idxs = self.table.selectionModel().selectedIndexes()
        by_col: dict[int, list[int]] = {}
        for i in idxs:
            by_col.setdefault(i.column(), []).append(i.row())
        changes: dict[int, Line] = {}
        for col, rows in by_col.items():
            rows.sort()
            if len(rows) < 2 or not (self.model.flags(self.model.index(rows[0], col)) & Qt.ItemFlag.ItemIsEditable):
                continue
            value = self.model.index(rows[0], col).data(Qt.ItemDataRole.EditRole)
            for r in rows[1:]:
                line = changes.get(r, self.doc.plan.lines[r])
                try:
                    fields = self.model.fields_for(line, col, value)
                    if fields:
                        changes[r] = Line.model_validate({**line.model_dump(), **fields})
                except (ValueError, ValidationError) as e:
                    msg = e.errors()[0].get("msg") if isinstance(e, ValidationError) else str(e)
                    self.show_error(f"Fill down: line {r + 1} '{line.name}': {msg}. Nothing was changed.")
                    return
        if not changes:
            self.show_error("Fill down: select a cell and the cells below it in the same column.")
            return
        self.doc.set_lines(changes, f"Fill down {len(changes)} line(s)")

    # -- slider ----------------------------------------------------------------------------

    def slider_rows(self) -> list[int]:
        if self.scope_selected.isChecked():
            return self.selected_rows()
        return list(range(len(self.doc.plan.lines)))

    def _share_of(self, rows: list[int]) -> Decimal | None:
        return input_share([self.doc.plan.lines[r] for r in rows])

    def _sync_slider(self, *_args) -> None:
        if self._slider_base is not None:
            return
        share = self._share_of(self.slider_rows())
        self.slider.blockSignals(True)
        self.slider.setValue(int(share * SLIDER_STEPS) if share is not None else SLIDER_STEPS // 2)
        self.slider.blockSignals(False)
        self._slider_text(share)

    def _slider_text(self, share: Decimal | None) -> None:
        self.slider_label.setText(ratio_label(share))

    def _slider_pressed(self) -> None:
        self._slider_base = {r: self.doc.plan.lines[r] for r in self.slider_rows()}
        self.slider_drag = SliderDrag(self.doc, self._slider_base, "Rebalance input:output", self._merge_id(),
                                self._rebalance_to, self)

    def _slider_released(self) -> None:
        if self.slider_drag is not None:
            self.slider_drag.finish(Decimal(self.slider.value()) / SLIDER_STEPS)
            self.slider_drag.deleteLater()
            self.slider_drag = None
        self._slider_base = None
        self._gesture += 1
        self._sync_slider()

    def _merge_id(self) -> int:
        return MERGE_SLIDER * 1000 + self._gesture % 1000

    def _slider_moved(self, value: int) -> None:
        share = Decimal(value) / SLIDER_STEPS
        self._slider_text(share)
        if self.slider_drag is not None:
            # a drag: the slider and its label follow at once, the figures as soon as the
            # plan is costed at the newest share (off the UI thread)
            self.slider_drag.move(share)
            return
        self._rebalance_to(share)
        self._gesture += 1  # a keyboard step is its own undo step

    def _rebalance_to(self, share: Decimal) -> None:
        """Move the slider's lines to `share` now (one step of the drag's undo step, or a
        keyboard step's own)."""
        base = self._slider_base or {r: self.doc.plan.lines[r] for r in self.slider_rows()}
        if not base:
            return
        changes = dict(zip(base, rebalance(list(base.values()), share), strict=True))
        changes = {r: ln for r, ln in changes.items() if ln != self.doc.plan.lines[r]}
        # (rows whose rounded tokens did not move at this step are left out; the drag's
        # commands still merge into one undo step, see _ReplaceLines.mergeWith)
        if changes:
            self.doc.set_lines(changes, "Rebalance input:output", merge_id=self._merge_id())

    # -- suggest ---------------------------------------------------------------------------

    def suggest(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if row in self.doc.broken_lines:
            self.show_error(f"Suggest cheaper: pick a model for line {row + 1} first.")
            return
        dlg = SuggestDialog(self.doc, row, self)
        if dlg.exec() and dlg.suggestion is not None:
            s = dlg.suggestion
            line = self.doc.plan.lines[row]
            self.doc.set_line_fields(row, f"Switch '{line.name}' to {s.model.name}", model=s.model.id, routing=[])
            self.statusMessage.emit(f"'{line.name}' now runs on {s.model.name}; saves {fmt_money(s.saving, self.doc.plan.currency.code)}/month.")


class SuggestDialog(QDialog):
    """Cheapest model at or above a quality bar for one line, with the saving it brings."""

    def __init__(self, doc: PlanDocument, row: int, parent=None) -> None:
        super().__init__(parent)
        self.doc, self.row = doc, row
        self.suggestion: Suggestion | None = None
        line = doc.plan.lines[row]
        self.setWindowTitle(f"Suggest a cheaper model for '{line.name}'")
        self.metric_key = doc.catalog.default_quality_metric
        self.quality = QDoubleSpinBox()
        self.quality.setRange(0, 100)
        self.quality.setDecimals(0)
        own = plan_model(doc.plan, doc.catalog, line.model)
        own_q = own.quality.get(self.metric_key) if own is not None else None
        self.quality.setValue(own_q if own_q is not None else DEFAULT_QUALITY_FLOOR)
        self.quality.valueChanged.connect(self._update)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(440)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.switch = QPushButton("Switch model")
        self.buttons.addButton(self.switch, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(f"Quality at least ({self.metric_key})", self.quality)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.text)
        lay.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        cur = self.doc.plan.currency.code
        self.suggestion = suggest_cheaper(self.doc.plan, self.doc.catalog, self.row, self.metric_key, self.quality.value())
        s = self.suggestion
        if s is None:
            self.text.setText("No model at or above this quality costs less for this line.")
            self.switch.setEnabled(False)
            return
        self.switch.setEnabled(True)
        self.text.setText(
            f"<b>{html.escape(s.model.name)}</b> ({html.escape(s.model.provider)}, quality {s.quality:g}) would cost "
            f"<b>{fmt_money(s.new_cost, cur)}</b>/month instead of {fmt_money(s.old_cost, cur)}: "
            f"saves <b>{fmt_money(s.saving, cur)}</b> ({fmt_pct(s.saving_pct)}). "
            "The line's routing mix is cleared; every other lever stays. You can undo the switch."
        )


__all__ = ["WorkloadTab", "QMessageBox"]

"""The Models tab: browse, filter, rank, compare and edit the price catalog.

Its widgets are built first and its catalog attached after (`attach`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.tiers import Tier
from planner.ui import prompts
from planner.ui.catalog_columns import (
    COL_BLENDED,
    COL_COMPOSITE,
    COL_COST_PER_POINT,
    COL_MODEL,
    COL_VALUE,
    COLUMN_COUNT,
    HIDDEN_BY_DEFAULT,
    LEGACY_COLUMN_COUNT,
    LONG_CONTEXT_TOKENS,
    MAX_COMPARE,
)
from planner.ui.message_bar import EDIT_REFUSED, MessageBar, Severity
from planner.ui.prompts import Button
from planner.ui.roles import ROW_ROLE

if TYPE_CHECKING:
    from planner.domain.catalog import ModelPrice
    from planner.ui.catalog_proxy import CatalogFilterProxy
    from planner.ui.catalog_table_model import CatalogTableModel
    from planner.ui.session import Session

RATIO_MIN, RATIO_MAX = 1, 10


class ComparePanel(QWidget):
    """Selected models side by side."""

    closed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from planner.ui.compare_model import CompareTableModel

        self.model = CompareTableModel(self)
        self.title = QLabel("<b>Compare</b>")
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close the comparison (Esc)")
        close.clicked.connect(self.closed.emit)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(close)
        # prices and metrics on the left, task costs on the right: the whole comparison fits
        # a 1366x768 screen without scrolling (each half scrolls if it must)
        self.view = self._half()
        self.tasks_view = self._half()
        halves = QHBoxLayout()
        halves.addWidget(self.view, 1)
        halves.addWidget(self.tasks_view, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(head)
        lay.addLayout(halves, 1)

    def _half(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setAlternatingRowColors(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        vh = view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(view.fontMetrics().height() + 4)
        vh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return view

    def _split_rows(self) -> None:
        split = self.model.tasks_row()
        for r in range(self.model.rowCount()):
            self.view.setRowHidden(r, r >= split)
            self.tasks_view.setRowHidden(r, r < split)

    def head_height(self) -> int:
        """The height above the tables: the title row, the spacing and the margins."""
        lay = self.layout()
        m = lay.contentsMargins()
        return lay.itemAt(0).sizeHint().height() + lay.spacing() + m.top() + m.bottom()

    def rows_height(self) -> int:
        """The height that shows every row of the taller half, headers included."""
        views = (self.view, self.tasks_view)
        return max(v.horizontalHeader().sizeHint().height() + sum(
            v.rowHeight(r) for r in range(self.model.rowCount()) if not v.isRowHidden(r)) + 2 * v.frameWidth()
            for v in views) + 2

    def show_models(self, models: list[ModelPrice], metric: str, ratio: float) -> None:
        self.model.set_models(models, metric, ratio)
        self._split_rows()
        names = ", ".join(m.name for m in models)
        self.title.setText(f"<b>Compare</b> — {names}. Green marks the best of each row.")


class ModelsTab(QWidget):
    """Controls on top, the catalog table, the comparison below it."""

    statusMessage = Signal(str)
    modelActivated = Signal(str)

    def __init__(self, session: Session | None = None, parent=None) -> None:
        """With a session, a working tab. Without one, the widgets only until `attach(session)`."""
        super().__init__(parent)
        self.session: Session | None = None
        self.model: CatalogTableModel | None = None
        self.proxy: CatalogFilterProxy | None = None
        self.compare: ComparePanel | None = None
        self._workload_ratio: float | None = None
        self._fitted = False  # the Model column fitted to the table's width once shown
        self._ratio_timer = QTimer(self, singleShot=True, interval=150)
        self._ratio_timer.timeout.connect(self._apply_workload_ratio)

        self._make_filters()
        self._make_ratio()
        self._make_buttons()
        self._make_table()
        self._lay_out()
        self._add_shortcuts()

        if session is not None:
            self.attach(session)

    def _make_filters(self) -> None:
        """Search, quality metric and floor, tier and provider, the capability boxes, and
        whether unpriced models are ranked."""
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, provider or id  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(110)
        self._search_timer = QTimer(self, singleShot=True, interval=60)
        self._search_timer.timeout.connect(lambda: self.proxy.set_filters(search=self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

        self.metric_combo = QComboBox()
        self.metric_combo.setToolTip("Quality metric used for the quality, value, $ per point and composite columns")
        self.metric_combo.currentIndexChanged.connect(self._metric_changed)

        self.coverage = QLabel()
        self.coverage.setMinimumWidth(1)  # (a narrow window cuts it rather than widening itself)
        self.coverage.setToolTip("How many of the catalog's models have a score on the chosen quality metric; "
                                 "models without one have no quality, value or composite")

        self.floor = QDoubleSpinBox()
        self.floor.setRange(0, 100)
        self.floor.setDecimals(0)
        self.floor.setSingleStep(5)
        self.floor.setSpecialValueText("none")
        self.floor.setToolTip("Quality floor: models under it (or without a score) are left out of the ranking, not deleted")
        self.floor.valueChanged.connect(self._floor_changed)

        self.tier = QComboBox()
        self.tier.addItem("All tiers", None)
        for t in Tier:
            self.tier.addItem(t.value.capitalize(), t.value)
        self.tier.setToolTip("Premium: input ≥ $2.50/1M; mid: $0.40–$2.50; budget: under $0.40 (unless the catalog says otherwise)")
        self.tier.currentIndexChanged.connect(lambda _i: self.proxy.set_filters(tier=self.tier.currentData()) or self._update_count())

        self.provider = QComboBox()
        for combo in (self.metric_combo, self.provider):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.metric_combo.setMinimumContentsLength(13)
        self.provider.currentIndexChanged.connect(lambda _i: self.proxy.set_filters(provider=self.provider.currentData()) or self._update_count())

        self.vision = QCheckBox("Vision")
        self.vision.setToolTip("Only models that accept images")
        self.tools = QCheckBox("Tools")
        self.tools.setToolTip("Only models with tool / function calling")
        self.long_ctx = QCheckBox("Long context")
        self.long_ctx.setToolTip(f"Only models with a context window of {LONG_CONTEXT_TOKENS // 1000}K tokens or more")
        for box, key in ((self.vision, "need_vision"), (self.tools, "need_tools"), (self.long_ctx, "need_long_context")):
            box.toggled.connect(lambda on, key=key: self.proxy.set_filters(**{key: on}) or self._update_count())

        self.include_free = QCheckBox("Include unpriced")
        self.include_free.setToolTip("Include free / unpriced models: rank models with no price (input and output $0: "
                                     "an import's unpriced or free entries) too. Off: they are left out, so \"cheapest\" lists real prices")
        self.include_free.toggled.connect(self._include_free_toggled)

    def _make_ratio(self) -> None:
        """The input:output blend of the blended price, or the open plan's own."""
        self.ratio = QSlider(Qt.Orientation.Horizontal)
        self.ratio.setRange(RATIO_MIN, RATIO_MAX)
        self.ratio.setValue(3)
        self.ratio.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.ratio.setPageStep(1)
        self.ratio.setFixedWidth(160)
        self.ratio.setToolTip("Input:output blend ratio for the blended price column: (r × input + output) / (r + 1)")
        self.ratio_label = QLabel("3:1")
        self.ratio_label.setMinimumWidth(44)
        self.ratio.valueChanged.connect(self._ratio_changed)
        self.workload_ratio = QCheckBox("My workload's ratio")
        self.workload_ratio.setEnabled(False)
        self.workload_ratio.setToolTip("Use the input:output ratio of the open plan (available once a plan has lines)")
        self.workload_ratio.toggled.connect(self._workload_ratio_toggled)

    def _make_buttons(self) -> None:
        """Sorting shortcuts, Compare, and the buttons that change the catalog."""
        self.best_value = QPushButton("Best value")
        self.best_value.setToolTip("Sort by value (quality ÷ input price), best first")
        self.best_value.clicked.connect(lambda: self.sort_by(COL_VALUE, Qt.SortOrder.DescendingOrder))
        self.cheapest = QPushButton("Cheapest blended")
        self.cheapest.setToolTip("Sort by blended price at the chosen ratio, cheapest first")
        self.cheapest.clicked.connect(lambda: self.sort_by(COL_BLENDED, Qt.SortOrder.AscendingOrder))
        self.compare_btn = QPushButton("Compare")
        self.compare_btn.setToolTip(f"Select 2–{MAX_COMPARE} models (Ctrl+click) and compare them side by side")
        self.compare_btn.setEnabled(False)
        self.compare_btn.clicked.connect(self.compare_selected)
        self.add_btn = QPushButton("Add model…")
        self.add_btn.setToolTip("Add your own model: a negotiated rate or a self-hosted model")
        self.add_btn.clicked.connect(self.add_model)
        self.reset_btn = QPushButton("Reset to shipped price")
        self.reset_btn.setToolTip("Undo all your edits to the selected models")
        self.reset_btn.setEnabled(False)
        self.reset_btn.clicked.connect(self.reset_selected)
        self.delete_btn = QPushButton("Delete")
        self.delete_btn.setToolTip("Delete models you added (shipped models can only be reset)")
        self.delete_btn.setEnabled(False)
        self.delete_btn.clicked.connect(self.delete_selected)

        self.count = QLabel()
        self.messages = MessageBar()

    def _make_table(self) -> None:
        """The catalog table (sortable, prices editable, columns hidden from its header's
        menu) above the comparison panel."""
        self.table = QTableView()
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        hh.setHighlightSections(False)
        hh.setMinimumSectionSize(40)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        hh.setToolTip("Click to sort; right-click to show or hide columns")
        self.table.doubleClicked.connect(self._double_clicked)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)  # (and the comparison 2, once it is made)

    def _lay_out(self) -> None:
        """Three rows of controls, the message bar, then the table."""
        row1 = QHBoxLayout()
        row1.addWidget(self.search, 2)
        row1.addSpacing(8)
        row1.addWidget(QLabel("Quality"))
        row1.addWidget(self.metric_combo)
        row1.addWidget(self.coverage)
        row1.addWidget(QLabel("Floor"))
        row1.addWidget(self.floor)
        row1.addSpacing(8)
        row1.addWidget(self.tier)
        row1.addWidget(self.provider)
        row1.addStretch(1)
        row1.addWidget(self.count)

        row2 = QHBoxLayout()
        row2.addWidget(self.vision)
        row2.addWidget(self.tools)
        row2.addWidget(self.long_ctx)
        row2.addSpacing(16)
        row2.addWidget(QLabel("Blend input:output"))
        row2.addWidget(self.ratio)
        row2.addWidget(self.ratio_label)
        row2.addWidget(self.workload_ratio)
        row2.addStretch(1)

        row3 = QHBoxLayout()
        row3.addWidget(self.best_value)
        row3.addWidget(self.cheapest)
        row3.addWidget(self.include_free)
        row3.addWidget(self.compare_btn)
        row3.addStretch(1)
        row3.addWidget(self.add_btn)
        row3.addWidget(self.reset_btn)
        row3.addWidget(self.delete_btn)

        lay = QVBoxLayout(self)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addLayout(row3)
        lay.addWidget(self.messages)
        lay.addWidget(self.splitter, 1)

    def _add_shortcuts(self) -> None:
        """Ctrl+F to the search; Escape closes the comparison."""
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)
        esc = QAction(self)
        esc.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        esc.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.triggered.connect(self.close_compare)
        self.addAction(esc)

    def attach(self, session: Session) -> None:
        """Show `session`'s catalog: the table model, the ranking, the filters' choices."""
        from planner.ui.catalog_proxy import CatalogFilterProxy
        from planner.ui.catalog_table_model import CatalogTableModel

        self.session = session
        session.undo_stack.indexChanged.connect(lambda _i: self.messages.clear(EDIT_REFUSED))
        self.model = CatalogTableModel(session, self)
        self.proxy = CatalogFilterProxy(self.model, self)
        self.proxy.filtered.connect(self._update_count)  # (the search box's filter too)
        self.ratio_label.setText(f"{self.ratio.value()}:1")
        self._fill_metrics()
        self._fill_providers()
        hh = self.table.horizontalHeader()
        self.table.setModel(self.proxy)
        self._set_column_widths()
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(COL_VALUE, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # sorts once, by the indicator: best value first
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.model.editRejected.connect(self.show_error)
        session.catalogChanged.connect(self._catalog_changed)
        self._update_count()

    # -- helpers -----------------------------------------------------------------------------

    def _fill_metrics(self) -> None:
        from planner.domain.catalog import metric_label

        self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for key in self.session.catalog.quality_metrics:
            label = metric_label(key)
            self.metric_combo.addItem(label, key)
        i = self.metric_combo.findData(self.model.metric)
        self.metric_combo.setCurrentIndex(max(i, 0))
        self.metric_combo.blockSignals(False)

    def _fill_providers(self) -> None:
        current = self.provider.currentData()
        self.provider.blockSignals(True)
        self.provider.clear()
        self.provider.addItem("All providers", None)
        for p in self.session.catalog.providers:
            self.provider.addItem(p, p)
        i = self.provider.findData(current)
        self.provider.setCurrentIndex(max(i, 0))
        self.provider.blockSignals(False)

    #: Columns sized to their header and the rows sampled, within these bounds (pixels).
    MIN_COLUMN, MAX_COLUMN, MODEL_COLUMN = 44, 130, (140, 220)
    #: The Model column grows to this on a wide window (long names in full).
    MODEL_WIDEST = 320
    #: Rows measured for a column's width: the first screenful (an import can bring
    #: thousands, and measuring 300 rows of every column cost ~0.1 s at start-up)
    WIDTH_SAMPLE_ROWS = 40

    def _set_column_widths(self) -> None:
        """Each column as wide as its header's longest line and its widest sampled cell; then
        the Model column gives up width (down to its minimum) until the visible columns fit
        the table, so that a 1366-pixel window shows every default column (or takes some of
        the room a wide window leaves). A header
        narrower than its title elides it; its tooltip says it in full."""
        fm = self.table.fontMetrics()
        hfm = self.table.horizontalHeader().fontMetrics()
        view = self.proxy
        rows = min(view.rowCount(), self.WIDTH_SAMPLE_ROWS)
        for c in HIDDEN_BY_DEFAULT:
            self.table.setColumnHidden(c, True)
        for c in range(view.columnCount()):
            title = str(view.headerData(c, Qt.Orientation.Horizontal) or "")
            head = max((hfm.horizontalAdvance(line) for line in title.split("\n")), default=0) + 22
            hidden = self.table.isColumnHidden(c)  # (sized from its header until it is shown)
            cells = 0 if hidden else max(
                (fm.horizontalAdvance(view.display_text(r, c)) for r in range(rows)), default=0) + 14
            lo, hi = self.MODEL_COLUMN if c == COL_MODEL else (self.MIN_COLUMN, self.MAX_COLUMN)
            self.table.setColumnWidth(c, max(lo, min(hi, max(head, cells))))
        self._fit_model_column()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.proxy is not None and not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self, self._fit_model_column)  # once the layout has sized the table

    def _fit_model_column(self) -> None:
        # (the header spans the table's viewport; asking for the viewport itself, a plain
        # QWidget, first makes Python look through every widget class: 4 ms of a start)
        room = self.table.horizontalHeader().width() if self.table.isVisible() else self.width() - 40
        used = sum(self.table.columnWidth(c) for c in range(COLUMN_COUNT) if not self.table.isColumnHidden(c))
        if room > 0:  # the Model column gives or takes the difference, within its bounds
            w = self.table.columnWidth(COL_MODEL)
            self.table.setColumnWidth(COL_MODEL, max(self.MODEL_COLUMN[0], min(self.MODEL_WIDEST, w + room - used)))

    def _header_menu(self, pos) -> None:
        """Right-click on the header: show or hide columns."""
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for c in range(self.model.columnCount()):
            title = str(self.model.headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
            a = menu.addAction(title)
            a.setCheckable(True)
            a.setChecked(not self.table.isColumnHidden(c))
            a.setEnabled(c != COL_MODEL)
            a.toggled.connect(lambda on, c=c: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def hidden_columns(self) -> list[int]:
        return [c for c in range(COLUMN_COUNT) if self.table.isColumnHidden(c)]

    def _update_count(self) -> None:
        scored, models = self.model.metric_coverage()
        self.coverage.setText(f"{scored:,} of {models:,} models scored")
        n, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"{n:,} of {total:,} models"
        if self.floor.value() > 0:
            text += f" (floor {self.floor.value():g})"
        self.count.setText(text)

    def show_error(self, message: str) -> None:
        """A refused edit or action: shown until the next edit that succeeds."""
        self.messages.show_message(message, Severity.ERROR, subject=EDIT_REFUSED)
        self.statusMessage.emit(message)

    def selected_models(self) -> list[ModelPrice]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in rows]

    def select_model(self, model_id: str) -> bool:
        """Select and scroll to a model (clearing filters that hide it)."""
        row = self.model.row_of(model_id)
        if row is None:
            return False
        pidx = self.proxy.mapFromSource(self.model.index(row, 0))
        if not pidx.isValid():
            self.search.clear()
            self.proxy.set_filters(search="", tier=None, provider=None, need_vision=False, need_tools=False,
                                   need_long_context=False)
            pidx = self.proxy.mapFromSource(self.model.index(row, 0))
            if not pidx.isValid():
                return False
        self.table.selectionModel().select(
            pidx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(pidx, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        self.table.sortByColumn(column, order)

    # -- reactions ------------------------------------------------------------------------------

    def _metric_changed(self, _i: int) -> None:
        self.model.set_settings(metric=self.metric_combo.currentData())
        self.proxy.refresh()
        self._refresh_compare()
        self._update_count()

    def _include_free_toggled(self, on: bool) -> None:
        self.model.set_settings(include_free=on)
        self.proxy.refresh()
        self._update_count()

    def _floor_changed(self, v: float) -> None:
        self.model.set_settings(floor=float(v))
        self.proxy.refresh()
        self._update_count()

    def current_ratio(self) -> float:
        if self.workload_ratio.isChecked() and self._workload_ratio is not None:
            return self._workload_ratio
        return float(self.ratio.value())

    def _ratio_changed(self, v: int) -> None:
        self.ratio_label.setText(f"{v}:1")
        if not self.workload_ratio.isChecked():
            self.model.set_settings(ratio=float(v))
            self._refresh_compare()

    def set_workload_ratio(self, ratio: float | None) -> None:
        """The open plan's input:output ratio (None when there is no plan with tokens)."""
        self._workload_ratio = ratio
        self.workload_ratio.setEnabled(ratio is not None)
        if ratio is None:
            self.workload_ratio.setChecked(False)
        else:
            self.workload_ratio.setText(f"My workload's ratio ({ratio:.2g}:1)")
            if self.workload_ratio.isChecked():
                # re-ranking 3,600 models takes ~10 ms: while the plan's input:output slider
                # is dragged, rank once the drag pauses
                self._ratio_timer.start()

    def _apply_workload_ratio(self) -> None:
        if self.workload_ratio.isChecked() and self._workload_ratio is not None:
            self.model.set_settings(ratio=self._workload_ratio)
            self._refresh_compare()

    def _workload_ratio_toggled(self, on: bool) -> None:
        self.ratio.setEnabled(not on)
        self.model.set_settings(ratio=self.current_ratio())
        self._refresh_compare()

    def _selection_changed(self, *_a) -> None:
        sel = self.selected_models()
        self.compare_btn.setEnabled(2 <= len(sel) <= MAX_COMPARE)
        self.compare_btn.setText(f"Compare ({len(sel)})" if len(sel) >= 2 else "Compare")
        self.reset_btn.setEnabled(any(self.session.edited_fields(m.id) and not self.session.is_user_added(m.id) for m in sel))
        self.delete_btn.setEnabled(bool(sel) and all(self.session.is_user_added(m.id) for m in sel))

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() == COL_MODEL:
            m = index.data(ROW_ROLE)
            if m is not None:
                self.modelActivated.emit(m.id)

    def _catalog_changed(self, ids: list) -> None:
        metrics = self.session.catalog.quality_metrics
        if not ids or metrics != [self.metric_combo.itemData(i) for i in range(self.metric_combo.count())]:
            self._fill_metrics()  # (imported scores may bring a metric of their own)
        if not ids:
            self._fill_providers()
        self.proxy.refresh()
        self._update_count()
        self._selection_changed()
        self._refresh_compare()

    def _refresh_compare(self) -> None:
        if self.compare is not None and self.compare.isVisible():
            ids = [m.id for m in self.compare.model.models]
            models = [self.session.catalog.get(i) for i in ids]
            models = [m for m in models if m is not None]
            if len(models) >= 2:
                self.compare.show_models(models, self.model.metric, self.current_ratio())
            else:
                self.close_compare()

    # -- actions -------------------------------------------------------------------------------

    def compare_selected(self) -> None:
        sel = self.selected_models()
        if not (2 <= len(sel) <= MAX_COMPARE):
            self.show_error(f"Select 2 to {MAX_COMPARE} models to compare (you selected {len(sel)}).")
            return
        self.compare_models([m.id for m in sel])

    def compare_models(self, ids: list[str]) -> None:
        models = [self.session.catalog[i] for i in ids[:MAX_COMPARE]]
        if self.compare is None:  # (made when first used)
            self.compare = ComparePanel()
            self.compare.closed.connect(self.close_compare)
            self.splitter.addWidget(self.compare)
            self.splitter.setStretchFactor(1, 2)
        self.compare.show_models(models, self.model.metric, self.current_ratio())
        self.compare.show()
        # the comparison gets the room its rows need, the table keeps at least a few rows
        total = max(self.splitter.height(), 300)
        want = min(self.compare.rows_height() + self.compare.head_height(), total - 150)
        self.splitter.setSizes([total - want, want])

    def close_compare(self) -> None:
        if self.compare is not None:
            self.compare.hide()

    def add_model(self) -> None:
        from planner.ui.add_model_dialog import AddModelDialog

        dlg = AddModelDialog(self.session.catalog, self.model.metric, self)
        if dlg.exec() and dlg.result_model is not None:
            self.session.add_model(dlg.result_model)
            self.select_model(dlg.result_model.id)
            self.statusMessage.emit(f"Added {dlg.result_model.name}")

    def reset_selected(self) -> None:
        sel = [m for m in self.selected_models() if self.session.edited_fields(m.id) and not self.session.is_user_added(m.id)]
        if not sel:
            return
        self.session.undo_stack.beginMacro(f"Reset {len(sel)} model(s) to shipped prices")
        for m in sel:
            self.session.reset_model(m.id)
        self.session.undo_stack.endMacro()
        self.statusMessage.emit(f"Reset {', '.join(m.name for m in sel)} to shipped prices")

    def delete_selected(self) -> None:
        sel = self.selected_models()
        if not sel or not all(self.session.is_user_added(m.id) for m in sel):
            return
        names = ", ".join(m.name for m in sel)
        if prompts.ask(self, f"Delete {names}? You can undo this with Ctrl+Z.", Button.Yes | Button.No, Button.No) != Button.Yes:
            return
        self.session.undo_stack.beginMacro(f"Delete {len(sel)} model(s)")
        for m in sel:
            self.session.remove_added_model(m.id)
        self.session.undo_stack.endMacro()

    # -- state for settings ------------------------------------------------------------------

    def state(self) -> dict:
        return {
            "metric": self.model.metric,
            "ratio": self.ratio.value(),
            "floor": self.floor.value(),
            "include_free": self.include_free.isChecked(),
            "sort_column": self.model.sort_column,
            "sort_desc": self.model.sort_order == Qt.SortOrder.DescendingOrder,
            "hidden": self.hidden_columns(),
            "column_count": COLUMN_COUNT,
        }

    def restore_state(self, st: dict) -> None:
        try:
            i = self.metric_combo.findData(st.get("metric"))
            if i >= 0:
                self.metric_combo.setCurrentIndex(i)
            self.ratio.setValue(int(st.get("ratio", 3)))
            self.floor.setValue(float(st.get("floor", 0)))
            self.include_free.setChecked(bool(st.get("include_free", False)))
            hidden = st.get("hidden")
            if isinstance(hidden, list):
                known = int(st.get("column_count", LEGACY_COLUMN_COUNT))
                for c in range(min(known, self.model.columnCount())):
                    self.table.setColumnHidden(c, c in hidden and c != COL_MODEL)
            col = int(st.get("sort_column", COL_VALUE))
            if 0 <= col < self.model.columnCount():
                self.sort_by(col, Qt.SortOrder.DescendingOrder if st.get("sort_desc", True) else Qt.SortOrder.AscendingOrder)
        except (TypeError, ValueError):
            pass


__all__ = ["ModelsTab", "ComparePanel", "COL_COMPOSITE", "COL_COST_PER_POINT"]

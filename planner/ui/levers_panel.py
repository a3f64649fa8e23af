"""The levers panels: one line's routing mix, prompt caching, batch and app caches; the plan's
flat multipliers and default batch discount."""

from __future__ import annotations

import html
from decimal import Decimal

from pydantic import ValidationError
from PySide6.QtCore import QAbstractItemModel, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.costing import combined_multiplier_saving, multiplier_warnings
from planner.domain.plan import Line
from planner.domain.prices import plan_model, unit_prices
from planner.formatting import fmt_money, fmt_price
from planner.ui.add_ons_model import AddOnsModel
from planner.ui.delegates import ModelPicker
from planner.ui.line_options import LineOptions
from planner.ui.multipliers_model import MultipliersModel
from planner.ui.plan_document import PlanDocument
from planner.ui.routing_model import RoutingModel
from planner.ui.style import Tone, css, mark_override


def _pct_spin(tip: str) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(0, 100)
    s.setDecimals(1)
    s.setSuffix(" %")
    s.setToolTip(tip)
    s.setKeyboardTracking(False)
    return s


class LineLeversPanel(QGroupBox):
    """Levers of the current worksheet line. Spin boxes commit when editing finishes;
    the routing mix commits with Apply once its shares add up to 100%."""

    message = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__("Line levers", parent)
        self.doc = doc
        self.row: int | None = None

        self._make_routing()
        self._make_caching()
        self._lay_out()
        self._follow(doc)

    def _make_routing(self) -> None:
        """The line's routing mix: a table of models and shares, a picker to add one."""
        self.routing = RoutingModel(lambda: self.doc.catalog, self)
        self.routing_view = QTableView()
        self.routing_view.setModel(self.routing)
        self.routing_view.verticalHeader().hide()
        self.routing_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.routing_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.routing_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.routing_view.setMaximumHeight(110)
        self.picker = ModelPicker(self.doc.catalog)
        self.picker.setToolTip("Type to search the catalog, then Add")
        self.picker.setCurrentIndex(-1)
        self.picker.lineEdit().setPlaceholderText("Model to add to the mix…")
        self.add_route = QPushButton("Add")
        self.add_route.clicked.connect(lambda: self.routing.add(self.picker.model_id()))
        self.remove_route = QPushButton("Remove")
        self.remove_route.clicked.connect(self._remove_route)
        self.apply_route = QPushButton("Apply mix")
        self.apply_route.setToolTip("Set this line's routing mix (shares must add up to 100%)")
        self.apply_route.clicked.connect(self._apply_routing)
        self.clear_route = QPushButton("All on model")
        self.clear_route.setToolTip("No routing: every billable request goes to the line's model")
        self.clear_route.clicked.connect(self._clear_routing)
        self.route_status = QLabel()
        self.route_status.setWordWrap(True)
        self.routing.changed.connect(self._routing_status)
        self.routing.editRejected.connect(self.message.emit)

    def _make_caching(self) -> None:
        """Prompt caching (prefix, hit rate, the model's cache prices), batch and app caches;
        each commits when its editing finishes."""
        self.prefix = QSpinBox()
        self.prefix.setRange(0, 2**31 - 1)
        self.prefix.setGroupSeparatorShown(True)
        self.prefix.setSuffix(" tokens")
        self.prefix.setKeyboardTracking(False)
        self.prefix.setToolTip("Cacheable prefix P ≤ input tokens (system prompt, shared context)")
        self.hit = _pct_spin("Share of requests that read the prefix from the provider's cache")
        self.cache_prices = QLabel()
        self.cache_prices.setWordWrap(True)
        # batch and app caches
        self.batch = _pct_spin("Share of requests sent through the batch API (cheaper, slower)")
        self.response = _pct_spin("Exact-match response cache: hits are never sent to the model")
        self.semantic = _pct_spin("Semantic cache: similar questions answered from the cache")
        for w, field in ((self.prefix, "prefix"), (self.hit, "hit"), (self.batch, "batch_share"),
                         (self.response, "response_cache_hit_rate"), (self.semantic, "semantic_cache_hit_rate")):
            w.editingFinished.connect(lambda f=field: self._commit(f))

    def _lay_out(self) -> None:
        lay = QVBoxLayout(self)
        head = QLabel("<b>Routing mix</b>")
        head.setToolTip("Share of this line's billable requests sent to each model; empty = all on the line's model")
        lay.addWidget(head)
        lay.addWidget(self.routing_view)
        pr = QHBoxLayout()
        pr.addWidget(self.picker, 1)
        pr.addWidget(self.add_route)
        pr.addWidget(self.remove_route)
        lay.addLayout(pr)
        ar = QHBoxLayout()
        ar.addWidget(self.route_status, 1)
        ar.addWidget(self.clear_route)
        ar.addWidget(self.apply_route)
        lay.addLayout(ar)
        grid = QGridLayout()
        grid.addWidget(QLabel("Cached prefix"), 0, 0)
        grid.addWidget(self.prefix, 0, 1)
        grid.addWidget(QLabel("Cache hit rate"), 0, 2)
        grid.addWidget(self.hit, 0, 3)
        grid.addWidget(self.cache_prices, 1, 0, 1, 4)
        grid.addWidget(QLabel("Batch share"), 2, 0)
        grid.addWidget(self.batch, 2, 1)
        grid.addWidget(QLabel("Response cache"), 3, 0)
        grid.addWidget(self.response, 3, 1)
        grid.addWidget(QLabel("Semantic cache"), 3, 2)
        grid.addWidget(self.semantic, 3, 3)
        lay.addLayout(grid)
        self.options = LineOptions(self.doc)
        self.options.message.connect(self.message.emit)
        lay.addWidget(self.options)
        lay.addStretch(1)

    def _follow(self, doc: PlanDocument) -> None:
        """Show the current line's levers as the document changes."""
        self._loaded: Line | None = None
        self._prefix_max_timer = QTimer(self, singleShot=True, interval=250)
        self._prefix_max_timer.timeout.connect(self._update_prefix_max)
        doc.linesChanged.connect(self._lines_changed)
        doc.structureChanged.connect(self._structure)
        self.set_row(None)

    # -- which line ----------------------------------------------------------------------------

    def _lines_changed(self, rows: list) -> None:
        if self.row not in rows:
            return
        old, new = self._loaded, self.line
        if old is not None and new is not None and _same_levers(old, new):
            # a token change (the input:output slider): only the prefix's upper bound moves,
            # once the tokens settle (a new bound relays out the panel: at every step of a
            # drag, that was a tenth of the step; the line's own rule P <= I still holds)
            self._loaded = new
            self._prefix_max_timer.start()
            return
        self.load()

    def _update_prefix_max(self) -> None:
        line = self.line
        if line is not None:
            self.prefix.blockSignals(True)
            self.prefix.setMaximum(min(int(line.input_tokens), 2**31 - 1))
            self.prefix.blockSignals(False)

    def _structure(self) -> None:
        if self.row is not None and self.row >= len(self.doc.plan.lines):
            self.row = len(self.doc.plan.lines) - 1 if self.doc.plan.lines else None
        self.load()

    def set_row(self, row: int | None) -> None:
        self.row = row if row is not None and 0 <= row < len(self.doc.plan.lines) else None
        self.load()

    @property
    def line(self) -> Line | None:
        return self.doc.plan.lines[self.row] if self.row is not None else None

    def load(self) -> None:
        line = self.line
        self._loaded = line
        self.options.set_line(self.row)
        self._prefix_max_timer.stop()
        widgets = (self.prefix, self.hit, self.batch, self.response, self.semantic)
        enabled = line is not None
        for w in (*widgets, self.routing_view, self.picker, self.add_route, self.remove_route, self.apply_route, self.clear_route):
            w.setEnabled(enabled)
        if line is None:
            self.setTitle("Line levers — select a line")
            self.prefix.setMaximum(0)  # (a spin box is as wide as its maximum)
            self.routing.set_routes([])
            self.cache_prices.setText("")
            return
        self.setTitle(f"Line levers — {line.name}")
        for w in widgets:
            w.blockSignals(True)
        try:
            top = 2**31 - 1  # a QSpinBox holds a 32-bit int
            self.prefix.setMaximum(min(int(line.input_tokens), top))
            self.prefix.setValue(min(int(line.prompt_cache.prefix_tokens), top))
            self.hit.setValue(float(line.prompt_cache.hit_rate * 100))
            self.batch.setValue(float(line.batch_share * 100))
            self.response.setValue(float(line.response_cache_hit_rate * 100))
            self.semantic.setValue(float(line.semantic_cache_hit_rate * 100))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.routing.set_routes(list(line.routing))
        self._cache_prices(line)

    def _cache_prices(self, line: Line) -> None:
        parts, missing = [], []
        for route in line.route:
            m = plan_model(self.doc.plan, self.doc.catalog, route.model)
            if m is None:
                continue
            p = unit_prices(m, line.input_tokens)
            if p.cache_read is None:
                missing.append(html.escape(m.name))
            else:
                parts.append(f"{html.escape(m.name)}: read ${fmt_price(p.cache_read)}, write ${fmt_price(p.cache_write)} per 1M"
                             + (" (long-context price)" if p.long_context else ""))
        text = "<br>".join(parts)
        if missing:
            text += ("<br>" if text else "") + f"<span style='{css(Tone.WARNING)}'>No cache-read price for {', '.join(missing)}: prompt caching does not apply to it.</span>"
        self.cache_prices.setText(text)

    # -- commits -----------------------------------------------------------------------------

    def _commit(self, field: str) -> None:
        line = self.line
        if line is None:
            return
        pct = lambda w: (Decimal(str(w.value())) / 100).quantize(Decimal("0.0001"))  # noqa: E731
        if field == "prefix":
            fields = {"prompt_cache": {**line.prompt_cache.model_dump(), "prefix_tokens": Decimal(self.prefix.value())}}
        elif field == "hit":
            fields = {"prompt_cache": {**line.prompt_cache.model_dump(), "hit_rate": pct(self.hit)}}
        else:
            fields = {field: pct({"batch_share": self.batch, "response_cache_hit_rate": self.response,
                                  "semantic_cache_hit_rate": self.semantic}[field])}
        try:
            self.doc.set_line_fields(self.row, f"Change levers of '{line.name}'", **fields)  # type: ignore[arg-type]
        except ValidationError as e:
            self.message.emit(f"'{line.name}': {e.errors()[0].get('msg')}. The old value was kept.")
            self.load()

    def _routing_status(self) -> None:
        problem = self.routing.problem
        line = self.line
        if problem:
            self.route_status.setText(f"<span style='{css(Tone.WARNING)}'>⚠ {html.escape(problem)}</span>")
        elif not self.routing.rowCount():
            self.route_status.setText("All billable requests go to the line's model.")
        else:
            self.route_status.setText("Shares add up to 100%.")
        changed = line is not None and self.routing.routes() != list(line.routing)
        self.apply_route.setEnabled(line is not None and self.routing.is_valid and changed)

    def _remove_route(self) -> None:
        rows = sorted({i.row() for i in self.routing_view.selectionModel().selectedRows()}, reverse=True)
        for r in rows or [self.routing.rowCount() - 1]:
            self.routing.remove(r)

    def _apply_routing(self) -> None:
        line = self.line
        if line is None or not self.routing.is_valid:
            return
        try:
            self.doc.set_line_fields(self.row, f"Set routing of '{line.name}'",  # type: ignore[arg-type]
                                     routing=[r.model_dump() for r in self.routing.routes()])
        except ValidationError as e:
            self.message.emit(f"'{line.name}': {e.errors()[0].get('msg', '').removeprefix('Value error, ')}")

    def _clear_routing(self) -> None:
        line = self.line
        if line is not None and line.routing:
            self.doc.set_line_fields(self.row, f"Clear routing of '{line.name}'", routing=[])  # type: ignore[arg-type]


def _list_view(model: QAbstractItemModel, widths: tuple[tuple[int, int], ...], tip: str) -> QTableView:
    """A table of one of the plan's lists: fixed widths, the name column (1) stretched."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    hh = view.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    hh.setMinimumSectionSize(28)
    for c, w in widths:
        view.setColumnWidth(c, w)
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setToolTip(tip)
    return view


def _list_page(view: QTableView, summary: QLabel, buttons: tuple[QPushButton, ...],
               below: QWidget | None = None) -> QWidget:
    """A tab of the plan levers: a list, then its summary beside its buttons (and a note)."""
    page = QWidget()
    lay = QVBoxLayout(page)
    lay.setContentsMargins(0, 4, 0, 0)
    lay.addWidget(view, 1)
    row = QHBoxLayout()
    row.addWidget(summary, 1)
    for b in buttons:
        row.addWidget(b)
    lay.addLayout(row)
    if below is not None:
        lay.addWidget(below)
    return page


class PlanLeversPanel(QGroupBox):
    """The plan's flat multipliers, fixed monthly add-ons, default batch discount, retry
    overhead and platform fee."""

    message = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__("Plan levers", parent)
        self.doc = doc
        self.model = MultipliersModel(doc, self)
        self.model.editRejected.connect(self.message.emit)
        self.view = _list_view(self.model, ((0, 28), (2, 46), (3, 74), (4, 46)),
                               "Flat multipliers: total × Π(1 − saving) over the levers that are on")
        add = QPushButton("Add lever")
        add.clicked.connect(lambda: self.model.add())
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        self.discount = _pct_spin("Batch discount for models that list no batch price of their own")
        self.discount.editingFinished.connect(self._discount)
        self.combined = QLabel()
        self.combined.setWordWrap(True)
        self.retry = _pct_spin("Retry overhead: extra requests from retries and failures; adds running total × share")
        self.retry.editingFinished.connect(lambda: self._share("retry_overhead", self.retry, "Change retry overhead"))
        self.fee = _pct_spin("Platform fee: a share on everything spent (a credit fee, a reseller's margin); "
                             "adds running total × share")
        self.fee.editingFinished.connect(lambda: self._share("platform_fee", self.fee, "Change platform fee"))
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)

        self.add_ons = AddOnsModel(doc, self)
        self.add_ons.editRejected.connect(self.message.emit)
        self.add_on_view = _list_view(self.add_ons, ((0, 28), (2, 84), (3, 84)),
                                      "Fixed monthly costs outside the token prices: each is its own step of "
                                      "the waterfall, the same amount in every month and in the low, expected "
                                      "and high totals")
        add_on = QPushButton("Add add-on")
        add_on.setToolTip("A fixed monthly cost: a vector store, an observability plan, a support contract")
        add_on.clicked.connect(self._add_add_on)
        remove_add_on = QPushButton("Remove add-on")
        remove_add_on.clicked.connect(self._remove_add_on)
        self.add_on_total = QLabel()
        self.add_on_total.setWordWrap(True)

        multipliers = _list_page(self.view, self.combined, (add, remove), self.warnings)
        fixed = _list_page(self.add_on_view, self.add_on_total, (add_on, remove_add_on))
        self.tabs = QTabWidget()
        self.tabs.addTab(multipliers, "Multipliers")
        self.tabs.addTab(fixed, "Fixed add-ons")
        disc = QGridLayout()
        disc.addWidget(QLabel("Default batch discount"), 0, 0)
        disc.addWidget(self.discount, 0, 1)
        disc.addWidget(QLabel("Retry overhead"), 1, 0)
        disc.addWidget(self.retry, 1, 1)
        disc.addWidget(QLabel("Platform fee"), 2, 0)
        disc.addWidget(self.fee, 2, 1)
        disc.setColumnStretch(2, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(disc)
        for signal in (doc.settingsChanged, doc.structureChanged, doc.linesChanged):
            signal.connect(self.load)  # a warning names the lines that model a lever
        self.load()

    def load(self) -> None:
        plan = self.doc.plan
        for spin, value in ((self.discount, plan.batch_discount), (self.retry, plan.retry_overhead),
                            (self.fee, plan.platform_fee)):
            spin.blockSignals(True)
            spin.setValue(float(value * 100))
            spin.blockSignals(False)
        on = plan.enabled_multipliers()
        if on:
            saving = combined_multiplier_saving(on)
            self.combined.setText(f"On: {', '.join(m.name for m in on)} · together save {saving * 100:.1f}% (expected)")
            self.combined.setToolTip("They compound: 1 − Π(1 − saving), applied to the total.")
        else:
            self.combined.setText("None on")
            self.combined.setToolTip("Tick a lever to apply its saving to the total")
        over = self.doc.plan_overrides()
        for w, field in ((self.discount, "batch_discount"), (self.retry, "retry_overhead"), (self.fee, "platform_fee"),
                         (self.view, "multipliers"), (self.add_on_view, "add_ons")):
            mark_override(w, self.doc.scenario if field in over else None)
        on_add_ons = plan.enabled_add_ons()
        total = sum((a.monthly for a in on_add_ons), Decimal(0))
        cur = plan.currency.code
        self.add_on_total.setText(f"{fmt_money(total, cur)} a month, every month" if on_add_ons else "None counted")
        self.tabs.setTabText(1, f"Fixed add-ons ({fmt_money(total, cur)})" if on_add_ons else "Fixed add-ons")
        warnings = multiplier_warnings(plan)
        self.warnings.setVisible(bool(warnings))
        self.warnings.setText("<br>".join(f"<span style='{css(Tone.WARNING)}'>⚠ {html.escape(w[:1].upper() + w[1:])}</span>"
                                          for w in warnings))

    def _remove(self) -> None:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()}, reverse=True)
        for r in rows:
            self.model.remove(r)

    def _add_add_on(self) -> None:
        row = self.add_ons.add()
        index = self.add_ons.index(row, 1)
        self.add_on_view.setCurrentIndex(index)
        self.add_on_view.edit(index)

    def _remove_add_on(self) -> None:
        rows = sorted({i.row() for i in self.add_on_view.selectionModel().selectedRows()}, reverse=True)
        for r in rows:
            self.add_ons.remove(r)

    def _share(self, attr: str, spin: QDoubleSpinBox, label: str) -> None:
        v = (Decimal(str(spin.value())) / 100).quantize(Decimal("0.0001"))
        if v != getattr(self.doc.plan, attr):
            self.doc.set_plan_attr(attr, v, label)

    def _discount(self) -> None:
        v = (Decimal(str(self.discount.value())) / 100).quantize(Decimal("0.0001"))
        if v != self.doc.plan.batch_discount:
            self.doc.set_plan_attr("batch_discount", v, "Change default batch discount")


def _same_levers(a: Line, b: Line) -> bool:
    """The two lines differ at most in their token counts (what the panel shows is the same)."""
    return a.model_copy(update={"input_tokens": b.input_tokens, "output_tokens": b.output_tokens}) == b

"""WorksheetModel: the plan's lines as an editable Qt table, with the engine's costs beside them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from planner.domain.costing import LineResult
from planner.domain.plan import Line, VolumeMode
from planner.domain.presets import CONTENT_SIZE_BY_KEY, CONTENT_SIZES
from planner.domain.prices import plan_model
from planner.formatting import fmt_money, fmt_pct, fmt_small_money
from planner.ui.cell_numbers import parse_number, parse_percent
from planner.ui.plan_document import PlanDocument
from planner.ui.roles import ROW_ROLE, VALUE_ROLE

(
    COL_NAME,
    COL_PRESET,
    COL_REQUESTS,
    COL_PER,
    COL_DAYS,
    COL_INPUT,
    COL_OUTPUT,
    COL_MODEL,
    COL_ROUTING,
    COL_PREFIX,
    COL_HIT_RATE,
    COL_BATCH,
    COL_RESPONSE_CACHE,
    COL_SEMANTIC_CACHE,
    COL_BASELINE,
    COL_OPTIMIZED,
    COL_PER_REQUEST,
    COL_SHARE,
) = range(18)
COLUMN_COUNT = 18
COMPUTED = (COL_BASELINE, COL_OPTIMIZED, COL_PER_REQUEST, COL_SHARE)
RATE_COLUMNS = {
    COL_HIT_RATE: "prompt_cache.hit_rate",
    COL_BATCH: "batch_share",
    COL_RESPONSE_CACHE: "response_cache_hit_rate",
    COL_SEMANTIC_CACHE: "semantic_cache_hit_rate",
}
COUNT_COLUMNS = {
    COL_REQUESTS: "requests",
    COL_DAYS: "days_per_month",
    COL_INPUT: "input_tokens",
    COL_OUTPUT: "output_tokens",
    COL_PREFIX: "prompt_cache.prefix_tokens",
}
NUMERIC = set(COUNT_COLUMNS) | set(RATE_COLUMNS) | set(COMPUTED)

HEADERS = {
    COL_NAME: ("Line", "What the requests are for (a feature or a task)."),
    COL_PRESET: ("Content", "Content-size preset: choosing one fills the input tokens (page 500, email 200, ...)."),
    COL_REQUESTS: ("Requests", "Requests per month, or per day when the next column says /day."),
    COL_PER: ("Per", "Count requests per month, or per day × days per month."),
    COL_DAYS: ("Days", "Days per month, for lines counted per day."),
    COL_INPUT: ("Input\ntokens", "Input tokens per request."),
    COL_OUTPUT: ("Output\ntokens", "Output tokens per request."),
    COL_MODEL: ("Model", "The line's model: its baseline. Type to search the catalog."),
    COL_ROUTING: ("Routing", "Share of billable requests per model (edit in the levers panel)."),
    COL_PREFIX: ("Cached\nprefix", "Prompt caching: cacheable prefix tokens per request (≤ input tokens)."),
    COL_HIT_RATE: ("Cache\nhit %", "Prompt caching: share of requests that read the prefix from the cache."),
    COL_BATCH: ("Batch\n%", "Share of requests sent through the batch API."),
    COL_RESPONSE_CACHE: ("Resp.\ncache %", "Exact-match response cache hit rate: these requests are never sent."),
    COL_SEMANTIC_CACHE: ("Sem.\ncache %", "Semantic cache hit rate: these requests are never sent."),
    COL_BASELINE: ("Baseline\n/month", "Requests × (input × in + output × out) / 1M on the line's model, no levers."),
    COL_OPTIMIZED: ("Optimized\n/month", "After caches, routing, prompt caching, batch and the flat multipliers (expected)."),
    COL_PER_REQUEST: ("Per\nrequest", "Optimized cost ÷ requests per month."),
    COL_SHARE: ("Share", "This line's share of the optimized total, in percent; the shares add up to exactly 100.00%."),
}

_BOLD = QFont()
_BOLD.setBold(True)
_COMPUTED_BG = QBrush(QColor("#f3f6fa"))
_WARN_FG = QBrush(QColor("#9a5b00"))
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_CHECK = Qt.ItemDataRole.CheckStateRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_MISSING = object()
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_READ_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDIT_FLAGS = _READ_FLAGS | Qt.ItemFlag.ItemIsEditable
_READ_ONLY = frozenset((*COMPUTED, COL_ROUTING))
_ALIGNMENT = [
    int((Qt.AlignmentFlag.AlignRight if col in NUMERIC else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter)
    for col in range(COLUMN_COUNT)
]
# the roles a delegate asks for to paint a cell, except the text: the same in every row
_STATIC_CELL = [
    {
        _ALIGN: _ALIGNMENT[col],
        _BACKGROUND: _COMPUTED_BG if col in COMPUTED else None,
        _FONT: _BOLD if col == COL_OPTIMIZED else None,
        _FOREGROUND: None,
        _CHECK: None,
        _DECORATION: None,
    }
    for col in range(COLUMN_COUNT)
]


def fmt_count(v: Decimal) -> str:
    return f"{v:,.0f}" if v == v.to_integral_value() else f"{v:,.2f}".rstrip("0").rstrip(".")


def fmt_rate(v: Decimal) -> str:
    return f"{(v * 100).normalize():f}%" if v else "—"


# the columns each line field shows in (the engine's notices colour the model, prefix and
# hit-rate cells: they follow the model, routing and prompt cache)
_FIELD_COLUMNS: dict[str, frozenset[int]] = {
    "name": frozenset({COL_NAME}),
    "preset": frozenset({COL_PRESET}),
    "volume_mode": frozenset({COL_PER, COL_DAYS, COL_REQUESTS}),
    "requests": frozenset({COL_REQUESTS}),
    "days_per_month": frozenset({COL_DAYS}),
    "input_tokens": frozenset({COL_INPUT}),
    "output_tokens": frozenset({COL_OUTPUT}),
    "model": frozenset({COL_MODEL, COL_ROUTING, COL_PREFIX, COL_HIT_RATE}),
    "routing": frozenset({COL_MODEL, COL_ROUTING, COL_PREFIX, COL_HIT_RATE}),
    "prompt_cache": frozenset({COL_MODEL, COL_PREFIX, COL_HIT_RATE}),
    "batch_share": frozenset({COL_BATCH}),
    "response_cache_hit_rate": frozenset({COL_RESPONSE_CACHE}),
    "semantic_cache_hit_rate": frozenset({COL_SEMANTIC_CACHE}),
}
_ALL_COLUMNS = frozenset(range(COLUMN_COUNT))


def _changed_columns(old: Line | None, new: Line) -> frozenset[int]:
    if old is None:
        return _ALL_COLUMNS
    if old is new:
        return frozenset()
    before = old.__dict__
    changed: frozenset[int] = frozenset()
    for name, value in new.__dict__.items():
        was = before.get(name)
        # a line copied with a few new fields shares the others' values: `is` settles most
        if was is not value and was != value:
            changed |= _FIELD_COLUMNS.get(name, _ALL_COLUMNS)
    return changed


#: cells coloured when the engine has a notice for the line (no cache-read price, long context)
_NOTICE_COLUMNS = frozenset({COL_MODEL, COL_HIT_RATE, COL_PREFIX})


class _RowCells:
    """One row's painted cells ({role: value} per column), each made when first asked for,
    and kept until the next engine result."""

    __slots__ = ("_model", "_row", "_cells")

    def __init__(self, model: WorksheetModel, row: int) -> None:
        self._model, self._row = model, row
        self._cells: list[dict[int, Any] | None] = [None] * COLUMN_COUNT

    def __getitem__(self, col: int) -> dict[int, Any]:
        cell = self._cells[col]
        if cell is None:
            cell = self._cells[col] = self._model._make_cell(self._row, col)
        return cell

    def __len__(self) -> int:
        return COLUMN_COUNT


class WorksheetModel(QAbstractTableModel):
    """One row per plan line. Edits are validated (a refused value leaves the line as it
    was and emits `editRejected`) and pushed to the document's undo stack."""

    editRejected = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._currency = doc.plan.currency.code
        # row -> its painted cells, until the next engine result: see row_cells
        self._rows: dict[int, _RowCells] = {}
        # the lines as last signalled, to tell which columns an edit changed
        self._seen: list[Line] = list(doc.plan.lines)
        self._prices = (doc.catalog, doc.plan.pinned_prices)
        doc.linesChanged.connect(self._on_lines_changed)
        doc.structureChanged.connect(self._on_structure)
        doc.settingsChanged.connect(self._on_settings)
        doc.resultChanged.connect(self._on_result)

    # -- document signals ----------------------------------------------------------------

    def _on_lines_changed(self, rows: list[int]) -> None:
        """Repaint only the cells whose value changed: a slider step changes two columns of
        every line, and a view repaints the cells of a small range, not the whole table."""
        lines = self.doc.plan.lines
        changed: set[int] = set()
        for r in rows:
            old = self._seen[r] if r < len(self._seen) else None
            changed |= _changed_columns(old, lines[r])
        self._seen = list(lines)
        if rows and changed:
            self._emit_columns(min(rows), max(rows), sorted(changed))

    def _emit_columns(self, first: int, last: int, columns: list[int]) -> None:
        """dataChanged for runs of at most two adjacent columns (a view repaints a larger
        range over many rows whole)."""
        run: list[int] = []
        for c in columns:
            if run and (c != run[-1] + 1 or len(run) == 2):
                self.dataChanged.emit(self.index(first, run[0]), self.index(last, run[-1]))
                run = []
            run.append(c)
        if run:
            self.dataChanged.emit(self.index(first, run[0]), self.index(last, run[-1]))

    def _on_structure(self) -> None:
        self._rows.clear()
        self._seen = list(self.doc.plan.lines)
        self.beginResetModel()
        self.endResetModel()

    def _on_settings(self) -> None:
        self._currency = self.doc.plan.currency.code
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)

    def _on_result(self) -> None:
        # every change that can alter a shown text (a line, the plan's settings or pinned
        # prices, the catalog) is followed by a new result
        self._rows.clear()
        n = self.rowCount()
        if not n:
            return
        prices = (self.doc.catalog, self.doc.plan.pinned_prices)
        if prices[0] is not self._prices[0] or prices[1] is not self._prices[1]:
            # model names (model and routing cells) and the engine's notices may have changed
            self._prices = prices
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, COLUMN_COUNT - 1))
        else:
            self._emit_columns(0, n - 1, list(COMPUTED))

    # -- reading ---------------------------------------------------------------------------

    def line(self, row: int) -> Line:
        return self.doc.plan.lines[row]

    def line_result(self, row: int) -> LineResult | None:
        r = self.doc.result
        if r is None or row >= len(r.lines):
            return None
        return r.lines[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.doc.plan.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self.rowCount():
                return str(section + 1)
            return None
        if not (0 <= section < COLUMN_COUNT):
            return None
        title, tip = HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if section in (COL_BASELINE, COL_OPTIMIZED, COL_PER_REQUEST):
                return f"{title} {self._currency}" if "\n" in title else title
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        col = index.column()
        if col in _READ_ONLY:
            return _READ_FLAGS
        if col == COL_DAYS and self.line(index.row()).volume_mode is not VolumeMode.PER_DAY:
            return _READ_FLAGS
        return _EDIT_FLAGS

    def value(self, row: int, col: int) -> Any:
        """The native value shown in a cell."""
        line = self.line(row)
        if col == COL_NAME:
            return line.name
        if col == COL_PRESET:
            return line.preset
        if col == COL_REQUESTS:
            return line.requests
        if col == COL_PER:
            return line.volume_mode.value
        if col == COL_DAYS:
            return line.days_per_month if line.volume_mode is VolumeMode.PER_DAY else None
        if col == COL_INPUT:
            return line.input_tokens
        if col == COL_OUTPUT:
            return line.output_tokens
        if col == COL_MODEL:
            return line.model
        if col == COL_ROUTING:
            return line.routing
        if col == COL_PREFIX:
            return line.prompt_cache.prefix_tokens
        if col == COL_HIT_RATE:
            return line.prompt_cache.hit_rate
        if col == COL_BATCH:
            return line.batch_share
        if col == COL_RESPONSE_CACHE:
            return line.response_cache_hit_rate
        if col == COL_SEMANTIC_CACHE:
            return line.semantic_cache_hit_rate
        lr = self.line_result(row)
        if lr is None:
            return None
        if col == COL_PER_REQUEST:
            return lr.optimized_per_request
        sm = self.doc.result.summary()  # the amounts as shown everywhere (a result exists: lr is not None)
        if col == COL_BASELINE:
            return sm.line_baseline[row]
        if col == COL_OPTIMIZED:
            return sm.line_optimized[row]
        if col == COL_SHARE:
            return sm.line_share_pct[row] if sm.line_share_pct else None
        return None

    def _model_name(self, model_id: str) -> str:
        m = plan_model(self.doc.plan, self.doc.catalog, model_id)
        return m.name if m is not None else f"{model_id} (not in catalog)"

    def _display(self, row: int, col: int) -> str:
        v = self.value(row, col)
        line = self.line(row)
        if col == COL_NAME:
            return v
        if col == COL_PRESET:
            return CONTENT_SIZE_BY_KEY[v].short if v in CONTENT_SIZE_BY_KEY else ""
        if col == COL_PER:
            return "/day" if v == VolumeMode.PER_DAY.value else "/month"
        if col in COUNT_COLUMNS:
            if v is None:
                return ""
            if col == COL_PREFIX and not v:
                return "—"
            return fmt_count(v)
        if col in RATE_COLUMNS:
            if col == COL_HIT_RATE and not line.prompt_cache.prefix_tokens:
                return "—"
            return fmt_rate(v)
        if col == COL_MODEL:
            return self._model_name(v)
        if col == COL_ROUTING:
            if not v:
                return "all on model"
            return ", ".join(f"{(r.share * 100).normalize():f}% {self._model_name(r.model)}" for r in v)
        cur = self._currency
        if col in (COL_BASELINE, COL_OPTIMIZED):
            return fmt_money(v, cur) if v is not None else ""
        if col == COL_PER_REQUEST:
            return fmt_small_money(v, cur) if v is not None else "—"
        if col == COL_SHARE:
            return fmt_pct(v, 2) if v is not None else ""
        return ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not (0 <= row < len(self.doc.plan.lines)) or not index.isValid():
            return None
        return self._data(row, index.column(), role)

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan) -> None:
        """Every role a painted cell needs in one call (a view asks for seven per cell), from
        the row's cached cell values."""
        row = index.row()
        if 0 <= row < len(self.doc.plan.lines) and index.isValid():
            cell = self.row_cells(row)[index.column()]
            for rd in roleDataSpan:
                role = rd.role()
                v = cell.get(role, _MISSING)
                if v is _MISSING:
                    v = self._data(row, index.column(), role)
                if v is None:
                    rd.clearData()
                else:
                    rd.setData(v)
        else:
            for rd in roleDataSpan:
                rd.clearData()

    def row_cells(self, row: int) -> _RowCells:
        """Per column, the painted roles' values (display, alignment, font, colours), each
        cell formatted once per line and engine result, and only when first painted (a slider
        step repaints a few columns of the visible rows)."""
        cached = self._rows.get(row)
        if cached is not None:
            return cached
        cells = self._rows[row] = _RowCells(self, row)
        return cells

    def _make_cell(self, row: int, col: int) -> dict[int, Any]:
        cell = {**_STATIC_CELL[col], _DISPLAY: self._display(row, col)}
        if col in _NOTICE_COLUMNS:
            lr = self.line_result(row)
            if lr is not None and lr.notices:
                cell[_FOREGROUND] = _WARN_FG
        return cell

    def _data(self, row: int, col: int, role: int) -> Any:
        # most frequent first: a painted cell asks for display, alignment, font, colours
        if role == _DISPLAY:
            return self.row_cells(row)[col][_DISPLAY]
        if role == _ALIGN:
            return _ALIGNMENT[col]
        if role == _BACKGROUND:
            return _COMPUTED_BG if col in COMPUTED else None
        if role == _FONT:
            return _BOLD if col == COL_OPTIMIZED else None
        if role == _FOREGROUND:
            if col in _NOTICE_COLUMNS:
                lr = self.line_result(row)
                if lr is not None and lr.notices:
                    return _WARN_FG
            return None
        if role == Qt.ItemDataRole.EditRole:
            v = self.value(row, col)
            if col in RATE_COLUMNS:
                return f"{(v * 100).normalize():f}"
            if col in COUNT_COLUMNS:
                return "" if v is None else f"{v.normalize():f}"
            return v
        if role == VALUE_ROLE:
            return self.value(row, col)
        if role == ROW_ROLE:
            return self.line(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        return None

    def _tooltip(self, row: int, col: int) -> str | None:
        line = self.line(row)
        lr = self.line_result(row)
        cur = self._currency
        if col in (COL_MODEL, COL_PREFIX, COL_HIT_RATE) and lr is not None and lr.notices:
            return "\n".join(lr.notices)
        if col == COL_MODEL:
            return line.model
        if col == COL_ROUTING:
            return self._display(row, col) + "\nEdit the mix in the line levers panel below."
        if col == COL_BASELINE and lr is not None:
            return (f"{fmt_count(lr.requests)} requests × ({fmt_count(line.input_tokens)} input × in + "
                    f"{fmt_count(line.output_tokens)} output × out) / 1,000,000 on {self._model_name(line.model)}"
                    f" = {fmt_money(lr.baseline, cur)}")
        if col == COL_OPTIMIZED and lr is not None:
            parts = [f"Baseline {fmt_money(lr.baseline, cur)}"]
            parts += [f"− {s.label}: {fmt_money(s.saving, cur)}" for s in lr.steps if s.saving]
            parts.append(f"= {fmt_money(lr.optimized, cur)} (range {fmt_money(lr.optimized_low, cur)} – {fmt_money(lr.optimized_high, cur)})")
            return "\n".join(parts)
        if col == COL_REQUESTS and line.volume_mode is VolumeMode.PER_DAY:
            return f"{fmt_count(line.requests)}/day × {fmt_count(line.days_per_month)} days = {fmt_count(line.requests_per_month)}/month"
        return HEADERS[col][1]

    # -- editing -------------------------------------------------------------------------------

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, col = index.row(), index.column()
        line = self.line(row)
        title = HEADERS[col][0].replace("\n", " ")
        try:
            fields = self.fields_for(line, col, value)
        except ValueError as e:
            self.editRejected.emit(f"Line {row + 1} '{line.name}', {title}: {e}. The old value was kept.")
            return False
        if fields is None:
            return False
        try:
            self.doc.set_line_fields(row, f"Edit {title} of '{line.name}'", **fields)
        except ValidationError as e:
            msg = e.errors()[0].get("msg", "invalid").removeprefix("Value error, ")
            self.editRejected.emit(f"Line {row + 1} '{line.name}', {title}: {msg}. The old value was kept.")
            return False
        return True

    def fields_for(self, line: Line, col: int, value: Any) -> dict[str, Any] | None:
        """The line fields a typed value sets (None when nothing changes); ValueError if invalid."""
        if col == COL_NAME:
            name = str(value).strip()
            if not name:
                raise ValueError("a name is required")
            return None if name == line.name else {"name": name}
        if col == COL_PRESET:
            key = value if value in CONTENT_SIZE_BY_KEY else next((c.key for c in CONTENT_SIZES if c.label == value), None)
            if value in (None, ""):
                return None if line.preset is None else {"preset": None}
            if key is None:
                raise ValueError(f"'{value}' is not a content preset")
            tokens = Decimal(CONTENT_SIZE_BY_KEY[key].tokens)
            fields: dict[str, Any] = {"preset": key, "input_tokens": tokens}
            if line.prompt_cache.prefix_tokens > tokens:
                fields["prompt_cache"] = {**line.prompt_cache.model_dump(), "prefix_tokens": tokens}
            return fields
        if col == COL_PER:
            mode = VolumeMode.PER_DAY if str(value).strip().lstrip("/").lower().startswith("d") else VolumeMode.PER_MONTH
            if mode is line.volume_mode:
                return None
            # keep the monthly volume: 3,000/month <-> 100/day x 30 days
            if mode is VolumeMode.PER_DAY:
                return {"volume_mode": mode, "requests": line.requests / line.days_per_month}
            # 33.33.../day x 30 comes back as 1,000/month, not 999.999...
            monthly = (line.requests * line.days_per_month).quantize(Decimal("1e-6")).normalize()
            return {"volume_mode": mode, "requests": monthly if monthly == monthly.to_integral_value() else line.requests * line.days_per_month}
        if col == COL_MODEL:
            model_id = str(value).strip()
            if model_id not in self.doc.catalog and model_id not in self.doc.plan.pinned_prices:
                raise ValueError(f"'{model_id}' is not in the catalog")
            return None if model_id == line.model else {"model": model_id}
        if col in COUNT_COLUMNS:
            v = parse_number(value)
            if col == COL_DAYS and not (0 < v <= 31):
                raise ValueError("days per month must be between 1 and 31")
            name = COUNT_COLUMNS[col]
            if name == "prompt_cache.prefix_tokens":
                if v > line.input_tokens:
                    raise ValueError(f"the cached prefix ({fmt_count(v)}) cannot exceed the input tokens ({fmt_count(line.input_tokens)})")
                return {"prompt_cache": {**line.prompt_cache.model_dump(), "prefix_tokens": v}}
            if name == "input_tokens" and v < line.prompt_cache.prefix_tokens:
                raise ValueError(f"the input tokens cannot be fewer than the cached prefix ({fmt_count(line.prompt_cache.prefix_tokens)})")
            return None if getattr(line, name) == v else {name: v}
        if col in RATE_COLUMNS:
            v = parse_percent(value)
            name = RATE_COLUMNS[col]
            if name == "prompt_cache.hit_rate":
                return {"prompt_cache": {**line.prompt_cache.model_dump(), "hit_rate": v}}
            return None if getattr(line, name) == v else {name: v}
        return None

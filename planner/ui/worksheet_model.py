"""WorksheetModel: the plan's lines as an editable Qt table, with the engine's costs beside them.

Each column is a `Column` spec (header, value, text, how a typed value is parsed, which
line fields it shows); the model reads the specs, it has no per-column branches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from planner.domain.costing import LineResult
from planner.domain.plan import Line, VolumeMode
from planner.domain.presets import CONTENT_SIZE_BY_KEY, CONTENT_SIZES
from planner.domain.prices import plan_model
from planner.domain.resolve import resolve_model
from planner.formatting import fmt_money, fmt_pct, fmt_small_money
from planner.ui.cell_numbers import parse_number, parse_percent
from planner.ui.plan_document import PlanDocument
from planner.ui.roles import ROW_ROLE, VALUE_ROLE
from planner.ui.style import Tone, brush, computed_brush, plain_tooltip

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
#: added after the first columns (the Workload tab shows Group beside Line, per outcome beside per request)
COL_GROUP, COL_PER_OUTCOME = 18, 19
COLUMN_COUNT = 20
COMPUTED = (COL_BASELINE, COL_OPTIMIZED, COL_PER_REQUEST, COL_SHARE, COL_PER_OUTCOME)


def fmt_count(v: Decimal) -> str:
    return f"{v:,.0f}" if v == v.to_integral_value() else f"{v:,.2f}".rstrip("0").rstrip(".")


def fmt_rate(v: Decimal) -> str:
    return f"{(v * 100).normalize():f}%" if v else "—"


@dataclass(frozen=True)
class Column:
    """One worksheet column: its header, the native value it shows of a line, that value
    as text and as an editor starts from it, and (if it can be edited) the line fields a
    typed value sets."""

    title: str
    tip: str
    #: (model, row, line) -> the native value shown
    value: Callable[[WorksheetModel, int, Line], Any]
    #: (model, row, line, value) -> the text shown
    text: Callable[[WorksheetModel, int, Line, Any], str]
    #: (model, line, typed) -> the line fields it sets (None: nothing changes), ValueError
    #: if it is refused. None: the column is read-only.
    parse: Callable[[WorksheetModel, Line, Any], dict[str, Any] | None] | None = None
    #: value -> what an editor starts from
    edit_text: Callable[[Any], Any] = lambda v: v
    #: the line fields whose change repaints the column
    fields: frozenset[str] = frozenset()
    numeric: bool = False
    computed: bool = False
    #: coloured when the engine has a notice for the line (no cache-read price, long context)
    notices: bool = False
    #: (model, row, line) -> the tooltip; None: the header's tip
    tooltip: Callable[[WorksheetModel, int, Line], str | None] | None = None
    #: line -> whether this line's cell may be edited (for a column with a parse)
    editable: Callable[[Line], bool] = lambda _line: True

    @property
    def label(self) -> str:
        """The title on one line, as messages name the column."""
        return self.title.replace("\n", " ")


# -- the columns' parts -------------------------------------------------------------------


def _count_column(title: str, tip: str, field: str, **kw: Any) -> Column:
    """A count of the line (requests, days, tokens), typed as '10,000' or '1.5k'."""

    def parse(_m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
        v = parse_number(typed)
        check = CHECKS.get(field)
        if check is not None:
            check(line, v)
        if field == "prompt_cache.prefix_tokens":
            return {"prompt_cache": {**line.prompt_cache.model_dump(), "prefix_tokens": v}}
        return None if getattr(line, field) == v else {field: v}

    getter = kw.pop("get", None) or (lambda _m, _r, line: getattr(line, field))
    return Column(title, tip, getter, kw.pop("text", None) or _count_text, parse,
                  edit_text=lambda v: "" if v is None else f"{v.normalize():f}", numeric=True,
                  fields=kw.pop("fields", frozenset({field.split(".")[0]})), **kw)


def _count_text(_m: WorksheetModel, _r: int, _line: Line, v: Any) -> str:
    return "" if v is None else fmt_count(v)


def _check_days(_line: Line, v: Decimal) -> None:
    if not (0 < v <= 31):
        raise ValueError("days per month must be between 1 and 31")


def _check_prefix(line: Line, v: Decimal) -> None:
    if v > line.input_tokens:
        raise ValueError(f"the cached prefix ({fmt_count(v)}) cannot exceed the input tokens ({fmt_count(line.input_tokens)})")


def _check_input(line: Line, v: Decimal) -> None:
    if v < line.prompt_cache.prefix_tokens:
        raise ValueError(f"the input tokens cannot be fewer than the cached prefix ({fmt_count(line.prompt_cache.prefix_tokens)})")


CHECKS: dict[str, Callable[[Line, Decimal], None]] = {
    "days_per_month": _check_days,
    "prompt_cache.prefix_tokens": _check_prefix,
    "input_tokens": _check_input,
}


def _rate_column(title: str, tip: str, field: str, **kw: Any) -> Column:
    """A share of the line's requests, typed in percent ('90', '90%')."""

    def parse(_m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
        v = parse_percent(typed)
        if field == "prompt_cache.hit_rate":
            return {"prompt_cache": {**line.prompt_cache.model_dump(), "hit_rate": v}}
        return None if getattr(line, field) == v else {field: v}

    getter = kw.pop("get", None) or (lambda _m, _r, line: getattr(line, field))
    return Column(title, tip, getter, kw.pop("text", None) or (lambda _m, _r, _line, v: fmt_rate(v)), parse,
                  edit_text=lambda v: f"{(v * 100).normalize():f}", numeric=True,
                  fields=kw.pop("fields", frozenset({field.split(".")[0]})), **kw)


def _parse_name(_m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
    name = str(typed).strip()
    if not name:
        raise ValueError("a name is required")
    return None if name == line.name else {"name": name}


def _parse_preset(_m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
    # (only text names a preset; a number such as Decimal('sNaN') cannot even be looked up)
    text = typed if isinstance(typed, str) else None
    if typed is None or text == "":
        return None if line.preset is None else {"preset": None}
    key = text if text in CONTENT_SIZE_BY_KEY else next((c.key for c in CONTENT_SIZES if c.label == text), None)
    if key is None:
        raise ValueError(f"'{typed}' is not a content preset")
    tokens = Decimal(CONTENT_SIZE_BY_KEY[key].tokens)
    fields: dict[str, Any] = {"preset": key, "input_tokens": tokens}
    if line.prompt_cache.prefix_tokens > tokens:
        fields["prompt_cache"] = {**line.prompt_cache.model_dump(), "prefix_tokens": tokens}
    return fields


def _parse_per(_m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
    mode = VolumeMode.PER_DAY if str(typed).strip().lstrip("/").lower().startswith("d") else VolumeMode.PER_MONTH
    if mode is line.volume_mode:
        return None
    # keep the monthly volume: 3,000/month <-> 100/day x 30 days
    if mode is VolumeMode.PER_DAY:
        return {"volume_mode": mode, "requests": line.requests / line.days_per_month}
    # 33.33.../day x 30 comes back as 1,000/month, not 999.999...
    monthly = (line.requests * line.days_per_month).quantize(Decimal("1e-6")).normalize()
    return {"volume_mode": mode, "requests": monthly if monthly == monthly.to_integral_value() else line.requests * line.days_per_month}


def resolve_typed_model(doc: PlanDocument, typed: str) -> str:
    """The id of the model a typed id or name means (a pinned id first, then the catalog's
    resolver: 'GPT-5 mini'); ValueError naming the candidates or the nearest ids."""
    text = typed.strip()
    if text in doc.plan.pinned_prices or text in doc.catalog:
        return text
    return resolve_model(doc.catalog.models, text).id


def _parse_model(m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
    model_id = resolve_typed_model(m.doc, str(typed))
    return None if model_id == line.model else {"model": model_id}


def _routing_text(m: WorksheetModel, _r: int, _line: Line, v: Any) -> str:
    if not v:
        return "all on model"
    return ", ".join(f"{(r.share * 100).normalize():f}% {m.model_name(r.model)}" for r in v)


def _model_tooltip(m: WorksheetModel, row: int, line: Line) -> str | None:
    broken = m.doc.broken_lines.get(row)
    if broken is not None:
        return broken
    lr = m.line_result(row)
    return "\n".join(lr.notices) if lr is not None and lr.notices else line.model


def _notice_tooltip(m: WorksheetModel, row: int, _line: Line) -> str | None:
    lr = m.line_result(row)
    return "\n".join(lr.notices) if lr is not None and lr.notices else None


def _requests_tooltip(_m: WorksheetModel, _r: int, line: Line) -> str | None:
    if line.volume_mode is not VolumeMode.PER_DAY:
        return None
    return f"{fmt_count(line.requests)}/day × {fmt_count(line.days_per_month)} days = {fmt_count(line.requests_per_month)}/month"


def _baseline_tooltip(m: WorksheetModel, row: int, line: Line) -> str | None:
    lr = m.line_result(row)
    if lr is None:
        return None
    return (f"{fmt_count(lr.requests)} requests × ({fmt_count(line.input_tokens)} input × in + "
            f"{fmt_count(line.output_tokens)} output × out) / 1,000,000 on {m.model_name(line.model)}"
            f" = {fmt_money(lr.baseline, m.currency)}")


def _optimized_tooltip(m: WorksheetModel, row: int, _line: Line) -> str | None:
    lr, cur = m.line_result(row), m.currency
    if lr is None:
        return None
    parts = [f"Baseline {fmt_money(lr.baseline, cur)}"]
    parts += [f"− {s.label}: {fmt_money(s.saving, cur)}" for s in lr.steps if s.saving]
    parts.append(f"= {fmt_money(lr.optimized, cur)} (range {fmt_money(lr.optimized_low, cur)} – {fmt_money(lr.optimized_high, cur)})")
    return "\n".join(parts)


def _shown(field: str) -> Callable[[WorksheetModel, int, Line], Any]:
    """The amount of a line as shown everywhere (the summary's, footed to the cent)."""

    def get(m: WorksheetModel, row: int, _line: Line) -> Any:
        sm = m.summary()
        if sm is None:
            return None
        values = getattr(sm, field)
        return values[row] if values else None

    return get


def _per_request(m: WorksheetModel, row: int, _line: Line) -> Any:
    lr = m.line_result(row)
    return lr.optimized_per_request if lr is not None else None


def _money_text(m: WorksheetModel, _r: int, _line: Line, v: Any) -> str:
    return fmt_money(v, m.currency) if v is not None else ""


_LINE_FIELDS = frozenset({"model", "routing", "prompt_cache"})


def _per_text(_m: WorksheetModel, _r: int, line: Line, v: Any) -> str:
    """/month or /day; a multi-turn line counts sessions: 'sess./mo', 'sess./day'."""
    if line.turns is not None:
        return "sess./day" if v == VolumeMode.PER_DAY.value else "sess./mo"
    return "/day" if v == VolumeMode.PER_DAY.value else "/month"


def _sessions_tooltip(_m: WorksheetModel, _r: int, line: Line) -> str | None:
    if line.turns is None:
        return None
    return (f"A multi-turn line: {fmt_count(line.sessions_per_month)} sessions a month × {line.turns} turns = "
            f"{fmt_count(line.requests_per_month)} requests billed a month")


def _requests_or_sessions_tooltip(m: WorksheetModel, r: int, line: Line) -> str | None:
    return "\n".join(t for t in (_requests_tooltip(m, r, line), _sessions_tooltip(m, r, line)) if t) or None


def _parse_group(_m: WorksheetModel, line: Line, typed: Any) -> dict[str, Any] | None:
    group = "" if typed is None else str(typed).strip()
    return None if group == line.group else {"group": group}


def _per_outcome(m: WorksheetModel, row: int, _line: Line) -> Any:
    sm = m.summary()
    ue = sm.unit_economics if sm is not None else None
    return ue.line_cost_per_outcome[row] if ue is not None and row < len(ue.line_cost_per_outcome) else None


def _per_outcome_tooltip(m: WorksheetModel, row: int, line: Line) -> str | None:
    lr, v = m.line_result(row), _per_outcome(m, row, line)
    if lr is None or v is None or not lr.outcomes:
        return None
    what = line.outcome or "outcomes"
    unit = "sessions" if line.turns is not None else "requests"
    return (f"{fmt_money(lr.optimized, m.currency)} ÷ ({fmt_count(line.sessions_per_month)} {unit} × "
            f"{fmt_rate(line.success_rate or Decimal(0))} success = {fmt_count(lr.outcomes)} {what}) = "
            f"{fmt_small_money(v, m.currency)} per {line.outcome or 'outcome'}")

COLUMNS: tuple[Column, ...] = (
    Column("Line", "What the requests are for (a feature or a task).", lambda _m, _r, line: line.name,
           lambda _m, _r, _line, v: v, _parse_name, fields=frozenset({"name"})),
    Column("Content", "Content-size preset: choosing one fills the input tokens (page 500, email 200, ...).",
           lambda _m, _r, line: line.preset,
           lambda _m, _r, _line, v: CONTENT_SIZE_BY_KEY[v].short if v in CONTENT_SIZE_BY_KEY else "", _parse_preset,
           fields=frozenset({"preset"})),
    _count_column("Requests", "Requests per month, or per day when the next column says /day.", "requests",
                  tooltip=_requests_or_sessions_tooltip, fields=frozenset({"requests", "volume_mode", "turns"})),
    Column("Per", "Count requests per month, or per day × days per month; 'sess.' : a multi-turn line counts sessions.",
           lambda _m, _r, line: line.volume_mode.value, _per_text, _parse_per,
           fields=frozenset({"volume_mode", "turns"}), tooltip=_sessions_tooltip),
    _count_column("Days", "Days per month, for lines counted per day.", "days_per_month",
                  get=lambda _m, _r, line: line.days_per_month if line.volume_mode is VolumeMode.PER_DAY else None,
                  editable=lambda line: line.volume_mode is VolumeMode.PER_DAY,
                  fields=frozenset({"days_per_month", "volume_mode"})),
    _count_column("Input\ntokens", "Input tokens per request.", "input_tokens"),
    _count_column("Output\ntokens", "Output tokens per request.", "output_tokens"),
    Column("Model", "The line's model: its baseline. Type to search the catalog.", lambda _m, _r, line: line.model,
           lambda m, _r, _line, v: m.model_name(v), _parse_model, fields=_LINE_FIELDS, notices=True,
           tooltip=_model_tooltip),
    Column("Routing", "Share of billable requests per model (edit in the levers panel).", lambda _m, _r, line: line.routing,
           _routing_text, fields=frozenset({"model", "routing"}),
           tooltip=lambda m, r, line: _routing_text(m, r, line, line.routing) + "\nEdit the mix in the line levers panel below."),
    _count_column("Cached\nprefix", "Prompt caching: cacheable prefix tokens per request (≤ input tokens).",
                  "prompt_cache.prefix_tokens", get=lambda _m, _r, line: line.prompt_cache.prefix_tokens,
                  text=lambda _m, _r, _line, v: "—" if not v else fmt_count(v), fields=_LINE_FIELDS, notices=True,
                  tooltip=_notice_tooltip),
    _rate_column("Cache\nhit %", "Prompt caching: share of requests that read the prefix from the cache.",
                 "prompt_cache.hit_rate", get=lambda _m, _r, line: line.prompt_cache.hit_rate,
                 text=lambda _m, _r, line, v: "—" if not line.prompt_cache.prefix_tokens else fmt_rate(v),
                 fields=_LINE_FIELDS, notices=True, tooltip=_notice_tooltip),
    _rate_column("Batch\n%", "Share of requests sent through the batch API.", "batch_share"),
    _rate_column("Resp.\ncache %", "Exact-match response cache hit rate: these requests are never sent.",
                 "response_cache_hit_rate"),
    _rate_column("Sem.\ncache %", "Semantic cache hit rate: these requests are never sent.", "semantic_cache_hit_rate"),
    Column("Baseline\n/month", "Requests × (input × in + output × out) / 1M on the line's model, no levers.",
           _shown("line_baseline"), _money_text, numeric=True, computed=True, tooltip=_baseline_tooltip),
    Column("Optimized\n/month", "After caches, routing, prompt caching, batch and the flat multipliers (expected).",
           _shown("line_optimized"), _money_text, numeric=True, computed=True, tooltip=_optimized_tooltip),
    Column("Per\nrequest", "Optimized cost ÷ requests per month.", _per_request,
           lambda m, _r, _line, v: fmt_small_money(v, m.currency) if v is not None else "—", numeric=True, computed=True),
    Column("Share", "This line's share of the optimized total, in percent; with the fixed add-ons' shares (Plan "
           "levers > Fixed add-ons) the shares add up to exactly 100.00%.",
           _shown("line_share_pct"), lambda _m, _r, _line, v: fmt_pct(v, 2) if v is not None else "", numeric=True,
           computed=True),
    Column("Group", "The team, product or cost centre the line is charged to (budget by group).",
           lambda _m, _r, line: line.group, lambda _m, _r, _line, v: v, _parse_group, fields=frozenset({"group"})),
    Column("Per\noutcome", "Optimized cost ÷ outcomes (sessions or requests × the line's success rate).", _per_outcome,
           lambda m, _r, _line, v: fmt_small_money(v, m.currency) if v is not None else "", numeric=True, computed=True,
           tooltip=_per_outcome_tooltip),
)
assert len(COLUMNS) == COLUMN_COUNT
#: the header's title and tip per column
HEADERS = {col: (c.title, c.tip) for col, c in enumerate(COLUMNS)}
#: the computed money columns whose header names the plan's currency
_CURRENCY_HEADERS = frozenset({COL_BASELINE, COL_OPTIMIZED, COL_PER_REQUEST, COL_PER_OUTCOME})

_BOLD = QFont()
_BOLD.setBold(True)
_ITALIC = QFont()
_ITALIC.setItalic(True)
#: the line fields a scenario override of which marks the column (default: the column's fields)
_OVERRIDE_FIELDS = {COL_MODEL: frozenset({"model"}), COL_ROUTING: frozenset({"routing"}),
                    COL_REQUESTS: frozenset({"requests"}), COL_DAYS: frozenset({"days_per_month"}),
                    COL_PREFIX: frozenset({"prompt_cache"}), COL_HIT_RATE: frozenset({"prompt_cache"})}


def override_fields(col: int) -> frozenset[str]:
    """The line fields whose scenario override shows in column `col` ("Reset to base" drops them)."""
    return _OVERRIDE_FIELDS.get(col, COLUMNS[col].fields)
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
_ALIGNMENT = [
    int((Qt.AlignmentFlag.AlignRight if c.numeric else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter)
    for c in COLUMNS
]
_ALL_COLUMNS = frozenset(range(COLUMN_COUNT))
# the columns each line field shows in
_FIELD_COLUMNS: dict[str, frozenset[int]] = {}
for _col, _c in enumerate(COLUMNS):
    for _f in _c.fields:
        _FIELD_COLUMNS[_f] = _FIELD_COLUMNS.get(_f, frozenset()) | {_col}


#: an edit of more lines than this repaints every column in view rather than telling which changed
_ROWS_TO_COMPARE = 500


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
    was and emits `editRejected`) and pushed to the document's undo stack. A line on a
    model without a price (PlanDocument.broken_lines) shows it in the model cell, in the
    negative tone, until a model is picked there."""

    editRejected = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.currency = doc.plan.currency.code
        # row -> its painted cells, until the next engine result: see row_cells
        self._rows: dict[int, _RowCells] = {}
        # the lines as last signalled, to tell which columns an edit changed
        self._seen: list[Line] = list(doc.plan.lines)
        self._prices = (doc.catalog, doc.plan.pinned_prices)
        self._computed_bg = computed_brush()
        doc.linesChanged.connect(self._on_lines_changed)
        doc.structureChanged.connect(self._on_structure)
        doc.settingsChanged.connect(self._on_settings)
        doc.resultChanged.connect(self._on_result)

    # -- document signals ----------------------------------------------------------------

    def _on_lines_changed(self, rows: list[int]) -> None:
        """Repaint only the cells whose value changed: a slider step changes two columns of
        every line, and a view repaints the cells of a small range, not the whole table."""
        lines = self.doc.plan.lines
        if len(rows) > _ROWS_TO_COMPARE:
            # (comparing thousands of lines field by field costs more than repainting the
            # cells in view, which is all a view repaints)
            self._seen = list(lines)
            self._emit_columns(min(rows), max(rows), list(range(COLUMN_COUNT)))
            return
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
        self.currency = self.doc.plan.currency.code
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

    def summary(self):
        """The amounts as shown everywhere (None without a result)."""
        return self.doc.result.summary() if self.doc.result is not None else None

    def model_name(self, model_id: str) -> str:
        m = plan_model(self.doc.plan, self.doc.catalog, model_id)
        return m.name if m is not None else f"{model_id} (not in catalog)"

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
        c = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{c.title} {self.currency}" if section in _CURRENCY_HEADERS and "\n" in c.title else c.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.tip
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        c = COLUMNS[index.column()]
        return _EDIT_FLAGS if c.parse is not None and c.editable(self.line(index.row())) else _READ_FLAGS

    def value(self, row: int, col: int) -> Any:
        """The native value shown in a cell."""
        return COLUMNS[col].value(self, row, self.line(row))

    def _display(self, row: int, col: int) -> str:
        line = self.line(row)
        c = COLUMNS[col]
        return c.text(self, row, line, c.value(self, row, line))

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
        c = COLUMNS[col]
        return {
            _DISPLAY: self._display(row, col),
            _ALIGN: _ALIGNMENT[col],
            _BACKGROUND: self._computed_bg if c.computed else None,
            _FONT: _BOLD if col == COL_OPTIMIZED else _ITALIC if self.overridden(row, col) else None,
            _FOREGROUND: self._foreground(row, col),
            _CHECK: None,
            _DECORATION: None,
        }

    def _foreground(self, row: int, col: int) -> Any:
        if col == COL_MODEL and row in self.doc.broken_lines:
            return brush(Tone.NEGATIVE)
        if self.overridden(row, col):
            return brush(Tone.EDITED)
        if COLUMNS[col].notices:
            lr = self.line_result(row)
            if lr is not None and lr.notices:
                return brush(Tone.WARNING)
        return None

    def _data(self, row: int, col: int, role: int) -> Any:
        # most frequent first: a painted cell asks for display, alignment, font, colours
        if role in (_DISPLAY, _ALIGN, _BACKGROUND, _FONT, _FOREGROUND):
            return self.row_cells(row)[col][role]
        if role == Qt.ItemDataRole.EditRole:
            return COLUMNS[col].edit_text(self.value(row, col))
        if role == VALUE_ROLE:
            return self.value(row, col)
        if role == ROW_ROLE:
            return self.line(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(row, col))
        return None

    def _tooltip(self, row: int, col: int) -> str:
        c = COLUMNS[col]
        tip = c.tooltip(self, row, self.line(row)) if c.tooltip is not None else None
        tip = tip if tip is not None else c.tip
        if self.overridden(row, col):
            base = self.doc.base_line(row)
            tip = f"Overrides the base: {c.text(self, row, base, c.value(self, row, base)) or '—'}\n{tip}"
        return tip

    def overridden(self, row: int, col: int) -> bool:
        """Whether the scenario shown overrides what this cell shows."""
        return bool(override_fields(col) & self.doc.overrides(row))

    # -- editing -------------------------------------------------------------------------------

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, col = index.row(), index.column()
        line = self.line(row)
        title = COLUMNS[col].label
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
        parse = COLUMNS[col].parse
        return parse(self, line, value) if parse is not None else None

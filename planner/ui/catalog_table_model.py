"""CatalogTableModel: the price catalog as a Qt table, with ranking metrics and in-place edits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from pydantic import ValidationError
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from planner.domain.catalog import USER_ADDED, Catalog, ModelPrice, metric_label
from planner.domain.prices import alternative_prices, catalog_batch_prices, has_batch_price
from planner.domain.ranking import CatalogArrays, CompositeWeights, Ranking, rank, tokens_per_dollar
from planner.formatting import fmt_float, fmt_int, fmt_price, fmt_tokens
from planner.ui.catalog_columns import (
    ALTERNATIVE_PRICE_COLUMNS,
    COL_AS_OF,
    COL_BATCH_IN,
    COL_BATCH_OUT,
    COL_BLENDED,
    COL_CACHE_READ,
    COL_CACHE_WRITE,
    COL_CACHE_WRITE_1H,
    COL_COMPOSITE,
    COL_CONTEXT,
    COL_COST_PER_POINT,
    COL_INPUT,
    COL_MAX_OUTPUT,
    COL_MODEL,
    COL_OUTPUT,
    COL_PROVIDER,
    COL_QUALITY,
    COL_RATIO,
    COL_REASONING,
    COL_THROUGHPUT,
    COL_TIER,
    COL_TPD_IN,
    COL_TPD_OUT,
    COL_TTFT,
    COL_VALUE,
    COLUMN_COUNT,
    EDITABLE,
    FEE_COLUMNS,
    NUMERIC,
    PRICE_COLUMNS,
)
from planner.ui.cell_numbers import parse_cell
from planner.ui.roles import ROW_ROLE, SORT_ROLE
from planner.ui.session import Session
from planner.ui.style import Tone, brush, muted_brush, plain_tooltip

# Looked up once: data() runs thousands of times per repaint.
_DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
_ALIGN_ROLE = Qt.ItemDataRole.TextAlignmentRole
_FONT_ROLE = Qt.ItemDataRole.FontRole
_FOREGROUND_ROLE = Qt.ItemDataRole.ForegroundRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole, ROW_ROLE, SORT_ROLE,
})
#: a cell's flags, made once (combining flags is a Python call per flag, for every painted cell)
_CELL = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_CELL = _CELL | Qt.ItemFlag.ItemIsEditable
_BOLD = QFont()
_BOLD.setBold(True)


@dataclass(frozen=True)
class Column:
    title: str
    tooltip: str


def _columns(metric: str, ratio: float) -> list[Column]:
    long_label, short_label = metric_label(metric), metric_label(metric, short=True)
    r = f"{ratio:.2g}:1"
    return [
        Column("Provider", "Who serves the model."),
        Column("Model", "Model name; the id is in the tooltip."),
        Column("Tier", "From the catalog, else by input price: premium ≥ $2.50, mid $0.40–$2.50, budget < $0.40 per 1M."),
        Column("Input\n$/1M", "USD per 1M input tokens. Double-click to edit."),
        Column("Output\n$/1M", "USD per 1M output tokens. Double-click to edit."),
        Column("Cache read\n$/1M", "USD per 1M cached input tokens read. Empty: no prompt caching."),
        Column("Cache write\n$/1M", "USD per 1M input tokens written to the cache (input price when none is listed)."),
        Column("Batch in\n$/1M", "Batch-API input price: the model's own, or input × (1 − its batch discount)."),
        Column("Batch out\n$/1M", "Batch-API output price: the model's own, or output × (1 − its batch discount)."),
        Column("Context", "Context window, tokens."),
        Column("Max out", "Maximum output tokens per request."),
        Column(f"Quality\n{short_label}", f"Quality score on {long_label} (0–100, higher is better). Double-click to edit."),
        Column("Input tok\nper $1", "Whole input tokens $1 buys = 1,000,000 / input price, rounded down."),
        Column("Output tok\nper $1", "Whole output tokens $1 buys = 1,000,000 / output price, rounded down."),
        Column("Out/in\nratio", "Output price ÷ input price."),
        Column(f"Blended\n$/1M {r}", f"Blended price at {r} input:output = (r × input + output) / (r + 1), r = {ratio:g}."),
        Column("Value\nq per $", "Value = quality ÷ input price per 1M (higher is better)."),
        Column("$ per\nquality pt", "$ per quality point = blended price at 1:1 ÷ quality (lower is better)."),
        Column("Composite\nscore", "0–100: 40% cost per point, 20% quality floor, 15% cache-read price, "
               "15% throughput, 10% context ≥ 32K, each relative to the best of all the models scored on "
               f"{long_label} (the floor and the filters do not change it). Empty without a score."),
        Column("Speed\ntok/s", "Output throughput, tokens per second."),
        Column("TTFT\ns", "Time to first token, seconds."),
        Column("As of", "Date of the price."),
        Column("Reasoning\n$/1M", "USD per 1M reasoning (thinking) tokens, where the model prices them apart "
               "from output (empty: reasoning is billed as output)."),
        Column("Cache write\n1h $/1M", "USD per 1M input tokens written to a 1-hour prompt cache "
               "(the Cache write column is the 5-minute price)."),
        Column("Flex in\n$/1M", "Input price at the flex service tier: slower, cheaper processing."),
        Column("Flex out\n$/1M", "Output price at the flex service tier: slower, cheaper processing."),
        Column("Priority in\n$/1M", "Input price at the priority service tier: faster, dearer processing."),
        Column("Priority out\n$/1M", "Output price at the priority service tier: faster, dearer processing."),
        Column("Off-peak in\n$/1M", "Input price in the model's off-peak hours (the hours are in the cell's tooltip)."),
        Column("Off-peak out\n$/1M", "Output price in the model's off-peak hours (the hours are in the cell's tooltip)."),
        Column("Per request\n$", "Fee in USD per request, on top of the token prices."),
        Column("Per search\n$", "Fee in USD per web-search call."),
        Column("Per image\n$", "Fee in USD per input image."),
    ]


class CatalogTableModel(QAbstractTableModel):
    """One row per catalog model. Rows keep a sort order of their own (numpy argsort on
    native values), so re-ranking a 4,500-model catalog costs one permutation, not a
    Python comparison per pair. Edits go through the Session's undo stack."""

    editRejected = Signal(str)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.metric = session.catalog.default_quality_metric
        self.ratio = 3.0
        self.floor = 0.0
        #: models with no price (an import's unpriced entries) are ranked too
        self.include_free = False
        self.weights = CompositeWeights()
        self._sort_col = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._getters = self._make_getters()
        self._display_cache: dict[int, str] = {}
        self._edited: Mapping[str, frozenset[str]] = {}
        self._rebuild()
        session.catalogChanged.connect(self._on_catalog_changed)

    # -- state ---------------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def ranking(self) -> Ranking:
        return self._ranking

    def _rebuild(self) -> None:
        self._catalog = self.session.catalog
        self._arrays = CatalogArrays.from_catalog(self._catalog)
        self._ranking = self._rank()
        self._set_order(np.arange(len(self._catalog)))
        self._row_of = {m.id: i for i, m in enumerate(self._catalog.models)}
        self._columns = self._make_columns()
        self._invalidate_cache()
        if self._sort_col >= 0:
            self._set_order(self._sorted_order(self._sort_col, self._sort_order))

    def _rank(self) -> Ranking:
        return rank(self._catalog, self.metric, self.ratio, self.floor, self.weights, self._arrays,
                    include_free=self.include_free)

    def metric_coverage(self) -> tuple[int, int]:
        """(models scored on the chosen metric, models in the catalog)."""
        return int(np.count_nonzero(~np.isnan(self._ranking.quality))), len(self._catalog)

    def _make_columns(self) -> list[Column]:
        return _columns(self.metric, self.ratio)

    def _set_order(self, order: np.ndarray) -> None:
        """Row r shows catalog model order[r]; a list copy keeps data() free of numpy scalars."""
        self._order = order
        self._rows = order.tolist()

    def _invalidate_cache(self) -> None:
        self._display_cache.clear()
        self._edited = self.session.overlay_marks()

    def model_at(self, row: int) -> ModelPrice:
        return self._catalog.models[self._rows[row]]

    def row_of(self, model_id: str) -> int | None:
        """The table row showing `model_id` (after sorting), or None."""
        i = self._row_of.get(model_id)
        if i is None:
            return None
        return int(np.flatnonzero(self._order == i)[0])

    @property
    def order(self) -> np.ndarray:
        """The catalog index each row shows (row r shows catalog model order[r])."""
        return self._order

    def set_settings(self, *, metric: str | None = None, ratio: float | None = None, floor: float | None = None,
                     weights: CompositeWeights | None = None, include_free: bool | None = None) -> None:
        """Re-rank for new metric / blend ratio / floor: derived columns change, rows re-sort."""
        if include_free is not None:
            self.include_free = include_free
        if metric is not None:
            self.metric = metric
        if ratio is not None:
            self.ratio = ratio
        if floor is not None:
            self.floor = floor
        if weights is not None:
            self.weights = weights
        self._ranking = self._rank()
        self._columns = self._make_columns()
        self._invalidate_cache()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)
        self._resort()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, COL_QUALITY), self.index(self.rowCount() - 1, COL_COMPOSITE))

    def _on_catalog_changed(self, ids: list[str]) -> None:
        if ids and len(self.session.catalog) == len(self._catalog):
            # Same models: keep rows, refresh values (every derived column may move).
            self._catalog = self.session.catalog
            self._arrays = CatalogArrays.from_catalog(self._catalog)
            self._ranking = self._rank()
            self._invalidate_cache()
            self._resort()
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, COLUMN_COUNT - 1))
            return
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    # -- sorting -------------------------------------------------------------------------------

    def sort_key(self, col: int) -> np.ndarray | list:
        """Native sort values of a column, one per catalog model (NaN = missing)."""
        r, a, ms = self._ranking, self._arrays, self._catalog.models
        if col == COL_PROVIDER:
            return [m.provider.lower() for m in ms]
        if col == COL_MODEL:
            return [m.name.lower() for m in ms]
        if col == COL_TIER:
            order = {"budget": 0, "mid": 1, "premium": 2}
            return np.array([order[m.effective_tier.value] for m in ms], dtype=float)
        if col == COL_AS_OF:
            return np.array([m.as_of.toordinal() if m.as_of else math.nan for m in ms], dtype=float)
        simple = {
            COL_INPUT: a.input,
            COL_OUTPUT: a.output,
            COL_CACHE_READ: a.cache_read,
            COL_CONTEXT: a.context,
            COL_QUALITY: r.quality,
            COL_BLENDED: r.blended,
            COL_VALUE: r.value,
            COL_COST_PER_POINT: r.cost_per_point,
            COL_COMPOSITE: r.composite,
            COL_THROUGHPUT: a.throughput,
        }
        if col in simple:
            return simple[col]
        if col == COL_RATIO:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(a.input > 0, a.output / a.input, math.nan)
        vals = [self._value(m, col) for m in ms]
        return np.array([math.nan if v is None else float(v) for v in vals], dtype=float)

    def _sorted_order(self, col: int, order: Qt.SortOrder) -> np.ndarray:
        keys = self.sort_key(col)
        n = len(self._catalog)
        tiebreak = -np.nan_to_num(self._ranking.quality, nan=-1.0)
        if isinstance(keys, list):
            # Text: equal strings share a rank, so the quality tie-break applies to them too.
            _, ranks = np.unique(np.array(keys, dtype=object), return_inverse=True)
            keys = ranks.astype(float)
        keys = np.asarray(keys, dtype=float)
        missing = np.isnan(keys)
        k = np.where(missing, 0.0, keys)
        if order == Qt.SortOrder.DescendingOrder:
            k = -k
        # Missing values last in both directions; ties go to the higher-quality model.
        return np.lexsort((np.arange(n), tiebreak, k, missing))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_col, self._sort_order = column, order
        self._resort()

    @property
    def sort_column(self) -> int:
        return self._sort_col

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _resort(self) -> None:
        if self._sort_col < 0:
            return
        new = self._sorted_order(self._sort_col, self._sort_order)
        if np.array_equal(new, self._order):
            return
        self.layoutAboutToBeChanged.emit()
        old_pos = np.empty(len(new), dtype=int)
        old_pos[self._order] = np.arange(len(new))
        new_pos = np.empty(len(new), dtype=int)
        new_pos[new] = np.arange(len(new))
        persistent = self.persistentIndexList()
        if persistent:
            remapped = [
                self.index(int(new_pos[self._order[p.row()]]), p.column()) for p in persistent
            ]
            self._set_order(new)
            self.changePersistentIndexList(persistent, remapped)
        else:
            self._set_order(new)
        self.layoutChanged.emit()

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < COLUMN_COUNT):
            return None
        col = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _EDITABLE_CELL if index.column() in EDITABLE else _CELL

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan) -> None:  # noqa: N802, N803 (Qt's names)
        """Every role a painted cell needs in one call (a view asks for several per cell)."""
        self.fill_cell(index.row(), index.column(), roleDataSpan)

    def fill_cell(self, row: int, col: int, roleDataSpan) -> None:  # noqa: N803 (Qt's name)
        """multiData for the cell at (row, col)."""
        data = self.data_at
        for rd in roleDataSpan:
            v = data(row, col, rd.role())
            if v is None:
                rd.clearData()
            else:
                rd.setData(v)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.data_at(index.row(), index.column(), role)

    def data_at(self, row: int, col: int, role: int) -> Any:
        """data() of the cell at (row, col)."""
        # Hot path: called for every visible cell and role on each repaint.
        if role not in _ROLES:
            return None
        if row < 0 or row >= len(self._rows):
            return None
        i = self._rows[row]
        if role == _DISPLAY_ROLE:
            key = i * COLUMN_COUNT + col
            text = self._display_cache.get(key)
            if text is None:
                text = self._display_cache[key] = self._display(self._catalog.models[i], i, col)
            return text
        if role == _ALIGN_ROLE:
            return _RIGHT if col in NUMERIC else _LEFT
        m = self._catalog.models[i]
        if role == _FONT_ROLE:
            return _BOLD if self._is_edited(m, col) else None
        if role == _FOREGROUND_ROLE:
            if self._is_edited(m, col):
                return brush(Tone.EDITED)
            if col in (COL_BATCH_IN, COL_BATCH_OUT) and not has_batch_price(m, "input"):
                return muted_brush()
            return None
        if role == Qt.ItemDataRole.EditRole:
            v = self._value(m, col, i)
            if col in EDITABLE:
                return "" if v is None else str(v)
            return v
        if role == SORT_ROLE:
            v = self._value(m, col, i)
            return None if v is None or (isinstance(v, float) and math.isnan(v)) else (float(v) if col in NUMERIC else v)
        if role == ROW_ROLE:
            return m
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(m, i, col))
        return None

    def _is_edited(self, m: ModelPrice, col: int) -> bool:
        fields = self._edited.get(m.id)
        if not fields:
            return False
        if USER_ADDED in fields:  # the user's own model: its name is marked, its prices are simply its prices
            return col == COL_MODEL
        if col == COL_QUALITY:
            return "quality" in fields
        field = EDITABLE.get(col)
        return field is not None and field in fields

    def _batch(self, m: ModelPrice, col: int) -> Decimal | None:
        b_in, b_out = catalog_batch_prices(m)
        return b_in if col == COL_BATCH_IN else b_out

    def _value(self, m: ModelPrice, col: int, i: int | None = None) -> Any:
        """The native value of a cell (Decimal prices, floats, ints, None when missing)."""
        if i is None:
            i = self._row_of[m.id]
        return self._getters[col](m, i)

    def _make_getters(self) -> dict[int, Any]:
        r = lambda: self._ranking  # noqa: E731  (the ranking is replaced on every re-rank)
        return {
            COL_PROVIDER: lambda m, i: m.provider,
            COL_MODEL: lambda m, i: m.name,
            COL_TIER: lambda m, i: m.effective_tier.value,
            COL_INPUT: lambda m, i: m.input,
            COL_OUTPUT: lambda m, i: m.output,
            COL_CACHE_READ: lambda m, i: m.cache_read,
            COL_CACHE_WRITE: lambda m, i: m.cache_write,
            COL_BATCH_IN: lambda m, i: self._batch(m, COL_BATCH_IN),
            COL_BATCH_OUT: lambda m, i: self._batch(m, COL_BATCH_OUT),
            COL_CONTEXT: lambda m, i: m.context_window,
            COL_MAX_OUTPUT: lambda m, i: m.max_output,
            COL_QUALITY: lambda m, i: _f(r().quality[i]),
            COL_TPD_IN: lambda m, i: tokens_per_dollar(m.input),
            COL_TPD_OUT: lambda m, i: tokens_per_dollar(m.output),
            COL_RATIO: lambda m, i: float(m.output / m.input) if m.input else None,
            COL_BLENDED: lambda m, i: _f(r().blended[i]),
            COL_VALUE: lambda m, i: _f(r().value[i]),
            COL_COST_PER_POINT: lambda m, i: _f(r().cost_per_point[i]),
            COL_COMPOSITE: lambda m, i: _f(r().composite[i]),
            COL_THROUGHPUT: lambda m, i: m.throughput_tps,
            COL_TTFT: lambda m, i: m.ttft_s,
            COL_AS_OF: lambda m, i: m.as_of,
            COL_REASONING: lambda m, i: m.reasoning,
            COL_CACHE_WRITE_1H: lambda m, i: m.cache_write_1h,
            **{c: (lambda m, i, tier=tier, side=side: alternative_price(m, tier, side))
               for c, (tier, side) in ALTERNATIVE_PRICE_COLUMNS.items()},
            **{c: (lambda m, i, field=field: getattr(m, field)) for c, field in FEE_COLUMNS.items()},
        }

    _FORMATS: dict[int, Any] = {
        COL_PROVIDER: str,
        COL_MODEL: str,
        COL_TIER: str.capitalize,
        COL_CONTEXT: fmt_tokens,
        COL_MAX_OUTPUT: fmt_tokens,
        COL_QUALITY: lambda v: fmt_float(v, 1),
        COL_TPD_IN: fmt_int,
        COL_TPD_OUT: fmt_int,
        COL_RATIO: lambda v: f"{v:.2f}×",
        COL_BLENDED: lambda v: fmt_float(v, 4),
        COL_VALUE: lambda v: fmt_float(v, 1),
        COL_COST_PER_POINT: lambda v: fmt_float(v, 4),
        COL_COMPOSITE: lambda v: fmt_float(v, 1),
        COL_THROUGHPUT: lambda v: fmt_float(v, 0),
        COL_TTFT: lambda v: fmt_float(v, 2),
        COL_AS_OF: date.isoformat,
        **{c: fmt_price for c in (*PRICE_COLUMNS, COL_REASONING, COL_CACHE_WRITE_1H, *ALTERNATIVE_PRICE_COLUMNS)},
        **{c: fmt_price for c in FEE_COLUMNS},
    }

    def _display(self, m: ModelPrice, i: int, col: int) -> str:
        v = self._value(m, col, i)
        return "" if v is None else self._FORMATS[col](v)

    def _tooltip(self, m: ModelPrice, i: int, col: int) -> str | None:
        r = self._ranking
        q = _f(r.quality[i])
        edited = ""
        field = EDITABLE.get(col)
        if field and not self.session.is_user_added(m.id) and field in self.session.edited_fields(m.id):
            shipped = self.session.shipped(m.id)
            was = getattr(shipped, field, None) if shipped is not None and field != "quality" else None
            if field == "quality" and shipped is not None:
                was = shipped.quality.get(self.metric)
            edited = f"\nEdited by you (shipped value: {was if was is not None else 'none'})."
        if col == COL_MODEL:
            parts = [f"{m.name}  ({m.id})"]
            if m.source:
                parts.append(f"Source: {m.source}" + (f", {m.as_of.isoformat()}" if m.as_of else ""))
            if m.notes:
                parts.append(m.notes)
            if self.session.is_user_added(m.id):
                parts.append("Added by you.")
            return "\n".join(parts)
        if col in (COL_INPUT, COL_OUTPUT, COL_CACHE_READ, COL_CACHE_WRITE):
            v = self._value(m, col, i)
            if v is None:
                return "No cache-read price: prompt caching does not apply to this model." + edited if col == COL_CACHE_READ else None
            return f"${fmt_price(v)} per 1M tokens" + edited
        if col in ALTERNATIVE_PRICE_COLUMNS:
            return _alternative_tooltip(m, *ALTERNATIVE_PRICE_COLUMNS[col])
        if col in (COL_BATCH_IN, COL_BATCH_OUT):
            if (m.batch_input if col == COL_BATCH_IN else m.batch_output) is not None:
                return "The model's own batch price." + edited
            if m.batch_discount is not None:
                side = "Input" if col == COL_BATCH_IN else "Output"
                return f"{side} price × (1 − {m.batch_discount * 100:g}% batch discount)." + edited
            return "No batch price listed: the plan's default batch discount applies." + edited
        if col == COL_QUALITY:
            return (f"{m.name} has no score on this metric." if q is None else f"{q:g} on {self.metric}") + edited
        if col == COL_TPD_IN:
            return self._tpd_tooltip(m.input, "input", self._value(m, col, i))
        if col == COL_TPD_OUT:
            return self._tpd_tooltip(m.output, "output", self._value(m, col, i))
        if col == COL_RATIO:
            return f"${fmt_price(m.output)} / ${fmt_price(m.input)}" if m.input else None
        if col == COL_BLENDED:
            rr = self.ratio
            return f"({rr:g} × ${fmt_price(m.input)} + ${fmt_price(m.output)}) / ({rr:g} + 1) = ${fmt_float(r.blended[i], 4)} per 1M"
        if col == COL_VALUE:
            return f"{q:g} / ${fmt_price(m.input)} = {fmt_float(r.value[i], 1)}" if q is not None and m.input else "Needs a quality score and an input price."
        if col == COL_COST_PER_POINT:
            if not q:
                return "Needs a quality score."
            return f"((${fmt_price(m.input)} + ${fmt_price(m.output)}) / 2) / {q:g} = ${fmt_float(r.cost_per_point[i], 4)} per point"
        if col == COL_COMPOSITE:
            if q is None:
                return f"No composite: {m.name} has no score on this metric."
            gate = "passes" if q >= self.floor else "fails"
            return f"Composite {fmt_float(r.composite[i], 1)} / 100 (quality floor {self.floor:g}: {gate})."
        return None

    @staticmethod
    def _tpd_tooltip(price: Decimal, side: str, tokens: int | None) -> str:
        if tokens is None:
            return f"Free {side}"
        return f"1,000,000 / ${fmt_price(price)}, rounded down = {fmt_int(tokens)} {side} tokens per $1"

    # -- editing -------------------------------------------------------------------------------

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in EDITABLE:
            return False
        m = self.model_at(index.row())
        col = index.column()
        field = EDITABLE[col]
        title = self._columns[col].title.replace("\n", " ")
        try:
            parsed = parse_cell(field, value)
        except ValueError as e:
            self.editRejected.emit(f"{m.name}, {title}: {e}. The old value was kept.")
            return False
        if field == "quality":
            if parsed is None:
                new_quality = {k: v for k, v in m.quality.items() if k != self.metric}
            else:
                new_quality = {**m.quality, self.metric: float(parsed)}
            changes: dict[str, Any] = {"quality": new_quality}
        else:
            if parsed is None and field in ("input", "output"):
                self.editRejected.emit(f"{m.name}, {title}: a price is required. The old value was kept.")
                return False
            changes = {field: parsed if field in PRICE_COLUMNS.values() or parsed is None else _native(field, parsed)}
        if all(_same(getattr(m, k), v) for k, v in changes.items()):
            return False
        try:
            self.session.edit_model(m.id, f"Edit {title} of {m.name}", **changes)
        except ValidationError as e:
            err = e.errors()[0]
            self.editRejected.emit(f"{m.name}, {title}: {err.get('msg', 'invalid')}. The old value was kept.")
            return False
        return True


def _f(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def alternative_price(m: ModelPrice, tier: str, side: str) -> Decimal | None:
    """The model's input or output price at a service tier, or off-peak ("off_peak")."""
    prices = alternative_prices(m, off_peak=True) if tier == "off_peak" else alternative_prices(m, tier)
    return None if prices is None else getattr(prices, side)


def _alternative_tooltip(m: ModelPrice, tier: str, side: str) -> str | None:
    price = alternative_price(m, tier, side)
    if price is None:
        return None
    standard = m.input if side == "input" else m.output
    text = f"${fmt_price(price)} per 1M {side} tokens (standard ${fmt_price(standard)})"
    if tier == "off_peak" and m.off_peak is not None and m.off_peak.window:
        text += f", in the off-peak hours {m.off_peak.window}"
    return text + "."


def _same(a: Any, b: Any) -> bool:
    return a == b


def _native(field: str, v: Decimal) -> Any:
    if field in ("context_window", "max_output"):
        if v != v.to_integral_value():
            raise ValueError("must be a whole number")
        return int(v)
    return float(v)

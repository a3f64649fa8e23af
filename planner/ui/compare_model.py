"""CompareTableModel: 2-4 models side by side: prices, metrics, standard task costs, what $1 buys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from planner.domain.catalog import ModelPrice, metric_label
from planner.domain.prices import unit_prices
from planner.domain.ranking import (
    STANDARD_TASKS,
    blended,
    cost_per_point,
    task_cost,
    tokens_per_dollar,
    value,
    what_a_dollar_buys,
)
from planner.formatting import fmt_float, fmt_int, fmt_price, fmt_small_money, fmt_tokens
from planner.ui.catalog_columns import MAX_COMPARE
from planner.ui.catalog_table_model import alternative_price
from planner.ui.roles import ROW_ROLE, VALUE_ROLE
from planner.ui.style import Tone, computed_brush, surface

TASKS_HEADING = "Cost per task"


@dataclass(frozen=True)
class CompareRow:
    label: str
    get: Callable[[ModelPrice], Any] | None  # None: a section heading
    fmt: Callable[[Any], str] = str
    better: str = ""  # "low" or "high": which end to highlight
    tooltip: str = ""
    #: shown only when one of the compared models has a value for it
    optional: bool = False


def _rows(metric: str, ratio: float) -> list[CompareRow]:
    ml = metric_label(metric)
    price = lambda v: f"${fmt_price(v)}"
    rows = [
        CompareRow("Prices ($ per 1M tokens)", None),
        CompareRow("Input", lambda m: m.input, price, "low"),
        CompareRow("Output", lambda m: m.output, price, "low"),
        CompareRow("Cache read", lambda m: m.cache_read, price, "low"),
        # the price in force: a model without its own cache-write price writes at its input price
        CompareRow("Cache write", lambda m: unit_prices(m).cache_write if m.cache_read is not None else None, price,
                   "low"),
        CompareRow(f"Blended {ratio:.2g}:1", lambda m: blended(m, ratio), lambda v: f"${fmt_float(float(v), 4)}", "low",
                   "(r × input + output) / (r + 1)"),
        *_dimension_rows(price),
        CompareRow("Metrics", None),
        CompareRow(f"Quality ({ml})", lambda m: m.quality.get(metric), lambda v: fmt_float(v, 1), "high"),
        CompareRow("Value (quality / input $)", lambda m: value(m, metric), lambda v: fmt_float(v, 1), "high"),
        CompareRow("$ per quality point", lambda m: cost_per_point(m, metric), lambda v: f"${fmt_float(v, 4)}", "low",
                   "blended price at 1:1 ÷ quality"),
        CompareRow("Input tokens per $1", lambda m: tokens_per_dollar(m.input), fmt_int, "high",
                   "whole input tokens $1 buys = 1,000,000 / input price, rounded down"),
        CompareRow("Output tokens per $1", lambda m: tokens_per_dollar(m.output), fmt_int, "high",
                   "whole output tokens $1 buys = 1,000,000 / output price, rounded down"),
        CompareRow("Context window", lambda m: m.context_window, fmt_tokens, "high"),
        CompareRow("Throughput (tok/s)", lambda m: m.throughput_tps, lambda v: fmt_float(v, 0), "high"),
        CompareRow("Time to first token (s)", lambda m: m.ttft_s, lambda v: fmt_float(v, 2), "low"),
        CompareRow(TASKS_HEADING, None),
    ]
    for t in STANDARD_TASKS:
        rows.append(CompareRow(f"{t.label} ({t.input_tokens:,}+{t.output_tokens:,})",
                               lambda m, t=t: task_cost(m, t), fmt_small_money, "low",
                               f"({t.input_tokens:,} × input + {t.output_tokens:,} × output) / 1,000,000"))
    rows.append(CompareRow("What $1 buys", None))
    for t in STANDARD_TASKS:
        rows.append(CompareRow(t.label, lambda m, t=t: what_a_dollar_buys(m, t), fmt_int, "high",
                               "whole tasks $1 pays for = floor(1 / cost per task)"))
    return rows


def _dimension_rows(price: Callable[[Any], str]) -> list[CompareRow]:
    """Prices only some models have: reasoning, a 1-hour cache, service tiers, off-peak hours, fees."""
    fee = lambda v: f"${fmt_price(v)}"  # noqa: E731
    rows = [
        CompareRow("Reasoning", lambda m: m.reasoning, price, "low", "per 1M reasoning (thinking) tokens; "
                   "a model without this price bills reasoning as output", True),
        CompareRow("Cache write (1 hour)", lambda m: m.cache_write_1h, price, "low",
                   "per 1M tokens written to a 1-hour prompt cache (Cache write is the 5-minute price)", True),
    ]
    for tier, what in (("flex", "the flex service tier: slower, cheaper processing"),
                       ("priority", "the priority service tier: faster, dearer processing"),
                       ("off_peak", "the model's off-peak hours")):
        name = "Off-peak" if tier == "off_peak" else tier.capitalize()
        for side in ("input", "output"):
            rows.append(CompareRow(f"{name} {side}", lambda m, t=tier, s=side: alternative_price(m, t, s), price, "low",
                                   f"{side.capitalize()} price at {what}", True))
    rows += [
        CompareRow("Off-peak hours", lambda m: m.off_peak.window if m.off_peak and m.off_peak.window else None,
                   tooltip="when the off-peak prices apply", optional=True),
        CompareRow("Fee per request ($)", lambda m: m.per_request, fee, "low", "USD per request, on top of the tokens", True),
        CompareRow("Fee per web search ($)", lambda m: m.per_search, fee, "low", "USD per web-search call", True),
        CompareRow("Fee per image ($)", lambda m: m.per_image, fee, "low", "USD per input image", True),
    ]
    return rows


class CompareTableModel(QAbstractTableModel):
    """Rows are attributes, columns are the compared models; the best value in a row is marked."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._models: list[ModelPrice] = []
        self._metric = "tokenrate"
        self._ratio = 3.0
        self._rows = _rows(self._metric, self._ratio)
        self._cache: list[list[Any]] = []

    def set_models(self, models: list[ModelPrice], metric: str, ratio: float) -> None:
        self.beginResetModel()
        self._models = list(models[:MAX_COMPARE])
        self._metric, self._ratio = metric, ratio
        rows = [(r, [(r.get(m) if r.get else None) for m in self._models]) for r in _rows(metric, ratio)]
        rows = [(r, vals) for r, vals in rows if not r.optional or any(v is not None for v in vals)]
        self._rows = [r for r, _vals in rows]
        self._cache = [vals for _r, vals in rows]
        self.endResetModel()

    @property
    def models(self) -> list[ModelPrice]:
        return list(self._models)

    def tasks_row(self) -> int:
        """The first row of the task costs (the "Cost per task" heading)."""
        return next(i for i, r in enumerate(self._rows) if r.label == TASKS_HEADING)

    def row_label(self, row: int) -> str:
        return self._rows[row].label

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self._models else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._models)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not (0 <= section < len(self._models)):
                return None
            m = self._models[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{m.name}\n{m.provider}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return m.id
            return None
        if not (0 <= section < len(self._rows)):
            return None
        r = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return r.label
        if role == Qt.ItemDataRole.FontRole and r.get is None:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and r.tooltip:
            return r.tooltip
        return None

    def _best(self, row: int) -> Any:
        r = self._rows[row]
        vals = [v for v in self._cache[row] if v is not None]
        if not r.better or len(vals) < 2 or len(set(vals)) < 2:
            return None
        return min(vals) if r.better == "low" else max(vals)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        v = self._cache[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if r.get is None:
                return ""
            return "—" if v is None else r.fmt(v)
        if role == VALUE_ROLE:
            return v
        if role == ROW_ROLE:
            return self._models[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.get is None:
                return computed_brush()
            if v is not None and v == self._best(index.row()):
                return QBrush(surface(Tone.POSITIVE))
        if role == Qt.ItemDataRole.ToolTipRole and r.get is not None:
            best = self._best(index.row())
            tip = r.tooltip
            if v is not None and v == best:
                tip = (tip + "\n" if tip else "") + "Best of the compared models."
            return tip or None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

"""The line's cost options beyond the levers: reasoning, cache TTL, service tier, off-peak,
long requests, request fees, multi-turn sessions and outcomes. Each field commits when its
editing finishes (one undo step); a refused value is reported and the old one shown again.
Every figure shown beside a field comes from planner.domain."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.catalog import ModelPrice
from planner.domain.conversation import equivalent, session_input
from planner.domain.plan import Line
from planner.domain.prices import cache_break_even_reads, plan_model, unit_prices
from planner.formatting import fmt_small_money
from planner.ui.cell_numbers import parse_number, parse_percent
from planner.ui.plan_document import PlanDocument
from planner.ui.style import Tone, css
from planner.ui.worksheet_model import fmt_count


class Collapsible(QWidget):
    """A titled group that folds away (the panel stays usable on a short screen)."""

    def __init__(self, title: str, tip: str = "", expanded: bool = True, parent=None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setText(title)
        self.toggle.setToolTip(tip)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(12, 0, 0, 4)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.toggle)
        lay.addWidget(self.body)
        self.toggle.toggled.connect(self._fold)
        self.toggle.setChecked(expanded)
        self._fold(expanded)

    def _fold(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)


def _info() -> QLabel:
    lab = QLabel()
    lab.setWordWrap(True)
    lab.setTextFormat(Qt.TextFormat.RichText)
    return lab


def _warn(text: str) -> str:
    return f"<span style='{css(Tone.WARNING)}'>{html.escape(text)}</span>"


def _count_text(v: Decimal | None) -> str:
    return "" if v is None else fmt_count(v)


def _pct_text(v: Decimal | None) -> str:
    return "" if v is None else f"{(v * 100).normalize():f}"


def _optional(parse: Callable[[str], Decimal]) -> Callable[[str], Decimal | None]:
    return lambda text: parse(text) if text.strip() else None


#: field -> (label, tooltip, how the typed text is read, how a value is written back)
FIELDS: dict[str, tuple[str, str, Callable[[str], Any], Callable[[Any], str]]] = {
    "reasoning_tokens": ("Reasoning tokens", "Reasoning (thinking) tokens per request, billed at the reasoning "
                         "price (else the output price). Empty: the model's estimate × output tokens.",
                         _optional(parse_number), _count_text),
    "off_peak_share": ("Off-peak share %", "Share of the requests not batched sent in the model's off-peak hours, "
                       "at its off-peak prices.", parse_percent, _pct_text),
    "long_share": ("Long requests %", "Share of requests that are long: priced at their own input size, wholly at "
                   "that size's context range.", parse_percent, _pct_text),
    "long_input_tokens": ("Long request input", "Input tokens of a long request. Empty: none.",
                          _optional(parse_number), _count_text),
    "search_calls": ("Web searches / request", "Web-search calls per request: × the model's fee per call.",
                     parse_number, _count_text),
    "images": ("Images / request", "Input images per request: × the model's fee per image.", parse_number, _count_text),
    "system_tokens": ("System prompt", "P: the system prompt every turn sends.", parse_number, _count_text),
    "added_tokens": ("Added per turn", "t: tool or retrieved tokens each turn adds to the history.",
                     parse_number, _count_text),
    "context_cap": ("Context cap", "The history a turn re-sends is cut to this many tokens. Empty: no cap.",
                    _optional(parse_number), _count_text),
    "success_rate": ("Success rate %", "Share of requests (sessions, for a multi-turn line) that produce the "
                     "outcome. Empty: not counted.", _optional(parse_percent), _pct_text),
}


class LineOptions(QWidget):
    """The options of one line (set_line); `message` reports a refused value."""

    message = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.row: int | None = None
        self.edits: dict[str, QLineEdit] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

        prices = Collapsible("Prices and tokens", "Reasoning, cache lifetime, service tier, off-peak hours, "
                             "long requests and request fees")
        self._edit(prices, "reasoning_tokens")
        self.reasoning_info = self._row(prices)
        self.ttl = QComboBox()
        self.ttl.addItem("5 minutes", "5m")
        self.ttl.addItem("1 hour", "1h")
        self.ttl.setToolTip("How long a cached prefix lives: a 1-hour cache is written at the model's 1-hour price. "
                            "Break-even: (cache write − in) ÷ (in − cache read) reads per write.")
        self.ttl.activated.connect(lambda _i: self._commit_prompt_ttl())
        prices.form.addRow("Cache TTL", self.ttl)
        self.ttl_info = self._row(prices)
        self.tier = QComboBox()
        for label, value in (("Standard", "standard"), ("Flex", "flex"), ("Priority", "priority")):
            self.tier.addItem(label, value)
        self.tier.setToolTip("The requests not batched at this service tier: its prices replace the standard ones.")
        self.tier.activated.connect(lambda _i: self._commit({"service_tier": self.tier.currentData()}))
        prices.form.addRow("Service tier", self.tier)
        self.tier_info = self._row(prices)
        self._edit(prices, "off_peak_share")
        self.off_peak_info = self._row(prices)
        self._edit(prices, "long_share")
        self._edit(prices, "long_input_tokens")
        self._edit(prices, "search_calls")
        self._edit(prices, "images")
        self.fee_info = self._row(prices)

        turns = Collapsible("Multi-turn", "A chat session or an agent loop: requests are sessions, each of T turns; "
                            "turn k re-sends P + (k − 1)(u + a + t) tokens", expanded=False)
        self.multi = QCheckBox("Requests are sessions of")
        self.multi.setToolTip("Input per session: T·P + T·u + (u + a + t)·T(T − 1)/2 without a cap")
        self.multi.toggled.connect(self._toggle_turns)
        self.turns = QLineEdit()
        self.turns.setToolTip("T: turns per session (each is one billed request)")
        self.turns.editingFinished.connect(self._commit_turns)
        trow = QHBoxLayout()
        trow.addWidget(self.turns)
        trow.addWidget(QLabel("turns"))
        turns.form.addRow(self.multi, trow)
        for f in ("system_tokens", "added_tokens", "context_cap"):
            self._edit(turns, f)
        self.turns_info = self._row(turns)

        outcome = Collapsible("Outcomes", "Cost per outcome: optimized cost ÷ (sessions or requests × success rate)")
        self._edit(outcome, "success_rate")
        self.outcome = QLineEdit()
        self.outcome.setPlaceholderText("ticket resolved, report…")
        self.outcome.setToolTip("What a successful request (or session) produces")
        self.outcome.setMaxLength(100)
        self.outcome.editingFinished.connect(lambda: self._commit({"outcome": self.outcome.text().strip()}))
        outcome.form.addRow("Outcome", self.outcome)
        self.outcome_info = self._row(outcome)

        for g in (prices, turns, outcome):
            lay.addWidget(g)
        self.groups = (prices, turns, outcome)
        doc.resultChanged.connect(self._figures)

    def _row(self, group: Collapsible) -> QLabel:
        lab = _info()
        group.form.addRow(lab)
        return lab

    def _edit(self, group: Collapsible, field: str) -> None:
        label, tip, parse, _text = FIELDS[field]
        e = QLineEdit()
        e.setToolTip(tip)
        e.editingFinished.connect(lambda: self._commit_text(field))
        self.edits[field] = e
        lab = QLabel(label)
        lab.setToolTip(tip)
        group.form.addRow(lab, e)

    # -- which line ------------------------------------------------------------------------------

    @property
    def line(self) -> Line | None:
        return self.doc.plan.lines[self.row] if self.row is not None and self.row < len(self.doc.plan.lines) else None

    def set_line(self, row: int | None) -> None:
        self.row = row
        self.load()

    def load(self) -> None:
        line = self.line
        self.setEnabled(line is not None)
        if line is None:
            return
        for field, e in self.edits.items():
            e.setText(FIELDS[field][3](getattr(line, field)))
        self.turns.setText("" if line.turns is None else str(line.turns))
        for box, value in ((self.ttl, line.prompt_cache.ttl.value), (self.tier, line.service_tier.value)):
            box.setCurrentIndex(box.findData(value))
        self.multi.blockSignals(True)
        self.multi.setChecked(line.turns is not None)
        self.multi.blockSignals(False)
        self.outcome.setText(line.outcome)
        self._figures()

    def _models(self, line: Line) -> list[ModelPrice]:
        found = (plan_model(self.doc.plan, self.doc.catalog, r.model) for r in line.route)
        return [m for m in found if m is not None]

    def _figures(self) -> None:
        """The figures beside the fields: the model's estimate, break-even reads, tiers,
        off-peak window, fees, a session's tokens, the cost per outcome."""
        line = self.line
        if line is None:
            return
        models = self._models(line)
        self.reasoning_info.setText(_reasoning_text(line, models))
        self.ttl_info.setText(_break_even_text(line, models))
        self.tier_info.setText(_tier_text(line, models))
        self.off_peak_info.setText("<br>".join(
            _named(models, m, f"Off-peak: {m.off_peak.window or 'the model’s off-peak hours'}") if m.off_peak is not None
            else (_warn if line.off_peak_share else html.escape)(f"{m.name} has no off-peak prices") for m in models))
        self.fee_info.setText(_fee_text(models))
        self.turns_info.setText(_turns_text(line))
        self.outcome_info.setText(self._outcome_text(line))
        for f in ("system_tokens", "added_tokens", "context_cap"):
            self.edits[f].setEnabled(line.turns is not None)
        self.turns.setEnabled(line.turns is not None)
        self.edits["long_share"].setEnabled(line.turns is None)
        self.edits["long_input_tokens"].setEnabled(line.turns is None)

    def _outcome_text(self, line: Line) -> str:
        r = self.doc.result
        if r is None or self.row is None or self.row >= len(r.lines):
            return ""
        lr = r.lines[self.row]
        if lr.cost_per_outcome is None:
            return "Set a success rate to see the cost per outcome."
        ue = r.summary().unit_economics
        per = ue.line_cost_per_outcome[self.row] if ue is not None else lr.cost_per_outcome
        return (f"{fmt_count(lr.outcomes or Decimal(0))} {html.escape(line.outcome or 'outcomes')} a month: "
                f"<b>{fmt_small_money(per, r.currency)}</b> per {html.escape(line.outcome or 'outcome')}")

    # -- commits ---------------------------------------------------------------------------------

    def _commit_text(self, field: str) -> None:
        line = self.line
        if line is None:
            return
        label, _tip, parse, _text = FIELDS[field]
        try:
            value = parse(self.edits[field].text())
        except ValueError as e:
            self.message.emit(f"'{line.name}', {label}: {e}. The old value was kept.")
            self.load()
            return
        if value != getattr(line, field):
            self._commit({field: value}, label)

    def _commit_prompt_ttl(self) -> None:
        line = self.line
        if line is not None:
            self._commit({"prompt_cache": {**line.prompt_cache.model_dump(), "ttl": self.ttl.currentData()}}, "Cache TTL")

    def _toggle_turns(self, on: bool) -> None:
        line = self.line
        if line is None or on == (line.turns is not None):
            return
        fields: dict[str, Any] = {"turns": 2 if on else None}
        if on:  # a multi-turn line caches the prefix it re-sends itself, and sizes each turn
            fields.update(long_share=Decimal(0), prompt_cache={**line.prompt_cache.model_dump(), "prefix_tokens": 0})
        self._commit(fields, "Multi-turn")

    def _commit_turns(self) -> None:
        line = self.line
        if line is None or line.turns is None:
            return
        try:
            n = int(parse_number(self.turns.text()))
        except ValueError as e:
            self.message.emit(f"'{line.name}', turns: {e}. The old value was kept.")
            self.load()
            return
        if n != line.turns:
            self._commit({"turns": n}, "Turns")

    def _commit(self, fields: dict[str, Any], label: str = "") -> None:
        line = self.line
        if line is None:
            return
        what = label or ", ".join(fields)
        try:
            self.doc.set_line_fields(self.row, f"Change {what} of '{line.name}'", **fields)  # type: ignore[arg-type]
        except ValidationError as e:
            msg = e.errors()[0].get("msg", "invalid").removeprefix("Value error, ")
            self.message.emit(f"'{line.name}', {what}: {msg}. The old value was kept.")
            self.load()


def _reasoning_text(line: Line, models: list[ModelPrice]) -> str:
    parts = []
    for m in models:
        est = m.reasoning_estimate
        if est is None:
            parts.append(_named(models, m, "No estimate: none unless stated"))
        else:
            parts.append(_named(models, m, f"Empty: estimate {est.expected.normalize():f}× output "
                                           f"({est.low.normalize():f}–{est.high.normalize():f}×)"))
    return "<br>".join(parts)


def _named(models: list[ModelPrice], m: ModelPrice, text: str) -> str:
    """A model's figure, named by its model where the line routes to several."""
    return html.escape(f"{m.name}: {text}" if len(models) > 1 else text)


def _break_even_text(line: Line, models: list[ModelPrice]) -> str:
    parts = []
    for m in models:
        cells = []
        for ttl, name in (("5m", "5 min"), ("1h", "1 hour")):
            reads = cache_break_even_reads(unit_prices(m, line.input_tokens, ttl=ttl))
            cells.append(f"{name} {'—' if reads is None else f'{reads:.2f}'}")
        one_hour = "" if m.cache_write_1h is not None else " (no 1-hour price)"
        parts.append(_named(models, m, f"Break-even reads per write: {' · '.join(cells)}{one_hour}"))
    return "<br>".join(parts)


def _tier_text(line: Line, models: list[ModelPrice]) -> str:
    parts = []
    tier = line.service_tier.value
    for m in models:
        if tier != "standard" and tier not in m.service_tiers:
            parts.append(_warn(f"{m.name} has no {tier} tier: costed at its standard prices"))
        else:
            tiers = ", ".join(sorted(m.service_tiers))
            parts.append(_named(models, m, f"Tiers: standard, {tiers}" if tiers else "Standard prices only"))
    return "<br>".join(parts)


def _fee_text(models: list[ModelPrice]) -> str:
    def fee(v: Decimal | None, what: str) -> str:
        return f"${v.normalize():f} per {what}" if v is not None else f"no {what} fee listed"

    return "<br>".join(_named(models, m, f"{fee(m.per_search, 'search')}; {fee(m.per_image, 'image')}")
                       for m in models)


def _turns_text(line: Line) -> str:
    if line.turns is None:
        return "Off: each request is one call."
    eq = equivalent(line)
    return (f"{fmt_count(line.sessions_per_month)} sessions/month × {line.turns} turns = "
            f"{fmt_count(eq.requests)} requests; {fmt_count(session_input(line))} input tokens a session "
            f"({fmt_count(eq.input_tokens.quantize(Decimal(1)))} a request on average)")

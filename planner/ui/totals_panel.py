"""The totals panel: monthly totals and range, the waterfall, budget, forecast and currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.domain.currency import minor_digits, quantum
from planner.domain.plan import Currency, Forecast
from planner.domain.summary import GroupFigures, month_label, next_12_months
from planner.formatting import fmt_money, fmt_pct, fmt_small_money
from planner.ui.plan_document import PlanDocument
from planner.ui.steady_label import SteadyLabel
from planner.ui.style import Tone, css, mark_override

#: where a figure sits in its cell (a SteadyLabel keeps its size; the cell may be wider)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _value_label(bold: bool = False, big: bool = False) -> QLabel:
    lab = SteadyLabel("—")
    lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    style = []
    if bold:
        style.append("font-weight: bold;")
    if big:
        style.append("font-size: 15pt;")
    if style:
        lab.setStyleSheet(" ".join(style))
    return lab


def _grid_row(g: QGridLayout, row: int, name: str, value: QLabel, tip: str) -> QLabel:
    """A figure's name and value on one row of `g`, both with the figure's rule as tooltip."""
    label = QLabel(name)
    label.setToolTip(tip)
    value.setToolTip(tip)
    g.addWidget(label, row, 0)
    g.addWidget(value, row, 1, _RIGHT)
    return label


class TotalsPanel(QWidget):
    """Renders `doc.result`; its inputs (budget, forecast, currency) are undoable plan edits."""

    message = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc

        #: the group whose lines the totals and the waterfall show (None: every line)
        self.group: str | None = None
        self._make_totals()
        self._make_waterfall()
        self._make_budget()
        self._make_forecast()
        self._make_currency()
        self._lay_out()

        self._stale = False
        doc.resultChanged.connect(self.refresh)
        doc.settingsChanged.connect(self.load_settings)
        self.load_settings()
        self.refresh()

    def _make_totals(self) -> None:
        """The month's figures, each with the rule behind it as its tooltip, then the unit
        economics (shown when the plan has users or revenue)."""
        self.baseline = _value_label()
        self.optimized = _value_label(bold=True, big=True)
        self.range = _value_label()
        self.savings = _value_label(bold=True)
        self.annual = _value_label()
        self.next_year = _value_label()
        self.per_request = _value_label()
        self.add_ons = _value_label()
        self.totals_box = QGroupBox("Monthly cost")
        g = QGridLayout(self.totals_box)
        rows = [
            ("Baseline", self.baseline, "Every line on its own model, no levers."),
            ("Optimized", self.optimized, "After every lever and the expected flat-multiplier savings, with the "
             "retry overhead, the platform fee and the fixed add-ons."),
            ("Fixed add-ons", self.add_ons, "Fixed monthly costs outside the token prices (Plan levers > Fixed "
             "add-ons), included in the optimized total: the same every month and in the low and high ends."),
            ("Range", self.range, "Flat multipliers at their high savings (best) and low savings (worst)."),
            ("Savings", self.savings, "Baseline − the lines' optimized cost (the total without the fixed "
             "add-ons), and as a share of the baseline."),
            ("Annual run-rate", self.annual, "12 × this month's optimized cost, with no growth or price trend."),
            ("Next 12 months", self.next_year, "The first twelve months of the forecast added up: each line grows "
             "by the monthly growth and its prices follow the yearly trend; each line-month is rounded once."),
            ("Cost per request", self.per_request, "Optimized monthly (unrounded) ÷ requests per month, to 6 places."),
        ]
        self.per_user = _value_label()
        self.revenue = _value_label()
        self.margin = _value_label()
        self._economics = [
            ("Cost per user", self.per_user, "The monthly total ÷ active users (Plan properties)."),
            ("Revenue", self.revenue, "Users × revenue per user + outcomes × revenue per outcome, this month."),
            ("Gross margin", self.margin, "Revenue − the monthly total, and as a share of revenue; the first "
             "forecast month whose margin falls below the plan's floor."),
        ]
        names = [_grid_row(g, i, *row) for i, row in enumerate([*rows, *self._economics])]
        self._add_ons_name = names[[w for _n, w, _t in rows].index(self.add_ons)]
        self._economics_names: list[QLabel] = names[len(rows):]

    def _make_waterfall(self) -> None:
        self.waterfall = QGroupBox("Savings by lever")
        self.waterfall_grid = QGridLayout(self.waterfall)
        self._waterfall_names: list[str] = []
        self._waterfall_values: list[QLabel] = []
        self.waterfall.setToolTip("Each lever's saving at its step, in the order they apply. Negative: the lever costs more.")

    def _make_budget(self) -> None:
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0, 1e9)
        self.budget.setMinimumWidth(100)
        self.budget.setDecimals(2)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setSpecialValueText("none")
        self.budget.setToolTip("Monthly budget in the plan currency (0 = none)")
        self.budget.editingFinished.connect(self._budget_edited)
        self.headroom = _value_label()
        self.affordable = _value_label()
        self.crossed = _value_label()
        self.budget_box = QGroupBox("Budget")
        fb = QFormLayout(self.budget_box)
        fb.addRow("Monthly budget", self.budget)
        fb.addRow("Headroom", self.headroom)
        fb.addRow("Requests it buys", self.affordable)
        fb.addRow("Budget crossed", self.crossed)
        for w in (self.headroom, self.affordable, self.crossed):
            fb.setAlignment(w, _RIGHT)

    def _make_forecast(self) -> None:
        self.growth = QDoubleSpinBox()
        self.growth.setRange(-100, 1000)
        self.growth.setSuffix(" %/month")
        self.growth.setDecimals(1)
        self.growth.setToolTip("Monthly volume growth g: month k has volume × (1 + g)^k")
        self.trend = QDoubleSpinBox()
        self.trend.setRange(-99, 1000)
        self.trend.setSuffix(" %/year")
        self.trend.setDecimals(1)
        self.trend.setToolTip("Yearly price trend p: month k has prices × (1 + p)^(k/12); the seeds report −30 to −50% a year")
        self.horizon = QSpinBox()
        self.horizon.setRange(1, 120)
        self.horizon.setSuffix(" months")
        self.start_on = QCheckBox()
        self.start_on.setToolTip("Label forecast months with dates from this month on")
        self.start = QDateEdit()
        self.start.setDisplayFormat("MMM yyyy")
        self.start.setCalendarPopup(True)
        self.forecast_total = _value_label(bold=True)
        for w in (self.growth, self.trend, self.horizon):
            w.editingFinished.connect(self._forecast_edited)
        self.start_on.toggled.connect(lambda _on: self._forecast_edited())
        self.start.dateChanged.connect(lambda _d: self._forecast_edited())
        self.forecast_box = QGroupBox("Forecast")
        ff = QFormLayout(self.forecast_box)
        ff.addRow("Growth", self.growth)
        ff.addRow("Price trend", self.trend)
        ff.addRow("Horizon", self.horizon)
        srow = QHBoxLayout()
        srow.addWidget(self.start_on)
        srow.addWidget(self.start, 1)
        ff.addRow("Starts", srow)
        self.forecast_label = QLabel("Total")
        ff.addRow(self.forecast_label, self.forecast_total)
        ff.setAlignment(self.forecast_total, _RIGHT)

    def _make_currency(self) -> None:
        self.code = QLineEdit()
        self.code.setMaxLength(3)
        self.code.setInputMask(">AAA")
        self.code.setToolTip("ISO currency code amounts are shown in (USD, EUR, GBP, ...)")
        self.rate = QLineEdit()
        self.rate.setToolTip("How many units of the plan currency one US dollar buys")
        self.rate_date = QDateEdit()
        self.rate_date.setCalendarPopup(True)
        self.rate_date.setDisplayFormat("yyyy-MM-dd")
        for w in (self.code, self.rate):
            w.editingFinished.connect(self._currency_edited)
        self.rate_date.dateChanged.connect(lambda _d: self._currency_edited())
        self.currency_box = QGroupBox("Currency")
        fcur = QFormLayout(self.currency_box)
        fcur.addRow("Code", self.code)
        self.rate_label = QLabel("1 USD =")
        fcur.addRow(self.rate_label, self.rate)
        fcur.addRow("Rate date", self.rate_date)

    def _lay_out(self) -> None:
        """The figures and the waterfall on the left; budget, forecast and currency on the right."""
        left = QVBoxLayout()
        left.addWidget(self.totals_box)
        left.addWidget(self.waterfall)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.budget_box)
        right.addWidget(self.forecast_box)
        right.addWidget(self.currency_box)
        right.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(left, 1)
        lay.addLayout(right, 1)

    # -- plan -> widgets -------------------------------------------------------------------

    def load_settings(self) -> None:
        p = self.doc.plan
        widgets = (self.budget, self.growth, self.trend, self.horizon, self.start_on, self.start, self.code, self.rate, self.rate_date)
        for w in widgets:
            w.blockSignals(True)
        self.budget.setDecimals(minor_digits(p.currency.code))  # before the value: whole yen, cents
        self.budget.setValue(float(p.monthly_budget or 0))
        self.budget.setPrefix(f"{p.currency.code} ")
        self.growth.setValue(float(p.forecast.monthly_growth * 100))
        self.trend.setValue(float(p.forecast.yearly_price_trend * 100))
        self.horizon.setValue(p.forecast.horizon_months)
        self.start_on.setChecked(p.forecast.start_month is not None)
        self.start.setEnabled(p.forecast.start_month is not None)
        d = p.forecast.start_month or date.today().replace(day=1)
        self.start.setDate(QDate(d.year, d.month, 1))
        self.code.setText(p.currency.code)
        self.rate.setText(f"{p.currency.per_usd.normalize():f}")
        self.rate.setEnabled(p.currency.code != "USD")
        self.rate_label.setText(f"1 USD = ({p.currency.code})")
        rd = p.currency.rate_date or date.today()
        self.rate_date.setDate(QDate(rd.year, rd.month, rd.day))
        self.rate_date.setEnabled(p.currency.code != "USD")
        for w in widgets:
            w.blockSignals(False)
        over = self.doc.plan_overrides()
        mark_override(self.budget, self.doc.scenario if "monthly_budget" in over else None)
        for w in (self.growth, self.trend, self.horizon, self.start):
            mark_override(w, self.doc.scenario if "forecast" in over else None)

    def refresh(self) -> None:
        if not self.isVisible() and self.window().isVisible():
            # on a tab not shown (a slider dragged on the Charts tab): when it is shown
            self._stale = True
            return
        self._stale = False
        r = self.doc.result
        if r is None:
            return
        cur = r.currency
        sm = r.summary()
        group = self._group_figures(r)
        figures = sm if group is None else group_totals(r, self.doc.plan, group)
        _set(self.baseline, fmt_money(figures.baseline, cur))
        _set(self.optimized, fmt_money(figures.optimized, cur))
        _set(self.range, f"{fmt_money(figures.low, cur)} – {fmt_money(figures.high, cur)}")
        pct = f"  ({fmt_pct(figures.savings_pct, 2)})" if figures.savings_pct is not None else ""
        _set(self.savings, fmt_money(figures.savings, cur) + pct)
        _set(self.annual, fmt_money(figures.annual_run_rate, cur))
        _set(self.next_year, fmt_money(figures.next_12_months, cur))
        _set(self.per_request, fmt_small_money(figures.cost_per_request, cur))
        self._titles(group)
        _set(self.add_ons, fmt_money(figures.add_ons_total, cur))
        for w in (self.add_ons, self._add_ons_name):
            w.setVisible(bool(figures.add_ons_total))

        self._unit_economics(sm if group is None else None, cur)

        # waterfall rows, footed so they add up to baseline - optimized
        if group is None:
            base, steps, opt = r.footed_waterfall()
        else:
            base, steps, opt = group.baseline, list(group.own_steps), group.optimized
        rows = [("Baseline", base, True)] + [(s.label, -s.saving, False) for s in steps] + [("Optimized", opt, True)]
        names = [name for name, _amount, _strong in rows]
        if names != self._waterfall_names:
            self._build_waterfall(rows)
        for (_name, amount, strong), val in zip(rows, self._waterfall_values, strict=True):
            if strong:
                _set(val, fmt_money(amount, cur))
            else:
                # a lever that costs more is red, a saving green
                _set(val, _signed(amount, cur), css(Tone.NEGATIVE) if amount > 0 else css(Tone.POSITIVE) if amount < 0 else "")

        if sm.budget is None:
            for w in (self.headroom, self.affordable, self.crossed):
                _set(w, "—", "")
        else:
            pct = f" ({fmt_pct(sm.headroom_pct, 2)})" if sm.headroom_pct is not None else ""
            _set(self.headroom, fmt_money(sm.headroom, cur) + pct,
                 css(Tone.NEGATIVE, bold=True) if sm.headroom < 0 else css(Tone.POSITIVE))
            _set(self.affordable, f"{sm.requests_affordable:,} /month" if sm.requests_affordable is not None else "—")
            if sm.first_month_over_label is None:
                _set(self.crossed, "not in horizon", "")
            else:
                _set(self.crossed, sm.first_month_over_label, css(Tone.NEGATIVE, bold=True))
        _set(self.forecast_label, f"{len(sm.forecast)}-month total")
        _set(self.forecast_total, fmt_money(sm.forecast_total.expected, cur))

    def set_group(self, name: str | None) -> None:
        """Show one group's lines (None: every line)."""
        if name != self.group:
            self.group = name
            self.refresh()

    def _group_figures(self, r) -> GroupFigures | None:
        if self.group is None:
            return None
        return next((g for g in r.by_group([ln.group for ln in self.doc.plan.lines]) if g.name == self.group), None)

    def _titles(self, group: GroupFigures | None) -> None:
        """Say whose figures are shown: a group's, and the budget and forecast stay the plan's."""
        if group is None:
            titles = ("Monthly cost", "Savings by lever", "Budget", "Forecast")
        else:
            n = len(group.lines)
            who = f"{group.name} ({n} line{'s' if n != 1 else ''})"
            titles = (f"Monthly cost: {who}", f"Savings by lever: {group.name}", "Budget (whole plan)",
                      "Forecast (whole plan)")
        for box, title in zip((self.totals_box, self.waterfall, self.budget_box, self.forecast_box), titles,
                              strict=True):
            if box.title() != title:
                box.setTitle(title)

    def _unit_economics(self, sm, cur: str) -> None:
        """Cost per user, revenue and gross margin, shown where the plan has them (the whole
        plan's: not while a group is shown)."""
        ue = sm.unit_economics if sm is not None else None
        shown = {
            self.per_user: None if ue is None or ue.cost_per_user is None else fmt_small_money(ue.cost_per_user, cur),
            self.revenue: None if ue is None or ue.revenue is None else fmt_money(ue.revenue, cur),
            self.margin: None,
        }
        style = ""
        if ue is not None and ue.gross_margin is not None:
            pct = f" ({fmt_pct(ue.gross_margin_fraction * 100, 2)})" if ue.gross_margin_fraction is not None else ""
            below = ""
            if ue.first_month_below_floor is not None:
                below = f"; below the floor from {month_label(self.doc.plan.forecast.start_month, ue.first_month_below_floor)}"
                style = css(Tone.NEGATIVE, bold=True)
            shown[self.margin] = fmt_money(ue.gross_margin, cur) + pct + below
        for (_name, w, _tip), lab in zip(self._economics, self._economics_names, strict=True):
            text = shown[w]
            w.setVisible(text is not None)
            lab.setVisible(text is not None)
            if text is not None:
                _set(w, text, style if w is self.margin else "")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _build_waterfall(self, rows: list[tuple[str, Decimal, bool]]) -> None:
        """(Re)create the waterfall's rows; only when the set of levers changes, so a slider
        drag only updates texts."""
        while self.waterfall_grid.count():
            item = self.waterfall_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._waterfall_values = []
        grid_row = 0
        for name, _amount, strong in rows:
            if name == "Optimized" and strong:
                rule = QFrame()
                rule.setFrameShape(QFrame.Shape.HLine)
                self.waterfall_grid.addWidget(rule, grid_row, 0, 1, 2)
                grid_row += 1
            val = _value_label(bold=strong)
            self.waterfall_grid.addWidget(QLabel(name if strong else f"   {name}"), grid_row, 0)
            self.waterfall_grid.addWidget(val, grid_row, 1, _RIGHT)
            self._waterfall_values.append(val)
            grid_row += 1
        self._waterfall_names = [name for name, _amount, _strong in rows]

    # -- widgets -> plan (undoable) ----------------------------------------------------------

    def _budget_edited(self) -> None:
        v = Decimal(str(self.budget.value())).quantize(quantum(self.doc.plan.currency.code))
        new = v if v > 0 else None
        if new != self.doc.plan.monthly_budget:
            self.doc.set_plan_attr("monthly_budget", new, "Set monthly budget")

    def _forecast_edited(self) -> None:
        self.start.setEnabled(self.start_on.isChecked())
        qd = self.start.date()
        try:
            fc = Forecast(
                horizon_months=self.horizon.value(),
                monthly_growth=Decimal(str(round(self.growth.value(), 4))) / 100,
                yearly_price_trend=Decimal(str(round(self.trend.value(), 4))) / 100,
                start_month=date(qd.year(), qd.month(), 1) if self.start_on.isChecked() else None,
            )
        except ValidationError as e:
            self.message.emit(f"Forecast: {e.errors()[0].get('msg')}. The old value was kept.")
            self.load_settings()
            return
        if fc != self.doc.plan.forecast:
            self.doc.set_plan_attr("forecast", fc, "Change forecast")

    def _currency_edited(self) -> None:
        code = self.code.text().strip().upper()
        qd = self.rate_date.date()
        try:
            if len(code) != 3:
                raise ValueError("a currency code has three letters")
            rate = Decimal(1) if code == "USD" else Decimal(self.rate.text().strip().replace(",", ""))
            cur = Currency(code=code, per_usd=rate, rate_date=None if code == "USD" else date(qd.year(), qd.month(), qd.day()))
        except (ValueError, InvalidOperation, ValidationError) as e:
            msg = e.errors()[0].get("msg", "").removeprefix("Value error, ") if isinstance(e, ValidationError) else str(e) or "not a number"
            self.message.emit(f"Currency: {msg}. The old value was kept.")
            self.load_settings()
            return
        if cur != self.doc.plan.currency:
            self.doc.set_plan_attr("currency", cur, f"Show amounts in {code}")


@dataclass(frozen=True)
class _Totals:
    """What the Monthly cost box shows, for a group."""

    baseline: Decimal
    optimized: Decimal
    low: Decimal
    high: Decimal
    savings: Decimal
    savings_pct: Decimal | None
    annual_run_rate: Decimal
    next_12_months: Decimal
    cost_per_request: Decimal | None
    add_ons_total: Decimal


def group_totals(r, plan, g: GroupFigures) -> _Totals:
    """A group's figures (planner.domain.summary), with its first twelve forecast months added up."""
    months = r.group_forecast([ln.group for ln in plan.lines], g.name)
    return _Totals(g.baseline, g.optimized, g.low, g.high, g.savings, g.savings_pct, g.annual_run_rate,
                   next_12_months(months), g.cost_per_request, g.add_ons_total)


def _set(label: QLabel, text: str, style: str | None = None) -> None:
    """Change a label only where it differs: an unchanged text costs no relayout or repaint."""
    if label.text() != text:
        label.setText(text)
    if style is not None and label.property("cp_style") != style:
        label.setProperty("cp_style", style)
        label.setStyleSheet(style)


def _signed(amount: Decimal, cur: str) -> str:
    """A waterfall step: a saving shown as −$x, a cost increase as +$x."""
    if amount == 0:
        return fmt_money(amount, cur)
    return ("+" if amount > 0 else "−") + fmt_money(abs(amount), cur)

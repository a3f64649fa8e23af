"""The "Add model" dialog: a model at a negotiated rate, or a self-hosted one priced from GPU costs."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.catalog import Catalog, ModelPrice, metric_label
from planner.domain.errors import InputError
from planner.domain.selfhosted import self_hosted_prices
from planner.formatting import fmt_price
from planner.ui.cell_numbers import parse_cell
from planner.ui.style import Tone, css


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")
    return s.replace(".", "-") or "model"


class AddModelDialog(QDialog):
    """Collects a new model; `result_model` holds it after the dialog is accepted."""

    def __init__(self, catalog: Catalog, metric: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add model")
        self.catalog = catalog
        self.metric_key = metric
        self.result_model: ModelPrice | None = None
        self._id_edited = False

        self.provider = QComboBox()
        self.provider.setEditable(True)
        self.provider.addItems(catalog.providers)
        self.provider.setCurrentText("")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. GPT-4.1 (negotiated)")
        self.model_id = QLineEdit()
        self.model_id.setPlaceholderText("provider/model-slug")
        self.model_id.textEdited.connect(lambda _t: setattr(self, "_id_edited", True))
        self.provider.currentTextChanged.connect(self._suggest_id)
        self.name.textChanged.connect(self._suggest_id)

        def price_edit(tip: str) -> QLineEdit:
            e = QLineEdit()
            e.setPlaceholderText("$ per 1M tokens")
            e.setToolTip(tip)
            e.textChanged.connect(self._validate)
            return e

        self.price_in = price_edit("USD per 1M input tokens")
        self.price_out = price_edit("USD per 1M output tokens")
        self.cache_read = price_edit("Optional: USD per 1M cached input tokens read")
        self.cache_write = price_edit("Optional: USD per 1M input tokens written to the cache")
        self.context = QLineEdit()
        self.context.setPlaceholderText("tokens, e.g. 128000 or 128k")
        self.quality = QLineEdit()
        ml = metric_label(metric)
        self.quality.setPlaceholderText(f"optional, {ml} 0–100")
        for w in (self.context, self.quality, self.name, self.model_id):
            w.textChanged.connect(self._validate)

        # Self-hosted pricing
        self.gpu_hourly = QLineEdit("2.50")
        self.gpu_hourly.setToolTip("What one GPU costs per hour (cloud rental, or amortized hardware + power)")
        self.gpu_count = QLineEdit("1")
        self.throughput = QLineEdit("1500")
        self.throughput.setToolTip("Tokens per second the whole deployment serves at full load")
        self.utilization = QLineEdit("60")
        self.utilization.setToolTip("Percent of paid hours that serve traffic")
        self.input_share = QLineEdit("100")
        self.input_share.setToolTip("Input tokens priced at this percent of the output price (prefill is often cheaper)")
        self.sh_result = QLabel()
        self.sh_result.setWordWrap(True)
        for w in (self.gpu_hourly, self.gpu_count, self.throughput, self.utilization, self.input_share):
            w.textChanged.connect(self._self_hosted_changed)

        self.tabs = QTabWidget()
        api = QWidget()
        f1 = QFormLayout(api)
        f1.addRow("Input $/1M", self.price_in)
        f1.addRow("Output $/1M", self.price_out)
        f1.addRow("Cache read $/1M", self.cache_read)
        f1.addRow("Cache write $/1M", self.cache_write)
        sh = QWidget()
        f2 = QFormLayout(sh)
        f2.addRow("GPU $/hour", self.gpu_hourly)
        f2.addRow("GPUs", self.gpu_count)
        f2.addRow("Throughput tok/s", self.throughput)
        f2.addRow("Utilization %", self.utilization)
        f2.addRow("Input price % of output", self.input_share)
        f2.addRow(self.sh_result)
        self.tabs.addTab(api, "API price")
        self.tabs.addTab(sh, "Self-hosted")
        self.tabs.currentChanged.connect(lambda _i: self._self_hosted_changed() if self.is_self_hosted else self._validate())

        form = QFormLayout()
        form.addRow("Provider", self.provider)
        form.addRow("Name", self.name)
        form.addRow("Id", self.model_id)
        form.addRow("Context window", self.context)
        form.addRow(f"Quality ({ml})", self.quality)

        self.error = QLabel()
        self.error.setStyleSheet(css(Tone.NEGATIVE))
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.tabs)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.resize(460, 480)
        self._self_hosted_changed()
        self._validate()

    @property
    def is_self_hosted(self) -> bool:
        return self.tabs.currentIndex() == 1

    def _suggest_id(self) -> None:
        if not self._id_edited:
            prov = slug(self.provider.currentText()) if self.provider.currentText().strip() else "custom"
            self.model_id.setText(f"{prov}/{slug(self.name.text())}" if self.name.text().strip() else "")

    def self_hosted_prices(self) -> tuple[Decimal, Decimal]:
        """(input, output) $/1M from the self-hosted fields; raises ValueError / InputError."""
        hourly = parse_cell("price", self.gpu_hourly.text())
        count = parse_cell("price", self.gpu_count.text())
        tps = parse_cell("throughput_tps", self.throughput.text())
        util = parse_cell("price", self.utilization.text())
        share = parse_cell("price", self.input_share.text())
        if None in (hourly, count, tps, util, share):
            raise ValueError("fill in every self-hosted field")
        return self_hosted_prices(hourly, count, tps, util / 100, share / 100)

    def _self_hosted_changed(self) -> None:
        try:
            pin, pout = self.self_hosted_prices()
        except (ValueError, InputError) as e:
            self.sh_result.setText(f"<span style='{css(Tone.NEGATIVE)}'>{html.escape(str(e))}</span>")
        else:
            self.sh_result.setText(
                f"<b>${fmt_price(pout.quantize(Decimal('0.0001')))}</b> per 1M output tokens, "
                f"<b>${fmt_price(pin.quantize(Decimal('0.0001')))}</b> per 1M input tokens<br>"
                "= GPU $/hour × GPUs / (tokens/s × 3,600 × utilization) × 1,000,000"
            )
        self._validate()

    def build(self) -> ModelPrice:
        """The model described by the fields; raises ValueError with a message naming the field."""
        name = self.name.text().strip()
        provider = self.provider.currentText().strip()
        mid = self.model_id.text().strip()
        if not provider:
            raise ValueError("Provider: required")
        if not name:
            raise ValueError("Name: required")
        if mid in self.catalog:
            raise ValueError(f"Id: '{mid}' is already in the catalog")

        def field(label: str, key: str, edit: QLineEdit) -> Decimal | None:
            try:
                return parse_cell(key, edit.text())
            except ValueError as e:
                raise ValueError(f"{label}: {e}") from None

        if self.is_self_hosted:
            try:
                pin, pout = self.self_hosted_prices()
            except (ValueError, InputError) as e:
                raise ValueError(f"Self-hosted: {e}") from None
            pin, pout = pin.quantize(Decimal("0.000001")), pout.quantize(Decimal("0.000001"))
            cr = cw = None
        else:
            pin = field("Input $/1M", "input", self.price_in)
            pout = field("Output $/1M", "output", self.price_out)
            if pin is None or pout is None:
                raise ValueError("Input and output prices are required")
            cr = field("Cache read", "cache_read", self.cache_read)
            cw = field("Cache write", "cache_write", self.cache_write)
        ctx = field("Context window", "context_window", self.context)
        q = field("Quality", "quality", self.quality)
        try:
            return ModelPrice(
                id=mid,
                name=name,
                provider=provider,
                input=pin,
                output=pout,
                cache_read=cr,
                cache_write=cw,
                context_window=int(ctx) if ctx is not None else None,
                quality={self.metric_key: float(q)} if q is not None else {},
                source="Added by you" + (" (self-hosted estimate)" if self.is_self_hosted else ""),
                as_of=date.today(),
                self_hosted=self.is_self_hosted,
                notes=self._self_hosted_note() if self.is_self_hosted else "",
            )
        except ValidationError as e:
            err = e.errors()[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            raise ValueError(f"{where}: {err.get('msg', 'invalid').removeprefix('Value error, ')}") from None

    def _self_hosted_note(self) -> str:
        return (f"Self-hosted: {self.gpu_count.text()} GPU(s) at ${self.gpu_hourly.text()}/hour, "
                f"{self.throughput.text()} tok/s, {self.utilization.text()}% utilization, "
                f"input at {self.input_share.text()}% of output.")

    def _validate(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok) if hasattr(self, "buttons") else None
        if ok is None:
            return
        try:
            self.build()
        except ValueError as e:
            touched = any(w.text() for w in (self.name, self.price_in, self.price_out)) or self.is_self_hosted
            self.error.setText(str(e) if touched else "")
            ok.setEnabled(False)
        else:
            self.error.setText("")
            ok.setEnabled(True)

    def accept(self) -> None:
        try:
            self.result_model = self.build()
        except ValueError as e:
            self.error.setText(str(e))
            return
        super().accept()

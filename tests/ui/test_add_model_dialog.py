"""AddModelDialog: API prices and self-hosted GPU pricing, validation, and adding the result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from planner.domain.catalog import Catalog
from planner.ui.add_model_dialog import AddModelDialog
from planner.ui.catalog_table_model import COL_INPUT, COL_MODEL, COL_QUALITY, CatalogTableModel


@pytest.fixture
def catalog(mp):
    return Catalog(as_of=date(2026, 5, 1), models=(
        mp("openai/gpt-4-1", "2", "8", name="GPT-4.1", provider="OpenAI"),
        mp("anthropic/claude-sonnet", "3", "15", name="Claude Sonnet", provider="Anthropic"),
    ))


@pytest.fixture
def dlg(qtbot, catalog):
    d = AddModelDialog(catalog, "tokenrate")
    qtbot.addWidget(d)
    return d


def ok_button(d: AddModelDialog):
    return d.buttons.button(QDialogButtonBox.StandardButton.Ok)


def fill_api(d, provider="Acme Labs", name="Negotiated 4.1", pin="2.75", pout="$1,100"):
    d.provider.setCurrentText(provider)
    d.name.setText(name)
    d.price_in.setText(pin)
    d.price_out.setText(pout)


def test_ok_disabled_until_filled(dlg):
    assert not ok_button(dlg).isEnabled()
    assert dlg.error.text() == ""  # nothing typed yet: no scolding


def test_api_prices_build_a_model_with_suggested_id(dlg):
    fill_api(dlg)
    dlg.context.setText("128k")
    dlg.quality.setText("72")
    assert dlg.model_id.text() == "acme-labs/negotiated-4-1"
    assert ok_button(dlg).isEnabled()
    assert dlg.error.text() == ""
    dlg.accept()
    m = dlg.result_model
    assert m is not None
    assert (m.id, m.name, m.provider) == ("acme-labs/negotiated-4-1", "Negotiated 4.1", "Acme Labs")
    assert m.input == Decimal("2.75") and m.output == Decimal("1100")
    assert m.context_window == 128_000
    assert m.quality == {"tokenrate": 72.0}
    assert m.cache_read is None
    assert not m.self_hosted


def test_typed_id_is_not_overwritten(qtbot, dlg):
    fill_api(dlg)
    dlg.model_id.clear()
    qtbot.keyClicks(dlg.model_id, "acme/my-id")
    dlg.name.setText("Renamed")
    assert dlg.model_id.text() == "acme/my-id"


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("price_in", "abc", "Input $/1M"),
        ("price_in", "-3", "negative"),
        ("price_out", "", "required"),
        ("quality", "150", "above 100"),
        ("cache_read", "x", "Cache read"),
    ],
)
def test_invalid_input_keeps_ok_disabled_and_says_why(dlg, field, text, message):
    fill_api(dlg)
    assert ok_button(dlg).isEnabled()
    getattr(dlg, field).setText(text)
    assert not ok_button(dlg).isEnabled()
    assert message in dlg.error.text()
    dlg.accept()  # pressing Enter anyway does not close it
    assert dlg.result_model is None


def test_missing_name_refused(dlg):
    fill_api(dlg, name="")
    assert not ok_button(dlg).isEnabled()
    assert "Name" in dlg.error.text()


def test_duplicate_id_refused(dlg):
    # Provider "OpenAI" + name "GPT-4.1" suggests openai/gpt-4-1, which the catalog has.
    fill_api(dlg, provider="OpenAI", name="GPT-4.1")
    assert dlg.model_id.text() == "openai/gpt-4-1"
    assert not ok_button(dlg).isEnabled()
    assert "already in the catalog" in dlg.error.text()


def test_self_hosted_price_hand_computed(dlg):
    # $2.50/h x 1 GPU / (1,500 tok/s x 3,600 s x 0.60) x 1e6 = 2.5 / 3,240,000 x 1e6 = $0.771604.../1M
    dlg.provider.setCurrentText("My GPUs")
    dlg.name.setText("Llama 70B")
    dlg.tabs.setCurrentIndex(1)
    for w, v in ((dlg.gpu_hourly, "2.50"), (dlg.gpu_count, "1"), (dlg.throughput, "1,500"), (dlg.utilization, "60")):
        w.setText(v)
    assert "$0.7716" in dlg.sh_result.text()
    assert ok_button(dlg).isEnabled()
    dlg.accept()
    m = dlg.result_model
    assert m.self_hosted
    assert m.output == Decimal("0.771605")  # to six places
    assert m.input == Decimal("0.771605")  # input at 100% of output
    assert m.id == "my-gpus/llama-70b"


def test_self_hosted_scales_with_gpus_and_input_share(dlg):
    dlg.provider.setCurrentText("Me")
    dlg.name.setText("Two GPUs")
    dlg.tabs.setCurrentIndex(1)
    dlg.gpu_count.setText("2")  # 5 / 3,240,000 x 1e6 = 1.543209...
    dlg.input_share.setText("50")  # input 0.771604...
    assert "$1.5432" in dlg.sh_result.text()
    assert "$0.7716" in dlg.sh_result.text()
    dlg.accept()
    assert dlg.result_model.output == Decimal("1.543210")
    assert dlg.result_model.input == Decimal("0.771605")


@pytest.mark.parametrize(("field", "text"), [("utilization", "0"), ("utilization", "150"), ("throughput", "0"),
                                             ("gpu_count", "0"), ("gpu_hourly", "abc")])
def test_self_hosted_bad_input_disables_ok(dlg, field, text):
    dlg.provider.setCurrentText("Me")
    dlg.name.setText("Box")
    dlg.tabs.setCurrentIndex(1)
    assert ok_button(dlg).isEnabled()
    getattr(dlg, field).setText(text)
    assert not ok_button(dlg).isEnabled()
    assert dlg.error.text().startswith("Self-hosted")


def test_dialog_result_added_to_session_and_table(make_session, mp, qtbot):
    s = make_session(mp("acme/one", "1", "2", name="One"))
    table = CatalogTableModel(s)
    d = AddModelDialog(s.catalog, table.metric)
    qtbot.addWidget(d)
    fill_api(d, provider="Mine", name="Deal", pin="0.90", pout="3.60")
    d.quality.setText("66")
    d.accept()
    s.add_model(d.result_model)
    assert table.rowCount() == 2
    row = table.row_of("mine/deal")
    assert table.index(row, COL_MODEL).data() == "Deal"
    assert table.index(row, COL_INPUT).data() == "0.90"
    assert table.index(row, COL_QUALITY).data() == "66.0"
    # The same dialog again is now refused: the id is taken.
    d2 = AddModelDialog(s.catalog, table.metric)
    qtbot.addWidget(d2)
    fill_api(d2, provider="Mine", name="Deal")
    assert not ok_button(d2).isEnabled()
    with pytest.raises(ValueError):
        s.add_model(d.result_model)

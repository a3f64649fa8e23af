"""The scenario bar in the Workload tab: pick a scenario, overridden cells stand out, what-ifs, by month.

Hand-figured amounts (acme/big in $3 / out $15, acme/small in $0.10 / out $0.40 per 1M tokens;
no lever on): 10,000 requests × (500 in, 1,000 out) on big = $165.00 a month; ×3 = $495.00."""
# ruff: noqa: F811  (pytest fixtures imported from workload_helpers are redefined as arguments)

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from planner.ui.scenario_bar import ScenarioBar
from planner.ui.style import Tone, brush
from planner.ui.workload_tab import WorkloadTab
from planner.ui.worksheet_model import COL_MODEL, COL_REQUESTS
from tests.ui.workload_helpers import SMALL, line, make_doc, session  # noqa: F401  (fixtures)

D = Decimal


def tab_of(qtbot, doc) -> tuple[WorkloadTab, ScenarioBar]:
    tab = WorkloadTab(doc)
    qtbot.addWidget(tab)
    return tab, tab.findChild(ScenarioBar)


def test_an_overridden_cell_is_coloured_with_the_base_value_in_its_tooltip(qtbot, make_doc):
    doc = make_doc(line("Chat"))
    tab, bar = tab_of(qtbot, doc)
    assert bar.add("Cheap")
    assert bar.choice.currentText() == "Cheap"
    idx = tab.model.index(0, COL_MODEL)
    assert tab.model.setData(idx, SMALL)
    assert idx.data(Qt.ItemDataRole.DisplayRole) == "Small"
    assert idx.data(Qt.ItemDataRole.ForegroundRole) == brush(Tone.EDITED)
    assert idx.data(Qt.ItemDataRole.ToolTipRole).startswith("Overrides the base: Big")
    assert tab.model.index(0, COL_REQUESTS).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "1 override(s)" in bar.overrides_label.text()
    menu = bar.cell_menu(idx)
    menu.actions()[0].trigger()  # Reset Model to base
    assert idx.data(Qt.ItemDataRole.DisplayRole) == "Big"
    assert idx.data(Qt.ItemDataRole.ForegroundRole) is None
    assert bar.cell_menu(idx) is None
    bar.choice.setCurrentIndex(0)
    bar._activate(None)
    assert doc.scenario is None


def test_scale_volume_on_the_base_makes_a_new_scenario(qtbot, make_doc):
    doc = make_doc(line("Chat"))
    tab, bar = tab_of(qtbot, doc)
    assert bar.scale(D(3))
    assert doc.scenario == "Volume ×3"
    assert doc.result.summary().optimized == D("495.00")
    assert tab.model.index(0, COL_REQUESTS).data(Qt.ItemDataRole.DisplayRole) == "30,000"
    doc.undo_stack.undo()
    assert doc.scenario is None and doc.result.summary().optimized == D("165.00")


def test_batch_everything_on_a_plan_already_batched_says_so(qtbot, make_doc):
    doc = make_doc(line("Chat", batch_share=D(1)))
    tab, bar = tab_of(qtbot, doc)
    assert not bar.batch_all()
    assert "nothing to change" in tab.messages.text()


def test_by_month_replaces_the_worksheet_and_copies_plain_numbers(qtbot, make_doc):
    doc = make_doc(line("Chat"), line("Search", model=SMALL, group="Ops"))
    tab, bar = tab_of(qtbot, doc)
    tab.show()
    bar.btn_by_month.setChecked(True)
    assert bar.by_month.isVisible() and not tab.table.isVisible()
    text = bar.by_month.copy(everything=True).splitlines()
    assert text[0].split("\t")[:3] == ["Line", "Group", "Month 1"]
    # no growth: every month is the month's amount; 12 months of $165.00 + $4.50
    chat = text[1].split("\t")
    assert chat[0] == "Chat" and chat[2] == "165.00" and chat[-1] == "1980.00"
    assert text[-1].split("\t")[0] == "Total" and text[-1].split("\t")[-1] == str(D("169.50") * 12)
    bar.btn_by_month.setChecked(False)
    assert tab.table.isVisible()


def test_cheapest_model_for_a_line_becomes_a_scenario(qtbot, make_doc):
    doc = make_doc(line("Chat"))
    tab, bar = tab_of(qtbot, doc)
    tab.select_row(0)
    assert bar.cheaper_line(quality=60)  # mid (quality 70): 10,000 × (500 × 1 + 1,000 × 5) / 1M = $55.00
    assert doc.scenario == "Chat on Mid"
    assert doc.result.summary().optimized == D("55.00")
    assert not bar.cheaper_line(quality=90)
    assert "No model of quality 90" in tab.messages.text()


def test_prompt_caching_where_the_model_has_a_cache_price(qtbot, make_doc):
    doc = make_doc(line("Chat"), line("Plain", model="acme/mid"))
    _tab, bar = tab_of(qtbot, doc)
    assert bar.caching_on()
    assert doc.overrides(0) == {"prompt_cache"} and doc.overrides(1) == frozenset()

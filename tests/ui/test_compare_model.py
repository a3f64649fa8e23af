"""CompareTableModel without widgets: prices, metrics, standard task costs and what $1 buys, best marked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from planner.domain.ranking import STANDARD_TASKS, task_cost, what_a_dollar_buys
from planner.ui.compare_model import CompareTableModel
from planner.ui.roles import VALUE_ROLE

BG = Qt.ItemDataRole.BackgroundRole


@pytest.fixture
def trio(mp):
    return [
        mp("acme/x", "0.10", "0.40", name="X", quality=50, context_window=128_000),
        mp("acme/y", "3", "15", name="Y", quality=85, context_window=200_000),
        mp("acme/z", "1", "2", name="Z", quality=70),
    ]


@pytest.fixture
def cmp(qapp, trio):
    m = CompareTableModel()
    m.set_models(trio, "tokenrate", 3.0)
    return m


def row_of(model: CompareTableModel, label: str, after: str | None = None) -> int:
    start = 0
    if after is not None:
        start = next(r for r in range(model.rowCount()) if model.row_label(r) == after) + 1
    for r in range(start, model.rowCount()):
        if model.row_label(r) == label:
            return r
    raise AssertionError(f"no row {label!r}")


def test_compare_passes_qtmodeltester(qtmodeltester, cmp):
    assert cmp.columnCount() == 3
    qtmodeltester.check(cmp)


def test_empty_compare_passes_qtmodeltester(qtmodeltester, qapp):
    m = CompareTableModel()
    assert m.rowCount() == 0 and m.columnCount() == 0
    qtmodeltester.check(m)


def test_at_most_four_models(qapp, mp):
    m = CompareTableModel()
    m.set_models([mp(f"acme/m{i}", str(i + 1), "1") for i in range(6)], "tokenrate", 3.0)
    assert m.columnCount() == 4


def test_headers_name_the_models(cmp):
    assert cmp.headerData(0, Qt.Orientation.Horizontal) == "X\nacme"
    assert cmp.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "acme/y"


def test_chat_message_cost_and_what_a_dollar_buys_hand_computed(cmp):
    # Chat 500 in + 200 out on X ($0.10 / $0.40): (500 x 0.10 + 200 x 0.40) / 1e6 = $0.00013.
    # $1 buys floor(1 / 0.00013) = floor(7692.3) = 7,692 chats.
    # Y ($3 / $15): (1500 + 3000) / 1e6 = $0.0045 -> 222.   Z ($1 / $2): 900 / 1e6 -> 1,111.
    cost = row_of(cmp, "Chat message (500+200)")
    buys = row_of(cmp, "Chat message", after="What $1 buys")
    assert [cmp.index(cost, c).data(VALUE_ROLE) for c in range(3)] == [
        Decimal("0.00013"), Decimal("0.0045"), Decimal("0.0009"),
    ]
    assert [cmp.index(buys, c).data(VALUE_ROLE) for c in range(3)] == [7692, 222, 1111]
    assert cmp.index(cost, 0).data() == "$0.000130"
    assert cmp.index(buys, 0).data() == "7,692"
    assert cmp.index(buys, 2).data() == "1,111"


def test_every_standard_task_matches_the_domain(cmp, trio):
    for t in STANDARD_TASKS:
        cost = row_of(cmp, f"{t.label} ({t.input_tokens:,}+{t.output_tokens:,})")
        buys = row_of(cmp, t.label, after="What $1 buys")
        for c, m in enumerate(trio):
            assert cmp.index(cost, c).data(VALUE_ROLE) == task_cost(m, t), (t.key, m.id)
            assert cmp.index(buys, c).data(VALUE_ROLE) == what_a_dollar_buys(m, t), (t.key, m.id)


def test_blog_post_hand_computed(cmp):
    # Blog post 500 + 2,000 on Z ($1 / $2): (500 + 4000) / 1e6 = $0.0045 -> $1 buys 222.
    cost = row_of(cmp, "Blog post (500+2,000)")
    buys = row_of(cmp, "Blog post", after="What $1 buys")
    assert cmp.index(cost, 2).data(VALUE_ROLE) == Decimal("0.0045")
    assert cmp.index(buys, 2).data(VALUE_ROLE) == 222


def test_prices_and_blended(cmp):
    assert [cmp.index(row_of(cmp, "Input"), c).data() for c in range(3)] == ["$0.10", "$3.00", "$1.00"]
    # Blended 3:1: X (0.30 + 0.40) / 4 = 0.175; Y (9 + 15) / 4 = 6; Z (3 + 2) / 4 = 1.25.
    r = row_of(cmp, "Blended 3:1")
    assert [cmp.index(r, c).data(VALUE_ROLE) for c in range(3)] == [Decimal("0.175"), Decimal("6"), Decimal("1.25")]
    assert cmp.index(r, 0).data() == "$0.1750"


def test_ratio_is_applied(qapp, trio):
    m = CompareTableModel()
    m.set_models(trio, "tokenrate", 1.0)
    r = row_of(m, "Blended 1:1")
    # X (0.10 + 0.40) / 2 = 0.25
    assert m.index(r, 0).data(VALUE_ROLE) == Decimal("0.25")


def test_missing_value_shown_as_dash(cmp):
    r = row_of(cmp, "Context window")
    assert cmp.index(r, 2).data() == "—"
    assert cmp.index(r, 2).data(VALUE_ROLE) is None


@pytest.mark.parametrize(
    ("label", "best_col"),
    [
        ("Chat message (500+200)", 0),  # cheapest: X
        ("Input", 0),  # lowest price: X
        ("Output", 0),
        ("Quality (TokenRate quality)", 1),  # highest: Y
        ("Context window", 1),  # 200K > 128K (Z has none)
    ],
)
def test_best_of_row_marked_on_that_cell_only(cmp, label, best_col):
    r = row_of(cmp, label)
    for c in range(3):
        marked = cmp.index(r, c).data(BG) is not None
        assert marked == (c == best_col), (label, c)
    assert "Best of the compared models" in cmp.index(r, best_col).data(Qt.ItemDataRole.ToolTipRole)


def test_best_what_a_dollar_buys_is_the_largest(cmp):
    r = row_of(cmp, "Chat message", after="What $1 buys")
    assert [cmp.index(r, c).data(BG) is not None for c in range(3)] == [True, False, False]


def test_no_best_when_all_equal(qapp, mp):
    m = CompareTableModel()
    m.set_models([mp("a/one", "1", "2"), mp("b/two", "1", "3")], "tokenrate", 3.0)
    r = row_of(m, "Input")
    assert [m.index(r, c).data(BG) for c in range(2)] == [None, None]


def test_tokens_per_dollar_are_whole_tokens_rounded_down(qapp, mp):
    # 1e6 / $15 = 66,666.67 and 1e6 / $640 = 1,562.5: $1 buys 66,666 and 1,562 whole tokens
    # (the Models table and `cost-planner models` say the same)
    m = CompareTableModel()
    m.set_models([mp("acme/dear", "15", "640"), mp("acme/one", "1", "1")], "tokenrate", 3.0)
    assert m.index(row_of(m, "Input tokens per $1"), 0).data() == "66,666"
    assert m.index(row_of(m, "Output tokens per $1"), 0).data() == "1,562"
    assert m.index(row_of(m, "Input tokens per $1"), 0).data(VALUE_ROLE) == 66_666


def test_price_dimensions_appear_only_where_a_model_has_them(qapp, trio, mp):
    from planner.domain.catalog import TierPrices

    m = CompareTableModel()
    m.set_models(trio, "tokenrate", 3.0)
    labels = [m.row_label(r) for r in range(m.rowCount())]
    assert not {"Reasoning", "Flex input", "Off-peak input", "Fee per web search ($)"} & set(labels)

    deep = mp("acme/deep", "0.56", "1.68", name="Deep", reasoning=Decimal("2.19"), per_search=Decimal("0.01"),
              off_peak=TierPrices(input=Decimal("0.28"), output=Decimal("0.84"), window="16:30-00:30 UTC"),
              service_tiers={"flex": TierPrices(input=Decimal("0.28"), output=Decimal("0.84"))})
    m.set_models([trio[0], deep], "tokenrate", 3.0)
    texts = {m.row_label(r): [m.index(r, c).data() for c in range(2)] for r in range(m.rowCount())}
    assert texts["Reasoning"] == ["—", "$2.19"]
    assert texts["Off-peak input"] == ["—", "$0.28"]
    assert texts["Off-peak hours"] == ["—", "16:30-00:30 UTC"]
    assert texts["Flex output"] == ["—", "$0.84"]
    assert texts["Fee per web search ($)"] == ["—", "$0.01"]
    assert "Priority input" not in texts and "Fee per image ($)" not in texts
    r = row_of(m, "Flex input")
    assert "flex service tier" in m.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)

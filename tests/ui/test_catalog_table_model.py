"""CatalogTableModel without widgets: model checks, native-value sorting, display, ratio, in-place edits."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from planner import paths
from planner.ui.catalog_table_model import (
    COL_BLENDED,
    COL_CACHE_READ,
    COL_COMPOSITE,
    COL_CONTEXT,
    COL_COST_PER_POINT,
    COL_INPUT,
    COL_MODEL,
    COL_OUTPUT,
    COL_PROVIDER,
    COL_QUALITY,
    COL_TIER,
    COL_TPD_IN,
    COL_TPD_OUT,
    COL_VALUE,
    ROW_ROLE,
    SORT_ROLE,
    CatalogTableModel,
)
from tests.conftest import emitted

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def four(mp):
    """Four models chosen so string sorting, case-sensitive sorting and missing values all show."""
    return (
        mp("openai/alpha", "10", "30", name="Alpha", provider="OpenAI", cache_read="1", quality=80,
           context_window=128_000),
        mp("anthropic/beta", "9", "20", name="beta", provider="anthropic", cache_read="0.9", quality=70),
        mp("mistral/gamma", "0.05", "0.2", name="Gamma", provider="Mistral", quality=40),  # no cache read
        mp("zeta/delta", "2", "8", name="Delta", provider="Zeta AI", cache_read="0.5"),  # no quality
    )


@pytest.fixture
def model(make_session, four):
    return CatalogTableModel(make_session(*four))


def cell(model, model_id, col, role=DISPLAY):
    row = model.row_of(model_id)
    assert row is not None, model_id
    return model.index(row, col).data(role)


def ids(model):
    return [model.index(r, 0).data(ROW_ROLE).id for r in range(model.rowCount())]


# -- Qt model contract -------------------------------------------------------------------------


def test_model_passes_qtmodeltester(qtmodeltester, model):
    qtmodeltester.check(model)


def test_model_passes_qtmodeltester_after_sort_and_rerank(qtmodeltester, model):
    model.sort(COL_BLENDED, DESC)
    model.set_settings(ratio=7, floor=50)
    qtmodeltester.check(model)


def test_real_catalog_passes_qtmodeltester(qtmodeltester, shipped_session):
    m = CatalogTableModel(shipped_session)
    assert m.rowCount() == 44
    qtmodeltester.check(m)
    qtmodeltester.check(m, force_py=True)  # the Python checker also checks value types per role


# -- sorting on native values ------------------------------------------------------------------


def test_input_price_sorts_numerically_not_as_text(model):
    # As strings "0.05" < "10" < "2" < "9"; as numbers 0.05 < 2 < 9 < 10.
    model.sort(COL_INPUT, ASC)
    assert ids(model) == ["mistral/gamma", "zeta/delta", "anthropic/beta", "openai/alpha"]
    model.sort(COL_INPUT, DESC)
    assert ids(model) == ["openai/alpha", "anthropic/beta", "zeta/delta", "mistral/gamma"]


def test_nine_sorts_before_ten(make_session, mp):
    m = CatalogTableModel(make_session(mp("a/ten", "10", "1"), mp("b/nine", "9", "1")))
    m.sort(COL_INPUT, ASC)
    assert [m.index(r, COL_INPUT).data() for r in range(2)] == ["9.00", "10.00"]


@pytest.mark.parametrize("order", [ASC, DESC])
def test_missing_cache_read_sorts_last_both_ways(model, order):
    model.sort(COL_CACHE_READ, order)
    assert ids(model)[-1] == "mistral/gamma"
    expected = ["zeta/delta", "anthropic/beta", "openai/alpha"]  # 0.5 < 0.9 < 1
    assert ids(model)[:3] == (expected if order == ASC else expected[::-1])


@pytest.mark.parametrize("order", [ASC, DESC])
def test_missing_quality_sorts_last_both_ways(model, order):
    model.sort(COL_QUALITY, order)
    expected = ["mistral/gamma", "anthropic/beta", "openai/alpha"]  # 40 < 70 < 80
    assert ids(model) == (expected if order == ASC else expected[::-1]) + ["zeta/delta"]


@pytest.mark.parametrize("order", [ASC, DESC])
def test_equal_prices_tie_broken_by_higher_quality(make_session, mp, order):
    m = CatalogTableModel(make_session(
        mp("acme/low", "1", "2", quality=50), mp("acme/high", "1", "2", quality=90), mp("acme/none", "1", "2"),
    ))
    m.sort(COL_INPUT, order)
    assert ids(m) == ["acme/high", "acme/low", "acme/none"]


@pytest.mark.parametrize("low_first", [True, False], ids=["low-first-in-catalog", "high-first-in-catalog"])
@pytest.mark.parametrize("order", [ASC, DESC])
def test_equal_providers_tie_broken_by_higher_quality(make_session, mp, order, low_first):
    # Same provider (the sort key ties): the higher-quality model goes first, in both
    # directions, whatever the catalog order.
    low = mp("acme/low", "1", "2", provider="Acme", quality=50)
    high = mp("acme/high", "3", "4", provider="Acme", quality=90)
    m = CatalogTableModel(make_session(*((low, high) if low_first else (high, low))))
    m.sort(COL_PROVIDER, order)
    assert ids(m) == ["acme/high", "acme/low"]


@pytest.mark.parametrize("col", [COL_VALUE, COL_COST_PER_POINT])
@pytest.mark.parametrize("order", [ASC, DESC])
def test_missing_derived_metric_sorts_last_both_ways(model, col, order):
    # Delta has no quality, so no value and no $ per point.
    model.sort(col, order)
    assert ids(model)[-1] == "zeta/delta"


def test_value_sort_hand_computed(model):
    # value = quality / input: Gamma 40/0.05 = 800, beta 70/9 = 7.78, Alpha 80/10 = 8.
    model.sort(COL_VALUE, DESC)
    assert ids(model) == ["mistral/gamma", "openai/alpha", "anthropic/beta", "zeta/delta"]
    assert cell(model, "mistral/gamma", COL_VALUE) == "800.0"


def test_free_model_tokens_per_dollar_missing_sorts_last(make_session, mp):
    m = CatalogTableModel(make_session(mp("a/free", "0", "0"), mp("b/paid", "1", "2")))
    for order in (ASC, DESC):
        m.sort(COL_TPD_IN, order)
        assert ids(m) == ["b/paid", "a/free"]
    assert m.index(m.row_of("a/free"), COL_TPD_IN).data() == ""


def test_provider_sorts_alphabetically_ignoring_case(model):
    model.sort(COL_PROVIDER, ASC)
    assert [model.index(r, COL_PROVIDER).data() for r in range(4)] == ["anthropic", "Mistral", "OpenAI", "Zeta AI"]
    model.sort(COL_PROVIDER, DESC)
    assert [model.index(r, COL_PROVIDER).data() for r in range(4)] == ["Zeta AI", "OpenAI", "Mistral", "anthropic"]


def test_name_sorts_alphabetically_ignoring_case(model):
    model.sort(COL_MODEL, ASC)
    # Case-sensitive order would be Alpha, Delta, Gamma, beta.
    assert [model.index(r, COL_MODEL).data() for r in range(4)] == ["Alpha", "beta", "Delta", "Gamma"]


def test_tier_sorts_budget_mid_premium(model):
    # Alpha $10 and beta $9: premium; Delta $2: mid; Gamma $0.05: budget.
    model.sort(COL_TIER, ASC)
    assert [model.index(r, COL_TIER).data() for r in range(4)] == ["Budget", "Mid", "Premium", "Premium"]


def test_sort_role_returns_native_floats(model):
    v = cell(model, "openai/alpha", COL_INPUT, SORT_ROLE)
    assert type(v) is float and v == 10.0
    assert cell(model, "anthropic/beta", COL_QUALITY, SORT_ROLE) == 70.0
    assert cell(model, "mistral/gamma", COL_TPD_IN, SORT_ROLE) == pytest.approx(20_000_000.0)
    assert cell(model, "mistral/gamma", COL_CACHE_READ, SORT_ROLE) is None
    assert cell(model, "zeta/delta", COL_QUALITY, SORT_ROLE) is None
    assert cell(model, "openai/alpha", COL_PROVIDER, SORT_ROLE) == "OpenAI"


def test_sort_keeps_rows_intact(model):
    model.sort(COL_OUTPUT, DESC)
    # Each row still shows its own model's values after the permutation.
    for r in range(model.rowCount()):
        m = model.index(r, 0).data(ROW_ROLE)
        assert model.index(r, COL_MODEL).data() == m.name
        assert model.index(r, COL_OUTPUT).data(SORT_ROLE) == float(m.output)


# -- what the cells show -----------------------------------------------------------------------


def test_tokens_per_dollar_has_thousands_separators(model):
    # 1,000,000 / $0.05 = 20,000,000 input tokens; 1,000,000 / $0.20 = 5,000,000 output tokens.
    assert cell(model, "mistral/gamma", COL_TPD_IN) == "20,000,000"
    assert cell(model, "mistral/gamma", COL_TPD_OUT) == "5,000,000"
    assert cell(model, "openai/alpha", COL_TPD_IN) == "100,000"


def test_tokens_per_dollar_are_whole_tokens_rounded_down(make_session, mp):
    # 1e6 / $15 = 66,666.67 and 1e6 / $640 = 1,562.5: $1 buys 66,666 and 1,562 whole tokens
    m = CatalogTableModel(make_session(mp("a/dear", "15", "640"), mp("b/one", "1", "1")))
    assert cell(m, "a/dear", COL_TPD_IN) == "66,666"
    assert cell(m, "a/dear", COL_TPD_OUT) == "1,562"
    assert cell(m, "a/dear", COL_TPD_IN, SORT_ROLE) == 66_666.0
    assert "rounded down = 66,666 input tokens" in cell(m, "a/dear", COL_TPD_IN, Qt.ItemDataRole.ToolTipRole)


def test_composite_ignores_the_floor_and_is_empty_without_a_score(model):
    before = {mid: cell(model, mid, COL_COMPOSITE) for mid in ("openai/alpha", "anthropic/beta")}
    assert all(before.values())
    model.set_settings(floor=75)  # beta (70) is under it now; Alpha (80) is not
    assert cell(model, "openai/alpha", COL_COMPOSITE) == before["openai/alpha"]
    # Delta has no quality score: no composite (not a low one), and last whichever way sorted
    assert cell(model, "zeta/delta", COL_COMPOSITE) == ""
    assert "No composite" in cell(model, "zeta/delta", COL_COMPOSITE, Qt.ItemDataRole.ToolTipRole)
    for order in (ASC, DESC):
        model.sort(COL_COMPOSITE, order)
        assert ids(model)[-1] == "zeta/delta"


def test_prices_and_missing_values_display(model):
    assert cell(model, "mistral/gamma", COL_INPUT) == "0.05"
    assert cell(model, "openai/alpha", COL_INPUT) == "10.00"
    assert cell(model, "mistral/gamma", COL_CACHE_READ) == ""
    assert cell(model, "zeta/delta", COL_QUALITY) == ""
    assert cell(model, "zeta/delta", COL_TIER) == "Mid"


def test_numbers_right_aligned_text_left_aligned(model):
    def align(col):
        return Qt.AlignmentFlag(int(cell(model, "openai/alpha", col, Qt.ItemDataRole.TextAlignmentRole)))

    for col in (COL_INPUT, COL_OUTPUT, COL_QUALITY, COL_TPD_IN, COL_BLENDED):
        assert align(col) & Qt.AlignmentFlag.AlignRight, col
    for col in (COL_PROVIDER, COL_MODEL):
        assert align(col) & Qt.AlignmentFlag.AlignLeft, col
        assert not align(col) & Qt.AlignmentFlag.AlignRight, col


def test_missing_cache_read_tooltip_says_caching_does_not_apply(model):
    assert "prompt caching does not apply" in cell(model, "mistral/gamma", COL_CACHE_READ, Qt.ItemDataRole.ToolTipRole)


# -- blend ratio re-ranking --------------------------------------------------------------------


@pytest.fixture
def flip(make_session, mp):
    # A: in 1 / out 10, B: in 4 / out 4.
    # 1:1  -> A (1 + 10) / 2 = 5.5,   B (4 + 4) / 2 = 4      -> B cheaper
    # 10:1 -> A (10 + 10) / 11 = 1.818..., B (40 + 4) / 11 = 4 -> A cheaper
    return CatalogTableModel(make_session(mp("x/a", "1", "10", name="A"), mp("x/b", "4", "4", name="B")))


def test_blend_ratio_changes_values_and_order(flip):
    flip.sort(COL_BLENDED, ASC)
    flip.set_settings(ratio=1)
    assert cell(flip, "x/a", COL_BLENDED, SORT_ROLE) == pytest.approx(5.5)
    assert cell(flip, "x/b", COL_BLENDED, SORT_ROLE) == pytest.approx(4.0)
    assert cell(flip, "x/a", COL_BLENDED) == "5.5000"
    assert ids(flip) == ["x/b", "x/a"]

    flip.set_settings(ratio=10)
    assert cell(flip, "x/a", COL_BLENDED, SORT_ROLE) == pytest.approx(20 / 11)
    assert cell(flip, "x/b", COL_BLENDED, SORT_ROLE) == pytest.approx(4.0)
    assert cell(flip, "x/a", COL_BLENDED) == "1.8182"
    assert ids(flip) == ["x/a", "x/b"]


def test_blend_header_names_the_ratio(flip):
    flip.set_settings(ratio=10)
    header = flip.headerData(COL_BLENDED, Qt.Orientation.Horizontal)
    assert "10:1" in header
    flip.set_settings(ratio=1)
    assert "1:1" in flip.headerData(COL_BLENDED, Qt.Orientation.Horizontal)
    assert "10:1" not in flip.headerData(COL_BLENDED, Qt.Orientation.Horizontal)


def test_rerank_emits_layout_change_when_order_flips(qtbot, flip):
    flip.sort(COL_BLENDED, ASC)
    flip.set_settings(ratio=1)
    with emitted(flip.layoutChanged):
        flip.set_settings(ratio=10)
    with emitted(flip.headerDataChanged):
        flip.set_settings(ratio=2)


# -- in-place edits ----------------------------------------------------------------------------

HAIKU = "anthropic/claude-3-haiku"  # shipped at $0.25 in / $1.25 out


def test_edit_price_is_saved_to_overlay_not_shipped_file(shipped_session, user_home):
    shipped = paths.shipped_catalog()
    before = shipped.read_bytes()
    m = CatalogTableModel(shipped_session)
    assert m.catalog[HAIKU].input == Decimal("0.25")

    assert m.setData(m.index(m.row_of(HAIKU), COL_INPUT), "2.75") is True

    assert shipped_session.catalog[HAIKU].input == Decimal("2.75")
    assert cell(m, HAIKU, COL_INPUT) == "2.75"
    overlay = paths.user_overlay()
    assert overlay.is_relative_to(user_home) and overlay.exists()
    entries = json.loads(overlay.read_text(encoding="utf-8"))["entries"]
    assert [(e["id"], Decimal(e["fields"]["input"])) for e in entries] == [(HAIKU, Decimal("2.75"))]
    assert shipped.read_bytes() == before


def test_edit_accepts_dollar_sign_and_thousands_separator(make_session, mp, tmp_path):
    s = make_session(mp("acme/one", "3", "15", name="One"))
    m = CatalogTableModel(s)
    assert m.setData(m.index(0, COL_INPUT), "$1,250.50") is True
    assert s.catalog["acme/one"].input == Decimal("1250.50")
    assert m.index(0, COL_INPUT).data() == "1,250.50"
    saved = json.loads((tmp_path / "overlay.json").read_text(encoding="utf-8"))
    assert Decimal(saved["entries"][0]["fields"]["input"]) == Decimal("1250.5")


def test_edited_cell_is_bold_with_shipped_value_in_tooltip(make_session, mp):
    s = make_session(mp("acme/one", "0.10", "0.40", name="One"))
    m = CatalogTableModel(s)
    idx = m.index(0, COL_INPUT)
    assert not (idx.data(Qt.ItemDataRole.FontRole) and idx.data(Qt.ItemDataRole.FontRole).bold())
    assert m.setData(idx, "2.75")
    font = m.index(0, COL_INPUT).data(Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()
    tip = m.index(0, COL_INPUT).data(Qt.ItemDataRole.ToolTipRole)
    assert "Edited by you (shipped value: 0.10" in tip
    out_font = m.index(0, COL_OUTPUT).data(Qt.ItemDataRole.FontRole)
    assert out_font is None or not out_font.bold()  # only the edited cell


def test_edit_quality_on_current_metric(make_session, mp):
    s = make_session(mp("acme/one", "1", "2", name="One", quality=40))
    m = CatalogTableModel(s)
    assert m.setData(m.index(0, COL_QUALITY), "65")
    assert s.catalog["acme/one"].quality == {"tokenrate": 65.0}
    assert m.index(0, COL_QUALITY).data() == "65.0"


@pytest.mark.parametrize(
    ("col", "text", "reason"),
    [
        (COL_INPUT, "-1", "negative"),
        (COL_INPUT, "abc", "not a number"),
        (COL_INPUT, "", "required"),
        (COL_INPUT, "nan", "finite"),
        (COL_INPUT, "inf", "finite"),
        (COL_QUALITY, "150", "above 100"),
    ],
)
def test_bad_edit_is_refused_and_explained(qtbot, make_session, mp, tmp_path, col, text, reason):
    s = make_session(mp("acme/one", "3", "15", name="Widget Pro", quality=70))
    m = CatalogTableModel(s)
    with emitted(m.editRejected) as blocker:
        ok = m.setData(m.index(0, col), text)
    assert ok is False
    msg = blocker.args[0]
    assert "Widget Pro" in msg
    assert ("Input" if col == COL_INPUT else "Quality") in msg
    assert reason in msg
    assert s.catalog["acme/one"].input == Decimal("3")
    assert s.catalog["acme/one"].quality == {"tokenrate": 70.0}
    assert m.index(0, COL_INPUT).data() == "3.00"
    assert s.undo_stack.count() == 0
    assert not (tmp_path / "overlay.json").exists()


def test_same_value_is_not_an_edit(make_session, mp, tmp_path):
    s = make_session(mp("acme/one", "3", "15", name="One"))
    m = CatalogTableModel(s)
    assert m.setData(m.index(0, COL_INPUT), "3.00") is False
    assert s.undo_stack.count() == 0
    assert not (tmp_path / "overlay.json").exists()


def test_non_editable_column_refuses(make_session, mp):
    s = make_session(mp("acme/one", "3", "15", name="One"))
    m = CatalogTableModel(s)
    assert not m.flags(m.index(0, COL_PROVIDER)) & Qt.ItemFlag.ItemIsEditable
    assert m.flags(m.index(0, COL_INPUT)) & Qt.ItemFlag.ItemIsEditable
    assert m.setData(m.index(0, COL_PROVIDER), "Other") is False
    assert s.catalog["acme/one"].provider == "acme"


def test_edit_keeps_sorted_order_current(make_session, mp):
    s = make_session(mp("a/one", "1", "1", name="One"), mp("b/two", "2", "2", name="Two"))
    m = CatalogTableModel(s)
    m.sort(COL_INPUT, ASC)
    assert ids(m) == ["a/one", "b/two"]
    assert m.setData(m.index(0, COL_INPUT), "5")  # One becomes the most expensive
    assert ids(m) == ["b/two", "a/one"]


def test_edit_context_in_thousands_and_clear_cache_read(make_session, mp):
    s = make_session(mp("acme/one", "1", "2", name="One", cache_read="0.1", context_window=8000))
    m = CatalogTableModel(s)
    assert m.setData(m.index(0, COL_CONTEXT), "128k")
    assert s.catalog["acme/one"].context_window == 128_000
    assert m.index(0, COL_CONTEXT).data() == "128K"
    assert m.setData(m.index(0, COL_CACHE_READ), "")  # no prompt caching any more
    assert s.catalog["acme/one"].cache_read is None
    assert m.index(0, COL_CACHE_READ).data() == ""
    assert s.edited_fields("acme/one") == {"context_window", "cache_read"}


def test_price_dimension_columns_hidden_by_default_with_their_values(qtbot, make_session, mp):
    from planner.domain.catalog import TierPrices
    from planner.ui.catalog_columns import (
        COL_OFF_PEAK_IN,
        COL_PER_REQUEST,
        COL_PRIORITY_OUT,
        COL_REASONING,
    )
    from planner.ui.models_tab import ModelsTab

    deep = mp("acme/deep", "0.56", "1.68", name="Deep", reasoning=Decimal("2.19"), per_request=Decimal("0.005"),
              off_peak=TierPrices(input=Decimal("0.28"), output=Decimal("0.84"), window="16:30-00:30 UTC"),
              service_tiers={"priority": TierPrices(input=Decimal("1.12"), output=Decimal("3.36"))})
    t = ModelsTab(make_session(deep, mp("acme/plain", "1", "2")))
    qtbot.addWidget(t)
    cols = (COL_REASONING, COL_OFF_PEAK_IN, COL_PRIORITY_OUT, COL_PER_REQUEST)
    assert all(t.table.isColumnHidden(c) for c in cols)
    row = t.model.row_of("acme/deep")
    assert [t.model.index(row, c).data() for c in cols] == ["2.19", "0.28", "3.36", "0.005"]
    tip = t.model.index(row, COL_OFF_PEAK_IN).data(Qt.ItemDataRole.ToolTipRole)
    assert "16:30-00:30 UTC" in tip and "standard $0.56" in tip
    assert "reasoning" in t.model.headerData(COL_REASONING, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    plain = t.model.row_of("acme/plain")
    assert t.model.index(plain, COL_REASONING).data() == ""


def test_saved_hidden_columns_from_before_the_price_dimensions_keep_them_hidden(qtbot, make_session, mp):
    from planner.ui.catalog_columns import COL_AS_OF, COL_REASONING
    from planner.ui.models_tab import ModelsTab

    t = ModelsTab(make_session(mp("acme/plain", "1", "2")))
    qtbot.addWidget(t)
    t.restore_state({"hidden": [2]})  # written by a version with 22 columns
    assert t.table.isColumnHidden(2) and t.table.isColumnHidden(COL_REASONING)
    assert not t.table.isColumnHidden(COL_AS_OF)

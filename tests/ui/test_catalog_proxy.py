"""CatalogFilterProxy without widgets: search, tier, provider, capabilities and the quality floor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from planner.domain.catalog import Tier
from planner.ui.catalog_proxy import CatalogFilterProxy
from planner.ui.catalog_table_model import COL_INPUT, COL_QUALITY, ROW_ROLE, CatalogTableModel

GPT, CLAUDE, GEMINI, SMALL, DEEPSEEK, CHEAP_PREMIUM = (
    "openai/gpt-x", "anthropic/claude-y", "google/gemini-z", "mistral/small-q", "deepseek/chat-v", "acme/flagship",
)
ALL = {GPT, CLAUDE, GEMINI, SMALL, DEEPSEEK, CHEAP_PREMIUM}


@pytest.fixture
def models(mp):
    return (
        # $5 in: premium; images in; tools; 1M context; quality 90.
        mp(GPT, "5", "20", name="GPT X", provider="OpenAI", modalities=("text", "image"),
           capabilities=("tools",), context_window=1_000_000, quality=90),
        # $1: mid; tools; exactly 200K context; quality 60.
        mp(CLAUDE, "1", "5", name="Claude Y", provider="Anthropic", capabilities=("tools",),
           context_window=200_000, quality=60),
        # $0.10: budget; vision as a capability; 128K; quality 25.
        mp(GEMINI, "0.10", "0.40", name="Gemini Z", provider="Google", capabilities=("vision",),
           context_window=128_000, quality=25),
        # $0.20: budget; nothing; 32K; no quality score.
        mp(SMALL, "0.20", "0.60", name="Small Q", provider="Mistral", context_window=32_000),
        # $0.40: mid (boundary); tools; one token short of 200K; quality 45.
        mp(DEEPSEEK, "0.40", "1.60", name="DeepSeek Chat", provider="DeepSeek", capabilities=("tools",),
           context_window=199_999, quality=45),
        # $0.30 but the catalog says premium; quality 30 (exactly at a floor of 30).
        mp(CHEAP_PREMIUM, "0.30", "0.90", name="Flagship", provider="Acme", tier=Tier.PREMIUM, quality=30),
    )


@pytest.fixture
def src(make_session, models):
    return CatalogTableModel(make_session(*models))


@pytest.fixture
def proxy(src):
    return CatalogFilterProxy(src)


def shown(proxy) -> set[str]:
    return {proxy.index(r, 0).data(ROW_ROLE).id for r in range(proxy.rowCount())}


def test_proxy_with_filter_passes_qtmodeltester(qtmodeltester, proxy):
    proxy.set_filters(need_tools=True)
    assert proxy.rowCount() == 3
    qtmodeltester.check(proxy)


def test_proxy_with_floor_and_sort_passes_qtmodeltester(qtmodeltester, src, proxy):
    src.set_settings(floor=40)
    proxy.refresh()
    proxy.sort(COL_INPUT, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_no_filter_shows_everything(proxy):
    assert shown(proxy) == ALL
    assert proxy.visible_count == 6


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("gpt", {GPT}),  # name
        ("CLAUDE y", {CLAUDE}),  # name, any case
        ("anthropic", {CLAUDE}),  # provider (and id)
        ("DeepSeek", {DEEPSEEK}),
        ("gemini-z", {GEMINI}),  # only the id has the hyphen ("Gemini Z" has a space)
        ("MISTRAL/SMALL", {SMALL}),  # id, any case
        ("  small q  ", {SMALL}),  # surrounding spaces ignored
        ("zzz", set()),
    ],
)
def test_search_matches_name_provider_and_id_ignoring_case(proxy, needle, expected):
    proxy.set_filters(search=needle)
    assert shown(proxy) == expected


def test_clearing_search_brings_rows_back(proxy):
    proxy.set_filters(search="gpt")
    assert proxy.rowCount() == 1
    proxy.set_filters(search="")
    assert shown(proxy) == ALL


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("budget", {GEMINI, SMALL}),
        ("mid", {CLAUDE, DEEPSEEK}),  # $0.40 is mid, not budget
        ("premium", {GPT, CHEAP_PREMIUM}),  # the catalog's own tier wins over the price rule
    ],
)
def test_tier_filter(proxy, tier, expected):
    proxy.set_filters(tier=tier)
    assert shown(proxy) == expected


def test_provider_filter(proxy):
    proxy.set_filters(provider="Anthropic")
    assert shown(proxy) == {CLAUDE}
    proxy.set_filters(provider=None)
    assert shown(proxy) == ALL


def test_vision_filter_accepts_image_modality_or_vision_capability(proxy):
    proxy.set_filters(need_vision=True)
    assert shown(proxy) == {GPT, GEMINI}


def test_tools_filter(proxy):
    proxy.set_filters(need_tools=True)
    assert shown(proxy) == {GPT, CLAUDE, DEEPSEEK}


def test_long_context_means_200k_or_more(proxy):
    proxy.set_filters(need_long_context=True)
    assert shown(proxy) == {GPT, CLAUDE}  # 199,999 is not long context


def test_filters_combine(proxy):
    proxy.set_filters(need_tools=True, tier="mid")
    assert shown(proxy) == {CLAUDE, DEEPSEEK}
    proxy.set_filters(search="deep")
    assert shown(proxy) == {DEEPSEEK}


def test_unknown_filter_name_is_an_error(proxy):
    with pytest.raises(AttributeError):
        proxy.set_filters(need_wings=True)


def test_quality_floor_hides_models_under_it_and_without_a_score(src, proxy):
    src.set_settings(floor=50)
    proxy.refresh()
    # 90 and 60 pass; 45, 30, 25 are under 50; Small Q has no score.
    assert shown(proxy) == {GPT, CLAUDE}
    assert src.rowCount() == 6  # nothing deleted

    src.set_settings(floor=30)
    proxy.refresh()
    assert shown(proxy) == {GPT, CLAUDE, DEEPSEEK, CHEAP_PREMIUM}  # 30 is at the floor: kept

    src.set_settings(floor=0)
    proxy.refresh()
    assert shown(proxy) == ALL
    assert src.rowCount() == 6


def test_floor_can_be_ignored(src, proxy):
    src.set_settings(floor=80)
    proxy.set_filters(apply_floor=False)
    assert shown(proxy) == ALL


def test_floor_and_search_combine(src, proxy):
    src.set_settings(floor=50)
    proxy.set_filters(search="a")  # every name/provider/id here has an "a"
    assert shown(proxy) == {GPT, CLAUDE}


def test_proxy_sort_is_done_by_the_source_on_native_values(src, proxy):
    proxy.sort(COL_INPUT, Qt.SortOrder.AscendingOrder)
    assert src.sort_column == COL_INPUT
    order = [proxy.index(r, 0).data(ROW_ROLE).id for r in range(proxy.rowCount())]
    assert order == [GEMINI, SMALL, CHEAP_PREMIUM, DEEPSEEK, CLAUDE, GPT]  # 0.1 0.2 0.3 0.4 1 5


def test_filtered_rows_follow_source_sort(src, proxy):
    proxy.set_filters(need_tools=True)
    proxy.sort(COL_QUALITY, Qt.SortOrder.DescendingOrder)
    order = [proxy.index(r, 0).data(ROW_ROLE).id for r in range(proxy.rowCount())]
    assert order == [GPT, CLAUDE, DEEPSEEK]  # 90, 60, 45
    proxy.sort(COL_QUALITY, Qt.SortOrder.AscendingOrder)
    order = [proxy.index(r, 0).data(ROW_ROLE).id for r in range(proxy.rowCount())]
    assert order == [DEEPSEEK, CLAUDE, GPT]


def test_filter_survives_model_added(make_session, models, mp):
    s = make_session(*models)
    src = CatalogTableModel(s)
    proxy = CatalogFilterProxy(src)
    proxy.set_filters(need_tools=True)
    s.add_model(mp("acme/new-tool", "1", "1", name="New Tool", capabilities=("tools",)))
    s.add_model(mp("acme/new-plain", "1", "1", name="New Plain"))
    assert src.rowCount() == 8
    assert shown(proxy) == {GPT, CLAUDE, DEEPSEEK, "acme/new-tool"}


def test_search_does_not_match_across_name_id_and_provider(proxy):
    # DeepSeek Chat's name, id and provider: "DeepSeek Chat", "deepseek/chat-v", "DeepSeek"
    proxy.set_filters(search="chatdeepseek")  # the end of the name and the start of the id
    assert shown(proxy) == set()
    proxy.set_filters(search="chat\x00deepseek")  # even with what separates them inside
    assert shown(proxy) == set()
    proxy.set_filters(search="chat-v")
    assert shown(proxy) == {DEEPSEEK}


def test_search_follows_a_renamed_model(make_session, models, mp):
    s = make_session(*models)
    src = CatalogTableModel(s)
    proxy = CatalogFilterProxy(src)
    proxy.set_filters(search="zebra")
    assert shown(proxy) == set()
    s.add_model(mp("acme/zebra-1", "1", "1", name="Zebra One"))
    assert shown(proxy) == {"acme/zebra-1"}


def test_filter_changes_and_sorts_keep_the_proxy_consistent(qtmodeltester, src, proxy):
    qtmodeltester.check(proxy)
    for needle in ("a", "de", "", "zzz", "o"):
        proxy.set_filters(search=needle)
        proxy.sort(COL_INPUT, Qt.SortOrder.AscendingOrder if len(needle) % 2 else Qt.SortOrder.DescendingOrder)
    src.set_settings(floor=40)
    proxy.refresh()


def test_a_persistent_index_follows_its_model_or_goes_when_filtered_out(src, proxy):
    from PySide6.QtCore import QPersistentModelIndex

    order = [proxy.index(r, 0).data(ROW_ROLE).id for r in range(proxy.rowCount())]
    claude = QPersistentModelIndex(proxy.index(order.index(CLAUDE), 2))
    gpt = QPersistentModelIndex(proxy.index(order.index(GPT), 0))
    proxy.set_filters(need_tools=True)
    assert claude.isValid() and claude.data(ROW_ROLE).id == CLAUDE and claude.column() == 2
    proxy.set_filters(search="claude")
    assert claude.row() == 0 and claude.data(ROW_ROLE).id == CLAUDE
    assert not gpt.isValid()
    proxy.set_filters(search="", need_tools=False)
    proxy.sort(COL_INPUT, Qt.SortOrder.DescendingOrder)  # GPT $5, Claude $1, ...
    assert claude.row() == 1 and claude.data(ROW_ROLE).id == CLAUDE


def test_a_painted_cell_gets_every_role_in_one_call(proxy):
    """What a view asks for a cell in one multiData call is what it would get role by role."""
    from PySide6.QtCore import QModelRoleData

    proxy.set_filters(search="a")
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.FontRole,
             Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.EditRole, ROW_ROLE]
    for row in range(proxy.rowCount()):
        for col in range(proxy.columnCount()):
            index = proxy.index(row, col)
            cells = [QModelRoleData(int(r)) for r in roles]
            proxy.multiData(index, cells)  # (Qt hands a span of these; it is iterated alike)
            assert [c.data() for c in cells] == [proxy.data(index, r) for r in roles]

"""The one parser of typed numbers: the worksheet, the catalog and the dialogs refuse alike."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from planner.ui.cell_numbers import parse_cell, parse_number, parse_percent


@pytest.mark.parametrize("text", ["abc", "nan", "-3"])
def test_a_count_and_a_catalog_field_refuse_with_the_same_words(text):
    with pytest.raises(ValueError) as count:
        parse_number(text)
    with pytest.raises(ValueError) as price:
        parse_cell("input", text)
    assert str(count.value) == str(price.value)


def test_catalog_fields_read_money_and_token_suffixes():
    assert parse_cell("input", "$1,250.50") == D("1250.50")
    assert parse_cell("context_window", "128k") == D(128_000)
    assert parse_cell("input", "") is None
    with pytest.raises(ValueError, match="not a number"):
        parse_cell("input", "2k")  # a price has no suffix
    with pytest.raises(ValueError, match="more than 0"):
        parse_cell("throughput_tps", "0")
    with pytest.raises(ValueError, match="above 100"):
        parse_cell("quality", "101")


def test_percent_and_count():
    assert parse_percent("12.5 %") == D("0.125")
    assert parse_number("2M") == D(2_000_000)
    with pytest.raises(ValueError, match="a number is required"):
        parse_number(" ")

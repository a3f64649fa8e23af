"""Money as a user reads it: the display locale's form, the currency's minor unit, half-up.

Every expected string is written out by hand (NBSP is the no-break space CLDR puts between
an amount and a symbol after it, or a symbol made of letters before it)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner import formatting
from planner.formatting import (
    currency_affixes,
    display_locale,
    fmt_money,
    fmt_small_money,
    plain_money,
    set_display_locale,
)

D = Decimal
NBSP = "\xa0"


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("en_US", "USD", "$1,234.50"),
        ("en_US", "EUR", "€1,234.50"),
        ("en_US", "JPY", "¥1,235"),  # no minor unit: whole yen, .5 rounds up
        ("en_US", "KRW", "₩1,235"),
        ("en_US", "BHD", f"BHD{NBSP}1,234.500"),  # three decimals
        ("de_DE", "USD", f"1.234,50{NBSP}$"),
        ("de_DE", "EUR", f"1.234,50{NBSP}€"),
        ("de_DE", "JPY", f"1.235{NBSP}¥"),
        ("de_DE", "KRW", f"1.235{NBSP}₩"),
        ("de_DE", "BHD", f"1.234,500{NBSP}BHD"),
    ],
)
def test_money_in_the_locale_and_the_currency_minor_unit(locale, currency, expected):
    set_display_locale(locale)
    assert fmt_money(D("1234.5"), currency) == expected


@pytest.mark.parametrize(
    ("locale", "amount", "currency", "expected"),
    [
        ("en_US", "-1234.5", "USD", "-$1,234.50"),
        ("en_US", "-1234.5", "JPY", "-¥1,235"),
        ("de_DE", "-1234.5", "EUR", f"-1.234,50{NBSP}€"),
        ("en_US", "-0.004", "USD", "$0.00"),  # rounds to zero: no "-$0.00"
        ("en_US", "0.125", "USD", "$0.13"),  # half-up, not to even
        ("en_US", "2.5", "JPY", "¥3"),
        ("en_US", "1.0005", "BHD", f"BHD{NBSP}1.001"),
        ("en_US", "1234567.891", "USD", "$1,234,567.89"),
        ("en_US", "12345678901234567890123456789.125", "USD", "$12,345,678,901,234,567,890,123,456,789.13"),
    ],
)
def test_negative_rounding_and_large_amounts(locale, amount, currency, expected):
    set_display_locale(locale)
    assert fmt_money(D(amount), currency) == expected


def test_per_request_amounts_keep_six_decimals():
    assert fmt_small_money(D("0.00045"), "USD") == "$0.000450"
    assert fmt_small_money(D("0.0000005"), "USD") == "$0.000001"  # half-up
    assert fmt_small_money(D("2.475"), "JPY") == "¥2.475000"  # even for a currency without cents
    set_display_locale("de_DE")
    assert fmt_small_money(D("0.00045"), "EUR") == f"0,000450{NBSP}€"


def test_without_symbol_the_number_alone_and_none_as_a_dash():
    assert fmt_money(D("1234.5"), "USD", symbol=False) == "1,234.50"
    assert fmt_money(D("1234.5"), "JPY", symbol=False) == "1,235"
    assert fmt_money(None, "USD") == "—" and fmt_small_money(None, "USD") == "—"
    set_display_locale("de_DE")
    assert fmt_money(D("1234.5"), "USD", symbol=False) == "1.234,50"


def test_plain_money_for_files_ignores_the_locale():
    set_display_locale("de_DE")
    assert plain_money(D("1234.5"), "USD") == "1234.50"
    assert plain_money(D("1234.5"), "JPY") == "1235"
    assert plain_money(D("1234.5"), "BHD") == "1234.500"
    assert plain_money(D("-0.001"), "USD") == "0.00"
    assert plain_money(D("-1234.567"), "EUR") == "-1234.57"


def test_currency_affixes_follow_the_locale():
    assert currency_affixes("USD") == ("$", "")
    assert currency_affixes("CHF") == (f"CHF{NBSP}", "")
    set_display_locale("de_DE")
    assert currency_affixes("USD") == ("", f"{NBSP}$")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LC_ALL": "de_DE.UTF-8"}, "de_DE"),
        ({"LC_NUMERIC": "fr_FR.UTF-8"}, "fr_FR"),
        ({"LANG": "ja_JP.UTF-8"}, "ja_JP"),
        ({"LC_ALL": "C"}, "en_US"),
        ({"LC_ALL": "POSIX"}, "en_US"),
        ({"LC_ALL": "C.UTF-8"}, "en_US"),
        ({"LC_ALL": "xx_YY.UTF-8"}, "en_US"),  # unknown to Babel
        ({}, "en_US"),  # unset
    ],
)
def test_the_default_is_the_system_locale(monkeypatch, env, expected):
    for var in ("LANGUAGE", "LC_ALL", "LC_NUMERIC", "LC_CTYPE", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr(formatting, "_display", None)  # as a fresh start
    assert display_locale() == expected
    assert set_display_locale(None) == expected


def test_german_system_locale_formats_money_the_german_way(monkeypatch):
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    set_display_locale(None)
    assert fmt_money(D("1234.5"), "EUR") == f"1.234,50{NBSP}€"


@pytest.mark.parametrize("name", ["de_DE", "de-DE", "de_DE.UTF-8"])
def test_locale_names_as_users_write_them(name):
    assert set_display_locale(name) == "de_DE"


def test_an_unknown_locale_is_refused_and_the_old_one_kept():
    set_display_locale("de_DE")
    with pytest.raises(ValueError, match="unknown locale 'xx_XX'"):
        set_display_locale("xx_XX")
    assert display_locale() == "de_DE"

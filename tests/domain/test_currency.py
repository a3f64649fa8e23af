"""ISO 4217 currencies: which codes exist, their minor units, and rounding to them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.domain.currency import is_known, minor_digits, quantum, round_half_up

D = Decimal


@pytest.mark.parametrize(("code", "known"), [("USD", True), ("JPY", True), ("BHD", True), ("ABC", False),
                                             ("usd", False), ("EURO", False), ("", False)])
def test_known_codes(code, known):
    assert is_known(code) is known


@pytest.mark.parametrize(("code", "digits", "q"), [("USD", 2, "0.01"), ("EUR", 2, "0.01"), ("JPY", 0, "1"),
                                                   ("KRW", 0, "1"), ("BHD", 3, "0.001")])
def test_minor_units(code, digits, q):
    assert minor_digits(code) == digits
    assert quantum(code) == D(q)


@pytest.mark.parametrize(
    ("x", "places", "expected"),
    [("1234.5", 0, "1235"), ("-1234.5", 0, "-1235"), ("0.125", 2, "0.13"), ("0.135", 2, "0.14"),
     ("-0.004", 2, "0.00"), ("1.0005", 3, "1.001"), ("123456789012345678901234567890.5", 0, "123456789012345678901234567891")],
)
def test_round_half_up(x, places, expected):
    r = round_half_up(D(x), places)
    assert str(r) == expected

"""Figures as the department writes them: dots between thousands, a decimal comma, and shares
cut off (not rounded) at the printed decimals, computed without binary floating point."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from states.numbers import percent_of, share, vn_decimal, vn_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (8912, "8.912"),
        (5356, "5.356"),
        (1234567, "1.234.567"),
        (-1200, "-1.200"),
        (None, ""),
        ("SAI", "SAI"),
    ],
)
def test_numbers_group_thousands_with_dots(value, text):
    assert vn_number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("3.50"), "3,5"),
        (Decimal("0.25"), "0,25"),
        (1250, "1.250"),
        (Decimal("-1234.5"), "-1.234,5"),
    ],
)
def test_decimals_as_typed_with_a_decimal_comma(value, text):
    assert vn_decimal(value) == text


@pytest.mark.parametrize(
    ("part", "whole", "decimals", "text"),
    [
        (181, 600, 2, "30,16"),  # 30,1666…: the department cuts, it does not round to 30,17
        (325, 800, 2, "40,62"),  # 40,625 exactly: cut, not 40,63
        (152, 150, 1, "101,3"),
        (1, 3, 2, "33,33"),
        (2, 3, 2, "66,66"),
        (1, 1, 2, "100,00"),
        (0, 7, 2, "0,00"),
        (12345, 100, 2, "12.345,00"),
        (1, 8, 0, "12"),
    ],
)
def test_shares_are_cut_at_the_printed_decimals(part, whole, decimals, text):
    assert percent_of(part, whole, decimals=decimals) == text


def test_rounding_half_up_when_asked_instead_of_cutting():
    assert percent_of(325, 800, truncate=False) == "40,63"
    assert percent_of(181, 600, truncate=False) == "30,17"
    assert percent_of(2, 3, truncate=False, decimals=1) == "66,7"


def test_no_whole_gives_no_share():
    assert percent_of(5, 0) is None and share(5, 0) is None


def test_shares_are_exact_where_floating_point_is_not():
    # in binary floating point 0.29 * 100 is 28.999999999999996: a float share of 29 in 100
    # cut at two decimals would print 28,99
    assert int(0.29 * 100 * 100) == 2899
    assert percent_of(29, 100) == "29,00"
    assert share(181, 600) == Decimal("30.16")
    for part in range(0, 1001):
        exact = Fraction(part * 100, 997)
        cut = share(part, 997)
        assert cut <= exact < cut + Decimal("0.01")

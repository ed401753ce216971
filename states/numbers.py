"""Figures as the department writes them: thousands grouped with dots ("8.912"), decimals after
a comma ("30,16"), and shares cut off rather than rounded, as its reports print them.

Shares are computed exactly (fractions of integers or decimals, never binary floating point), so
181 of 600 is 30,1666…% and prints "30,16", not "30,15" or "30,17".
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def vn_number(value: int | str | None) -> str:
    """5356 → "5.356", -1200 → "-1.200", None → "" (a blank cell); text (a cell that already
    says "Đúng" or "—") is returned as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    n = int(value)
    return ("-" if n < 0 else "") + f"{abs(n):,}".replace(",", ".")


def vn_decimal(value: Decimal | int) -> str:
    """A decimal as typed, without trailing zeros: Decimal("3.50") → "3,5", 1250 → "1.250"."""
    number = Decimal(value).normalize()
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = vn_number(int(whole)) + ("," + fraction if fraction else "")
    return ("-" if number < 0 else "") + text


def share(
    part: int | Decimal, whole: int | Decimal, *, decimals: int = 2, truncate: bool = True
) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with ``decimals`` digits, the rest cut off
    (``truncate``) or rounded half up: 181 of 600 → Decimal("30.16"), 325 of 800 → "40.62".
    None when there is no whole to divide by."""
    if not whole:
        return None
    scale = 10**decimals
    exact = Fraction(part) * 100 * scale / Fraction(whole)
    # int() of a Fraction cuts toward zero; rounding half up (away from zero) adds a half first
    half = Fraction(1, 2) if exact >= 0 else Fraction(-1, 2)
    scaled = int(exact) if truncate else int(exact + half)
    return Decimal(scaled).scaleb(-decimals)


def percent_of(
    part: int | Decimal, whole: int | Decimal, *, decimals: int = 2, truncate: bool = True
) -> str | None:
    """The share as the department writes it, without the sign: 181 of 600 → "30,16", with
    one decimal 152 of 150 → "101,3", 12345 of 100 → "12.345,00"."""
    value = share(part, whole, decimals=decimals, truncate=truncate)
    if value is None:
        return None
    units, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
    text = vn_number(int(units)) + (f",{fraction}" if decimals else "")
    return ("-" if value < 0 else "") + text

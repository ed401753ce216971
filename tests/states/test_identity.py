"""states.identity: the 12-digit citizen identity number and its cross-checks."""

from __future__ import annotations

from datetime import date

import pytest

from states.identity import PROVINCE_CODES, check_citizen_id, mask_citizen_id

FEMALE_2000 = (date(2000, 5, 17), "female")
VALID = "025300123456"  # 025 Phú Thọ, 3 = female born 2000–2099, 00 = year 2000


@pytest.mark.parametrize(
    "raw",
    [
        "025300123456",
        "025 300 123456",
        "025-300-123456",
        "025.300.123456",
        "  025300123456\n",
        "０２５３００１２３４５６",
        "０２５ ３００ １２３４５６",
    ],
)
def test_accepts_and_normalizes(raw):
    assert check_citizen_id(raw, *FEMALE_2000) == VALID


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("001090123456", date(1990, 1, 1), "male"),
        ("001190123456", date(1990, 12, 31), "female"),
        ("079205000001", date(2005, 3, 3), "male"),
        ("096399999999", date(2099, 1, 1), "female"),
        ("001999000000", date(1899, 6, 1), "female"),
        ("001424000000", date(2124, 6, 1), "male"),
    ],
)
def test_accepts_each_century_and_sex_digit(number, birth, sex):
    assert check_citizen_id(number, birth, sex) == number


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("02530012345", "12 chữ số"),
        ("0253001234567", "12 chữ số"),
        ("", "12 chữ số"),
        ("02530012345A", "12 chữ số"),
        ("O25300123456", "12 chữ số"),
        ("025300_123456", "12 chữ số"),
        ("000300123456", "Mã tỉnh 000"),
        ("003300123456", "Mã tỉnh 003"),
        ("099300123456", "Mã tỉnh 099"),
    ],
)
def test_rejects_malformed_numbers(raw, message_part):
    with pytest.raises(ValueError, match="CCCD") as info:
        check_citizen_id(raw, *FEMALE_2000)
    assert message_part in str(info.value)


@pytest.mark.parametrize(
    ("number", "birth", "sex", "message_part"),
    [
        # digit 4 = 2 means a man born 2000–2099, not someone born in 1990
        ("025290123456", date(1990, 4, 1), "male", "Chữ số thứ 4"),
        ("025290123456", date(1990, 4, 1), "female", "Chữ số thứ 4"),
        # a woman born 2000 has digit 4 = 3, not 2
        ("025200123456", date(2000, 4, 1), "female", "Chữ số thứ 4"),
        ("025300123456", date(2000, 4, 1), "male", "Chữ số thứ 4"),
        # digits 5–6 are the last two digits of the birth year
        ("025085123456", date(1990, 4, 1), "male", "Chữ số 5–6"),
        ("025301123456", date(2000, 4, 1), "female", "Chữ số 5–6"),
        ("001000000000", date(1700, 1, 1), "male", "ngoài phạm vi"),
    ],
)
def test_rejects_cross_check_mismatch(number, birth, sex, message_part):
    with pytest.raises(ValueError, match=r"CCCD|Năm sinh") as info:
        check_citizen_id(number, birth, sex)
    assert message_part in str(info.value)


@pytest.mark.parametrize(
    ("birth", "sex"),
    [(None, "male"), (date(1990, 4, 1), None), (None, None), (date(1990, 4, 1), "other")],
)
def test_missing_birth_date_or_sex_skips_cross_checks(birth, sex):
    # digit 4 and digits 5–6 disagree with any 1990 birth, yet nothing is compared
    assert check_citizen_id("025385123456", birth, sex) == "025385123456"


def test_missing_birth_date_still_checks_the_province():
    with pytest.raises(ValueError, match="Mã tỉnh"):
        check_citizen_id("000385123456", None, None)


def test_province_codes_are_three_digit_strings():
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isascii() and code.isdigit() for code in PROVINCE_CODES)


@pytest.mark.parametrize("raw", ["025300١٢٣٤٥٦", "025٣00123456"])
def test_non_ascii_digits_are_rejected_or_normalized(raw):
    # either refused or normalized to ASCII digits; never stored as typed
    try:
        outcome = check_citizen_id(raw, *FEMALE_2000)
    except ValueError as exc:
        outcome = str(exc)
    assert outcome == VALID or "CCCD" in outcome


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("025300123456", "0253******56"),
        ("001090000000", "0010******00"),
        (None, ""),
        ("", ""),
    ],
)
def test_mask_citizen_id(number, expected):
    assert mask_citizen_id(number) == expected

"""states.text: NFC storage, diacritic-insensitive search keys and person-name checks."""

from __future__ import annotations

import unicodedata

import pytest

from states.text import NAME_MAX_LENGTH, check_person_name, clean_line, clean_text, fold, nfc

NAME = "Nguyễn Thị Hằng"
NAME_NFD = unicodedata.normalize("NFD", NAME)


def test_nfd_fixture_really_differs_from_nfc():
    assert NAME_NFD != NAME
    assert len(NAME_NFD) > len(NAME)


# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [NAME, NAME_NFD, "NGUYỄN THỊ HẰNG", "NGUYEN THI HANG", "  nguyễn \t thị\n  hằng  "],
)
def test_fold_gives_the_same_search_key(text):
    assert fold(text) == "nguyen thi hang"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đặng", "dang"),
        ("đặng", "dang"),
        ("ĐỖ ĐỨC ĐẠT", "do duc dat"),
        ("Trần   Văn\u00a0A", "tran van a"),
        ("", ""),
    ],
)
def test_fold_removes_marks_and_collapses_whitespace(text, expected):
    assert fold(text) == expected


def test_fold_ignores_tone_mark_position():
    # "Hoà" (old style, mark on a) and "Hòa" (new style, mark on o) are different strings
    assert "Hoà" != "Hòa"
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold("Thuỷ") == fold("Thủy") == "thuy"


# --- nfc, clean_line, clean_text -------------------------------------------------------------


def test_nfc_composes_decomposed_text():
    assert nfc(NAME_NFD) == NAME
    assert nfc(NAME) == NAME
    assert unicodedata.is_normalized("NFC", nfc("Hòa " + unicodedata.normalize("NFD", "Đặng")))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Chi\u200bbộ", "Chibộ"),  # zero-width space
        ("Chi\u200dbộ", "Chibộ"),  # zero-width joiner
        ("\ufeffChi bộ", "Chi bộ"),  # byte-order mark
        ("Chi bộ\u202e1 số", "Chi bộ1 số"),  # right-to-left override
        ("\u2066Chi bộ\u2069", "Chi bộ"),  # isolates
        ("Chi\u00adbộ", "Chibộ"),  # soft hyphen
        ("Chi\x00bộ", "Chi bộ"),  # NUL
        ("Chi\x07bộ\x1bx\x7f", "Chi bộ x"),  # bell, escape, delete
        ("Chi\nbộ\r\nsố\t1", "Chi bộ số 1"),
        ("  Chi    bộ   số 1  ", "Chi bộ số 1"),
        (NAME_NFD, NAME),
        ("", ""),
    ],
)
def test_clean_line(raw, expected):
    assert clean_line(raw) == expected


def test_clean_line_removes_the_arabic_letter_mark_bidi_control():
    assert clean_line("Chi\u061cbộ") == "Chibộ"


def test_clean_line_removes_c1_control_characters():
    # U+009B is CONTROL SEQUENCE INTRODUCER, category Cc
    assert unicodedata.category("\x9b") == "Cc"
    assert "\x9b" not in clean_line("Chi\x9bbộ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dòng 1\nDòng 2", "Dòng 1\nDòng 2"),
        ("Dòng 1\r\nDòng 2\rDòng 3", "Dòng 1\nDòng 2\nDòng 3"),
        ("  Dòng   1  \n\tDòng 2 ", "Dòng 1\nDòng 2"),
        ("Dòng\u200b 1\x00\n\u202eDòng 2", "Dòng 1\nDòng 2"),
        ("\n\nDòng 1\n\n", "Dòng 1"),
        (unicodedata.normalize("NFD", "Kết luận\nĐạt"), "Kết luận\nĐạt"),
    ],
)
def test_clean_text_keeps_line_breaks(raw, expected):
    assert clean_text(raw) == expected


# --- check_person_name -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Thị Hằng", "Nguyễn Thị Hằng"),
        ("H'Hen Niê", "H'Hen Niê"),
        ("H’Hen Niê", "H’Hen Niê"),
        ("Nguyễn-Văn A", "Nguyễn-Văn A"),
        ("Đặng Thị Hoà", "Đặng Thị Hoà"),
        ("  Trần   Văn  A  ", "Trần Văn A"),
        (NAME_NFD, NAME),
        ("Ksor Y Ngông", "Ksor Y Ngông"),
    ],
)
def test_check_person_name_accepts_and_cleans(raw, expected):
    result = check_person_name(raw)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


def test_check_person_name_accepts_exactly_the_maximum_length():
    name = "Nguyễn " + "A" * (NAME_MAX_LENGTH - 7)
    assert len(name) == NAME_MAX_LENGTH
    assert check_person_name(name) == name


def test_check_person_name_counts_length_after_composition():
    name = "Nguyễn " + "Ằ" * (NAME_MAX_LENGTH - 7)
    decomposed = unicodedata.normalize("NFD", name)
    assert len(decomposed) > NAME_MAX_LENGTH
    assert check_person_name(decomposed) == name


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("", "không được để trống"),
        ("     ", "không được để trống"),
        ("Hằng", "ít nhất họ và tên"),
        ("  Hằng  ", "ít nhất họ và tên"),
        ("Nguyễn " + "A" * (NAME_MAX_LENGTH - 6), "tối đa"),
        ("Nguyễn Văn 2", "chỉ gồm chữ cái"),
        ("Nguyễn Văn A😀", "chỉ gồm chữ cái"),
        ("<script>alert(1)</script>", "chỉ gồm chữ cái"),
        ("Nguyễn Văn A; DROP", "chỉ gồm chữ cái"),
        ("Nguyễn Văn A.", "chỉ gồm chữ cái"),
        ("Nguyễn\u200bVăn A", "ký tự ẩn"),
        ("Nguyễn Văn\u200d A", "ký tự ẩn"),
        ("\ufeffNguyễn Văn A", "ký tự ẩn"),
        ("Nguyễn \u202eA nĂV", "ký tự ẩn"),
        ("Nguyễn \u2066Văn\u2069 A", "ký tự ẩn"),
        ("Nguyễn\x00 Văn A", "ký tự ẩn"),
        ("Nguyễn\x1b Văn A", "ký tự ẩn"),
    ],
)
def test_check_person_name_rejects_with_a_vietnamese_message(raw, message_part):
    with pytest.raises(ValueError, match="Họ tên") as info:
        check_person_name(raw)
    assert message_part in str(info.value)


@pytest.mark.parametrize("raw", ["- -", "' '", "-- ’’"])
def test_check_person_name_rejects_names_without_letters(raw):
    with pytest.raises(ValueError, match="Họ tên"):
        check_person_name(raw)

"""states.text: NFC storage, person-name checks and capitalization, sort and search keys."""

from __future__ import annotations

import unicodedata

import pytest

from states.text import (
    ALPHABET,
    NAME_MAX_LENGTH,
    SEARCH_KEY_MAX_LENGTH,
    SORT_KEY_MAX_LENGTH,
    capitalize_name,
    check_person_name,
    clean_line,
    clean_text,
    fold,
    has_diacritics,
    name_search_key,
    name_sort_key,
    nfc,
    plain_name_warning,
    plain_text_error,
    search_terms,
    syllable,
    text_sort_key,
)

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
    name = "Nguyễn A" + "a" * (NAME_MAX_LENGTH - 8)
    assert len(name) == NAME_MAX_LENGTH
    assert check_person_name(name) == name


def test_check_person_name_counts_length_after_composition():
    name = "Nguyễn Ằ" + "ằ" * (NAME_MAX_LENGTH - 8)
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


# --- capitalize_name, has_diacritics, plain_name_warning --------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("lê văn bình", "Lê Văn Bình"),
        ("ĐẶNG thị", "Đặng Thị"),
        ("NGUYỄN THỊ HẰNG", "Nguyễn Thị Hằng"),
        ("nGUYỄN vĂN a", "Nguyễn Văn A"),
        ("đỗ đức đạt", "Đỗ Đức Đạt"),
        ("h'hen niê", "H'Hen Niê"),
        ("h’hen niê", "H’Hen Niê"),
        ("nguyễn-văn a", "Nguyễn-Văn A"),
        ("ksor y ngông", "Ksor Y Ngông"),
        ("Lê Văn Bình", "Lê Văn Bình"),
    ],
)
def test_capitalize_name(raw, expected):
    assert capitalize_name(raw) == expected
    assert capitalize_name(unicodedata.normalize("NFD", raw)) == expected


def test_check_person_name_capitalizes_each_word():
    assert check_person_name("  lê   văn bình ") == "Lê Văn Bình"
    assert check_person_name(unicodedata.normalize("NFD", "ĐẶNG thị hoà")) == "Đặng Thị Hoà"


@pytest.mark.parametrize(
    "text",
    [
        "Xã Yên Lập, huyện Yên Lập, tỉnh Phú Thọ",
        "Kỹ sư (CNTT); chuyên viên",
        "Tổ 5/khu 2 – phường Gia Cẩm",
        "Công ty TNHH A&B",
        "Ê-đê",
        "Không",
        "",
    ],
)
def test_plain_text_accepts_places_and_titles(text):
    assert plain_text_error(text) is None


@pytest.mark.parametrize(
    "text", ['<img src=x onerror="alert(1)">', "a > b", "=1+1", "{{ 7*7 }}", "[x]", "x@y", "100%"]
)
def test_plain_text_refuses_markup_and_symbols(text):
    assert "Chỉ gồm chữ, số, dấu cách" in plain_text_error(text)


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Lê Văn Bình", True),
        ("Đinh Thi Hoa", True),  # đ alone is a Vietnamese letter
        ("Nguyen Văn A", True),
        (unicodedata.normalize("NFD", "Hằng"), True),
        ("Le Van Binh", False),
        ("H'Hen Nie", False),
        ("", False),
    ],
)
def test_has_diacritics(text, marked):
    assert has_diacritics(text) is marked


def test_plain_name_warning_only_for_a_name_without_any_mark():
    warning = plain_name_warning("Le Van Binh")
    assert warning is not None and "“Le Van Binh” không có dấu" in warning
    assert plain_name_warning("Lê Văn Bình") is None
    assert plain_name_warning("Đinh Thi Hoa") is None
    assert plain_name_warning("") is None


# --- syllable, sort keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Hoa", ("hoa", 0)),
        ("Hòa", ("hoa", 1)),
        ("Hoà", ("hoa", 1)),  # the tone mark on the other vowel: the same syllable
        ("Thủy", ("thuy", 2)),
        ("Thuỷ", ("thuy", 2)),
        ("Nguyễn", ("nguyên", 3)),
        ("Hóa", ("hoa", 4)),
        ("Đặng", ("đăng", 5)),
        (unicodedata.normalize("NFD", "Đặng"), ("đăng", 5)),
        ("ĂN", ("ăn", 0)),
    ],
)
def test_syllable_separates_letters_and_tone(word, expected):
    assert syllable(word) == expected


def _sorted(names, key=name_sort_key):
    return sorted(names, key=key)


def test_alphabet_is_the_vietnamese_one():
    assert ALPHABET.index("d") + 1 == ALPHABET.index("đ")
    assert ALPHABET[:3] == "aăâ" and "oôơ" in ALPHABET and "uư" in ALPHABET and "eê" in ALPHABET
    assert len(ALPHABET) == 33  # 29 letters of Vietnamese, and f, j, w, z


@pytest.mark.parametrize(
    "in_order",
    [
        # Đ after every D, whatever follows
        ["Lê Văn Dũng", "Lê Văn Dương", "Lê Văn Đạt", "Lê Văn Đức", "Lê Văn Em"],
        # A < Ă < Â, E < Ê, O < Ô < Ơ, U < Ư
        ["Lê Văn An", "Lê Văn Ăn", "Lê Văn Ân", "Lê Văn Bảo"],
        ["Lê Văn Em", "Lê Văn Êm", "Lê Văn Gấm"],
        ["Lê Văn Hon", "Lê Văn Hôn", "Lê Văn Hơn", "Lê Văn Huân", "Lê Văn Hưng"],
        # a syllable's tones right after it: ngang, huyền, hỏi, ngã, sắc, nặng; then longer words
        ["Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ", "Lê Mai"],
        ["Lê Hoa", "Lê Hòa", "Lê Hóa", "Lê Hoan", "Lê Hoàng", "Lê Khoa"],
        # only by the alphabet: Đào (đ-a-o) before Đặng (đ-ă-n-g), though "dang" < "dao"
        ["Đào Văn Hải", "Đặng Văn Hải"],
        # given name first, then family name, then middle names
        ["Trần Văn An", "Lê Văn Bình", "Nguyễn Thị Bình", "Nguyễn Văn Bình", "Lê Thị Chi"],
        ["Lê Hoa", "Lê Thị Hoa", "Lê Thị Minh Hoa", "Lê Văn Hoa"],
        ["Ân Hoa", "Z Hoa", "A Hòa"],
        ["Nguyễn Văn Z", "Nguyễn Văn Ω"],  # another script after the Latin letters
    ],
)
def test_name_sort_key_orders_as_vietnamese_lists(in_order):
    for shuffled in (in_order[::-1], in_order[1::2] + in_order[::2]):
        assert _sorted(shuffled) == in_order


def test_name_sort_key_ignores_case_marks_position_and_form():
    key = name_sort_key("Nguyễn Thị Hoà")
    assert name_sort_key("NGUYỄN THỊ HÒA") == key
    assert name_sort_key(unicodedata.normalize("NFD", "nguyễn thị hoà")) == key
    assert key.isdigit()


@pytest.mark.parametrize(
    "in_order",
    [
        ["Chi bộ", "Chi bộ 2", "Chi bộ 10", "Chi bộ A", "Chi bộ Dân", "Chi bộ Đảng"],
        ["Chi bộ 1", "Chi bộ 1A", "Chi bộ 1B", "Chi bộ 2", "Chi bộ 007 8", "Chi bộ 9"],
        ["Đảng bộ Sở Tài chính", "Đảng bộ Sở Y tế", "Đảng bộ Trường Đại học"],
    ],
)
def test_text_sort_key_orders_words_and_numbers(in_order):
    assert _sorted(in_order[::-1], key=text_sort_key) == in_order


def test_keys_of_the_longest_names_fit_their_columns():
    longest = [
        "À " * 49 + "À",  # the most words a name can have
        "Nguyễn " + "Ằ" * (NAME_MAX_LENGTH - 7),  # the longest words
        "Lê " + "A-" * 48 + "Ạ",
    ]
    for raw in longest:
        name = check_person_name(raw)
        assert len(name_sort_key(name)) <= SORT_KEY_MAX_LENGTH
        search_key = name_search_key(name)
        assert len(search_key) <= SEARCH_KEY_MAX_LENGTH and search_key.endswith(" ")


# --- search keys and terms ----------------------------------------------------------------------


def test_name_search_key_has_each_word_without_and_with_its_marks():
    key = name_search_key("Nguyễn Thị Hằng")
    assert key == " nguyen:nguyên3 thi:thi5 hang:hăng1 "
    assert name_search_key("Hoà") == name_search_key("Hòa") == name_search_key("HÒA")
    assert name_search_key("H'Hen Niê") == " h:h hen:hen nie:niê "


def _found(query, names):
    terms = search_terms(query)
    return [n for n in names if terms.matches(name_search_key(n))]


NAMES = ["Trần Thị Hòa", "Lê Văn Hoà", "Phạm Hóa", "Ngô Văn Hoa", "Vũ Hoàng", "Đỗ Khoa"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # typed without marks: any marks, the start of a word
        ("hoa", ["Trần Thị Hòa", "Lê Văn Hoà", "Phạm Hóa", "Ngô Văn Hoa", "Vũ Hoàng"]),
        ("HOA", ["Trần Thị Hòa", "Lê Văn Hoà", "Phạm Hóa", "Ngô Văn Hoa", "Vũ Hoàng"]),
        ("hoan", ["Vũ Hoàng"]),
        ("kho", ["Đỗ Khoa"]),
        ("oa", []),  # inside a word: no
        # typed with marks: that word, the tone mark wherever it sits
        ("Hòa", ["Trần Thị Hòa", "Lê Văn Hoà"]),
        ("Hoà", ["Trần Thị Hòa", "Lê Văn Hoà"]),
        (unicodedata.normalize("NFD", "hòa"), ["Trần Thị Hòa", "Lê Văn Hoà"]),
        ("Hóa", ["Phạm Hóa"]),
        ("Hoàng", ["Vũ Hoàng"]),
        ("Hoàn", []),
        # several words: each must match, in any order
        ("tran hoa", ["Trần Thị Hòa"]),
        ("hoa van", ["Lê Văn Hoà", "Ngô Văn Hoa"]),
        ("Văn hoa", ["Lê Văn Hoà", "Ngô Văn Hoa"]),
        ("do", ["Đỗ Khoa"]),  # đ typed as d
        ("Đỗ", ["Đỗ Khoa"]),
        ("Do", ["Đỗ Khoa"]),
        ("Dỗ", []),
    ],
)
def test_search_terms_match_words(query, found):
    assert _found(query, NAMES) == found


def test_search_keeps_finding_a_whole_name_typed_either_way():
    names = ["Nguyễn Thị Hằng", "Nguyễn Thị Hà", "Trần Văn Bảo"]
    for query in ("nguyen thi hang", "NGUYỄN THỊ HẰNG", "  hằng ", "Nguyễn Thị Hằng"):
        assert _found(query, names) == ["Nguyễn Thị Hằng"]
        assert _found(unicodedata.normalize("NFD", query), names) == ["Nguyễn Thị Hằng"]


def test_search_terms_collect_digits_apart_from_words():
    terms = search_terms("025 090 000001")
    assert terms.digits == "025090000001" and terms.fragments == ()
    assert search_terms("０１２３").digits == "0123"  # fullwidth digits
    terms = search_terms("hằng 3456")
    assert terms.digits == "3456" and terms.fragments == (":hăng1 ",)


@pytest.mark.parametrize("query", ["", "  ", "%", "_", "%%", "-- ''"])
def test_search_terms_of_nothing_searchable_are_empty(query):
    assert not search_terms(query)

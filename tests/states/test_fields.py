"""states.fields.parse_payload: one validation for every caller, with Vietnamese messages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from states.fields import Field, PayloadInvalid, parse_payload, to_jsonable

TODAY = date(2026, 6, 15)


def parse(field: Field, value):
    return parse_payload((field,), {field.name: value}, TODAY)[field.name]


def error(field: Field, value) -> str:
    with pytest.raises(PayloadInvalid) as info:
        parse_payload((field,), {field.name: value}, TODAY)
    assert set(info.value.errors) == {field.name}
    return info.value.errors[field.name]


DATE = Field("met_on", "Ngày họp", "date")
COUNT = Field("yes", "Số phiếu", "int", min=0, max=100)
LINE = Field("number", "Số nghị quyết", "line", max_length=10)
TEXT = Field("reason", "Lý do", "text", max_length=20)
CHOICE = Field("result", "Kết quả", "choice", choices=(("clear", "Không"), ("concern", "Có")))
FLAG = Field("replacement", "Thay thế", "bool", required=False)
MEMBER = Field("member", "Đảng viên", "member")


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-05",
        "05/03/2026",
        "5/3/2026",
        " 05/03/2026 ",
        "０５/０３/２０２６",
        date(2026, 3, 5),
    ],
)
def test_date_formats(value):
    assert parse(DATE, value) == date(2026, 3, 5)


def test_date_today_is_not_in_the_future():
    assert parse(DATE, TODAY.isoformat()) == TODAY


@pytest.mark.parametrize(
    ("value", "message_part"),
    [
        ("31/02/2026", "không tồn tại"),
        ("2026-13-01", "không tồn tại"),
        ("2026-02-30", "không tồn tại"),
        ("00/00/0000", "không tồn tại"),
        ("01/02/03", "ngày/tháng/năm"),
        ("2026/03/05", "ngày/tháng/năm"),
        ("5 tháng 3 2026", "ngày/tháng/năm"),
        ("hôm qua", "ngày/tháng/năm"),
        ("1899-12-31", "1900"),
        ("16/06/2026", "sau ngày hôm nay"),
        (date(2026, 6, 16), "sau ngày hôm nay"),
        (20260305, "Ngày không hợp lệ"),
    ],
)
def test_date_rejected_with_vietnamese_message(value, message_part):
    assert message_part in error(DATE, value)


def test_datetime_value_is_handled():
    # either normalized to its date or refused with a field message; never a TypeError
    try:
        outcome = parse(DATE, datetime(2026, 3, 5, 10, 30))
    except PayloadInvalid as exc:
        outcome = exc.errors
    assert outcome == date(2026, 3, 5) or set(outcome) == {DATE.name}


# --- integers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("7", 7), (7, 7), (" 12 ", 12), ("０", 0), (0, 0), (100, 100)]
)
def test_int_accepted(value, expected):
    assert parse(COUNT, value) == expected


@pytest.mark.parametrize(
    ("value", "message_part"),
    [
        ("abc", "số nguyên"),
        ("1.5", "số nguyên"),
        (1.5, "số nguyên"),
        ("1e3", "số nguyên"),
        (True, "số nguyên"),
        (False, "số nguyên"),
        ("-1", "nhỏ hơn 0"),
        (-1, "nhỏ hơn 0"),
        ("101", "lớn hơn 100"),
        ("9999999999", "số nguyên"),
    ],
)
def test_int_rejected(value, message_part):
    assert message_part in error(COUNT, value)


@pytest.mark.parametrize(("value", "message_part"), [("0", "Chọn một mục"), (-3, "Chọn một mục")])
def test_member_must_be_positive(value, message_part):
    assert message_part in error(MEMBER, value)


# --- lines and text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12/NQ-CB", "12/NQ-CB"),
        ("12/NQ\n-CB", "12/NQ -CB"),
        ("\u200b12/NQ\u202e", "12/NQ"),
        ("  12   NQ  ", "12 NQ"),
        ("x" * 10, "x" * 10),
        ("x" * 10 + "\u200b\u200b", "x" * 10),
    ],
)
def test_line_is_cleaned(value, expected):
    assert parse(LINE, value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        (LINE, "x" * 11, "Tối đa 10 ký tự"),
        (LINE, 12, "văn bản"),
        (LINE, "\u200b\u200d", "bắt buộc"),
        (TEXT, "y" * 21, "Tối đa 20 ký tự"),
    ],
)
def test_line_and_text_rejected(field, value, message_part):
    assert message_part in error(field, value)


def test_text_keeps_line_breaks():
    assert parse(TEXT, "Dòng 1\r\nDòng 2") == "Dòng 1\nDòng 2"


# --- required and optional --------------------------------------------------------------------


@pytest.mark.parametrize("field", [DATE, COUNT, LINE, TEXT, CHOICE, MEMBER])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_field_missing(field, value):
    assert error(field, value) == "Trường này là bắt buộc."


def test_required_field_absent_from_payload():
    with pytest.raises(PayloadInvalid) as info:
        parse_payload((DATE, COUNT), {}, TODAY)
    assert info.value.errors == {
        "met_on": "Trường này là bắt buộc.",
        "yes": "Trường này là bắt buộc.",
    }


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (Field("note", "Ghi chú", "text", required=False), None),
        (Field("n", "Số", "int", required=False), None),
        (Field("d", "Ngày", "date", required=False), None),
        (FLAG, False),
    ],
)
def test_optional_field_missing(field, expected):
    assert parse_payload((field,), {}, TODAY) == {field.name: expected}
    assert parse(field, "  ") is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("on", True), ("có", True), ("0", False), ("no", False)],
)
def test_bool(value, expected):
    assert parse(FLAG, value) is expected


# --- choices ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["clear", "concern"])
def test_choice_accepts_declared_keys(value):
    assert parse(CHOICE, value) == value


@pytest.mark.parametrize("value", ["Không", "CLEAR", "admitted", 1, ["clear"]])
def test_choice_rejects_unknown_values(value):
    assert error(CHOICE, value) == "Lựa chọn không hợp lệ."


# --- mass assignment --------------------------------------------------------------------------


def test_unknown_keys_are_ignored():
    raw = {
        "number": "12/NQ-CB",
        "state": "admitted",
        "version": 99,
        "actor_id": 1,
        "__class__": "x",
    }
    result = parse_payload((LINE,), raw, TODAY)
    assert result == {"number": "12/NQ-CB"}
    assert "state" not in result
    assert "version" not in result


# --- rows -------------------------------------------------------------------------------------

PEOPLE = Field(
    "people",
    "Người",
    "rows",
    min_rows=1,
    max_rows=2,
    rows=(
        Field("member", "Đảng viên", "member"),
        Field("since", "Từ ngày", "date"),
        FLAG,
    ),
)


def test_rows_parsed_and_blank_rows_skipped():
    rows = [
        {"member": "", "since": "  ", "replacement": False},
        {"member": "3", "since": "01/02/2025"},
        {},
        {"member": 4, "since": "2024-05-06", "replacement": "on"},
    ]
    assert parse(PEOPLE, rows) == [
        {"member": 3, "since": date(2025, 2, 1), "replacement": False},
        {"member": 4, "since": date(2024, 5, 6), "replacement": True},
    ]


@pytest.mark.parametrize("value", [None, [], [{"member": "", "since": ""}], "not a list"])
def test_rows_below_min_rows(value):
    assert error(PEOPLE, value) == "Cần ít nhất 1 dòng."


def test_rows_above_max_rows():
    row = {"member": "3", "since": "01/02/2025"}
    assert error(PEOPLE, [row, row, row]) == "Tối đa 2 dòng."


def test_row_errors_are_keyed_by_name_index_and_sub_field():
    rows = [
        {"member": "3", "since": "01/02/2025"},
        {"member": "", "since": ""},
        {"member": "abc", "since": "31/02/2025"},
        {"member": "5"},
        "not a row",
    ]
    with pytest.raises(PayloadInvalid) as info:
        parse_payload((PEOPLE,), {"people": rows}, TODAY)
    assert info.value.errors == {
        "people-2-member": "Phải là một số nguyên.",
        "people-2-since": "Ngày không tồn tại trong lịch.",
        "people-3-since": "Trường này là bắt buộc.",
        "people-4": "Dòng không hợp lệ.",
    }


# --- PayloadInvalid and to_jsonable -----------------------------------------------------------


def test_payload_invalid_maps_every_failing_field():
    fields = (DATE, COUNT, LINE, CHOICE)
    raw = {"met_on": "31/02/2026", "yes": "x", "number": "ok", "result": "nope"}
    with pytest.raises(PayloadInvalid) as info:
        parse_payload(fields, raw, TODAY)
    exc = info.value
    assert isinstance(exc, ValueError)
    assert set(exc.errors) == {"met_on", "yes", "result"}
    assert all(isinstance(m, str) and m for m in exc.errors.values())
    assert "met_on: Ngày không tồn tại trong lịch." in str(exc)


def test_to_jsonable_converts_dates_recursively():
    value = {"d": date(2026, 3, 5), "rows": [{"since": date(2025, 1, 2)}], "n": (1, None)}
    assert to_jsonable(value) == {
        "d": "2026-03-05",
        "rows": [{"since": "2025-01-02"}],
        "n": [1, None],
    }

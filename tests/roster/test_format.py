"""The list format on its own: reading cells as people type them, and the dated steps a row
describes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from states import roster
from states.roster import Membership, check_membership, read_date, steps


@pytest.mark.parametrize(
    "typed",
    [
        "05/03/1990",
        "5/3/1990",
        "05-03-1990",
        "05.03.1990",
        " 5 / 3 / 1990 ",
        "1990-03-05",
        "ngày 5 tháng 3 năm 1990",
        "Ngày 05 tháng 03 năm 1990",
        "０５/０３/１９９０",
        datetime(1990, 3, 5),
        date(1990, 3, 5),
    ],
)
def test_dates_typed_in_the_usual_styles(typed):
    assert read_date(typed) == date(1990, 3, 5)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("03/25/1990", "tháng 25 không có"),
        ("31/02/1990", "không có trong lịch"),
        ("5/3/90", "4 chữ số"),
        ("mùng 5 tháng ba", "không phải là ngày"),
        (32937, "Ô kiểu số"),
        (1990.5, "Ô kiểu số"),
        ("05/03/1890", "từ 1900"),
    ],
)
def test_dates_that_cannot_be_read_say_why(typed, message):
    with pytest.raises(ValueError, match=message):
        read_date(typed)


def test_empty_cells_and_numbers_typed_into_text():
    assert read_date(None) is None and read_date("  ") is None
    # a citizen ID typed as a number lost its leading zero
    assert roster.read_citizen_id(25190012345) == "025190012345"
    assert roster.read_citizen_id(25190012345.0) == "025190012345"
    assert roster.read_citizen_id("025190012345") == "025190012345"
    assert roster.read_text(912345678.0) == "912345678"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+84912345678", "-1", "@cmd"])
def test_formula_like_text_is_written_as_text_and_read_back_unchanged(text):
    written = roster.export_text(text)
    assert written.startswith("'")
    assert roster.read_text(written) == text
    assert roster.export_text("Nguyễn Văn An") == "Nguyễn Văn An"


BIRTH = date(1980, 1, 1)
TODAY = date(2026, 6, 15)


def official(**kw) -> Membership:
    values = {
        "status": "official",
        "cell": 10,
        "admission_decision_on": date(2005, 3, 1),
        "joined_on": date(2005, 3, 20),
        "official_on": date(2006, 3, 20),
    }
    values.update(kw)
    return Membership(**values)


def test_a_member_of_long_standing_is_decided_joined_and_recognized():
    m = official(recognized_on=date(2006, 4, 2))
    assert check_membership(m, BIRTH, TODAY) == {}
    assert [(s.action, s.on, s.changes) for s in steps(m)] == [
        ("history.admission_decided", date(2005, 3, 1), {"org_id": 10}),
        (
            "history.joined",
            date(2005, 3, 20),
            {"org_id": 10, "member_status": "probationary", "presence": "active"},
        ),
        ("history.recognized", date(2006, 4, 2), {"member_status": "official"}),
    ]


def test_an_arrival_from_outside_puts_the_member_on_the_list_only_on_arrival():
    m = official(origin_name="Đảng bộ xã Hùng Lô", arrived_on=date(2020, 5, 4))
    assert check_membership(m, BIRTH, TODAY) == {}
    actions = [(s.action, s.changes, s.procedure) for s in steps(m)]
    # no admission counted here: it was decided elsewhere
    assert actions[0][0] == "history.joined" and actions[0][1]["presence"] == "left"
    assert actions[-1] == ("history.arrived", {"org_id": 10, "presence": "active"}, "transfer_in")
    assert roster.final_place(m) == {
        "org_id": 10,
        "member_status": "official",
        "presence": "active",
    }


def test_a_move_inside_the_committee_is_in_transit_between_letter_and_arrival():
    m = official(origin_org=7, letter_on=date(2020, 5, 4), arrived_on=date(2020, 5, 20))
    assert check_membership(m, BIRTH, TODAY) == {}
    out = steps(m)
    assert out[0].changes == {"org_id": 7}
    assert [(s.action, s.changes) for s in out[-2:]] == [
        ("history.left_origin", {"presence": "in_transit"}),
        ("history.arrived", {"org_id": 10, "presence": "active"}),
    ]


def test_a_candidate_with_a_signed_decision_awaits_the_ceremony():
    m = Membership(status="non_member", cell=10, admission_decision_on=date(2026, 5, 4))
    assert check_membership(m, BIRTH, TODAY) == {}
    # the decision is counted as an admission; the candidate stays a candidate
    assert [(s.action, s.on, s.changes) for s in steps(m)] == [
        ("history.admission_decided", date(2026, 5, 4), {"org_id": 10})
    ]
    assert roster.final_place(m)["member_status"] == "non_member"
    assert steps(Membership(status="non_member", cell=10)) == []


def test_leaving_the_lists():
    m = official(leaving=roster.LEAVING_BY_FLOW["transfer_out_external"], left_on=date(2024, 2, 1))
    assert roster.final_place(m)["presence"] == "left"
    removed = official(
        status="probationary",
        official_on=None,
        leaving=roster.LEAVING_BY_FLOW["removed_probationary"],
        left_on=date(2006, 5, 1),
    )
    assert check_membership(removed, BIRTH, TODAY) == {}
    assert steps(removed)[-1].procedure == "probation"
    assert roster.final_place(removed)["member_status"] == "removed"


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"official_on": None}, "official_on", "ghi ngày chính thức"),
        ({"joined_on": date(2005, 2, 1)}, "joined_on", "trước ngày quyết định"),
        ({"official_on": date(2005, 3, 10)}, "official_on", "sau ngày vào Đảng"),
        ({"admission_decision_on": date(1979, 1, 1)}, "admission_decision_on", "sau ngày sinh"),
        ({"joined_on": date(2027, 1, 1)}, "joined_on", "sau ngày hôm nay"),
        ({"status": "probationary"}, "official_on", "dự bị chưa có"),
        ({"status": "non_member"}, "joined_on", "Quần chúng"),
        ({"arrived_on": date(2020, 1, 1)}, "origin", "nơi chuyển đến"),
        ({"origin_name": "Xã A"}, "arrived_on", "ngày đến"),
        ({"origin_org": 10, "arrived_on": date(2020, 1, 1)}, "origin", "trùng chi bộ"),
        ({"left_on": date(2024, 1, 1)}, "left_reason", "cả ngày và lý do"),
        (
            {
                "leaving": roster.LEAVING_BY_FLOW["removed_probationary"],
                "left_on": date(2024, 1, 1),
            },
            "left_reason",
            "chỉ áp dụng",
        ),
        (
            {"leaving": roster.LEAVING_BY_FLOW["died"], "left_on": date(2006, 1, 1)},
            "left_on",
            "sau các ngày khác",
        ),
        ({"card_number": "<b>1</b>"}, "card_number", "Số thẻ"),
    ],
)
def test_membership_dates_are_checked_against_each_other(changes, column, message):
    errors = check_membership(official(**changes), BIRTH, TODAY)
    assert column in errors and message in errors[column], errors

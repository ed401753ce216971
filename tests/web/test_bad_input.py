"""Bad input through the web forms: each is refused with a Vietnamese message next to the field
(or the documented status), and the database stays exactly as it was.

Every table below is one test that builds its organization once and sends each bad submission
as a subtest; "nothing changed" compares the row counts of every table (and the cases' state
and version) before and after each submission.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from states.dates import vn_date
from tests.builders import SYSTEM, sign_in
from tests.web.helpers import (
    case_snapshot,
    counts,
    field_block,
    new_case_form,
    org_form,
    page,
)
from workflow.extensions import db
from workflow.models import (
    CalendarOverride,
    Case,
    Grant,
    Organization,
    Person,
    VerificationRequest,
)
from workflow.operations import calendar as calendar_ops

SCRIPT = "<script>alert(1)</script>"
LONG_NAME = "Nguyễn " + "a" * 94  # 101 characters
STALE = "vừa được người khác cập nhật"

Overrides = dict[str, Any] | Callable[[Any], dict[str, Any]]


def _resolve(overrides: Overrides, world) -> dict[str, Any]:
    return overrides(world) if callable(overrides) else overrides


def _same_person_as_member(world) -> dict[str, str]:
    member = db.session.get(Person, world.members["C1"][0])
    return {
        "citizen_id": member.citizen_id,
        "birth_date": vn_date(member.birth_date),
        "sex": member.sex,
    }


def _not_a_member(world) -> dict[str, str]:
    case_id = world.new_candidate("C1B", name="Lâm Thị Nguồn")
    return {"helper": str(db.session.get(Case, case_id).person_id)}


#: (what is wrong, form overrides, the field that shows the message, the message)
NEW_CASE_BAD = (
    ("impossible date", {"birth_date": "31/02/2000"}, "birth_date",
     "Ngày không tồn tại trong lịch."),
    ("future birth date", {"birth_date": "16/06/2026"}, "birth_date",
     "Ngày sinh không được sau ngày hôm nay."),
    ("two-digit year", {"birth_date": "01/02/03"}, "birth_date",
     "Ngày phải có dạng ngày/tháng/năm"),
    ("year before 1900", {"birth_date": "31/12/1899"}, "birth_date", "Năm phải từ 1900 trở đi."),
    ("birth date missing", {"birth_date": ""}, "birth_date", "Chưa nhập ngày sinh."),
    ("event before birth", {"event_date": "01/01/1999"}, "event_date",
     "không được trước ngày sinh."),
    ("event in the future", {"event_date": "16/06/2026"}, "event_date",
     "Ngày không được sau ngày hôm nay."),
    ("name with digits", {"full_name": "Nguyễn Văn 3"}, "full_name",
     "Họ tên chỉ gồm chữ cái, dấu cách, dấu gạch nối hoặc dấu nháy."),
    ("name with zero-width space", {"full_name": "Nguyễn\u200b Thị Lan"}, "full_name",
     "Họ tên chứa ký tự ẩn hoặc ký tự điều khiển."),
    ("name with right-to-left override", {"full_name": "Nguyễn Thị \u202eLan"}, "full_name",
     "Họ tên chứa ký tự ẩn hoặc ký tự điều khiển."),
    ("101-character name", {"full_name": LONG_NAME}, "full_name", "Họ tên tối đa 100 ký tự."),
    ("empty name", {"full_name": "   "}, "full_name", "Họ tên không được để trống."),
    ("single-word name", {"full_name": "Lan"}, "full_name", "Họ tên phải có ít nhất họ và tên."),
    ("markup as name", {"full_name": SCRIPT}, "full_name",
     "Họ tên chỉ gồm chữ cái, dấu cách, dấu gạch nối hoặc dấu nháy."),
    ("citizen ID of 11 digits", {"citizen_id": "02530000012"}, "citizen_id",
     "Số CCCD phải gồm đúng 12 chữ số."),
    ("citizen ID with letters", {"citizen_id": "0253000000AB"}, "citizen_id",
     "Số CCCD phải gồm đúng 12 chữ số."),
    ("citizen ID of unknown province", {"citizen_id": "000300000123"}, "citizen_id",
     "Mã tỉnh 000 trong số CCCD không tồn tại."),
    ("citizen ID of a man born in the 1900s", {"citizen_id": "025000000123"}, "citizen_id",
     "Chữ số thứ 4 của CCCD (0) không khớp với giới tính và thế kỷ sinh (cần 3)."),
    ("citizen ID of another birth year", {"citizen_id": "025399000123"}, "citizen_id",
     "Chữ số 5–6 của CCCD (99) không khớp với năm sinh 2000."),
    ("citizen ID of an existing person", _same_person_as_member, "citizen_id",
     "Số CCCD này đã có trong hồ sơ của một người khác."),
    ("note over 2000 characters", {"note": "x" * 2001}, "note", "Tối đa 2000 ký tự."),
    ("home town over 200 characters", {"home_town": "x" * 201}, "home_town",
     "Tối đa 200 ký tự."),
    ("home town missing", {"home_town": ""}, "home_town", "Trường này là bắt buộc."),
    ("markup as home town", {"home_town": '<img src=x onerror="alert(1)">'}, "home_town",
     "Chỉ gồm chữ, số, dấu cách và các dấu"),
    ("markup as occupation", {"occupation": SCRIPT}, "occupation",
     "Chỉ gồm chữ, số, dấu cách và các dấu"),
    ("a formula as ethnicity", {"ethnicity": "=1+1"}, "ethnicity",
     "Chỉ gồm chữ, số, dấu cách và các dấu"),
    ("unknown sex", {"sex": "other"}, "sex", "Chọn giới tính."),
    ("unknown education", {"education": "phd"}, "education", "Chọn trình độ học vấn."),
    ("malformed phone", {"phone": "09-12ab"}, "phone", "Số điện thoại gồm 8–15 chữ số."),
    ("helper from another grassroots organization",
     lambda w: {"helper": str(w.members["C2"][0])}, "helper",
     "Chọn một đảng viên chính thức đang sinh hoạt trong cùng đảng bộ, chi bộ cơ sở"),
    ("helper who is not a party member", _not_a_member, "helper",
     "Chọn một đảng viên chính thức đang sinh hoạt trong cùng đảng bộ, chi bộ cơ sở"),
    ("helper id that is not a number", {"helper": "1 OR 1=1"}, "helper",
     "Phải là một số nguyên."),
    ("cell of another organization", lambda w: {"cell_id": str(w.orgs["C2"])}, "cell_id",
     "Chọn một chi bộ của bạn."),
)  # fmt: skip


def test_new_case_is_refused_and_nothing_written_when_input_is_bad(world, login, subtests):
    client = login("sec1")
    for label, overrides, field, message in NEW_CASE_BAD:
        with subtests.test(msg=label):
            data = new_case_form(world, **_resolve(overrides, world))
            before = counts()
            response = client.post("/cases/open/admission", data=data)
            body = page(response)
            assert response.status_code == 422
            assert message in field_block(body, field)
            assert SCRIPT not in body
            assert counts() == before


def test_name_is_stored_nfc_when_posted_in_nfd(world, login):
    client = login("sec1")
    nfd = unicodedata.normalize("NFD", "Hoàng Thị Thuỷ")
    response = client.post("/cases/open/admission", data=new_case_form(world, full_name=nfd))
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    db.session.rollback()
    name = db.session.get(Case, case_id).person.full_name
    assert name == unicodedata.normalize("NFC", nfd)
    assert unicodedata.is_normalized("NFC", name)
    assert len(name) == len("Hoàng Thị Thuỷ")


def test_new_case_ignores_extra_fields_when_form_is_tampered(world, login):
    client = login("sec1")
    before = counts()
    data = new_case_form(
        world,
        state="admitted",
        version="99",
        member_status="official",
        procedure="removal",
        closed_at="2026-01-01",
        card_number="25999999",
    )
    response = client.post("/cases/open/admission", data=data)
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert counts()["membership_case"] == before["membership_case"] + 1
    case = db.session.get(Case, case_id)
    assert (case.state, case.version, case.procedure) == ("source_list", 1, "admission")
    assert case.closed_at is None
    assert case.person.member_status == "non_member"
    assert case.person.card_number is None


# --- transition forms ---------------------------------------------------------------------------


def _pending_request(case_id: int) -> int:
    return next(
        r.id for r in db.session.get(Case, case_id).verification_requests if r.answered_on is None
    )


def _sponsors(first: int, second: int) -> dict[str, str]:
    return {
        "route": "two_members",
        "sponsors-0-member": str(first),
        "sponsors-0-together_since": "01/01/2023",
        "sponsors-1-member": str(second),
        "sponsors-1-together_since": "01/06/2023",
    }


def _votes(**votes: Any) -> dict[str, str]:
    data = {"event_date": "17/11/2025", "official_total": "9", "yes": "9", "no": "0"}
    data.update({k: str(v) for k, v in votes.items()})
    return data


def test_transition_is_refused_and_nothing_written_when_input_is_bad(app, world, login, subtests):
    cases = {
        "source": world.new_candidate("C1", name="Trần Thị Nguồn"),
        "dossier": world.new_candidate("C1", name="Lê Thị Hồ Sơ"),
        "verify_a": world.new_candidate("C1", name="Phạm Văn Thẩm"),
        "verify_b": world.new_candidate("C1", name="Vũ Văn Tra"),
        "meeting": world.new_candidate("C1", name="Đặng Thị Họp"),
    }
    world.advance(cases["dossier"], "preparing_dossier")
    world.advance(cases["verify_a"], "under_verification")
    world.advance(cases["verify_b"], "under_verification")
    world.advance(cases["meeting"], "awaiting_cell_meeting")
    db.session.rollback()
    foreign_request = _pending_request(cases["verify_a"])
    c1 = world.members["C1"]
    answer = {"event_date": "15/06/2026", "result": "clear"}

    # (what is wrong, case, trigger, form data, user, field or None, message, status)
    table = (
        ("event date before the previous step", "source", "enroll_awareness_class",
         {"event_date": "31/08/2025", "class_name": "Lớp nhận thức"}, "sec1", "event_date",
         "không được trước ngày của bước đã ghi trước đó (01/09/2025)", 422),
        ("event date before the applicant's birth", "source", "enroll_awareness_class",
         {"event_date": "14/03/2000", "class_name": "Lớp nhận thức"}, "sec1", "event_date",
         "không được trước ngày sinh.", 422),
        ("event date in the future", "source", "enroll_awareness_class",
         {"event_date": "16/06/2026", "class_name": "Lớp nhận thức"}, "sec1", "event_date",
         "Ngày không được sau ngày hôm nay.", 422),
        ("impossible event date", "source", "enroll_awareness_class",
         {"event_date": "29/02/2025", "class_name": "Lớp nhận thức"}, "sec1", "event_date",
         "Ngày không tồn tại trong lịch.", 422),
        ("event date missing", "source", "enroll_awareness_class",
         {"event_date": "", "class_name": "Lớp nhận thức"}, "sec1", "event_date",
         "Trường này là bắt buộc.", 422),
        ("class name over 200 characters", "source", "enroll_awareness_class",
         {"event_date": "08/09/2025", "class_name": "x" * 201}, "sec1", "class_name",
         "Tối đa 200 ký tự.", 422),
        ("class name of spaces only, no class chosen", "source", "enroll_awareness_class",
         {"event_date": "08/09/2025", "class_name": " \u200b "}, "sec1", "training_class",
         "Chọn lớp trong danh sách, hoặc ghi tên lớp do cơ quan khác tổ chức.", 422),
        ("a class that is not one of the list", "source", "enroll_awareness_class",
         {"event_date": "08/09/2025", "training_class": "999999"}, "sec1", "training_class",
         "Chọn một lớp bồi dưỡng nhận thức về Đảng.", 422),
        ("unknown document kind", "dossier", "record_document",
         {"event_date": "01/10/2025", "document": "passport"}, "sec1", "document",
         "Lựa chọn không hợp lệ.", 422),
        ("document note over 2000 characters", "dossier", "record_document",
         {"event_date": "01/10/2025", "document": "opinions", "note": "y" * 2001}, "sec1",
         "note", "Tối đa 2000 ký tự.", 422),
        ("unknown sponsor route", "dossier", "record_sponsors",
         {"event_date": "01/10/2025", **_sponsors(c1[0], c1[1]), "route": "friends"}, "sec1",
         "route", "Lựa chọn không hợp lệ.", 422),
        ("verification request of another case", "verify_b", "record_verification_answer",
         {**answer, "request": str(foreign_request)}, "gs1", "request",
         "Chọn một yêu cầu thẩm tra đang chờ kết quả của hồ sơ này.", 422),
        ("negative vote count", "meeting", "record_cell_resolution", _votes(yes=-1), "sec1",
         "yes", "Không được nhỏ hơn 0.", 422),
        ("more yes votes than members", "meeting", "record_cell_resolution",
         _votes(yes=10), "sec1", "yes", "vượt quá số đảng viên được tính (9)", 422),
        ("ballots exceed members in total", "meeting", "record_cell_resolution",
         _votes(yes=7, no=2, invalid=1), "sec1", "yes", "vượt quá", 422),
        ("vote count in words", "meeting", "record_cell_resolution", _votes(yes="chín"),
         "sec1", "yes", "Phải là một số nguyên.", 422),
        ("everyone excluded from the count", "meeting", "record_cell_resolution",
         _votes(official_total=1, yes=1, **{"excluded-0-name": "Trần Thị An",
                                            "excluded-0-reason": "suspended"}),
         "sec1", "official_total", "không còn đảng viên nào được tính", 422),
        ("missing expected version", "meeting", "record_cell_resolution", _votes(), "sec1",
         None, STALE, 409),
        ("expected version that is not a number", "meeting", "record_cell_resolution",
         {**_votes(), "expected_version": "1 OR 1=1"}, "sec1", None, STALE, 409),
        ("expected version from the future", "meeting", "record_cell_resolution",
         {**_votes(), "expected_version": "999"}, "sec1", None, STALE, 409),
    )  # fmt: skip

    clients = {"sec1": login("sec1"), "gs1": app.test_client()}
    clients["gs1"].post("/login", data={"username": "gs1", "password": world.password})
    snapshots = {key: case_snapshot(cid) for key, cid in cases.items()}
    for label, key, trigger, data, user, field, message, status in table:
        with subtests.test(msg=label):
            case_id = cases[key]
            form = dict(data)
            if "expected_version" not in form and status != 409:
                form["expected_version"] = str(snapshots[key][1])
            before = counts()
            response = clients[user].post(f"/cases/{case_id}/do/{trigger}", data=form)
            body = page(response)
            assert response.status_code == status
            assert message in (field_block(body, field) if field else body)
            assert counts() == before
            assert {k: case_snapshot(cid) for k, cid in cases.items()} == snapshots


ROW_ERRORS = (
    # trigger, who, form data builder, the field inside a row, the message; id: what is wrong
    pytest.param(
        "record_sponsors", "sec1",
        lambda w: {"event_date": "01/10/2025",
                        **_sponsors(w.members["C2"][0], w.members["C1"][1])},
        "sponsors-0-member",
        "Chọn một đảng viên chính thức đang sinh hoạt trong cùng đảng bộ, chi bộ cơ sở",
        id="sponsor-from-another-grassroots-organization"),
    pytest.param(
        "record_sponsors", "sec1",
        lambda w: {"event_date": "01/10/2025",
                        **_sponsors(w.members["C1"][0], w.members["C1"][1]),
                        "sponsors-0-together_since": "31/02/2023"},
        "sponsors-0-together_since", "Ngày không tồn tại trong lịch.",
        id="impossible-date-in-a-sponsor-row"),
    pytest.param(
        "start_verification", "gs1",
        lambda w: {"event_date": "01/10/2025", "requests-0-subject": "Bản thân",
                        "requests-0-addressee": ""},
        "requests-0-addressee", "Trường này là bắt buộc.",
        id="verification-request-row-without-addressee"),
)  # fmt: skip


@pytest.mark.parametrize(("trigger", "username", "build", "field", "message"), ROW_ERRORS)
def test_row_field_error_is_shown_next_to_the_row_when_input_is_bad(
    app, world, trigger, username, build, field, message
):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "preparing_dossier")
    snap = case_snapshot(case_id)
    client = app.test_client()
    client.post("/login", data={"username": username, "password": world.password})
    before = counts()
    response = client.post(
        f"/cases/{case_id}/do/{trigger}",
        data={**build(world), "expected_version": str(snap[1])},
    )
    assert counts() == before
    assert case_snapshot(case_id) == snap
    assert response.status_code == 422
    assert message in field_block(page(response), field)


def test_transition_ignores_extra_fields_when_form_is_tampered(world, login):
    case_id = world.new_candidate("C1")
    db.session.rollback()
    case = db.session.get(Case, case_id)
    person_id, cell_id, version = case.person_id, case.cell_id, case.version
    other = world.new_candidate("C2", name="Lý Văn Khác")
    response = login("sec1").post(
        f"/cases/{case_id}/do/enroll_awareness_class",
        data={
            "expected_version": str(version),
            "event_date": "08/09/2025",
            "class_name": "Lớp nhận thức khóa 3/2025",
            "state": "admitted",
            "_state": "admitted",
            "to_state": "admitted",
            "version": "999",
            "cell_id": str(world.orgs["C2"]),
            "person_id": str(db.session.get(Case, other).person_id),
            "closed_at": "2026-01-01",
            "paused_from": "source_list",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    case = db.session.get(Case, case_id)
    assert case.state == "in_awareness_class"
    assert case.version == version + 1
    assert (case.person_id, case.cell_id) == (person_id, cell_id)
    assert case.closed_at is None
    assert case.paused_from is None


# --- organizations, calendar, accounts, people ---------------------------------------------------


def test_organization_form_is_refused_and_nothing_written_when_input_is_bad(world, login, subtests):
    g1, c1 = world.orgs["G1"], world.orgs["C1"]
    base = {
        "code": "C9",
        "name": "Chi bộ Phòng Thanh tra",
        "kind": "cell",
        "parent_id": str(g1),
        "active": "y",
    }
    table = (
        ("duplicate code", {"code": "c1"}, "code", "Mã này đã được dùng."),
        ("code with a space", {"code": "ab c"}, "code",
         "Mã gồm 2–20 chữ cái không dấu, chữ số hoặc gạch nối."),
        ("code with diacritics", {"code": "CHIBỘ"}, "code",
         "Mã gồm 2–20 chữ cái không dấu, chữ số hoặc gạch nối."),
        ("cell directly under the upper committee", {"parent_id": ""}, "parent_id",
         "Chi bộ trực thuộc chỉ trực thuộc: Đảng bộ cơ sở, Đảng bộ bộ phận."),
        ("grassroots committee under a cell",
         {"code": "G9", "kind": "grassroots_committee", "parent_id": str(c1)}, "parent_id",
         "Đảng bộ cơ sở chỉ trực thuộc: Đảng ủy cấp trên."),
        ("sub-committee under a cell", {"kind": "sub_committee", "parent_id": str(c1)},
         "parent_id", "Đảng bộ bộ phận chỉ trực thuộc: Đảng bộ cơ sở."),
        ("unknown kind", {"kind": "club"}, "kind", "Chọn loại tổ chức."),
        ("unknown parent", {"parent_id": "999999"}, "parent_id",
         "Tổ chức cấp trên không tồn tại."),
        ("parent that is not a number", {"parent_id": "G1"}, "parent_id",
         "Tổ chức cấp trên không tồn tại."),
        ("empty name", {"name": " "}, "name", "Chưa nhập tên."),
        ("name over 200 characters", {"name": "Chi bộ " + "x" * 200}, "name",
         "Tối đa 200 ký tự."),
        ("cell authorized to admit", {"authorized_to_admit": "y"}, "authorized_to_admit",
         "Chỉ đảng bộ cơ sở mới được ủy quyền kết nạp."),
    )  # fmt: skip
    client = login("dept")
    for label, overrides, field, message in table:
        with subtests.test(msg=label):
            before = counts()
            response = client.post("/orgs/new", data={**base, **overrides})
            assert response.status_code == 422
            assert message in field_block(page(response), field)
            assert counts() == before


def test_organization_edit_is_refused_when_kind_changes_while_it_has_children(world, login):
    client = login("dept")
    org = db.session.get(Organization, world.orgs["G1"])
    data = org_form(org, kind="grassroots_cell")
    before, version = counts(), org.version
    response = client.post(f"/orgs/{org.id}/edit", data=data)
    assert response.status_code == 422
    assert "Không đổi loại khi tổ chức còn tổ chức trực thuộc." in field_block(
        page(response), "kind"
    )
    assert counts() == before
    db.session.rollback()
    org = db.session.get(Organization, world.orgs["G1"])
    assert (org.kind, org.version) == ("grassroots_committee", version)


def test_calendar_form_is_refused_and_nothing_written_when_input_is_bad(world, login, subtests):
    calendar_ops.add_override(
        {"day": "2026-09-03", "kind": "day_off", "note": "Nghỉ bù theo thông báo"},
        actor=SYSTEM,
    )
    base = {"day": "04/09/2026", "kind": "day_off", "note": "Thông báo số 12/TB-VPCP"}
    table = (
        ("day already adjusted", {"day": "03/09/2026"}, "day",
         "Ngày này đã có trong bảng điều chỉnh."),
        ("same day written in ISO form", {"day": "2026-09-03"}, "day",
         "Ngày này đã có trong bảng điều chỉnh."),
        ("note missing", {"note": ""}, "note",
         "Ghi căn cứ (văn bản) của ngày nghỉ hoặc ngày làm bù."),
        ("note of invisible characters only", {"note": "\u200b\u200b"}, "note",
         "Ghi căn cứ (văn bản) của ngày nghỉ hoặc ngày làm bù."),
        ("note over 200 characters", {"note": "x" * 201}, "note", "Tối đa 200 ký tự."),
        ("impossible day", {"day": "30/02/2026"}, "day", "Ngày không tồn tại trong lịch."),
        ("day missing", {"day": ""}, "day", "Ngày phải có dạng ngày/tháng/năm"),
        ("unknown kind", {"kind": "holiday"}, "kind", "Chọn loại ngày."),
    )  # fmt: skip
    client = login("dept")
    for label, overrides, field, message in table:
        with subtests.test(msg=label):
            before = counts()
            response = client.post("/admin/calendar", data={**base, **overrides})
            assert response.status_code == 422
            assert message in field_block(page(response), field)
            assert counts() == before
    db.session.rollback()
    assert db.session.query(CalendarOverride).one().day == date(2026, 9, 3)


def test_account_forms_are_refused_and_nothing_written_when_input_is_bad(world, login, subtests):
    sec1 = world.users["sec1"]
    new_user = (
        ("username with a space", {"username": "a b", "full_name": "Phan Văn Mới"}, "username",
         "Tên đăng nhập gồm 3–60 chữ thường không dấu, số, dấu chấm, gạch."),
        ("username with diacritics", {"username": "phương", "full_name": "Phan Văn Mới"},
         "username", "Tên đăng nhập gồm 3–60 chữ thường không dấu, số, dấu chấm, gạch."),
        ("existing username in capitals", {"username": "SEC1", "full_name": "Phan Văn Mới"},
         "username", "Tên đăng nhập đã có."),
        ("full name with digits", {"username": "moi01", "full_name": "Phan Văn 1"},
         "full_name", "Họ tên chỉ gồm chữ cái"),
    )  # fmt: skip
    grants = (
        ("cell secretary for the whole committee", {"role": "cell_secretary", "org_id": ""},
         "org_id", "Bí thư chi bộ phải được gán cho một chi bộ."),
        ("cell secretary of a grassroots committee",
         {"role": "cell_secretary", "org_id": str(world.orgs["G1"])}, "org_id",
         "Bí thư chi bộ phải được gán cho một chi bộ."),
        ("auditor limited to one organization",
         {"role": "auditor", "org_id": str(world.orgs["G1"])}, "org_id",
         "Vai trò này được gán cho toàn Đảng ủy cấp trên."),
        ("grassroots staff of a cell",
         {"role": "grassroots_staff", "org_id": str(world.orgs["C1"])}, "org_id",
         "Cán bộ đảng ủy cơ sở được gán cho tổ chức cơ sở hoặc đảng bộ bộ phận."),
        ("unknown role", {"role": "superuser", "org_id": ""}, "role", "Chọn vai trò."),
        ("grant the user already holds",
         {"role": "cell_secretary", "org_id": str(world.orgs["C1"])}, "role",
         "Người dùng đã có vai trò này trong phạm vi này."),
        ("organization that does not exist",
         {"role": "signer", "org_id": "999999"}, "org_id",
         "Tổ chức không tồn tại."),
    )  # fmt: skip
    client = login("admin")
    for label, data, field, message in new_user:
        with subtests.test(msg=label):
            before = counts()
            response = client.post("/admin/users/new", data=data)
            assert response.status_code == 422
            assert message in field_block(page(response), field)
            assert counts() == before
    for label, data, field, message in grants:
        with subtests.test(msg=label):
            before = counts()
            response = client.post(f"/admin/users/{sec1}", data={**data, "title": ""})
            assert response.status_code == 422
            assert message in field_block(page(response), field)
            assert counts() == before
    db.session.rollback()
    assert db.session.query(Grant).filter_by(user_id=sec1).count() == 1


def test_person_edit_is_refused_and_nothing_written_when_input_is_bad(world, login, subtests):
    case_id = world.new_candidate("C1")
    db.session.rollback()
    person = db.session.get(Case, case_id).person
    person_id, version = person.id, person.version
    member = db.session.get(Person, world.members["C1"][1])
    good = {
        "full_name": person.full_name,
        "birth_date": vn_date(person.birth_date),
        "sex": person.sex,
        "citizen_id": person.citizen_id,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "home_town": person.home_town,
        "education": person.education,
        "occupation": person.occupation,
        "phone": "",
        "expected_version": str(version),
    }
    table = (
        ("citizen ID of another person",
         {"citizen_id": member.citizen_id, "birth_date": vn_date(member.birth_date),
          "sex": member.sex}, 422, "citizen_id",
         "Số CCCD này đã có trong hồ sơ của một người khác."),
        ("citizen ID not matching the new birth year", {"birth_date": "15/03/2001"}, 422,
         "citizen_id", "Chữ số 5–6 của CCCD (00) không khớp với năm sinh 2001."),
        ("name with digits", {"full_name": "Nguyễn Thị 2"}, 422, "full_name",
         "Họ tên chỉ gồm chữ cái"),
        ("markup as home town", {"home_town": "Hà Nội <img src=x>"}, 422, "home_town",
         "Chỉ gồm chữ, số, dấu cách và các dấu"),
        ("stale version", {"full_name": "Nguyễn Thị Hằng Nga", "expected_version": "0"}, 409,
         None, STALE),
        ("missing version", {"full_name": "Nguyễn Thị Hằng Nga", "expected_version": ""}, 409,
         None, STALE),
    )  # fmt: skip
    client = login("sec1")
    for label, overrides, status, field, message in table:
        with subtests.test(msg=label):
            before = counts()
            response = client.post(f"/people/{person_id}/edit", data={**good, **overrides})
            body = page(response)
            assert response.status_code == status
            assert message in (field_block(body, field) if field else body)
            assert counts() == before
            db.session.rollback()
            fresh = db.session.get(Person, person_id)
            assert (fresh.full_name, fresh.version) == ("Nguyễn Thị Hằng", version)


def test_verification_answer_is_refused_when_request_was_already_answered(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "under_verification")
    db.session.rollback()
    request_id = _pending_request(case_id)
    world.fire(case_id, "send_verification_request", "gs1",
               requests=[{"subject": "Cha", "addressee": "UBND xã Phú Lộc"}])  # fmt: skip
    db.session.rollback()
    world.fire(case_id, "record_verification_answer", "gs1", request=request_id, result="clear")
    snap = case_snapshot(case_id)
    client = login("gs1")
    before = counts()
    response = client.post(
        f"/cases/{case_id}/do/record_verification_answer",
        data={
            "expected_version": str(snap[1]),
            "event_date": "15/06/2026",
            "request": str(request_id),
            "result": "concern",
        },
    )
    assert response.status_code == 422
    assert "Chọn một yêu cầu thẩm tra đang chờ kết quả của hồ sơ này." in field_block(
        page(response), "request"
    )
    assert counts() == before
    assert case_snapshot(case_id) == snap
    db.session.rollback()
    assert db.session.get(VerificationRequest, request_id).result == "clear"


# --- values the database cannot hold -----------------------------------------------------------


def test_nul_character_in_login_or_search_is_answered_instead_of_crashing(app, world):
    world.new_candidate("C1")
    anonymous = app.test_client()
    response = anonymous.post("/login", data={"username": "sec1\x00", "password": "x"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page(response)
    client = app.test_client()
    client.post("/login", data={"username": "sec1", "password": world.password})
    for url in (
        "/cases/?q=hang%00",
        "/people/?q=hang%00",
        "/cases/?state=source_list%00",
        "/cases/?procedure=admission%00",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="filters" role="search"' in page(response), url


@pytest.mark.parametrize("number", [
    pytest.param("2147483648", id="above-32-bits"),
    pytest.param("9223372036854775808", id="above-64-bits"),
])  # fmt: skip
def test_oversized_organization_id_in_form_is_refused_with_message(app, world, number):
    dept = app.test_client()
    dept.post("/login", data={"username": "dept", "password": world.password})
    admin = app.test_client()
    sign_in(admin, "admin", world.password)
    before = counts()
    org = dept.post(
        "/orgs/new",
        data={"code": "C9", "name": "Chi bộ X", "kind": "cell", "parent_id": number},
    )
    grant = admin.post(
        f"/admin/users/{world.users['sec1']}",
        data={"role": "signer", "org_id": number, "title": ""},
    )
    assert counts() == before
    assert org.status_code == 422
    assert "Tổ chức cấp trên không tồn tại." in field_block(page(org), "parent_id")
    assert grant.status_code == 422
    assert "Tổ chức không tồn tại." in field_block(page(grant), "org_id")

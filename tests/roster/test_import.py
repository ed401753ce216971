"""Importing member lists: the check lists every problem by row, column and reason and writes
nothing; importing writes people and their dated history; re-importing changes nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from states.text import name_sort_key, search_terms
from tests.roster.helpers import HEADERS, candidate, check, counts, member, messages, run, xlsx
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Person
from workflow.reports import period
from workflow.roster.reader import FileRefused, check_container
from workflow.store.audit import verify_chain
from workflow.store.errors import InvalidInput


def person(citizen_id: str) -> Person:
    db.session.expire_all()
    return db.session.scalars(select(Person).where(Person.citizen_id == citizen_id)).one()


def test_a_clean_file_is_checked_then_imported_with_its_history(world):
    rows = [
        member(full_name="Trần Văn An"),
        member(
            full_name="Lê Thị Bình",
            sex_key="female",
            birth=date(1998, 2, 3),
            status="Đảng viên dự bị",
            admission_decision_on=date(2025, 11, 3),
            joined_on=date(2025, 11, 20),
            official_on=None,
            card_number=None,
            cell="C2",
        ),
        member(
            full_name="Phạm Văn Cường",
            birth=date(1979, 6, 1),
            origin="Đảng bộ xã Hùng Lô, tỉnh Phú Thọ",
            arrived_on=date(2025, 8, 12),
        ),
        candidate(full_name="Đỗ Thị Dung", sex_key="female", birth=date(2001, 5, 5)),
    ]
    data = xlsx(rows)
    before = counts()
    plan = check(world, data)
    assert plan.clean and plan.read == 4 and plan.count("create") == 4
    assert counts() == before  # the check writes nothing

    result, refused, batch = run(world, data)
    assert refused is None and result.created == 4 and result.probation_cases == 1
    assert batch.committed_at is not None and batch.data is None and batch.created == 4
    an = person(rows[0]["citizen_id"])
    assert (an.member_status, an.presence, an.cell_id) == ("official", "active", world.orgs["C1"])
    assert an.joined_on == date(2010, 3, 20) and an.card_number == "25012345"
    binh = person(rows[1]["citizen_id"])
    probation = db.session.scalars(select(Case).where(Case.person_id == binh.id)).one()
    assert probation.procedure == "probation" and probation.opened_on == date(2025, 11, 20)
    assert person(rows[3]["citizen_id"]).member_status == "non_member"
    # each step of the history is a row of the trail, on its own date, marked as imported
    trail = db.session.scalars(
        select(AuditEntry).where(AuditEntry.person_id == an.id).order_by(AuditEntry.seq)
    ).all()
    assert [(r.action, r.event_date) for r in trail] == [
        ("person.create", None),
        ("history.admission_decided", date(2010, 3, 1)),
        ("history.joined", date(2010, 3, 20)),
        ("history.recognized", date(2011, 3, 20)),
    ]
    assert all(f'"import":{batch.id}' in r.payload for r in trail)
    assert verify_chain().ok

    # the reports of past periods count what was imported
    q4 = period.compute(date(2025, 10, 1), date(2025, 12, 31))
    assert q4.total.figure("admissions") == 1 and q4.total.flows["joined"] == 1
    q3 = period.compute(date(2025, 7, 1), date(2025, 9, 30))
    assert q3.total.flows["transfer_in_external"] == 1
    assert q3.total.figure("admissions") == 0  # admitted elsewhere
    assert q3.balanced and q4.balanced
    assert q4.total.end_total == 45 + 3


def test_reimporting_the_same_file_changes_nothing_and_an_edit_updates(world):
    rows = [member(full_name="Trần Văn An"), candidate(full_name="Đỗ Thị Dung")]
    run(world, xlsx(rows))
    before = counts()
    result, _, _ = run(world, xlsx(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    people, audit_rows, cases = counts()
    assert (people, cases) == before[::2] and audit_rows == before[1] + 1  # the import's row
    rows[1]["phone"] = "0987654321"
    rows[1]["full_name"] = "Đỗ Thị Dung Hạnh"
    result, _, _ = run(world, xlsx(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    dung = person(rows[1]["citizen_id"])
    assert dung.phone == "0987654321" and search_terms("do thi dung hanh").matches(dung.search_key)
    assert dung.sort_key == name_sort_key("Đỗ Thị Dung Hạnh")
    assert counts()[0] == before[0]


def test_a_candidate_on_record_gets_the_history_a_later_file_brings(world):
    row = candidate(full_name="Đỗ Thị Dung")
    run(world, xlsx([row]))
    row.update(
        status="Đảng viên chính thức",
        admission_decision_on=date(2012, 1, 5),
        joined_on=date(2012, 2, 1),
        official_on=date(2013, 2, 1),
    )
    plan = check(world, xlsx([row]))
    assert plan.rows[0].action == "update" and plan.rows[0].fill_history
    run(world, xlsx([row]))
    assert person(row["citizen_id"]).member_status == "official"
    # a different history for someone on record is not overwritten from a file
    row["joined_on"] = date(2012, 3, 1)
    plan = check(world, xlsx([row]))
    assert ("Ngày vào Đảng", "Khác với hồ sơ đang có (01/02/2012).") in [
        (c, m) for _r, c, m in messages(plan)
    ]


def test_a_candidate_awaiting_the_ceremony_is_counted_once_when_the_ceremony_comes(world):
    def admissions() -> int:
        return period.compute(date(2026, 4, 1), date(2026, 6, 30)).figures()["indicators"][
            "admissions"
        ]

    before = admissions()
    row = candidate(full_name="Đỗ Thị Dung", admission_decision_on=date(2026, 5, 4))
    result, refused, _batch = run(world, xlsx([row]))
    assert refused is None and result.created == 1 and result.probation_cases == 0
    dung = person(row["citizen_id"])
    assert (dung.member_status, dung.admission_decision_on) == ("non_member", date(2026, 5, 4))
    assert admissions() == before + 1
    # the same row again changes nothing; a different decision date is not taken
    assert check(world, xlsx([row])).rows[0].action == "unchanged"
    plan = check(world, xlsx([{**row, "admission_decision_on": date(2026, 5, 6)}]))
    assert ("Ngày quyết định kết nạp", "Khác với hồ sơ đang có (04/05/2026).") in [
        (c, m) for _r, c, m in messages(plan)
    ]
    # the ceremony, brought by a later list: a probationary member, the admission counted once
    row.update(status="Đảng viên dự bị", joined_on=date(2026, 5, 20))
    plan = check(world, xlsx([row]))
    assert plan.rows[0].action == "update" and plan.rows[0].fill_history
    result, refused, _batch = run(world, xlsx([row]))
    assert refused is None and result.probation_cases == 1
    dung = person(row["citizen_id"])
    assert (dung.member_status, dung.joined_on) == ("probationary", date(2026, 5, 20))
    assert admissions() == before + 1
    decided = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.person_id == dung.id, AuditEntry.action == "history.admission_decided"
        )
    ).all()
    assert len(decided) == 1


BAD_ROWS = [
    # (overrides, column, part of the message)
    ({"citizen_id": "12345"}, "Số CCCD", "12 chữ số"),
    ({"citizen_id": "999185000001"}, "Số CCCD", "Mã tỉnh"),
    ({"cell": "ZZ-99"}, "Mã chi bộ", "Không có tổ chức mã"),
    ({"cell": "G1"}, "Mã chi bộ", "không phải chi bộ"),
    ({"birth_date": "31/02/1985"}, "Ngày sinh", "không có trong lịch"),
    ({"joined_on": "03/25/2010"}, "Ngày vào Đảng", "tháng 25"),
    ({"official_on": date(2030, 1, 1)}, "Ngày chính thức", "sau ngày hôm nay"),
    ({"official_on": None}, "Ngày chính thức", "ghi ngày chính thức"),
    ({"full_name": "<script>alert(1)</script>"}, "Họ và tên", "chữ cái"),
    ({"full_name": None}, "Họ và tên", "không được để trống"),
    ({"sex": "Khác"}, "Giới tính", "không có trong danh mục"),
    ({"status": "Cảm tình Đảng"}, "Đối tượng", "không có trong danh mục"),
    ({"education": "Tiến sĩ khoa học"}, "Trình độ học vấn", "không có trong danh mục"),
    ({"home_town": "x" * 201}, "Quê quán", "Tối đa 200"),
    ({"admission_decision_on": date(1980, 1, 1)}, "Ngày quyết định kết nạp", "sau ngày sinh"),
    ({"origin": "C2"}, "Ngày đến chi bộ hiện tại", "Ghi ngày đến"),
    ({"left_on": date(2020, 1, 1)}, "Lý do ra khỏi danh sách", "cả ngày và lý do"),
]


def test_every_bad_row_is_listed_by_row_and_column_and_nothing_is_written(world):
    rows = [member(full_name="Trần Văn Đúng")]
    rows += [member(**overrides) for overrides, _c, _m in BAD_ROWS]
    duplicate = member(full_name="Trần Văn Trùng")
    duplicate["citizen_id"] = rows[0]["citizen_id"]
    rows.append(duplicate)
    data = xlsx(rows)
    before = counts()
    plan = check(world, data)
    found = messages(plan)
    for number, (_o, column, part) in enumerate(BAD_ROWS, start=3):
        assert any(r == number and c == column and part in m for r, c, m in found), (
            number,
            column,
            part,
            [f for f in found if f[0] == number],
        )
    assert any(r == len(rows) + 1 and "Trùng số CCCD với dòng 2" in m for r, _c, m in found)
    assert plan.bad_rows == set(range(3, len(rows) + 2))
    assert [p.letter for p in plan.problems if p.row == 5] == ["L"]  # the cell column

    # the whole file is refused while it has problems
    result, refused, batch = run(world, data, mode="all")
    assert result is None and refused is not None and batch.committed_at is None
    assert counts() == before
    # on request, only the clean rows go in
    result, refused, _ = run(world, data, mode="clean")
    assert result.created == 1 and result.skipped == len(BAD_ROWS) + 1
    assert person(rows[0]["citizen_id"]).full_name == "Trần Văn Đúng"


def test_rows_outside_the_users_organizations_are_refused(world):
    # grassroots staff of G1 import into their own cells only
    rows = [member(cell="C1"), member(cell="C2")]
    plan = check(world, xlsx(rows), username="gs1")
    assert [(p.row, p.column) for p in plan.problems] == [(3, "Mã chi bộ")]
    assert "ngoài phạm vi" in plan.problems[0].message
    # someone on record elsewhere is not revealed nor moved by another organization's file
    run(world, xlsx([rows[1]]))
    plan = check(world, xlsx([dict(rows[1], cell="C1")]), username="gs1")
    assert "ngoài phạm vi" in plan.problems[0].message
    plan = check(world, xlsx([dict(rows[1], cell="C1")]))
    assert "thủ tục chuyển sinh hoạt" in plan.problems[0].message


def test_dates_typed_as_text_and_ids_typed_as_numbers_are_read(world):
    styles = ["20/3/2010", "20-03-2010", "20.03.2010", "2010-03-20", "ngày 20 tháng 3 năm 2010"]
    rows = []
    for index, typed in enumerate(styles):
        row = member(full_name=f"Trần Văn {'ABCDE'[index]}", joined_on=typed)
        rows.append(row)
    rows[0]["citizen_id"] = int(rows[0]["citizen_id"])  # lost its leading zero in Excel
    plan = check(world, xlsx(rows))
    assert plan.clean, messages(plan)
    assert {r.membership.joined_on for r in plan.rows} == {date(2010, 3, 20)}
    assert plan.rows[0].person["citizen_id"].startswith("0")


def _is_package(data: bytes) -> bool:
    try:
        check_container(data)
    except FileRefused:
        return False
    return True


def _problems_of_file(world, data: bytes) -> list[str]:
    before = counts()
    plan = check(world, data)
    assert plan.refused or plan.file_problems
    if not _is_package(data):
        # not a spreadsheet at all: refused at upload, with the same reason
        with pytest.raises(InvalidInput) as refusal:
            run(world, data, mode="clean")
        assert refusal.value.errors["file"] == plan.problems[0].message
    else:
        result, refused, _ = run(world, data, mode="clean")
        assert result is None and refused is not None
    assert counts()[0] == before[0]
    return [p.message for p in plan.file_problems]


def test_missing_and_unknown_columns(world):
    headers = [h for h in HEADERS if h != "Số CCCD"] + ["Ghi chú"]
    found = _problems_of_file(world, xlsx([member()], headers=headers))
    assert "Thiếu cột bắt buộc “Số CCCD”." in found
    assert any("Cột “Ghi chú”" in m and "không có trong mẫu" in m for m in found)


def test_a_header_typed_without_diacritics_after_a_title_is_found(world):
    headers = [h.replace("Họ và tên", "HO VA TEN") for h in HEADERS]
    row = {**member(), "HO VA TEN": "Trần Văn An"}
    plan = check(world, xlsx([row], headers=headers, title_rows=2))
    assert plan.clean and plan.rows[0].row == 4


def test_merged_cells_are_refused(world):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in (member(), member()):
        ws.append([row.get(key) for key in _keys()])
    ws.merge_cells("L2:L3")  # one cell code for two people
    ws.merge_cells("A1:A1")
    buffer = io.BytesIO()
    wb.save(buffer)
    found = _problems_of_file(world, buffer.getvalue())
    assert any("Ô gộp L2:L3 (dòng 2–3)" in m for m in found), found


def _keys() -> list[str]:
    from states.roster import COLUMN_BY_HEADER

    return [COLUMN_BY_HEADER[h].key for h in HEADERS]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ho va ten;So CCCD\nTran Van An;025185000001\n", "không phải bảng tính Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "bảng tính Excel cũ (.xls)"),
        (b"%PDF-1.7\n", "không phải bảng tính Excel"),
        (b"", "Tệp rỗng"),
    ],
)
def test_files_that_are_not_xlsx(world, data, message):
    assert any(message in m for m in _problems_of_file(world, data))


def test_a_zip_that_is_not_a_workbook_and_a_damaged_workbook(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert any("không phải bảng tính" in m for m in _problems_of_file(world, buffer.getvalue()))
    good = xlsx([member()])
    damaged = good[: len(good) // 2]
    assert _problems_of_file(world, damaged)


def test_a_file_with_50000_rows_is_refused_before_anything_is_written(world):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    keys = _keys()
    base = member()
    for index in range(50_000):
        ws.append([f"{index:012d}" if k == "citizen_id" else base.get(k) for k in keys])
    buffer = io.BytesIO()
    wb.save(buffer)
    found = _problems_of_file(world, buffer.getvalue())
    assert any("hơn 20.000 dòng" in m for m in found), found


def test_a_name_without_diacritics_is_a_warning_not_a_problem(world):
    rows = [member(full_name="tran van an"), candidate(full_name="lê thị BÍCH")]
    plan = check(world, xlsx(rows))
    assert plan.clean and not plan.problems
    assert [(w.row, w.column, w.letter) for w in plan.warnings] == [(2, "Họ và tên", "B")]
    assert "“Tran Van An” không có dấu" in plan.warnings[0].message
    result, refused, _ = run(world, xlsx(rows))
    assert refused is None and result.created == 2
    names = {p.full_name for p in db.session.scalars(select(Person))}
    assert {"Tran Van An", "Lê Thị Bích"} <= names  # capitalized as on the form
    # the same row again changes nothing: no warning either
    assert check(world, xlsx(rows)).warnings == []
    # a rename to a name without diacritics is warned about
    rows[1]["full_name"] = "Le Thi Bich"
    plan = check(world, xlsx(rows))
    assert [(w.row, w.column) for w in plan.warnings] == [(3, "Họ và tên")]
    assert plan.count("update") == 1


def test_a_member_imported_as_left_says_how_on_the_member_page(world, login):
    row = member(full_name="Vũ Văn Giang", left_reason="Cho ra khỏi Đảng", left_on=date(2024, 5, 6))
    result, refused, _ = run(world, xlsx([row]))
    assert refused is None and result.created == 1
    gone = person(row["citizen_id"])
    assert gone.member_status == "removed"
    body = login("dept").get(f"/people/{gone.id}").get_data(as_text=True)
    assert "Cho ra khỏi Đảng</strong> ngày 06/05/2024" in body
    assert "Không còn trong danh sách" in body

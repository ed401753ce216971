"""A class's roster in and out of Excel: the export imports back as it was; an uploaded file is
checked row by row (each problem with its row), and importing writes the clean rows only, in
one transaction, creating the records of people not on file."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.training.helpers import audit_actions, candidate, new_class
from tests.web.helpers import page
from workflow.extensions import db
from workflow.models import Person, TrainingEnrollment
from workflow.training import operations

HEADER = [
    "STT",
    "Họ và tên",
    "Số CCCD",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Trình độ học vấn",
    "Mã chi bộ",
    "Chức vụ",
    "Tham gia",
    "Kết quả",
    "Ghi chú",
]


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Danh sách lớp"])
    ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, class_id: int, data: bytes):
    return client.post(
        f"/classes/{class_id}/import",
        data={"file": (io.BytesIO(data), "danh-sach.xlsx")},
        content_type="multipart/form-data",
    )


def test_the_export_lists_the_roster_and_imports_back_unchanged(world, login):
    cls = new_class(world)
    person = candidate(world, "C1", "Lưu Thị Thơm")
    row = operations.add_trainee(
        cls.id, {"person": person.id, "position": "candidate"}, actor=world.actor("dept")
    )
    operations.record_results(
        cls.id,
        {row.id: {"attendance": "full", "result": "good"}},
        cls.version,
        actor=world.actor("dept"),
    )
    client = login("dept")
    exported = client.get(f"/classes/{cls.id}/roster.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).worksheets[0]
    values = [c.value for c in sheet[4]]
    assert values[1:3] == ["Lưu Thị Thơm", person.citizen_id]
    assert values[12:15] == ["Quần chúng ưu tú", "Tham gia đầy đủ", "Khá"]
    uploaded = _upload(client, cls.id, exported.data)
    assert uploaded.status_code == 302
    plan = page(client.get(uploaded.headers["Location"]))
    assert "0 dòng sẽ được nhập" in plan and "Không thay đổi" in plan


def test_rows_are_checked_one_by_one_and_only_clean_rows_are_imported(world, login):
    cls = new_class(world)
    known = candidate(world, "C1", "Kiều Thị Nga")
    member = db.session.get(Person, world.members["C1"][0])
    rows = [
        [
            1,
            known.full_name,
            known.citizen_id,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "Quần chúng ưu tú",
            "Tham gia đầy đủ",
            "Giỏi",
            "",
        ],
        [
            2,
            "Hứa Văn Lâm",
            "025085004321",
            "07/02/1985",
            "Nam",
            "Nùng",
            "Không",
            "xã Hạ Hòa, tỉnh Phú Thọ",
            "Đại học",
            "C2",
            "",
            "Vắng một phần",
            "Đạt",
            "",
        ],
        [
            3,
            "Người Thiếu Ngày Sinh",
            "025090000777",
            "",
            "Nam",
            "Kinh",
            "Không",
            "Phú Thọ",
            "Đại học",
            "C2",
            "",
            "",
            "",
            "",
        ],
        [4, member.full_name, member.citizen_id, "", "", "", "", "", "", "", "", "", "", ""],
        [5, "Lặp Lại", known.citizen_id, "", "", "", "", "", "", "", "", "", "", ""],
        [
            6,
            "Sai Kết Quả",
            "025088005555",
            "03/03/1988",
            "Nam",
            "Kinh",
            "Không",
            "Phú Thọ",
            "Đại học",
            "C9",
            "",
            "Không tham gia",
            "Xuất sắc lắm",
            "",
        ],
    ]
    client = login("dept")
    uploaded = _upload(client, cls.id, _xlsx(rows))
    assert uploaded.status_code == 302
    plan = page(client.get(uploaded.headers["Location"]))
    assert "6 dòng: 2 dòng sẽ được nhập, 4 dòng có lỗi" in plan
    assert "Ngày sinh: Chưa nhập ngày sinh." in plan
    assert "không thuộc đối tượng của lớp" in plan  # row 4: an official member
    assert "Số CCCD trùng với dòng 4." in plan or "Số CCCD trùng với dòng 4" in plan
    assert "Kết quả “Xuất sắc lắm” không có trong trang Danh mục." in plan
    assert "Mã chi bộ: không có chi bộ nào mang mã này" in plan
    assert db.session.scalar(select(func.count()).select_from(TrainingEnrollment)) == 0
    done = client.post(uploaded.headers["Location"], data={})
    assert done.status_code == 302
    db.session.rollback()
    roster = {r.person.full_name: r for r in db.session.scalars(select(TrainingEnrollment))}
    assert set(roster) == {"Kiều Thị Nga", "Hứa Văn Lâm"}
    assert (roster["Kiều Thị Nga"].attendance, roster["Kiều Thị Nga"].result) == (
        "full",
        "excellent",
    )
    created = roster["Hứa Văn Lâm"].person
    assert (created.cell_id, created.ethnicity, created.sex) == (world.orgs["C2"], "Nùng", "male")
    assert "class.roster_imported" in audit_actions(cls.id)
    # the file is imported once
    again = client.post(uploaded.headers["Location"], data={})
    assert again.status_code == 200
    assert "Tệp này đã được nhập hoặc đã bỏ" in page(again)


def test_files_that_are_not_a_roster_are_refused(world, login):
    cls = new_class(world)
    client = login("dept")
    refused = _upload(client, cls.id, b"not a spreadsheet")
    assert refused.status_code == 422
    assert "không phải bảng tính Excel" in page(refused)
    wb = Workbook()
    wb.active.append(["Tên", "Tuổi"])
    out = io.BytesIO()
    wb.save(out)
    uploaded = _upload(client, cls.id, out.getvalue())
    plan = page(client.get(uploaded.headers["Location"]))
    assert "Không tìm thấy dòng tiêu đề có cột “Họ và tên”" in plan


def test_a_cell_secretary_cannot_import(world, login):
    cls = new_class(world)
    client = login("sec1")
    assert _upload(client, cls.id, _xlsx([])).status_code == 403

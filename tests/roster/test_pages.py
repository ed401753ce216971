"""The import and export pages as a user goes through them."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from states.roster import COLUMNS
from tests.roster.helpers import HEADERS, counts, member, xlsx
from workflow.extensions import db
from workflow.models import AccessLogEntry, ImportBatch, Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data: bytes, name: str = "danh-sach.xlsx"):
    return client.post(
        "/people/import/",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_template_lists_the_users_own_cells(login):
    response = login("gs1").get("/people/import/template.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Cache-Control"] == "no-store"
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Danh sách", "Danh mục", "Hướng dẫn"]
    assert [c.value for c in wb["Danh sách"][1]] == [c.header for c in COLUMNS]
    assert wb["Danh sách"].max_row <= 500 and wb["Danh sách"]["B2"].value is None
    codes = [row[0] for row in wb["Danh mục"].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert [c for c in codes if c] == ["C1", "C1B"]


def test_upload_check_and_import_through_the_pages(login, world):
    client = login("dept")
    good, bad = member(full_name="Trần Văn An"), member(full_name="Lê Văn Sai", cell="ZZ")
    before = counts()
    response = upload(client, xlsx([good, bad]))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Có 1 lỗi ở 1 dòng" in html and "Không có tổ chức mã “ZZ”" in html
    assert re.search(r"<td[^>]*>3</td>", html) and "Mã chi bộ (L)" in html
    assert "Chỉ nhập 1 dòng hợp lệ" in html
    assert counts() == before  # nothing written by the check
    batch_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    # the whole file is refused while a row has a problem
    refused = client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    assert refused.status_code == 302
    assert "còn dòng có lỗi" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert counts() == before
    done = client.post(f"/people/import/{batch_id}/commit", data={"mode": "clean"})
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 người mới" in html and "bỏ qua 1 dòng có lỗi" in html
    db.session.rollback()
    assert (
        db.session.scalars(
            select(Person.full_name).where(Person.citizen_id == good["citizen_id"])
        ).one()
        == "Trần Văn An"
    )
    # a second click does nothing more
    again = client.post(f"/people/import/{batch_id}/commit", data={"mode": "clean"})
    assert "đã được nhập rồi" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert counts()[0] == before[0] + 1


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(login):
    client = login("dept")
    response = upload(client, b"Ho va ten,So CCCD\n", name="danh-sach.csv")
    assert response.status_code == 422
    assert "không phải bảng tính Excel" in response.get_data(as_text=True)
    response = client.post("/people/import/", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Chọn tệp danh sách" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(ImportBatch.id))) == 0


def test_only_the_uploader_sees_an_upload_and_discarding_drops_it(login, world):
    client = login("dept")
    location = upload(client, xlsx([member()])).headers["Location"]
    batch_id = int(location.rstrip("/").rsplit("/", 1)[-1])
    other = login("gs1")
    assert other.get(location).status_code == 404
    assert other.post(f"/people/import/{batch_id}/commit", data={"mode": "all"}).status_code == 404
    assert login("sec1").get(location).status_code == 403
    client = login("dept")
    assert client.post(f"/people/import/{batch_id}/discard").status_code == 302
    db.session.rollback()
    assert db.session.get(ImportBatch, batch_id).data is None
    assert "Tệp đã bỏ" in client.get(location).get_data(as_text=True)


def test_the_export_holds_the_users_own_members_and_is_logged(login, world):
    client = login("gs1")
    response = client.get("/people/export.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(response.data))["Danh sách"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    rows = [r for r in rows if r[1]]
    header = [c.value for c in ws[1]]
    cells = {r[header.index("Mã chi bộ")] for r in rows}
    assert cells == {"C1", "C1B"} and len(rows) == 18
    ids = [r[header.index("Số CCCD")] for r in rows]
    assert all(isinstance(i, str) and len(i) == 12 for i in ids)
    db.session.rollback()
    log = db.session.scalars(select(AccessLogEntry)).all()
    assert [(e.part, e.user_id) for e in log] == [("member_list", world.users["gs1"])]
    # another organization's list is not found
    assert client.get(f"/people/export.xlsx?org={world.orgs['G2']}").status_code == 404
    # the exported file imports back unchanged
    plan_page = client.get(upload(client, response.data).headers["Location"])
    html = plan_page.get_data(as_text=True)
    assert "Tệp không có lỗi" in html and "<dd>18</dd>" in html


def test_the_people_page_links_to_import_and_export_for_those_who_may(login):
    html = login("dept").get("/people/?status=official").get_data(as_text=True)
    assert "/people/import/" in html and "/people/export.xlsx?status=official" in html
    assert "/people/import/" not in login("sec1").get("/people/").get_data(as_text=True)


def test_headers_match_the_template_order():
    assert [c.header for c in COLUMNS if not c.read_only] == HEADERS


def test_the_check_page_lists_a_name_without_diacritics_as_a_warning(login, world):
    client = login("dept")
    rows = [member(full_name="Trần Văn An"), member(full_name="nguyen van binh")]
    html = client.get(upload(client, xlsx(rows)).headers["Location"]).get_data(as_text=True)
    assert "Tệp không có lỗi (1 dòng cần xem lại" in html
    assert 'id="problems"' not in html
    warnings = html.split('id="warnings"', 1)[1].split("</table>", 1)[0]
    assert ">3</td>" in warnings and "Họ và tên (B)" in warnings
    assert "“Nguyen Van Binh” không có dấu" in warnings
    assert "Nhập 2 dòng" in html


def test_the_export_lists_each_cell_in_vietnamese_order(login, world):
    response = login("gs1").get("/people/export.xlsx")
    ws = load_workbook(io.BytesIO(response.data))["Danh sách"]
    header = [c.value for c in ws[1]]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]
    c1 = [r[header.index("Họ và tên")] for r in rows if r[header.index("Mã chi bộ")] == "C1"]
    assert c1[:5] == [
        "Trần Thị An",
        "Trần Văn Bình",
        "Trần Thị Cường",
        "Trần Văn Dung",
        "Trần Thị Đức",
    ]

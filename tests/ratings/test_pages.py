"""The rating pages end to end: the cell's grid saves every member at once (and refuses a
stale form or one excellent too many, writing nothing), the Excel sheet with the same checks,
the approval, the upper committee's grid, the member page's history."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.ratings.helpers import member_ratings, open_period, propose
from tests.web.helpers import hidden_value, page
from workflow.extensions import db
from workflow.models import Person


def fresh() -> None:
    db.session.rollback()


def _grid(world, period, levels: dict[int, str]) -> dict[str, str]:
    return {
        f"{field}-{pid}": levels.get(pid, "good")
        for pid in world.members["C1"]
        for field in ("self_level", "proposed_level")
    }


def test_the_grid_saves_all_members_at_once(world, login):
    period = open_period(world, 2024)
    client = login("sec1")
    url = f"/ratings/{period.id}/cells/{world.orgs['C1']}"
    body = page(client.get(url))
    assert body.count('name="proposed_level-') == 9
    assert 'data-label="Chi bộ đề xuất"' in body  # the grid folds into cards on a phone
    version = hidden_value(body, "expected_version")
    c1 = world.members["C1"]
    too_many = client.post(
        url,
        data={
            "expected_version": version,
            **_grid(world, period, {c1[0]: "excellent", c1[1]: "excellent"}),
        },
    )
    assert too_many.status_code == 422
    assert "tối đa 1 đảng viên hoàn thành xuất sắc (20%); đã đề xuất 2." in page(too_many)
    fresh()
    assert member_ratings(period) == []
    saved = client.post(url, data={"expected_version": version, **_grid(world, period, {})})
    assert saved.status_code == 302
    fresh()
    assert len(member_ratings(period)) == 9
    assert {r.proposed_level for r in member_ratings(period)} == {"good"}
    # the same form again is stale: refused, nothing changed
    stale = client.post(
        url, data={"expected_version": version, **_grid(world, period, {c1[0]: "completed"})}
    )
    assert stale.status_code == 303
    fresh()
    assert {r.proposed_level for r in member_ratings(period)} == {"good"}
    version = hidden_value(page(client.get(url)), "expected_version")
    sent = client.post(
        url, data={"expected_version": version, "submit": "propose", **_grid(world, period, {})}
    )
    assert sent.status_code == 302
    assert "chờ đảng ủy cơ sở duyệt" in page(client.get(url))
    # the grassroots committee approves it on its own page
    gs = login("gs1")
    approve_url = f"/ratings/{period.id}/cells/{world.orgs['C1']}/approve"
    body = page(gs.get(approve_url))
    data = {"expected_version": hidden_value(body, "expected_version"), "cell_level": "good"}
    data.update({f"level-{pid}": "good" for pid in c1})
    assert gs.post(approve_url, data=data).status_code == 302
    fresh()
    assert {r.level for r in member_ratings(period)} == {"good"}
    # the member page shows the history
    person = db.session.get(Person, c1[0])
    body = page(gs.get(f"/people/{person.id}"))
    assert "Đánh giá, xếp loại chất lượng" in body and "Năm 2024" in body


def _upload(client, url: str, version: str, data: bytes):
    return client.post(
        url,
        data={"expected_version": version, "file": (io.BytesIO(data), "xep-loai.xlsx")},
        content_type="multipart/form-data",
    )


def test_the_excel_sheet_goes_through_the_same_checks(world, login):
    period = open_period(world, 2025)  # QĐ 366: scores
    client = login("sec1")
    url = f"/ratings/{period.id}/cells/{world.orgs['C1']}"
    template = client.get(f"{url}/sheet.xlsx")
    assert template.status_code == 200
    wb = load_workbook(io.BytesIO(template.data))
    ws = wb.active
    header = [c.value for c in ws[3]]
    col = {name: header.index(name) + 1 for name in header}
    for row in range(4, 13):
        ws.cell(row, col["Tự xếp loại"], "Hoàn thành tốt nhiệm vụ")
        ws.cell(row, col["Điểm tự chấm"], 80)
        ws.cell(row, col["Chi bộ đề xuất"], "Hoàn thành tốt nhiệm vụ")
        ws.cell(row, col["Điểm chi bộ đề xuất"], 80)
    for row in (4, 5):
        ws.cell(row, col["Chi bộ đề xuất"], "Hoàn thành xuất sắc nhiệm vụ")
        ws.cell(row, col["Điểm chi bộ đề xuất"], 95)
        ws.cell(row, col["Đủ điều kiện mức xuất sắc"], "Có")
    out = io.BytesIO()
    wb.save(out)
    version = hidden_value(page(client.get(url)), "expected_version")
    refused = _upload(client, f"{url}/import", version, out.getvalue())
    assert refused.status_code == 302
    body = page(client.get(url))
    assert "Chưa nhập gì." in body and "đã đề xuất 2." in body
    fresh()
    assert member_ratings(period) == []
    ws.cell(5, col["Chi bộ đề xuất"], "Hoàn thành tốt nhiệm vụ")
    ws.cell(5, col["Điểm chi bộ đề xuất"], 88)
    ws.cell(6, col["Số CCCD"], "079000000000")  # someone else's number
    out = io.BytesIO()
    wb.save(out)
    body = (
        page(client.get(url)) if _upload(client, f"{url}/import", version, out.getvalue()) else ""
    )
    assert "Dòng 6: số CCCD" in body and "không phải đảng viên của Chi bộ Phòng Ngân sách" in body
    fresh()
    assert member_ratings(period) == []
    ws.cell(6, col["Số CCCD"], db.session.get(Person, world.members["C1"][2]).citizen_id)
    out = io.BytesIO()
    wb.save(out)
    _upload(client, f"{url}/import", version, out.getvalue())
    body = page(client.get(url))
    assert "Đã nhập xếp loại của 9 đảng viên" in body
    fresh()
    ratings = member_ratings(period)
    assert sorted(r.proposed_score for r in ratings) == [80] * 7 + [88, 95]
    assert sum(r.proposed_level == "excellent" for r in ratings) == 1
    # not an .xlsx at all
    version = hidden_value(page(client.get(url)), "expected_version")
    _upload(client, f"{url}/import", version, b"hello")
    assert "không phải bảng tính Excel" in page(client.get(url))


def test_the_upper_committee_grid(world, login):
    period = open_period(world, 2024)
    client = login("dept")
    url = f"/ratings/{period.id}/grassroots"
    body = page(client.get(url))
    ids = sorted(set(re.findall(r'name="level-(\d+)"', body)))
    assert len(ids) == 4
    data = {"expected_version": hidden_value(body, "expected_version")}
    data.update({f"level-{i}": "good" for i in ids})
    assert client.post(url, data=data).status_code == 302
    body = page(client.get(f"/ratings/{period.id}/report"))
    assert "Có 100% TCCS Đảng" in body
    # a cell secretary reads the page but has no grid, and cannot post one
    sec = login("sec1")
    assert 'name="level-' not in page(sec.get(url))
    assert sec.post(url, data=data).status_code == 403


def test_pages_render(world, login):
    period = open_period(world, 2024)
    propose(world, period, "C1")
    client = login("dept")
    for url in (
        "/ratings/",
        f"/ratings/{period.id}",
        f"/ratings/{period.id}/cells/{world.orgs['C1']}",
        "/ratings/commendations?year=2024",
        "/ratings/model-cells",
    ):
        assert client.get(url).status_code == 200, url
    body = page(client.get(f"/ratings/{period.id}"))
    assert "5 chi bộ: 0 đã được duyệt, 1 chờ duyệt, 0 đang nhập." in body
    body = page(client.get(f"/ratings/{period.id}?org={world.orgs['G2']}"))
    assert "1 chi bộ: 0 đã được duyệt, 0 chờ duyệt" in body and "Chi bộ Phòng Kỹ thuật" in body
    assert "Chi bộ Phòng Ngân sách" not in body
    created = client.post("/ratings/", data={"kind": "year", "year": "2025", "number": ""})
    assert created.status_code == 302
    refused = client.post("/ratings/", data={"kind": "quarter", "year": "2024", "number": "1"})
    assert refused.status_code == 422 and "chỉ đánh giá theo năm" in page(refused)


def test_the_home_page_says_what_is_waiting(world, login):
    period = open_period(world, 2024)
    body = page(login("sec1").get("/"))
    assert "Chi bộ Phòng Ngân sách: xếp loại đảng viên năm 2024 chưa gửi" in body
    assert f"/ratings/{period.id}/cells/{world.orgs['C1']}" in body
    propose(world, period, "C1")
    fresh()
    assert "chưa gửi" not in page(login("sec1").get("/"))
    assert "1 chi bộ chờ duyệt xếp loại năm 2024" in page(login("gs1").get("/"))
    assert "1 chi bộ chờ duyệt" not in page(login("gs2").get("/"))
    assert "Xếp loại tổ chức cơ sở đảng năm 2024" in page(login("dept").get("/"))

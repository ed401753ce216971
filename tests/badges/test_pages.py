"""The round's pages through the web client: the department opens a round, a cell secretary
sees and reviews only their cell's members on a phone-sized list, the printed lists, and who
may not do what."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from tests.badges.helpers import veteran
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import BadgeAward, BadgeRound


def _csrf(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def _post(client, url: str, page: str, **form):
    body = client.get(page).get_data(as_text=True)
    return client.post(url, data={"csrf_token": _csrf(body), **form})


def test_round_pages_for_the_department_and_the_cell(world, login, tmp_path):
    clock().set_today(date(2026, 5, 25))
    mine = veteran(world, "Nguyễn Văn Đạt", date(1996, 3, 15)).id
    other = veteran(world, "Phạm Thị Mai", date(1996, 4, 2), cell="C2").id
    dept = login("dept")
    body = dept.get("/").get_data(as_text=True)
    assert "Huy hiệu Đảng đợt 2/9/2026" in body  # the dashboard's next round
    response = _post(dept, "/badges/open", "/badges/", occasion="19/5", year="2026")
    assert response.status_code == 302, response.data[:300]
    db.session.rollback()
    rnd = db.session.scalars(select(BadgeRound)).one()
    page = dept.get(f"/badges/{rnd.id}").get_data(as_text=True)
    assert "Nguyễn Văn Đạt" in page and "Phạm Thị Mai" in page
    assert "Đảng bộ Sở Tài chính" in page and "2 đồng chí" in page

    sec = login("sec1")
    page = sec.get(f"/badges/{rnd.id}").get_data(as_text=True)
    assert "Nguyễn Văn Đạt" in page and "Phạm Thị Mai" not in page
    assert "Ghi ý kiến chi bộ" in page and "Tổng hợp trình" not in page
    assert sec.get(f"/badges/{rnd.id}/list.pdf").status_code == 403  # the compiled list
    db.session.rollback()
    award = db.session.scalars(select(BadgeAward).where(BadgeAward.person_id == mine)).one()
    bad = _post(
        sec,
        f"/badges/award/{award.id}/review",
        f"/badges/{rnd.id}",
        choice="confirm",
        reviewed_on="32/05/2026",
        declaration_on="",
        version=award.version,
    )
    assert bad.status_code == 302
    assert "Ngày" in sec.get(f"/badges/{rnd.id}").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(BadgeAward, award.id).status == "proposed"  # nothing half-written
    _post(
        sec,
        f"/badges/award/{award.id}/review",
        f"/badges/{rnd.id}",
        choice="confirm",
        reviewed_on="24/05/2026",
        declaration_on="20/05/2026",
        version=award.version,
    )
    db.session.rollback()
    assert db.session.get(BadgeAward, award.id).status == "confirmed"
    # another cell's secretary cannot review this member
    other_award = db.session.scalars(select(BadgeAward).where(BadgeAward.person_id == other)).one()
    denied = _post(
        login("sec1"),
        f"/badges/award/{other_award.id}/review",
        f"/badges/{rnd.id}",
        choice="confirm",
        reviewed_on="24/05/2026",
        declaration_on="20/05/2026",
    )
    assert denied.status_code == 404
    assert login("auditor").get(f"/badges/{rnd.id}").status_code == 403

    gs = login("gs1")
    org = world.orgs["G1"]
    pdf = gs.get(f"/badges/{rnd.id}/list.pdf?org={org}")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    (tmp_path / "g1.pdf").write_bytes(pdf.data)
    xlsx = gs.get(f"/badges/{rnd.id}/list.xlsx?org={org}")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    assert sheet["B4"].value == "Nguyễn Văn Đạt" and sheet["J4"].value == "30 năm"
    assert gs.get(f"/badges/{rnd.id}/list.pdf?org={world.orgs['G2']}").status_code == 404


def test_the_department_adds_a_lost_badge_by_the_members_citizen_id(world, login):
    """Across the committee there is no list to pick from: the department names the member by
    citizen ID, never by an internal number."""
    clock().set_today(date(2026, 5, 25))
    holder = veteran(world, "Trịnh Văn Lộc", date(1980, 3, 15))
    citizen_id = holder.citizen_id
    dept = login("dept")
    _post(dept, "/badges/open", "/badges/", occasion="19/5", year="2026")
    db.session.rollback()
    rnd = db.session.scalars(select(BadgeRound)).one()
    page = dept.get(f"/badges/{rnd.id}").get_data(as_text=True)
    assert 'name="citizen_id"' in page and "Mã đảng viên" not in page
    _post(dept, f"/badges/{rnd.id}/reissue", f"/badges/{rnd.id}", citizen_id=citizen_id,
          years="40", reason="Mất khi chuyển nhà")  # fmt: skip
    db.session.rollback()
    award = db.session.scalars(
        select(BadgeAward).where(BadgeAward.person_id == holder.id, BadgeAward.kind == "reissue")
    ).one()
    assert award.years == 40
    _post(dept, f"/badges/{rnd.id}/reissue", f"/badges/{rnd.id}", citizen_id="001099999999",
          years="40", reason="Mất")  # fmt: skip
    assert "Không tìm thấy đảng viên" in dept.get(f"/badges/{rnd.id}").get_data(as_text=True)

"""The tree's pages: as of a day, the changes between two days, recording an event."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.orgs.helpers import record, signer
from workflow.extensions import db
from workflow.models import Decision, Organization, OrgEvent


def _merge_g2_into_g1(world):
    record(world, "merge", date(2025, 7, 1), target_id=world.orgs["G1"], sources=[world.orgs["G2"]])


def test_tree_as_of_a_day_and_changes_page_and_pdf(world, login):
    _merge_g2_into_g1(world)
    client = login("dept")
    before = client.get("/orgs/tree?on=30/06/2025")
    assert before.status_code == 200
    text = before.get_data(as_text=True)
    assert "Đảng bộ Công ty Điện lực" in text and "Hệ thống tổ chức ngày 30/06/2025" in text
    after = client.get("/orgs/tree?on=01/07/2025").get_data(as_text=True)
    assert "Đảng bộ Công ty Điện lực" not in after and "Chi bộ Phòng Kỹ thuật" in after
    changes = client.get("/orgs/changes?from=30/06/2025&to=01/07/2025").get_data(as_text=True)
    assert "Thôi hoạt động" in changes and "Hợp nhất tổ chức đảng" in changes
    assert "Số 1-QĐ/ĐUK" in changes
    pdf = client.get("/orgs/tree?on=30/06/2025&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf = client.get("/orgs/changes?from=30/06/2025&to=01/07/2025&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = client.get("/orgs/tree?on=99/99/2025").get_data(as_text=True)
    assert "Ngày không hợp lệ" in bad


def test_event_recorded_from_the_form_with_its_decision(world, login):
    client = login("dept")
    assert client.get("/orgs/events/new?kind=merge").status_code == 200
    response = client.post(
        "/orgs/events/new?kind=merge",
        data={
            "kind": "merge",
            "effective_on": "01/07/2025",
            "target_id": world.orgs["C1"],
            "sources": [world.orgs["C1B"]],
            "signer": signer(world),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    event = db.session.scalars(select(OrgEvent)).one()
    page = client.get(f"/orgs/events/{event.id}").get_data(as_text=True)
    assert "Số 1-QĐ/ĐUK" in page and "Đảng viên chuyển sang sinh hoạt ở chi bộ khác" in page
    pdf = client.get(f"/orgs/events/{event.id}/decision.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/orgs/events").status_code == 200
    # the QR code's page verifies it like any other decision
    token = db.session.get(Decision, event.decision_id).verify_token
    verify = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "Số 1-QĐ/ĐUK" in verify


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(world, login):
    client = login("dept")
    response = client.post(
        "/orgs/events/new?kind=merge",
        data={
            "kind": "merge",
            "effective_on": "01/07/2025",
            "target_id": world.orgs["C1"],
            "sources": [world.orgs["C1"]],
            "signer": signer(world),
        },
    )
    assert response.status_code == 422
    assert "Không hợp nhất Chi bộ Phòng Ngân sách vào chính nó." in response.get_data(as_text=True)
    response = client.post(
        "/orgs/events/new?kind=establish",
        data={
            "kind": "establish",
            "effective_on": "01/07/2025",
            "code": "CBTN",
            "name": "Chi bộ Công ty Tư nhân",
            "kind_of_org": "cell",
            "parent_id": world.orgs["G1"],
            "members": world.members["C1"][:2],
            "signer": signer(world),
        },
    )
    assert response.status_code == 422
    assert "ít nhất 3 đảng viên chính thức" in response.get_data(as_text=True)
    response = client.post(
        "/orgs/events/new?kind=rename",
        data={
            "kind": "rename",
            "effective_on": "01/07/2030",
            "org_id": world.orgs["G1"],
            "name": "X",
            "signer": signer(world),
        },
    )
    assert "Ngày hiệu lực không được sau ngày hôm nay." in response.get_data(as_text=True)
    assert db.session.scalar(select(OrgEvent.id)) is None
    assert db.session.scalar(select(Organization.id).where(Organization.code == "CBTN")) is None


def test_only_the_department_records_events(world, login):
    for username in ("sec1", "gs1", "signer"):
        client = login(username)
        assert client.get("/orgs/events/new").status_code == 403
        response = client.post(
            "/orgs/events/new?kind=dissolve",
            data={"kind": "dissolve", "effective_on": "01/07/2025", "org_id": world.orgs["C1"]},
        )
        assert response.status_code == 403
    assert db.session.scalar(select(OrgEvent.id)) is None
    # viewers see the tree of their own organizations only
    client = login("sec1")
    text = client.get("/orgs/tree").get_data(as_text=True)
    assert "Chi bộ Phòng Ngân sách" in text and "Đảng bộ Bệnh viện tỉnh" not in text


def test_an_organization_page_as_of_a_day(world, login):
    record(
        world,
        "upgrade",
        date(2025, 8, 1),
        org_id=world.orgs["GC4"],
        name="Đảng bộ Sở Tư pháp",
        cell_name="Chi bộ Văn phòng Sở Tư pháp",
        cell_code="GC4V",
    )
    client = login("dept")
    then = client.get(f"/orgs/{world.orgs['GC4']}?on=31/07/2025").get_data(as_text=True)
    assert "Chi bộ Sở Tư pháp" in then and "Chi bộ cơ sở" in then
    assert "Đảng viên trong danh sách ngày 31/07/2025 (9)" in then
    now = client.get(f"/orgs/{world.orgs['GC4']}?on=02/08/2025").get_data(as_text=True)
    assert "Chi bộ Văn phòng Sở Tư pháp" in now and "Đảng bộ cơ sở" in now
    cell = db.session.scalars(select(Organization).where(Organization.code == "GC4V")).one()
    before = client.get(f"/orgs/{cell.id}?on=31/07/2025").get_data(as_text=True)
    assert "Tổ chức không hoạt động vào ngày này" in before

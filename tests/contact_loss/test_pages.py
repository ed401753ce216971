"""The pages of a member out of contact: the member page offers the report to the cell's
secretary, the opening form refuses a bad date in Vietnamese, the member page and the case
page then say "Mất liên lạc từ …" and list the period as recorded by the case (one entered by
hand says so), a stale step form is refused, and no key shows instead of a label."""

from __future__ import annotations

from datetime import date

from tests.contact_loss.helpers import SEARCH, gaps, report_loss
from tests.leaving.helpers import state
from tests.web.helpers import counts, page
from tests.web.test_audit_labels import KEY, _visible_text
from workflow.extensions import db
from workflow.models import Case
from workflow.operations import people as people_ops
from workflow.store.uow import unit_of_work


def test_a_secretary_reports_a_member_out_of_contact_from_the_member_page(world, login):
    member = world.members["C1"][2]
    client = login("sec1")
    assert "Báo cáo mất liên lạc" in page(client.get(f"/people/{member}"))
    url = f"/cases/open/contact_loss?person={member}"
    body = page(client.get(url))
    assert "Mất liên lạc từ ngày" in body and "Chi bộ đã tìm hiểu, liên hệ thế nào" in body
    before = counts()
    form = {"event_date": "05/03/2026", "since": "10/03/2026", "search": SEARCH}
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "không được sau ngày chi bộ họp (05/03/2026)" in page(response)
    assert counts() == before and gaps(member) == []
    response = client.post(url, data={**form, "since": "01/02/2026"})
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    # the member page: the notice, linked to the case, and the period it recorded
    text = _visible_text(page(client.get(f"/people/{member}")))
    assert "Mất liên lạc với tổ chức đảng Mất liên lạc từ 01/02/2026 (chi bộ báo cáo" in text
    assert (
        f"01/02/2026 – nay: Mất liên lạc với tổ chức đảng (trừ 4 tháng) — ghi theo hồ sơ #{case_id}"
        in text
    )
    assert "Báo cáo mất liên lạc" not in text  # one case at a time
    assert not KEY.findall(text), KEY.findall(text)[:5]
    # the case page
    body = page(client.get(f"/cases/{case_id}"))
    text = _visible_text(body)
    assert "Mất liên lạc Mất liên lạc từ 01/02/2026" in text
    assert SEARCH in text
    assert "Thời gian không tính tuổi đảng 01/02/2026 – nay" in text  # the opening's trail
    assert not KEY.findall(text), KEY.findall(text)[:5]
    # the grassroots committee confirms; the secretary's form loaded before then is stale
    url = f"/cases/{case_id}/do/restore"
    assert client.get(url).status_code == 200
    db.session.rollback()  # what the requests committed
    version = db.session.get(Case, case_id).version
    world.fire(case_id, "confirm", "gs1", date(2026, 3, 10))
    before = counts()
    stale = {
        "event_date": "20/04/2026",
        "restored_on": "15/04/2026",
        "opinion": "Đã liên lạc lại.",
        "expected_version": str(version),
    }
    response = client.post(url, data=stale)
    assert response.status_code == 409
    assert counts() == before
    version = db.session.get(Case, case_id).version
    response = client.post(url, data={**stale, "restored_on": "21/04/2026",
                                      "expected_version": str(version)})  # fmt: skip
    assert response.status_code == 422
    assert "không được sau ngày chi bộ ghi nhận (20/04/2026)" in page(response)
    response = client.post(url, data={**stale, "expected_version": str(version)})
    assert response.status_code == 302
    assert state(case_id) == "restored"
    text = _visible_text(page(client.get(f"/people/{member}")))
    assert "Mất liên lạc từ" not in text
    assert "01/02/2026 – 15/04/2026: Mất liên lạc với tổ chức đảng (trừ 2 tháng)" in text
    text = _visible_text(page(client.get(f"/cases/{case_id}")))
    assert "Từ 01/02/2026 đến 15/04/2026" in text
    assert not KEY.findall(text), KEY.findall(text)[:5]


def test_a_period_entered_by_hand_says_so(world, login):
    member = world.members["C1"][3]
    with unit_of_work():
        people_ops.add_gap(
            member,
            {"start_on": "01/01/2015", "end_on": "15/04/2015", "reason": "Mất liên lạc"},
            actor=world.actor("dept"),
        )
    report_loss(world, member, date(2026, 2, 1), date(2026, 3, 5))
    text = _visible_text(page(login("dept").get(f"/people/{member}")))
    assert "01/01/2015 – 15/04/2015: Mất liên lạc (trừ 3 tháng) — Ban Tổ chức ghi" in text
    assert "01/02/2026 – nay: Mất liên lạc với tổ chức đảng (trừ 4 tháng) — ghi theo hồ sơ" in text


def test_another_cells_secretary_neither_sees_nor_reports(world, login):
    member = world.members["C1"][2]
    client = login("sec2")
    assert client.get(f"/people/{member}").status_code == 404
    assert client.get(f"/cases/open/contact_loss?person={member}").status_code == 404
    case_id = report_loss(world, member, date(2026, 2, 1), date(2026, 3, 5))
    assert client.get(f"/cases/{case_id}").status_code == 404
    assert client.get(f"/cases/{case_id}/do/void").status_code == 404

"""Discipline and suspension as their users drive them on the web: the member page offers them,
the opening form refuses bad input and writes nothing, the cell's signed decision with its
password, the case page in words, the decision's PDF, the inspection commission's suspension and
return, and the report's figures no longer marked untracked."""

from __future__ import annotations

from sqlalchemy import select

from tests.discipline.helpers import VIOLATION, open_discipline, state
from tests.web.helpers import counts, page
from tests.web.test_audit_labels import KEY, _visible_text
from workflow.extensions import db
from workflow.models import Case, Decision


def _case_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_a_secretary_opens_a_discipline_case_from_the_member_page(world, login):
    member = world.members["C1"][2]
    client = login("sec1")
    assert "Mở hồ sơ xem xét kỷ luật" in page(client.get(f"/people/{member}"))
    url = f"/cases/open/discipline?person={member}"
    body = page(client.get(url))
    assert "Vi phạm được phát hiện qua" in body and "Kết luận kiểm tra, giám sát" in body
    form = {
        "event_date": "01/09/2025",
        "source": "inspection",
        "reference": "Kết luận số 12-KL/UBKT",
        "violation_on": "20/09/2025",
        "matter": "member_duties",
        "no_limitation": "no",
        "facts": VIOLATION,
    }
    before = counts()
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "Ngày vi phạm không được sau ngày phát hiện vi phạm" in page(response)
    assert counts() == before
    response = client.post(url, data={**form, "violation_on": "15/06/2025"})
    assert response.status_code == 302, page(response)[-2000:]
    case_id = _case_id(response)
    text = _visible_text(page(client.get(f"/cases/{case_id}")))
    assert "Kết luận kiểm tra, giám sát – Kết luận số 12-KL/UBKT" in text
    assert "Ngày vi phạm 15/06/2025" in text
    assert not KEY.findall(text), KEY.findall(text)[:10]
    # the department's staff may open one too; an account of another organization may not
    assert login("dept").get(url).status_code == 200
    assert login("sec2").get(url).status_code in (403, 404)


def test_the_cell_signs_a_reprimand_and_the_pdf_prints_it(world, login):
    case_id = open_discipline(world, world.members["C1"][2])
    from datetime import date

    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    client = login("sec1")
    url = f"/cases/{case_id}/do/decide_by_cell"
    body = page(client.get(url))
    assert "Chi bộ quyết định kỷ luật (khiển trách, cảnh cáo)" in body and "Mật khẩu" in body
    db.session.rollback()
    version = db.session.get(Case, case_id).version
    form = {
        "event_date": "10/09/2025",
        "form": "dismissal",
        "violation": VIOLATION,
        "official_total": "9",
        "yes": "9",
        "no": "0",
        "password": world.password,
        "expected_version": str(version),
    }
    before = counts()
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "do cấp trên quyết định" in page(response)
    assert counts() == before
    response = client.post(url, data={**form, "form": "reprimand"})
    assert response.status_code == 302, page(response)[-3000:]
    assert state(case_id) == "decided"
    text = _visible_text(page(client.get(f"/cases/{case_id}")))
    assert "Hình thức kỷ luật Khiển trách" in text and "-QĐ/" in text
    assert "Chi bộ" in text and not KEY.findall(text), KEY.findall(text)[:10]
    decision = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    pdf = client.get(f"/documents/{decision.id}/download.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_inspection_commission_suspends_and_lets_the_member_return(world, login):
    member = world.members["C1"][2]
    client = login("inspector")
    url = f"/cases/open/suspension?person={member}"
    response = client.post(
        url,
        data={"event_date": "01/09/2025", "ground": "detained", "facts": "Bị tạm giam."},
    )
    assert response.status_code == 302, page(response)[-2000:]
    case_id = _case_id(response)
    vote = {"members_total": "7", "members_present": "7", "yes": "7", "no": "0"}
    step = f"/cases/{case_id}/do/suspend_by_inspection"
    db.session.rollback()
    version = db.session.get(Case, case_id).version
    response = client.post(step, data={"event_date": "03/09/2025", **vote,
                                       "password": world.password,
                                       "expected_version": str(version)})  # fmt: skip
    assert response.status_code == 302, page(response)[-3000:]
    text = _visible_text(page(client.get(f"/cases/{case_id}")))
    assert "Thời hạn đình chỉ 90 ngày, từ 03/09/2025 đến 02/12/2025" in text
    step = f"/cases/{case_id}/do/reinstate"
    db.session.rollback()
    version = db.session.get(Case, case_id).version
    response = client.post(step, data={"event_date": "01/10/2025", "why": "released", **vote,
                                       "password": world.password,
                                       "expected_version": str(version)})  # fmt: skip
    assert response.status_code == 302, page(response)[-3000:]
    assert state(case_id) == "returned"
    text = _visible_text(page(client.get(f"/cases/{case_id}")))
    assert "Quyết định cho trở lại sinh hoạt" in text


def test_the_report_page_counts_discipline_without_marking_it_untracked(world, login):
    from datetime import date

    from tests.discipline.helpers import ballot

    case_id = open_discipline(world, world.members["C1"][2])
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("reprimand"))
    body = page(login("dept").get("/reports/", query_string={"from": "2025-07-01",
                                                             "to": "2025-12-31"}))  # fmt: skip
    row = body[body.index('data-key="discipline_reprimand"') :]
    row = row[: row.index("</tr>")]
    assert "chưa theo dõi" not in row and ">1<" in row
    for key in ("suspensions", "reinstatements", "discipline_expulsion"):
        row = body[body.index(f'data-key="{key}"') :]
        assert "chưa theo dõi" not in row[: row.index("</tr>")]

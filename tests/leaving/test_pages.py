"""The removal's pages as their users drive them: the member page offers it, the opening form,
the case page, a step's form with its refusal, the signer's review and the case timeline."""

from __future__ import annotations

from datetime import date

from tests.leaving.helpers import cell_vote, open_removal, state
from tests.web.helpers import counts, page
from tests.web.test_audit_labels import KEY, _visible_text
from workflow.extensions import db
from workflow.models import Case, Person


def _post(client, url: str, data: dict):
    assert client.get(url).status_code == 200
    return client.post(url, data=data)


def test_a_secretary_proposes_a_removal_from_the_member_page(world, login):
    member = world.members["C1"][2]
    client = login("sec1")
    assert "Đề xuất xóa tên" in page(client.get(f"/people/{member}"))
    url = f"/cases/open/removal?person={member}"
    body = page(client.get(url))
    assert "Căn cứ xóa tên" in body and "Tự ý trả thẻ đảng viên" in body
    before = counts()
    form = {"event_date": "01/09/2025", "ground": "returned_card", "facts": ""}
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert counts() == before
    response = client.post(url, data={**form, "facts": "Ngày 20/8/2025 tự ý nộp lại thẻ."})
    assert response.status_code == 302, page(response)[-2000:]
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    body = page(client.get(f"/cases/{case_id}"))
    assert "Tự ý trả thẻ đảng viên hoặc tự hủy thẻ đảng viên" in body
    assert "Ngày 20/8/2025 tự ý nộp lại thẻ." in body
    assert f'href="/cases/{case_id}/do/record_request"' in body
    # a grassroots committee's staff sees the case but may not propose one
    assert login("gs1").get(url).status_code == 403


def test_the_cells_vote_is_refused_for_a_violation_deserving_discipline(world, login):
    case_id = open_removal(world, world.members["C1"][2])
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    client = login("sec1")
    url = f"/cases/{case_id}/do/record_cell_resolution"
    body = page(client.get(url))
    assert "Đánh giá vi phạm của đảng viên" in body
    version = db.session.get(Case, case_id).version
    form = {
        "event_date": "10/09/2025",
        "violation": "deserves_discipline",
        "official_total": "9",
        "yes": "9",
        "no": "0",
        "expected_version": str(version),
    }
    before = counts()
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "không xóa tên thay cho kỷ luật" in page(response)
    assert counts() == before
    response = client.post(url, data={**form, "violation": "none"})
    assert response.status_code == 302
    assert state(case_id) == "cell_resolved"


def test_the_signer_reviews_the_draft_and_the_timeline_says_why_other_cases_closed(world, login):
    from tests.transfers.test_transfers import temporary

    member = world.members["C1"][2]
    stay = temporary(world, member)
    case_id = open_removal(world, member)
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
               violation="none", **cell_vote())  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đủ căn cứ.")
    client = login("signer")
    url = f"/cases/{case_id}/do/approve_removal"
    body = page(client.get(url))
    assert "Phê duyệt quyết định xóa tên đảng viên" in body and "Mật khẩu" in body
    version = db.session.get(Case, case_id).version
    response = client.post(
        url,
        data={
            "event_date": "25/09/2025",
            "members_total": "9",
            "members_present": "8",
            "yes": "8",
            "no": "0",
            "password": world.password,
            "expected_version": str(version),
        },
    )
    assert response.status_code == 302, page(response)[-3000:]
    db.session.rollback()
    assert db.session.get(Person, member).member_status == "removed"
    body = page(client.get(f"/cases/{case_id}"))
    assert "-QĐ/" in body
    text = _visible_text(body)
    assert not KEY.findall(text), KEY.findall(text)[:10]
    assert f"Các hồ sơ khác của đảng viên đã kết thúc #{stay}" in text
    other = page(client.get(f"/cases/{stay}"))
    assert not KEY.findall(_visible_text(other)), KEY.findall(_visible_text(other))[:10]
    assert f"Theo hồ sơ #{case_id}" in _visible_text(other)
    assert "Kết thúc: đảng viên không còn trong danh sách đảng viên" in other
    assert "Đảng viên đã bị xóa tên trong danh sách đảng viên" in other
    assert "closed_membership_ended" not in other


def test_a_cells_page_gives_its_list_as_of_a_day_and_counts_only_those_on_it(world, login):
    member = world.members["C1"][2]
    name = db.session.get(Person, member).full_name
    case_id = open_removal(world, member)
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
               violation="none", **cell_vote())  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đủ.")
    world.fire(case_id, "approve_removal", "signer", date(2025, 9, 25))
    client = login("sec1")
    cell = world.orgs["C1"]
    body = page(client.get(f"/orgs/{cell}"))
    assert "Danh sách (8)" in body and name not in body
    body = page(client.get(f"/orgs/{cell}?on=24/09/2025"))
    assert "Đảng viên trong danh sách ngày 24/09/2025 (9)" in body and name in body
    body = page(client.get(f"/orgs/{cell}?on=25/09/2025"))
    assert "Đảng viên trong danh sách ngày 25/09/2025 (8)" in body and name not in body
    body = page(client.get(f"/orgs/{cell}?on=31/02/2025"))
    assert "Ngày không tồn tại trong lịch." in body and "Danh sách (8)" in body
    body = page(client.get(f"/orgs/{cell}?on=01/01/2030"))
    assert "Ngày không được sau ngày hôm nay." in body

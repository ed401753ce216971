"""Transfer pages as each side uses them: forms, refusals, lists, histories and the letter."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.web.helpers import counts, incoming_form, page
from workflow.extensions import db
from workflow.models import Case, Decision, Person, Transfer


def _official_form(world, **overrides):
    data = {
        "event_date": "01/09/2025",
        "direction": "within",
        "destination_org": str(world.orgs["G2"]),
        "destination": "",
        "reason": "job_move",
        "effective_on": "15/08/2025",
        "biography_number": "123456-PT",
        "dues_paid_through": "08/2025",
        "note": "",
    }
    data.update(overrides)
    return data


def _post(client, url: str, data: dict):
    """CSRF is checked by its own tests; here the form is posted as the page would."""
    assert client.get(url).status_code == 200
    return client.post(url, data=data)


def _issued_transfer(world, member: int, client) -> int:
    url = f"/cases/open/transfer?person={member}"
    response = _post(client, url, _official_form(world))
    assert response.status_code == 302, page(response)[:2000]
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept")
    return case_id


def test_a_cell_secretary_proposes_a_transfer_and_bad_input_writes_nothing(app, world, login):
    member = world.members["C1"][3]
    client = login("sec1")
    url = f"/cases/open/transfer?person={member}"
    assert "Đề nghị chuyển sinh hoạt đảng chính thức" in page(client.get(url))
    before = counts()
    cases = [
        ({"destination_org": ""}, "Chọn một tổ chức cơ sở đảng"),
        ({"destination_org": str(world.orgs["G1"])}, "khác nơi đang sinh hoạt"),
        ({"direction": "out", "destination_org": ""}, "Ghi tên tổ chức đảng nơi đến"),
        ({"dues_paid_through": "13/2025"}, "tháng/năm"),
        ({"effective_on": "31/02/2025"}, "không tồn tại"),
        ({"event_date": "01/01/2030"}, "sau ngày hôm nay"),
        ({"reason": "<script>alert(1)</script>"}, "Lựa chọn không hợp lệ"),
    ]
    for override, message in cases:
        response = _post(client, url, _official_form(world, **override))
        assert response.status_code == 422, override
        assert message in page(response), (override, page(response)[-3000:])
        assert "<script>alert(1)</script>" not in page(response)
        assert counts() == before
    response = _post(client, url, _official_form(world))
    assert response.status_code == 302
    # another cell's secretary cannot even see the member
    other = login("sec1b")
    assert other.get(url).status_code == 404


def test_each_side_sees_its_part_and_the_member_is_on_no_list_in_transit(app, world, login):
    member = world.members["C1"][4]
    name = db.session.get(Person, member).full_name
    case_id = _issued_transfer(world, member, login("sec1"))
    # the receiving grassroots committee sees the case and the incoming list
    receiving = login("gs2")
    assert receiving.get(f"/cases/{case_id}").status_code == 200
    assert name in page(receiving.get("/transfers/"))
    body = page(receiving.get(f"/cases/{case_id}/do/confirm_arrival"))
    # the cells offered are the receiving organization's own
    assert f'<option value="{world.orgs["C2"]}"' in body
    assert f'<option value="{world.orgs["C1"]}"' not in body
    # an unrelated organization sees nothing of it
    other = login("gs3")
    assert other.get(f"/cases/{case_id}").status_code == 404
    assert name not in page(other.get("/transfers/"))
    # the sending cell's page no longer lists the member
    sender = login("sec1")
    assert name not in page(sender.get(f"/orgs/{world.orgs['C1']}"))
    assert "Đang chuyển sinh hoạt" in page(sender.get(f"/people/{member}"))
    version = db.session.get(Case, case_id).version
    confirmed = _post(
        login("gs2"),
        f"/cases/{case_id}/do/confirm_arrival",
        {
            "expected_version": str(version),
            "event_date": "05/09/2025",
            "cell": str(world.orgs["C2"]),
        },
    )
    assert confirmed.status_code == 302, page(confirmed)[-2000:]
    receiving = login("gs2")
    assert name in page(receiving.get(f"/orgs/{world.orgs['C2']}"))
    history = page(receiving.get(f"/people/{member}"))
    letter = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert letter.reference in history and "Chi bộ Phòng Ngân sách" in history
    # a replayed confirmation is stale and changes nothing
    before = counts()
    replay = receiving.post(
        f"/cases/{case_id}/do/confirm_arrival",
        data={
            "expected_version": str(version),
            "event_date": "05/09/2025",
            "cell": str(world.orgs["C2"]),
        },
    )
    # the step no longer applies: the page goes back to the case, which did not change
    assert replay.status_code in (302, 409)
    assert counts() == before
    assert db.session.get(Case, case_id).version == version + 1


def test_the_department_registers_an_incoming_letter(app, world, login):
    client = login("dept")
    form = incoming_form(world, "Phan Văn Đến")
    before = counts()
    for override, message in (
        ({"citizen_id": "12345"}, "12 chữ số"),
        ({"official_on": "01/01/2009"}, "không được trước ngày vào Đảng"),
        ({"letter_on": "02/09/2025"}, "sau ngày nhận giấy"),
        ({"destination_org": "999999"}, "tổ chức cơ sở đảng"),
    ):
        response = _post(client, "/cases/open/transfer_in", {**form, **override})
        assert response.status_code == 422, override
        assert message in page(response), (override, page(response)[-3000:])
        assert counts() == before
    response = _post(client, "/cases/open/transfer_in", form)
    assert response.status_code == 302, page(response)[-3000:]
    db.session.rollback()
    person = db.session.scalars(select(Person).where(Person.full_name == "Phan Văn Đến")).one()
    assert person.presence == "in_transit" and person.member_status == "official"
    transfer = db.session.scalars(select(Transfer).where(Transfer.person_id == person.id)).one()
    assert transfer.letter_number == "45-GT/ĐU" and transfer.present_by is not None
    # the other side of the committee cannot open the form at all
    assert login("gs2").get("/cases/open/transfer_in").status_code == 403


def test_a_move_to_another_cell_of_the_organization_through_the_pages(app, world, login):
    member = world.members["C1"][2]
    client = login("sec1")
    detail = page(client.get(f"/people/{member}"))
    assert f"/cases/open/internal_transfer?person={member}" in detail
    url = f"/cases/open/internal_transfer?person={member}"
    form = page(client.get(url))
    # only the other cells of the member's grassroots organization are offered
    assert "Chi bộ Văn phòng Sở" in form
    assert f'value="{world.orgs["C2"]}"' not in form
    assert f'value="{world.orgs["C1"]}"' not in form
    data = {
        "event_date": "01/09/2025",
        "destination_cell": str(world.orgs["C1B"]),
        "reason": "job_move",
        "dues_paid_through": "08/2025",
        "note": "",
    }
    before = counts()
    response = _post(client, url, {**data, "destination_cell": str(world.orgs["C2"])})
    assert response.status_code == 422 and counts() == before
    assert "Chọn một chi bộ khác trong cùng đảng bộ cơ sở." in page(response)
    response = _post(client, url, data)
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    world.fire(case_id, "issue_letter", "gs1", date(2025, 9, 3))
    # the case's timeline names the cell, not its number
    timeline = page(client.get(f"/cases/{case_id}"))
    assert "<dt>Chi bộ nơi đến (trong đảng bộ cơ sở)</dt><dd>Chi bộ Văn phòng Sở</dd>" in timeline
    receiving = login("sec1b")
    assert db.session.get(Person, member).full_name in page(receiving.get("/transfers/"))
    # a member of a grassroots cell has no other cell to go to: no such button
    lone = world.members["GC4"][0]
    assert f"/cases/open/internal_transfer?person={lone}" not in page(
        login("sec4").get(f"/people/{lone}")
    )


def test_a_lost_letter_is_reissued_through_the_case_page(app, world, login):
    member = world.members["C1"][5]
    case_id = _issued_transfer(world, member, login("sec1"))
    lost = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    # the sending cell sees the case but the new letter is the department's to give
    assert "reissue_letter" not in page(login("sec1").get(f"/cases/{case_id}"))
    client = login("dept")
    url = f"/cases/{case_id}/do/reissue_letter"
    assert "Cấp lại giấy giới thiệu (đảng viên báo mất giấy)" in page(client.get(url))
    version = db.session.get(Case, case_id).version
    form = {"expected_version": str(version), "event_date": "10/09/2025", "note": ""}
    before = counts()
    refused = _post(client, url, {**form, "loss_report": ""})
    assert refused.status_code == 422 and counts() == before
    done = _post(client, url, {**form, "loss_report": "Đơn trình báo ngày 08/09/2025"})
    assert done.status_code == 302, page(done)[-2000:]
    db.session.rollback()
    new = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.id != lost.id)
    ).one()
    assert new.corrects_id == lost.id
    history = page(client.get(f"/people/{member}"))
    assert new.reference in history and f"thay {lost.reference}" in history
    # the lost letter is marked as no longer valid wherever it is listed
    case_page = page(client.get(f"/cases/{case_id}"))
    assert f"đã được thay thế bởi {new.reference}, không còn giá trị" in case_page
    document = page(client.get(f"/documents/{lost.id}"))
    assert f"Không còn giá trị: đã được thay thế bởi {new.reference}" in document
    assert "Không còn giá trị" not in page(client.get(f"/documents/{new.id}"))
    # the lost letter's public verification page says it has been replaced
    anonymous = app.test_client()
    verify = page(anonymous.get(f"/verify/{lost.verify_token}"))
    assert f"Đã được thay thế bởi văn bản {new.reference} ngày 10/09/2025" in verify
    current = page(anonymous.get(f"/verify/{new.verify_token}"))
    assert "Chưa có văn bản nào hủy bỏ hoặc thay thế" in current


def test_a_probation_moved_with_its_member_says_so_in_words_on_its_timeline(app, world, login):
    admission = world.new_candidate("C1")
    world.advance(admission, "admitted")
    probation = world.probation_of(admission)
    person_id = db.session.get(Case, probation).person_id
    day = db.session.get(Case, probation).last_event_on
    payload = {
        "event_date": day.isoformat(),
        "direction": "within",
        "destination_org": world.orgs["G2"],
        "reason": "job_move",
        "effective_on": day.isoformat(),
        "dues_paid_through": f"{day.month:02d}/{day.year}",
    }
    from workflow.engine import open_case
    from workflow.store.uow import unit_of_work

    with unit_of_work():
        case_id = open_case(
            "transfer",
            person=db.session.get(Person, person_id),
            actor=world.actor("sec1"),
            payload=payload,
        ).id
    world.fire(case_id, "record_grassroots_part", "gs1", day)
    world.fire(case_id, "issue_letter", "dept", day)
    world.fire(case_id, "confirm_arrival", "gs2", day, cell=world.orgs["C2"])
    timeline = page(login("sec2").get(f"/cases/{probation}"))
    assert "Chuyển theo đảng viên sang chi bộ mới" in timeline
    assert "<dt>Chi bộ mới</dt><dd>Chi bộ Phòng Kỹ thuật</dd>" in timeline
    assert f"<dt>Hồ sơ chuyển sinh hoạt</dt><dd>#{case_id}</dd>" in timeline
    assert "moved_with_member" not in timeline and "transfer_case" not in timeline


def test_a_temporary_member_is_on_the_host_page_as_temporary_and_stays_on_the_home_list(
    app, world, login
):
    from tests.transfers.test_transfers import temporary
    from workflow.clock import clock

    member = world.members["C1"][6]
    name = db.session.get(Person, member).full_name
    case_id = temporary(world, member, purpose="work")
    host = login("gs3")
    assert "Đảng viên sinh hoạt tạm thời" not in page(host.get(f"/orgs/{world.orgs['G3']}"))
    clock().set_today(date(2025, 9, 15))
    world.fire(case_id, "confirm_arrival", "gs3", date(2025, 9, 15))
    body = page(login("gs3").get(f"/orgs/{world.orgs['G3']}"))
    assert "Đảng viên sinh hoạt tạm thời (1)" in body
    assert name in body and "15/09/2025 – 31/03/2026" in body
    home = page(login("sec1").get(f"/orgs/{world.orgs['C1']}"))
    assert name in home
    # past the end of the stay the transfer page says so, and the case page names the date
    assert "Quá hạn trở về" not in page(login("sec1").get("/transfers/"))
    clock().set_today(date(2026, 4, 10))
    lists = page(login("sec1").get("/transfers/"))
    assert "Quá hạn trở về 10 ngày" in lists
    case_page = page(login("sec1").get(f"/cases/{case_id}"))
    assert "hạn 31/03/2026 –" in case_page and "0 ngày làm việc" not in case_page
    # the host sees no other member of the sending cell
    assert login("gs3").get(f"/orgs/{world.orgs['C1']}").status_code == 404

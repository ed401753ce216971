"""The admission pages as their users work with them: opening, acting, refusals, search."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import date

from states.text import name_sort_key, search_terms
from tests.web.helpers import (
    audit_rows,
    case_snapshot,
    counts,
    field_block,
    hidden_value,
    new_case_form,
    page,
    without_tokens,
)
from workflow.extensions import db
from workflow.models import Case, HelperAssignment

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _case_at(world, state: str, cell: str = "C1", **kwargs) -> int:
    case_id = world.new_candidate(cell, **kwargs)
    if state != "source_list":
        world.advance(case_id, state)
    db.session.rollback()
    return case_id


def _vote(version: int | str, **votes) -> dict[str, str]:
    data = {
        "event_date": "17/11/2025",
        "expected_version": str(version),
        "resolution_number": "05-NQ/CB",
        "official_total": "9",
        "yes": "9",
        "no": "0",
    }
    data.update({k: str(v) for k, v in votes.items()})
    return data


# --- (a) opening a case ----------------------------------------------------------------------


def test_new_case_form_opens_case_in_source_list_when_secretary_submits_it(world, login):
    client = login("sec1")
    form = client.get("/cases/open/admission")
    assert form.status_code == 200
    for name in ("full_name", "birth_date", "citizen_id", "cell_id", "event_date", "helper"):
        assert f'name="{name}"' in page(form)
    before = counts()
    nfd = unicodedata.normalize("NFD", "Phạm Thị Lan")
    assert nfd != "Phạm Thị Lan"

    response = client.post("/cases/open/admission", data=new_case_form(world, full_name=nfd))

    assert response.status_code == 302
    m = re.fullmatch(r"/cases/(\d+)", response.headers["Location"])
    assert m, response.headers["Location"]
    case_id = int(m.group(1))
    after = counts()
    assert after["membership_case"] == before["membership_case"] + 1
    assert after["person"] == before["person"] + 1
    case = db.session.get(Case, case_id)
    assert case.state == "source_list"
    assert case.cell_id == world.orgs["C1"]
    assert case.opened_on == date(2026, 6, 1)
    assert case.person.full_name == "Phạm Thị Lan"
    assert unicodedata.is_normalized("NFC", case.person.full_name)
    assert search_terms("pham thi lan").matches(case.person.search_key)
    assert case.person.sort_key == name_sort_key("Phạm Thị Lan")
    assert case.person.citizen_id.startswith("025300")
    assert case.person.phone == "0912345678"
    assert case.person.member_status == "non_member"
    rows = audit_rows(subject_type="case", subject_id=case_id)
    assert [(r.action, r.to_state) for r in rows] == [("open", "source_list")]
    helper = db.session.query(HelperAssignment).filter_by(person_id=case.person_id).one()
    assert helper.helper_id == world.members["C1"][0]
    assert helper.purpose == "source_list"
    shown = client.get(response.headers["Location"])
    assert "Đã đưa vào danh sách nguồn." in page(shown)
    assert "Phạm Thị Lan" in page(shown)


def test_new_case_form_is_refused_when_user_is_not_a_cell_secretary(world, login):
    client = login("gs1")
    before = counts()
    assert client.get("/cases/open/admission").status_code == 403
    assert client.post("/cases/open/admission", data=new_case_form(world)).status_code == 403
    assert counts() == before


# --- (b) the actions on a case page ----------------------------------------------------------


def test_case_page_offers_cell_resolution_when_case_awaits_cell_meeting(world, login):
    case_id = _case_at(world, "awaiting_cell_meeting")
    body = page(login("sec1").get(f"/cases/{case_id}"))
    assert "Chờ chi bộ xét" in body
    assert "Ghi nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)" in body
    assert f'href="/cases/{case_id}/do/record_cell_resolution"' in body
    assert f'href="/cases/{case_id}/do/withdraw"' in body


def test_case_page_shows_disabled_action_with_reason_when_verification_is_pending(world, login):
    case_id = _case_at(world, "under_verification")
    body = page(login("gs1").get(f"/cases/{case_id}"))
    assert "Kết luận thẩm tra, chứng nhận lý lịch" in body
    assert f'href="/cases/{case_id}/do/conclude_verification"' not in body
    disabled = re.search(
        r'<span class="button disabled"[^>]*>Kết luận thẩm tra, chứng nhận lý lịch</span>\s*'
        r'<ul class="reasons">(.*?)</ul>',
        body,
        re.S,
    )
    assert disabled, "the conclusion is not shown disabled with its reasons"
    assert "Còn 1/1 yêu cầu thẩm tra chưa có kết quả." in disabled.group(1)
    assert f'href="/cases/{case_id}/do/record_verification_answer"' in body


def test_case_page_hides_actions_of_other_roles_when_secretary_or_inspector_views_it(app, world):
    case_id = _case_at(world, "under_verification")
    secretary = app.test_client()
    secretary.post("/login", data={"username": "sec1", "password": world.password})
    body = page(secretary.get(f"/cases/{case_id}"))
    assert "Kết luận thẩm tra" not in body
    assert "/do/record_verification_answer" not in body
    assert f'href="/cases/{case_id}/do/withdraw"' in body
    inspector = app.test_client()
    inspector.post("/login", data={"username": "inspector", "password": world.password})
    response = inspector.get(f"/cases/{case_id}")
    assert response.status_code == 200
    assert "Bước tiếp theo không thuộc vai trò của bạn." in page(response)
    assert "/do/" not in page(response)
    assert inspector.get(f"/cases/{case_id}/do/withdraw").status_code == 403


# --- (c) an action form round trip ------------------------------------------------------------


def test_action_form_carries_version_and_moves_case_when_posted(world, login):
    case_id = _case_at(world, "source_list")
    state, version, _ = case_snapshot(case_id)
    client = login("sec1")
    form = client.get(f"/cases/{case_id}/do/enroll_awareness_class")
    assert form.status_code == 200
    body = page(form)
    assert re.search(r'<input[^>]*type="hidden"[^>]*name="expected_version"', body) or re.search(
        r'<input[^>]*name="expected_version"[^>]*type="hidden"', body
    )
    assert hidden_value(body, "expected_version") == str(version)
    assert hidden_value(body, "event_date") == "15/06/2026"

    response = client.post(
        f"/cases/{case_id}/do/enroll_awareness_class",
        data={
            "expected_version": hidden_value(body, "expected_version"),
            "event_date": "08/09/2025",
            "class_name": "Lớp nhận thức khóa 3/2025",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case_id}"
    new_state, new_version, last = case_snapshot(case_id)
    assert (state, new_state) == ("source_list", "in_awareness_class")
    assert new_version == version + 1
    assert last == date(2025, 9, 8)
    shown = page(client.get(f"/cases/{case_id}"))
    assert (
        "Đã ghi: Cử đi học lớp bồi dưỡng nhận thức về Đảng. "
        "Trạng thái hồ sơ: Đang học lớp nhận thức về Đảng." in shown
    )
    assert "Lớp nhận thức khóa 3/2025" in shown
    assert audit_rows(subject_type="case", subject_id=case_id)[-1].action == (
        "enroll_awareness_class"
    )


def test_action_url_is_refused_when_trigger_is_unknown_or_no_longer_possible(world, login):
    case_id = _case_at(world, "in_awareness_class")
    client = login("sec1")
    assert client.get(f"/cases/{case_id}/do/delete_everything").status_code == 404
    response = client.get(f"/cases/{case_id}/do/enroll_awareness_class")
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    assert "Thao tác này không còn thực hiện được ở trạng thái hiện tại của hồ sơ." in shown


# --- (d)(e) votes -----------------------------------------------------------------------------


def test_cell_resolution_is_refused_next_to_yes_field_when_votes_below_two_thirds(world, login):
    case_id = _case_at(world, "awaiting_cell_meeting")
    state, version, _ = case_snapshot(case_id)
    client = login("sec1")
    before = counts()
    response = client.post(
        f"/cases/{case_id}/do/record_cell_resolution", data=_vote(version, yes=5, no=4)
    )
    assert response.status_code == 422
    block = field_block(page(response), "yes")
    assert "chưa đạt 2/3" in block
    assert "cần ít nhất 6" in block
    assert "chưa đạt 2/3" not in field_block(page(response), "no")
    assert counts() == before
    assert case_snapshot(case_id)[:2] == (state, version)


def test_cell_resolution_is_refused_when_yes_votes_exceed_members(world, login):
    case_id = _case_at(world, "awaiting_cell_meeting")
    snap = case_snapshot(case_id)
    client = login("sec1")
    before = counts()
    response = client.post(
        f"/cases/{case_id}/do/record_cell_resolution", data=_vote(snap[1], yes=10, no=0)
    )
    assert response.status_code == 422
    assert "vượt quá" in field_block(page(response), "yes")
    assert counts() == before
    assert case_snapshot(case_id) == snap


def test_cell_resolution_is_refused_when_a_count_is_negative(world, login, subtests):
    case_id = _case_at(world, "awaiting_cell_meeting")
    snap = case_snapshot(case_id)
    client = login("sec1")
    before = counts()
    for field in ("yes", "no", "official_total", "invalid"):
        with subtests.test(msg=field):
            response = client.post(
                f"/cases/{case_id}/do/record_cell_resolution", data=_vote(snap[1], **{field: -1})
            )
            assert response.status_code == 422
            assert "Không được nhỏ hơn" in field_block(page(response), field)
            assert counts() == before
            assert case_snapshot(case_id) == snap


def test_cell_resolution_is_recorded_when_votes_reach_two_thirds(world, login):
    case_id = _case_at(world, "awaiting_cell_meeting")
    _, version, _ = case_snapshot(case_id)
    client = login("sec1")
    before = counts()
    response = client.post(
        f"/cases/{case_id}/do/record_cell_resolution", data=_vote(version, yes=6, no=3)
    )
    assert response.status_code == 302
    assert case_snapshot(case_id)[:2] == ("cell_resolved", version + 1)
    assert counts()["vote"] == before["vote"] + 1


# --- (f) a stale form -------------------------------------------------------------------------


def test_stale_form_is_refused_with_409_when_case_changed_after_loading(world, login):
    case_id = _case_at(world, "awaiting_cell_meeting")
    client = login("sec1")
    form = page(client.get(f"/cases/{case_id}/do/record_cell_resolution"))
    loaded = hidden_value(form, "expected_version")
    db.session.rollback()
    world.fire(case_id, "record_document", "gs1", document="opinions", note="Bổ sung ý kiến")
    snap = case_snapshot(case_id)
    assert snap[1] == int(loaded) + 1
    before = counts()

    response = client.post(
        f"/cases/{case_id}/do/record_cell_resolution", data=_vote(loaded, yes=9, no=0)
    )

    assert response.status_code == 409
    body = page(response)
    assert "vừa được người khác cập nhật" in body
    assert f'href="/cases/{case_id}"' in body
    assert counts() == before
    assert case_snapshot(case_id) == snap


# --- (g)(h) other people's cases and other roles' steps ----------------------------------------


def test_case_outside_scope_is_not_found_when_another_organization_asks(app, world, subtests):
    case_id = _case_at(world, "source_list")
    person_id = db.session.get(Case, case_id).person_id
    snap = case_snapshot(case_id)
    for username in ("sec1b", "gs2", "sec3", "gs3s"):
        with subtests.test(msg=username):
            client = app.test_client()
            client.post("/login", data={"username": username, "password": world.password})
            before = counts()
            assert client.get(f"/cases/{case_id}").status_code == 404
            assert client.get(f"/people/{person_id}").status_code == 404
            assert client.get(f"/cases/{case_id}/do/enroll_awareness_class").status_code == 404
            response = client.post(
                f"/cases/{case_id}/do/enroll_awareness_class",
                data={
                    "expected_version": str(snap[1]),
                    "event_date": "08/09/2025",
                    "class_name": "Lớp nhận thức",
                },
            )
            assert response.status_code == 404
            assert "Nguyễn Thị Hằng" not in page(response)
            assert "Nguyễn Thị Hằng" not in page(client.get("/cases/?status=all"))
            assert "Nguyễn Thị Hằng" not in page(client.get("/people/?q=hang"))
            assert counts() == before
            assert case_snapshot(case_id) == snap
            # a foreign case looks exactly like a missing one
            assert without_tokens(page(client.get(f"/cases/{case_id}"))) == without_tokens(
                page(client.get("/cases/987654"))
            )


def test_action_form_is_forbidden_when_user_lacks_the_role_for_the_trigger(world, login):
    case_id = _case_at(world, "preparing_dossier")
    snap = case_snapshot(case_id)
    client = login("sec1")
    before = counts()
    assert client.get(f"/cases/{case_id}").status_code == 200
    assert client.get(f"/cases/{case_id}/do/start_verification").status_code == 403
    response = client.post(
        f"/cases/{case_id}/do/start_verification",
        data={
            "expected_version": str(snap[1]),
            "event_date": "13/10/2025",
            "requests-0-subject": "Bản thân",
            "requests-0-addressee": "Đảng ủy phường Tiên Cát",
        },
    )
    assert response.status_code == 403
    assert "Không có quyền truy cập" in page(response)
    assert counts() == before
    assert case_snapshot(case_id) == snap


# --- (i) markup in text fields -----------------------------------------------------------------


def test_script_in_note_is_shown_escaped_when_case_is_opened_with_it(world, login):
    client = login("sec1")
    response = client.post("/cases/open/admission", data=new_case_form(world, note=SCRIPT))
    assert response.status_code == 302
    body = page(client.get(response.headers["Location"]))
    assert ESCAPED in body
    assert SCRIPT not in body
    assert "<script" not in body


def test_script_in_reason_and_note_is_shown_escaped_when_case_page_is_opened(world, login):
    case_id = _case_at(world, "preparing_dossier")
    client = login("sec1")
    version = case_snapshot(case_id)[1]
    recorded = client.post(
        f"/cases/{case_id}/do/record_document",
        data={
            "expected_version": str(version),
            "event_date": "01/10/2025",
            "document": "opinions",
            "note": SCRIPT,
        },
    )
    assert recorded.status_code == 302
    withdrawn = client.post(
        f"/cases/{case_id}/do/withdraw",
        data={"expected_version": str(version + 1), "event_date": "02/10/2025", "reason": SCRIPT},
    )
    assert withdrawn.status_code == 302
    assert case_snapshot(case_id)[0] == "withdrawn"
    body = page(client.get(f"/cases/{case_id}"))
    assert body.count(ESCAPED) >= 3  # checklist note, and both timeline entries
    assert "<script" not in body


# --- (j) search --------------------------------------------------------------------------------


def test_case_search_ignores_diacritics_and_case_when_query_is_typed(world, login, subtests):
    _case_at(world, "source_list", name="Nguyễn Thị Hằng")
    _case_at(world, "source_list", name="Trần Văn Bảo")
    client = login("sec1")
    for query in ("nguyen thi hang", "NGUYEN THI HANG", "Nguyễn Thị Hằng", "  hằng  ", "nguyen"):
        for q in (query, unicodedata.normalize("NFD", query)):
            with subtests.test(msg=repr(q)):
                response = client.get("/cases/", query_string={"q": q})
                body = page(response)
                assert "Nguyễn Thị Hằng" in body
                assert "Trần Văn Bảo" not in body
                assert "1 hồ sơ" in body
    plus = page(client.get("/cases/?q=nguyen+thi+hang"))
    assert "Nguyễn Thị Hằng" in plus


def test_case_search_finds_nothing_when_name_does_not_match_or_query_is_a_wildcard(world, login):
    _case_at(world, "source_list")
    client = login("sec1")
    # "%ang" and "_ang" would find "hang" as LIKE patterns; as words, nothing starts with "ang"
    for q in ("le van tam", "%", "_", "%%", "%ang", "_ang", "' OR 1=1 --"):
        body = page(client.get("/cases/", query_string={"q": q}))
        assert "Không có hồ sơ phù hợp." in body, q
        assert "Nguyễn Thị Hằng" not in body, q


def test_people_search_finds_both_tone_mark_placements_when_query_is_hoa(world, login, subtests):
    _case_at(world, "source_list", name="Trần Thị Hòa")
    _case_at(world, "source_list", name="Lê Văn Hoà")
    _case_at(world, "source_list", name="Đỗ Thị Mai")
    client = login("sec1")
    for query in ("hoa", "HOA", "Hòa", "Hoà", unicodedata.normalize("NFD", "Hòa")):
        with subtests.test(msg=repr(query)):
            body = page(client.get("/people/", query_string={"q": query}))
            assert "Trần Thị Hòa" in body
            assert "Lê Văn Hoà" in body
            assert "Đỗ Thị Mai" not in body


# --- (k) pagination -----------------------------------------------------------------------------


def _listed(body: str) -> set[int]:
    return {int(x) for x in re.findall(r'href="/cases/(\d+)"', body)}


def _link(body: str, label: str) -> str | None:
    found = re.search(r'<a href="([^"]+)">' + re.escape(label), body)
    return html.unescape(found.group(1)) if found else None


def test_case_list_pages_by_the_last_row_seen_and_back(world, login):
    ids = {world.new_candidate("C1") for _ in range(27)}
    client = login("sec1")
    first = page(client.get("/cases/?status=open"))
    assert "27 hồ sơ" in first
    assert len(_listed(first)) == 25
    assert _link(first, "‹ Trước") is None and _link(first, "« Trang đầu") is None
    nxt = _link(first, "Sau ›")
    assert nxt is not None and "status=open" in nxt and "after=" in nxt
    second = page(client.get(nxt))
    assert len(_listed(second)) == 2
    assert _listed(first) | _listed(second) == ids
    assert _link(second, "Sau ›") is None
    back = page(client.get(_link(second, "‹ Trước")))
    assert _listed(back) == _listed(first) and _link(back, "‹ Trước") is None
    # a new case while paging does not shift the next page: it starts after the row seen
    newest = world.new_candidate("C1")
    assert _listed(page(client.get(nxt))) == _listed(second)
    assert newest in _listed(page(client.get("/cases/")))
    # a link cut short or made up shows the first page, never an error
    for junk in ("abc", "W10", "WyIyMDI1LTAxLTAxIiwiYSJd", "9" * 500, "%00"):
        response = client.get(f"/cases/?after={junk}")
        assert response.status_code == 200
        assert len(_listed(page(response))) == 25


def test_a_long_list_counts_up_to_a_cap_and_says_more(world, login, monkeypatch):
    from workflow import paging

    for _ in range(4):
        world.new_candidate("C1")
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    body = page(login("sec1").get("/cases/"))
    assert "Hơn 3 hồ sơ" in body


def test_state_filter_chooses_a_state_within_its_procedure(world, login):
    from tests.transfers.test_transfers import official

    admission = world.new_candidate("C1")
    world.fire(admission, "withdraw", "sec1", reason="Chuyển công tác.")
    transfer = official(world, world.members["C1"][2])
    world.fire(transfer, "withdraw", "sec1", reason="Không chuyển nữa.")
    client = login("sec1")
    listing = page(client.get("/cases/?status=all&state=transfer:withdrawn"))
    assert f"/cases/{transfer}" in listing and f'/cases/{admission}"' not in listing
    assert 'value="transfer:withdrawn" selected' in listing
    both = page(client.get("/cases/?status=all&state=withdrawn"))  # a link with the state only
    assert f"/cases/{transfer}" in both and f"/cases/{admission}" in both


def test_an_optional_field_whose_label_says_when_it_applies_is_not_marked_twice(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "preparing_dossier")
    form = page(login("sec1").get(f"/cases/{case_id}/do/record_sponsors"))
    assert "Số nghị quyết của Đoàn/Công đoàn (nếu có)</label>" in form
    assert "(nếu có) (không bắt buộc)" not in form

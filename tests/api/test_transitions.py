"""Opening cases and firing transitions through the API: the engine's answers as HTTP codes,
and one admission taken from the source list to admitted by API calls alone."""

from __future__ import annotations

from datetime import date, timedelta

from tests.builders import STANDING_VOTE, person_data
from tests.web.helpers import audit_rows, case_snapshot
from workflow.api.params import nesting_depth
from workflow.extensions import db
from workflow.models import User

ENROLL = {"event_date": "2025-09-05", "class_name": "Lớp nhận thức khóa 3/2025"}


def test_fire_moves_the_case_and_writes_one_audit_row(api, world):
    case_id = world.new_candidate("C1")
    response = api("sec1").post(
        f"/cases/{case_id}/transitions/enroll_awareness_class", {"version": 1, "data": ENROLL}
    )
    assert response.status_code == 200
    body = response.json
    assert (body["from_state"], body["to_state"], body["case"]["version"]) == (
        "source_list",
        "in_awareness_class",
        2,
    )
    [row] = audit_rows(action="enroll_awareness_class")
    assert row.seq == body["audit_seq"] and row.actor_id == world.users["sec1"]
    assert case_snapshot(case_id)[:2] == ("in_awareness_class", 2)


def test_stale_version_is_409_and_changes_nothing(api, world):
    case_id = world.new_candidate("C1")
    world.fire(case_id, "enroll_awareness_class", "sec1", class_name="Lớp 1")
    before = case_snapshot(case_id)
    response = api("sec1").post(
        f"/cases/{case_id}/transitions/withdraw", {"version": 1, "data": {"reason": "Rút."}}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "stale_version"
    assert case_snapshot(case_id) == before


def test_trigger_that_does_not_fit_the_state_is_409_and_unknown_trigger_404(api, world):
    case_id = world.new_candidate("C1")
    sec1 = api("sec1")
    late = sec1.post(f"/cases/{case_id}/transitions/hold_ceremony", {"version": 1})
    assert late.status_code == 409
    assert late.json["error"]["code"] == "transition_not_allowed"
    unknown = sec1.post(f"/cases/{case_id}/transitions/fly_away", {"version": 1})
    assert unknown.status_code == 404
    assert unknown.json["error"]["code"] == "unknown_transition"


def test_invalid_input_is_422_with_vietnamese_messages_per_field(api, world):
    case_id = world.new_candidate("C1")
    response = api("sec1").post(
        f"/cases/{case_id}/transitions/enroll_awareness_class",
        {"version": 1, "data": {"event_date": "31/02/2025", "class_name": ["not", "text"]}},
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_input"
    assert error["fields"] == {
        "event_date": "Ngày không tồn tại trong lịch.",
        "class_name": "Phải là văn bản.",
    }
    assert case_snapshot(case_id)[:2] == ("source_list", 1)
    for body, field in (({"data": ENROLL}, "version"), ({"version": True}, "version")):
        missing = api("sec1").post(f"/cases/{case_id}/transitions/enroll_awareness_class", body)
        assert missing.status_code == 422
        assert list(missing.json["error"]["fields"]) == [field]


def test_guard_failure_is_422_with_the_reasons(api, world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "under_verification")
    version = case_snapshot(case_id)[1]
    response = api("gs1").post(
        f"/cases/{case_id}/transitions/conclude_verification",
        {"version": version, "data": {"event_date": "2026-01-05", "conclusion": "Rõ ràng."}},
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "guard_failed"
    assert error["reasons"] == ["Còn 1/1 yêu cầu thẩm tra chưa có kết quả."]
    assert case_snapshot(case_id)[:2] == ("under_verification", version)


def test_step_of_another_role_is_403(api, world):
    case_id = world.new_candidate("C1")
    response = api("dept").post(
        f"/cases/{case_id}/transitions/enroll_awareness_class", {"version": 1, "data": ENROLL}
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "permission_denied"
    assert case_snapshot(case_id)[:2] == ("source_list", 1)


def test_signing_needs_the_password_and_wrong_ones_count_towards_the_lockout(api, world, app):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    version = case_snapshot(case_id)[1]
    signer = api("signer")
    path = f"/cases/{case_id}/transitions/approve_admission"
    data = {"event_date": "2026-02-02", **STANDING_VOTE}
    actions = {a["trigger"]: a for a in signer.get(f"/cases/{case_id}").json["actions"]}
    assert actions["approve_admission"]["requires_password"] is True
    for password in (None, "", "sai-mat-khau"):
        body = {"version": version, "data": data}
        if password is not None:
            body["password"] = password
        refused = signer.post(path, body)
        assert refused.status_code == 422
        assert refused.json["error"]["code"] == "reauth_failed"
        assert "password" in refused.json["error"]["fields"]
    assert case_snapshot(case_id)[:2] == ("department_appraised", version)
    assert len(audit_rows(action="reauth_failed")) == 3
    db.session.rollback()
    assert db.session.get(User, world.users["signer"]).failed_logins == 3
    signed = signer.post(path, {"version": version, "data": data, "password": world.password})
    assert signed.status_code == 200
    assert signed.json["to_state"] == "admission_decided"
    db.session.rollback()
    assert db.session.get(User, world.users["signer"]).failed_logins == 0


def test_open_case_validates_like_the_web_form(api, world):
    sec1 = api("sec1")
    response = sec1.post(
        "/cases",
        {
            "procedure": "admission",
            "cell": world.orgs["C2"],  # not the secretary's cell
            "person": {"full_name": "x", "birth_date": "2030-01-01", "sex": 1},
            "data": {"event_date": "hôm qua"},
        },
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"person.sex": "Phải là văn bản."}
    response = sec1.post(
        "/cases",
        {
            "procedure": "admission",
            "cell": world.orgs["C2"],
            "person": {"full_name": "Nguyễn Văn Nam", "birth_date": "2030-01-01", "sex": "male"},
            "data": {"event_date": "hôm qua"},
        },
    )
    fields = response.json["error"]["fields"]
    assert {"cell", "person.birth_date", "person.citizen_id", "data.event_date"} <= set(fields)
    assert (
        api("gs1").post("/cases", {"procedure": "admission", "cell": world.orgs["C1"]}).status_code
        == 403
    )


def test_admission_from_source_list_to_admitted_through_the_api_alone(api, world):
    sec1 = api("sec1")
    opened = sec1.post(
        "/cases",
        {
            "procedure": "admission",
            "cell": world.orgs["C1"],
            "person": person_data("Phạm Thị Thu", date(2001, 4, 2)),
            "data": {"event_date": "2025-09-01"},
        },
    )
    assert opened.status_code == 201
    case_id = opened.json["id"]
    assert opened.headers["Location"].endswith(f"/api/v1/cases/{case_id}")
    assert opened.json["state"] == "source_list"

    members = sec1.get(
        "/people", query_string={"cell": world.orgs["C1"], "member_status": "official"}
    ).json["items"]
    days = iter(date(2025, 9, 8) + timedelta(days=7 * i) for i in range(20))

    def step(username: str, trigger: str, **data):
        """Read the case as ``username``, then fire ``trigger`` at the version read."""
        client = api(username)
        case = client.get(f"/cases/{case_id}").json
        action = next(a for a in case["actions"] if a["trigger"] == trigger)
        assert action["allowed"], (trigger, action["reasons"])
        body = {"version": case["version"], "data": {"event_date": next(days).isoformat(), **data}}
        if action["requires_password"]:  # signing: the password again, as on the web form
            body["password"] = world.password
        response = client.post(f"/cases/{case_id}/transitions/{trigger}", body)
        assert response.status_code == 200, response.json
        return response.json["case"]

    step("sec1", "enroll_awareness_class", class_name="Lớp 3/2025")
    step(
        "sec1",
        "record_certificate",
        certificate_number="125-CN/ĐUK",
        issuer="Ban Thường vụ Đảng ủy Khối",
    )
    step("sec1", "submit_application")
    step(
        "sec1",
        "record_sponsors",
        route="two_members",
        sponsors=[
            {"member": members[0]["id"], "together_since": "2023-01-01"},
            {"member": members[1]["id"], "together_since": "2023-06-01"},
        ],
    )
    step("sec1", "record_document", document="opinions")
    step(
        "gs1",
        "start_verification",
        requests=[{"subject": "Bản thân", "addressee": "Đảng ủy phường Tiên Cát"}],
    )
    actions = api("gs1").get(f"/cases/{case_id}").json["actions"]
    answer = next(a for a in actions if a["trigger"] == "record_verification_answer")
    request_id = int(
        next(f for f in answer["fields"] if f["name"] == "request")["choices"][0]["value"]
    )
    step(
        "gs1",
        "record_verification_answer",
        request=request_id,
        result="clear",
    )
    step("gs1", "conclude_verification", conclusion="Lý lịch rõ ràng.")
    step("sec1", "record_cell_resolution", official_total=9, yes=9, no=0)
    step(
        "gs1",
        "record_grassroots_resolution",
        official_total=9,
        yes=8,
        no=1,
    )
    step("dept", "appraise_by_department", opinion="Đề nghị kết nạp.")
    step("signer", "approve_admission", **STANDING_VOTE)
    step("sec1", "receive_decision")
    final = step("sec1", "hold_ceremony", helpers=[{"member": members[2]["id"]}])
    assert final["state"] == "admitted"
    assert final["state_label"]
    assert final["closed_at"] is not None

    trail = sec1.get(f"/cases/{case_id}/audit").json["items"]
    assert trail[0]["action"] == "open" and trail[-1]["to_state"] == "admitted"
    assert len(trail) == 15
    person = sec1.get(f"/people/{opened.json['person']['id']}").json
    assert person["member_status"] == "probationary"
    probation = sec1.get("/cases", query_string={"procedure": "probation"}).json["items"]
    assert [c["person"]["id"] for c in probation] == [person["id"]]


def test_a_body_nested_too_deep_is_400_and_changes_nothing(api, world, app):
    case_id = world.new_candidate("C1")
    before = case_snapshot(case_id)
    sec1 = api("sec1")
    path = f"/api/v1/cases/{case_id}/transitions/enroll_awareness_class"
    for depth in (app.config["API_JSON_MAX_DEPTH"] + 1, 100_000):
        deep = '{"version": 1, "data": {"class_name": ' + "[" * depth + "]" * depth + "}}"
        response = sec1.client.post(
            path, data=deep, content_type="application/json", headers=sec1.headers
        )
        assert response.status_code == 400
        assert response.json["error"]["code"] == "too_deep"
        assert "lồng nhau" in response.json["error"]["message"]
    assert case_snapshot(case_id) == before
    # brackets inside a string are text, not nesting
    text = "Lớp " + "[" * 40
    fine = sec1.post(
        path.removeprefix("/api/v1"), {"version": 1, "data": {**ENROLL, "class_name": text}}
    )
    assert fine.status_code == 200, fine.json


def test_nesting_depth_counts_arrays_and_objects_and_stops_past_the_limit():
    assert nesting_depth({"a": [1, {"b": []}]}, 10) == 4
    assert nesting_depth({"a": "[[[{{{"}, 10) == 1
    assert nesting_depth("x", 10) == 0
    assert nesting_depth([[[[[[[[]]]]]]]], 3) == 4

"""Reads are scoped like the web pages: out of scope is 404, filters and paging, error format."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import PREFIX
from tests.web.helpers import audit_rows
from workflow.extensions import db
from workflow.models import Person


@pytest.fixture
def cases(world):
    """One admission case in cell C1 (grassroots G1) and one in C2 (grassroots G2)."""
    return {"C1": world.new_candidate("C1"), "C2": world.new_candidate("C2", name="Lê Văn Tư")}


def test_out_of_scope_ids_are_404_for_every_kind_of_resource(api, world, cases):
    sec1 = api("sec1")
    other_person = world.members["C2"][0]
    other_case = cases["C2"]
    for method, path in (
        ("GET", f"/people/{other_person}"),
        ("GET", f"/cases/{other_case}"),
        ("GET", f"/cases/{other_case}/audit"),
        ("GET", f"/organizations/{world.orgs['C2']}"),
        ("GET", f"/organizations/{world.orgs['G1']}"),  # above the secretary's own cell
        ("POST", f"/cases/{other_case}/transitions/enroll_awareness_class"),
    ):
        body = {"version": 1, "data": {"event_date": "2025-09-05", "class_name": "Lớp"}}
        response = sec1.post(path, body) if method == "POST" else sec1.get(path)
        assert response.status_code == 404, path
        assert response.json == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    # the same ids are there for someone whose scope covers them
    sec2 = api("sec2")
    assert sec2.get(f"/cases/{other_case}").status_code == 200
    assert sec2.get(f"/people/{other_person}").status_code == 200
    assert sec2.get(f"/organizations/{world.orgs['C2']}").status_code == 200


@pytest.mark.parametrize(
    "number", ["0", "2147483648", "9223372036854775808", "99999999999999999999"]
)
def test_ids_out_of_range_are_404_not_500(api, world, number):
    dept = api("dept")
    for path in (
        f"/people/{number}",
        f"/cases/{number}",
        f"/cases/{number}/audit",
        f"/organizations/{number}",
    ):
        response = dept.get(path)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
    fired = dept.post(f"/cases/{number}/transitions/withdraw", {"version": 1})
    assert fired.status_code == 404


def test_lists_hold_only_what_the_caller_may_see(api, world, cases):
    sec1 = api("sec1")
    listed = sec1.get("/cases").json
    assert [c["id"] for c in listed["items"]] == [cases["C1"]]
    people = sec1.get("/people", query_string={"per_page": 100}).json
    cells = {p["cell"]["id"] for p in people["items"]}
    assert cells == {world.orgs["C1"]}
    assert people["total"] == len(world.members["C1"]) + 1  # members and the candidate
    orgs = sec1.get("/organizations").json["items"]
    assert [o["id"] for o in orgs] == [world.orgs["C1"]]
    dept = api("dept")
    assert {c["id"] for c in dept.get("/cases").json["items"]} == set(cases.values())
    assert len(dept.get("/organizations").json["items"]) == len(world.orgs)


def test_people_filters_paging_and_masked_citizen_id(api, world, cases):
    dept = api("dept")
    first = dept.get("/people", query_string={"member_status": "official", "per_page": 4}).json
    assert (first["page"], first["per_page"], first["total"]) == (1, 4, 5 * 9)
    assert len(first["items"]) == 4
    assert all(p["member_status"] == "official" for p in first["items"])
    second = dept.get(
        "/people", query_string={"member_status": "official", "per_page": 4, "page": 2}
    )
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second.json["items"]}
    in_cell = dept.get("/people", query_string={"cell": world.orgs["C2"], "per_page": 100}).json
    assert {p["cell"]["id"] for p in in_cell["items"]} == {world.orgs["C2"]}
    found = dept.get("/people", query_string={"q": "nguyen thi hang"}).json["items"]
    assert [p["full_name"] for p in found] == ["Nguyễn Thị Hằng"]
    person = dept.get(f"/people/{found[0]['id']}").json
    stored = db.session.get(Person, found[0]["id"]).citizen_id
    assert person["citizen_id"] == stored[:4] + "******" + stored[-2:]
    assert stored not in str(person)


def test_lists_read_on_with_the_next_cursor_and_say_when_the_total_is_capped(
    api, world, cases, monkeypatch
):
    from workflow.api import params

    dept = api("dept")
    query = {"member_status": "official", "per_page": 7}
    seen, after, pages = [], None, 0
    while True:
        body = dept.get("/people", query_string={**query, **({"after": after} if after else {})})
        assert body.status_code == 200
        body = body.json
        assert body["total"] == 45 and body["total_capped"] is False
        assert body["page"] == (None if after else 1)
        seen += [p["id"] for p in body["items"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
    assert pages == 7 and len(seen) == len(set(seen)) == 45
    # the same order as the page numbers give
    numbered = []
    for page in range(1, 8):
        numbered += [
            p["id"] for p in dept.get("/people", query_string={**query, "page": page}).json["items"]
        ]
    assert numbered == seen
    # a tampered cursor, or a cursor with a page number, is refused
    bad = dept.get("/people", query_string={"after": "nonsense!"})
    assert bad.status_code == 422 and "after" in bad.json["error"]["fields"]
    first = dept.get("/people", query_string=query).json
    both = dept.get("/people", query_string={"after": first["next"], "page": 2})
    assert both.status_code == 422 and "page" in both.json["error"]["fields"]
    # past the cap: the total says "more than", and page numbers stop at the cap
    monkeypatch.setattr(params, "COUNT_CAP", 10)
    monkeypatch.setattr("workflow.paging.COUNT_CAP", 10)
    capped = dept.get("/people", query_string=query).json
    assert (capped["total"], capped["total_capped"]) == (10, True)
    deep = dept.get("/people", query_string={**query, "page": 3})
    assert deep.status_code == 422 and "after" in deep.json["error"]["fields"]["page"]
    cases_page = dept.get("/cases", query_string={"per_page": 1}).json
    assert cases_page["next"] and len(cases_page["items"]) == 1
    rest = dept.get("/cases", query_string={"per_page": 1, "after": cases_page["next"]}).json
    assert rest["items"] and rest["items"][0]["id"] != cases_page["items"][0]["id"]


def test_case_filters(api, world, cases):
    dept = api("dept")
    world.fire(cases["C2"], "withdraw", "sec2", reason="Xin rút.")
    assert [c["id"] for c in dept.get("/cases?status=open").json["items"]] == [cases["C1"]]
    assert [c["id"] for c in dept.get("/cases?status=closed").json["items"]] == [cases["C2"]]
    by_org = dept.get("/cases", query_string={"org": world.orgs["G2"]}).json["items"]
    assert [c["id"] for c in by_org] == [cases["C2"]]
    by_state = dept.get("/cases?procedure=admission&state=source_list").json["items"]
    assert [c["id"] for c in by_state] == [cases["C1"]]
    assert dept.get("/cases?procedure=transfer&state=source_list").status_code == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("status=maybe", "status"),
        ("procedure=nope", "procedure"),
        ("org=2147483648", "org"),
    ],
)
def test_bad_query_values_are_422_with_the_field_named(api, world, query, field):
    response = api("dept").get(f"/cases?{query}")
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_input"
    assert list(error["fields"]) == [field]


def test_filter_on_an_organization_out_of_scope_is_refused(api, world):
    response = api("sec1").get(f"/people?cell={world.orgs['C2']}")
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"cell": "Không tìm thấy tổ chức này."}


def test_case_page_shows_state_label_version_actions_and_reasons(api, world, cases):
    body = api("sec1").get(f"/cases/{cases['C1']}").json
    assert (body["state"], body["state_label"], body["version"]) == (
        "source_list",
        "Trong danh sách nguồn",
        1,
    )
    enroll = next(a for a in body["actions"] if a["trigger"] == "enroll_awareness_class")
    assert enroll["allowed"] and enroll["reasons"] == []
    # the class is chosen from the list of classes (none open here), or one held elsewhere is
    # named; neither field is required on its own (the step's guard asks for one of them)
    assert [f["name"] for f in enroll["fields"]] == ["event_date", "training_class", "class_name"]
    assert enroll["fields"][1]["type"] == "ref"
    assert enroll["fields"][1]["choices"] == []
    assert enroll["fields"][2] == {
        "name": "class_name",
        "label": "Hoặc: lớp do cơ quan khác tổ chức (tên lớp, khóa học, nếu có)",
        "type": "line",
        "required": False,
        "choices": [],
        "help": "Chỉ ghi khi người vào Đảng học lớp của trung tâm chính trị hoặc cơ quan khác, "
        "không có trong danh sách lớp.",
        "max_length": 200,
    }
    # verification cannot be concluded while a request is unanswered: the reason says so,
    # and the answer's form offers that request
    world.advance(cases["C1"], "under_verification")
    actions = {a["trigger"]: a for a in api("gs1").get(f"/cases/{cases['C1']}").json["actions"]}
    conclude = actions["conclude_verification"]
    assert not conclude["allowed"]
    assert conclude["reasons"] == ["Còn 1/1 yêu cầu thẩm tra chưa có kết quả."]
    answer = {f["name"]: f for f in actions["record_verification_answer"]["fields"]}
    [request] = answer["request"]["choices"]
    assert request["value"].isdigit() and "Bản thân" in request["label"]


def test_audit_trail_lists_the_case_rows_only(api, world, cases):
    world.fire(cases["C1"], "enroll_awareness_class", "sec1", class_name="Lớp 1")
    rows = api("sec1").get(f"/cases/{cases['C1']}/audit").json["items"]
    assert [(r["action"], r["from_state"], r["to_state"]) for r in rows] == [
        ("open", None, "source_list"),
        ("enroll_awareness_class", "source_list", "in_awareness_class"),
    ]
    assert rows[1]["payload"]["class_name"] == "Lớp 1"
    assert rows[1]["actor_name"] == "Ngô Văn Một"
    assert "row_hash" not in rows[1]


def test_roles_without_case_access_are_403_and_recorded(api, world):
    admin = api("admin")
    response = admin.get("/cases")
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert admin.get("/organizations").status_code == 200  # administrators see the tree
    assert api("auditor").get("/people").status_code == 403
    refused = audit_rows(action="access.refused")
    assert [r.actor_id for r in refused] == [world.users["admin"], world.users["auditor"]]


def test_an_object_outside_the_callers_scope_is_404_and_recorded(api, world):
    case_id = world.new_candidate("C1")
    response = api("sec2").get(f"/cases/{case_id}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    [row] = audit_rows(action="access.refused")
    assert row.actor_id == world.users["sec2"]
    assert json.loads(row.payload)["reason"] == "not_found"
    assert json.loads(row.payload)["via"] == "api"


def test_errors_are_json_for_unknown_paths_methods_and_bodies(api, world, app, cases):
    dept = api("dept")
    unknown = dept.get("/no/such/thing")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    assert unknown.content_type == "application/json"
    method = dept.client.delete(PREFIX + "/cases", headers=dept.headers)
    assert method.status_code == 405
    assert method.json["error"]["code"] == "method_not_allowed"
    assert "GET" in method.headers["Allow"]
    path = f"{PREFIX}/cases/{cases['C1']}/transitions/withdraw"
    not_json = dept.client.post(path, data="version=1", headers=dept.headers)
    assert not_json.status_code == 415
    assert not_json.json["error"]["code"] == "unsupported_media_type"
    broken = dept.client.post(
        path, data="{", headers={**dept.headers, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json["error"]["code"] == "bad_request"
    huge = dept.post(f"/cases/{cases['C1']}/transitions/withdraw", {"pad": "x" * 300_000})
    assert huge.status_code == 413 and huge.json["error"]["code"] == "payload_too_large"
    not_object = dept.post(f"/cases/{cases['C1']}/transitions/withdraw", [1, 2])
    assert not_object.status_code == 422


def test_unexpected_failure_is_500_with_an_incident_id_and_no_trace(api, world, cases, monkeypatch):
    from workflow.api import serialize

    def broken(_case):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(serialize, "case", broken)
    response = api("dept").get(f"/cases/{cases['C1']}")
    assert response.status_code == 500
    error = response.json["error"]
    assert error["code"] == "internal_error"
    assert len(error["incident"]) == 8
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)

"""Names through the API: the same search as the pages, and the warning on a name without
diacritics when a person is created."""

from __future__ import annotations

from datetime import date

from tests.builders import person_data
from workflow.extensions import db
from workflow.models import Case


def test_people_and_cases_are_searched_by_the_words_of_the_name(api, world):
    for name in ("Trần Thị Hòa", "Lê Văn Hoà", "Phạm Hóa", "Vũ Hoàng", "Đỗ Khoa"):
        world.new_candidate("C1", name=name)
    db.session.rollback()
    sec1 = api("sec1")
    people = sec1.get("/people", query_string={"q": "Hòa"}).json
    assert [p["full_name"] for p in people["items"]] == ["Lê Văn Hoà", "Trần Thị Hòa"]
    cases = sec1.get("/cases", query_string={"q": "hoa"}).json
    assert {c["person"]["full_name"] for c in cases["items"]} == {
        "Lê Văn Hoà",
        "Trần Thị Hòa",
        "Phạm Hóa",
        "Vũ Hoàng",
    }
    person = db.session.get(Case, cases["items"][0]["id"]).person
    by_id = sec1.get("/people", query_string={"q": person.citizen_id[-5:]}).json
    assert person.id in [p["id"] for p in by_id["items"]]


def test_the_api_creates_the_person_and_returns_the_warning(api, world):
    response = api("sec1").post(
        "/cases",
        {
            "procedure": "admission",
            "cell": world.orgs["C1"],
            "person": person_data("nguyen van nam", date(1990, 4, 2), sex="male"),
            "data": {"event_date": "2025-09-01"},
        },
    )
    assert response.status_code == 201
    assert "“Nguyen Van Nam” không có dấu" in response.json["warnings"]["person.full_name"]
    assert response.json["person"]["full_name"] == "Nguyen Van Nam"
    response = api("sec1").post(
        "/cases",
        {
            "procedure": "admission",
            "cell": world.orgs["C1"],
            "person": person_data("đinh văn nam", date(1990, 4, 2), sex="male"),
            "data": {"event_date": "2025-09-01"},
        },
    )
    assert response.status_code == 201 and response.json["warnings"] == {}
    assert response.json["person"]["full_name"] == "Đinh Văn Nam"

"""The period report through the API: the same figures as the report page's JSON download,
scoped like the page, with JSON errors."""

from __future__ import annotations

import json

PERIOD = {"from": "2025-07-01", "to": "2025-12-31"}


def test_the_api_report_equals_the_page_download(api, login, world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    response = api("dept").get("/reports/period", query_string=PERIOD)
    assert response.status_code == 200
    data = response.get_json()
    assert data["indicators"]["admissions"] == {"value": 1, "tracked": True}
    # every figure is recorded by some procedure or record now: none is "(chưa theo dõi)"
    assert data["indicators"]["cards_reissued_lost"] == {"value": 0, "tracked": True}
    assert all(item["tracked"] for item in data["indicators"].values())
    assert data["members"]["end"] == {"official": 45, "probationary": 1, "total": 46}
    page = json.loads(login("dept").get("/reports/download.json", query_string=PERIOD).data)
    # the login between the two wrote an audit row: everything else is identical
    assert data.pop("as_of_seq") < page.pop("as_of_seq")
    assert data.pop("chain_position") != page.pop("chain_position")
    assert data == page


def test_the_api_report_is_scoped_and_refuses_bad_periods(api, world):
    client = api("gs1")
    own = client.get("/reports/period", query_string=PERIOD)
    assert own.status_code == 200 and own.get_json()["organization"] == "G1"
    other = client.get("/reports/period", query_string={**PERIOD, "org": world.orgs["G2"]})
    assert other.status_code == 404 and other.get_json()["error"]["code"] == "not_found"
    bad = client.get("/reports/period", query_string={"from": "2025-12-31", "to": "2025-01-01"})
    assert bad.status_code == 422
    assert "không được trước" in bad.get_json()["error"]["fields"]["to"]
    far = client.get("/reports/period", query_string={"from": "2025-01-01", "to": "9999-12-31"})
    assert far.status_code == 422
    assert api("sec1").get("/reports/period", query_string=PERIOD).status_code == 403
    anonymous = client.client.get("/api/v1/reports/period")
    assert anonymous.status_code == 401

"""Route policies (deny by default), the role × page matrix, headers, error pages, redirects."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.builders import sign_in
from tests.conftest import make_app
from workflow.web import API_PREFIX, PUBLIC

PAGES = (
    "/",
    "/cases/",
    "/people/",
    "/orgs/",
    "/admin/users",
    "/admin/calendar",
    "/admin/audit",
    "/admin/access-log",
    "/cases/open/admission",
    "/account/password",
    "/transfers/",
    "/cases/open/transfer_in",
    "/account/tokens/",
    "/people/import/",
    "/people/export.xlsx",
    "/transfers/register",
)
USERS = ("sec1", "gs1", "dept", "signer", "admin", "auditor", "inspector")

#: Expected status of each page for each demo user, from the ``requires(...)`` declarations:
#: / and /account/password: any signed-in user; /cases/, /people/: cell secretary, grassroots
#: staff, department staff, signer, inspection; /orgs/: those plus admin; /admin/users: admin;
#: /admin/calendar: department staff, admin; /admin/audit: auditor, department staff (both
#: held committee-wide), /admin/access-log: the same; /cases/open/admission: cell secretary;
#: /transfers/: those who open case files; /cases/open/transfer_in: department staff;
#: /account/tokens/ (the user's own API tokens): any signed-in user; /people/import/ and
#: /people/export.xlsx (member lists with citizen IDs): department and grassroots staff;
#: /transfers/register (the 10-SHĐ register): those who read reports.
MATRIX: dict[str, dict[str, int]] = {
    #                  /    cases people orgs users  cal  audit read  new  password
    "sec1": dict(
        zip(
            PAGES,
            (200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403),
            strict=True,
        )
    ),
    "gs1": dict(
        zip(
            PAGES,
            (200, 200, 200, 200, 403, 403, 403, 403, 403, 200, 200, 403, 200, 200, 200, 200),
            strict=True,
        )
    ),
    "dept": dict(
        zip(
            PAGES,
            (200, 200, 200, 200, 403, 200, 200, 200, 403, 200, 200, 200, 200, 200, 200, 200),
            strict=True,
        )
    ),
    "signer": dict(
        zip(
            PAGES,
            (200, 200, 200, 200, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403, 403, 200),
            strict=True,
        )
    ),
    "admin": dict(
        zip(
            PAGES,
            (200, 403, 403, 200, 200, 200, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403),
            strict=True,
        )
    ),
    "auditor": dict(
        zip(
            PAGES,
            (200, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403, 403, 200, 403, 403, 200),
            strict=True,
        )
    ),
    "inspector": dict(
        zip(
            PAGES,
            (200, 200, 200, 200, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403, 403, 200),
            strict=True,
        )
    ),
}

#: endpoints anyone may open without signing in
PUBLIC_ENDPOINTS = {"auth.login", "auth.login_code", "verify.verify", "health.healthz"}


API_PAGES = ("/organizations", "/people", "/cases", "/openapi.json")
#: the API's reads per user, with a token of that user: the same roles as the pages above
API_MATRIX: dict[str, tuple[int, ...]] = {
    "sec1": (200, 200, 200, 200),
    "gs1": (200, 200, 200, 200),
    "dept": (200, 200, 200, 200),
    "signer": (200, 200, 200, 200),
    "admin": (200, 403, 403, 200),
    "auditor": (403, 403, 403, 200),
    "inspector": (200, 200, 200, 200),
}


def _sample_url(rule) -> str:
    """A concrete URL for a rule, with placeholder values for its arguments."""
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        if isinstance(converter, AnyConverter):
            values[arg] = sorted(converter.items)[0]
        else:
            values[arg] = 1 if isinstance(converter, IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


@pytest.fixture
def bare_app(tmp_path, pg_database):
    """The application without a database (only its routes are read)."""
    return make_app(tmp_path, pg_database)


def test_every_endpoint_declares_a_policy_and_only_the_login_and_verification_are_public(bare_app):
    rules = _rules(bare_app)
    assert len(rules) > 20
    views = bare_app.view_functions
    policies = {r.endpoint: getattr(views[r.endpoint], "policy", None) for r in rules}
    assert [endpoint for endpoint, policy in policies.items() if policy is None] == []
    assert {endpoint for endpoint, policy in policies.items() if policy == PUBLIC} == (
        PUBLIC_ENDPOINTS
    )


def test_endpoint_without_policy_is_refused_when_anonymous_or_signed_in(app, world, client):
    calls = []

    def forgotten():
        calls.append(1)
        return "secret"

    app.add_url_rule("/forgotten", "forgotten", forgotten)
    anonymous = client.get("/forgotten")
    assert anonymous.status_code == 403
    sign_in(client, "admin", world.password)
    assert client.get("/").status_code == 200
    signed_in = client.get("/forgotten")
    assert signed_in.status_code == 403
    assert "Không có quyền truy cập" in signed_in.get_data(as_text=True)
    assert b"secret" not in anonymous.data + signed_in.data
    assert calls == []


def test_every_private_endpoint_redirects_to_login_when_anonymous(app, world, client, subtests):
    checked = {"GET": 0, "POST": 0}
    for rule in _rules(app):
        if app.view_functions[rule.endpoint].policy == PUBLIC:
            continue
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            url = _sample_url(rule)
            with subtests.test(msg=rule.endpoint, method=method, url=url):
                response = client.open(url, method=method, data={})
                if url.startswith(API_PREFIX):  # no session there: a JSON 401
                    assert response.status_code == 401
                    assert response.json["error"]["code"] == "unauthorized"
                else:
                    assert response.status_code == 302
                    assert urlsplit(response.headers["Location"]).path == "/login"
            checked[method] += 1
    assert checked["GET"] >= 15
    assert checked["POST"] >= 8
    kept = client.get("/cases/?q=hang")
    assert "next=%2Fcases%2F%3Fq%3Dhang" in kept.headers["Location"]


def test_role_page_matrix_gives_expected_status_when_each_user_opens_each_page(
    app, world, subtests
):
    for username in USERS:
        with subtests.test(msg=username):
            client = app.test_client()
            sign_in(client, username, world.password)
            actual = {url: client.get(url).status_code for url in PAGES}
            assert actual == MATRIX[username]


def test_role_api_matrix_gives_expected_status_when_each_user_calls_with_a_token(
    app, world, subtests
):
    from tests.api.conftest import make_token

    for username in USERS:
        with subtests.test(msg=username):
            headers = {"Authorization": f"Bearer {make_token(username)}"}
            client = app.test_client()
            actual = tuple(
                client.get(API_PREFIX + url, headers=headers).status_code for url in API_PAGES
            )
            assert actual == API_MATRIX[username]


def _check_headers(response, *, page: bool) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    if page:
        assert response.headers["Cache-Control"] == "no-store"


def test_security_headers_are_set_when_serving_pages_errors_and_static_files(app, world, subtests):
    anonymous = app.test_client()
    signed_in = app.test_client()
    signed_in.post("/login", data={"username": "sec1", "password": world.password})
    for label, client, url, status, is_page in (
        ("normal page", signed_in, "/cases/", 200, True),
        ("login page", anonymous, "/login", 200, True),
        ("not found page", signed_in, "/no/such/page", 404, True),
        ("forbidden page", signed_in, "/admin/users", 403, True),
        ("static file", anonymous, "/static/app.css", 200, False),
    ):
        with subtests.test(msg=label, url=url):
            response = client.get(url)
            assert response.status_code == status
            _check_headers(response, page=is_page)
            response.close()


def test_error_pages_are_vietnamese_without_traceback_when_request_fails(login, subtests):
    client = login("sec1")
    for url, method, status, title in (
        ("/khong-co-trang-nay", "GET", 404, "Không tìm thấy"),
        ("/cases/999999", "GET", 404, "Không tìm thấy"),
        ("/cases/", "DELETE", 405, "Phương thức không được hỗ trợ"),
        ("/admin/users", "GET", 403, "Không có quyền truy cập"),
    ):
        with subtests.test(msg=url, method=method):
            response = client.open(url, method=method)
            body = response.get_data(as_text=True)
            assert response.status_code == status
            assert '<html lang="vi">' in body
            assert title in body
            assert "Traceback" not in body
            assert "werkzeug" not in body.lower()
            assert "Not Found" not in body


OFFSITE = (
    "https://evil.example",
    "//evil.example",
    "https://evil.example/cases/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
)


def test_login_redirects_home_when_next_points_elsewhere(app, world, subtests):
    local = app.test_client().post(
        "/login", data={"username": "sec1", "password": world.password, "next": "/people/?q=an"}
    )
    assert local.headers["Location"] == "/people/?q=an"  # a local path is followed
    for target in OFFSITE:
        with subtests.test(msg=repr(target)):
            client = app.test_client()
            response = client.post(
                "/login", data={"username": "sec1", "password": world.password, "next": target}
            )
            assert response.status_code == 302
            assert response.headers["Location"] == "/"


def test_login_redirects_safely_when_next_contains_a_line_break(world, client):
    response = client.post(
        "/login",
        data={"username": "sec1", "password": world.password, "next": "/\r\nSet-Cookie: a=b"},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\n" not in location
    assert "\r" not in location
    assert location.startswith("/")
    assert urlsplit(location).netloc == ""


def test_login_page_escapes_next_when_it_carries_markup(world, client):
    response = client.get("/login", query_string={"next": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


OVERSIZED_IDS = (
    pytest.param(
        "2147483648",
        id="above-32-bits",
    ),
    pytest.param(
        "9223372036854775808",
        id="above-64-bits",
    ),
)


@pytest.mark.parametrize("number", OVERSIZED_IDS)
def test_oversized_id_in_url_is_not_found_instead_of_crashing(login, number):
    client = login("dept")
    for url in (
        f"/cases/{number}",
        f"/cases/{number}/do/withdraw",
        f"/people/{number}",
        f"/orgs/{number}",
        f"/orgs/{number}/edit",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.get_data(as_text=True)


def test_refusal_is_recorded_with_who_and_what_when_a_user_opens_a_page_beyond_their_role(
    app, world, login
):
    from tests.web.helpers import audit_rows

    client = login("sec1")
    assert client.get("/admin/users").status_code == 403
    [row] = audit_rows(action="access.refused")
    assert (row.actor_id, row.subject_type, row.subject_id) == (
        world.users["sec1"],
        "user",
        world.users["sec1"],
    )
    assert json.loads(row.payload) == {
        "endpoint": "admin.users",
        "method": "GET",
        "path": "/admin/users",
    }


def test_a_not_found_outside_the_users_scope_is_recorded_like_a_forbidden_page(app, world, login):
    from tests.web.helpers import audit_rows

    case_id = world.new_candidate("C1")
    client = login("sec2")
    assert client.get(f"/cases/{case_id}").status_code == 404
    [row] = audit_rows(action="access.refused")
    assert row.actor_id == world.users["sec2"]
    assert json.loads(row.payload) == {
        "endpoint": "cases.detail",
        "method": "GET",
        "path": f"/cases/{case_id}",
        "reason": "not_found",
    }
    # an address that names no page is a typing error, not a refusal
    assert client.get("/khong-co-trang-nay").status_code == 404
    assert len(audit_rows(action="access.refused")) == 1


def test_a_scan_of_ids_cannot_flood_the_trail(app, world, login):
    from tests.web.helpers import audit_rows

    app.config["REFUSALS_RECORDED_PER_HOUR"] = 5
    client = login("sec2")
    for number in range(900_001, 900_041):
        assert client.get(f"/people/{number}").status_code == 404
    assert len(audit_rows(action="access.refused")) == 5
    [summary] = audit_rows(action="access.refused_suppressed")
    assert json.loads(summary.payload)["limit"] == "5"
    # another user's refusals are counted apart
    assert login("sec1").get("/admin/users").status_code == 403
    assert len(audit_rows(action="access.refused")) == 6

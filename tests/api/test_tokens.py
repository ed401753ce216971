"""Access tokens: made on the account page, shown once, stored as a hash, used, revoked."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.api.conftest import PREFIX, make_token
from tests.web.helpers import audit_rows
from workflow.extensions import db
from workflow.models import ApiToken, User, utcnow
from workflow.store.uow import unit_of_work


def _create_on_page(client, name: str = "Báo cáo tự động", lifetime: str = "90") -> str:
    response = client.post("/account/tokens/", data={"name": name, "lifetime": lifetime})
    assert response.status_code == 200
    match = re.search(r'<code id="new-token">([^<]+)</code>', response.get_data(as_text=True))
    assert match, "the new token is shown on the page"
    return match.group(1)


def _tokens() -> list[ApiToken]:
    db.session.rollback()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def test_token_lifecycle_when_made_used_and_revoked_on_the_account_page(login, world):
    client = login("sec1")
    token = _create_on_page(client)
    [row] = _tokens()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.prefix, row.name, row.token_hash)
    assert token.startswith(row.prefix)
    assert row.expires_at is not None
    assert timedelta(days=89) < row.expires_at - row.created_at <= timedelta(days=90)
    assert row.last_used_at is None

    # listed afterwards without the token itself
    page = client.get("/account/tokens/").get_data(as_text=True)
    assert "Báo cáo tự động" in page and row.prefix in page and token not in page

    used = client.get(PREFIX + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert used.status_code == 200
    assert _tokens()[0].last_used_at is not None

    revoked = client.post(f"/account/tokens/{row.id}/revoke")
    assert revoked.status_code == 302
    assert _tokens()[0].revoked_at is not None
    after = client.get(PREFIX + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401
    assert after.json["error"]["code"] == "unauthorized"
    assert after.headers["WWW-Authenticate"].startswith("Bearer")

    created, gone = audit_rows(action="api_token.create"), audit_rows(action="api_token.revoke")
    assert [(r.actor_id, r.subject_id) for r in created + gone] == [(world.users["sec1"],) * 2] * 2
    assert json.loads(gone[0].payload) == {"token_id": row.id, "name": "Báo cáo tự động"}
    assert token not in created[0].payload


def test_token_page_refuses_a_blank_name_and_an_unknown_lifetime(login):
    client = login("sec1")
    for data, field in (
        ({"name": " ", "lifetime": "90"}, "Đặt tên"),
        ({"name": "x", "lifetime": "7"}, "thời hạn"),
    ):
        response = client.post("/account/tokens/", data=data)
        assert response.status_code == 422
        assert field in response.get_data(as_text=True)
    assert _tokens() == []


def test_user_cannot_revoke_someone_elses_token(login, world):
    token = make_token("sec2")
    client = login("sec1")
    [row] = _tokens()
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert _tokens()[0].revoked_at is None
    other = client.get(PREFIX + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert other.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("Bearer", id="scheme-only"),
        pytest.param("Bearer ", id="scheme-and-space"),
        pytest.param("Basic c2VjMTpwYXNz", id="basic"),
        pytest.param("Bearer wfapi_" + "A" * 43, id="unknown"),
        pytest.param("Bearer not-our-format", id="foreign"),
        pytest.param("Bearer wfapi_a wfapi_b", id="two-tokens"),
        pytest.param("Bearer wfapi_" + "x" * 5000, id="huge"),
        pytest.param("Bearer wfapi_\u00e9\u00e9", id="non-ascii"),
    ],
)
def test_bad_or_malformed_authorization_is_401(app, world, header):
    make_token("dept")  # a real token exists, so the refusal is not "no tokens at all"
    headers = {} if header is None else {"Authorization": header}
    response = app.test_client().get(PREFIX + "/people", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["message"]


def test_expired_token_is_401(app, world):
    token = make_token("sec1", lifetime_days=30)
    with unit_of_work():
        row = db.session.scalars(select(ApiToken)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    response = app.test_client().get(
        PREFIX + "/cases", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_401(app, world):
    token = make_token("sec1")
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get(PREFIX + "/cases", headers=headers).status_code == 200
    with unit_of_work():
        db.session.get(User, world.users["sec1"]).active = False
    assert app.test_client().get(PREFIX + "/cases", headers=headers).status_code == 401


def test_session_cookie_alone_does_not_authenticate_api_calls(login):
    client = login("dept")
    assert client.get("/cases/").status_code == 200  # the session works on the web pages
    response = client.get(PREFIX + "/cases")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_csrf_is_required_on_the_page_but_not_for_bearer_calls(app, world):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (the suite turns it off)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    signed_in = client.post(
        "/login", data={"username": "sec1", "password": world.password, "csrf_token": csrf}
    )
    assert signed_in.status_code == 302
    forged = client.post("/account/tokens/", data={"name": "x", "lifetime": "90"})
    assert forged.status_code == 400
    assert _tokens() == []
    # a cookie-carrying POST to the API without a token is refused, not let through
    assert client.post(PREFIX + "/cases", json={}).status_code == 401

    token = make_token("sec1")
    case = client.get(PREFIX + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert case.status_code == 200
    opened = client.post(
        PREFIX + "/cases",
        json={"procedure": "admission", "cell": 0, "person": {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert opened.status_code == 422  # got past CSRF to validation
    assert "cell" in opened.json["error"]["fields"]


def test_changing_or_resetting_the_password_revokes_the_tokens(app, login, world):
    from workflow.operations import users as user_ops

    headers = {"Authorization": f"Bearer {make_token('sec1')}"}
    assert app.test_client().get(PREFIX + "/cases", headers=headers).status_code == 200
    new = "Mat-khau-moi-rat-dai-2026!"
    response = login("sec1").post(
        "/account/password", data={"current": world.password, "new": new, "confirm": new}
    )
    assert response.status_code == 302
    assert app.test_client().get(PREFIX + "/cases", headers=headers).status_code == 401
    assert [t.revoked_at is not None for t in _tokens()] == [True]
    assert audit_rows(action="api_token.revoke_all")
    # an administrator's reset does the same
    headers = {"Authorization": f"Bearer {make_token('sec2')}"}
    user_ops.reset_password(world.users["sec2"], actor=world.actor("admin"))
    assert app.test_client().get(PREFIX + "/cases", headers=headers).status_code == 401

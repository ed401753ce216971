"""CSRF protection: with it on (as in production), a POST without this session's token is
refused with 400 and a Vietnamese message, and nothing is written."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKEND, IsolatedClient, _empty_postgres, fast_world, make_app
from tests.web.helpers import audit_rows, case_snapshot, counts, hidden_value, page, user_row
from workflow.extensions import db
from workflow.models import Attachment

MESSAGE = "Biểu mẫu đã hết hạn hoặc không hợp lệ"


@pytest.fixture
def csrf_app(tmp_path, pg_database):
    app = make_app(tmp_path, pg_database, WTF_CSRF_ENABLED=True)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        world = fast_world()
        yield app, world
        db.session.remove()
        if BACKEND == "postgresql":
            _empty_postgres()
        db.engine.dispose()


def _token(client, url: str = "/login") -> str:
    response = client.get(url)
    assert response.status_code == 200
    token = hidden_value(page(response), "csrf_token")
    assert len(token) > 20
    return token


def _signed_in(app, world, username: str = "sec1"):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": world.password, "csrf_token": _token(client)},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def _refused(response) -> None:
    assert response.status_code == 400
    body = page(response)
    assert MESSAGE in body
    assert "Vui lòng tải lại trang và nhập lại." in body
    assert "CSRF" not in body


def _is_signed_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_login_is_refused_with_400_when_csrf_token_is_missing_and_accepted_with_it(csrf_app):
    app, world = csrf_app
    client = app.test_client()
    before = counts()
    response = client.post("/login", data={"username": "sec1", "password": world.password})
    _refused(response)
    assert counts() == before
    assert user_row("sec1").last_login_at is None
    assert _is_signed_out(client)
    # the same login with this session's token goes through
    signed = _signed_in(app, world)
    actions = [r.action for r in audit_rows(subject_type="user", subject_id=world.users["sec1"])]
    assert actions[-1] == "login"
    assert not _is_signed_out(signed)


def test_action_new_case_and_logout_are_refused_when_csrf_token_is_missing(csrf_app):
    app, world = csrf_app
    case_id = world.new_candidate("C1")
    snap = case_snapshot(case_id)
    client = _signed_in(app, world)
    form = page(client.get(f"/cases/{case_id}/do/enroll_awareness_class"))
    assert 'name="csrf_token"' in form
    epoch = user_row("sec1").session_epoch
    before = counts()

    _refused(
        client.post(
            f"/cases/{case_id}/do/enroll_awareness_class",
            data={
                "expected_version": str(snap[1]),
                "event_date": "08/09/2025",
                "class_name": "Lớp nhận thức khóa 3/2025",
            },
        )
    )
    _refused(client.post("/cases/open/admission", data={"full_name": "Phạm Thị Lan"}))
    _refused(client.post("/logout"))

    assert counts() == before
    assert case_snapshot(case_id) == snap
    assert user_row("sec1").session_epoch == epoch
    assert not _is_signed_out(client)


def test_token_from_another_session_is_refused_when_posted(csrf_app):
    app, world = csrf_app
    case_id = world.new_candidate("C1")
    snap = case_snapshot(case_id)
    stranger = app.test_client()
    foreign = _token(stranger)
    client = _signed_in(app, world)
    own = _token(client, f"/cases/{case_id}/do/enroll_awareness_class")
    assert own != foreign
    epoch = user_row("sec1").session_epoch
    before = counts()

    _refused(
        client.post(
            f"/cases/{case_id}/do/enroll_awareness_class",
            data={
                "csrf_token": foreign,
                "expected_version": str(snap[1]),
                "event_date": "08/09/2025",
                "class_name": "Lớp nhận thức khóa 3/2025",
            },
        )
    )
    _refused(client.post("/logout", data={"csrf_token": foreign}))
    _refused(client.post("/logout", data={"csrf_token": "not-a-token"}))
    _refused(
        stranger.post(
            "/login",
            data={"username": "sec1b", "password": world.password, "csrf_token": own},
        )
    )

    assert counts() == before
    assert case_snapshot(case_id) == snap
    assert user_row("sec1").session_epoch == epoch
    assert not _is_signed_out(client)
    assert _is_signed_out(stranger)

    # the right token still works afterwards
    response = client.post(
        f"/cases/{case_id}/do/enroll_awareness_class",
        data={
            "csrf_token": own,
            "expected_version": str(snap[1]),
            "event_date": "08/09/2025",
            "class_name": "Lớp nhận thức khóa 3/2025",
        },
    )
    assert response.status_code == 302
    assert case_snapshot(case_id)[0] == "in_awareness_class"


def test_upload_is_refused_and_nothing_stored_when_csrf_token_is_missing(csrf_app):
    app, world = csrf_app
    case_id = world.new_candidate("C1")
    client = _signed_in(app, world)
    data = {"purpose": "application", "file": (io.BytesIO(b"%PDF-1.4 scan"), "don.pdf")}
    _refused(
        client.post(
            f"/cases/{case_id}/attachments/new", data=data, content_type="multipart/form-data"
        )
    )
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert not (Path(app.instance_path) / "attachments").exists()

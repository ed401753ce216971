"""The authenticator app as second factor: administrators must use it, anyone may; a login
with it; wrong, replayed and late codes; setting it up, turning it off and an administrator's
reset after a lost phone."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from sqlalchemy import select

from tests.builders import TOTP_SECRET, current_code, sign_in
from tests.web.helpers import audit_rows, page
from workflow import totp
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import User
from workflow.store.uow import unit_of_work


def _user(username: str) -> User:
    db.session.rollback()
    return db.session.scalars(select(User).where(User.username == username)).one()


def _set(username: str, **values) -> None:
    db.session.rollback()
    with unit_of_work():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        for key, value in values.items():
            setattr(user, key, value)


def _location(response) -> str:
    return urlsplit(response.headers["Location"]).path


def test_an_administrator_signs_in_with_the_password_then_the_code(app, world):
    client = app.test_client()
    first = client.post("/login", data={"username": "admin", "password": world.password})
    assert first.status_code == 302 and _location(first) == "/login/code"
    # the password alone signs no one in
    assert _location(client.get("/admin/users")) == "/login"
    form = page(client.get("/login/code"))
    assert "Xác thực hai lớp" in form and 'autocomplete="one-time-code"' in form
    done = client.post("/login/code", data={"code": current_code()})
    assert done.status_code == 302 and _location(done) == "/"
    assert client.get("/admin/users").status_code == 200
    actions = [r.action for r in audit_rows(subject_type="user", subject_id=world.users["admin"])]
    assert actions[-2:] == ["login_password_ok", "login"]


def test_wrong_and_replayed_codes_are_refused_and_count_towards_the_lockout(app, world):
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": world.password})
    code = current_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post("/login/code", data={"code": wrong})
    assert refused.status_code == 401
    assert "Mã xác thực không đúng hoặc đã được dùng" in page(refused)
    assert _user("admin").failed_logins == 1
    assert client.post("/login/code", data={"code": code}).status_code == 302
    # a code seen once (over a shoulder, in a log) does not sign anyone in again
    other = app.test_client()
    other.post("/login", data={"username": "admin", "password": world.password})
    replay = other.post("/login/code", data={"code": code})
    assert replay.status_code == 401
    # five wrong codes lock the account like five wrong passwords
    for _ in range(5):
        other.post("/login/code", data={"code": "000000"})
    locked = other.post("/login/code", data={"code": current_code()})
    assert "Tài khoản tạm khóa" in page(locked)
    assert _user("admin").locked_until is not None


def test_the_code_step_expires_and_needs_the_password_again(app, world):
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": world.password})
    with client.session_transaction() as session:
        session["mfa_pending"] = {**session["mfa_pending"], "at": int(time.time()) - 301}
    late = client.post("/login/code", data={"code": current_code()})
    assert late.status_code == 302 and _location(late) == "/login"
    # nor can the code page be opened without a password first
    assert _location(app.test_client().get("/login/code")) == "/login"


def test_a_password_change_during_the_code_step_cancels_it(app, world):
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": world.password})
    _set("admin", session_epoch=_user("admin").session_epoch + 1)
    stale = client.post("/login/code", data={"code": current_code()})
    assert _location(stale) == "/login"


def test_an_administrator_without_the_app_sets_it_up_before_anything_else(app, world):
    # a new administrator created from the command line has no authenticator yet
    _set("admin", totp_secret=None)
    client = app.test_client()
    assert sign_in(client, "admin", world.password).status_code == 302
    for url in ("/", "/admin/users", "/orgs/", "/account/tokens/"):
        response = client.get(url)
        assert response.status_code == 302 and _location(response) == "/account/mfa", url
    setup = page(client.get("/account/mfa"))
    assert "Vai trò của bạn bắt buộc xác thực hai lớp" in setup and "<svg" in setup
    secret = re.search(r'<code class="hash">([A-Z2-7 ]+)</code>', setup).group(1)
    secret = secret.replace(" ", "")
    clock().pass_seconds(30)
    code = totp.code_at(secret, totp.step_of(clock().seconds()))
    wrong_password = client.post("/account/mfa", data={"password": "sai", "code": code})
    assert wrong_password.status_code == 422 and "Mật khẩu hiện tại không đúng" in page(
        wrong_password
    )
    bad_code = client.post("/account/mfa", data={"password": world.password, "code": "123"})
    assert bad_code.status_code == 422 and "Mã xác thực không đúng" in page(bad_code)
    assert _user("admin").totp_secret is None
    done = client.post("/account/mfa", data={"password": world.password, "code": code})
    assert done.status_code == 302
    assert _user("admin").totp_secret == secret
    assert client.get("/admin/users").status_code == 200
    # it cannot be turned off while the role requires it
    page_after = page(client.get("/account/mfa"))
    assert "không tắt được" in page_after
    refused = client.post(
        "/account/mfa", data={"password": world.password, "code": current_code(secret)}
    )
    assert refused.status_code == 422 and _user("admin").totp_secret == secret
    assert "mfa.enable" in [
        r.action for r in audit_rows(subject_type="user", subject_id=world.users["admin"])
    ]


def test_any_user_may_turn_the_app_on_and_off(app, world, login):
    client = login("dept")
    assert client.get("/").status_code == 200  # not required for department staff
    setup = page(client.get("/account/mfa"))
    secret = re.search(r'<code class="hash">([A-Z2-7 ]+)</code>', setup).group(1).replace(" ", "")
    on = client.post(
        "/account/mfa", data={"password": world.password, "code": current_code(secret)}
    )
    assert on.status_code == 302
    # the next login asks for the code
    other = app.test_client()
    first = other.post("/login", data={"username": "dept", "password": world.password})
    assert _location(first) == "/login/code"
    off = client.post(
        "/account/mfa", data={"password": world.password, "code": current_code(secret)}
    )
    assert off.status_code == 302 and _user("dept").totp_secret is None


def test_an_administrator_resets_a_lost_authenticator(app, world, login):
    _set("dept", totp_secret=totp.new_secret())
    admin = login("admin")
    detail = page(admin.get(f"/admin/users/{world.users['dept']}"))
    assert "xác thực hai lớp: đã bật" in detail
    response = admin.post(
        f"/admin/users/{world.users['dept']}/action", data={"action": "reset_mfa", "confirm": "1"}
    )
    assert response.status_code == 302
    assert _user("dept").totp_secret is None
    assert sign_in(app.test_client(), "dept", world.password).status_code == 302
    assert "mfa.reset" in [
        r.action for r in audit_rows(subject_type="user", subject_id=world.users["dept"])
    ]
    # only an administrator may
    assert (
        login("dept")
        .post(f"/admin/users/{world.users['admin']}/action", data={"action": "reset_mfa"})
        .status_code
        == 403
    )
    assert _user("admin").totp_secret == TOTP_SECRET

"""Logins, lockout, logout and session revocation, password changes, idle timeout, audit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tests.web.helpers import SlowHasher, audit_rows, page, user_row, without_tokens
from workflow.auth import GENERIC_LOGIN_ERROR
from workflow.extensions import db
from workflow.models import User
from workflow.store.uow import unit_of_work

NEW_PASSWORD = "Ngọn đèn trên đồi Vân Sơn 2026!"
COOKIE = "wf_session"


def _login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def _goes_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


# --- logging in ------------------------------------------------------------------------------


def test_login_succeeds_with_safe_cookie_when_password_is_right(world, client):
    response = _login(client, "  SEC1 ", world.password)  # the username ignores case
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    session_cookie = next(c for c in cookies if c.startswith(f"{COOKIE}="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert world.password not in session_cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "Ngô Văn Một" in page(home)
    user = user_row("sec1")
    assert user.password_hash.startswith("$argon2id$")
    assert user.last_login_at is not None


def test_login_fails_with_same_generic_error_when_password_wrong_user_unknown_or_inactive(
    world, client
):
    assert GENERIC_LOGIN_ERROR == "Tên đăng nhập hoặc mật khẩu không đúng."
    wrong = _login(client, "sec1", "sai-mat-khau")
    unknown = _login(client, "khongco", world.password)
    empty = _login(client, "", "")
    with unit_of_work():
        db.session.get(User, world.users["gs1"]).active = False
    deactivated = _login(client, "gs1", world.password)
    for response in (wrong, unknown, empty, deactivated):
        assert response.status_code == 401
        assert GENERIC_LOGIN_ERROR in page(response)
    assert without_tokens(page(wrong)).replace("sec1", "") == without_tokens(page(unknown)).replace(
        "khongco", ""
    )
    assert _goes_to_login(client.get("/"))


def test_login_counts_failures_in_database_and_locks_when_limit_is_reached(app, world, client):
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert limit == 5
    for i in range(1, limit):
        _login(client, "gs1", f"sai-{i}")
        user = user_row("gs1")
        assert user.failed_logins == i
        assert user.locked_until is None
    _login(client, "gs1", "sai-cuoi")
    user = user_row("gs1")
    assert user.locked_until is not None
    refused = _login(client, "gs1", world.password)
    assert refused.status_code == 401
    body = page(refused)
    assert "Tài khoản tạm khóa do nhập sai nhiều lần" in body
    assert "phút" in body
    assert _goes_to_login(client.get("/"))
    assert [e.action for e in audit_rows(subject_type="user", subject_id=user.id)][-1] == (
        "login_refused_locked"
    )


def _burst(app, attempts: list[tuple[str, str]]) -> list[int]:
    """Send the logins all at once, each from its own client and network address."""
    barrier = threading.Barrier(len(attempts))

    def attempt(i: int) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.{i // 250}.{i % 250 + 1}"
        barrier.wait()
        username, password = attempts[i]
        return _login(client, username, password).status_code

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, range(len(attempts))))


def test_forty_wrong_passwords_at_once_get_exactly_the_limit_checked(app, world):
    """Whatever the number of workers, an account's lockout lets exactly LOGIN_MAX_FAILURES
    guesses be checked: the account's row is locked while its password is checked."""
    app.extensions["workflow.hasher"] = SlowHasher(app.extensions["workflow.hasher"], 0.05)
    limit = app.config["LOGIN_MAX_FAILURES"]
    db.session.remove()
    statuses = _burst(app, [("gs1", f"sai-{i}") for i in range(40)])
    assert statuses == [401] * 40
    user = user_row("gs1")
    actions = [e.action for e in audit_rows(subject_type="user", subject_id=user.id)]
    assert actions.count("login_failed") == limit
    assert actions.count("login_refused_locked") == 40 - limit
    assert user.locked_until is not None
    # the right password, sent with the burst, would have been refused as well
    assert _login(app.test_client(), "gs1", world.password).status_code == 401


def test_login_lockout_holds_across_clients_when_account_is_locked(app, world):
    first = app.test_client()
    for i in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(first, "dept", f"sai-{i}")
    second = app.test_client()
    response = _login(second, "dept", world.password)
    assert response.status_code == 401
    assert "Tài khoản tạm khóa" in page(response)


def test_login_resets_failure_count_when_password_is_right(app, world, client):
    _login(client, "gs1", "sai-1")
    _login(client, "gs1", "sai-2")
    assert user_row("gs1").failed_logins == 2
    assert _login(client, "gs1", world.password).status_code == 302
    user = user_row("gs1")
    assert user.failed_logins == 0
    assert user.last_login_at is not None


def test_user_audit_rows_are_written_when_logging_in_failing_and_logging_out(world, client):
    uid = world.users["sec1"]
    _login(client, "sec1", "sai-mat-khau")
    _login(client, "khongco", "sai")
    _login(client, "sec1", world.password)
    client.post("/logout")
    rows = audit_rows(subject_type="user", subject_id=uid)
    assert [r.action for r in rows if r.action.startswith("log")] == [
        "login_failed",
        "login",
        "logout",
    ]
    failed = audit_rows(subject_type="user", action="login_failed")
    unknown = [r for r in failed if not r.subject_id]
    assert len(unknown) == 1
    assert unknown[0].actor_name == "khongco"
    assert all(world.password not in r.payload for r in audit_rows())


# --- logout and server-side revocation -------------------------------------------------------


def test_copied_session_cookie_stops_working_when_user_logs_out(app, world, client):
    _login(client, "sec1", world.password)
    assert client.get("/").status_code == 200
    cookie = client.get_cookie(COOKIE).value
    epoch = user_row("sec1").session_epoch

    copy = app.test_client()
    copy.set_cookie(COOKIE, cookie)
    assert copy.get("/").status_code == 200  # the copied cookie works while the session lives

    response = client.post("/logout")
    assert _goes_to_login(response)
    assert user_row("sec1").session_epoch == epoch + 1

    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie)
    assert _goes_to_login(replay.get("/"))
    assert _goes_to_login(replay.get("/cases/"))


def test_vietnamese_confirmation_is_shown_when_user_logs_out(world, client):
    _login(client, "sec1", world.password)
    response = client.post("/logout", follow_redirects=True)
    assert "Đã đăng xuất." in page(response)


def test_logout_is_refused_when_method_is_get(world, client):
    _login(client, "sec1", world.password)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


# --- changing the password -------------------------------------------------------------------


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post(
        "/account/password",
        data={"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )


BAD_CHANGES = (
    # (what is wrong, current, new, confirm, the message shown)
    ("wrong current password", "khong-dung-mat-khau", NEW_PASSWORD, None,
     "Mật khẩu hiện tại không đúng."),
    ("too short", None, "Ngan-qua-1!", None, "Mật khẩu phải có ít nhất 12 ký tự."),
    ("common password", None, "matkhau123456", None, "Mật khẩu này quá phổ biến, dễ bị đoán."),
    ("common password in capitals", None, "MATKHAU123456", None,
     "Mật khẩu này quá phổ biến, dễ bị đoán."),
    ("confirmation differs", None, NEW_PASSWORD, NEW_PASSWORD + "x",
     "Hai lần nhập mật khẩu mới không khớp."),
    ("contains the username", None, "sec1-Ngọn-đèn-trên-đồi-xa", None,
     "Mật khẩu không được chứa tên đăng nhập."),
    ("easy to guess", None, "aaaaaaaaaaaaaaaa", None, "Mật khẩu dễ đoán"),
    ("longer than 128", None, "Ngọn đèn " * 20, None, "Mật khẩu tối đa 128 ký tự."),
)  # fmt: skip


def test_password_change_is_refused_and_hash_kept_when_new_password_is_bad(world, login, subtests):
    client = login("sec1")
    before = user_row("sec1")
    old_hash, old_epoch = before.password_hash, before.session_epoch
    for label, current, new, confirm, message in BAD_CHANGES:
        with subtests.test(msg=label):
            response = _change(client, current or world.password, new, confirm)
            assert response.status_code == 422
            assert message in page(response)
            after = user_row("sec1")
            assert (after.password_hash, after.session_epoch) == (old_hash, old_epoch)
    assert client.get("/").status_code == 200
    assert "password.change" not in [r.action for r in audit_rows(subject_type="user")]


def test_other_sessions_end_and_this_one_continues_when_password_is_changed(app, world):
    other = app.test_client()
    assert _login(other, "sec1", world.password).status_code == 302
    assert other.get("/").status_code == 200
    mine = app.test_client()
    assert _login(mine, "sec1", world.password).status_code == 302
    before = user_row("sec1")
    old_hash, old_epoch = before.password_hash, before.session_epoch

    response = _change(mine, world.password, NEW_PASSWORD)
    assert response.status_code == 302
    after = user_row("sec1")
    assert after.password_hash != old_hash
    assert after.password_hash.startswith("$argon2id$")
    assert after.session_epoch == old_epoch + 1

    home = mine.get("/")
    assert home.status_code == 200
    assert "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc." in page(home)
    assert _goes_to_login(other.get("/"))

    fresh = app.test_client()
    assert _login(fresh, "sec1", world.password).status_code == 401
    assert _login(fresh, "sec1", NEW_PASSWORD).status_code == 302
    assert [r.action for r in audit_rows(subject_type="user", subject_id=after.id)].count(
        "password.change"
    ) == 1


# --- idle timeout ------------------------------------------------------------------------------


def test_idle_session_ends_with_vietnamese_message_when_idle_longer_than_limit(app, login):
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 30
    client = login("sec1")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    response = client.get("/cases/")
    assert _goes_to_login(response)
    login_page = client.get(response.headers["Location"])
    assert "Phiên làm việc đã hết hạn do không hoạt động" in page(login_page)
    assert _goes_to_login(client.get("/"))


def test_idle_session_continues_when_idle_shorter_than_limit_and_limit_is_configurable(app, login):
    client = login("sec1")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 29 * 60
    assert client.get("/cases/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen"] < 60  # the clock restarted
        session["seen"] = int(time.time()) - 90
    assert client.get("/").status_code == 200
    app.config["IDLE_TIMEOUT_MINUTES"] = 1
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 90
    assert _goes_to_login(client.get("/"))


def test_a_session_ends_after_its_absolute_lifetime_however_active(app, login):
    assert app.config["SESSION_MAX_HOURS"] == 12
    client = login("sec1")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["started"] < 60
        session["started"] = int(time.time()) - 11 * 3600 - 59 * 60
    assert client.get("/cases/").status_code == 200  # active, and not yet 12 hours
    with client.session_transaction() as session:
        session["started"] = int(time.time()) - 12 * 3600 - 60
        session["seen"] = int(time.time()) - 5  # active a moment ago
    response = client.get("/cases/")
    assert _goes_to_login(response)
    assert "quá 12 giờ kể từ khi đăng nhập" in page(client.get(response.headers["Location"]))
    assert _goes_to_login(client.get("/"))
    # a new login starts a new lifetime
    client = login("sec1")
    assert client.get("/cases/").status_code == 200


# --- password storage --------------------------------------------------------------------------


def test_production_hasher_uses_rfc9106_parameters_when_not_replaced_by_tests():
    from workflow.auth import _hasher

    digest = _hasher.hash("x")
    assert digest.startswith("$argon2id$")
    assert "m=65536,t=3,p=4" in digest

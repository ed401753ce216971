"""Failed logins counted per network address (A-06): after the limit every login from the
address is refused with 429, whatever the account and whichever worker answers; other
addresses are not affected; the block ends; behind a configured proxy the client's own address
counts."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from tests.builders import sign_in
from tests.conftest import FAST_HASHER, make_app
from tests.web.helpers import audit_rows, page
from workflow.extensions import db
from workflow.models import LoginThrottle, User, utcnow
from workflow.store.uow import unit_of_work

LIMIT = 20


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_too_many_failures_from_one_address_block_it_for_every_account(app, world):
    attacker = _from(app.test_client(), "203.0.113.7")
    # a password sprayed over many accounts: no account reaches its own lockout
    usernames = [u for u in world.users if u != "admin"]
    for i in range(LIMIT):
        response = attacker.post(
            "/login", data={"username": usernames[i % len(usernames)], "password": f"sai-{i}"}
        )
        assert response.status_code == 401
    assert all(u.locked_until is None for u in db.session.scalars(select(User)))
    # now even the right password is refused from that address, with the reason in Vietnamese
    blocked = attacker.post("/login", data={"username": "sec1", "password": world.password})
    assert blocked.status_code == 429
    assert "quá nhiều lần đăng nhập sai từ địa chỉ mạng này" in page(blocked)
    assert "Vui lòng thử lại sau 15 phút" in page(blocked)
    assert attacker.get("/").status_code == 302  # not signed in
    # another address is not affected
    colleague = _from(app.test_client(), "198.51.100.4")
    assert sign_in(colleague, "sec1", world.password).status_code == 302
    refusals = audit_rows(action="login_refused_address")
    assert refusals and json.loads(refusals[-1].payload) == {"ip": "203.0.113.7"}
    # the block ends on its own
    db.session.rollback()
    with unit_of_work():
        row = db.session.get(LoginThrottle, "203.0.113.7")
        row.blocked_until = utcnow() - timedelta(seconds=1)
    assert sign_in(attacker, "sec1", world.password).status_code == 302


def test_unknown_usernames_count_too(app, world):
    attacker = _from(app.test_client(), "203.0.113.8")
    for i in range(LIMIT):
        attacker.post("/login", data={"username": f"khong-co-{i}", "password": "x"})
    blocked = attacker.post("/login", data={"username": "sec1", "password": world.password})
    assert blocked.status_code == 429


def test_the_limit_holds_across_worker_processes(app, world, tmp_path, pg_database):
    """Two application instances on one database stand for two gunicorn workers: failures
    seen by either count together."""
    (tmp_path / "other").mkdir()
    other_app = make_app(
        tmp_path / "other",
        pg_database,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    other_app.extensions["workflow.hasher"] = FAST_HASHER
    db.session.remove()
    first = _from(app.test_client(), "203.0.113.9")
    with other_app.app_context():
        try:
            second = _from(other_app.test_client(), "203.0.113.9")
            for i in range(LIMIT):
                client = first if i % 2 else second
                client.post("/login", data={"username": "sec1", "password": "x"})
            blocked = second.post("/login", data={"username": "gs1", "password": world.password})
            assert blocked.status_code == 429
        finally:
            db.session.remove()
            db.engine.dispose()
    again = first.post("/login", data={"username": "gs1", "password": world.password})
    assert again.status_code == 429


def test_failed_codes_of_the_second_factor_count_for_the_address(app, world):
    attacker = _from(app.test_client(), "203.0.113.10")
    attacker.post("/login", data={"username": "admin", "password": world.password})
    for _ in range(4):  # below the account's own lockout
        attacker.post("/login/code", data={"code": "000000"})
    for i in range(LIMIT - 4):
        attacker.post("/login", data={"username": f"khong-co-{i}", "password": "x"})
    blocked = attacker.post("/login", data={"username": "sec1", "password": world.password})
    assert blocked.status_code == 429


def test_behind_a_configured_proxy_the_forwarded_client_address_counts(tmp_path, pg_database):
    app = make_app(tmp_path, pg_database, PROXY_FIX_X_FOR=1)
    app.extensions["workflow.hasher"] = FAST_HASHER
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.create_all()
        try:
            proxy = _from(app.test_client(), "10.0.0.1")
            for _ in range(LIMIT):
                proxy.post(
                    "/login",
                    data={"username": "x", "password": "y"},
                    headers={"X-Forwarded-For": "203.0.113.11"},
                )
            other = proxy.post(
                "/login",
                data={"username": "x", "password": "y"},
                headers={"X-Forwarded-For": "203.0.113.12"},
            )
            assert other.status_code == 401  # a second user behind the same proxy
            same = proxy.post(
                "/login",
                data={"username": "x", "password": "y"},
                headers={"X-Forwarded-For": "203.0.113.11"},
            )
            assert same.status_code == 429
            assert db.session.get(LoginThrottle, "10.0.0.1") is None
        finally:
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                from tests.conftest import _empty_postgres

                _empty_postgres()
            db.engine.dispose()


def test_an_unknown_username_locks_like_a_real_account_so_no_name_is_given_away(app, world):
    def five_wrong_then(username: str, address: str) -> str:
        client = _from(app.test_client(), address)
        for _ in range(5):
            client.post("/login", data={"username": username, "password": "sai"})
        return page(client.post("/login", data={"username": username, "password": "sai"}))

    real = five_wrong_then("sec1", "192.0.2.1")
    unknown = five_wrong_then("khong.ai.ca", "192.0.2.2")
    assert "Tài khoản tạm khóa do nhập sai nhiều lần" in real
    assert "Tài khoản tạm khóa do nhập sai nhiều lần" in unknown
    # the row that counts an unknown name does not store the name
    db.session.rollback()
    keys = set(db.session.scalars(select(LoginThrottle.address)))
    assert not any("khong" in k for k in keys)
    assert any(k.startswith("user:") for k in keys)


def test_idle_counters_are_deleted_as_new_ones_come(app, world):
    attacker = _from(app.test_client(), "203.0.113.20")
    attacker.post("/login", data={"username": "sec1", "password": "x"})
    db.session.rollback()
    with unit_of_work():
        old = db.session.get(LoginThrottle, "203.0.113.20")
        old.window_start = utcnow() - timedelta(days=3)
    _from(app.test_client(), "203.0.113.21").post(
        "/login", data={"username": "sec1", "password": "x"}
    )
    db.session.rollback()
    assert db.session.get(LoginThrottle, "203.0.113.20") is None
    assert db.session.get(LoginThrottle, "203.0.113.21").failures == 1

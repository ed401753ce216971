"""Signing asks for the password again inside the engine: one failure counter (the login
lockout's), one audit row per failure and one lockout, whether the signer uses the web form,
the meeting page, the API or the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.builders import STANDING_VOTE, clone_appraised
from tests.web.helpers import SlowHasher, audit_rows, page
from workflow.extensions import db
from workflow.models import Case, User
from workflow.store.errors import ReauthFailed, ReauthLocked

SIGNING = {"event_date": "05/03/2026", **{k: str(v) for k, v in STANDING_VOTE.items()}}


def _signer(world) -> User:
    db.session.rollback()
    return db.session.get(User, world.users["signer"])


def _failures(channel: str | None = None) -> list:
    rows = audit_rows(action="reauth_failed")
    return [r for r in rows if channel is None or json.loads(r.payload)["via"] == channel]


def test_eight_wrong_passwords_on_the_signing_form_lock_the_account(app, world, login):
    (case_id,) = clone_appraised(world, 1)
    client = login("signer")
    url = f"/cases/{case_id}/do/approve_admission"
    version = db.session.get(Case, case_id).version
    limit = app.config["LOGIN_MAX_FAILURES"]
    for attempt in range(8):
        response = client.post(
            url, data={**SIGNING, "expected_version": version, "password": f"sai-{attempt}"}
        )
        assert response.status_code == 422
        text = page(response)
        if attempt < limit:
            assert "Mật khẩu không đúng" in text
        else:
            assert "Tài khoản tạm khóa" in text
    assert len(_failures("web")) == limit  # locked attempts are refused, not counted again
    assert _signer(world).locked_until is not None
    # the ninth, with the right password, is refused too while the account is locked
    right = client.post(
        url, data={**SIGNING, "expected_version": version, "password": world.password}
    )
    assert right.status_code == 422 and "Tài khoản tạm khóa" in page(right)
    assert db.session.get(Case, case_id).state == "department_appraised"


def test_the_engine_refuses_a_signing_without_the_password_and_counts_it(world):
    (case_id,) = clone_appraised(world, 1)
    version = db.session.get(Case, case_id).version
    from workflow.engine import fire

    for password in (None, "", "sai"):
        with pytest.raises(ReauthFailed):
            fire(
                case_id,
                "approve_admission",
                actor=world.actor("signer").via("api", "10.0.0.7"),
                payload={"event_date": "2026-03-05", **STANDING_VOTE},
                expected_version=version,
                password=password,
            )
    assert _signer(world).failed_logins == 3
    rows = _failures("api")
    assert len(rows) == 3 and json.loads(rows[0].payload)["ip"] == "10.0.0.7"
    assert db.session.get(Case, case_id).state == "department_appraised"
    # a step that is no signing asks for nothing and counts nothing
    world.fire(case_id, "extend_decision_deadline", "dept", days=5, reason="Chờ thẩm tra thêm.")
    assert _signer(world).failed_logins == 3


def test_the_command_line_asks_for_the_password_and_counts_a_wrong_one(app, world):
    (case_id,) = clone_appraised(world, 1)
    data = json.dumps({"event_date": "2026-03-05", **STANDING_VOTE})
    runner = app.test_cli_runner()
    wrong = runner.invoke(
        args=["wf", "fire", str(case_id), "approve_admission", "--as", "signer", "--data", data],
        input="sai-mat-khau\n",
    )
    assert wrong.exit_code != 0 and "Mật khẩu không đúng" in wrong.output
    assert len(_failures("cli")) == 1 and _signer(world).failed_logins == 1
    right = runner.invoke(
        args=["wf", "fire", str(case_id), "approve_admission", "--as", "signer", "--data", data],
        input=f"{world.password}\n",
    )
    assert right.exit_code == 0, right.output
    assert db.session.get(Case, case_id).state == "admission_decided"
    assert _signer(world).failed_logins == 0


def test_the_meeting_page_counts_a_wrong_password_once_for_the_meeting(world, login):
    cases = clone_appraised(world, 3)
    versions = {f"version-{c}": db.session.get(Case, c).version for c in cases}
    response = login("signer").post(
        "/documents/approve",
        data={
            "case": cases,
            "meeting_on": "05/03/2026",
            "members_total": "9",
            "members_present": "8",
            "password": "sai",
            **versions,
        },
    )
    assert response.status_code == 422 and "Mật khẩu không đúng" in page(response)
    assert len(_failures("web")) == 1 and _signer(world).failed_logins == 1
    assert set(db.session.scalars(select(Case._state).where(Case.id.in_(cases)))) == {
        "department_appraised"
    }


def test_a_locked_account_is_told_so(world):
    from workflow.auth import confirm_password

    actor = world.actor("signer")
    for _ in range(5):
        with pytest.raises(ReauthFailed):
            confirm_password(actor, "sai")
    with pytest.raises(ReauthLocked):
        confirm_password(actor, world.password)


def test_forty_wrong_signing_passwords_at_once_get_exactly_the_limit_checked(app, world):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from workflow.auth import confirm_password
    from workflow.permissions import Actor

    app.extensions["workflow.hasher"] = SlowHasher(app.extensions["workflow.hasher"], 0.05)
    signer = _signer(world)
    actor = Actor.of(signer).via("api", "203.0.113.5")
    db.session.remove()
    barrier = Barrier(40)

    def attempt(i: int) -> str:
        with app.app_context():
            barrier.wait()
            try:
                confirm_password(actor, f"sai-{i}")
            except ReauthLocked:
                return "locked"
            except ReauthFailed:
                return "failed"
            finally:
                db.session.remove()
            return "signed"

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(attempt, range(40)))
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert outcomes.count("failed") == limit and outcomes.count("locked") == 40 - limit
    assert len(_failures()) == limit

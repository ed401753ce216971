"""The QR code and link on an issued document open its verification page at the application's
public address; outside development nothing is issued until that address is configured."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.builders import clone_appraised
from workflow.extensions import db
from workflow.models import Case, Decision, RegisterCounter
from workflow.store.errors import GuardFailed


def test_the_printed_link_is_the_configured_address_and_opens_the_page(app, world, client):
    app.config["PUBLIC_BASE_URL"] = "https://dangvien.example.test/"
    (case_id,) = clone_appraised(world, 1)
    world.fire(case_id, "approve_admission", "signer")
    db.session.rollback()
    decision = db.session.scalars(select(Decision).where(Decision.status == "issued")).one()
    url = json.loads(decision.snapshot)["verify_url"]
    assert url == f"https://dangvien.example.test/verify/{decision.verify_token}"
    assert url in decision.html
    page = client.get(url.removeprefix("https://dangvien.example.test"))
    assert page.status_code == 200
    assert decision.reference in page.get_data(as_text=True)


@pytest.fixture
def production(app):
    """The application as deployed: not in development, and no public address configured."""
    app.config.update(TESTING=False, PUBLIC_BASE_URL=None)
    yield app
    app.config["TESTING"] = True


def test_without_a_public_address_signing_is_refused_and_nothing_is_numbered(production, world):
    (case_id,) = clone_appraised(world, 1)
    with pytest.raises(GuardFailed) as refused:
        world.fire(case_id, "approve_admission", "signer")
    assert "PUBLIC_BASE_URL" in refused.value.message
    assert "quản trị hệ thống" in refused.value.message
    db.session.rollback()
    assert db.session.get(Case, case_id).state == "department_appraised"
    assert db.session.scalar(select(func.count()).select_from(RegisterCounter)) == 0
    assert db.session.scalars(select(Decision.status)).all() == ["draft"]


def test_the_administrator_and_the_signer_are_told_what_is_missing(production, world, login):
    for user in ("signer", "admin"):
        page = login(user).get("/")
        assert "Chưa cấu hình địa chỉ công khai" in page.get_data(as_text=True), user
    page = login("sec1").get("/")
    assert "Chưa cấu hình địa chỉ công khai" not in page.get_data(as_text=True)

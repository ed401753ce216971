"""Numbers follow dates within a register: a signing dated before the register's last number
is refused with the document that holds the later date, and takes no number."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.builders import PASSWORD, STANDING_VOTE, clone_appraised
from workflow.extensions import db
from workflow.models import Case, Decision, RegisterCounter
from workflow.store.errors import InvalidInput


def _sign(world, case_id: int, day: date):
    return world.fire(case_id, "approve_admission", "signer", day)


def test_a_signing_dated_before_the_last_number_is_refused_and_takes_no_number(world):
    first, second, third = clone_appraised(world, 3)
    floor = db.session.get(Case, first).last_event_on
    late, early = date(2026, 5, 20), date(2026, 5, 10)
    assert floor <= early
    _sign(world, first, late)
    with pytest.raises(InvalidInput) as refused:
        _sign(world, second, early)
    message = refused.value.errors["event_date"]
    assert "số 1-QĐ/ĐUK ngày 20/05/2026" in message
    assert "10/05/2026" in message
    assert "từ 20/05/2026 trở đi" in message
    db.session.rollback()
    assert db.session.get(Case, second).state == "department_appraised"
    counter = db.session.scalars(select(RegisterCounter)).one()
    assert (counter.value, counter.last_on) == (1, late)
    # the same day, and a later one, take the next numbers in order
    _sign(world, second, late)
    _sign(world, third, date(2026, 6, 1))
    db.session.rollback()
    issued = db.session.scalars(
        select(Decision).where(Decision.status == "issued").order_by(Decision.number)
    ).all()
    assert [(d.number, d.decided_on) for d in issued] == [
        (1, late),
        (2, late),
        (3, date(2026, 6, 1)),
    ]


def test_the_signing_page_names_the_decision_that_holds_the_later_date(world, login):
    first, second = clone_appraised(world, 2)
    _sign(world, first, date(2026, 5, 20))
    client = login("signer")
    version = db.session.get(Case, second).version
    page = client.post(
        f"/cases/{second}/do/approve_admission",
        data={
            "event_date": "10/05/2026",
            **{k: str(v) for k, v in STANDING_VOTE.items()},
            "expected_version": version,
            "password": PASSWORD,
        },
    )
    assert page.status_code == 422
    assert "số 1-QĐ/ĐUK ngày 20/05/2026" in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Case, second).state == "department_appraised"

"""A re-admitted member's party age: from the first admission, less the time off the lists
counted once (the re-admission's recorded period and the trail's removal are the same time),
and flagged until the cell verifies the member's party-age declaration."""

from __future__ import annotations

from datetime import date

from tests.leaving.test_readmission import REMOVED_ON, _meeting, removed, to_cell_meeting
from workflow.badges.record import party_age_of
from workflow.extensions import db
from workflow.models import Person
from workflow.store import audit
from workflow.store.uow import unit_of_work


def test_a_readmitted_members_age_counts_the_time_out_once(world, login):
    member = world.members["C1"][2]
    removed(world, member)
    case_id = to_cell_meeting(world, member)
    _meeting(world, case_id, date(2025, 9, 15))
    world.advance(case_id, "department_appraised", step_days=5)
    world.fire(case_id, "request_provincial_consent", "dept", date(2025, 10, 6),
               reference="Số 45-CV/ĐUK ngày 06/10/2025")  # fmt: skip
    world.fire(case_id, "record_provincial_consent", "dept", date(2025, 10, 15),
               provincial_consent="Công văn số 120-CV/TU ngày 15/10/2025")  # fmt: skip
    world.fire(case_id, "approve_admission", "signer", date(2025, 10, 20))
    world.advance(case_id, "admitted", step_days=5)
    db.session.rollback()
    person = db.session.get(Person, member)
    age = party_age_of(person, date(2026, 6, 1))
    # 5 January 2010 to 1 June 2026 is 196 full months; off the lists from 1 April 2022 to
    # 20 October 2025: 42 full months, once
    assert [(g.gap.start, g.gap.end) for g in age.gaps] == [(REMOVED_ON, date(2025, 10, 20))]
    assert age.months == 196 - 42
    assert age.awaiting_declaration
    # the cell verifies the declaration: the flag goes
    with unit_of_work():
        audit.append(
            actor=world.actor("sec1"),
            subject_type="person",
            subject_id=member,
            action="person.party_age_verified",
            event_date=date(2026, 5, 1),
            person_id=member,
        )
    assert not party_age_of(person, date(2026, 6, 1)).awaiting_declaration

"""The procedures read certificates from classes: sending a candidate to a class puts them on
its roster; the certificate a class issues, whatever case or roster put the person there, is
what the admission's guards (younger than 60 months) and the probation's new-member class
item read."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.training.helpers import candidate, new_class, pass_all
from workflow.clock import clock
from workflow.engine import open_case
from workflow.extensions import db
from workflow.models import Case, TrainingEnrollment
from workflow.procedures import get
from workflow.store.errors import GuardFailed, InvalidInput
from workflow.store.uow import unit_of_work
from workflow.training import operations


def _codes(exc: GuardFailed) -> set[str]:
    return {v.code for v in exc.verdicts}


def test_sending_to_a_class_puts_the_candidate_on_its_roster_as_proposed(world):
    cls = new_class(world)
    case_id = world.new_candidate("C1")
    world.fire(case_id, "enroll_awareness_class", "sec1", date(2025, 9, 10), training_class=cls.id)
    case = db.session.get(Case, case_id)
    assert case.state == "in_awareness_class"
    row = db.session.scalars(select(TrainingEnrollment)).one()
    assert (row.class_id, row.person_id, row.status, row.sent_by_id) == (
        cls.id,
        case.person_id,
        "proposed",
        world.orgs["C1"],
    )
    # the step offers the classes not ended long ago (120 days)
    source = get("admission").sources["awareness_classes"]
    clock().set_today(date(2025, 9, 10))
    assert (str(cls.id), f"{cls.title} (15/09/2025 – 19/09/2025)") in source(None)
    clock().set_today(date(2026, 1, 18))
    assert source(None) == []


def test_a_class_that_ended_or_is_of_another_kind_is_refused(world):
    ended = new_class(world, starts_on="01/09/2025", ends_on="05/09/2025")
    party = new_class(world, "party_work")
    case_id = world.new_candidate("C1")
    for cls, message in (
        (ended, "đã bế giảng ngày 05/09/2025"),
        (party, "Chọn một lớp bồi dưỡng nhận thức về Đảng."),
    ):
        with pytest.raises(InvalidInput) as exc:
            world.fire(
                case_id, "enroll_awareness_class", "sec1", date(2025, 9, 10), training_class=cls.id
            )
        assert message in exc.value.errors["training_class"]
    assert db.session.get(Case, case_id).state == "source_list"
    assert db.session.scalars(select(TrainingEnrollment)).all() == []


def test_the_class_certificate_is_taken_from_the_record_and_must_be_valid(world):
    cls = new_class(world)
    case_id = world.new_candidate("C1")
    world.fire(case_id, "enroll_awareness_class", "sec1", date(2025, 9, 10), training_class=cls.id)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "take_class_certificate", "sec1", date(2025, 9, 22))
    assert _codes(exc.value) == {"admission.certificate_missing"}
    pass_all(world, cls)  # attended: the department took the proposal onto the roster
    [cert] = operations.issue_certificates(
        cls.id, {"issued_on": "20/09/2025"}, cls.version, actor=world.actor("dept")
    )
    world.fire(case_id, "take_class_certificate", "sec1", date(2025, 9, 22))
    case = db.session.get(Case, case_id)
    assert case.state == "certified"
    papers = get("admission").papers(case)
    assert papers["awareness_certificate"] == [
        (date(2025, 9, 20), f"Số {cert.number}, {cls.certificate_issuer}")
    ]


def test_a_certificate_from_a_class_the_candidate_attended_without_a_case(world):
    """Someone the department put on a class before any cell opened their case: the
    certificate is theirs, and the cell's meeting reads it (G3/G4), valid 60 months."""
    cls = new_class(world, starts_on="01/06/2020", ends_on="05/06/2020")
    person = candidate(world, "C1", name="Quách Thị Lan", citizen_id="025198000123")
    operations.add_trainee(cls.id, {"citizen_id": person.citizen_id}, actor=world.actor("dept"))
    pass_all(world, cls)
    operations.issue_certificates(
        cls.id, {"issued_on": "05/06/2020"}, cls.version, actor=world.actor("dept")
    )
    facts = get("admission").facts
    with unit_of_work():
        case = open_case(
            "admission",
            person=person,
            actor=world.actor("sec1"),
            payload={"event_date": "2025-05-20"},
        )
        case_id = case.id
    world.fire(
        case_id,
        "enroll_awareness_class",
        "sec1",
        date(2025, 5, 25),
        class_name="Lớp đã học năm 2020",
    )
    # still valid on 01/06/2025 (59 months), not on 05/06/2025 (60 months)
    world.fire(case_id, "take_class_certificate", "sec1", date(2025, 6, 1))
    case = db.session.get(Case, case_id)
    assert facts(case, None, date(2025, 6, 1)).certificate.issued_on == date(2020, 6, 5)
    world.advance(case_id, "awaiting_cell_meeting", start=date(2025, 6, 2), step_days=0)
    with pytest.raises(GuardFailed) as exc:
        world.fire(
            case_id, "record_cell_resolution", "sec1", date(2025, 6, 5), **world_vote(case_id)
        )
    assert "admission.certificate_expired" in _codes(exc.value)


def world_vote(case_id: int) -> dict:
    from workflow.membership import count_for

    case = db.session.get(Case, case_id)
    total = count_for(case, "cell_official_members", case.last_event_on)
    return {"official_total": total, "yes": total, "no": 0, "invalid": 0}


def test_a_certificate_too_old_is_not_taken(world):
    cls = new_class(world, starts_on="01/03/2020", ends_on="05/03/2020")
    case_id = world.new_candidate("C1")
    person_id = db.session.get(Case, case_id).person_id
    operations.add_trainee(cls.id, {"person": person_id}, actor=world.actor("dept"))
    pass_all(world, cls)
    operations.issue_certificates(
        cls.id, {"issued_on": "05/03/2020"}, cls.version, actor=world.actor("dept")
    )
    world.fire(case_id, "enroll_awareness_class", "sec1", date(2025, 9, 10), class_name="Khác")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "take_class_certificate", "sec1", date(2025, 9, 12))
    assert _codes(exc.value) == {"admission.certificate_expired"}


def test_the_probation_reads_the_new_member_certificate_of_a_class(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    probation_id = world.probation_of(case_id)
    person_id = db.session.get(Case, probation_id).person_id
    facts = get("probation").facts
    case = db.session.get(Case, probation_id)
    assert "new_member_certificate" not in facts(case, None, clock().today()).documents
    day = case.person.joined_on
    cls = new_class(
        world,
        "new_member",
        starts_on=f"{day.day:02d}/{day.month:02d}/{day.year}",
        ends_on=f"{day.day:02d}/{day.month:02d}/{day.year}",
    )
    operations.add_trainee(cls.id, {"person": person_id}, actor=world.actor("dept"))
    pass_all(world, cls)
    [cert] = operations.issue_certificates(
        cls.id, {"issued_on": day.strftime("%d/%m/%Y")}, cls.version, actor=world.actor("dept")
    )
    db.session.expire_all()
    case = db.session.get(Case, probation_id)
    assert "new_member_certificate" in facts(case, None, clock().today()).documents
    assert get("probation").papers(case)["new_member_certificate"] == [
        (day, f"Số {cert.number}, {cls.certificate_issuer}")
    ]

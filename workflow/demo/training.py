"""The demonstration's classes besides the candidates' awareness classes (those come with the
admission's walks): a party-work class for cell secretaries and committee members, a
political-theory class for new members, both finished with their certificates, and an
awareness class about to open with the cells' proposals waiting for the department."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states.spec import Role
from workflow.extensions import db
from workflow.models import Case, Organization, Person, TrainingClass
from workflow.training import operations


def _department(d):
    return d.actor_for(Role.DEPARTMENT_STAFF, None)


def _finish(d, class_id: int, on: date) -> None:
    """Everyone on the roster attended; one in ten did not pass; certificates for the rest."""
    cls = db.session.get(TrainingClass, class_id)
    rows = {}
    for i, row in enumerate(cls.enrollments):
        result = "failed" if i % 10 == 9 else d.rng.choice(["excellent", "good", "good", "passed"])
        rows[row.id] = {"attendance": "partial" if result == "failed" else "full", "result": result}
    operations.record_results(class_id, rows, cls.version, actor=_department(d))
    db.session.expire_all()
    cls = db.session.get(TrainingClass, class_id)
    operations.issue_certificates(
        class_id, {"issued_on": on.isoformat()}, cls.version, actor=_department(d)
    )
    db.session.expire_all()


def _party_work(d) -> Iterator[date]:
    end = d.today - timedelta(days=70)
    start = end - timedelta(days=2)
    yield start - timedelta(days=20)
    cls = operations.create_class(
        {
            "kind": "party_work",
            "title": f"Lớp bồi dưỡng nghiệp vụ công tác xây dựng Đảng năm {end.year}",
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "place": "Trường Chính trị tỉnh",
            "opening_decision": "212-QĐ/ĐUK",
        },
        actor=_department(d),
    )
    positions = ("secretary", "deputy_secretary", "committee_member")
    for i, cell in enumerate(d.cells[:12]):
        person = db.session.scalars(
            select(Person)
            .where(
                Person.cell_id == cell.id,
                Person.member_status == "official",
                Person.presence == "active",
            )
            .order_by(Person.id)
            .limit(1)
        ).first()
        if person is not None:
            operations.add_trainee(
                cls.id, {"person": person.id, "position": positions[i % 3]}, actor=_department(d)
            )
    yield end + timedelta(days=1)
    _finish(d, cls.id, end + timedelta(days=1))


def _new_members(d) -> Iterator[date]:
    end = d.today - timedelta(days=35)
    start = end - timedelta(days=7)
    yield start - timedelta(days=14)
    cls = operations.create_class(
        {
            "kind": "new_member",
            "title": f"Lớp bồi dưỡng lý luận chính trị dành cho đảng viên "
            f"mới khóa {end.month}/{end.year}",
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "place": "Hội trường Đảng ủy Khối",
            "opening_decision": "230-QĐ/ĐUK",
        },
        actor=_department(d),
    )
    for person in db.session.scalars(
        select(Person)
        .where(Person.member_status == "probationary", Person.presence == "active")
        .order_by(Person.sort_key, Person.id)
        .limit(15)
    ):
        operations.add_trainee(
            cls.id, {"person": person.id, "position": "member"}, actor=_department(d)
        )
    yield end
    _finish(d, cls.id, end)


def _upcoming_awareness(d) -> Iterator[date]:
    day = d.today - timedelta(days=3)
    yield day
    start = d.today + timedelta(days=10)
    cls = operations.create_class(
        {
            "kind": "awareness",
            "title": "Lớp bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú "
            f"khối doanh nghiệp năm {start.year}",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=4)).isoformat(),
            "place": "Trường Chính trị tỉnh",
            "opening_decision": "251-QĐ/ĐUK",
        },
        actor=_department(d),
    )
    candidates = db.session.execute(
        select(Person, Organization)
        .join(Case, Case.person_id == Person.id)
        .join(Organization, Organization.id == Person.cell_id)
        .where(Case.procedure == "admission", Case._state == "source_list")
        .order_by(Person.id)
        .limit(4)
    ).all()
    for person, cell in candidates:
        secretary = d.actor_for(Role.CELL_SECRETARY, cell.path)
        operations.add_trainee(
            cls.id, {"person": person.id, "position": "candidate"}, actor=secretary
        )


def scenario(d) -> list[Iterator[date]]:
    return [_party_work(d), _new_members(d), _upcoming_awareness(d)]

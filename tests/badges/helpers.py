"""Members with a long record, entered as a member list would enter them."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from tests.builders import World, person_data
from workflow.extensions import db
from workflow.models import Person
from workflow.operations import people as people_ops
from workflow.store.uow import unit_of_work


def veteran(world: World, name: str, decided_on: date, cell: str = "C1", **extra) -> Person:
    """An official member whose admission decision was signed on ``decided_on``."""
    with unit_of_work():
        person = people_ops.create_person(
            person_data(name, date(1962, 3, 4), "male", **extra),
            cell=world.org(cell),
            actor=world.actor("dept"),
        )
        people_ops.record_membership(
            person,
            status="official",
            admission_decision_on=decided_on,
            joined_on=decided_on + relativedelta(days=20),
            official_on=decided_on + relativedelta(years=1, days=20),
            card_number=None,
            actor=world.actor("dept"),
        )
        return db.session.get(Person, person.id)

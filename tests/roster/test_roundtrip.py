"""A committee's members exported, the database emptied, the file imported back: the reports
of past quarters give the same figures. A member list carries people and their membership
history, not the steps of open or past procedures, so the figures counted from those steps
(classes, verifications, temporary stays, cards) are outside the comparison."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import _dump, _restore, empty_database
from tests.transfers.test_transfers import official, register_from_outside
from workflow.extensions import db
from workflow.models import Person
from workflow.reports import period
from workflow.roster import batches, export

NOT_CARRIED = {
    "awareness_trainees",
    "verifications",
    "new_member_trainees",
    "temporary_out",
    "temporary_in",
    "temporary_returned",
    "cards_issued",
}
QUARTERS = [
    (date(2025, 1, 1), date(2025, 3, 31)),
    (date(2025, 4, 1), date(2025, 6, 30)),
    (date(2025, 7, 1), date(2025, 9, 30)),
    (date(2025, 10, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 6, 30)),
]
STRUCTURE = ("organization", "app_user", "role_grant", "calendar_override")


def figures() -> dict:
    out = {}
    for start, end in QUARTERS:
        f = period.compute(start, end).figures()
        for part in (f, *f["organizations"].values()):
            part["indicators"] = {
                k: v for k, v in part["indicators"].items() if k not in NOT_CARRIED
            }
        out[start.isoformat()] = f
    return out


def _history(world) -> None:
    """Admissions, transfers inside, out of and into the committee, across quarters."""
    admitted = world.new_candidate("C1")
    world.advance(admitted, "admitted")
    # the letters are signed in date order, as their register's numbers follow dates
    leaving = official(world, world.members["C1"][3], to=None)
    world.fire(leaving, "record_grassroots_part", "gs1", date(2025, 9, 3))
    world.fire(leaving, "issue_letter", "dept", date(2025, 9, 5))
    moving = official(world, world.members["C1B"][0], username="sec1b")
    world.fire(moving, "record_grassroots_part", "gs1", date(2025, 9, 20), reference="3-SHĐ")
    world.fire(moving, "issue_letter", "dept", date(2025, 9, 25))
    world.fire(moving, "confirm_arrival", "gs2", date(2025, 10, 6), cell=world.orgs["C2"])
    world.fire(leaving, "record_receipt", "dept", date(2025, 10, 10), reference="Phiếu báo số 7")
    arriving = register_from_outside(world, admission_decision_on=date(2009, 12, 20)).id
    world.fire(arriving, "confirm_arrival", "gs2", date(2025, 9, 8), cell=world.orgs["C2"])
    # a decision signed, the ceremony still to come: counted as an admission all the same
    awaiting = world.new_candidate("C2", name="Vũ Thị Lan", birth=date(2001, 7, 9))
    world.advance(awaiting, "awaiting_ceremony")


def _empty_but_the_structure() -> None:
    kept = {name: rows for name, rows in _dump().items() if name in STRUCTURE}
    empty_database()
    _restore(kept)


def test_export_empty_import_gives_the_same_past_reports(world):
    _history(world)
    before = figures()
    people = db.session.scalar(select(db.func.count(Person.id)))
    data = export.workbook(world.actor("dept"))

    _empty_but_the_structure()
    assert db.session.scalar(select(db.func.count(Person.id))) == 0
    actor = world.actor("dept")
    batch = batches.store("danh-sach.xlsx", data, actor)
    result = batches.run(batch.id, "all", actor)
    assert result.created == people

    after = figures()
    for quarter in before:
        assert after[quarter] == before[quarter], quarter
    # the figures compared are not all zero: the history above is in them
    assert before["2025-07-01"]["members"]["flows"]["transfer_in_external"] == 1
    assert before["2025-07-01"]["members"]["flows"]["transfer_out_external"] == 1
    assert before["2025-10-01"]["members"]["flows"]["transfer_in_internal"] == 1
    assert sum(f["indicators"]["admissions"] for f in before.values()) == 2
    # and a second import of the same file changes nothing
    again = batches.store("danh-sach.xlsx", data, actor)
    result = batches.run(again.id, "all", actor)
    assert (result.created, result.updated, result.unchanged) == (0, 0, people)

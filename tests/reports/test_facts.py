"""The period report's stored facts: kept by the commit that writes a person's history, read
by the report only when they stand for the trail, rebuilt and checked by a command.

Every report computed in the tests is also computed by following the trail and the two
compared (``REPORT_FACTS_CHECK``); these tests say when the facts are read at all, and what
happens when they are behind."""

from __future__ import annotations

from datetime import date, datetime

from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update

from workflow.cli import wf
from workflow.extensions import db
from workflow.models import AuditEntry, AuditHead, Person, ReportFact, ReportFactState
from workflow.reports import facts, period
from workflow.reports.trail import last_seq
from workflow.store import audit
from workflow.store.uow import unit_of_work

Q3 = (date(2025, 7, 1), date(2025, 9, 30))
Q4 = (date(2025, 10, 1), date(2025, 12, 31))


def stored(start: date, end: date):
    """The walk the facts give for the period now (None: not read)."""
    found = facts.walks((start,), end, last_seq())
    return found[0] if found else None


def test_the_world_is_reported_from_facts_kept_by_each_commit(world):
    assert not facts.behind()
    assert stored(*Q3) is not None
    case_id = world.new_candidate("GC4", opened=date(2025, 9, 1))
    world.advance(case_id, "admitted")
    # the commits that wrote the admission derived the candidate's facts again
    assert not facts.behind()
    from_facts = stored(date(2025, 1, 1), Q4[1])
    walked = period._walk_trail((date(2025, 1, 1),), Q4[1], last_seq())[0]
    assert facts.comparable(from_facts) == facts.comparable(walked)
    assert sum(t.figure("admissions") for t in from_facts.cells.values()) == 1
    assert facts.check() == []


def _record(world, person: Person, day: date, **changes) -> None:
    """A membership change of the person, dated ``day``, entered now."""
    with unit_of_work():
        person = db.session.get(Person, person.id)
        for name, value in changes.items():
            setattr(person, name, value)
        audit.append(
            actor=world.actor("dept"),
            subject_type="person",
            subject_id=person.id,
            action="person.update",
            event_date=day,
            person=person,
        )


def test_a_step_entered_late_changes_what_the_later_steps_count(world):
    """A member moved from a cell of G1 to one of G2 in November; then their leaving the list
    in August is entered: they were no longer on a list to move, so the Q4 move counts
    nothing, the August leaving counts in Q3, and Q4 starts without them."""
    person = db.session.scalars(
        select(Person).where(Person.cell_id == world.orgs["C1"], Person.member_status == "official")
    ).first()
    _record(world, person, date(2025, 11, 10), cell_id=world.orgs["C2"])
    q4 = period.compute(*Q4)
    assert q4.total.flows["transfer_out_internal"] == 1
    assert q4.total.start_total == 45
    _record(world, person, date(2025, 8, 1), member_status="removed")
    assert not facts.behind()
    q3, q4 = period.compute(*Q3), period.compute(*Q4)
    assert q3.total.flows["other_out"] == 1 and q3.total.end_total == 44
    assert q4.total.flows["transfer_out_internal"] == 0
    assert q4.total.start_total == q4.total.end_total == 44
    assert q3.balanced and q4.balanced


def test_rows_written_around_the_application_leave_the_facts_unread_until_caught_up(world):
    """A bulk load: rows inserted and the head moved to them, as ``bench/report.py`` does."""
    with unit_of_work():
        head = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        db.session.execute(
            insert(AuditEntry.__table__).values(
                seq=head.seq + 1,
                entered_at=datetime(2025, 9, 1, 8),
                event_date=date(2025, 8, 15),
                actor_name="",
                actor_role="",
                subject_type="person",
                subject_id=head.person_id,
                action="person.update",
                payload="{}",
                comment="",
                person_id=None,
                prev_hash=head.row_hash,
                row_hash="0" * 64,
            )
        )
        db.session.execute(update(AuditHead).values(seq=head.seq + 1, row_hash="0" * 64))
    assert facts.behind()
    assert stored(*Q3) is None
    # the report still gives the trail's figures (followed, not summed)
    assert period.compute(*Q3).total.end_total == 45
    facts.keep_up()
    assert not facts.behind()
    assert stored(*Q3) is not None


def test_facts_of_other_rules_are_not_read_and_the_rebuild_replaces_them(world):
    with unit_of_work():
        db.session.execute(delete(ReportFactState))
        db.session.execute(insert(ReportFactState).values(id=1, fingerprint="0" * 64))
    assert facts.behind() and stored(*Q3) is None
    # a commit does not derive facts of other rules piecemeal
    world.new_candidate("GC4", opened=date(2025, 9, 1))
    assert facts.behind()
    result = CliRunner().invoke(wf, ["report-facts", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "dữ kiện" in result.output
    assert not facts.behind() and stored(*Q3) is not None


def test_the_check_names_a_person_whose_facts_differ_from_the_trail(world):
    assert CliRunner().invoke(wf, ["report-facts", "check"]).exit_code == 0
    with unit_of_work():
        fact = db.session.scalars(
            select(ReportFact).where(ReportFact.kind == facts.PLACE).limit(1)
        ).one()
        fact.org_id = fact.org_id + 1000
        person_id = fact.person_id
    problems = facts.check()
    assert problems == [f"người {person_id}: dữ kiện khác với nhật ký"]
    result = CliRunner().invoke(wf, ["report-facts", "check"])
    assert result.exit_code == 1
    assert f"người {person_id}" in result.output


def test_a_report_as_the_trail_stood_earlier_follows_the_trail(world):
    seq = last_seq()
    world.new_candidate("GC4", opened=date(2025, 9, 1))
    assert facts.walks(Q3, Q3[1], seq) is None
    assert period.compute(*Q3, as_of_seq=seq).as_of_seq == seq

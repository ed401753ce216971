"""The period report against figures worked out by hand from the test world: 45 official members
(9 in each of five cells, on the lists since 2010), candidates admitted through the engine, a
transfer across a quarter boundary, a member admitted and removed within one period, an event
entered after its period ended, and a cell moved to another grassroots organization."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.transfers.test_transfers import official
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Person
from workflow.operations import orgs as org_ops
from workflow.reports import document, period
from workflow.reports import targets as target_mod
from workflow.store.uow import unit_of_work

Q3 = (date(2025, 7, 1), date(2025, 9, 30))
Q4 = (date(2025, 10, 1), date(2025, 12, 31))


def report(start, end, org_code=None, world=None, **kw):
    org = world.org(org_code) if org_code else None
    return period.compute(start, end, org, **kw)


def row(rep, code):
    return next(r.tally for r in rep.rows if r.org is not None and r.org.code == code)


def decided_on(case_id: int, kind: str) -> date:
    return db.session.scalars(
        select(Decision.decided_on).where(Decision.case_id == case_id, Decision.kind == kind)
    ).one()


def test_the_starting_world_balances_and_matches_the_lists(world):
    rep = report(*Q3, world=world)
    assert rep.total.as_dict()["start"] == {"official": 45, "probationary": 0, "total": 45}
    assert rep.total.as_dict()["end"] == {"official": 45, "probationary": 0, "total": 45}
    assert rep.total.total_in == rep.total.total_out == 0
    # ordered by name as Vietnamese reads it ("Chi bộ …" before "Đảng bộ …")
    assert [(r.org.code, r.tally.end_total) for r in rep.rows] == [
        ("GC4", 9),
        ("G3", 9),
        ("G2", 9),
        ("G1", 18),
    ]
    assert rep.balanced
    # history entered for existing members counts in the year it happened
    old = report(date(2010, 1, 1), date(2010, 12, 31), world=world)
    assert old.total.figure("admissions") == 45
    assert old.total.flows["joined"] == 45
    assert old.total.start_total == 0
    assert old.total.as_dict()["end"] == {"official": 0, "probationary": 45, "total": 45}


def test_an_admission_counts_its_decision_and_joins_the_list_at_the_ceremony(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    decision = decided_on(case_id, "admission")
    person = db.session.get(Case, case_id).person
    ceremony = person.joined_on
    assert decision < ceremony  # the builder's path leaves days between them

    rep = report(date(2025, 9, 1), ceremony, world=world)
    assert rep.total.figure("admissions") == 1
    assert rep.total.figure("awareness_trainees") == 1
    assert rep.total.figure("verifications") == 1
    assert rep.total.flows["joined"] == 1
    assert rep.total.end == {"official": 45, "probationary": 1}
    g1 = row(rep, "G1")
    assert g1.start_total == 18 and g1.end == {"official": 18, "probationary": 1}
    assert row(rep, "G2").figure("admissions") == 0
    assert rep.balanced

    # decided, not yet on the list
    before_ceremony = report(decision, ceremony - timedelta(days=1), world=world)
    assert before_ceremony.total.figure("admissions") == 1
    assert before_ceremony.total.flows["joined"] == 0
    assert before_ceremony.total.end_total == 45

    # the report for the grassroots organization only
    g1_only = report(date(2025, 9, 1), ceremony, "G1", world=world)
    assert g1_only.total.figure("admissions") == 1
    assert g1_only.total.end_total == 19
    assert {r.org.code: r.tally.end_total for r in g1_only.rows} == {"C1": 10, "C1B": 9}
    assert report(date(2025, 9, 1), ceremony, "G2", world=world).total.figure("admissions") == 0


def test_a_transfer_across_the_quarter_boundary(world):
    member = world.members["C1B"][0]
    case_id = official(world, member, username="sec1b")
    world.fire(case_id, "record_grassroots_part", "gs1", date(2025, 9, 20), reference="3-SHĐ")
    world.fire(case_id, "issue_letter", "dept", date(2025, 9, 25))
    world.fire(case_id, "confirm_arrival", "gs2", date(2025, 10, 6), cell=world.orgs["C2"])

    q3 = report(*Q3, world=world)
    assert q3.total.start_total == 45 and q3.total.end_total == 44
    assert q3.total.in_transit_end == 1
    assert q3.total.flows["transfer_out_internal"] == 1
    assert row(q3, "G1").end_total == 17 and row(q3, "G2").end_total == 9
    assert q3.balanced

    q4 = report(*Q4, world=world)
    assert q4.total.start_total == 44 and q4.total.end_total == 45
    assert q4.total.flows["transfer_in_internal"] == 1
    assert row(q4, "G2").flows["transfer_in_internal"] == 1
    assert row(q4, "G2").end_total == 10 and row(q4, "G1").end_total == 17
    assert q4.balanced

    # over both quarters the member just moved
    both = report(Q3[0], Q4[1], world=world)
    assert both.total.start_total == both.total.end_total == 45
    assert row(both, "G1").flows["transfer_out_internal"] == 1
    assert row(both, "G2").flows["transfer_in_internal"] == 1
    assert both.balanced


def test_a_transfer_out_of_the_committee_counts_on_the_letters_date(world):
    """The member leaves the committee's lists on the letter's date (not when the receiver's
    notice comes back, which may be a quarter later), as a transfer out of the committee."""
    member = world.members["C1B"][1]
    case_id = official(world, member, to=None, username="sec1b")
    world.fire(case_id, "record_grassroots_part", "gs1", date(2025, 9, 20), reference="4-SHĐ")
    world.fire(case_id, "issue_letter", "dept", date(2025, 9, 25))
    world.fire(case_id, "record_receipt", "dept", date(2025, 10, 6), reference="Phiếu báo số 7")

    q3 = report(*Q3, world=world)
    assert q3.total.flows["transfer_out_external"] == 1
    assert q3.total.flows["transfer_out_internal"] == 0
    assert q3.total.in_transit_end == 0
    assert q3.total.end_total == 44 and row(q3, "G1").end_total == 17
    assert q3.balanced
    q4 = report(*Q4, world=world)
    assert q4.total.start_total == q4.total.end_total == 44
    assert sum(q4.total.flows.values()) == 0


def test_a_member_admitted_and_removed_within_one_period(world):
    case_id = world.new_candidate("C2")
    world.advance(case_id, "admitted")
    probation = world.probation_of(case_id)
    end = db.session.get(Case, probation).probation_end
    clock().set_today(date(2027, 8, 1))
    world.fire(probation, "end_probation", "sec2", end)
    world.fire(
        probation,
        "record_cell_resolution",
        "sec2",
        end,
        proposal="removal",
        reason="Không đủ tư cách đảng viên.",
        official_total=9,
        yes=8,
        no=1,
    )
    world.advance(probation, "removed")
    removed_on = decided_on(probation, "removal_probationary")

    rep = report(date(2025, 9, 1), removed_on, world=world)
    assert rep.total.figure("admissions") == 1
    assert rep.total.flows["joined"] == 1
    assert rep.total.figure("probation_removals") == 1
    assert rep.total.start_total == rep.total.end_total == 45
    assert row(rep, "G2").flows["removed_probationary"] == 1
    assert rep.balanced
    assert db.session.get(Case, probation).person.member_status == "removed"


def test_an_event_entered_late_lands_in_its_period_and_the_rerun_says_so(world, app):
    case_id = world.new_candidate("GC4", opened=date(2025, 9, 1))
    world.fire(case_id, "enroll_awareness_class", "sec4", date(2025, 10, 1), class_name="Lớp 3")
    before = report(*Q4, world=world)
    assert before.total.figure("awareness_trainees") == 0
    with unit_of_work():
        snapshot = document.lock(before, actor=world.actor("dept"))
    locked_seq = snapshot.as_of_seq

    clock().set_today(date(2026, 1, 20))  # the certificate is entered after the quarter
    world.fire(
        case_id,
        "record_certificate",
        "sec4",
        date(2025, 11, 14),
        certificate_number="12-CN/NTVĐ",
        issuer="Trung tâm chính trị",
    )
    after = report(*Q4, world=world)
    assert after.total.figure("awareness_trainees") == 1
    assert after.late_entered == 1
    assert row(after, "GC4").figure("awareness_trainees") == 1
    doc = document.build(after, committee_name="Đảng ủy Khối")
    assert doc.changes is not None
    assert doc.changes.entered_since == 1
    assert (
        "Quần chúng học lớp bồi dưỡng nhận thức về Đảng (được cấp giấy chứng nhận)",
        0,
        1,
    ) in doc.changes.differences
    # as the trail stood when the figures were locked: exactly the locked figures
    again = report(*Q4, world=world, as_of_seq=locked_seq)
    assert again.figures() == snapshot.figures
    # the quarter before is untouched
    assert report(*Q3, world=world).total.figure("awareness_trainees") == 0


def test_a_moved_cell_keeps_past_reports_and_counts_with_its_new_parent_after(world):
    clock().set_today(date(2026, 2, 10))
    c1b = world.org("C1B")
    with unit_of_work():
        org_ops.update_org(
            c1b.id,
            {
                "code": c1b.code,
                "name": c1b.name,
                "kind": c1b.kind,
                "parent_id": world.orgs["G2"],
                "active": True,
            },
            actor=world.actor("dept"),
        )
    assert db.session.get(Organization, world.orgs["C1B"]).parent_id == world.orgs["G2"]
    q4 = report(*Q4, "G1", world=world)
    assert q4.total.end_total == 18
    assert {r.org.code for r in q4.rows} == {"C1", "C1B"}
    q1 = report(date(2026, 1, 1), date(2026, 3, 31), "G1", world=world)
    assert q1.total.end_total == 9
    q1_g2 = report(date(2026, 1, 1), date(2026, 3, 31), "G2", world=world)
    assert q1_g2.total.start_total == 18 and q1_g2.total.end_total == 18
    assert q1.balanced and q1_g2.balanced


def test_targets_by_number_by_percentage_and_by_sum(world):
    dept = world.actor("dept")
    with unit_of_work():
        target_mod.set_target(
            {"year": "2025", "kind": "admissions", "value": "4"}, None, actor=dept
        )
        target_mod.set_target(
            {"year": "2025", "kind": "admissions", "percent": "10"}, world.org("G1"), actor=dept
        )
        target_mod.set_target(
            {"year": "2025", "kind": "awareness_trainees", "value": "3"},
            world.org("G1"),
            actor=dept,
        )
        target_mod.set_target(
            {"year": "2025", "kind": "awareness_trainees", "value": "5"},
            world.org("G2"),
            actor=dept,
        )
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    ceremony = db.session.get(Case, case_id).person.joined_on
    assert ceremony.year == 2025
    rep = report(date(2025, 1, 1), date(2025, 12, 31), world=world)
    doc = document.build(rep, committee_name="Đảng ủy Khối")
    lines = {t.kind: t for t in doc.targets}
    assert lines["admissions"].target == 4 and lines["admissions"].period_percent == "25,00%"
    # no committee target for trainees: the sum of the organizations' (3 + 5)
    assert lines["awareness_trainees"].target == 8
    assert lines["awareness_trainees"].period_percent == "12,50%"
    assert "kết nạp 1 đảng viên mới, đạt 25,00% chỉ tiêu năm 2025" in doc.summary
    # 10% of G1's 18 members on 1 January, rounded up
    g1 = document.build(
        report(date(2025, 1, 1), date(2025, 12, 31), "G1", world=world), committee_name=""
    )
    g1_line = {t.kind: t for t in g1.targets}["admissions"]
    assert g1_line.target == 2 and g1_line.period_percent == "50,00%"
    assert g1_line.percent_basis == "10% của 18 đảng viên đầu năm"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"year": "2025", "kind": "admissions", "value": "-3"}, "value"),
        ({"year": "2025", "kind": "admissions", "value": "3", "percent": "2"}, "value"),
        ({"year": "2025", "kind": "admissions", "percent": "120"}, "percent"),
        ({"year": "2025", "kind": "admissions", "percent": "NaN"}, "percent"),
        ({"year": "1999", "kind": "admissions", "value": "3"}, "year"),
        ({"year": "2025", "kind": "badges", "value": "3"}, "kind"),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_written(world, raw, field):
    from workflow.models.reports import Target
    from workflow.store.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc, unit_of_work():
        target_mod.set_target(raw, None, actor=world.actor("dept"))
    assert field in exc.value.errors
    assert db.session.scalars(select(Target)).all() == []


def test_the_end_of_today_matches_the_live_lists(world):
    case_id = world.new_candidate("C3")
    world.advance(case_id, "admitted")
    today = clock().today()
    rep = report(date(2025, 1, 1), today, world=world)
    live = (
        db.session.execute(
            select(Person.member_status).where(
                Person.presence == "active", Person.member_status.in_(("official", "probationary"))
            )
        )
        .scalars()
        .all()
    )
    assert rep.total.end_total == len(live)
    assert rep.total.end["probationary"] == live.count("probationary") == 1


def test_the_year_to_date_from_the_same_pass_equals_its_own_report(world):
    """A quarter and its year to date are tallied in one pass over the trail; each equals the
    report computed alone (admissions, a transfer across quarters, a transfer in Q4)."""
    early = world.new_candidate("C1", opened=date(2025, 2, 3))
    world.advance(early, "admitted", start=date(2025, 3, 3))
    late = world.new_candidate("C2", opened=date(2025, 8, 4))
    world.advance(late, "admitted", start=date(2025, 9, 1))
    member = world.members["C1B"][0]
    case_id = official(world, member, username="sec1b")
    world.fire(case_id, "record_grassroots_part", "gs1", date(2025, 9, 20), reference="3-SHĐ")
    world.fire(case_id, "issue_letter", "dept", date(2025, 9, 25))
    world.fire(case_id, "confirm_arrival", "gs2", date(2025, 10, 6), cell=world.orgs["C2"])
    for org_code in (None, "G1", "C2"):
        org = world.org(org_code) if org_code else None
        both = period.compute(*Q4, org, with_year_to_date=True)
        alone = period.compute(*Q4, org, as_of_seq=both.as_of_seq)
        ytd = period.compute(date(2025, 1, 1), Q4[1], org, as_of_seq=both.as_of_seq)
        assert both.figures() == alone.figures()
        assert both.year_to_date.figures() == ytd.figures()
        assert both.year_to_date.counted_seqs == ytd.counted_seqs
        assert period.year_to_date(both) is both.year_to_date
    whole = period.compute(*Q4, with_year_to_date=True).year_to_date
    assert whole.total.figure("admissions") >= 2
    assert whole.total.flows["transfer_in_internal"] == 1

"""Tree events: merged, upgraded, succeeded; reports before and after; decisions' issuers."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.orgs.helpers import record
from workflow.extensions import db
from workflow.membership import members_on
from workflow.models import AuditEntry, Case, Decision, Organization, Person
from workflow.orgs import history
from workflow.reports import document, period
from workflow.store.errors import InvalidInput

MERGED_ON = date(2025, 7, 1)


def _row(report, code):
    return next((r for r in report.rows if r.org.code == code), None)


def test_three_grassroots_committees_merged_on_a_past_date(world):
    g1, g2, g3 = (world.org(c) for c in ("G1", "G2", "G3"))
    c1, c1b = world.org("C1"), world.org("C1B")
    moved_ids = list(world.members["C1B"])
    # the two cells of G1 merged into one (their members move), and G2, G3 into G1 renamed
    record(world, "merge", MERGED_ON, target_id=c1.id, sources=[c1b.id])
    event = record(
        world,
        "merge",
        MERGED_ON,
        target_id=g1.id,
        sources=[g2.id, g3.id],
        name="Đảng bộ Trường Cao đẳng",
    )
    db.session.expire_all()

    # today: one committee, its cells under it, the sources ended
    assert world.org("G1").name == "Đảng bộ Trường Cao đẳng"
    assert world.org("C2").parent_id == g1.id and world.org("S3").parent_id == g1.id
    assert world.org("C3").path.startswith(world.org("G1").path)
    assert not world.org("G2").active and not world.org("G3").active
    assert {
        p.cell_id for p in db.session.scalars(select(Person).where(Person.id.in_(moved_ids)))
    } == {c1.id}

    # the tree as it was the day before, and on the day
    before = history.identities_on(date(2025, 6, 30))
    assert before[g1.id].name == "Đảng bộ Sở Tài chính"
    assert before[world.orgs["C2"]].parent_id == g2.id and before[g2.id].active
    after = history.identities_on(MERGED_ON)
    assert not after[g2.id].active and after[world.orgs["C2"]].parent_id == g1.id

    # the report of the quarter before places organizations and members as they were
    q2 = period.compute(date(2025, 4, 1), date(2025, 6, 30))
    assert {r.org.code for r in q2.rows} == {"G1", "G2", "G3", "GC4"}
    assert _row(q2, "G1").name == "Đảng bộ Sở Tài chính"
    assert _row(q2, "G1").tally.end_total == 18 and _row(q2, "G2").tally.end_total == 9
    # … and the quarter after, as they are from the merger on
    q3 = period.compute(date(2025, 7, 1), date(2025, 9, 30))
    assert {r.org.code for r in q3.rows} == {"G1", "GC4"}
    g1_row = _row(q3, "G1")
    assert g1_row.name == "Đảng bộ Trường Cao đẳng"
    assert g1_row.tally.end_total == 36 and q3.total.end_total == 45
    # the members moved with their cell: a reorganization, not a transfer
    assert q3.total.flows["reorganized_in"] == 9 and q3.total.flows["reorganized_out"] == 9
    for flow in ("transfer_in_internal", "transfer_out_internal"):
        assert q3.total.flows[flow] == 0 and q2.total.flows[flow] == 0
    assert q3.balanced and q2.balanced
    assert q3.total.figure("reorganized_in") == 9

    # each move is a dated row of the member's history
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "organization.member_moved")
    ).all()
    assert {r.person_id for r in rows} == set(moved_ids)
    assert {(r.event_date, r.procedure, r.org_id) for r in rows} == {
        (MERGED_ON, "reorganization", c1.id)
    }
    # the list of the merged cell as of a day before shows its members there
    assert {p.id for p in members_on(c1b.path, date(2025, 6, 30))} == set(moved_ids)
    assert members_on(c1b.path, date(2025, 7, 2)) == []

    # the decision: numbered in the upper committee's register, audited
    decision = db.session.get(Decision, event.decision_id)
    assert decision.reference == "Số 2-QĐ/ĐUK" and decision.decided_on == MERGED_ON
    assert (
        "Hợp nhất Đảng bộ Công ty Điện lực, Đảng bộ Bệnh viện tỉnh vào Đảng bộ Sở Tài chính, "
        "lấy tên là Đảng bộ Trường Cao đẳng" in decision.html
    )
    assert db.session.scalar(
        select(AuditEntry.seq).where(
            AuditEntry.action == "organization.merge", AuditEntry.subject_id == event.id
        )
    )


def test_a_cell_upgraded_to_a_grassroots_committee(world):
    gc4 = world.org("GC4")
    upgraded_on = date(2025, 8, 1)
    event = record(
        world,
        "upgrade",
        upgraded_on,
        org_id=gc4.id,
        name="Đảng bộ Sở Tư pháp",
        cell_name="Chi bộ Văn phòng Sở Tư pháp",
        cell_code="GC4V",
    )
    db.session.expire_all()
    gc4 = world.org("GC4")
    cell = db.session.scalars(select(Organization).where(Organization.code == "GC4V")).one()
    assert gc4.kind == "grassroots_committee" and cell.parent_id == gc4.id
    assert {
        p.cell_id
        for p in db.session.scalars(select(Person).where(Person.id.in_(world.members["GC4"])))
    } == {cell.id}
    assert history.identity_on(gc4, date(2025, 7, 31)).kind == "grassroots_cell"
    assert history.identity_on(gc4, date(2025, 7, 31)).name == "Chi bộ Sở Tư pháp"
    assert not history.identity_on(cell, date(2025, 7, 31)).active
    q3 = period.compute(date(2025, 7, 1), date(2025, 9, 30))
    assert _row(q3, "GC4").name == "Đảng bộ Sở Tư pháp" and _row(q3, "GC4").tally.end_total == 9
    assert q3.total.flows["reorganized_in"] == 9 and q3.total.flows["transfer_in_internal"] == 0
    assert q3.balanced
    facts = json.loads(event.payload)
    assert facts["members"] == 9
    html = db.session.get(Decision, event.decision_id).html
    assert (
        "Nâng cấp Chi bộ Sở Tư pháp (chi bộ cơ sở) thành Đảng bộ Sở Tư pháp (đảng bộ cơ sở)" in html
    )


def test_upper_committee_succeeded_decisions_print_their_own_issuer(world):
    record(
        world,
        "succeed_upper",
        date(2025, 3, 1),
        name="Đảng ủy các cơ quan Đảng tỉnh",
        abbreviation="ĐUCQ",
        external_reference="Quyết định số 1533-QĐ/TU ngày 10/02/2025 của Ban Thường vụ Tỉnh ủy",
        working_rules="Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ các cơ quan Đảng tỉnh "
        "nhiệm kỳ 2025 – 2030;",
    )
    old = record(
        world,
        "rename",
        date(2024, 5, 10),
        org_id=world.orgs["G3"],
        name="Đảng bộ Bệnh viện Đa khoa tỉnh",
    )
    new = record(
        world,
        "rename",
        date(2026, 1, 10),
        org_id=world.orgs["G2"],
        name="Đảng bộ Tổng công ty Điện lực",
    )
    d_old = db.session.get(Decision, old.decision_id)
    d_new = db.session.get(Decision, new.decision_id)
    assert d_old.reference == "Số 1-QĐ/ĐUK" and d_new.reference == "Số 1-QĐ/ĐUCQ"
    assert "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH" in d_old.html
    assert "các cơ quan Đảng tỉnh".upper() not in d_old.html
    assert "ĐẢNG ỦY CÁC CƠ QUAN ĐẢNG TỈNH" in d_new.html
    assert "Ban Thường vụ Đảng ủy các cơ quan Đảng tỉnh".upper() in d_new.html
    assert "Quy chế làm việc của Ban Chấp hành Đảng bộ các cơ quan Đảng tỉnh" in d_new.html
    assert "Quy chế làm việc của Ban Chấp hành Đảng bộ các cơ quan Đảng tỉnh" not in d_old.html
    assert history.upper_on(date(2025, 2, 28)).name.startswith("Đảng ủy Khối")
    assert history.upper_on(date(2025, 3, 1)).abbreviation == "ĐUCQ"
    # the renamed organization is named as it was
    assert history.identity_on(world.org("G3"), date(2024, 5, 9)).name == "Đảng bộ Bệnh viện tỉnh"
    assert world.org("G3").name == "Đảng bộ Bệnh viện Đa khoa tỉnh"


def test_open_cases_follow_their_member(world):
    case_id = world.new_candidate("C1B", opened=date(2025, 9, 1))
    case = db.session.get(Case, case_id)
    person_id = case.person_id
    record(
        world, "merge", date(2025, 10, 1), target_id=world.orgs["C1"], sources=[world.orgs["C1B"]]
    )
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.cell_id == world.orgs["C1"]
    assert db.session.get(Person, person_id).cell_id == world.orgs["C1"]
    assert db.session.scalar(
        select(AuditEntry.seq).where(
            AuditEntry.action == "case.reorganized", AuditEntry.subject_id == case_id
        )
    )


def test_merging_into_itself_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        record(world, "merge", MERGED_ON, target_id=world.orgs["C1"], sources=[world.orgs["C1"]])
    assert exc.value.errors["sources"] == "Không hợp nhất Chi bộ Phòng Ngân sách vào chính nó."
    assert world.org("C1").active and db.session.scalar(select(Decision.id)) is None


def test_establishing_with_two_official_members_is_refused(world):
    two = world.members["C1"][:2]
    with pytest.raises(InvalidInput) as exc:
        record(
            world,
            "establish",
            MERGED_ON,
            code="CBTN",
            name="Chi bộ Công ty Tư nhân",
            kind="cell",
            parent_id=world.orgs["G1"],
            members=two,
        )
    assert "ít nhất 3 đảng viên chính thức" in exc.value.errors["members"]
    assert "có 2 đảng viên chính thức" in exc.value.errors["members"]
    assert db.session.scalar(select(Organization.id).where(Organization.code == "CBTN")) is None
    event = record(
        world,
        "establish",
        MERGED_ON,
        code="CBTN",
        name="Chi bộ Công ty Tư nhân",
        kind="cell",
        parent_id=world.orgs["G1"],
        members=world.members["C1"][:3],
    )
    org = db.session.get(Organization, event.target_id)
    assert not history.identity_on(org, date(2025, 6, 30)).active
    assert len(members_on(org.path, MERGED_ON)) == 3


def test_changes_out_of_date_order_are_refused(world):
    record(
        world, "rename", date(2025, 6, 1), org_id=world.orgs["G1"], name="Đảng bộ Sở Tài chính tỉnh"
    )
    with pytest.raises(InvalidInput) as exc:
        record(world, "rename", date(2025, 5, 1), org_id=world.orgs["G1"], name="Tên khác")
    assert "theo thứ tự ngày" in exc.value.errors["effective_on"]


def test_every_event_kind_has_an_audit_label():
    from workflow.presenters import ACTION_LABELS
    from workflow.reorganization.events import EVENT_KINDS

    assert all(ACTION_LABELS.get(f"organization.{kind}") for kind in EVENT_KINDS)


def test_an_edit_corrects_the_current_dated_identity(world):
    from workflow.operations.orgs import update_org

    record(world, "rename", date(2025, 6, 1), org_id=world.orgs["G1"], name="Đảng bộ Sở Tài chinh")
    g1 = world.org("G1")
    update_org(
        g1.id,
        {"code": g1.code, "name": "Đảng bộ Sở Tài chính tỉnh", "kind": g1.kind},
        actor=world.actor("dept"),
    )
    assert (
        history.identity_on(world.org("G1"), date(2026, 1, 1)).name == "Đảng bộ Sở Tài chính tỉnh"
    )
    assert history.identity_on(world.org("G1"), date(2025, 5, 1)).name == "Đảng bộ Sở Tài chính"


def test_split_move_downgrade_dissolve_and_hand_over(world):
    c1 = world.org("C1")
    part = world.members["C1"][:4]
    split = record(
        world,
        "split",
        date(2025, 5, 1),
        org_id=c1.id,
        code="C1P",
        name="Chi bộ Phòng Ngân sách 2",
        members=part,
    )
    new_cell = db.session.get(Organization, split.target_id)
    assert new_cell.parent_id == world.orgs["G1"] and new_cell.kind == "cell"
    assert {p.cell_id for p in db.session.scalars(select(Person).where(Person.id.in_(part)))} == {
        new_cell.id
    }
    # moved under another grassroots committee, then that committee made a cell again
    record(world, "move", date(2025, 6, 1), org_id=new_cell.id, parent_id=world.orgs["G2"])
    assert history.identity_on(new_cell, date(2025, 5, 31)).parent_id == world.orgs["G1"]
    assert db.session.get(Organization, new_cell.id).parent_id == world.orgs["G2"]
    record(
        world,
        "downgrade",
        date(2025, 7, 1),
        org_id=world.orgs["G2"],
        name="Chi bộ Công ty Điện lực",
    )
    g2 = world.org("G2")
    assert g2.kind == "grassroots_cell"
    assert {p.cell_id for p in db.session.scalars(select(Person).where(Person.cell_id == g2.id))}
    assert not world.org("C2").active and not db.session.get(Organization, new_cell.id).active
    # a cell with members is not dissolved; an empty one is
    with pytest.raises(InvalidInput) as exc:
        record(world, "dissolve", date(2025, 8, 1), org_id=world.orgs["C1B"])
    assert "còn đảng viên" in exc.value.errors["org_id"]
    # handed over to another upper committee: its members leave this committee's lists
    before = period.compute(date(2025, 7, 1), date(2025, 9, 30))
    record(
        world,
        "hand_over",
        date(2025, 10, 1),
        org_id=g2.id,
        receiver="Đảng ủy phường Thanh Miếu",
    )
    q4 = period.compute(date(2025, 10, 1), date(2025, 12, 31))
    assert q4.total.flows["reorganized_out"] == 13 and q4.total.flows["transfer_out_external"] == 0
    assert q4.total.end_total == before.total.end_total - 13 and q4.balanced
    assert not world.org("G2").active
    assert members_on(world.org("G2").path, date(2025, 10, 2)) == []


def test_hand_over_with_open_cases_is_refused(world):
    world.new_candidate("GC4", opened=date(2025, 9, 1))
    with pytest.raises(InvalidInput) as exc:
        record(world, "hand_over", date(2025, 10, 1), org_id=world.orgs["GC4"], receiver="X")
    assert "còn 1 hồ sơ đang giải quyết" in exc.value.errors["org_id"]
    assert world.org("GC4").active


def test_certificates_name_the_upper_committee_as_it_was_when_the_class_ended(world):
    from workflow.models import TrainingClass
    from workflow.training.certificates import _heading

    record(
        world,
        "succeed_upper",
        date(2025, 3, 1),
        name="Đảng ủy các cơ quan Đảng tỉnh",
        abbreviation="ĐUCQ",
        external_reference="Quyết định số 1533-QĐ/TU ngày 10/02/2025",
    )
    old = _heading(TrainingClass(ends_on=date(2025, 2, 20), organizer=None))
    new = _heading(TrainingClass(ends_on=date(2025, 3, 20), organizer=None))
    assert old["committee"].startswith("Đảng ủy Khối")
    assert new["committee"] == "Đảng ủy các cơ quan Đảng tỉnh"
    assert new["superior"] == "Đảng bộ tỉnh Phú Thọ"


def test_a_party_organization_is_reprimanded_or_dissolved_by_a_numbered_decision(world, login):
    """Discipline of a party organization (khiển trách, cảnh cáo, giải tán) by the upper
    committee: a numbered decision naming the form and the violation; dissolution ends the
    organization once its members are placed; the quarter's report says how many."""
    c1b = world.org("C1B")
    with pytest.raises(InvalidInput) as exc:
        record(world, "org_discipline", date(2025, 8, 4), org_id=c1b.id, org_form="", violation="")
    assert set(exc.value.errors) == {"org_form", "violation"}
    violation = "Buông lỏng quản lý đảng viên, không sinh hoạt định kỳ 3 tháng."
    event = record(world, "org_discipline", date(2025, 8, 4), org_id=c1b.id, org_form="reprimand",
                   violation=violation)  # fmt: skip
    decision = db.session.get(Decision, event.decision_id)
    assert decision.status == "issued" and decision.issuer == "upper"
    doc = json.loads(decision.snapshot)
    assert doc["subject"] == f"về việc thi hành kỷ luật {c1b.name}"
    assert f"Thi hành kỷ luật {c1b.name} bằng hình thức KHIỂN TRÁCH." in doc["articles"]
    assert history.identity_on(c1b, date(2025, 9, 1)).active  # a reprimand leaves it be
    # dissolution only once its members are placed elsewhere
    with pytest.raises(InvalidInput) as exc:
        record(world, "org_discipline", date(2025, 9, 1), org_id=c1b.id, org_form="dissolution",
               violation="Vi phạm nghiêm trọng, kéo dài.")  # fmt: skip
    assert "còn đảng viên" in exc.value.errors["org_id"]
    record(world, "merge", date(2025, 9, 2), target_id=world.orgs["C1"],
           sources=[world.orgs["C1B"]])  # fmt: skip
    report = period.compute(date(2025, 7, 1), date(2025, 9, 30))
    assert period.org_disciplines(report) == {"Khiển trách": 1}
    summary = document.build(report, committee_name="Đảng ủy Khối").summary
    assert "thi hành kỷ luật 1 tổ chức đảng (khiển trách 1)" in summary
    # the department's form offers it, and the page of events lists it
    client = login("dept")
    form = client.get("/orgs/events/new?kind=org_discipline").get_data(as_text=True)
    assert "Hình thức kỷ luật" in form and "Giải tán" in form
    assert "Thi hành kỷ luật tổ chức đảng" in client.get("/orgs/events").get_data(as_text=True)


def test_a_merger_within_the_period_places_the_start_where_the_members_then_were(world):
    g1, g2, g3 = (world.org(c) for c in ("G1", "G2", "G3"))
    record(world, "merge", date(2025, 8, 15), target_id=g1.id, sources=[g2.id, g3.id])
    db.session.expire_all()
    q3 = period.compute(date(2025, 7, 1), date(2025, 9, 30))
    # the merged committees start with their members, who leave with their cells …
    for code in ("G2", "G3"):
        row = _row(q3, code).tally
        assert (row.start_total, row.end_total) == (9, 0)
        assert (
            row.flows["reorganized_out"] == 9
            and row.flows_by_status[("reorganized_out", "official")] == 9
        )
    # … and arrive in the committee they merged into, as a reorganization, not a transfer
    g1_row = _row(q3, "G1").tally
    assert (g1_row.start_total, g1_row.end_total) == (18, 36)
    assert g1_row.flows["reorganized_in"] == 18
    assert g1_row.flows["transfer_in_internal"] == 0
    assert q3.balanced and q3.total.start_total == q3.total.end_total == 45
    # the whole committee's members stayed in it: no flow in the total
    assert q3.total.flows["reorganized_in"] == q3.total.flows["reorganized_out"] == 0

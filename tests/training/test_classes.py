"""Classes, rosters, results and certificates through their operations: the rules, the
register numbers, the audit rows, and what nobody may do."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.training.helpers import audit_actions, candidate, members, new_class, pass_all
from workflow.extensions import db
from workflow.models import AuditEntry, Certificate, TrainingEnrollment
from workflow.store.audit import verify_chain
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.training import operations


def test_a_class_is_created_with_its_particulars_and_audited(world):
    cls = new_class(world)
    assert (cls.kind, cls.starts_on, cls.ends_on) == (
        "awareness",
        date(2025, 9, 15),
        date(2025, 9, 19),
    )
    assert cls.certificate_issuer == "Ban Thường vụ Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
    assert cls.organizer_id is None
    assert audit_actions(cls.id) == ["class.create"]


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"kind": "dancing"}, "kind", "Chọn loại lớp."),
        ({"title": "  "}, "title", "Ghi tên lớp"),
        ({"ends_on": "10/09/2025"}, "ends_on", "không được trước ngày khai giảng (15/09/2025)"),
        ({"starts_on": "31/02/2025"}, "starts_on", "không tồn tại"),
        ({"place": "<img src=x>"}, "place", ""),
        ({"title": "x" * 201}, "title", "Tối đa 200 ký tự."),
        ({"organizer_id": "999999"}, "organizer_id", "Chọn đơn vị tổ chức"),
    ],
)
def test_bad_class_particulars_are_refused_and_nothing_written(world, raw, field, message):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(InvalidInput) as exc:
        new_class(world, **raw)
    assert field in exc.value.errors and message in exc.value.errors[field]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_only_the_department_manages_classes(world):
    for user in ("sec1", "gs1", "signer", "inspector"):
        with pytest.raises(PermissionDenied):
            operations.create_class(
                {
                    "kind": "awareness",
                    "title": "A",
                    "starts_on": "01/10/2025",
                    "ends_on": "02/10/2025",
                },
                actor=world.actor(user),
            )


def test_a_class_run_by_a_grassroots_committee_numbers_in_its_own_register(world):
    cls = new_class(world, organizer_id=str(world.orgs["G2"]))
    assert cls.certificate_issuer == "Ban Thường vụ Đảng bộ Công ty Điện lực"
    person = candidate(world, "C2")
    operations.add_trainee(cls.id, {"person": person.id}, actor=world.actor("dept"))
    pass_all(world, cls)
    [cert] = operations.issue_certificates(
        cls.id, {"issued_on": "20/09/2025"}, cls.version, actor=world.actor("dept")
    )
    assert cert.number == "1/CN-NTVĐ"
    assert operations.register_issuer(cls) == f"org:{world.orgs['G2']}"


def test_the_department_enrolls_and_a_cell_secretary_proposes_only_their_own_people(world):
    cls = new_class(world)
    own, other = candidate(world, "C1", "Lê Thị Mai"), candidate(world, "C2", "Phan Văn Tú")
    row = operations.add_trainee(
        cls.id, {"citizen_id": own.citizen_id, "position": "candidate"}, actor=world.actor("sec1")
    )
    assert (row.status, row.sent_by_id, row.position) == ("proposed", world.orgs["C1"], "candidate")
    with pytest.raises(InvalidInput) as exc:
        operations.add_trainee(cls.id, {"person": other.id}, actor=world.actor("sec1"))
    assert exc.value.errors["citizen_id"] == "Không tìm thấy người này trong phạm vi của bạn."
    row2 = operations.add_trainee(cls.id, {"person": other.id}, actor=world.actor("dept"))
    assert row2.status == "enrolled"
    with pytest.raises(InvalidInput) as exc:
        operations.add_trainee(cls.id, {"person": other.id}, actor=world.actor("dept"))
    assert "đã có trong danh sách lớp này" in exc.value.errors["citizen_id"]
    operations.accept(row.id, actor=world.actor("dept"))
    assert db.session.get(TrainingEnrollment, row.id).status == "enrolled"
    assert audit_actions(cls.id) == [
        "class.create",
        "class.trainee_proposed",
        "class.trainee_added",
        "class.trainee_accepted",
    ]
    rows = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_id == cls.id, AuditEntry.subject_type == "training_class"
        )
    )
    assert [r.person_id for r in rows][1:] == [own.id, other.id, own.id]


def test_a_proposer_takes_back_only_their_own_proposal_not_yet_taken(world):
    cls = new_class(world)
    person = candidate(world, "C1")
    row = operations.add_trainee(cls.id, {"person": person.id}, actor=world.actor("sec1"))
    with pytest.raises(NotFound):
        operations.withdraw(row.id, actor=world.actor("sec2"))
    operations.withdraw(row.id, actor=world.actor("sec1"))
    assert db.session.get(TrainingEnrollment, row.id).status == "withdrawn"
    # proposed again, taken by the department: now only the department withdraws it
    row = operations.add_trainee(cls.id, {"person": person.id}, actor=world.actor("sec1"))
    operations.accept(row.id, actor=world.actor("dept"))
    with pytest.raises(NotFound):
        operations.withdraw(row.id, actor=world.actor("sec1"))


def test_who_a_class_is_for(world):
    awareness, new_members, party_work = (
        new_class(world, k) for k in ("awareness", "new_member", "party_work")
    )
    member = members(world)[0]
    with pytest.raises(InvalidInput) as exc:
        operations.add_trainee(awareness.id, {"person": member.id}, actor=world.actor("dept"))
    assert "quần chúng ưu tú (chưa là đảng viên)" in exc.value.errors["citizen_id"]
    with pytest.raises(InvalidInput):
        operations.add_trainee(
            new_members.id, {"person": candidate(world).id}, actor=world.actor("dept")
        )
    row = operations.add_trainee(
        party_work.id, {"person": member.id, "position": "secretary"}, actor=world.actor("dept")
    )
    assert row.position == "secretary"


def test_results_are_checked_row_by_row_and_all_or_nothing(world):
    cls = new_class(world)
    a, b = candidate(world, name="Đỗ Thị An"), candidate(world, name="Hà Văn Bình")
    ra = operations.add_trainee(cls.id, {"person": a.id}, actor=world.actor("dept"))
    rb = operations.add_trainee(cls.id, {"person": b.id}, actor=world.actor("dept"))
    with pytest.raises(InvalidInput) as exc:
        operations.record_results(
            cls.id,
            {
                ra.id: {"attendance": "full", "result": "good"},
                rb.id: {"attendance": "absent", "result": "passed"},
            },
            cls.version,
            actor=world.actor("dept"),
        )
    assert exc.value.errors == {
        f"result-{rb.id}": "Hà Văn Bình: Học viên không tham gia lớp thì không thể có kết quả đạt."
    }
    db.session.expire_all()
    assert db.session.get(TrainingEnrollment, ra.id).result is None
    version = cls.version
    changed = operations.record_results(
        cls.id,
        {
            ra.id: {"attendance": "full", "result": "good"},
            rb.id: {"attendance": "absent", "result": "failed", "note": "Ốm"},
        },
        version,
        actor=world.actor("dept"),
    )
    assert changed == 2
    # a grid opened before that save is stale
    with pytest.raises(StaleRecord):
        operations.record_results(
            cls.id, {ra.id: {"attendance": "partial"}}, version, actor=world.actor("dept")
        )
    assert audit_actions(cls.id).count("class.result") == 2


def test_certificates_are_numbered_in_order_for_those_who_passed_only(world):
    cls = new_class(world)
    people = [candidate(world, name=n) for n in ("Vũ Thị Yến", "Âu Văn Ân", "Bạch Thị Bích")]
    rows = [
        operations.add_trainee(cls.id, {"person": p.id}, actor=world.actor("dept")) for p in people
    ]
    operations.record_results(
        cls.id,
        {
            rows[0].id: {"attendance": "full", "result": "excellent"},
            rows[1].id: {"attendance": "full", "result": "passed"},
            rows[2].id: {"attendance": "partial", "result": "failed"},
        },
        cls.version,
        actor=world.actor("dept"),
    )
    db.session.expire_all()
    with pytest.raises(InvalidInput) as exc:
        operations.issue_certificates(
            cls.id, {"issued_on": "18/09/2025"}, cls.version, actor=world.actor("dept")
        )
    assert "không được trước ngày bế giảng (19/09/2025)" in exc.value.errors["issued_on"]
    certs = operations.issue_certificates(
        cls.id, {"issued_on": "20/09/2025"}, cls.version, actor=world.actor("dept")
    )
    # Vietnamese name order: Ân before Yến; the one who failed gets none
    assert [(c.person_id, c.number) for c in certs] == [
        (people[1].id, "1/CN-NTVĐ"),
        (people[0].id, "2/CN-NTVĐ"),
    ]
    assert all(c.class_id == cls.id and c.kind == "awareness" for c in certs)
    assert audit_actions(cls.id).count("class.certified:awareness") == 2
    # nothing left to issue; a second class continues the register
    db.session.expire_all()
    with pytest.raises(InvalidInput):
        operations.issue_certificates(
            cls.id, {"issued_on": "20/09/2025"}, cls.version, actor=world.actor("dept")
        )
    # (a register runs for one committee term: a new term began on 01/10/2025)
    other = new_class(world, title="Khóa 9b/2025", starts_on="22/09/2025", ends_on="26/09/2025")
    person = candidate(world, name="Cao Thị Cúc")
    operations.add_trainee(other.id, {"person": person.id}, actor=world.actor("dept"))
    pass_all(world, other)
    [cert] = operations.issue_certificates(
        other.id, {"issued_on": "26/09/2025"}, other.version, actor=world.actor("dept")
    )
    assert cert.number == "3/CN-NTVĐ"
    # a certificate cannot be taken back by changing the result
    row = db.session.scalars(
        select(TrainingEnrollment).where(TrainingEnrollment.person_id == person.id)
    ).one()
    with pytest.raises(InvalidInput):
        operations.record_results(
            other.id,
            {row.id: {"attendance": "full", "result": "failed"}},
            other.version,
            actor=world.actor("dept"),
        )
    assert verify_chain().ok


def test_the_class_cannot_change_kind_or_end_after_its_certificates(world):
    cls = new_class(world)
    operations.add_trainee(cls.id, {"person": candidate(world).id}, actor=world.actor("dept"))
    pass_all(world, cls)
    operations.issue_certificates(
        cls.id, {"issued_on": "19/09/2025"}, cls.version, actor=world.actor("dept")
    )
    db.session.expire_all()
    raw = {
        "kind": "awareness",
        "title": cls.title,
        "starts_on": "15/09/2025",
        "ends_on": "25/09/2025",
    }
    with pytest.raises(InvalidInput) as exc:
        operations.update_class(cls.id, raw, cls.version, actor=world.actor("dept"))
    assert "không được sau ngày đó" in exc.value.errors["ends_on"]
    with pytest.raises(StaleRecord):
        operations.update_class(
            cls.id, {**raw, "ends_on": "19/09/2025"}, cls.version - 1, actor=world.actor("dept")
        )
    operations.update_class(
        cls.id,
        {**raw, "ends_on": "19/09/2025", "place": "Hội trường B"},
        cls.version,
        actor=world.actor("dept"),
    )
    assert audit_actions(cls.id)[-1] == "class.update"
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1

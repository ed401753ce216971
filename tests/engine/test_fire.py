"""The engine fires transitions in one transaction, and writes nothing when it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from states.rules import rules_on
from workflow.engine import available_transitions, fire
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Deadline, Decision, DossierItem, Person, Vote
from workflow.queries import person_search
from workflow.store.audit import verify_chain
from workflow.store.errors import (
    GuardFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleCase,
    TransitionNotAllowed,
)


def snapshot(case_id: int) -> tuple:
    """Everything a refused firing must leave untouched."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (AuditEntry, Vote, DossierItem, Decision, Deadline)
    )
    return (case.state, case.version, case.last_event_on, *counts)


PATHS = {
    "C1": [
        "source_list",
        "in_awareness_class",
        "certified",
        "preparing_dossier",
        "under_verification",
        "awaiting_cell_meeting",
        "cell_resolved",
        "grassroots_resolved",
        "department_appraised",
        "admission_decided",
        "awaiting_ceremony",
        "admitted",
    ],
    "C3": [
        "source_list",
        "in_awareness_class",
        "certified",
        "preparing_dossier",
        "under_verification",
        "awaiting_cell_meeting",
        "cell_resolved",
        "subcommittee_appraised",
        "grassroots_resolved",
        "department_appraised",
        "admission_decided",
        "awaiting_ceremony",
        "admitted",
    ],
    "C2": [
        "source_list",
        "in_awareness_class",
        "certified",
        "preparing_dossier",
        "under_verification",
        "awaiting_cell_meeting",
        "cell_resolved",
        "admission_decided",
        "awaiting_ceremony",
        "admitted",
    ],
    "GC4": [
        "source_list",
        "in_awareness_class",
        "certified",
        "preparing_dossier",
        "under_verification",
        "awaiting_cell_meeting",
        "cell_resolved",
        "department_appraised",
        "admission_decided",
        "awaiting_ceremony",
        "admitted",
    ],
}


@pytest.mark.parametrize("cell", sorted(PATHS))
def test_full_path_visits_the_declared_states_for_each_kind_of_organization(world, cell):
    case_id = world.new_candidate(cell)
    world.advance(case_id, "admitted")
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "case", AuditEntry.subject_id == case_id)
        .order_by(AuditEntry.seq)
    ).all()
    visited = [rows[0].to_state]
    for row in rows[1:]:
        if row.to_state != visited[-1]:
            visited.append(row.to_state)
    assert visited == PATHS[cell]
    assert all(r.from_state in (None, *PATHS[cell]) for r in rows)
    case = db.session.get(Case, case_id)
    assert case.closed_at is not None
    assert verify_chain().ok


def test_admission_records_both_dates_and_the_numbered_decision(world):
    case_id = world.new_candidate("C1")
    last = world.advance(case_id, "admitted")
    person = db.session.get(Case, case_id).person
    decision = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert person.member_status == "probationary"
    assert person.joined_on == last  # the ceremony date
    assert person.admission_decision_on == decision.decided_on
    assert decision.decided_on < person.joined_on
    assert decision.reference == "Số 1-QĐ/ĐUK"
    assert decision.signer_title == "PHÓ BÍ THƯ"
    assert decision.rule_set == rules_on(decision.decided_on).key


def test_decision_numbers_are_per_register(world):
    first = world.new_candidate("C1", name="Nguyễn Văn An")
    second = world.new_candidate("C1B", name="Nguyễn Văn Bình")
    authorized = world.new_candidate("C2", name="Nguyễn Văn Cường")
    for case_id in (first, second, authorized):
        world.advance(case_id, "admission_decided")
    refs = {
        cid: db.session.scalars(select(Decision).where(Decision.case_id == cid)).one().reference
        for cid in (first, second, authorized)
    }
    assert refs == {first: "Số 1-QĐ/ĐUK", second: "Số 2-QĐ/ĐUK", authorized: "Số 1-QĐ/ĐU"}


def test_every_firing_writes_exactly_one_audit_row_with_the_event_date(world):
    case_id = world.new_candidate("C1")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    result = world.fire(
        case_id, "enroll_awareness_class", "sec1", date(2025, 9, 10), class_name="Lớp 9/2025"
    )
    after = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert after == before + 1
    row = db.session.get(AuditEntry, result.audit_seq)
    assert (row.action, row.from_state, row.to_state) == (
        "enroll_awareness_class",
        "source_list",
        "in_awareness_class",
    )
    assert row.event_date == date(2025, 9, 10)
    assert row.entered_at.date() >= date(2025, 9, 10)  # entered later than it happened is fine
    assert '"class_name":"Lớp 9/2025"' in row.payload
    assert row.actor_name == "Ngô Văn Một" and row.actor_role == "cell_secretary"


def test_guard_failure_explains_itself_and_writes_nothing(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "awaiting_cell_meeting")
    before = snapshot(case_id)
    with pytest.raises(GuardFailed) as exc:
        world.fire(
            case_id,
            "record_cell_resolution",
            "sec1",
            date(2026, 1, 20),
            official_total=9,
            yes=5,
            no=4,
        )
    assert [v.code for v in exc.value.verdicts] == ["vote.below_threshold"]
    assert "chưa đạt 2/3" in exc.value.verdicts[0].message
    assert snapshot(case_id) == before


def test_invalid_payload_writes_nothing(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "in_awareness_class")
    before = snapshot(case_id)
    with pytest.raises(InvalidInput) as exc:
        world.fire(case_id, "record_certificate", "sec1", certificate_number="  ", issuer="x" * 500)
    assert set(exc.value.errors) == {"certificate_number", "issuer"}
    assert snapshot(case_id) == before


def test_stale_version_is_refused(world):
    case_id = world.new_candidate("C1")
    case = db.session.get(Case, case_id)
    old = case.version
    world.fire(case_id, "enroll_awareness_class", "sec1", class_name="Lớp A")
    before = snapshot(case_id)
    with pytest.raises(StaleCase):
        fire(
            case_id,
            "record_certificate",
            actor=world.actor("sec1"),
            expected_version=old,
            payload={"event_date": "2025-09-20", "certificate_number": "1", "issuer": "BTV"},
        )
    assert snapshot(case_id) == before


def test_record_only_steps_also_move_the_version(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "preparing_dossier")
    case = db.session.get(Case, case_id)
    version, state = case.version, case.state
    world.fire(case_id, "record_document", "sec1", document="opinions", note="Ý kiến")
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.state == state and case.version == version + 1


def test_trigger_not_allowed_in_this_state(world):
    case_id = world.new_candidate("C1")
    before = snapshot(case_id)
    with pytest.raises(TransitionNotAllowed):
        world.fire(case_id, "hold_ceremony", "sec1", helpers=[])
    with pytest.raises(TransitionNotAllowed):
        world.fire(case_id, "no_such_trigger", "sec1")
    assert snapshot(case_id) == before


def test_case_outside_scope_looks_missing_and_wrong_role_is_denied(world):
    case_id = world.new_candidate("C1")
    with pytest.raises(NotFound):
        world.fire(case_id, "enroll_awareness_class", "sec1b", class_name="x")
    with pytest.raises(NotFound):
        world.fire(999_999, "enroll_awareness_class", "sec1", class_name="x")
    with pytest.raises(PermissionDenied):
        world.fire(case_id, "enroll_awareness_class", "dept", class_name="x")


def test_events_cannot_go_back_in_time(world):
    case_id = world.new_candidate("C1", opened=date(2025, 9, 1))
    world.fire(case_id, "enroll_awareness_class", "sec1", date(2025, 9, 20), class_name="A")
    with pytest.raises(InvalidInput) as exc:
        world.fire(
            case_id,
            "record_certificate",
            "sec1",
            date(2025, 9, 19),
            certificate_number="1",
            issuer="BTV",
        )
    assert "không được trước ngày của bước" in exc.value.errors["event_date"]
    with pytest.raises(InvalidInput) as exc:
        world.fire(
            case_id,
            "record_certificate",
            "sec1",
            date(2026, 6, 16),
            certificate_number="1",
            issuer="BTV",
        )
    assert "sau ngày hôm nay" in exc.value.errors["event_date"]


def test_record_steps_may_carry_an_earlier_paper_date(world):
    case_id = world.new_candidate("C1", opened=date(2025, 9, 1))
    world.advance(case_id, "under_verification", start=date(2025, 9, 8))
    world.fire(case_id, "record_document", "sec1", date(2025, 9, 2), document="biography")
    item = db.session.scalars(
        select(DossierItem).where(
            DossierItem.case_id == case_id, DossierItem.received_on == date(2025, 9, 2)
        )
    ).one()
    assert item.form_code == "2-KNĐ"


def test_sponsors_must_be_official_members_of_the_same_grassroots_organization(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "preparing_dossier")
    outsider = world.members["C2"][0]
    with pytest.raises(InvalidInput) as exc:
        world.fire(
            case_id,
            "record_sponsors",
            "sec1",
            route="two_members",
            sponsors=[
                {"member": world.members["C1"][0], "together_since": "2023-01-01"},
                {"member": outsider, "together_since": "2023-01-01"},
            ],
        )
    assert list(exc.value.errors) == ["sponsors-1-member"]


def test_a_recent_sponsor_is_refused_when_recorded_and_a_replacement_is_not(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "preparing_dossier")
    members = world.members["C1"]
    rows = [
        {"member": members[0], "together_since": "2023-01-01"},
        {"member": members[1], "together_since": "2025-01-01"},
    ]
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_sponsors", "sec1", route="two_members", sponsors=rows)
    assert [v.code for v in exc.value.verdicts] == ["admission.sponsor_too_recent"]
    rows[1]["replacement"] = True
    world.fire(case_id, "record_sponsors", "sec1", route="two_members", sponsors=rows)
    world.advance(case_id, "awaiting_cell_meeting")
    meeting = date(2026, 3, 1)
    world.fire(case_id, "record_cell_resolution", "sec1", meeting, official_total=9, yes=9, no=0)
    assert db.session.get(Case, case_id).state == "cell_resolved"


def test_applicant_over_sixty_needs_the_special_route(world):
    case_id = world.new_candidate("C1", birth=date(1965, 1, 10))
    world.advance(case_id, "awaiting_cell_meeting")
    meeting = date(2026, 2, 11)  # 61 years and 1 month
    with pytest.raises(GuardFailed) as exc:
        world.fire(
            case_id, "record_cell_resolution", "sec1", meeting, official_total=9, yes=9, no=0
        )
    assert [v.code for v in exc.value.verdicts] == ["admission.age_above_maximum"]
    world.fire(
        case_id,
        "record_cell_resolution",
        "sec1",
        meeting,
        official_total=9,
        yes=9,
        no=0,
        over_age_approval="125-CV/TU",
    )
    assert db.session.get(Case, case_id).state == "cell_resolved"


def test_exclusions_lower_the_denominator(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "awaiting_cell_meeting")
    excluded = [
        {"name": "Trần Văn An", "reason": "temporary_transfer"},
        {"name": "Trần Thị Bình", "reason": "suspended"},
        {"name": "Trần Văn Cường", "reason": "approved_absence"},
    ]
    # 9 official members − 3 excluded = 6; 4 yes is exactly 2/3
    world.fire(
        case_id,
        "record_cell_resolution",
        "sec1",
        date(2026, 2, 1),
        official_total=9,
        excluded=excluded,
        yes=4,
        no=2,
    )
    vote = db.session.scalars(select(Vote).where(Vote.case_id == case_id)).one()
    assert (vote.denominator, vote.yes, vote.passed) == (6, 4, True)
    assert len(vote.excluded) == 3


def test_failed_cell_vote_rejects_and_closes(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "awaiting_cell_meeting")
    with pytest.raises(GuardFailed):
        world.fire(case_id, "record_cell_rejection", "sec1", official_total=9, yes=6, no=3)
    world.fire(case_id, "record_cell_rejection", "sec1", official_total=9, yes=5, no=4)
    case = db.session.get(Case, case_id)
    assert case.state == "rejected" and case.closed_at is not None
    assert available_transitions(case, world.actor("sec1")) == []


def test_grassroots_vote_below_two_thirds_is_reported_upward(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "cell_resolved")
    world.fire(case_id, "record_grassroots_resolution", "gs1", official_total=9, yes=5, no=4)
    case = db.session.get(Case, case_id)
    vote = next(v for v in case.votes if v.body == "grassroots")
    assert case.state == "grassroots_resolved" and vote.passed is False
    note = next(d.note for d in case.documents if d.purpose == "grassroots_resolution")
    assert "báo cáo cấp trên" in note


def test_pause_and_resume_return_to_the_paused_state(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "under_verification")
    world.fire(case_id, "pause", "gs1", reason="Cần làm rõ lý lịch của cha.")
    case = db.session.get(Case, case_id)
    assert (case.state, case.paused_from) == ("paused", "under_verification")
    world.fire(case_id, "resume", "dept", note="Đã làm rõ.")
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert (case.state, case.paused_from) == ("under_verification", None)


def test_return_for_correction_cancels_the_decision_clock(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    world.fire(case_id, "return_for_correction", "dept", reason="Thiếu xác nhận lý lịch.")
    case = db.session.get(Case, case_id)
    assert case.state == "preparing_dossier"
    decision = [d for d in case.deadlines if d.kind == "decision"]
    assert [d.status for d in decision] == ["cancelled"]


def test_signer_cannot_sign_what_they_proposed(world, app):
    from tests.builders import SYSTEM
    from workflow.models import User
    from workflow.operations.users import add_grant
    from workflow.store.uow import unit_of_work

    with unit_of_work():
        user = db.session.get(User, world.users["dept"])
        add_grant(user, "signer", None, "PHÓ BÍ THƯ", actor=SYSTEM)
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    before = snapshot(case_id)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "approve_admission", "dept")
    assert [v.code for v in exc.value.verdicts] == ["decision.signer_is_proposer"]
    assert snapshot(case_id) == before
    world.fire(case_id, "approve_admission", "signer2")
    assert db.session.get(Case, case_id).state == "admission_decided"


def test_decline_rejects_with_a_reason(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    with pytest.raises(InvalidInput):
        world.fire(case_id, "decline_admission", "signer")
    world.fire(case_id, "decline_admission", "signer", reason="Chưa đủ tiêu chuẩn.")
    assert db.session.get(Case, case_id).state == "rejected"


def test_expired_certificate_sends_the_person_back_to_class(world):
    case_id = world.new_candidate("C1", opened=date(2020, 3, 1))
    world.fire(case_id, "enroll_awareness_class", "sec1", date(2020, 3, 10), class_name="A")
    world.fire(
        case_id,
        "record_certificate",
        "sec1",
        date(2020, 4, 1),
        certificate_number="9",
        issuer="BTV",
    )
    with pytest.raises(GuardFailed):
        world.fire(case_id, "expire_certificate", "sec1", date(2025, 3, 31))
    world.fire(case_id, "expire_certificate", "sec1", date(2025, 4, 1))
    assert db.session.get(Case, case_id).state == "certificate_expired"
    world.fire(case_id, "enroll_awareness_class", "sec1", date(2025, 9, 1), class_name="B")
    assert db.session.get(Case, case_id).state == "in_awareness_class"


def test_withdrawal_closes_the_case(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "cell_resolved")
    world.fire(case_id, "withdraw", "sec1", reason="Chuyển công tác ra ngoài tỉnh.")
    case = db.session.get(Case, case_id)
    assert case.state == "withdrawn" and case.closed_at is not None
    assert all(d.status != "open" for d in case.deadlines)


def test_available_transitions_show_disabled_actions_with_reasons(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "under_verification")
    case = db.session.get(Case, case_id)
    actions = {a.trigger: a for a in available_transitions(case, world.actor("gs1"))}
    conclude = actions["conclude_verification"]
    assert not conclude.allowed
    assert any("chưa có kết quả" in r for r in conclude.reasons)
    assert "record_verification_answer" in actions and actions["record_verification_answer"].allowed
    # a cell secretary holds no verification role: those actions are not offered at all
    sec_actions = {a.trigger for a in available_transitions(case, world.actor("sec1"))}
    assert "conclude_verification" not in sec_actions


def test_structural_actions_are_hidden_where_they_do_not_apply(world):
    plain = world.new_candidate("C1", name="Nguyễn Văn An")
    world.advance(plain, "cell_resolved")
    actions = {
        a.trigger for a in available_transitions(db.session.get(Case, plain), world.actor("dept"))
    }
    assert "appraise_by_department" not in actions  # needs the grassroots resolution first
    grassroots_cell = world.new_candidate("GC4", name="Nguyễn Văn Bình")
    world.advance(grassroots_cell, "cell_resolved")
    actions = {
        a.trigger
        for a in available_transitions(db.session.get(Case, grassroots_cell), world.actor("dept"))
    }
    assert "appraise_by_department" in actions


def test_person_record_follows_the_nfc_name(world):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    case_id = world.new_candidate("C1", name=nfd)
    person = db.session.get(Case, case_id).person
    assert person.full_name == "Nguyễn Thị Hằng" and len(person.full_name) == 15
    for query in ("nguyen thi hang", nfd):
        found = db.session.scalars(select(Person.id).where(person_search(query))).all()
        assert found == [person.id]


def test_an_authorized_grassroots_committee_decides_not_to_admit(world):
    case_id = world.new_candidate("C2")
    world.advance(case_id, "cell_resolved")
    with pytest.raises(GuardFailed):  # the vote reached 2/3: that is an admission
        world.fire(
            case_id,
            "decline_by_grassroots",
            "sign2",
            official_total=9,
            yes=8,
            no=1,
            reason="Chưa đủ tiêu chuẩn.",
        )
    world.fire(
        case_id,
        "decline_by_grassroots",
        "sign2",
        official_total=9,
        yes=4,
        no=5,
        reason="Chưa đủ tiêu chuẩn về phẩm chất chính trị.",
    )
    case = db.session.get(Case, case_id)
    assert case.state == "rejected" and case.closed_at is not None
    vote = case.votes[-1]
    assert (vote.body, vote.yes, vote.passed) == ("grassroots", 4, False)
    assert not [d for d in case.deadlines if d.status == "open"]

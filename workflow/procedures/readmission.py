"""Re-admission (states/readmission.py): the admission's facts, effects and path with how the
person left the lists, the re-admission decision (the admission decision's form, "kết nạp lại"),
which keeps the first admission's date and records the time out as a gap in party age."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import select

from states import readmission as spec
from workflow.documents import service
from workflow.documents.kinds import DocumentKind
from workflow.documents.snapshots import chain_of
from workflow.extensions import db
from workflow.models import AuditEntry, Case, MembershipGap, Person
from workflow.permissions import Actor
from workflow.procedures import admission, readmission_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure
from workflow.procedures.common import add_document, latest_decision
from workflow.store.errors import InvalidInput

AUDIT = AuditEntry.__table__


def left(person_id: int) -> tuple[date | None, str | None]:
    """The day the person last left the lists, and the procedure that took them off."""
    row = db.session.execute(
        select(AUDIT.c.event_date, AUDIT.c.procedure)
        .where(AUDIT.c.person_id == person_id, AUDIT.c.member_status == "removed")
        .order_by(AUDIT.c.event_date.desc(), AUDIT.c.seq.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def facts(case: Case, actor: Actor | None, today: date) -> spec.ReadmissionFacts:
    base = admission.facts(case, actor, today)
    left_on, left_by = left(case.person_id)
    ground = None
    if left_by == "removal":
        ground = db.session.scalars(
            select(Case.proposal)
            .where(Case.person_id == case.person_id, Case.procedure == "removal")
            .order_by(Case.id.desc())
        ).first()
    before = db.session.scalar(
        select(Case.id).where(
            Case.person_id == case.person_id,
            Case.procedure == spec.KEY,
            Case.id != case.id,
            Case.state == "admitted",
        )
    )
    return spec.ReadmissionFacts(
        **{f.name: getattr(base, f.name) for f in fields(base)},
        left_on=left_on,
        left_by=left_by,
        left_ground=ground,
        readmitted_before=before is not None,
    )


# --- effects --------------------------------------------------------------------------------


def _open_readmission(person_id: int, other_than: int) -> bool:
    return (
        db.session.scalar(
            select(Case.id).where(
                Case.person_id == person_id,
                Case.procedure == spec.KEY,
                Case.closed_at.is_(None),
                Case.id != other_than,
            )
        )
        is not None
    )


def check_left(ctx: EffectContext) -> None:
    """Only a person who left the lists, one re-admission at a time."""
    person = ctx.case.person
    if person.member_status != "removed":
        raise InvalidInput({"event_date": f"Đồng chí {person.full_name} chưa ra khỏi Đảng."})
    if _open_readmission(person.id, ctx.case.id):
        raise InvalidInput(
            {"event_date": f"Đồng chí {person.full_name} đang có hồ sơ kết nạp lại chưa kết thúc."}
        )


def record_consent(ctx: EffectContext) -> None:
    """The consent enters the dossier, and the decision's draft (when the department drafted
    it already) cites it, so that what the signer reviews is what is issued."""
    add_document(ctx, "provincial_consent", ctx.data["provincial_consent"])
    existing = service.find_draft(ctx.case.id, spec.KEY)
    if existing is not None:
        upper = service.issuer_for(ctx.case, "upper")[0] == existing.issuer
        service.draft(ctx.case, DECISION, actor=ctx.actor, level="upper" if upper else "grassroots")


def _consent_basis(case: Case) -> str:
    """The basis line citing the provincial standing committee's written consent."""
    item = next((d for d in reversed(case.documents) if d.purpose == "provincial_consent"), None)
    return f"Căn cứ văn bản đồng ý của Ban Thường vụ Tỉnh ủy ({item.note});" if item else ""


# --- the decision ---------------------------------------------------------------------------


def decision_draft(case: Case, issuer: str) -> dict[str, Any]:
    return {
        **chain_of(case, issuer, cell_title="chi bộ"),
        "subject": "về việc kết nạp lại đảng viên",
        "form_code": "9-KNĐ",
        "admit_verb": "Kết nạp lại",
        "consent": _consent_basis(case),
    }


def decision_issued(ctx: EffectContext, decision) -> None:
    """Party age counts from the first admission's decision: the time between leaving and
    this decision does not count."""
    person = ctx.case.person
    left_on, _ = left(person.id)
    if person.admission_decision_on is None:
        person.admission_decision_on = decision.decided_on
    elif left_on is not None and left_on < decision.decided_on:
        db.session.add(
            MembershipGap(
                person_id=person.id,
                start_on=left_on,
                end_on=decision.decided_on,
                reason=f"Ra khỏi danh sách đảng viên đến khi kết nạp lại ({decision.reference})",
                case_id=ctx.case.id,
            )
        )


DECISION = DocumentKind(
    spec.KEY,
    "pdf/admission.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc kết nạp lại đảng viên",
    "9-KNĐ",
    "Quyết định kết nạp lại đảng viên",
    rule_values=(("ceremony_working_days", "admission.ceremony_working_days"),),
    draft=decision_draft,
    paper="admission_decision",
    issued=decision_issued,
)


def page(case: Case) -> dict[str, Any]:
    return {
        "certificate": admission.awareness_certificate(case.person_id),
        "decision": latest_decision(case.id, spec.KEY),
    }


def may_readmit(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status == "removed"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
        and person.cell.active
    )


def _cell_vote(case: Case, day: date, ctx: HappyContext) -> dict[str, Any]:
    return {**admission.HAPPY["record_cell_resolution"](case, day, ctx), "excluded_case": "none"}


HAPPY = {
    **admission.HAPPY,
    "record_cell_resolution": _cell_vote,
    "request_provincial_consent": lambda _case, day, _ctx: {
        "reference": f"Số 45-CV/ĐUK ngày {day:%d/%m/%Y}"
    },
    "record_provincial_consent": lambda _case, day, _ctx: {
        "provincial_consent": f"Công văn số 120-CV/TU ngày {day:%d/%m/%Y}"
    },
}

PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={
        **admission.PROCEDURE.effects,
        "check_left": check_left,
        "record_consent": record_consent,
    },
    sources=admission.PROCEDURE.sources,
    documents={DECISION.key: DECISION},
    opening=Opening(
        "person",
        "Xem xét kết nạp lại",
        may_readmit,
        "Đã đưa vào danh sách nguồn để xem xét kết nạp lại.",
        submit="Đưa vào danh sách nguồn",
        hint="Kết nạp lại chỉ một lần, sau ít nhất {rule:readmission.gap_months} tháng kể từ khi "
        "ra khỏi Đảng, với sự đồng ý bằng văn bản của Ban Thường vụ Tỉnh ủy; đảng viên được kết "
        "nạp lại phải qua thời kỳ dự bị.",
    ),
    papers=admission.PROCEDURE.papers,
    page=page,
    page_template="cases/facts/admission.html",
    happy=HAPPY,
    demo=readmission_demo.scenario,
)

"""Probation and recognition (states/probation.py): the facts its guards read, what its steps
write, and its two decisions (recognition, 16-KNĐ; removal from the probationary list). The
admission ceremony opens it; nobody opens it by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from states import probation as spec
from states.dates import add_months, needs_leap_day_review, vn_date
from states.facts import ProbationFacts
from workflow.documents import service
from workflow.documents.kinds import DocumentKind
from workflow.documents.snapshots import chain_of
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import CardIssuance, Case, Certificate, Decision, HelperAssignment, Person
from workflow.permissions import Actor
from workflow.procedures import probation_demo
from workflow.procedures.base import EffectContext, HappyContext, Procedure
from workflow.procedures.common import (
    case_records,
    latest_decision,
    org_facts,
    person_facts,
)
from workflow.store import deadlines


def facts(case: Case, actor: Actor | None, today: date) -> ProbationFacts:
    person = case.person
    records = case_records(case.id, person.id)
    decision = records.clocks.get("decision")
    return ProbationFacts(
        today=today,
        state=case.state,
        person=person_facts(person),
        org=org_facts(case.cell),
        joined_on=person.joined_on,
        probation_end=case.probation_end,
        probation_end_needs_review=not case.probation_end_confirmed,
        proposal=case.proposal,
        failed_votes=sum(1 for body, passed in records.votes if body == "cell" and not passed),
        # the new-member class certificate is the person's, whatever case or roster put them
        # on the class that issued it
        documents=records.purposes
        | (
            {"new_member_certificate"}
            if any(c[0] == "new_member" for c in records.certificates)
            else frozenset()
        ),
        decision_extension_used=decision[1] if decision else 0,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


# --- effects --------------------------------------------------------------------------------


def start_probation(ctx: EffectContext) -> None:
    """Probation lasts 12 calendar months from the ceremony, month ends clamped; one begun on
    29 February ends on a day someone must confirm."""
    months = ctx.rules["probation.months"]
    ctx.case.probation_end = add_months(ctx.event_date, months)
    ctx.case.probation_end_confirmed = not needs_leap_day_review(ctx.event_date)
    ctx.data["probation_end"] = ctx.case.probation_end


def assign_helpers(ctx: EffectContext) -> None:
    for row in ctx.data["helpers"]:
        db.session.add(
            HelperAssignment(
                person_id=ctx.case.person_id,
                helper_id=row["member"],
                purpose="probation",
                assigned_on=ctx.event_date,
            )
        )


def confirm_probation_end(ctx: EffectContext) -> None:
    """For a probation begun on 29 February: the clamped day, or 1 March."""
    end = ctx.case.probation_end
    if ctx.data["end"] == "march_first":
        end = date(end.year, 3, 1)
    ctx.case.probation_end = end
    ctx.case.probation_end_confirmed = True
    clock = deadlines.find_open(ctx.case, "probation_end")
    if clock is not None:
        clock.due_on = end
    ctx.data["probation_end"] = end


def end_probation(ctx: EffectContext) -> None:
    ctx.data["probation_end"] = ctx.case.probation_end  # starts the cell's 30 working days


def set_proposal(ctx: EffectContext) -> None:
    ctx.case.proposal = ctx.data["proposal"]
    ctx.case.proposal_reason = ctx.data.get("reason") or ""


def clear_proposal(ctx: EffectContext) -> None:
    """Back to the cell: the proposal and any unsigned draft go."""
    ctx.case.proposal = None
    ctx.case.proposal_reason = ""
    for draft in db.session.scalars(
        select(Decision).where(Decision.case_id == ctx.case.id, Decision.status == "draft")
    ):
        db.session.delete(draft)


def draft_proposed_decision(ctx: EffectContext) -> None:
    """Draft the decision the case's proposal asks for: recognition or removal."""
    kind = RECOGNITION if ctx.case.proposal == "recognition" else REMOVAL
    service.draft(ctx.case, kind, actor=ctx.actor)


def make_official(ctx: EffectContext) -> None:
    """Official as of the day the 12 months ended, however late the decision; the card is
    proposed with the recognition."""
    person = ctx.case.person
    person.member_status = "official"
    person.official_on = ctx.case.probation_end
    decision = latest_decision(ctx.case.id, "recognition")
    db.session.add(
        CardIssuance(
            person_id=person.id,
            org_id=ctx.case.cell.ancestor_ids()[0],
            case_id=ctx.case.id,
            decision_id=decision.id if decision else None,
            proposed_on=ctx.event_date,
        )
    )
    ctx.data["official_on"] = ctx.case.probation_end


def mark_removed(ctx: EffectContext) -> None:
    """The person's record stays, marked removed; the helpers' assignments end."""
    person = ctx.case.person
    person.member_status = "removed"
    for helper in db.session.scalars(
        select(HelperAssignment).where(
            HelperAssignment.person_id == person.id, HelperAssignment.ended_on.is_(None)
        )
    ):
        helper.ended_on = ctx.event_date


# --- the decisions --------------------------------------------------------------------------


def _admission_reference(person: Person) -> str:
    decision = db.session.scalars(
        select(Decision)
        .join(Case, Case.id == Decision.case_id)
        .where(
            Case.person_id == person.id, Decision.kind == "admission", Decision.status == "issued"
        )
        .order_by(Decision.id.desc())
    ).first()
    return decision.cited if decision else "kết nạp"


def recognition_draft(case: Case, issuer: str) -> dict[str, Any]:
    """16-KNĐ: the official date is the day the 12 months ended, whatever the signing date."""
    person = case.person
    return {
        **chain_of(case, issuer, cell_title="chi bộ"),
        "subject": "về việc công nhận đảng viên chính thức",
        "form_code": "16-KNĐ",
        "joined_on": vn_date(person.joined_on),
        "admission_reference": _admission_reference(person),
        "admission_date": vn_date(person.admission_decision_on),
        "official_on": vn_date(case.probation_end),
        "card_article": (
            f"Đồng chí {person.full_name} được xét cấp thẻ đảng viên; "
            f"{case.cell.name} lập danh sách, gửi ảnh theo quy định."
        ),
    }


def removal_draft(case: Case, issuer: str) -> dict[str, Any]:
    return {
        **chain_of(case, issuer, cell_title="chi bộ"),
        "subject": "về việc xóa tên trong danh sách đảng viên dự bị",
        "form_code": "",
        "joined_on": vn_date(case.person.joined_on),
        "reason": case.proposal_reason or "không đủ tư cách đảng viên chính thức",
    }


RECOGNITION = DocumentKind(
    "recognition",
    "pdf/recognition.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc công nhận đảng viên chính thức",
    "16-KNĐ",
    "Quyết định công nhận đảng viên chính thức",
    draft=recognition_draft,
    paper="recognition_decision",
)
REMOVAL = DocumentKind(
    "removal_probationary",
    "pdf/removal_probationary.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc xóa tên trong danh sách đảng viên dự bị",
    "",
    "Quyết định xóa tên trong danh sách đảng viên dự bị",
    draft=removal_draft,
    paper="removal_decision",
)


def papers(case: Case) -> dict[str, list[tuple[date, str]]]:
    """The new-member class certificate a class issued is the person's (one typed into a
    case is a paper of that case already)."""
    certs = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.person_id == case.person_id,
            Certificate.kind == "new_member",
            Certificate.class_id.is_not(None),
        )
        .order_by(Certificate.issued_on)
    ).all()
    if not certs:
        return {}
    return {"new_member_certificate": [(c.issued_on, f"Số {c.number}, {c.issuer}") for c in certs]}


# --- the happy path ---------------------------------------------------------------------------

#: the papers of the dossier, in the order the cell records them
PAPERS = ("self_review", "helper_assessment", "opinions")


def _next_paper(case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    held = {x.purpose for x in case.documents}
    return {"document": next(k for k in PAPERS if k not in held)}


def _cell_vote(case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
    total = count_for(case, "cell_official_members", day)
    return {"proposal": "recognition", "official_total": total, "yes": total, "no": 0}


def _grassroots_vote(_case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"official_total": 9, "yes": 9, "no": 0}


DEPARTMENT_OPINION = "Hồ sơ đầy đủ; đề nghị Ban Thường vụ xem xét, quyết định."
HAPPY = {
    "record_document": _next_paper,
    "record_new_member_certificate": lambda _case, _day, ctx: {
        "certificate_number": f"{ctx.number(100, 999)}-CN/ĐVM",
        "issuer": "Ban Thường vụ Đảng ủy Khối",
    },
    "end_probation": lambda _case, _day, _ctx: {},
    "record_cell_resolution": _cell_vote,
    "appraise_by_subcommittee": lambda _case, _day, _ctx: {
        "opinion": "Đủ điều kiện theo quy định."
    },
    "record_grassroots_resolution": _grassroots_vote,
    "decide_by_grassroots": _grassroots_vote,
    "appraise_by_department": lambda _case, _day, _ctx: {"opinion": DEPARTMENT_OPINION},
    "appraise_escalated": lambda _case, _day, _ctx: {
        "proposal": "recognition",
        "opinion": DEPARTMENT_OPINION,
    },
    "approve_recognition": lambda _case, _day, _ctx: {},
    "approve_removal": lambda _case, _day, _ctx: {},
}


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={
        "start_probation": start_probation,
        "assign_helpers": assign_helpers,
        "confirm_probation_end": confirm_probation_end,
        "end_probation": end_probation,
        "set_proposal": set_proposal,
        "clear_proposal": clear_proposal,
        "draft_proposed_decision": draft_proposed_decision,
        "make_official": make_official,
        "mark_removed": mark_removed,
    },
    documents={RECOGNITION.key: RECOGNITION, REMOVAL.key: REMOVAL},
    papers=papers,
    page_template="cases/facts/probation.html",
    happy=HAPPY,
    demo=probation_demo.scenario,
)

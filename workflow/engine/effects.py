"""What a transition writes besides the state: certificates, votes, dossier papers, decisions.

Effects run inside the engine's unit of work after the guards passed; they flush, never commit.
A transition names its effects as "name" or "name:argument".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from states.dates import add_months, needs_leap_day_review
from states.guards import denominator
from states.rules import RuleSet, majority_carries, vote_passes
from states.spec import TransitionSpec
from workflow.engine import deadlines, transfer_effects
from workflow.extensions import db
from workflow.models import (
    CardIssuance,
    Case,
    Certificate,
    Decision,
    DossierItem,
    HelperAssignment,
    Sponsor,
    VerificationRequest,
    Vote,
)
from workflow.permissions import Actor, Scope
from workflow.store.errors import InvalidInput
from workflow.store.uow import UnitOfWork


@dataclass
class EffectContext:
    case: Case
    actor: Actor
    scope: Scope | None
    spec: TransitionSpec
    data: dict[str, Any]
    event_date: date
    rules: RuleSet
    from_state: str
    uow: UnitOfWork | None = None
    arg: str | None = None


def _add_document(ctx: EffectContext, purpose: str, note: str = "") -> DossierItem:
    code = ctx.rules[f"{ctx.case.procedure}.forms"][purpose][0]
    item = DossierItem(
        purpose=purpose,
        form_code=code,
        received_on=ctx.event_date,
        note=note,
        recorded_by=ctx.actor.user_id,
    )
    ctx.case.documents.append(item)
    return item


def record_certificate(ctx: EffectContext) -> None:
    """An awareness-class certificate (the default) or, with ``new_member``, the new-member
    political class certificate that goes into the recognition dossier."""
    kind = ctx.arg or "awareness"
    db.session.add(
        Certificate(
            person_id=ctx.case.person_id,
            kind=kind,
            number=ctx.data["certificate_number"],
            issued_on=ctx.event_date,
            issuer=ctx.data["issuer"],
        )
    )
    if kind == "new_member":
        _add_document(
            ctx,
            "new_member_certificate",
            f"Số {ctx.data['certificate_number']}, {ctx.data['issuer']}",
        )


def submit_application(ctx: EffectContext) -> None:
    _add_document(ctx, "application")
    _add_document(ctx, "biography")


#: the dossier papers a record of the sponsors stands for (recording them again replaces them)
SPONSOR_PAPERS = ("sponsor_letter", "union_resolution", "trade_union_resolution")


def record_sponsors(ctx: EffectContext) -> None:
    for old in list(ctx.case.sponsors):
        ctx.case.sponsors.remove(old)
        db.session.delete(old)
    for item in [i for i in ctx.case.documents if i.purpose in SPONSOR_PAPERS]:
        ctx.case.documents.remove(item)
        db.session.delete(item)
    route = ctx.data["route"]
    ctx.case.sponsor_route = route
    for row in ctx.data["sponsors"]:
        ctx.case.sponsors.append(
            Sponsor(
                person_id=row["member"],
                together_since=row["together_since"],
                replacement=bool(row.get("replacement")),
                introduced_on=ctx.event_date,
            )
        )
        _add_document(ctx, "sponsor_letter")
    if route == "youth_union":
        _add_document(ctx, "union_resolution", ctx.data.get("union_resolution_number") or "")
    elif route == "trade_union":
        _add_document(ctx, "trade_union_resolution", ctx.data.get("union_resolution_number") or "")


def record_document(ctx: EffectContext) -> None:
    purpose = ctx.arg or ctx.data["document"]
    parts = [
        ctx.data.get("reference") or "",
        ctx.data.get("opinion") or "",
        ctx.data.get("note") or "",
    ]
    _add_document(ctx, purpose, "\n".join(p for p in parts if p))


def send_verification_requests(ctx: EffectContext) -> None:
    for row in ctx.data["requests"]:
        ctx.case.verification_requests.append(
            VerificationRequest(
                subject=row["subject"],
                addressee=row["addressee"],
                sent_on=ctx.event_date,
                note="",
            )
        )
        _add_document(ctx, "verification_request", row["addressee"])


def record_verification_answer(ctx: EffectContext) -> None:
    request = next((r for r in ctx.case.verification_requests if r.id == ctx.data["request"]), None)
    if request is None or request.answered_on is not None:
        raise InvalidInput({"request": "Chọn một yêu cầu thẩm tra đang chờ kết quả của hồ sơ này."})
    if ctx.event_date < request.sent_on:
        raise InvalidInput({"event_date": "Ngày nhận kết quả không được trước ngày gửi yêu cầu."})
    request.answered_on = ctx.event_date
    request.result = ctx.data["result"]
    request.note = ctx.data.get("note") or ""


def record_vote(ctx: EffectContext) -> None:
    body = ctx.arg or "cell"
    data = ctx.data
    den = denominator(data)
    passed = vote_passes(data["yes"], den, ctx.rules["vote.approval_fraction"])
    ctx.case.votes.append(
        Vote(
            body=body,
            meeting_on=ctx.event_date,
            resolution_number=data.get("resolution_number"),
            official_total=data["official_total"],
            excluded=data.get("excluded") or [],
            denominator=den,
            yes=data["yes"],
            no=data["no"],
            invalid=data.get("invalid") or 0,
            passed=passed,
        )
    )
    if passed and body == "cell":
        _add_document(ctx, "cell_resolution", data.get("resolution_number") or "")
    elif body == "grassroots":
        note = data.get("resolution_number") or ""
        if not passed:
            note = (note + " – " if note else "") + "không đạt 2/3, báo cáo cấp trên quyết định"
        _add_document(ctx, "grassroots_resolution", note)


def record_standing_vote(ctx: EffectContext) -> None:
    """The standing committee's meeting that decided: its members, those present, the vote."""
    data = ctx.data
    total = data["members_total"]
    ctx.case.votes.append(
        Vote(
            body="standing",
            meeting_on=ctx.event_date,
            official_total=total,
            present=data["members_present"],
            excluded=[],
            denominator=total,
            yes=data["yes"],
            no=data["no"],
            invalid=data["members_present"] - data["yes"] - data["no"],
            passed=majority_carries(data["yes"], total, ctx.rules["vote.standing_majority"]),
        )
    )


def record_proposal(ctx: EffectContext) -> None:
    ctx.case.proposer_id = ctx.actor.user_id


def _proposed_kind(case) -> str:
    return "recognition" if case.proposal == "recognition" else "removal_probationary"


def draft_decision(ctx: EffectContext) -> None:
    """Draft the decision the case leads to ("auto": the one its proposal asks for)."""
    from workflow.documents import service

    kind = _proposed_kind(ctx.case) if ctx.arg == "auto" else (ctx.arg or "admission")
    service.draft(ctx.case, kind, actor=ctx.actor)


#: what each kind of decision adds to its draft at signing, and the dossier paper it becomes
ISSUED_PAPER = {
    "admission": "admission_decision",
    "recognition": "recognition_decision",
    "removal_probationary": "removal_decision",
}


def issue_decision(ctx: EffectContext) -> None:
    """Number and freeze the case's decision: "kind@upper" or "kind@grassroots" (an authorized
    grassroots committee) issues it."""
    from workflow.documents import service

    kind, _, level = (ctx.arg or "admission@upper").partition("@")
    level = level or "upper"
    extra = {}
    draft = signer = None
    if kind == "transfer_letter":
        lost = latest_decision(ctx.case.id, "transfer_letter")  # a second letter replaces it
        extra = transfer_effects.letter_extra(ctx, lost)
        draft = transfer_effects.replacing_draft(ctx, level, lost)
        leader = transfer_effects.letter_signer(ctx)
        if leader is not None:
            signer = (leader.user_id, leader.name, leader.title)
    decision = service.issue(
        ctx.case,
        kind,
        actor=ctx.actor,
        scope=ctx.scope,
        decided_on=ctx.event_date,
        rules=ctx.rules,
        uow=ctx.uow,
        level=level,
        extra=extra,
        decision=draft,
        signer=signer,
    )
    ctx.data["decision_number"] = decision.reference
    if kind == "admission":
        # party age counts from the decision; the ceremony confirms it
        ctx.case.person.admission_decision_on = decision.decided_on
    if kind == "transfer_letter":
        transfer_effects.record_letter(ctx, decision)
    else:
        _add_document(ctx, ISSUED_PAPER[kind], decision.reference)


def extend_deadline(ctx: EffectContext) -> None:
    deadline = deadlines.extend_deadline(
        ctx.case, ctx.arg or "decision", ctx.data["days"], ctx.data["reason"]
    )
    if deadline is None:
        raise InvalidInput({"days": "Hồ sơ không có thời hạn đang chạy để gia hạn."})
    ctx.data["new_due_on"] = deadline.due_on


def receive_decision(ctx: EffectContext) -> None:
    ctx.case.decision_received_on = ctx.event_date


def approve_late_ceremony(ctx: EffectContext) -> None:
    ctx.case.late_ceremony_approval = ctx.data["reference"]


def latest_decision(case_id: int, kind: str = "admission") -> Decision | None:
    return db.session.scalars(
        select(Decision)
        .where(Decision.case_id == case_id, Decision.kind == kind, Decision.status == "issued")
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()


def hold_ceremony(ctx: EffectContext) -> None:
    person = ctx.case.person
    decided = person.admission_decision_on  # set when the decision was signed
    if decided is not None and ctx.event_date < decided:
        raise InvalidInput({"event_date": "Lễ kết nạp không được trước ngày ký quyết định."})
    person.member_status = "probationary"
    person.joined_on = ctx.event_date
    for row in ctx.data["helpers"]:
        db.session.add(
            HelperAssignment(
                person_id=person.id,
                helper_id=row["member"],
                purpose="probation",
                assigned_on=ctx.event_date,
            )
        )


def assign_source_helper(ctx: EffectContext) -> None:
    if ctx.data.get("helper"):
        db.session.add(
            HelperAssignment(
                person_id=ctx.case.person_id,
                helper_id=ctx.data["helper"],
                purpose="source_list",
                assigned_on=ctx.event_date,
            )
        )


def open_probation(ctx: EffectContext) -> None:
    """The ceremony starts probation: its case opens in the same transaction."""
    from workflow.engine import start_case

    start_case(
        "probation",
        person=ctx.case.person,
        actor=ctx.actor,
        opened_on=ctx.event_date,
        role=ctx.scope.role.value if ctx.scope else "",
    )


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


def pause(ctx: EffectContext) -> None:
    ctx.case.paused_from = ctx.from_state


def resume(ctx: EffectContext) -> None:
    ctx.case.paused_from = None


EFFECTS: dict[str, Callable[[EffectContext], None]] = {
    "record_certificate": record_certificate,
    "submit_application": submit_application,
    "record_sponsors": record_sponsors,
    "record_document": record_document,
    "send_verification_requests": send_verification_requests,
    "record_verification_answer": record_verification_answer,
    "record_vote": record_vote,
    "record_standing_vote": record_standing_vote,
    "record_proposal": record_proposal,
    "issue_decision": issue_decision,
    "draft_decision": draft_decision,
    "extend_deadline": extend_deadline,
    "receive_decision": receive_decision,
    "approve_late_ceremony": approve_late_ceremony,
    "hold_ceremony": hold_ceremony,
    "assign_source_helper": assign_source_helper,
    "open_probation": open_probation,
    "assign_helpers": assign_helpers,
    "start_probation": start_probation,
    "confirm_probation_end": confirm_probation_end,
    "end_probation": end_probation,
    "set_proposal": set_proposal,
    "clear_proposal": clear_proposal,
    "make_official": make_official,
    "mark_removed": mark_removed,
    "pause": pause,
    "resume": resume,
    **transfer_effects.EFFECTS,
}


def run_effects(names: tuple[str, ...], ctx: EffectContext) -> None:
    for entry in names:
        name, _, arg = entry.partition(":")
        ctx.arg = arg or None
        EFFECTS[name](ctx)

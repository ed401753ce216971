"""Removal of an official member from the member list (states/removal.py): the facts its guards
read, what its own steps write, the removal decision it issues, and who may propose it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from states import removal as spec
from states.dates import vn_date
from states.leaving_guards import LeavingFacts
from workflow.documents.kinds import DocumentKind
from workflow.documents.snapshots import chain_of
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import Case, Decision, DossierItem, Person
from workflow.permissions import Actor
from workflow.procedures import removal_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure, Subject
from workflow.procedures.common import (
    case_records,
    latest_decision,
    org_facts,
    person_facts,
    standing_of,
)

GROUNDS = dict(spec.GROUNDS)


def plain_facts(case: Case, actor: Actor | None, today: date, **extra: Any) -> LeavingFacts:
    """The facts of a way off the lists without self-review requests or a complaint period
    (leaving at one's own request, death); ``extra`` adds what one of them also knows."""
    records = case_records(case.id, case.person_id)
    return LeavingFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        documents=records.purposes,
        requests=0,
        complaint_due=None,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
        **standing_facts(case),
        **extra,
    )


def standing_facts(case: Case) -> dict[str, tuple[str, ...]]:
    """What the record says of the member's standing (``LeavingFacts.standing``)."""
    held = standing_of(case.person_id)
    return {
        "standing": tuple(s.text for s in held),
        "considering": tuple(s.text for s in held if s.considering),
    }


def facts(case: Case, actor: Actor | None, today: date) -> LeavingFacts:
    records = case_records(case.id, case.person_id)
    requests = db.session.scalar(
        select(func.count())
        .select_from(DossierItem)
        .where(DossierItem.case_id == case.id, DossierItem.purpose == "self_review_request")
    )
    complaint = records.clocks.get("complaint")
    decision = latest_decision(case.id, spec.KEY)
    return LeavingFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        documents=records.purposes,
        requests=requests or 0,
        complaint_due=complaint[0] if complaint else None,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
        ground=case.proposal,
        **standing_facts(case),
        decided_on=decision.decided_on if decision else None,
    )


# --- effects --------------------------------------------------------------------------------


def record_ground(ctx: EffectContext) -> None:
    """The ground (one of the five) and the facts the cell gives for it."""
    ctx.case.proposal = ctx.data["ground"]
    ctx.case.proposal_reason = ctx.data["facts"]


def discard_drafts(ctx: EffectContext) -> None:
    """Back to the cell: an unsigned draft of the decision goes."""
    for draft in db.session.scalars(
        select(Decision).where(Decision.case_id == ctx.case.id, Decision.status == "draft")
    ):
        db.session.delete(draft)


# --- the decision ---------------------------------------------------------------------------


def removal_draft(case: Case, issuer: str) -> dict[str, Any]:
    person = case.person
    ground = GROUNDS.get(case.proposal or "", "")
    reason = ground + (f" ({case.proposal_reason})" if case.proposal_reason else "")
    return {
        **chain_of(case, issuer, cell_title="chi bộ"),
        "subject": "về việc xóa tên đảng viên",
        "form_code": "",
        "joined_on": vn_date(person.joined_on),
        "official_on": vn_date(person.official_on) if person.official_on else "",
        "card_number": person.card_number or "—",
        "reason": reason[:1].lower() + reason[1:],
    }


REMOVAL = DocumentKind(
    "removal",
    "pdf/removal.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc xóa tên đảng viên",
    "",
    "Quyết định xóa tên đảng viên",
    draft=removal_draft,
    paper="removal_decision",
)


def page(case: Case) -> dict[str, Any]:
    requests = db.session.scalar(
        select(func.count())
        .select_from(DossierItem)
        .where(DossierItem.case_id == case.id, DossierItem.purpose == "self_review_request")
    )
    return {
        "ground_label": GROUNDS.get(case.proposal or "", ""),
        "requests": requests or 0,
        "decision": latest_decision(case.id, REMOVAL.key),
    }


# --- forms ----------------------------------------------------------------------------------


def card_number(subject: Subject) -> str:
    person = subject.case.person if subject.case is not None else subject.person
    return (person.card_number or "") if person is not None else ""


def dossier_keeper(_subject: Subject) -> str:
    """The member's dossier goes to the committee directly above the grassroots organization."""
    return "Ban Tổ chức " + current_app.config["UPPER_COMMITTEE_NAME"]


def may_propose(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status == "official"
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
    )


# --- the happy path ---------------------------------------------------------------------------


def _cell_vote(case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
    total = count_for(case, "cell_official_members", day)
    return {"violation": "none", "official_total": total, "yes": total, "no": 0}


def _committee_vote(_case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"official_total": 9, "yes": 9, "no": 0}


def _nothing(_case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {}


HAPPY = {
    "record_self_review": _nothing,
    "record_cell_resolution": _cell_vote,
    "appraise_by_subcommittee": lambda _c, _d, _x: {"opinion": "Đủ căn cứ xóa tên."},
    "record_grassroots_resolution": _committee_vote,
    "decide_by_grassroots": _committee_vote,
    "appraise_by_department": lambda _c, _d, _x: {
        "opinion": "Đủ căn cứ; đề nghị Ban Thường vụ xem xét, quyết định xóa tên."
    },
    "approve_removal": _nothing,
    "record_card_collected": lambda case, _d, _x: {"card_number": case.person.card_number or ""},
    "close": lambda case, _d, _x: {"dossier": "Ban Tổ chức cấp ủy cấp trên"},
}


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={"record_ground": record_ground, "discard_drafts": discard_drafts},
    defaults={"card_number": card_number, "dossier_keeper": dossier_keeper},
    documents={REMOVAL.key: REMOVAL},
    opening=Opening(
        "person",
        "Đề xuất xóa tên",
        may_propose,
        "Đã ghi đề xuất xem xét xóa tên.",
        "Ghi đề xuất",
        hint="Chi bộ đề xuất xem xét xóa tên đảng viên chính thức trên một trong năm căn cứ; "
        "đảng viên có vi phạm đến mức phải kỷ luật thì xử lý kỷ luật, không xóa tên.",
    ),
    page=page,
    page_template="cases/facts/removal.html",
    happy=HAPPY,
    demo=removal_demo.scenario,
)

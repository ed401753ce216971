"""Leaving the Party at one's own request (states/leaving.py): the facts its guards read, what
its own steps write, the decision letting the member leave, the party-age confirmation, and who
records the application."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from states import leaving as spec
from states.dates import format_months, party_age_months, vn_date
from states.leaving_guards import LeavingFacts
from workflow.documents.kinds import DocumentKind, IssueOptions
from workflow.documents.snapshots import chain_of, issuer_of, person_data
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import Case, MembershipGap, Person
from workflow.permissions import Actor
from workflow.procedures import leaving_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure
from workflow.procedures.common import (
    add_document,
    latest_decision,
)
from workflow.procedures.removal import card_number, discard_drafts, dossier_keeper, plain_facts


def facts(case: Case, actor: Actor | None, today: date) -> LeavingFacts:
    decision = latest_decision(case.id, spec.KEY)
    return plain_facts(
        case,
        actor,
        today,
        official_on=case.person.official_on,
        decided_on=decision.decided_on if decision else None,
    )


# --- effects --------------------------------------------------------------------------------


def record_application(ctx: EffectContext) -> None:
    """The member's written application and the reasons it gives."""
    ctx.case.proposal_reason = ctx.data["reasons"]
    add_document(ctx, "application")


def record_card(ctx: EffectContext) -> None:
    if ctx.data.get("card_number"):
        add_document(ctx, "card_returned", f"Số thẻ {ctx.data['card_number']}")


# --- the documents --------------------------------------------------------------------------


def leaving_draft(case: Case, issuer: str) -> dict[str, Any]:
    person = case.person
    reason = case.proposal_reason or "theo nguyện vọng của đảng viên"
    return {
        **chain_of(case, issuer, cell_title="chi bộ"),
        "subject": "về việc cho đảng viên ra khỏi Đảng",
        "form_code": "",
        "applied_on": vn_date(case.opened_on),
        "joined_on": vn_date(person.joined_on),
        "official_on": vn_date(person.official_on) if person.official_on else "",
        "card_number": person.card_number or "",
        "reason": "Đảng viên tự nguyện xin ra khỏi Đảng (" + reason.rstrip(".") + ").",
    }


def confirmation_draft(case: Case, issuer: str) -> dict[str, Any]:
    """The party age from the admission decision's signing to the day the member left, less
    the recorded gaps."""
    person = case.person
    decision = latest_decision(case.id, LEAVING.key)
    left_on = decision.decided_on if decision else case.last_event_on
    gaps = db.session.scalars(
        select(MembershipGap)
        .where(MembershipGap.person_id == person.id)
        .order_by(MembershipGap.start_on)
    ).all()
    months = party_age_months(
        person.admission_decision_on or person.joined_on,
        left_on,
        # a period still open (out of contact) runs to the day the member left
        [(gap.start_on, gap.end_on or left_on) for gap in gaps],
    )
    who = issuer_of(case, issuer)
    leaving_decider = json.loads(decision.snapshot)["decider"] if decision else who["decider"]
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "place": current_app.config["PLACE_NAME"],
        "person": person_data(person),
        "subject": "",
        "subtitle": "(Cấp cho người được cho ra khỏi Đảng)",
        "form_code": "",
        "joined_on": vn_date(person.joined_on),
        "admission_decision_on": vn_date(person.admission_decision_on or person.joined_on),
        "official_on": vn_date(person.official_on) if person.official_on else "",
        "cell_name": case.cell.name,
        "leaving_decision": decision.cited if decision else "",
        "left_on": vn_date(left_on),
        "leaving_decider": leaving_decider,
        "gaps": [f"từ {vn_date(gap.start_on)} đến {vn_date(gap.end_on)}" for gap in gaps],
        "party_age": format_months(months),
        "party_age_months": months,
        "request": "",
        "recipients": [f"Đồng chí {person.full_name}", f"Lưu hồ sơ đảng viên, {who['department']}"],
    }


def confirmation_prepare(ctx: EffectContext) -> IssueOptions:
    """The request the confirmation answers is the step's."""
    return IssueOptions(extra={"request": ctx.data["request"]})


LEAVING = DocumentKind(
    "leaving",
    "pdf/leaving.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc cho đảng viên ra khỏi Đảng",
    "",
    "Quyết định cho ra khỏi Đảng",
    draft=leaving_draft,
    paper="leaving_decision",
)
PARTY_AGE = DocumentKind(
    "party_age_confirmation",
    "pdf/party_age_confirmation.html",
    "XN",
    "GIẤY XÁC NHẬN TUỔI ĐẢNG",
    "",
    "",
    "Giấy xác nhận tuổi đảng",
    draft=confirmation_draft,
    paper="party_age_confirmation",
    prepare=confirmation_prepare,
)


# --- opening ----------------------------------------------------------------------------------


def may_apply(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in ("official", "probationary")
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
    )


# --- the happy path ---------------------------------------------------------------------------


def _cell_vote(case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
    total = count_for(case, "cell_official_members", day)
    return {"official_total": total, "yes": total, "no": 0}


def _committee_vote(_case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"official_total": 9, "yes": 9, "no": 0}


HAPPY = {
    "record_cell_resolution": _cell_vote,
    "appraise_by_subcommittee": lambda _c, _d, _x: {"opinion": "Đồng ý đề nghị của chi bộ."},
    "record_grassroots_resolution": _committee_vote,
    "decide_by_grassroots": _committee_vote,
    "appraise_by_department": lambda _c, _d, _x: {
        "opinion": "Đảng viên không vi phạm tư cách; đề nghị Ban Thường vụ cho ra khỏi Đảng."
    },
    "approve_leaving": lambda _c, _d, _x: {},
    "issue_party_age_confirmation": lambda _c, day, _x: {
        "request": f"Đơn đề nghị ngày {vn_date(day)}"
    },
    "close": lambda case, _d, _x: {
        "card_number": case.person.card_number or "",
        "dossier": "Ban Tổ chức cấp ủy cấp trên",
    },
}


def page(case: Case) -> dict[str, Any]:
    return {
        "decision": latest_decision(case.id, LEAVING.key),
        "confirmation": latest_decision(case.id, PARTY_AGE.key),
    }


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={
        "record_application": record_application,
        "record_card": record_card,
        "discard_drafts": discard_drafts,
    },
    defaults={"card_number": card_number, "dossier_keeper": dossier_keeper},
    documents={LEAVING.key: LEAVING, PARTY_AGE.key: PARTY_AGE},
    opening=Opening(
        "person",
        "Ghi đơn xin ra khỏi Đảng",
        may_apply,
        "Đã ghi đơn xin ra khỏi Đảng.",
        "Ghi đơn",
        hint="Chỉ xét cho ra khỏi Đảng đối với đảng viên không vi phạm tư cách đảng viên, không "
        "đang bị xem xét hay thi hành kỷ luật.",
    ),
    page=page,
    page_template="cases/facts/leaving.html",
    happy=HAPPY,
    demo=leaving_demo.scenario,
)

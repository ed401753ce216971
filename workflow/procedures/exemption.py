"""Exemption from party work and activity (states/exemption.py): the facts its guards read, what
its steps write, who records a member's request, its happy path and its demonstration."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from states import exemption as spec
from states.guards import denominator
from states.rules import majority_carries
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import Case, Person, Vote
from workflow.permissions import Actor
from workflow.procedures import exemption_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure
from workflow.procedures.common import add_document, case_records, org_facts, person_facts
from workflow.store.errors import InvalidInput

BASES, SCOPES, ASKED = dict(spec.BASES), dict(spec.SCOPES), dict(spec.ASKED)


def facts(case: Case, actor: Actor | None, today: date) -> spec.ExemptionFacts:
    return spec.ExemptionFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        basis=case.proposal,
        documents=case_records(case.id, case.person_id).purposes,
        actor_id=actor.user_id if actor else None,
    )


def _open_exemption(person_id: int, other_than: int | None = None) -> Case | None:
    return db.session.scalars(
        select(Case).where(
            Case.person_id == person_id,
            Case.procedure == spec.KEY,
            Case.closed_at.is_(None),
            Case.id != (other_than or 0),
        )
    ).first()


# --- effects --------------------------------------------------------------------------------


def record_request(ctx: EffectContext) -> None:
    """What the member asks, on which ground, in writing or in person; one at a time."""
    if _open_exemption(ctx.case.person_id, ctx.case.id) is not None:
        raise InvalidInput(
            {"basis": "Đảng viên đang được miễn hoặc đang có đề nghị miễn chưa giải quyết."}
        )
    data = ctx.data
    ctx.case.proposal = data["basis"]
    ctx.case.proposal_reason = f"{SCOPES[data['scope']]} ({ASKED[data['asked']].lower()})"
    add_document(ctx, "request", data.get("note") or "")


def record_resolution(ctx: EffectContext) -> None:
    """The cell's resolution, carried by more than half of the members counted."""
    data = ctx.data
    den = denominator(data)
    ctx.case.votes.append(
        Vote(
            body="cell",
            meeting_on=ctx.event_date,
            resolution_number=data.get("resolution_number"),
            official_total=data["official_total"],
            excluded=data.get("excluded") or [],
            denominator=den,
            yes=data["yes"],
            no=data["no"],
            invalid=data.get("invalid") or 0,
            passed=majority_carries(data["yes"], den, ctx.rules["vote.standing_majority"]),
        )
    )
    add_document(ctx, ctx.arg, data.get("resolution_number") or "")
    if data.get("medical_record"):
        add_document(ctx, "medical_record", data["medical_record"])


# --- the page and the opening -------------------------------------------------------------------


def page(case: Case) -> dict[str, Any]:
    return {"basis_label": BASES.get(case.proposal or "", "")}


def may_request(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in ("official", "probationary")
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
        and _open_exemption(person.id) is None
    )


# --- the happy path ---------------------------------------------------------------------------


def _cell_vote(case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
    total = count_for(case, "cell_official_members", day)
    return {
        "illness_months": 6,
        "medical_record": "Bệnh án số 1234, Bệnh viện tỉnh",
        "official_total": total,
        "yes": total,
        "no": 0,
    }


HAPPY = {
    "record_cell_resolution": _cell_vote,
    "acknowledge_report": lambda _case, _day, _ctx: {},
}

PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={"record_request": record_request, "record_resolution": record_resolution},
    opening=Opening(
        "person",
        "Miễn công tác và sinh hoạt đảng",
        may_request,
        "Đã ghi đề nghị miễn công tác và sinh hoạt đảng.",
        "Ghi đề nghị",
        hint="Đảng viên tuổi cao (quá tuổi lao động) hoặc sức khỏe yếu, tự nguyện đề nghị; chi "
        "bộ xem xét, quyết định và báo cáo cấp ủy cơ sở.",
    ),
    page=page,
    page_template="cases/facts/exemption.html",
    happy=HAPPY,
    demo=exemption_demo.scenario,
)

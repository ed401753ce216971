"""Death of a member (states/death.py): the facts its guards read, the notice it records, who
records a death, its happy path and its demonstration."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from states import death as spec
from states.dates import vn_date
from states.leaving_guards import LeavingFacts
from workflow.documents.kinds import DocumentKind, IssueOptions
from workflow.documents.snapshots import issuer_of, person_data
from workflow.models import Case, Person
from workflow.permissions import Actor
from workflow.procedures import death_demo
from workflow.procedures.base import EffectContext, Opening, Procedure, Subject
from workflow.procedures.common import add_document, chosen_leader, leader_options
from workflow.procedures.removal import plain_facts


def facts(case: Case, actor: Actor | None, today: date) -> LeavingFacts:
    return plain_facts(case, actor, today)


def record_notice(ctx: EffectContext) -> None:
    """The death certificate or the family's or employer's notice the death is recorded on."""
    note = ctx.data["notice"] + (f"\n{ctx.data['note']}" if ctx.data.get("note") else "")
    add_document(ctx, "death_notice", note)


def _root(case: Case) -> int:
    """The grassroots organization whose committee writes the slip."""
    return case.cell.ancestor_ids()[0]


def slip_draft(case: Case, issuer: str) -> dict[str, Any]:
    """The notice slip: who died and when, on what notice, and what the record held of them
    (the grassroots committee sends it up with the member's dossier)."""
    person = case.person
    who = issuer_of(case, issuer)
    notice = next((d.note for d in case.documents if d.purpose == "death_notice"), "")
    upper = current_app.config["UPPER_COMMITTEE_NAME"]
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "place": current_app.config["PLACE_NAME"],
        "subject": "",
        "subtitle": "",
        "form_code": "",
        "person": person_data(person),
        "sex": "Nam" if person.sex == "male" else "Nữ",
        "status": "đảng viên chính thức" if person.official_on else "đảng viên dự bị",
        "joined_on": vn_date(person.joined_on),
        "official_on": vn_date(person.official_on) if person.official_on else "",
        "card_number": person.card_number or "",
        "cell_name": case.cell.name,
        "died_on": vn_date(case.opened_on),
        "notice": notice.splitlines()[0] if notice else "",
        "cause": "",
        "burial_place": "",
        "recipients": [f"Ban Tổ chức {upper}", "Lưu hồ sơ đảng viên"],
    }


def slip_prepare(ctx: EffectContext) -> IssueOptions:
    """The cause and the burial place from the form; the leader chosen signs it."""
    leader = chosen_leader(ctx, _root(ctx.case), "phiếu báo")
    return IssueOptions(
        extra={
            "cause": ctx.data.get("cause") or "",
            "burial_place": ctx.data.get("burial_place") or "",
        },
        signer=(leader.user_id, leader.name, leader.title) if leader is not None else None,
    )


SLIP = DocumentKind(
    "notice_slip",
    "pdf/death_notice_slip.html",
    "PB",
    "PHIẾU BÁO ĐẢNG VIÊN ĐÃ TỪ TRẦN",
    "",
    "",
    "Phiếu báo đảng viên đã từ trần",
    draft=slip_draft,
    paper="notice_slip",
    prepare=slip_prepare,
)


def slip_signers(subject: Subject) -> list[tuple[str, str]]:
    return leader_options(_root(subject.case))


def may_report(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in ("official", "probationary")
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
    )


def _slip(_case: Case, _day: date, _ctx) -> dict[str, Any]:
    return {"cause": "Bệnh hiểm nghèo"}


HAPPY = {
    "write_notice_slip": _slip,
    "hand_over_dossier": lambda _case, day, _ctx: {"reference": f"Biên bản ngày {vn_date(day)}"},
    "record_dossier_received": lambda _case, _day, _ctx: {},
}

PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={"record_notice": record_notice},
    documents={SLIP.key: SLIP},
    sources={"slip_signers": slip_signers},
    opening=Opening(
        "person",
        "Ghi nhận đảng viên từ trần",
        may_report,
        "Đã ghi nhận đảng viên từ trần; các hồ sơ khác của đảng viên đã kết thúc.",
        "Ghi nhận",
        hint="Đảng viên ra khỏi danh sách từ ngày từ trần. Gia đình giữ thẻ đảng viên và Huy "
        "hiệu Đảng. Cấp ủy cơ sở lập phiếu báo và bàn giao hồ sơ lên cấp trên trong "
        "{rule:death.dossier_working_days} ngày làm việc kể từ ngày lập phiếu báo.",
    ),
    happy=HAPPY,
    demo=death_demo.scenario,
)

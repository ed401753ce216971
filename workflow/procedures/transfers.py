"""The four transfers of party activity (states/transfer.py, transfer_in.py,
temporary_transfer.py, internal_transfer.py): the facts their guards read, the introduction
letter they issue, the options of their forms, and who opens which for whom. What their steps
write is in ``transfer_steps``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from states import internal_transfer, temporary_transfer, transfer, transfer_in
from states.dates import vn_date
from states.facts import TransferFacts
from states.fields import Field
from workflow.documents import service
from workflow.documents.kinds import DocumentKind, IssueOptions
from workflow.documents.snapshots import committee_name, issuer_of, person_data
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Case, Organization, Person, Transfer
from workflow.models.orgs import CELL_KINDS, in_tree_order
from workflow.models.people import MEMBER_STATUSES
from workflow.permissions import Actor, receiving_org
from workflow.procedures import transfer_steps as steps
from workflow.procedures import transfers_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure, Subject
from workflow.procedures.common import latest_decision, leader_options, org_facts, person_facts
from workflow.store.errors import InvalidInput


def facts(case: Case, actor: Actor | None, today: date) -> TransferFacts:
    """Every transfer case has its transfer record (written when the case opens)."""
    record = case.transfer
    temporary = record.direction == "temporary"
    return TransferFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        direction=record.direction,
        internal_destination=record.to_org_id is not None,
        purpose=record.reason if temporary else None,
        period_start=record.period_start,
        period_end=record.period_end,
        letter_on=record.letter_on,
        present_by=record.present_by,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


# --- the introduction letter ----------------------------------------------------------------

#: how a letter names its transfer: official, temporary, or inside one grassroots organization
KIND_WORDS = {"temporary": "tạm thời", "internal": "nội bộ"}


def letter_draft(case: Case, issuer: str) -> dict[str, Any]:
    """The introduction letter (official or temporary) the member carries to the receiver."""
    record = case.transfer
    person = case.person
    who = issuer_of(case, issuer)
    period = ""
    if record.direction == "temporary":
        period = f"từ ngày {vn_date(record.period_start)} đến ngày {vn_date(record.period_end)}"
    kind_words = KIND_WORDS.get(record.direction, "chính thức")
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "on_behalf": "T/L BAN THƯỜNG VỤ" if issuer == "upper" else who["on_behalf"],
        "place": current_app.config["PLACE_NAME"],
        "person": person_data(person),
        # the title already says "giới thiệu sinh hoạt đảng": the subject says which kind
        "subject": kind_words,
        "subtitle": f"({kind_words.capitalize()})",
        "form_code": "",
        "member_status": "chính thức" if person.member_status == "official" else "dự bị",
        "joined_on": vn_date(person.joined_on),
        "official_on": vn_date(person.official_on) if person.official_on else "",
        "card_number": person.card_number or "",
        "biography_number": record.biography_number,
        "cell_name": case.cell.name,
        "dues_paid_through": record.dues_paid_through,
        "transfer_kind": kind_words,
        "destination": record.to_name,
        "destination_committee": committee_name(record.to_name),
        "period": period,
        "recipients": [
            committee_name(record.to_name),
            f"Đồng chí {person.full_name}",
            f"Lưu sổ giới thiệu sinh hoạt đảng, {who['department']}",
        ],
    }


def letter_prepare(ctx: EffectContext) -> IssueOptions:
    """A letter signed again replaces the one reported lost (the case's letter issued before):
    a new draft linked to it; the leader chosen on the form signs it."""
    lost = latest_decision(ctx.case.id, LETTER.key)
    draft = None
    if lost is not None:
        level = "upper" if lost.issuer == "upper" else "grassroots"
        draft = service.draft(ctx.case, LETTER, actor=ctx.actor, level=level)
        draft.corrects_id, draft.correction_kind = lost.id, "replace"
    leader = steps.letter_signer(ctx)
    return IssueOptions(
        extra=steps.letter_extra(ctx, lost),
        draft=draft,
        signer=(leader.user_id, leader.name, leader.title) if leader is not None else None,
    )


LETTER = DocumentKind(
    "transfer_letter",
    "pdf/transfer_letter.html",
    "GT",
    "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
    "chính thức",
    "",
    "Giấy giới thiệu sinh hoạt đảng",
    "TRƯỞNG BAN TỔ CHỨC",
    draft=letter_draft,
    prepare=letter_prepare,
    issued=steps.record_letter,
)


# --- options of the forms -------------------------------------------------------------------


def other_grassroots(subject: Subject) -> list[tuple[str, str]]:
    """The committee's grassroots organizations a member may go to: not their own."""
    own = subject.person.cell.ancestor_ids()[0] if subject.person is not None else None
    orgs = db.session.scalars(
        select(Organization).where(Organization.parent_id.is_(None), Organization.active.is_(True))
    )
    return [(str(o.id), o.label) for o in in_tree_order(orgs) if o.id != own]


def receiving_cells(subject: Subject) -> list[tuple[str, str]]:
    """The cells of the organization receiving the member."""
    receiving = receiving_org(subject.case)
    if receiving is None:
        return []
    cells = db.session.scalars(
        select(Organization).where(
            Organization.path.startswith(receiving.path, autoescape=True),
            Organization.kind.in_(CELL_KINDS),
            Organization.active.is_(True),
        )
    )
    return [(str(o.id), o.label) for o in in_tree_order(cells)]


def letter_signers(subject: Subject) -> list[tuple[str, str]]:
    return leader_options(steps.letter_root(subject.case))


def sibling_cells(subject: Subject) -> list[tuple[str, str]]:
    return [(str(o.id), o.label) for o in steps.other_cells(subject.person)]


SOURCES = {
    "other_grassroots": other_grassroots,
    "receiving_cells": receiving_cells,
    "letter_signers": letter_signers,
    "sibling_cells": sibling_cells,
}


# --- who opens which --------------------------------------------------------------------------


def _member_here(person: Person | None, actor: Actor, roles) -> bool:
    return (
        person is not None
        and person.member_status in ("probationary", "official")
        and person.presence == "active"
        and actor.scope_for(roles, person.cell.path) is not None
    )


def may_transfer(person: Person | None, actor: Actor) -> bool:
    return _member_here(person, actor, transfer.SPEC.open_roles)


def may_stay_elsewhere(person: Person | None, actor: Actor) -> bool:
    return _member_here(person, actor, temporary_transfer.SPEC.open_roles)


def may_move_within(person: Person | None, actor: Actor) -> bool:
    return (
        _member_here(person, actor, internal_transfer.SPEC.open_roles)
        and person.cell.kind == "cell"
        and bool(steps.other_cells(person))
    )


def may_register(person: Person | None, actor: Actor) -> bool:
    return person is None and actor.scope_for(transfer_in.SPEC.open_roles, None) is not None


#: what the department records of a member arriving from outside, besides their particulars
MEMBERSHIP_FIELDS = (
    Field(
        "member_status",
        "Đảng viên",
        "choice",
        choices=tuple(
            (k, v) for k, v in MEMBER_STATUSES.items() if k in ("official", "probationary")
        ),
    ),
    Field("joined_on", "Ngày vào Đảng", "date"),
    Field("admission_decision_on", "Ngày ký quyết định kết nạp", "date", required=False),
    Field("official_on", "Ngày chính thức", "date", required=False),
)


def arrival_place(payload: Mapping[str, Any]) -> Organization:
    """Until the receiving cell confirms, a member arriving with a letter from outside the
    committee belongs to the receiving grassroots organization."""
    destination = steps.grassroots_org(parse_id(payload.get("destination_org")))
    if destination is None:
        raise InvalidInput({"destination_org": "Chọn một tổ chức cơ sở đảng đang hoạt động."})
    return destination


def arriving_member(
    person: Person, membership: Mapping[str, Any], payload: Mapping[str, Any]
) -> None:
    """An arriving member's record: their membership, in transit (on no cell's active list)."""
    person.member_status = membership["member_status"]
    person.joined_on = membership["joined_on"]
    person.admission_decision_on = membership.get("admission_decision_on")
    person.official_on = membership.get("official_on")
    person.card_number = payload.get("card_number") or None
    person.presence = "in_transit"
    if person.joined_on < person.birth_date:
        raise InvalidInput({"joined_on": "Ngày vào Đảng không được trước ngày sinh."})
    if person.member_status == "official" and person.official_on is None:
        raise InvalidInput({"official_on": "Đảng viên chính thức: ghi ngày chính thức."})
    if person.official_on is not None and person.official_on < person.joined_on:
        raise InvalidInput({"official_on": "Ngày chính thức không được trước ngày vào Đảng."})


# --- the happy path ---------------------------------------------------------------------------


def _register_entry(case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    """The next number in the sending grassroots committee's register of transfers (10-SHĐ)."""
    root_path = f"/{case.cell.ancestor_ids()[0]}/"
    entered = db.session.scalar(
        select(func.count())
        .select_from(Transfer)
        .join(Case, Case.id == Transfer.case_id)
        .join(Organization, Organization.id == Case.cell_id)
        .where(Organization.path.startswith(root_path), Transfer.registered_on.is_not(None))
    )
    return {"reference": f"{entered + 1}-SHĐ"}


def _signed_by(case: Case, _day: date, ctx: HappyContext) -> dict[str, Any]:
    """A leader with a title signs, if there is one; else whoever issues the letter."""
    signers = letter_signers(Subject(case=case))
    return {"signed_by": int(ctx.pick(signers)[0])} if signers else {}


def _received_in(case: Case, _day: date, ctx: HappyContext) -> dict[str, Any]:
    return {"cell": int(ctx.pick(receiving_cells(Subject(case=case)))[0])}


def _receipt(_case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"reference": f"Phiếu báo ngày {vn_date(day)}"}


def _nothing(_case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {}


#: the letter: entered in the grassroots committee's register if the member's cell is not the
#: grassroots organization itself, then issued, signed by the department's leader
LETTER_STEPS = {"record_grassroots_part": _register_entry, "issue_letter": _signed_by}
HAPPY = {
    transfer.KEY: {**LETTER_STEPS, "confirm_arrival": _received_in, "record_receipt": _receipt},
    transfer_in.KEY: {"confirm_arrival": _received_in},
    temporary_transfer.KEY: {
        **LETTER_STEPS,
        "confirm_arrival": _nothing,
        "record_receipt": _receipt,
        "record_return": _nothing,
    },
    internal_transfer.KEY: {"issue_letter": _signed_by, "confirm_arrival": _nothing},
}


def _family(spec, opening: Opening) -> Procedure:
    return Procedure(
        spec=spec,
        facts=facts,
        effects=steps.EFFECTS,
        sources=SOURCES,
        documents={LETTER.key: LETTER},
        opening=opening,
        page_template="cases/facts/transfer.html",
        happy=HAPPY[spec.key],
        demo=transfers_demo.SCENARIOS[spec.key],
    )


PROPOSED = "Đã ghi đề nghị chuyển sinh hoạt đảng."
TRANSFER = _family(
    transfer.SPEC,
    Opening("person", "Chuyển sinh hoạt chính thức", may_transfer, PROPOSED, "Ghi đề nghị"),
)
TRANSFER_IN = _family(
    transfer_in.SPEC,
    Opening(
        "incoming",
        "Vào sổ giấy giới thiệu đến",
        may_register,
        "Đã vào sổ giấy giới thiệu đến.",
        submit="Vào sổ",
        hint="Đảng viên từ ngoài Đảng bộ chuyển đến. Đảng viên được tính vào danh sách của chi "
        "bộ khi nơi đến xác nhận đã tiếp nhận.",
        subject_fields=MEMBERSHIP_FIELDS,
        place=arrival_place,
        complete=arriving_member,
    ),
)
TEMPORARY = _family(
    temporary_transfer.SPEC,
    Opening("person", "Chuyển sinh hoạt tạm thời", may_stay_elsewhere, PROPOSED, "Ghi đề nghị"),
)
INTERNAL = _family(
    internal_transfer.SPEC,
    Opening(
        "person",
        "Chuyển sang chi bộ khác trong đảng bộ cơ sở",
        may_move_within,
        PROPOSED,
        "Ghi đề nghị",
    ),
)
PROCEDURES = (TRANSFER, TRANSFER_IN, TEMPORARY, INTERNAL)

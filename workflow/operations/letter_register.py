"""The register of introduction letters (Sổ giới thiệu sinh hoạt đảng, Mẫu 10-SHĐ) kept by the
upper committee's department and by each grassroots party committee: the letters it gave, in
number order, and the members it received, for one year (§2(c), "The introduction letter").

Outgoing rows are read from the issued letters themselves (what was printed, frozen at
signing); incoming rows from the transfer records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import extract, select
from sqlalchemy.orm import aliased, joinedload

from states.dates import vn_date
from workflow.documents import service
from workflow.documents.snapshots import issuer_of
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Transfer
from workflow.models.orgs import by_name
from workflow.permissions import REPORT_READERS, Actor

UPPER = "upper"
#: what a transfer is called in the register's classification column
CLASSES = {
    "within": "Chính thức, trong Đảng bộ",
    "out": "Chính thức, ra ngoài Đảng bộ",
    "in": "Chính thức, từ ngoài Đảng bộ",
    "temporary": "Tạm thời",
    "internal": "Nội bộ, giữa các chi bộ",
}
#: grassroots organizations that keep a register (a grassroots cell has no cells to move between)
KEEPERS = ("grassroots_committee",)


@dataclass(frozen=True)
class RegisterRow:
    number: str
    on: date
    full_name: str
    birth_date: str
    joined_on: str
    official_on: str
    card_number: str
    from_name: str
    to_name: str
    kind: str
    note: str
    case_id: int


@dataclass(frozen=True)
class Register:
    #: "upper" or "org:<id>", as decisions name their issuer
    issuer: str
    superior_name: str
    keeper_name: str
    year: int
    outgoing: list[RegisterRow]
    incoming: list[RegisterRow]


def registers_for(actor: Actor) -> list[tuple[str, str]]:
    """(issuer key, name) of the registers the actor may read."""
    found = []
    if actor.scope_for(REPORT_READERS, None) is not None:
        found.append((UPPER, f"Ban Tổ chức {current_app.config['UPPER_COMMITTEE_NAME']}"))
    for org in by_name(
        db.session.scalars(
            select(Organization).where(
                Organization.kind.in_(KEEPERS), Organization.parent_id.is_(None)
            )
        )
    ):
        if actor.scope_for(REPORT_READERS, org.path) is not None:
            found.append((f"org:{org.id}", org.name))
    return found


def build(issuer: str, year: int) -> Register:
    who = issuer_of(None, issuer)
    keeper = who["department"]
    return Register(
        issuer=issuer,
        superior_name=who["superior_name"],
        keeper_name=keeper,
        year=year,
        outgoing=_outgoing(issuer, year),
        incoming=_incoming(issuer, year),
    )


def _from_record(transfer: Transfer, case: Case, number: str, on: date, note: str) -> RegisterRow:
    """A row written from the transfer record and the member's particulars."""
    person = transfer.person
    return RegisterRow(
        number=number,
        on=on,
        full_name=person.full_name,
        birth_date=vn_date(person.birth_date),
        joined_on=vn_date(person.joined_on) if person.joined_on else "",
        official_on=vn_date(person.official_on) if person.official_on else "",
        card_number=person.card_number or "",
        from_name=transfer.from_name,
        to_name=transfer.to_name,
        kind=CLASSES.get(transfer.direction, transfer.direction),
        note=note,
        case_id=case.id,
    )


def _outgoing(issuer: str, year: int) -> list[RegisterRow]:
    """The letters the keeper gave; a grassroots committee also enters the members who leave
    it for another organization, whose letter the department then gives."""
    rows = _letters(issuer, year)
    if issuer != UPPER:
        rows = sorted(rows + _entered(issuer, year), key=lambda r: (r.on, r.case_id))
    return rows


def _entered(issuer: str, year: int) -> list[RegisterRow]:
    org = db.session.get(Organization, int(issuer.removeprefix("org:")))
    source = aliased(Organization)
    found = db.session.execute(
        select(Transfer, Case)
        .join(Case, Case.id == Transfer.case_id)
        .join(source, source.id == Transfer.from_org_id)
        .where(
            source.path.startswith(org.path, autoescape=True),
            Transfer.registered_on.is_not(None),
            extract("year", Transfer.registered_on) == year,
        )
        .options(
            joinedload(Transfer.person),
            joinedload(Transfer.from_org),
            joinedload(Transfer.to_org),
        )
    ).all()
    rows = []
    for transfer, case in found:
        parts = []
        if transfer.letter_number:
            number = transfer.letter_number.replace("Số ", "số ", 1)
            parts.append(f"Giấy giới thiệu {number} ngày {vn_date(transfer.letter_on)}")
        if case.state == "withdrawn":
            parts.append("Đã hủy")
        elif transfer.arrived_on is not None:
            parts.append(f"Nơi đến tiếp nhận ngày {vn_date(transfer.arrived_on)}")
        rows.append(
            _from_record(
                transfer, case, transfer.reference, transfer.registered_on, "; ".join(parts)
            )
        )
    return rows


def _letters(issuer: str, year: int) -> list[RegisterRow]:
    letters = db.session.execute(
        select(Decision, Transfer, Case)
        .join(Transfer, Transfer.case_id == Decision.case_id)
        .join(Case, Case.id == Decision.case_id)
        .where(
            Decision.kind == "transfer_letter",
            Decision.status == "issued",
            Decision.issuer == issuer,
            extract("year", Decision.decided_on) == year,
        )
        .order_by(Decision.term_start, Decision.number)
    ).all()
    replaced_by = service.superseding([d.id for d, _, _ in letters])
    rows = []
    for decision, transfer, case in letters:
        doc = json.loads(decision.snapshot)
        person = doc.get("person", {})
        rows.append(
            RegisterRow(
                number=decision.reference.removeprefix("Số "),
                on=decision.decided_on,
                full_name=person.get("full_name", ""),
                birth_date=person.get("birth_date", ""),
                joined_on=doc.get("joined_on", ""),
                official_on=doc.get("official_on", ""),
                card_number=doc.get("card_number", ""),
                from_name=doc.get("cell_name", ""),
                to_name=doc.get("destination", ""),
                kind=CLASSES.get(transfer.direction, transfer.direction),
                note=_outgoing_note(doc, transfer, case, replaced_by.get(decision.id)),
                case_id=case.id,
            )
        )
    return rows


def _outgoing_note(doc: dict, transfer: Transfer, case: Case, replacement: Decision | None) -> str:
    parts = []
    if doc.get("replaces_lost"):
        parts.append(f"Cấp lại, thay giấy {doc['replaces_lost']}")
    if replacement is not None:
        parts.append(f"Báo mất; đã cấp lại {replacement.reference.removeprefix('Số ')}")
    elif case.state == "withdrawn":
        parts.append("Đã thu hồi")
    elif transfer.arrived_on is not None:
        parts.append(f"Nơi đến tiếp nhận ngày {vn_date(transfer.arrived_on)}")
    if transfer.returned_on is not None:
        parts.append(f"Trở về ngày {vn_date(transfer.returned_on)}")
    return "; ".join(parts)


def _incoming(issuer: str, year: int) -> list[RegisterRow]:
    """The department registers letters from outside the committee; a grassroots committee
    receives members arriving from its sister organizations, from outside, or for a stay."""
    target = aliased(Organization)
    stmt = (
        select(Transfer, Case)
        .join(Case, Case.id == Transfer.case_id)
        .outerjoin(target, target.id == Transfer.to_org_id)
        .options(
            joinedload(Transfer.person),
            joinedload(Transfer.from_org),
            joinedload(Transfer.to_org),
        )
    )
    if issuer == UPPER:
        stmt = stmt.where(
            Transfer.direction == "in", extract("year", Case.opened_on) == year
        ).order_by(Case.opened_on, Transfer.id)
    else:
        org = db.session.get(Organization, int(issuer.removeprefix("org:")))
        stmt = stmt.where(
            Transfer.direction.in_(("within", "in", "temporary")),
            target.path.startswith(org.path, autoescape=True),
            Transfer.arrived_on.is_not(None),
            extract("year", Transfer.arrived_on) == year,
        ).order_by(Transfer.arrived_on, Transfer.id)
    rows = []
    for transfer, case in db.session.execute(stmt).unique().all():
        on = case.opened_on if issuer == UPPER else transfer.arrived_on
        note = f"Giấy số {transfer.letter_number}, ngày {vn_date(transfer.letter_on)}"
        if transfer.letter_issuer:
            note += f", {transfer.letter_issuer}"
        if issuer == UPPER and transfer.arrived_on is not None:
            note += f"; chi bộ tiếp nhận ngày {vn_date(transfer.arrived_on)}"
        rows.append(_from_record(transfer, case, transfer.letter_number, on, note))
    return rows


def to_html(reg: Register) -> str:
    """The printed register: the Party's document heading, landscape tables; only the
    register's data reaches the template (no request or user)."""
    from workflow.clock import today
    from workflow.documents.render import long_date

    config = current_app.config
    return current_app.jinja_env.get_template("pdf/letter_register.html").render(
        reg=reg,
        superior=reg.superior_name,
        committee=reg.keeper_name,
        place=config["PLACE_NAME"],
        long_date=long_date(today()),
    )

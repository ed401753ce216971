"""Party cards (``states.cards``): a new card proposed with the recognition, a lost or damaged
one reported by the member's self-review, each taken up its steps (the lists, the decision
with the card's number, the database entry, the printing, the receipt and the hand-over), and
the card collected when a member leaves the lists.

Each step is one transaction with its audit row, dated with the step: the period report counts
a new card under ``card.issued`` and a re-issued one under ``card.reissued_lost`` /
``card.reissued_damaged`` on the day of the decision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from states import cards as rules_of
from states.dates import vn_date
from states.fields import parse_date
from states.rules import rules_on
from states.spec import Role
from states.text import clean_line
from workflow.clock import today
from workflow.extensions import db
from workflow.models import CardIssuance, Person
from workflow.permissions import Actor
from workflow.presenters import vn_percent
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.store.uow import transactional

DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
CELL = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
#: who takes each step: the cell (its secretary, or the committees above), the grassroots
#: committee, or the department
STEP_ROLES = {
    "cell_review": CELL,
    "grassroots_list": GRASSROOTS,
    "department_list": DEPARTMENT,
    "decide": DEPARTMENT,
    "enter": DEPARTMENT,
    "print": DEPARTMENT,
    "receive": DEPARTMENT,
    "hand_over": CELL,
}
#: the audit action of each card kind's decision (what the period report counts)
DECIDED = {
    "new": "card.issued",
    "lost": "card.reissued_lost",
    "damaged": "card.reissued_damaged",
    "exchange": "card.exchanged",
}


def may_step(actor: Actor, card: CardIssuance, step: str) -> bool:
    return actor.scope_for(STEP_ROLES[step], card.person.cell.path) is not None


def _date(raw: Mapping[str, Any], key: str, errors: dict[str, str], after: date | None) -> date:
    try:
        value = parse_date(raw.get(key) or "")
    except ValueError as exc:
        errors[key] = str(exc)
        return today()
    if value > today():
        errors[key] = "Ngày không được sau hôm nay."
    elif after is not None and value < after:
        errors[key] = f"Ngày phải từ ngày {after:%d/%m/%Y} (bước trước) trở đi."
    return value


def step_dates(card: CardIssuance) -> dict[str, date]:
    """The day of each step taken, by step key."""
    return {k: date.fromisoformat(v) for k, v in json.loads(card.step_dates or "{}").items()}


def _last_date(card: CardIssuance) -> date:
    return max([card.proposed_on, *step_dates(card).values()])


def check_number(number: str, person_id: int, day: date) -> str | None:
    """Why ``number`` cannot be the card's number (None: it can): its format (a setting), and
    no other member holds it."""
    pattern, label = rules_on(day)["card.number_pattern"]
    if not re.fullmatch(pattern, number):
        return f"Số thẻ đảng viên gồm {label}."
    taken = (
        db.session.scalars(
            select(Person.id).where(Person.card_number == number, Person.id != person_id)
        ).first()
        or db.session.scalars(
            select(CardIssuance.id).where(
                CardIssuance.card_number == number, CardIssuance.person_id != person_id
            )
        ).first()
    )
    return "Số thẻ này đã cấp cho người khác." if taken else None


def _locked(card_id: int) -> CardIssuance:
    card = db.session.get(CardIssuance, card_id, with_for_update=True, populate_existing=True)
    if card is None:
        raise NotFound()
    return card


def _audit(card: CardIssuance, action: str, actor: Actor, on: date, **payload: Any) -> None:
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="person",
        subject_id=card.person_id,
        action=action,
        event_date=on,
        payload={"card": card.id, "kind": card.kind, **payload},
        person_id=card.person_id,
    )


@transactional
def record_issued(card_id: int, raw: Mapping[str, Any], *, actor: Actor) -> None:
    """The standing committee's decision with the card's number (``raw``: card_number,
    issued_on, decision_number)."""
    advance(card_id, "decide", {**raw, "on": raw.get("issued_on")}, actor=actor)


@transactional
def advance(card_id: int, step_key: str, raw: Mapping[str, Any], *, actor: Actor) -> CardIssuance:
    """Take the card one step (``states.cards.STEPS``); ``raw``: on (the step's date), and
    for the decision card_number and decision_number, photos when they are received."""
    card = _locked(card_id)
    step = rules_of.STEP_BY_KEY.get(step_key)
    if step is None:
        raise NotFound()
    if not may_step(actor, card, step_key):
        raise PermissionDenied()
    if raw.get("version") not in (None, "") and str(raw["version"]) != str(card.version):
        raise StaleRecord()
    if step not in rules_of.steps_for(card.kind, card.status):
        raise InvalidInput(
            {"status": f"Thẻ đang ở bước “{rules_of.STATUSES[card.status]}”: không ghi được "
             f"“{step.label}”."}
        )  # fmt: skip
    errors: dict[str, str] = {}
    on = _date(raw, "on", errors, _last_date(card))
    payload: dict[str, Any] = {}
    if raw.get("photos") not in (None, ""):
        try:
            card.photos = int(str(raw["photos"]))
            if not 0 <= card.photos <= 10:
                raise ValueError
            payload["photos"] = card.photos
        except ValueError:
            errors["photos"] = "Số ảnh từ 0 đến 10."
    if step_key == "decide":
        number = re.sub(r"\s", "", str(raw.get("card_number") or ""))
        problem = check_number(number, card.person_id, on)
        if problem:
            errors["card_number"] = problem
        reference = clean_line(str(raw.get("decision_number") or ""))
        if card.kind in ("lost", "damaged") and not reference:
            errors["decision_number"] = "Ghi số quyết định (Mẫu 4-TĐV)."
        if len(reference) > 80:
            errors["decision_number"] = "Tối đa 80 ký tự."
    if errors:
        raise InvalidInput(errors)
    if step_key == "decide":
        card.card_number, card.issued_on, card.decision_number = number, on, reference
        card.generation = rules_of.generation_on(on, rules_on(on)["card.generation_2025_from"])
        db.session.get(Person, card.person_id).card_number = number
        payload.update(card_number=number, decision=reference, generation=card.generation)
        action = DECIDED[card.kind]
    else:
        action = f"card.{step_key}"
        if step_key == "hand_over" and card.generation == "2025" and raw.get("electronic") == "yes":
            card.electronic_on = on
            payload["electronic"] = True
        form = rules_of.form_of(step, card.kind)
        if form:
            payload["form"] = form
    done = {k: v.isoformat() for k, v in step_dates(card).items()}
    card.step_dates = json.dumps({**done, step_key: on.isoformat()}, sort_keys=True)
    card.status = step.target
    _audit(card, action, actor, on, **payload)
    return card


@transactional
def report_loss(person_id: int, raw: Mapping[str, Any], *, actor: Actor) -> CardIssuance:
    """A member's card lost or damaged: the self-review with the reason starts a re-issue
    (``raw``: kind lost|damaged, reason, on, photos)."""
    person = db.session.get(Person, person_id, with_for_update=True)
    if person is None or actor.scope_for(CELL, person.cell.path) is None:
        raise NotFound()
    errors: dict[str, str] = {}
    kind = raw.get("kind")
    if kind not in ("lost", "damaged"):
        errors["kind"] = "Chọn thẻ bị mất hoặc bị hỏng."
    reason = clean_line(str(raw.get("reason") or ""))
    if not reason:
        errors["reason"] = "Ghi lý do trong bản tự kiểm điểm."
    on = _date(raw, "on", errors, None)
    if person.member_status != "official":
        errors["kind"] = "Chỉ cấp lại thẻ cho đảng viên chính thức đang trong danh sách."
    elif db.session.scalars(
        select(CardIssuance.id).where(
            CardIssuance.person_id == person.id,
            CardIssuance.status.not_in(("handed", "collected")),
        )
    ).first():
        errors["kind"] = "Đảng viên đang có một đề nghị cấp thẻ chưa xong."
    if errors:
        raise InvalidInput(errors)
    card = CardIssuance(
        person_id=person.id,
        org_id=person.cell.ancestor_ids()[0],
        proposed_on=on,
        status="self_review",
        kind=kind,
        reason=reason,
        old_card_number=person.card_number or "",
        photos=int(str(raw.get("photos") or 0)) if str(raw.get("photos") or "0").isdigit() else 0,
    )
    db.session.add(card)
    _audit(card, "card.self_review", actor, on, reason=reason, old=card.old_card_number)
    return card


@transactional
def start_exchange(org_id: int, raw: Mapping[str, Any], *, actor: Actor) -> int:
    """The 2025 exchange (Chỉ thị 51-CT/TW) for an organization: every official member on its
    lists whose card is not of the 2025 design, and who has no card on its way, is proposed
    for a new card (``raw``: on). Returns how many."""
    from workflow.models import Organization

    if actor.scope_for(DEPARTMENT, None) is None:
        raise PermissionDenied()
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound()
    errors: dict[str, str] = {}
    on = _date(raw, "on", errors, None)
    if errors:
        raise InvalidInput(errors)
    cells = select(Organization.id).where(Organization.path.startswith(org.path, autoescape=True))
    busy = select(CardIssuance.person_id).where(
        (CardIssuance.status.not_in(("handed", "collected"))) | (CardIssuance.generation == "2025")
    )
    people = list(
        db.session.scalars(
            select(Person).where(
                Person.cell_id.in_(cells),
                Person.member_status == "official",
                Person.presence == "active",
                Person.id.not_in(busy),
            )
        )
    )
    for person in people:
        db.session.add(
            CardIssuance(
                person_id=person.id,
                org_id=person.cell.ancestor_ids()[0],
                proposed_on=on,
                status="proposed",
                kind="exchange",
                old_card_number=person.card_number or "",
            )
        )
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="organization",
        subject_id=org.id,
        action="card.exchange_started",
        event_date=on,
        payload={"organization": org.name, "count": len(people)},
    )
    return len(people)


@dataclass(frozen=True)
class ExchangeProgress:
    """How far the 2025 exchange has come in one grassroots organization."""

    org: Any
    #: official members on its lists today
    members: int
    #: of them, holding a card of the 2025 design (handed over)
    exchanged: int
    #: exchanges proposed and not yet handed over
    under_way: int
    #: electronic cards activated at the hand-over
    electronic: int

    @property
    def share(self) -> str:
        """ "62,5%" of the official members hold a 2025 card."""
        return vn_percent(self.exchanged, self.members) or "—"


def exchange_progress(roots: list) -> list[ExchangeProgress]:
    """The exchange's progress in each of ``roots`` (grassroots organizations), in their
    order: three grouped counts, whatever the number of members."""
    from workflow.models import Organization

    ids = [o.id for o in roots]
    if not ids:
        return []
    counts: dict[tuple[int, str], int] = {}
    electronic_on = CardIssuance.electronic_on.is_not(None)
    for org_id, status, electronic, n in db.session.execute(
        select(CardIssuance.org_id, CardIssuance.status, electronic_on, func.count())
        .where(CardIssuance.kind == "exchange", CardIssuance.org_id.in_(ids))
        .group_by(CardIssuance.org_id, CardIssuance.status, electronic_on)
    ):
        if status == "collected":  # the member left the lists since
            continue
        key = "exchanged" if status == "handed" else "under_way"
        counts[(org_id, key)] = counts.get((org_id, key), 0) + n
        if electronic:
            counts[(org_id, "electronic")] = counts.get((org_id, "electronic"), 0) + n
    by_cell = dict(
        db.session.execute(
            select(Person.cell_id, func.count())
            .where(Person.member_status == "official", Person.presence == "active")
            .group_by(Person.cell_id)
        ).all()
    )
    paths = dict(db.session.execute(select(Organization.id, Organization.path)).all())
    members = {o.id: 0 for o in roots}
    for cell_id, n in by_cell.items():
        root = int(paths.get(cell_id, "/0/").strip("/").split("/")[0])
        if root in members:
            members[root] += n
    return [
        ExchangeProgress(
            o,
            members[o.id],
            counts.get((o.id, "exchanged"), 0),
            counts.get((o.id, "under_way"), 0),
            counts.get((o.id, "electronic"), 0),
        )
        for o in roots
    ]


def collect_on_leaving(ctx: Any) -> None:
    """A step took the member off the lists (``end_membership``): the cell collects the card
    and sends it up, and a card on its way is stopped — unless the procedure leaves the card
    with the member's family (``ProcedureSpec.returns_card``). Recorded when the member had
    a card or one on its way."""
    if not ctx.procedure.spec.returns_card:
        return
    person = ctx.case.person
    cards = list(
        db.session.scalars(
            select(CardIssuance).where(
                CardIssuance.person_id == person.id, CardIssuance.status != "collected"
            )
        )
    )
    if not cards and not person.card_number:
        return
    for card in cards:
        card.status = "collected"
    audit.append(
        actor=ctx.actor,
        subject_type="person",
        subject_id=person.id,
        action="card.collected",
        event_date=ctx.event_date,
        payload={"card_number": person.card_number or "", "by_case": ctx.case.id},
        person_id=person.id,
    )


def cards_of(person_id: int) -> list[CardIssuance]:
    return list(
        db.session.scalars(
            select(CardIssuance)
            .where(CardIssuance.person_id == person_id)
            .order_by(CardIssuance.proposed_on, CardIssuance.id)
        )
    )


def open_statuses() -> tuple[str, ...]:
    return tuple(s for s in rules_of.STATUSES if s not in ("handed", "collected"))


#: the card list's columns (Mẫu 1-TĐV and the lists after it) and their widths
LIST_COLUMNS = (
    ("TT", 6), ("Họ và tên", 24), ("Ngày sinh", 16), ("Quê quán", 20), ("Ngày vào Đảng", 16),
    ("Ngày chính thức", 16), ("Chi bộ", 22), ("Số thẻ cũ", 15), ("Lý do", 26), ("Ảnh", 7),
    ("Số thẻ", 15), ("Tình trạng", 20),
)  # fmt: skip
#: the list form of each kind, sent by the grassroots committee and compiled by the department
LIST_FORMS = {
    "new": ("1-TĐV", "1A-TĐV"),
    "lost": ("2-TĐV", "2A-TĐV"),
    "damaged": ("3-TĐV", "3A-TĐV"),
}


def list_rows(cards: list[CardIssuance]) -> list[list[str]]:
    """The rows of a card list, numbered."""
    return [
        [
            str(n), c.person.full_name, vn_date(c.person.birth_date), c.person.home_town,
            vn_date(c.person.joined_on), vn_date(c.person.official_on), c.person.cell.name,
            c.old_card_number, c.reason, str(c.photos), c.card_number or "",
            rules_of.STATUSES[c.status],
        ]
        for n, c in enumerate(cards, 1)
    ]  # fmt: skip

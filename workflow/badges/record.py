"""Party age read from the record (``states.party_age``): the periods out of party activity
that the procedures have recorded, for one member or many at once.

* a period off the lists: the audit trail's membership rows, where a procedure (removal,
  leaving, expulsion) set the member's status to ``removed`` and a later one (a decision
  annulled) put them back; a re-admission records its own period (``MembershipGap``, from
  leaving to the re-admission decision), so a period it closes is read from there;
* a transfer whose introduction letter was presented after its deadline: from the deadline to
  the day it was presented (``Transfer.present_by`` / ``arrived_on``);
* time out of contact with the Party, recorded by its procedure (``MembershipGap`` naming the
  case; no end while the member is still out of contact: it counts up to the day asked);
* periods the department entered by hand (time out of contact before the procedure recorded
  it, a fixed-term expulsion before the records were kept): ``MembershipGap`` without a case.

A death ends the party age (the day the trail records it). A re-admitted member's age counts
from the first admission once the cell has verified the member's party-age declaration
(recorded as ``person.party_age_verified``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from states.indicators import ENTRY_FLOWS, FLOWS, REMOVAL_FLOWS
from states.party_age import Gap, PartyAge, compute
from workflow.extensions import db
from workflow.models import AuditEntry, Case, MembershipGap, Person, Transfer
from workflow.store.sets import among, chunks

AUDIT = AuditEntry.__table__
FLOW_LABELS = {flow.key: flow.label for flow in FLOWS}
VERIFIED = "person.party_age_verified"
#: how each procedure that takes a member off the lists names it (the report's flow labels)
LEFT_BY = {procedure: FLOW_LABELS[flow] for procedure, flow in REMOVAL_FLOWS.items()}
#: procedures whose ``removed`` ends the party age (a death) rather than interrupting it
ENDING = tuple(procedure for procedure, flow in REMOVAL_FLOWS.items() if flow == "died")
#: procedures that bring a member back from outside and record their own period out
#: (``MembershipGap``, from leaving to the decision), and whose members file a party-age
#: declaration the cell verifies
OWN_GAP = tuple(ENTRY_FLOWS)


def gaps_of(person_ids: Iterable[int]) -> dict[int, list[Gap]]:
    """person id → the periods out of party activity the record shows (unmerged)."""
    out: dict[int, list[Gap]] = {}
    for chunk in chunks(person_ids):
        for g in db.session.scalars(
            select(MembershipGap).where(among(MembershipGap.person_id, chunk))
        ):
            gap = Gap(g.start_on, g.end_on, g.reason, g.case_id)
            out.setdefault(g.person_id, []).append(gap)
        rows = db.session.execute(
            select(AUDIT.c.person_id, AUDIT.c.event_date, AUDIT.c.procedure, AUDIT.c.member_status)
            .where(among(AUDIT.c.person_id, chunk), AUDIT.c.member_status.is_not(None))
            .order_by(AUDIT.c.person_id, AUDIT.c.event_date.asc().nulls_first(), AUDIT.c.seq)
        )
        open_at: dict[int, tuple[date, str]] = {}
        for person_id, on, procedure, status in rows:
            if on is None:
                continue
            if status == "removed" and procedure not in ENDING and person_id not in open_at:
                label = LEFT_BY.get(procedure) or "Ra khỏi danh sách đảng viên"
                open_at[person_id] = (on, label)
            elif status in ("probationary", "official") and person_id in open_at:
                start, label = open_at.pop(person_id)
                if procedure not in OWN_GAP and on > start:
                    gap = Gap(start, on, f"{label} (đến khi trở lại danh sách)")
                    out.setdefault(person_id, []).append(gap)
        for person_id, (start, label) in open_at.items():
            out.setdefault(person_id, []).append(Gap(start, None, label))
        late = db.session.execute(
            select(
                Transfer.person_id, Transfer.present_by, Transfer.arrived_on, Transfer.to_org_id
            ).where(
                among(Transfer.person_id, chunk),
                Transfer.present_by.is_not(None),
                Transfer.arrived_on > Transfer.present_by,
                # a temporary stay keeps the member on the home cell's list
                Transfer.direction != "temporary",
            )
        )
        for person_id, present_by, arrived_on, _ in late:
            out.setdefault(person_id, []).append(
                Gap(
                    present_by,
                    arrived_on,
                    "Chuyển sinh hoạt đảng quá hạn xuất trình giấy giới thiệu "
                    f"(hạn {present_by:%d/%m/%Y}, xuất trình {arrived_on:%d/%m/%Y})",
                )
            )
    return out


def died_on(person_ids: Iterable[int]) -> dict[int, date]:
    out: dict[int, date] = {}
    for chunk in chunks(person_ids):
        rows = db.session.execute(
            select(AUDIT.c.person_id, AUDIT.c.event_date).where(
                among(AUDIT.c.person_id, chunk),
                AUDIT.c.member_status == "removed",
                AUDIT.c.procedure.in_(ENDING),
            )
        )
        for person_id, on in rows:
            if on is not None:
                out[person_id] = on
    return out


def awaiting_declaration(person_ids: Iterable[int]) -> set[int]:
    """The re-admitted members whose party-age declaration the cell has not verified."""
    out: set[int] = set()
    for chunk in chunks(person_ids):
        readmitted = set(
            db.session.scalars(
                select(Case.person_id).where(
                    among(Case.person_id, chunk), Case.procedure.in_(OWN_GAP)
                )
            )
        )
        if not readmitted:
            continue
        verified = set(
            db.session.scalars(
                select(AUDIT.c.person_id).where(
                    AUDIT.c.person_id.in_(sorted(readmitted)), AUDIT.c.action == VERIFIED
                )
            )
        )
        out |= readmitted - verified
    return out


def party_age_of(person: Person, on: date) -> PartyAge | None:
    """The member's party age on ``on`` (on the day of death for a member who died)."""
    if person.admission_decision_on is None and person.joined_on is None:
        return None
    end = died_on([person.id]).get(person.id)
    return compute(
        person.admission_decision_on,
        person.joined_on,
        gaps_of([person.id]).get(person.id, []),
        min(on, end) if end else on,
        awaiting_declaration=person.id in awaiting_declaration([person.id]),
    )

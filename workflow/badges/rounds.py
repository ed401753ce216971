"""Badge rounds: who a round proposes (``states.badges``) from the record, and the steps of a
round, each one transaction with its audit row.

The department opens a round for an anniversary; the application proposes, per organization,
the members the rules name. The cell considers each of its members (confirms with the
declaration received, or does not propose, with a reason); the grassroots committee sends its
list; the department compiles the list for the provincial standing committee and records its
decision; the hand-over at the ceremony is recorded with the badge's number (counted by the
period report under ``badge.awarded`` on the day of the ceremony). A seriously ill member may be
added early by hand, and a lost badge put on the round's re-issue list (4A-HHĐ).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, or_, select

from states import badges as rules_of
from states.dates import add_months
from states.fields import parse_date
from states.party_age import compute, merge, reached_on
from states.rules import rules_on
from states.text import clean_line
from workflow.badges import access
from workflow.badges.record import awaiting_declaration, died_on, gaps_of
from workflow.clock import today
from workflow.extensions import db
from workflow.membership import places_on, suspended_on
from workflow.models import (
    BadgeAward,
    BadgeRound,
    DisciplineRecord,
    MembershipGap,
    Organization,
    Person,
    Transfer,
)
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound, StaleRecord
from workflow.store.sets import among, chunks
from workflow.store.uow import transactional

#: an award that counts as given (a later round does not propose the same badge again)
GIVEN = ("confirmed", "sent", "decided", "handed")


@dataclass(frozen=True)
class Eligible:
    proposal: rules_of.Proposal
    cell_id: int
    org_id: int
    party_age_months: int
    note: str


def _start(person: Any) -> date | None:
    return person.admission_decision_on or person.joined_on


def candidates(on: date, since: date, rules: Any, within: str | None = None) -> list[int]:
    """The people a round of day ``on`` may propose,
    selected from the admission dates: whoever reaches a threshold between ``since`` and
    ``on`` without gaps, anyone with a recorded period out (their age moves later), those
    held back before, and the members who died since the previous round."""
    start = func.coalesce(Person.admission_decision_on, Person.joined_on)
    early = rules["badge.posthumous_early_months"]
    living, dead = [], []
    for years in rules["badge.thresholds"]:
        low = add_months(since, -12 * years)
        living.append(start.between(low, add_months(on, -12 * years)))
        # a death since the previous round: awarded up to the allowance before the day
        dead.append(start.between(add_months(low, -early), add_months(on, early - 12 * years)))
    base = select(Person.id).where(
        or_(
            (Person.member_status == "official") & or_(*living),
            (Person.member_status == "removed") & or_(*dead),
        )
    )
    oldest = add_months(on, -12 * min(rules["badge.thresholds"]))
    gapped = (
        select(MembershipGap.person_id)
        .join(Person, Person.id == MembershipGap.person_id)
        .where(start <= oldest)
    )
    late = (
        select(Transfer.person_id)
        .join(Person, Person.id == Transfer.person_id)
        .where(Transfer.arrived_on > Transfer.present_by, start <= oldest)
    )
    held = select(BadgeAward.person_id).where(BadgeAward.status == "held")
    everyone = base.union(gapped, late, held)
    if within is not None:
        # the members of those organizations, and those who have left them since
        orgs = select(Organization.id).where(Organization.path.startswith(within, autoescape=True))
        there = select(Person.id).where(Person.cell_id.in_(orgs))
        left = select(Transfer.person_id).where(Transfer.from_org_id.in_(orgs))
        ids = everyone.subquery()
        everyone = select(ids.c.id).where(or_(ids.c.id.in_(there), ids.c.id.in_(left)))
    return sorted(db.session.scalars(everyone))


def _records(ids: list[int], on: date) -> tuple[dict[int, rules_of.Record], dict[int, Any]]:
    people: dict[int, Any] = {}
    columns = (
        Person.id,
        Person.admission_decision_on,
        Person.joined_on,
        Person.member_status,
        Person.cell_id,
        Person.presence,
    )
    for chunk in chunks(ids):
        for p in db.session.execute(select(*columns).where(among(Person.id, chunk))):
            people[p.id] = p
    gaps = gaps_of(ids)
    deaths = died_on(ids)
    awaiting = awaiting_declaration(ids)
    suspended = suspended_on(on)
    awarded: dict[int, set[int]] = {}
    deferred: dict[int, set[int]] = {}
    disciplines: dict[int, list[tuple[str, date]]] = {}
    for chunk in chunks(ids):
        for pid, years, status in db.session.execute(
            select(BadgeAward.person_id, BadgeAward.years, BadgeAward.status).where(
                among(BadgeAward.person_id, chunk), BadgeAward.kind != "reissue"
            )
        ):
            if status in GIVEN:
                awarded.setdefault(pid, set()).add(years)
            elif status == "held":
                deferred.setdefault(pid, set()).add(years)
        for pid, form, announced in db.session.execute(
            select(
                DisciplineRecord.person_id, DisciplineRecord.form, DisciplineRecord.announced_on
            ).where(
                among(DisciplineRecord.person_id, chunk), DisciplineRecord.announced_on.is_not(None)
            )
        ):
            disciplines.setdefault(pid, []).append((form, announced))
    records = {}
    for pid, person in people.items():
        begin = _start(person)
        if begin is None:
            continue
        if person.member_status == "removed" and pid not in deaths:
            continue
        records[pid] = rules_of.Record(
            person_id=pid,
            start=begin,
            gaps=tuple(merge(gaps.get(pid, []))),
            died_on=deaths.get(pid),
            awarded=frozenset(awarded.get(pid, ())),
            deferred=frozenset(deferred.get(pid, set()) - awarded.get(pid, set())),
            disciplines=tuple(disciplines.get(pid, ())),
            suspended_since=suspended.get(pid),
            awaiting_declaration=pid in awaiting,
        )
    return records, people


def _months(record: rules_of.Record, on: date) -> int:
    age = compute(record.start, None, record.gaps, min(on, record.died_on or on))
    return age.months if age else 0


def eligible(on: date, since: date, *, within: str | None = None) -> list[Eligible]:
    """Who a round of day ``on`` proposes (the previous one held on ``since``), with the
    cell that considers each: the member's cell on the day the threshold was reached (a
    member who has transferred out since is still proposed by the organization they left;
    one who arrived since is proposed by the organization they came from). ``within``:
    only the organizations under that path."""
    rules = rules_on(on)
    records, people = _records(candidates(on, since, rules, within), on)
    proposals = [p for p in (rules_of.propose(r, on, since, rules) for r in records.values()) if p]
    moved = set(
        db.session.scalars(
            select(Transfer.person_id).where(
                among(Transfer.person_id, [p.person_id for p in proposals] or [0])
            )
        )
    )
    temporary = _temporary_stays([p.person_id for p in proposals], on)
    cells = {o.id: o for o in db.session.scalars(select(Organization))}
    out = []
    for p in proposals:
        person = people[p.person_id]
        cell_id, note = person.cell_id, []
        if p.person_id in moved:
            day = min(p.reached_on, on)
            place = places_on([p.person_id], day).get(p.person_id, {})
            if place.get("presence") != "active" or place.get("org_id") is None:
                continue  # reached elsewhere: the organization they belonged to considers it
            cell_id = int(place["org_id"])
            if cell_id != person.cell_id or person.presence != "active":
                note.append("Đã chuyển sinh hoạt đi sau khi đủ điều kiện: tổ chức cũ xét")
        if p.person_id in temporary:
            note.append(
                f"Đang sinh hoạt tạm thời tại {temporary[p.person_id]}: chi bộ chính thức xét"
            )
        if p.hold_reason:
            until = f" đến {p.held_until:%d/%m/%Y}" if p.held_until else ""
            note.append(f"Tạm hoãn: {p.hold_reason}{until}")
        if p.awaiting_declaration:
            note.append("Kết nạp lại: chờ chi bộ xác minh tờ khai tuổi đảng")
        if p.needs_review:
            note.append("Vào Đảng ngày 29/02: xác nhận ngày đủ tuổi đảng")
        cell = cells[cell_id]
        if within is not None and not cell.path.startswith(within):
            continue
        out.append(
            Eligible(
                proposal=p,
                cell_id=cell_id,
                org_id=cell.ancestor_ids()[0],
                party_age_months=_months(records[p.person_id], on),
                note="; ".join(note),
            )
        )
    return out


def _temporary_stays(ids: list[int], on: date) -> dict[int, str]:
    rows = db.session.scalars(
        select(Transfer).where(
            among(Transfer.person_id, ids or [0]),
            Transfer.direction == "temporary",
            Transfer.arrived_on.is_not(None),
            Transfer.arrived_on <= on,
            Transfer.returned_on.is_(None),
        )
    )
    return {t.person_id: t.to_name for t in rows}


# --- operations -------------------------------------------------------------------------------


def _date(raw: Mapping[str, Any], key: str, errors: dict[str, str]) -> date | None:
    try:
        value = parse_date(raw.get(key) or "")
    except ValueError as exc:
        errors[key] = str(exc)
        return None
    if value > today():
        errors[key] = "Ngày không được sau hôm nay."
        return None
    return value


def _check_version(record: Any, expected: Any) -> None:
    if expected is not None and str(expected) != str(record.version):
        raise StaleRecord(
            "Danh sách vừa được người khác cập nhật. Trang đã được tải lại với thông tin mới "
            "nhất; hãy làm lại thao tác."
        )


def get_round(round_id: int, *, lock: bool = False) -> BadgeRound:
    found = db.session.get(BadgeRound, round_id, with_for_update=lock, populate_existing=lock)
    if found is None:
        raise NotFound()
    return found


def _award(award_id: int) -> BadgeAward:
    award = db.session.get(BadgeAward, award_id, with_for_update=True, populate_existing=True)
    if award is None:
        raise NotFound()
    return award


def _round_audit(rnd: BadgeRound, action: str, actor: Actor, on: date | None, **payload) -> None:
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="badge_round",
        subject_id=rnd.id,
        action=action,
        event_date=on,
        payload={"round": f"{rnd.occasion}/{rnd.year}", **payload},
    )


def _award_audit(award: BadgeAward, action: str, actor: Actor, on: date | None, **payload) -> None:
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="badge_round",
        subject_id=award.round_id,
        action=action,
        event_date=on,
        payload={"award": award.id, "years": award.years, "kind": award.kind, **payload},
        person_id=award.person_id,
    )


@transactional
def open_round(raw: Mapping[str, Any], *, actor: Actor) -> BadgeRound:
    """Open the round of an anniversary and put on it the members the rules propose."""
    access.require_department(actor)
    occasions = rules_on(today())["badge.occasions"]
    errors: dict[str, str] = {}
    occasion = str(raw.get("occasion") or "")
    if occasion not in occasions:
        errors["occasion"] = "Chọn một dịp trao tặng."
    try:
        year = int(str(raw.get("year") or ""))
        if not 2000 <= year <= today().year + 1:
            raise ValueError
    except ValueError:
        errors["year"] = f"Năm từ 2000 đến {today().year + 1}."
    if errors:
        raise InvalidInput(errors)
    if db.session.scalars(
        select(BadgeRound.id).where(BadgeRound.occasion == occasion, BadgeRound.year == year)
    ).first():
        raise InvalidInput({"occasion": f"Đợt {occasion}/{year} đã được mở."})
    on = rules_of.round_day(occasion, year, occasions)
    since = rules_of.previous_round_day(on, occasions)
    rnd = BadgeRound(occasion=occasion, year=year, round_on=on, since_on=since)
    db.session.add(rnd)
    db.session.flush()
    found = eligible(on, since)
    keys = dict(
        db.session.execute(
            select(Person.id, Person.sort_key).where(
                among(Person.id, [e.proposal.person_id for e in found] or [0])
            )
        ).all()
    )
    rows = [
        {
            "round_id": rnd.id,
            "person_id": e.proposal.person_id,
            "org_id": e.org_id,
            "cell_id": e.cell_id,
            "sort_key": keys[e.proposal.person_id],
            "years": e.proposal.years,
            "kind": e.proposal.kind,
            "reached_on": e.proposal.reached_on,
            "party_age_months": e.party_age_months,
            "status": "held" if e.proposal.hold_reason else "proposed",
            "held_until": e.proposal.held_until,
            "note": e.note,
            "needs_review": e.proposal.needs_review,
            "badge_number": "",
            "version": 1,
        }
        for e in found
    ]
    if rows:
        db.session.execute(insert(BadgeAward), rows)
    _round_audit(
        rnd,
        "badge.round_opened",
        actor,
        None,
        proposed=sum(1 for r in rows if r["status"] == "proposed"),
        held=sum(1 for r in rows if r["status"] == "held"),
    )
    return rnd


def _record_for(person: Person, on: date) -> rules_of.Record:
    records, _ = _records([person.id], on)
    if person.id not in records:
        raise InvalidInput({"person": "Người này không có ngày kết nạp trong hồ sơ."})
    return records[person.id]


def _add(
    rnd: BadgeRound, person: Person, years: int, kind: str, note: str, status: str
) -> BadgeAward:
    record = _record_for(person, rnd.round_on)
    if db.session.scalars(
        select(BadgeAward.id).where(
            BadgeAward.round_id == rnd.id,
            BadgeAward.person_id == person.id,
            BadgeAward.years == years,
            BadgeAward.kind == kind,
        )
    ).first():
        raise InvalidInput({"person": "Đồng chí này đã có trong danh sách của đợt."})
    cell = person.cell
    award = BadgeAward(
        round_id=rnd.id,
        person_id=person.id,
        org_id=cell.ancestor_ids()[0],
        cell_id=cell.id,
        sort_key=person.sort_key,
        years=years,
        kind=kind,
        reached_on=reached_on(record.start, record.gaps, years * 12),
        party_age_months=_months(record, rnd.round_on),
        status=status,
        note=note,
    )
    db.session.add(award)
    return award


def _open(rnd: BadgeRound) -> None:
    if rnd.status != "open":
        raise InvalidInput({"round": "Đợt đã tổng hợp trình Ban Thường vụ: không thêm, sửa được."})


def _person(raw: Mapping[str, Any], actor: Actor) -> Person:
    """The member chosen from the list of one's organization, or (across the committee) by
    citizen ID."""
    person = None
    citizen_id = re.sub(r"\s", "", str(raw.get("citizen_id") or ""))
    if citizen_id:
        person = db.session.scalars(select(Person).where(Person.citizen_id == citizen_id)).first()
    else:
        try:
            person = db.session.get(Person, int(str(raw.get("person_id") or "")))
        except ValueError:
            person = None
    if person is None or not access.may_propose(actor, person.cell):
        raise InvalidInput({"person": "Không tìm thấy đảng viên trong tổ chức của bạn."})
    return person


def _years(raw: Mapping[str, Any], rules: Any) -> int:
    try:
        years = int(str(raw.get("years") or ""))
    except ValueError:
        years = 0
    if years not in rules["badge.thresholds"]:
        raise InvalidInput({"years": "Chọn loại Huy hiệu (số năm tuổi Đảng)."})
    return years


def _added_by_hand(
    round_id: int, raw: Mapping[str, Any], actor: Actor, no_reason: str
) -> tuple[BadgeRound, Any, Person, int, str]:
    """What a member added to an open round by hand comes with: the round (locked), its rules,
    the member, the badge (years) and the reason (``no_reason`` says what to write)."""
    rnd = get_round(round_id, lock=True)
    _open(rnd)
    rules = rules_on(rnd.round_on)
    person = _person(raw, actor)
    years = _years(raw, rules)
    reason = clean_line(str(raw.get("reason") or ""))
    if not reason:
        raise InvalidInput({"reason": no_reason})
    return rnd, rules, person, years, reason


@transactional
def propose_early(round_id: int, raw: Mapping[str, Any], *, actor: Actor) -> BadgeAward:
    """Propose a seriously ill member early, within the allowance of the threshold."""
    rnd, rules, person, years, reason = _added_by_hand(
        round_id, raw, actor, "Ghi tình trạng ốm đau nặng và giấy tờ xác nhận."
    )
    if person.member_status != "official":
        raise InvalidInput({"person": "Chỉ đề nghị tặng sớm cho đảng viên đang sinh hoạt."})
    problem = rules_of.check_early(_record_for(person, rnd.round_on), years, rnd.round_on, rules)
    if problem:
        raise InvalidInput({"years": problem})
    award = _add(rnd, person, years, "early", f"Tặng sớm: {reason}", "proposed")
    _award_audit(award, "badge.proposed_early", actor, None, reason=reason)
    return award


@transactional
def propose_reissue(round_id: int, raw: Mapping[str, Any], *, actor: Actor) -> BadgeAward:
    """Put a member whose badge was lost on the round's re-issue list (4A-HHĐ)."""
    rnd, _rules, person, years, reason = _added_by_hand(
        round_id, raw, actor, "Ghi lý do mất Huy hiệu (bản tường trình)."
    )
    record = _record_for(person, rnd.round_on)
    if _months(record, rnd.round_on) < years * 12:
        raise InvalidInput({"years": f"Đảng viên chưa đủ {years} năm tuổi Đảng."})
    award = _add(rnd, person, years, "reissue", f"Cấp lại: {reason}", "confirmed")
    award.confirmed_on = today()
    _award_audit(award, "badge.reissue_proposed", actor, None, reason=reason)
    return award


@transactional
def cell_review(award_id: int, raw: Mapping[str, Any], *, actor: Actor) -> BadgeAward:
    """The cell's consideration of one member: confirmed with the declaration received, or
    not proposed (with a reason)."""
    award = _award(award_id)
    if not access.may_review(actor, award.cell):
        raise NotFound()
    _check_version(award, raw.get("version"))
    _open(get_round(award.round_id))
    if award.status not in ("proposed", "confirmed", "excluded"):
        raise InvalidInput({"status": "Danh sách đã gửi lên: chi bộ không sửa được."})
    errors: dict[str, str] = {}
    on = _date(raw, "reviewed_on", errors)
    choice = raw.get("choice")
    if choice == "confirm":
        declaration = _date(raw, "declaration_on", errors)
        if declaration and on and declaration > on:
            errors["declaration_on"] = "Ngày nhận tờ khai phải trước ngày chi bộ xét."
        if errors:
            raise InvalidInput(errors)
        award.status, award.declaration_on, award.confirmed_on = "confirmed", declaration, on
        _award_audit(award, "badge.confirmed", actor, on, declaration_on=declaration)
        if "chờ chi bộ xác minh tờ khai" in award.note:
            award.note = award.note.replace(
                "Kết nạp lại: chờ chi bộ xác minh tờ khai tuổi đảng",
                "Kết nạp lại: chi bộ đã xác minh tờ khai tuổi đảng",
            )
            audit.append(
                actor=actor,
                subject_type="person",
                subject_id=award.person_id,
                action="person.party_age_verified",
                event_date=on,
                payload={"declaration_on": declaration},
                person_id=award.person_id,
            )
    elif choice == "exclude":
        reason = clean_line(str(raw.get("reason") or ""))
        if not reason:
            errors["reason"] = "Ghi lý do chi bộ không đề nghị."
        if errors:
            raise InvalidInput(errors)
        award.status, award.confirmed_on, award.note = "excluded", on, reason
        _award_audit(award, "badge.excluded", actor, on, reason=reason)
    else:
        raise InvalidInput({"choice": "Chọn đề nghị hoặc không đề nghị."})
    return award


@transactional
def send_list(round_id: int, org_id: int, raw: Mapping[str, Any], *, actor: Actor) -> int:
    """The grassroots committee sends its list: the members its cells confirmed."""
    rnd = get_round(round_id, lock=True)
    org = db.session.get(Organization, org_id)
    if org is None or not access.may_send(actor, org):
        raise NotFound()
    _open(rnd)
    errors: dict[str, str] = {}
    on = _date(raw, "sent_on", errors)
    if errors:
        raise InvalidInput(errors)
    awards = list(
        db.session.scalars(
            select(BadgeAward).where(BadgeAward.round_id == rnd.id, BadgeAward.org_id == org.id)
        )
    )
    waiting = [a for a in awards if a.status == "proposed"]
    if waiting:
        raise InvalidInput(
            {"org": f"Còn {len(waiting)} đồng chí chi bộ chưa xét: chưa gửi danh sách được."}
        )
    ready = [a for a in awards if a.status == "confirmed"]
    if not ready:
        raise InvalidInput({"org": "Không có đồng chí nào được chi bộ đề nghị."})
    for a in ready:
        a.status, a.sent_on = "sent", on
    _round_audit(rnd, "badge.list_sent", actor, on, org=org.name, count=len(ready))
    return len(ready)


@transactional
def compile_round(round_id: int, raw: Mapping[str, Any], *, actor: Actor) -> BadgeRound:
    """The department compiles the organizations' lists for the provincial standing
    committee: the round takes no more changes."""
    access.require_department(actor)
    rnd = get_round(round_id, lock=True)
    _check_version(rnd, raw.get("version"))
    _open(rnd)
    errors: dict[str, str] = {}
    on = _date(raw, "compiled_on", errors)
    if errors:
        raise InvalidInput(errors)
    sent = db.session.scalar(
        select(func.count()).where(BadgeAward.round_id == rnd.id, BadgeAward.status == "sent")
    )
    if not sent:
        raise InvalidInput({"round": "Chưa có danh sách nào của đảng ủy cơ sở gửi lên."})
    rnd.status, rnd.compiled_on = "compiled", on
    _round_audit(rnd, "badge.compiled", actor, on, count=sent)
    return rnd


@transactional
def record_decision(round_id: int, raw: Mapping[str, Any], *, actor: Actor) -> BadgeRound:
    """The provincial standing committee's decision (number, date) on the compiled list."""
    access.require_department(actor)
    rnd = get_round(round_id, lock=True)
    _check_version(rnd, raw.get("version"))
    if rnd.status != "compiled":
        raise InvalidInput({"round": "Đợt chưa được tổng hợp trình Ban Thường vụ Tỉnh ủy."})
    errors: dict[str, str] = {}
    on = _date(raw, "decision_on", errors)
    number = clean_line(str(raw.get("decision_number") or ""))
    if not number:
        errors["decision_number"] = "Ghi số quyết định."
    elif len(number) > 80:
        errors["decision_number"] = "Tối đa 80 ký tự."
    if on and rnd.compiled_on and on < rnd.compiled_on:
        errors["decision_on"] = "Ngày quyết định phải từ ngày tổng hợp trở đi."
    if errors:
        raise InvalidInput(errors)
    rnd.status, rnd.decision_number, rnd.decision_on = "decided", number, on
    count = 0
    for a in db.session.scalars(
        select(BadgeAward).where(BadgeAward.round_id == rnd.id, BadgeAward.status == "sent")
    ):
        a.status = "decided"
        count += 1
    _round_audit(rnd, "badge.decided", actor, on, decision=number, count=count)
    return rnd


@transactional
def hand_over(award_id: int, raw: Mapping[str, Any], *, actor: Actor) -> BadgeAward:
    """The badge handed over at the ceremony, with its number."""
    award = _award(award_id)
    if not access.may_hand_over(actor, award.org):
        raise NotFound()
    _check_version(award, raw.get("version"))
    if award.status != "decided":
        raise InvalidInput({"status": "Chỉ trao Huy hiệu đã có quyết định, chưa trao."})
    errors: dict[str, str] = {}
    on = _date(raw, "handed_on", errors)
    rnd = get_round(award.round_id)
    if on and rnd.decision_on and on < rnd.decision_on:
        errors["handed_on"] = "Ngày trao phải từ ngày quyết định trở đi."
    number = clean_line(str(raw.get("badge_number") or ""))
    if not number:
        errors["badge_number"] = "Ghi số Huy hiệu."
    elif len(number) > 40:
        errors["badge_number"] = "Tối đa 40 ký tự."
    elif db.session.scalars(
        select(BadgeAward.id).where(
            BadgeAward.badge_number == number,
            BadgeAward.years == award.years,
            BadgeAward.id != award.id,
        )
    ).first():
        errors["badge_number"] = "Số Huy hiệu này đã ghi cho người khác."
    if errors:
        raise InvalidInput(errors)
    award.status, award.handed_on, award.badge_number = "handed", on, number
    action = "badge.reissued" if award.kind == "reissue" else "badge.awarded"
    _award_audit(award, action, actor, on, badge_number=number)
    return award


#: (day, scope path) → (when computed, summary): the dashboard reads the next round's count
#: at most every few minutes per scope, not on every page load
_NEXT: dict[tuple[date, str | None], tuple[float, dict[str, Any]]] = {}
NEXT_TTL_SECONDS = 600


def next_round_summary(actor: Actor) -> dict[str, Any] | None:
    """The next anniversary's round: its day and how many members the record makes
    eligible in the organizations the actor sees (None: the actor sees no member list)."""
    import time

    scopes = [s for s in actor.scopes if s.role in access.VIEWERS]
    if not scopes:
        return None
    whole = any(s.org_id is None for s in scopes)
    path = None if whole else min((s.org_path for s in scopes), key=lambda p: p.count("/"))
    day = today()
    cached = _NEXT.get((day, path))
    if cached and time.monotonic() - cached[0] < NEXT_TTL_SECONDS:
        return cached[1]
    occasions = rules_on(day)["badge.occasions"]
    key, on = rules_of.next_round(day, occasions)
    found = eligible(on, rules_of.previous_round_day(on, occasions), within=path)
    summary = {
        "occasion": key,
        "on": on,
        "eligible": sum(1 for e in found if not e.proposal.hold_reason),
        "held": sum(1 for e in found if e.proposal.hold_reason),
        "opened": db.session.scalars(
            select(BadgeRound.id).where(BadgeRound.occasion == key, BadgeRound.year == on.year)
        ).first(),
    }
    _NEXT[(day, path)] = (time.monotonic(), summary)
    return summary

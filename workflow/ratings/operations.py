"""Changing ratings: each operation one transaction, all or nothing, each change audited.

A grid (a cell's members, the grassroots organizations) is checked whole before anything is
written: every row's level against its score and the discipline cap, then the excellent share
of the whole grid; the problems are returned together, each naming the member or
organization. The sheet's version guards against two grids saved over each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from states import ratings as rules
from states.ratings import EXCELLENT, LEVEL_LABELS, Rules
from states.text import clean_line
from workflow.clock import today
from workflow.extensions import db
from workflow.models import (
    Case,
    DisciplineRecord,
    MemberRating,
    Organization,
    OrgRating,
    Person,
    RatingPeriod,
    utcnow,
)
from workflow.models.orgs import by_name
from workflow.orgs.history import identities_on
from workflow.permissions import Actor
from workflow.ratings import access, rules_for
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.store.uow import transactional

RATED_STATUSES = ("probationary", "official")
STALE = (
    "Bảng xếp loại này vừa được người khác lưu. Trang đã được tải lại với thông tin mới nhất; "
    "hãy nhập lại thay đổi của bạn."
)
SHEET_STATUSES = {
    "draft": "Chi bộ đang nhập",
    "proposed": "Chi bộ đã đề xuất, chờ đảng ủy cơ sở duyệt",
    "approved": "Đảng ủy cơ sở đã duyệt",
}


# --- periods --------------------------------------------------------------------------------


def _record(
    period: RatingPeriod, actor: Actor, action: str, *, payload: dict[str, Any], **extra: Any
) -> None:
    """One audit row about the period, dated with its last day (what was rated)."""
    audit.append(
        actor=actor,
        subject_type="rating_period",
        subject_id=period.id,
        action=action,
        event_date=period.ends_on,
        payload=payload,
        **extra,
    )


def _payload_period(period: RatingPeriod) -> dict[str, Any]:
    return {"period": period.title, "rules": rules_for(period).title}


@transactional
def create_period(raw: Mapping[str, Any], *, actor: Actor) -> RatingPeriod:
    """``raw``: kind (year | quarter | term), year, number (the quarter)."""
    access.require_manager(actor)
    kind = str(raw.get("kind") or "year")
    errors: dict[str, str] = {}
    year_text = str(raw.get("year") or "").strip()
    year = int(year_text) if year_text.isdigit() else 0
    if not 2000 <= year <= today().year + 1:
        errors["year"] = f"Ghi năm từ 2000 đến {today().year + 1}."
    number = 0
    if kind == "quarter":
        number_text = str(raw.get("number") or "").strip()
        number = int(number_text) if number_text.isdigit() else 0
        if number not in (1, 2, 3, 4):
            errors["number"] = "Chọn quý từ 1 đến 4."
    if kind not in rules.PERIOD_KINDS:
        errors["kind"] = "Chọn loại kỳ đánh giá."
    if errors:
        raise InvalidInput(errors)
    starts_on, ends_on = rules.period_dates(kind, year, number or None)
    in_force = Rules.for_day(ends_on)
    if kind not in in_force.kinds:
        raise InvalidInput(
            {
                "kind": f"Theo {in_force.title}, kỳ {rules.PERIOD_KINDS[kind].lower()} chưa được "
                "đánh giá, xếp loại: chỉ đánh giá theo năm."
            }
        )
    exists = db.session.scalar(
        select(RatingPeriod.id).where(
            RatingPeriod.kind == kind, RatingPeriod.year == year, RatingPeriod.number == number
        )
    )
    if exists:
        raise InvalidInput({"year": "Kỳ đánh giá này đã có."})
    period = RatingPeriod(
        kind=kind,
        year=year,
        number=number,
        title=rules.period_title(kind, year, number or None),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor.user_id,
    )
    db.session.add(period)
    db.session.flush()
    _record(
        period,
        actor,
        "rating.period_open",
        payload=_payload_period(period),
    )
    return period


def get_period(period_id: int, *, lock: bool = False) -> RatingPeriod:
    period = db.session.get(RatingPeriod, period_id, with_for_update=lock, populate_existing=lock)
    if period is None:
        raise NotFound()
    return period


def _open(period: RatingPeriod) -> None:
    if period.status != "open":
        raise InvalidInput({"period": f"Kỳ {period.title} đã khóa: không sửa được xếp loại."})


@transactional
def close_period(period_id: int, expected_version: Any, *, actor: Actor) -> RatingPeriod:
    access.require_manager(actor)
    period = get_period(period_id, lock=True)
    if str(expected_version or "") != str(period.version):
        raise StaleRecord(STALE)
    _open(period)
    period.status = "closed"
    db.session.flush()
    _record(
        period,
        actor,
        "rating.period_closed",
        payload=_payload_period(period),
    )
    return period


# --- who is rated, discipline ---------------------------------------------------------------


def cell_members(cell: Organization) -> list[Person]:
    """The members on the cell's list now, in name order (served by the cell/name index)."""
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.cell_id == cell.id,
                Person.member_status.in_(RATED_STATUSES),
                Person.presence == "active",
            )
            .order_by(Person.sort_key, Person.id)
        )
    )


def disciplined_in(period: RatingPeriod, person_ids: list[int]) -> set[int]:
    """Who among ``person_ids`` had a discipline announced within the period (and not
    annulled on complaint)."""
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            select(DisciplineRecord.person_id)
            .join(Case, Case.id == DisciplineRecord.case_id)
            .where(
                DisciplineRecord.person_id.in_(person_ids),
                DisciplineRecord.form.is_not(None),
                DisciplineRecord.announced_on >= period.starts_on,
                DisciplineRecord.announced_on <= period.ends_on,
                Case.state != "annulled",
            )
        )
    )


# --- sheets ---------------------------------------------------------------------------------


def sheet(period: RatingPeriod, org: Organization, *, lock: bool = False) -> OrgRating | None:
    stmt = select(OrgRating).where(OrgRating.period_id == period.id, OrgRating.org_id == org.id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalars(stmt).first()


def _sheet_for_change(period: RatingPeriod, org: Organization, expected: Any) -> OrgRating:
    """The organization's row, locked, checked against the version the form was opened with
    ("0": the form was opened before the row existed)."""
    row = sheet(period, org, lock=True)
    if row is None:
        if str(expected or "0") != "0":
            raise StaleRecord(STALE)
        row = OrgRating(period_id=period.id, org_id=org.id, sheet_status="draft", note="")
        row.org = org
        try:
            with db.session.begin_nested():  # another form may create it at the same moment
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            raise StaleRecord(STALE) from None
        return row
    db.session.refresh(row)
    if str(expected or "") != str(row.version):
        raise StaleRecord(STALE)
    return row


def ratings_of(period: RatingPeriod, cell: Organization) -> dict[int, MemberRating]:
    return {
        r.person_id: r
        for r in db.session.scalars(
            select(MemberRating).where(
                MemberRating.period_id == period.id, MemberRating.cell_id == cell.id
            )
        )
    }


@dataclass
class Entry:
    level: str | None
    score: int | None
    conditions_met: bool


def _entry(values: Mapping[str, Any], prefix: str, errors: list[str], name: str) -> Entry:
    level = str(values.get(f"{prefix}level") or "") or None
    if level is not None and level not in LEVEL_LABELS:
        errors.append(f"{name}: chọn mức xếp loại trong danh sách.")
        level = None
    score, problem = rules.parse_score(str(values.get(f"{prefix}score") or ""))
    if problem:
        errors.append(f"{name}: {problem}")
    met = str(values.get(f"{prefix}conditions") or "") in ("1", "on", "true", "yes", "Có", "có")
    return Entry(level, score, met)


def _level_words(entry: Entry) -> str:
    if entry.level is None:
        return ""
    words = LEVEL_LABELS[entry.level]
    return f"{words} ({entry.score} điểm)" if entry.score is not None else words


def check_cell_rows(
    period: RatingPeriod,
    cell: Organization,
    rows: Mapping[int, Mapping[str, Any]],
    *,
    stage: str,
) -> tuple[dict[int, dict[str, Entry]], dict[int, str]]:
    """Every row of a cell's grid checked, then the cell's excellent share; raises
    InvalidInput with every problem. ``stage``: "propose" (self-rating and the cell's
    proposal) or "approve" (the approved level). Returns the parsed entries and notes."""
    in_force = rules_for(period)
    members = {p.id: p for p in cell_members(cell)}
    earlier = ratings_of(period, cell)
    for person_id in earlier:
        if person_id not in members:
            members[person_id] = db.session.get(Person, person_id)
    disciplined = disciplined_in(period, list(members))
    errors: list[str] = []
    parsed: dict[int, dict[str, Entry]] = {}
    notes: dict[int, str] = {}
    for person_id, values in rows.items():
        person = members.get(person_id)
        if person is None:
            raise NotFound()
        name = person.full_name
        fields = ("self_", "proposed_") if stage == "propose" else ("",)
        parsed[person_id] = {}
        for prefix in fields:
            entry = _entry(values, prefix, errors, name)
            parsed[person_id][prefix] = entry
            errors.extend(
                rules.row_errors(
                    name if prefix != "self_" else f"{name} (tự xếp loại)",
                    entry.level,
                    entry.score,
                    # a self-rating is the member's own claim: the conditions of "excellent"
                    # beyond the score, and the discipline cap, are the cell's to check
                    entry.conditions_met or prefix == "self_",
                    in_force,
                    disciplined=person_id in disciplined and prefix != "self_",
                )
            )
        note = clean_line(str(values.get("note") or ""))
        if len(note) > 300:
            errors.append(f"{name}: ghi chú tối đa 300 ký tự.")
        notes[person_id] = note[:300]
    errors += elsewhere(period, cell, {pid: members[pid] for pid in parsed if pid not in earlier})
    key = "proposed_" if stage == "propose" else ""
    levels = [e[key].level for e in parsed.values()]
    # the rows a file leaves out keep what they had, and count with the others
    levels += [
        r.proposed_level if stage == "propose" else r.level
        for pid, r in earlier.items()
        if pid not in parsed
    ]
    verb = "đã đề xuất" if stage == "propose" else "đề nghị duyệt"
    if in_force.quota_in_cell and (
        problem := rules.quota_error("Chi bộ", "đảng viên", levels, in_force, verb=verb)
    ):
        errors.append(problem)
    if errors:
        raise InvalidInput({f"row-{i}": e for i, e in enumerate(errors)})
    return parsed, notes


def get_cell(cell_id: int) -> Organization:
    cell = db.session.get(Organization, cell_id)
    if cell is None or not cell.is_cell:
        raise NotFound()
    return cell


def _member_row(
    period: RatingPeriod, cell: Organization, person_id: int, existing: dict[int, MemberRating]
) -> MemberRating:
    row = existing.get(person_id)
    if row is None:
        # rated in another cell of the committee earlier in the period, not yet proposed there
        # (``elsewhere`` refused the others): the rating moves with the member
        row = db.session.scalars(
            select(MemberRating).where(
                MemberRating.period_id == period.id, MemberRating.person_id == person_id
            )
        ).first()
    if row is not None:
        row.cell_id, row.grassroots_id = cell.id, access.root_of(cell).id
    else:
        row = MemberRating(
            period_id=period.id,
            person_id=person_id,
            cell_id=cell.id,
            grassroots_id=access.root_of(cell).id,
            note="",
        )
        db.session.add(row)
    existing[person_id] = row
    return row


def elsewhere(period: RatingPeriod, cell: Organization, people: dict[int, Person]) -> list[str]:
    """Members of ``people`` whose rating of the period another cell has already sent or had
    approved (a member who moved during the period is rated once)."""
    if not people:
        return []
    out = []
    for rating, other in db.session.execute(
        select(MemberRating, OrgRating)
        .join(
            OrgRating,
            and_(
                OrgRating.period_id == MemberRating.period_id,
                OrgRating.org_id == MemberRating.cell_id,
            ),
        )
        .where(
            MemberRating.period_id == period.id,
            MemberRating.person_id.in_(list(people)),
            MemberRating.cell_id != cell.id,
            OrgRating.sheet_status != "draft",
        )
    ):
        out.append(
            f"{people[rating.person_id].full_name}: đã được {other.org.name} "
            f"{'xếp loại' if other.sheet_status == 'approved' else 'đề xuất xếp loại'} "
            "trong kỳ này."
        )
    return out


@transactional
def save_cell_sheet(
    period_id: int,
    cell_id: int,
    rows: Mapping[int, Mapping[str, Any]],
    expected_version: Any,
    *,
    actor: Actor,
    submit: bool = False,
    source: str = "grid",
) -> int:
    """The cell's grid: person id → self_level, self_score, self_conditions, proposed_level,
    proposed_score, proposed_conditions, note. All rows or none; ``submit`` also sends the
    sheet to the grassroots committee (every member needs a proposal then). Returns how many
    members changed."""
    cell = get_cell(cell_id)
    if not access.may_enter(actor, cell):
        raise PermissionDenied()
    period = get_period(period_id)
    _open(period)
    row_sheet = _sheet_for_change(period, cell, expected_version)
    if row_sheet.sheet_status != "draft":
        raise InvalidInput(
            {"sheet": f"Chi bộ đã gửi đề xuất ({SHEET_STATUSES[row_sheet.sheet_status]})."}
        )
    parsed, notes = check_cell_rows(period, cell, rows, stage="propose")
    existing = ratings_of(period, cell)
    if submit:
        missing = [
            p.full_name
            for p in cell_members(cell)
            if parsed.get(p.id, {}).get("proposed_", Entry(None, None, False)).level is None
        ]
        if missing:
            raise InvalidInput(
                {"sheet": "Chưa đề xuất mức xếp loại cho: " + ", ".join(missing) + "."}
            )
    changed = 0
    for person_id, entries in parsed.items():
        own, proposal = entries["self_"], entries["proposed_"]
        row = existing.get(person_id)
        before = (
            None
            if row is None
            else (
                row.self_level,
                row.self_score,
                row.proposed_level,
                row.proposed_score,
                row.conditions_met,
                row.note,
            )
        )
        after = (
            own.level,
            own.score,
            proposal.level,
            proposal.score,
            proposal.conditions_met,
            notes[person_id],
        )
        if before == after or (row is None and after == (None, None, None, None, False, "")):
            continue
        row = _member_row(period, cell, person_id, existing)
        (
            row.self_level,
            row.self_score,
            row.proposed_level,
            row.proposed_score,
            row.conditions_met,
            row.note,
        ) = after
        row.updated_at = utcnow()
        changed += 1
        db.session.flush()
        _record(
            period,
            actor,
            "rating.member_proposed",
            payload={
                "period": period.title,
                "cell": cell.name,
                "self_rating": _level_words(own),
                "proposed": _level_words(proposal),
                "note": notes[person_id],
                "entered_from": "Tệp Excel" if source == "xlsx" else "",
            },
            person_id=person_id,
        )
    if submit:
        row_sheet.sheet_status = "proposed"
    row_sheet.updated_by = actor.user_id
    row_sheet.updated_at = utcnow()  # a new version: a grid opened before is stale
    db.session.flush()
    if submit:
        _record(
            period,
            actor,
            "rating.sheet_proposed",
            payload={"period": period.title, "cell": cell.name},
        )
    return changed


def _quota_in_grassroots(
    period: RatingPeriod, cell: Organization, levels: dict[int, str | None]
) -> str | None:
    """The grassroots organization's excellent share with this cell's levels as they would
    be approved and its other cells' as approved."""
    root = access.root_of(cell)
    in_force = rules_for(period)
    if root.id == cell.id and in_force.quota_in_cell:
        return None  # a grassroots cell: its own check was the whole organization's
    # one approval at a time in a grassroots organization: the share counts the others'
    db.session.get(Organization, root.id, with_for_update=True)
    others = db.session.scalars(
        select(MemberRating.level).where(
            MemberRating.period_id == period.id,
            MemberRating.grassroots_id == root.id,
            MemberRating.cell_id != cell.id,
            MemberRating.level.is_not(None),
        )
    ).all()
    return rules.quota_error(
        root.name, "đảng viên", list(others) + list(levels.values()), in_force, verb="đề nghị duyệt"
    )


@transactional
def approve_cell_sheet(
    period_id: int,
    cell_id: int,
    rows: Mapping[int, Mapping[str, Any]],
    cell_rating: Mapping[str, Any],
    expected_version: Any,
    *,
    actor: Actor,
) -> int:
    """The grassroots committee approves a proposed sheet: person id → level, score,
    conditions (the cell's proposal unless changed); ``cell_rating``: the cell's own level,
    score, conditions (a cell inside a grassroots committee; a grassroots cell is rated by the
    upper committee). Returns how many members were approved."""
    cell = get_cell(cell_id)
    if not access.may_approve(actor, cell):
        raise PermissionDenied()
    period = get_period(period_id)
    _open(period)
    row_sheet = _sheet_for_change(period, cell, expected_version)
    if row_sheet.sheet_status != "proposed":
        raise InvalidInput({"sheet": "Chi bộ chưa gửi đề xuất xếp loại đảng viên."})
    parsed, _notes = check_cell_rows(
        period, cell, {k: {**v, "note": ""} for k, v in rows.items()}, stage="approve"
    )
    existing = ratings_of(period, cell)
    missing = [r.person.full_name for pid, r in existing.items() if parsed.get(pid) is None]
    missing += [
        existing[pid].person.full_name
        for pid, e in parsed.items()
        if e[""].level is None and pid in existing
    ]
    if missing or not parsed:
        raise InvalidInput({"sheet": "Chưa duyệt mức xếp loại cho: " + ", ".join(missing) + "."})
    levels = {pid: e[""].level for pid, e in parsed.items()}
    errors = []
    if problem := _quota_in_grassroots(period, cell, levels):
        errors.append(problem)
    own: Entry | None = None
    if cell.parent_id is not None:
        own_errors: list[str] = []
        own = _entry(cell_rating, "", own_errors, cell.name)
        errors += own_errors
        if own.level is None:
            errors.append(f"Chọn mức xếp loại của {cell.name}.")
        else:
            errors += rules.row_errors(
                cell.name, own.level, own.score, own.conditions_met, rules_for(period)
            )
    if errors:
        raise InvalidInput({f"row-{i}": e for i, e in enumerate(errors)})
    for person_id, entries in parsed.items():
        entry = entries[""]
        row = _member_row(period, cell, person_id, existing)
        row.level, row.score, row.conditions_met = entry.level, entry.score, entry.conditions_met
        row.updated_at = utcnow()
        db.session.flush()
        _record(
            period,
            actor,
            "rating.member_approved",
            payload={
                "period": period.title,
                "cell": cell.name,
                "rating_level": _level_words(entry),
            },
            person_id=person_id,
        )
    row_sheet.sheet_status = "approved"
    if own is not None:
        row_sheet.level, row_sheet.score = own.level, own.score
        row_sheet.conditions_met = own.conditions_met
    row_sheet.updated_by = actor.user_id
    row_sheet.updated_at = utcnow()
    db.session.flush()
    _record(
        period,
        actor,
        "rating.sheet_approved",
        payload={
            "period": period.title,
            "cell": cell.name,
            "rating_level": _level_words(own) if own else "",
        },
    )
    return len(parsed)


@transactional
def return_cell_sheet(
    period_id: int, cell_id: int, expected_version: Any, reason: str, *, actor: Actor
) -> OrgRating:
    """The grassroots committee sends a proposed (or approved, while the period is open)
    sheet back to the cell to be changed."""
    cell = get_cell(cell_id)
    if not access.may_approve(actor, cell):
        raise PermissionDenied()
    period = get_period(period_id)
    _open(period)
    row_sheet = _sheet_for_change(period, cell, expected_version)
    if row_sheet.sheet_status == "draft":
        raise InvalidInput({"sheet": "Chi bộ chưa gửi đề xuất."})
    reason = clean_line(reason)[:300]
    if not reason:
        raise InvalidInput({"reason": "Ghi lý do trả lại để chi bộ sửa."})
    row_sheet.sheet_status = "draft"
    row_sheet.updated_at = utcnow()
    for row in ratings_of(period, cell).values():
        row.level, row.score = None, None
    db.session.flush()
    _record(
        period,
        actor,
        "rating.sheet_returned",
        payload={"period": period.title, "cell": cell.name},
        comment=reason,
    )
    return row_sheet


# --- organizations --------------------------------------------------------------------------


@transactional
def self_review(
    period_id: int, org_id: int, raw: Mapping[str, Any], expected_version: Any, *, actor: Actor
) -> OrgRating:
    """An organization's self-review: level, score, conditions, note."""
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound()
    if not access.may_self_review(actor, org):
        raise PermissionDenied()
    period = get_period(period_id)
    _open(period)
    row = _sheet_for_change(period, org, expected_version)
    errors: list[str] = []
    entry = _entry(raw, "", errors, org.name)
    if entry.level is None and not errors:
        errors.append("Chọn mức tự xếp loại.")
    errors += rules.row_errors(
        org.name, entry.level, entry.score, entry.conditions_met, rules_for(period)
    )
    if errors:
        raise InvalidInput({f"row-{i}": e for i, e in enumerate(errors)})
    row.self_level, row.self_score = entry.level, entry.score
    row.note = clean_line(str(raw.get("note") or ""))[:300]
    row.updated_by, row.updated_at = actor.user_id, utcnow()
    db.session.flush()
    _record(
        period,
        actor,
        "rating.org_self_review",
        payload={"period": period.title, "org": org.name, "self_rating": _level_words(entry)},
    )
    return row


def grassroots_orgs(on: date | None = None) -> list[Organization]:
    """The grassroots organizations the upper committee rates, in name order: those of today,
    or with ``on`` (a period's last day) those that stood at the top of the tree that day
    (established since, merged or handed over since, as the organizations' history says)."""
    if on is None:
        return by_name(
            db.session.scalars(
                select(Organization).where(
                    Organization.parent_id.is_(None), Organization.active.is_(True)
                )
            )
        )
    orgs = list(db.session.scalars(select(Organization)))
    that_day = identities_on(on, orgs)
    return by_name(o for o in orgs if that_day[o.id].active and that_day[o.id].parent_id is None)


@transactional
def rate_grassroots(
    period_id: int,
    rows: Mapping[int, Mapping[str, Any]],
    expected_version: Any,
    *,
    actor: Actor,
) -> int:
    """The upper committee's rating of its grassroots organizations: org id → level, score,
    conditions, exemplary. All or none; the share of excellent ones is checked over them all;
    only an excellent organization is "trong sạch, vững mạnh tiêu biểu". The period's
    version guards the grid."""
    if not access.may_rate_upper(actor):
        raise PermissionDenied()
    period = get_period(period_id, lock=True)
    if str(expected_version or "") != str(period.version):
        raise StaleRecord(STALE)
    _open(period)
    in_force = rules_for(period)
    orgs = {o.id: o for o in grassroots_orgs(period.ends_on)}
    existing = {
        r.org_id: r
        for r in db.session.scalars(
            select(OrgRating).where(
                OrgRating.period_id == period.id, OrgRating.org_id.in_(list(orgs) or [0])
            )
        )
    }
    errors: list[str] = []
    parsed: dict[int, tuple[Entry, bool]] = {}
    for org_id, values in rows.items():
        org = orgs.get(org_id)
        if org is None:
            raise NotFound()
        entry = _entry(values, "", errors, org.name)
        errors += rules.row_errors(
            org.name, entry.level, entry.score, entry.conditions_met, in_force
        )
        exemplary = str(values.get("exemplary") or "") in ("1", "on", "true")
        if exemplary and entry.level != EXCELLENT:
            errors.append(
                f"{org.name}: chỉ tổ chức hoàn thành xuất sắc nhiệm vụ mới được chọn "
                "trong sạch, vững mạnh tiêu biểu."
            )
        parsed[org_id] = (entry, exemplary)
    levels = [e.level for e, _x in parsed.values()] + [
        r.level for oid, r in existing.items() if oid not in parsed
    ]
    if problem := rules.quota_error(
        "Đảng bộ", "tổ chức cơ sở đảng", levels, in_force, verb="đề nghị xếp loại"
    ):
        errors.append(problem)
    if errors:
        raise InvalidInput({f"row-{i}": e for i, e in enumerate(errors)})
    changed = 0
    for org_id, (entry, exemplary) in parsed.items():
        row = existing.get(org_id)
        if row is not None and (row.level, row.score, row.conditions_met, row.exemplary) == (
            entry.level,
            entry.score,
            entry.conditions_met,
            exemplary,
        ):
            continue
        if row is None:
            if entry.level is None:
                continue
            row = OrgRating(period_id=period.id, org_id=org_id, sheet_status="draft", note="")
            db.session.add(row)
        row.level, row.score = entry.level, entry.score
        row.conditions_met, row.exemplary = entry.conditions_met, exemplary
        row.updated_by, row.updated_at = actor.user_id, utcnow()
        changed += 1
        db.session.flush()
        _record(
            period,
            actor,
            "rating.org_rated",
            payload={
                "period": period.title,
                "org": orgs[org_id].name,
                "rating_level": _level_words(entry),
                "exemplary": "Có" if exemplary else "",
            },
        )
    if changed:
        flag_modified(period, "title")  # a new version: a grid opened before is stale
        db.session.flush()
    return changed


# --- reading --------------------------------------------------------------------------------


def history(person_id: int) -> list[tuple[RatingPeriod, MemberRating]]:
    """A member's ratings, newest period first (served by the member/period index)."""
    return list(
        db.session.execute(
            select(RatingPeriod, MemberRating)
            .join(MemberRating, MemberRating.period_id == RatingPeriod.id)
            .where(MemberRating.person_id == person_id)
            .order_by(RatingPeriod.ends_on.desc(), RatingPeriod.id.desc())
            .limit(40)
        ).all()
    )


def years_excellent(
    year: int, years: int, *, scope=None, offset: int = 0, limit: int = 50
) -> tuple[list[Person], int]:
    """Members rated excellent in each of the ``years`` yearly periods ending with ``year``
    (the approved level), in name order: a page of them, and how many in all; ``scope``: a
    condition on the path of their cell now (None: the whole committee)."""
    counted = (
        select(MemberRating.person_id)
        .join(RatingPeriod, RatingPeriod.id == MemberRating.period_id)
        .where(
            RatingPeriod.kind == "year",
            RatingPeriod.year.between(year - years + 1, year),
            MemberRating.level == EXCELLENT,
        )
        .group_by(MemberRating.person_id)
        .having(func.count(func.distinct(RatingPeriod.year)) == years)
        .subquery()
    )
    listed = (
        select(Person)
        .join(counted, counted.c.person_id == Person.id)
        .join(Organization, Organization.id == Person.cell_id)
        .where(scope if scope is not None else true())
    )
    total = db.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    people = db.session.scalars(
        listed.order_by(Person.sort_key, Person.id).offset(offset).limit(limit)
    ).all()
    return list(people), total


def exemplary_orgs(period: RatingPeriod) -> list[Organization]:
    return by_name(
        db.session.scalars(
            select(Organization)
            .join(OrgRating, and_(OrgRating.org_id == Organization.id))
            .where(OrgRating.period_id == period.id, OrgRating.exemplary.is_(True))
        )
    )


def year_period(year: int) -> RatingPeriod | None:
    return db.session.scalars(
        select(RatingPeriod).where(RatingPeriod.kind == "year", RatingPeriod.year == year)
    ).first()

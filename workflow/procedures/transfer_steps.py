"""What the steps of a transfer write: the transfer record, the member's presence and cell,
and the cases that move with the member (§2(c)); the transfer procedures share them."""

from __future__ import annotations

from sqlalchemy import select

from states import REGISTRY
from states.dates import add_months, vn_date
from workflow.documents.snapshots import issuer_of
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Transfer, utcnow
from workflow.models.orgs import CELL_KINDS, by_name
from workflow.procedures.base import EffectContext
from workflow.procedures.common import (
    Leader,
    audit_other_case,
    chosen_leader,
    closed_elsewhere,
    leaders,
)
from workflow.store import deadlines
from workflow.store.errors import InvalidInput
from workflow.workcalendar import load_calendar

GRASSROOTS_KINDS = ("grassroots_committee", "grassroots_cell")
#: the procedures whose cases carry a transfer record (one open per member at a time)
TRANSFERS = tuple(key for key, spec in REGISTRY.items() if spec.receiving)


def _transfer(ctx: EffectContext) -> Transfer:
    return ctx.case.transfer


def grassroots_org(org_id: int | None) -> Organization | None:
    """An active grassroots organization of the committee, or None."""
    org = db.session.get(Organization, org_id) if org_id else None
    if org is None or not org.active or org.kind not in GRASSROOTS_KINDS:
        return None
    return org


def _open_transfer_of(person_id: int, case_id: int) -> Case | None:
    return db.session.scalars(
        select(Case).where(
            Case.person_id == person_id,
            Case.procedure.in_(TRANSFERS),
            Case.closed_at.is_(None),
            Case.id != case_id,
        )
    ).first()


def _destination(ctx, errors: dict[str, str], *, required_internal: bool = False):
    """(organization of the committee, or None with the name of one outside it)."""
    data = ctx.data
    org_id, name = data.get("destination_org"), data.get("destination") or ""
    internal = required_internal or data.get("direction") == "within"
    if data.get("direction") == "out" or (not internal and not org_id):
        if not name:
            errors["destination"] = "Ghi tên tổ chức đảng nơi đến."
        return None, name
    org = grassroots_org(org_id)
    if org is None:
        errors["destination_org"] = "Chọn một tổ chức cơ sở đảng đang hoạt động trong Đảng bộ."
    return org, ""


def _dues_month(ctx, errors: dict[str, str]) -> str:
    value = ctx.data.get("dues_paid_through") or ""
    parts = value.split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[0]) <= 12:
        errors["dues_paid_through"] = "Ghi tháng/năm, ví dụ 03/2026."
        return ""
    return f"{int(parts[0]):02d}/{parts[1]}"


def register_transfer(ctx) -> None:
    """Opening a transfer case: check the request and write the transfer record."""
    case, person, data = ctx.case, ctx.case.person, ctx.data
    kind = ctx.arg
    errors: dict[str, str] = {}
    if _open_transfer_of(person.id, case.id) is not None:
        raise InvalidInput(
            {"event_date": "Đảng viên đang có một thủ tục chuyển sinh hoạt chưa xong."}
        )
    transfer = Transfer(case_id=case.id, person_id=person.id, note=data.get("note") or "")
    if kind == "internal":
        _check_member(person)
        cell = _cell_of_same_organization(person, data.get("destination_cell"), errors)
        transfer.direction = "internal"
        transfer.from_org_id = person.cell_id
        transfer.to_org_id = cell.id if cell is not None else None
        transfer.reason = data["reason"]
        transfer.dues_paid_through = _dues_month(ctx, errors)
        if errors:
            raise InvalidInput(errors)
    elif kind == "in":
        org = grassroots_org(data.get("destination_org"))
        if org is None:
            errors["destination_org"] = "Chọn một tổ chức cơ sở đảng đang hoạt động trong Đảng bộ."
        elif data["letter_on"] > data["event_date"]:
            errors["letter_on"] = "Ngày giới thiệu không được sau ngày nhận giấy."
        if errors:
            raise InvalidInput(errors)
        transfer.direction = "in"
        transfer.to_org_id = org.id
        transfer.origin = data["origin"]
        transfer.letter_number = data["letter_number"]
        transfer.letter_issuer = data["letter_issuer"]
        transfer.letter_on = data["letter_on"]
        transfer.present_by = present_by(ctx.rules, data["letter_on"])
        transfer.card_number = data.get("card_number") or ""
        transfer.biography_number = data["biography_number"]
        person.presence = "in_transit"
    else:
        _check_member(person)
        org, name = _destination(ctx, errors)
        if org is not None and org.path and person.cell.path.startswith(org.path):
            errors["destination_org"] = (
                "Nơi đến phải là tổ chức cơ sở đảng khác nơi đang sinh hoạt."
            )
        transfer.from_org_id = person.cell_id
        transfer.to_org_id = org.id if org is not None else None
        transfer.destination = name
        transfer.dues_paid_through = _dues_month(ctx, errors)
        if kind == "official":
            transfer.direction = data["direction"]
            transfer.reason = data["reason"]
            transfer.effective_on = data["effective_on"]
            transfer.biography_number = data.get("biography_number") or ""
            if data["effective_on"] < person.birth_date:
                errors["effective_on"] = "Ngày có hiệu lực không được trước ngày sinh."
        else:
            transfer.direction = "temporary"
            transfer.reason = data["purpose"]
            _check_period(ctx, errors)
            transfer.period_start, transfer.period_end = data["period_start"], data["period_end"]
        if errors:
            raise InvalidInput(errors)
    db.session.add(transfer)
    db.session.flush()


def _check_member(person) -> None:
    if person.member_status not in ("probationary", "official"):
        raise InvalidInput({"event_date": "Chỉ chuyển sinh hoạt đảng cho đảng viên."})
    if person.presence != "active":
        raise InvalidInput({"event_date": "Đảng viên không còn sinh hoạt tại chi bộ."})


def other_cells(person) -> list[Organization]:
    """The active cells a member can move to inside their grassroots organization, by name."""
    return by_name(
        db.session.scalars(
            select(Organization).where(
                Organization.path.startswith(f"/{person.cell.ancestor_ids()[0]}/"),
                Organization.kind == "cell",
                Organization.active.is_(True),
                Organization.id != person.cell_id,
            )
        )
    )


def _cell_of_same_organization(person, cell_id, errors: dict[str, str]) -> Organization | None:
    if cell_id is not None and cell_id == person.cell_id:
        errors["destination_cell"] = "Đảng viên đang sinh hoạt ở chi bộ này."
        return None
    cell = next((c for c in other_cells(person) if c.id == cell_id), None)
    if cell is None:
        errors["destination_cell"] = "Chọn một chi bộ khác trong cùng đảng bộ cơ sở."
    return cell


def _check_period(ctx, errors: dict[str, str]) -> None:
    """3 months to under a year for work or residence; 3 months to 2 years for study."""
    rules, data = ctx.rules, ctx.data
    start, end = data["period_start"], data["period_end"]
    shortest = add_months(start, rules["transfer.temporary_min_months"])
    if end < shortest:
        errors["period_end"] = (
            f"Chuyển sinh hoạt tạm thời từ 3 tháng trở lên: đến ngày {vn_date(shortest)} trở đi."
        )
    elif data["purpose"] == "work":
        limit = add_months(start, rules["transfer.temporary_work_max_months"])
        if end >= limit:
            errors["period_end"] = (
                "Làm việc, cư trú tạm thời dưới 1 năm: kết thúc trước ngày "
                f"{vn_date(limit)}; dài hơn thì chuyển sinh hoạt chính thức."
            )
    else:
        limit = add_months(start, rules["transfer.temporary_study_max_months"])
        if end > limit:
            errors["period_end"] = (
                f"Đi học tập trung tối đa 2 năm: kết thúc chậm nhất ngày {vn_date(limit)}."
            )


def present_by(rules, letter_on):
    """The day a letter dated ``letter_on`` must be presented by."""
    return load_calendar().add_working_days(letter_on, rules["transfer.presentation_working_days"])


def letter_root(case: Case) -> int | None:
    """Whose leaders sign the case's introduction letters: the department's, or for a move
    between cells the grassroots committee's own."""
    return case.cell.ancestor_ids()[0] if case.transfer.direction == "internal" else None


def letter_signers(case: Case) -> list[Leader]:
    return leaders(letter_root(case))


def letter_signer(ctx) -> Leader | None:
    """The leader chosen on the form; None: the issuing user signs."""
    return chosen_leader(ctx, letter_root(ctx.case), "giấy giới thiệu")


def letter_extra(ctx, lost: Decision | None) -> dict:
    """What an introduction letter prints besides its draft: the presentation deadline (none
    for a move between cells of one grassroots organization) and the ``lost`` letter it
    replaces (the case's letter issued before, if any)."""
    extra = {}
    if _transfer(ctx).direction != "internal":
        extra["present_by"] = vn_date(present_by(ctx.rules, ctx.event_date))
        extra["present_working_days"] = ctx.rules["transfer.presentation_working_days"]
    if lost is not None:
        extra["replaces_lost"] = f"{lost.cited} ngày {vn_date(lost.decided_on)}"
    return extra


def record_letter(ctx, decision) -> None:
    transfer = _transfer(ctx)
    transfer.letter_number = decision.reference
    transfer.letter_issuer = issuer_of(ctx.case, decision.issuer)["department"]
    transfer.letter_on = ctx.event_date
    if transfer.direction != "internal":
        transfer.present_by = present_by(ctx.rules, ctx.event_date)


def record_transfer_reference(ctx) -> None:
    transfer = _transfer(ctx)
    transfer.reference = ctx.data.get("reference") or ""
    transfer.registered_on = ctx.event_date


def set_in_transit(ctx) -> None:
    """From the letter's date the member is on neither organization's active list: in transit
    to another organization of the committee, or off the committee's lists when the letter is
    for an organization outside it (the receiver's confirmation then closes the case). The
    reports count the leaving on this date, inside or out of the committee accordingly."""
    leaving = _transfer(ctx).direction == "out"
    ctx.case.person.presence = "left" if leaving else "in_transit"


def end_transit(ctx) -> None:
    ctx.case.person.presence = "active"


def _arrived(ctx, transfer: Transfer) -> None:
    transfer.arrived_on = ctx.event_date
    transfer.late_reason = ctx.data.get("late_reason") or ""
    if ctx.data.get("reference"):
        transfer.receipt_reference = ctx.data["reference"]


def join_cell(ctx) -> None:
    """The receiving side took the member into a cell: the member, and every open case of
    theirs (a probation), now belong to it."""
    transfer = _transfer(ctx)
    receiving = transfer.to_org
    cell = db.session.get(Organization, ctx.data["cell"])
    if (
        cell is None
        or not cell.active
        or cell.kind not in CELL_KINDS
        or receiving is None
        or not cell.path.startswith(receiving.path)
    ):
        raise InvalidInput({"cell": f"Chọn một chi bộ của {receiving.name if receiving else ''}."})
    _move_to(ctx, transfer, cell)


def _move_to(ctx, transfer: Transfer, cell: Organization) -> None:
    person = ctx.case.person
    _arrived(ctx, transfer)
    transfer.to_org_id = cell.id
    person.cell_id = cell.id
    person.presence = "active"
    for other in _other_open_cases(ctx):
        other.cell_id = cell.id
        _audit_other(ctx, other, "moved_with_member", {"cell": cell.id})


def join_destination_cell(ctx) -> None:
    """The new cell of a move inside one grassroots organization took the member in."""
    transfer = _transfer(ctx)
    cell = transfer.to_org
    if cell is None or not cell.active:
        raise InvalidInput({"event_date": "Chi bộ nơi đến không còn hoạt động."})
    _move_to(ctx, transfer, cell)


def leave_committee(ctx) -> None:
    """The receiver outside the committee confirmed: the member's record stays, marked as gone;
    their open cases close here (the new committee continues them)."""
    transfer = _transfer(ctx)
    _arrived(ctx, transfer)
    ctx.case.person.presence = "left"
    for other in _other_open_cases(ctx):
        other.closed_at = utcnow()
        for d in other.deadlines:
            if d.status == "open":
                deadlines.close_deadline(other, d.kind, ctx.event_date, "cancelled")
        _audit_other(ctx, other, "closed_by_transfer", {"destination": transfer.to_name})
        closed_elsewhere(ctx, other)


def start_stay(ctx) -> None:
    transfer = _transfer(ctx)
    _arrived(ctx, transfer)
    ctx.data["period_end"] = transfer.period_end


def end_stay(ctx) -> None:
    _transfer(ctx).returned_on = ctx.event_date


def _other_open_cases(ctx) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.person_id == ctx.case.person_id,
                Case.id != ctx.case.id,
                Case.closed_at.is_(None),
                Case.procedure.not_in(TRANSFERS),
            )
            .with_for_update()
        )
    )


def _audit_other(ctx, other: Case, action: str, payload: dict) -> None:
    audit_other_case(ctx, other, action, {"transfer_case": ctx.case.id, **payload})


EFFECTS = {
    "register_transfer": register_transfer,
    "record_transfer_reference": record_transfer_reference,
    "set_in_transit": set_in_transit,
    "end_transit": end_transit,
    "join_cell": join_cell,
    "join_destination_cell": join_destination_cell,
    "leave_committee": leave_committee,
    "start_stay": start_stay,
    "end_stay": end_stay,
}

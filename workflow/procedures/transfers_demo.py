"""The transfers' demonstration: members leaving for another organization of the committee
(one arrived, one in transit, one late enough for the quarterly check) and for one outside it,
a temporary stay, a member arriving from another province, and a move between two cells of one
grassroots organization."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states import internal_transfer, temporary_transfer, transfer, transfer_in
from workflow.extensions import db
from workflow.models import Case, Organization, Person
from workflow.procedures.base import DemoContext


def _official_of(d: DemoContext, cell: Organization) -> int:
    """An official member of the cell no other scenario has given a part."""
    person_id = db.session.scalars(
        select(Person.id)
        .where(
            Person.cell_id == cell.id,
            Person.member_status == "official",
            Person.presence == "active",
            Person.id.not_in(d.taken or {0}),
        )
        .order_by(Person.id.desc())
    ).first()
    d.taken.add(person_id)
    return person_id


def _dues(day: date) -> str:
    return f"{day.month:02d}/{day.year}"


def _home_root(d: DemoContext) -> Organization:
    return db.session.get(Organization, d.home_cell.ancestor_ids()[0])


def _letter(d: DemoContext, case_id: int, start: date) -> Iterator[date]:
    """The sending grassroots committee's part (unless the member's cell is the grassroots
    organization itself), then the department's letter."""
    if db.session.get(Case, case_id).cell.kind != "grassroots_cell":
        yield start + timedelta(days=2)
        d.step(case_id, "record_grassroots_part", start + timedelta(days=2))
    yield start + timedelta(days=5)
    d.step(case_id, "issue_letter", start + timedelta(days=5))


def _official_walk(
    d: DemoContext,
    person_id: int,
    to_root: Organization | None,
    start: date,
    arrive: date | None = None,
) -> Iterator[date]:
    """A member leaving for ``to_root`` (None: outside the committee), arrived on ``arrive``
    if given."""
    yield start
    within = to_root is not None
    case_id = d.open(
        transfer.KEY,
        person_id,
        start,
        direction="within" if within else "out",
        destination_org=to_root.id if within else None,
        destination="" if within else "Đảng ủy xã Hùng Lô, tỉnh Phú Thọ",
        reason="job_move" if within else "retirement",
        effective_on=(start - timedelta(days=20)).isoformat(),
        biography_number=f"{person_id:06d}-PT",
        dues_paid_through=_dues(start),
    )
    yield from _letter(d, case_id, start)
    if arrive is not None:
        yield arrive
        d.step(case_id, "confirm_arrival" if within else "record_receipt", arrive)


def transfers(d: DemoContext) -> list[Iterator[date]]:
    today = d.today
    home_root = _home_root(d)
    others = [c for c in d.cells if not c.path.startswith(home_root.path) and c.kind == "cell"]
    other_root = db.session.get(Organization, others[0].ancestor_ids()[0])
    return [
        # into the demonstration organization, late enough for the quarterly check
        _official_walk(d, _official_of(d, others[-1]), home_root, today - timedelta(days=130)),
        # out of the demonstration cell to another organization of the committee, confirmed
        _official_walk(
            d,
            _official_of(d, d.home_cell),
            other_root,
            today - timedelta(days=75),
            arrive=today - timedelta(days=55),
        ),
        # out of the committee, the receiver's notice recorded
        _official_walk(
            d,
            _official_of(d, d.home_cell),
            None,
            today - timedelta(days=60),
            arrive=today - timedelta(days=40),
        ),
        # into the demonstration organization: one in transit
        _official_walk(d, _official_of(d, others[0]), home_root, today - timedelta(days=12)),
    ]


def _temporary_walk(d: DemoContext, person_id: int) -> Iterator[date]:
    """A study stay that ended without the member's return being recorded."""
    start = d.today - timedelta(days=320)
    opened = start - timedelta(days=20)
    yield opened
    case_id = d.open(
        temporary_transfer.KEY,
        person_id,
        opened,
        purpose="study",
        destination="Đảng ủy Học viện Chính trị khu vực I",
        period_start=start.isoformat(),
        period_end=(d.today - timedelta(days=12)).isoformat(),
        dues_paid_through=_dues(opened),
    )
    yield from _letter(d, case_id, opened)
    yield start
    d.step(case_id, "record_receipt", start, reference="Giấy xác nhận của Học viện")


def temporary(d: DemoContext) -> list[Iterator[date]]:
    return [_temporary_walk(d, _official_of(d, d.home_cell))]


def _incoming_walk(d: DemoContext) -> Iterator[date]:
    """A member arriving from another province, waiting for the cell's confirmation."""
    day = d.today - timedelta(days=3)
    yield day
    birth = date(1984, 5, 17)
    d.open_incoming(
        transfer_in.KEY,
        {
            "full_name": "Lò Văn Thành",
            "birth_date": birth.isoformat(),
            "sex": "male",
            "ethnicity": "Thái",
            "religion": "Không",
            "home_town": "xã Mường Bú, tỉnh Sơn La",
            "citizen_id": d.citizen_id("014", birth, "male"),
            "education": "university",
            "occupation": "Kế toán viên",
            "phone": "",
        },
        {
            "member_status": "official",
            "joined_on": date(2012, 3, 26),
            "admission_decision_on": date(2012, 3, 2),
            "official_on": date(2013, 3, 26),
        },
        day,
        letter_number="214-GT/ĐU",
        letter_issuer="Ban Tổ chức Đảng ủy tỉnh Sơn La",
        letter_on=(d.today - timedelta(days=9)).isoformat(),
        origin="Chi bộ Phòng Tài chính – Kế hoạch xã Mường Bú",
        card_number="14023456",
        biography_number="051234-SL",
        destination_org=_home_root(d).id,
    )


def incoming(d: DemoContext) -> list[Iterator[date]]:
    return [_incoming_walk(d)]


def _internal_walk(d: DemoContext, person_id: int, cell: Organization) -> Iterator[date]:
    """A member of the demonstration cell moving to another cell of its organization."""
    start = d.today - timedelta(days=45)
    yield start
    case_id = d.open(
        internal_transfer.KEY,
        person_id,
        start,
        destination_cell=cell.id,
        reason="job_move",
        dues_paid_through=_dues(start),
    )
    yield start + timedelta(days=4)
    d.step(case_id, "issue_letter", start + timedelta(days=4))
    yield start + timedelta(days=11)
    d.step(case_id, "confirm_arrival", start + timedelta(days=11))


def internal(d: DemoContext) -> list[Iterator[date]]:
    home_root = _home_root(d)
    sibling = next(
        c for c in d.cells if c.path.startswith(home_root.path) and c.id != d.home_cell.id
    )
    return [_internal_walk(d, _official_of(d, d.home_cell), sibling)]


SCENARIOS = {
    transfer.KEY: transfers,
    temporary_transfer.KEY: temporary,
    transfer_in.KEY: incoming,
    internal_transfer.KEY: internal,
}

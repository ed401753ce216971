"""Demonstration transfers: inside the committee, out of it, in from outside, temporary, one
in transit and one late enough for the quarterly check."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from states.dates import vn_date
from workflow.engine import fire, open_case
from workflow.extensions import db
from workflow.models import Case, Organization, Person, User
from workflow.operations.cases import OpenRequest, open_for
from workflow.store.uow import unit_of_work


def _official_of(cell: Organization, skip: set[int]) -> Person:
    person = db.session.scalars(
        select(Person)
        .where(
            Person.cell_id == cell.id,
            Person.member_status == "official",
            Person.presence == "active",
            Person.id.not_in(skip or {0}),
        )
        .order_by(Person.id.desc())
    ).first()
    skip.add(person.id)
    return person


def _step(d, case_id: int, trigger: str, day: date, **payload) -> None:
    from workflow.demo import _actor_for_step

    case = db.session.get(Case, case_id)
    actor = _actor_for_step(d, case, trigger)
    fire(
        case_id,
        trigger,
        actor=actor,
        payload={"event_date": day.isoformat(), **payload},
        expected_version=case.version,
        password=d.passwords.get(actor.user_id),
    )
    db.session.expire_all()


def _open(d, procedure: str, person: Person, day: date, **payload) -> int:
    from states.spec import Role
    from workflow.demo import _actor_for

    with unit_of_work():
        fresh = db.session.get(Person, person.id)
        actor = _actor_for(d, Role.CELL_SECRETARY, fresh.cell.path)
        return open_case(
            procedure,
            person=fresh,
            actor=actor,
            payload={"event_date": day.isoformat(), **payload},
        ).id


def _dues(day: date) -> str:
    return f"{day.month:02d}/{day.year}"


def run_transfers(d) -> None:
    today = d.today
    home = next(c for c in d.cells if c.code == "CB-STC-NS")
    home_root = d.roots["DB-STC"]
    others = [c for c in d.cells if not c.path.startswith(home_root.path) and c.kind == "cell"]
    other_root = db.session.get(Organization, others[0].ancestor_ids()[0])
    other_cell = others[0]
    taken: set[int] = set()
    # the head of the department signs the letters the department's staff issue
    leader = db.session.scalars(select(User.id).where(User.username == "truongban")).one()
    entries: dict[int, int] = {}

    def entry(case_id: int) -> str:
        """The next number in the sending grassroots committee's register (10-SHĐ)."""
        root = db.session.get(Case, case_id).cell.ancestor_ids()[0]
        entries[root] = entries.get(root, 0) + 1
        return f"{entries[root]}-SHĐ"

    def official(person, to_root, start, *, arrive=None, within=True):
        case_id = _open(
            d,
            "transfer",
            person,
            start,
            direction="within" if within else "out",
            destination_org=to_root.id if within else None,
            destination="" if within else "Đảng ủy xã Hùng Lô, tỉnh Phú Thọ",
            reason="job_move" if within else "retirement",
            effective_on=(start - timedelta(days=20)).isoformat(),
            biography_number=f"{person.id:06d}-PT",
            dues_paid_through=_dues(start),
        )
        case = db.session.get(Case, case_id)
        if case.cell.kind != "grassroots_cell":
            _step(
                d,
                case_id,
                "record_grassroots_part",
                start + timedelta(days=2),
                reference=entry(case_id),
            )
        _step(d, case_id, "issue_letter", start + timedelta(days=5), signed_by=leader)
        if arrive is not None and within:
            cell = next(c for c in d.cells if c.path.startswith(to_root.path))
            _step(d, case_id, "confirm_arrival", arrive, cell=cell.id)
        elif arrive is not None:
            _step(
                d, case_id, "record_receipt", arrive, reference=f"Phiếu báo ngày {vn_date(arrive)}"
            )
        return case_id

    # in the order of their letters' dates, so that the register's numbers follow the dates
    # temporary: a study stay that ended without the member's return being recorded
    start = today - timedelta(days=320)
    case_id = _open(
        d,
        "temporary_transfer",
        _official_of(home, taken),
        start - timedelta(days=20),
        purpose="study",
        destination="Đảng ủy Học viện Chính trị khu vực I",
        period_start=start.isoformat(),
        period_end=(today - timedelta(days=12)).isoformat(),
        dues_paid_through=_dues(start - timedelta(days=20)),
    )
    _step(
        d, case_id, "record_grassroots_part", start - timedelta(days=18), reference=entry(case_id)
    )
    _step(d, case_id, "issue_letter", start - timedelta(days=15), signed_by=leader)
    _step(d, case_id, "record_receipt", start, reference="Giấy xác nhận của Học viện")
    # into the demonstration organization, late enough for the quarterly check
    official(_official_of(others[-1], taken), home_root, today - timedelta(days=130))
    # out of the demonstration cell to another organization of the committee, confirmed
    official(
        _official_of(home, taken),
        other_root,
        today - timedelta(days=75),
        arrive=today - timedelta(days=55),
    )
    # out of the committee, the receiver's notice recorded
    official(
        _official_of(home, taken),
        None,
        today - timedelta(days=60),
        arrive=today - timedelta(days=40),
        within=False,
    )
    # into the demonstration organization: one in transit
    official(_official_of(other_cell, taken), home_root, today - timedelta(days=12))
    # a member arriving from another province, waiting for the cell's confirmation
    from states.spec import Role
    from workflow.demo import _actor_for

    birth = date(1984, 5, 17)
    open_for(
        OpenRequest(
            "transfer_in",
            particulars={
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
            subject={
                "member_status": "official",
                "joined_on": date(2012, 3, 26),
                "admission_decision_on": date(2012, 3, 2),
                "official_on": date(2013, 3, 26),
            },
            payload={
                "event_date": (today - timedelta(days=3)).isoformat(),
                "letter_number": "214-GT/ĐU",
                "letter_issuer": "Ban Tổ chức Đảng ủy tỉnh Sơn La",
                "letter_on": (today - timedelta(days=9)).isoformat(),
                "origin": "Chi bộ Phòng Tài chính – Kế hoạch xã Mường Bú",
                "card_number": "14023456",
                "biography_number": "051234-SL",
                "destination_org": home_root.id,
            },
        ),
        _actor_for(d, Role.DEPARTMENT_STAFF, None),
    )

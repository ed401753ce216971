"""The demonstration's changes of the tree, back-dated among the cases' steps so that reports
of the quarters before and after them differ: a cell split from the Finance Department's office
cell (its members move, counted as a reorganization), later upgraded to a sub-committee with a
cell of its own; a grassroots cell established in a private enterprise, handed a quarter later
to a ward's committee; and the hospital's committee merged into the Health Department's. (The
cells the cases' walks chose before the system ran are not ended, so their walks go on.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states.spec import Role
from workflow.extensions import db
from workflow.models import Organization, Person
from workflow.reorganization import events
from workflow.reorganization.decisions import signers_on


def _org(code: str) -> Organization | None:
    return db.session.scalars(select(Organization).where(Organization.code == code)).first()


def _record(d, event_kind: str, day: date, **raw) -> None:
    signers = signers_on(day)
    data = {"effective_on": day.isoformat(), "signer": signers[0][0] if signers else "", **raw}
    events.record(event_kind, data, actor=d.actor_for(Role.DEPARTMENT_STAFF, None))
    db.session.expire_all()


def _free_officials(d, cell: Organization, count: int) -> list[Person]:
    """Official members of ``cell`` no scenario has chosen for a part."""
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.cell_id == cell.id,
                Person.member_status == "official",
                Person.presence == "active",
                Person.id.not_in(d.taken or {0}),
            )
            .order_by(Person.id)
            .limit(count)
        )
    )


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _walk(d) -> Iterator[date]:
    # on the first day of a quarter, three and two quarters back: reports of the quarter
    # before and of the quarter after place organizations and members differently
    first = _quarter_start(_quarter_start(d.today) - timedelta(days=200))
    yield first
    office = _org("CB-STC-VP")
    if office is not None:  # a new cell split from the office's, with some of its members
        people = _free_officials(d, office, 5)
        if len(people) >= 3:
            _record(
                d,
                "split",
                first,
                org_id=office.id,
                code="CB-STC-PC",
                name="Chi bộ Phòng Pháp chế – Thanh tra",
                members=[p.id for p in people],
            )
    source = _org("CB-STC-VP")
    if source is not None:  # a new grassroots cell in a private enterprise
        people = _free_officials(d, source, 3)
        if len(people) == 3:
            _record(
                d,
                "establish",
                first,
                code="CB-STHAO",
                name="Chi bộ Công ty Cổ phần Sông Thao",
                kind="grassroots_cell",
                members=[p.id for p in people],
            )
    second = _quarter_start(first + timedelta(days=100))
    yield second
    legal = _org("CB-STC-PC")
    if legal is not None:  # grown: upgraded to a sub-committee with a cell of its own
        _record(
            d,
            "upgrade",
            second,
            org_id=legal.id,
            name="Đảng bộ bộ phận Pháp chế – Thanh tra",
            cell_code="CB-STC-PC1",
            cell_name="Chi bộ Pháp chế",
        )
    health, hospital = _org("DB-SYT"), _org("DB-BVDK")
    if health is not None and hospital is not None:
        _record(
            d,
            "merge",
            second,
            target_id=health.id,
            sources=[hospital.id],
            name="Đảng bộ Sở Y tế và Bệnh viện Đa khoa tỉnh",
        )
    enterprise = _org("CB-STHAO")
    if enterprise is not None:  # an enterprise's organization goes to the commune's committee
        _record(
            d,
            "hand_over",
            second,
            org_id=enterprise.id,
            receiver="Đảng ủy phường Thanh Miếu",
        )


def scenario(d) -> list[Iterator[date]]:
    return [_walk(d)]

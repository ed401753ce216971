"""The demonstration's world: the committee's organizations, the members on their lists
before the system, the officials' accounts, and this year's targets."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from states.dates import add_months
from states.spec import ROLE_LABELS, Role
from workflow.demo.context import Demo
from workflow.demo.data import STRUCTURE, USERS
from workflow.extensions import db
from workflow.models import Organization
from workflow.operations import orgs as org_ops
from workflow.operations import people as people_ops
from workflow.operations import users as user_ops
from workflow.reports import targets as target_mod
from workflow.store.uow import unit_of_work


def build_orgs(d: Demo) -> None:
    for code, name, kind, authorized, abbr, cells in STRUCTURE:
        root = org_ops.create_org(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "authorized_to_admit": authorized,
                "abbreviation": abbr,
            },
            actor=d.system,
        )
        d.roots[code] = root
        if kind == "grassroots_cell":
            d.cells.append(root)
        subs: dict[str, Organization] = {}
        for i, (cell_code, cell_name, sub_name) in enumerate(cells):
            parent = root
            if sub_name:
                if sub_name not in subs:
                    subs[sub_name] = org_ops.create_org(
                        {
                            "code": f"{code}-BP{len(subs) + 1}",
                            "name": sub_name,
                            "kind": "sub_committee",
                            "parent_id": root.id,
                        },
                        actor=d.system,
                    )
                parent = subs[sub_name]
            d.cells.append(
                org_ops.create_org(
                    {
                        "code": cell_code or f"{code}-{i}",
                        "name": cell_name,
                        "kind": "cell",
                        "parent_id": parent.id,
                    },
                    actor=d.system,
                )
            )


def build_members(d: Demo, total: int) -> None:
    per_cell = [total // len(d.cells)] * len(d.cells)
    for i in range(total - sum(per_cell)):
        per_cell[i] += 1
    for cell, count in zip(d.cells, per_cell, strict=True):
        unit = cell.name.removeprefix("Chi bộ ")
        for k in range(count):
            probationary = k >= count - 2 and d.rng.random() < 0.55
            data = d.person_data(
                1966,
                1996 if not probationary else 2001,
                d.rng.choice(
                    [
                        "Chuyên viên",
                        "Chuyên viên chính",
                        "Phó Trưởng phòng",
                        "Trưởng phòng",
                        "Kế toán",
                        "Kỹ sư",
                        "Bác sĩ",
                        "Giảng viên",
                    ]
                )
                + f", {unit}",
            )
            person = people_ops.create_person(data, cell=cell, actor=d.system)
            birth = person.birth_date
            if probationary:
                # some have served their 12 months already and are being recognized
                decided = d.today - timedelta(days=d.rng.randint(60, 560))
            else:
                earliest = date(birth.year + 21, birth.month, 1)
                span = max(30, (d.today - timedelta(days=500) - earliest).days)
                decided = earliest + timedelta(days=d.rng.randint(0, span))
            joined = decided + timedelta(days=d.rng.randint(7, 35))
            official = None if probationary else add_months(joined, 12)
            people_ops.record_membership(
                person,
                status="probationary" if probationary else "official",
                admission_decision_on=decided,
                joined_on=joined,
                official_on=official,
                card_number=None if probationary else f"25{d.rng.randrange(10**6):06d}",
                actor=d.system,
            )


def _user(d: Demo, username: str, full_name: str):
    """A demonstration account; its password is kept (signing steps ask for it again)."""
    user, password = user_ops.create_user(username, full_name, actor=d.system)
    d.passwords[user.id] = password
    return user, password


def build_users(d: Demo) -> None:
    for username, full_name, role, org_code, title, printed in USERS:
        org = _org_by_code(org_code) if org_code else None
        user, password = _user(d, username, full_name)
        user_ops.add_grant(user, role.value, org.id if org else None, title, actor=d.system)
        if printed:
            where = org.name if org else "toàn Đảng ủy"
            d.accounts.append((username, password, f"{ROLE_LABELS[role]} – {where}"))
    # Every other cell and grassroots organization gets its own secretary or staff account,
    # so the demonstration timelines show who did what (passwords are reset by the admin).
    for cell in d.cells:
        if cell.code == "CB-STC-NS":
            continue
        user, _ = _user(d, f"bt.{cell.code.lower()}", d.name("male"))
        user_ops.add_grant(user, Role.CELL_SECRETARY.value, cell.id, "", actor=d.system)
        if cell.kind == "grassroots_cell":
            user_ops.add_grant(user, Role.GRASSROOTS_STAFF.value, cell.id, "", actor=d.system)
    for code, root in d.roots.items():
        if root.kind != "grassroots_committee":
            continue
        if code != "DB-STC":
            user, _ = _user(d, f"du.{code.lower()}", d.name("female"))
            user_ops.add_grant(user, Role.GRASSROOTS_STAFF.value, root.id, "", actor=d.system)
        if root.authorized_to_admit:
            user, _ = _user(d, f"bithu.{code.lower()}", d.name("male"))
            user_ops.add_grant(user, Role.SIGNER.value, root.id, "BÍ THƯ", actor=d.system)
        for sub in root.children:
            if sub.kind == "sub_committee":
                user, _ = _user(d, f"dubp.{sub.code.lower()}", d.name("male"))
                user_ops.add_grant(user, Role.GRASSROOTS_STAFF.value, sub.id, "", actor=d.system)


def _org_by_code(code: str) -> Organization:
    return db.session.scalars(select(Organization).where(Organization.code == code)).one()


def set_targets(d: Demo) -> None:
    """This year's targets: the committee's admissions as 8% of its members on 1 January, its
    awareness-class trainees as a number, and each grassroots organization's admissions."""
    year = str(d.today.year)
    with unit_of_work():
        target_mod.set_target(
            {"year": year, "kind": "admissions", "percent": "8"}, None, actor=d.system
        )
        target_mod.set_target(
            {"year": year, "kind": "awareness_trainees", "value": "60"}, None, actor=d.system
        )
        for index, org in enumerate(sorted(d.roots.values(), key=lambda o: o.code)):
            value = str(2 + index % 4)
            target_mod.set_target(
                {"year": year, "kind": "admissions", "value": value}, org, actor=d.system
            )

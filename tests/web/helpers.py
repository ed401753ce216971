"""Small helpers shared by the web tests: row counts, case snapshots, form data, HTML bits."""

from __future__ import annotations

import html
import re
import time
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tests.builders import citizen_id
from workflow.extensions import db
from workflow.models import (
    Attachment,
    AuditEntry,
    CalendarOverride,
    Case,
    Certificate,
    Deadline,
    DisciplineRecord,
    DossierItem,
    Grant,
    HelperAssignment,
    Organization,
    Person,
    Sponsor,
    User,
    VerificationRequest,
    Vote,
)

#: the tables a web write may touch; "nothing changed" compares all of them
TABLES = (
    Attachment,
    AuditEntry,
    CalendarOverride,
    Case,
    Certificate,
    Deadline,
    DisciplineRecord,
    DossierItem,
    Grant,
    HelperAssignment,
    Organization,
    Person,
    Sponsor,
    User,
    VerificationRequest,
    Vote,
)


def counts() -> dict[str, int]:
    """Row counts of every table above, read fresh from the database. A refusal is recorded
    in the audit trail by design, so refusal rows do not count as a change."""
    db.session.rollback()
    out = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in TABLES
    }
    out["audit_log"] = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action.not_in(("access.refused", "access.refused_suppressed")))
    )
    return out


def case_snapshot(case_id: int) -> tuple[str, int, Any]:
    """(state, version, last event date) of a case, read fresh from the database."""
    db.session.rollback()
    case = db.session.get(Case, case_id)
    return case.state, case.version, case.last_event_on


def audit_rows(**where: Any) -> list[AuditEntry]:
    db.session.rollback()
    stmt = select(AuditEntry).order_by(AuditEntry.seq)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(stmt))


def page(response) -> str:
    return response.get_data(as_text=True)


def without_tokens(body: str) -> str:
    """A page with its CSRF tokens blanked: they carry the second they were made in."""
    return re.sub(r'(name="csrf_token"[^>]*value=|name="csrf-token" content=)"[^"]*"', r"\1", body)


def field_block(body: str, name: str) -> str:
    """The rendered ``<div class="field ...">`` (or, in a table of rows, the ``<td>``) that holds
    the input named ``name``: its label, its control and the error list shown next to it."""
    for opener, closer in (('<div class="field', "</div>"), ("<td", "</td>")):
        for block in re.split(rf"(?={re.escape(opener)})", body)[1:]:
            block = block.split(closer, 1)[0]
            if re.search(rf'\bname="{re.escape(name)}"', block):
                return block
    raise AssertionError(f"no field named {name!r} on the page")


def hidden_value(body: str, name: str) -> str:
    m = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', body)
    assert m, f"no input named {name!r}"
    value = re.search(r'\bvalue="([^"]*)"', m.group(0))
    return html.unescape(value.group(1)) if value else ""


def new_case_form(world, **overrides: Any) -> dict[str, str]:
    """A valid submission of /cases/open/admission for sec1 (cell C1)."""
    birth = date(2000, 3, 15)
    data = {
        "full_name": "Phạm Thị Lan",
        "birth_date": "15/03/2000",
        "sex": "female",
        "citizen_id": citizen_id(birth, "female"),
        "ethnicity": "Kinh",
        "religion": "Không",
        "home_town": "xã Phú Lộc, tỉnh Phú Thọ",
        "education": "university",
        "occupation": "Chuyên viên Phòng Ngân sách",
        "phone": "0912 345 678",
        "cell_id": str(world.orgs["C1"]),
        "event_date": "01/06/2026",
        "helper": str(world.members["C1"][0]),
        "note": "Quần chúng ưu tú, đề nghị theo dõi.",
    }
    data.update(overrides)
    return data


def incoming_form(world, name: str) -> dict[str, str]:
    """A valid registration of an incoming letter (/cases/open/transfer_in) for a member named
    ``name``, going to G2."""
    birth = date(1985, 4, 2)
    return {
        "full_name": name,
        "birth_date": "02/04/1985",
        "sex": "male",
        "citizen_id": citizen_id(birth, "male"),
        "ethnicity": "Kinh",
        "religion": "Không",
        "home_town": "xã Phú Lộc, tỉnh Phú Thọ",
        "education": "university",
        "occupation": "Chuyên viên",
        "phone": "",
        "member_status": "official",
        "joined_on": "06/01/2010",
        "admission_decision_on": "",
        "official_on": "06/01/2011",
        "event_date": "01/09/2025",
        "letter_number": "45-GT/ĐU",
        "letter_issuer": "Ban Tổ chức Đảng ủy tỉnh Lào Cai",
        "letter_on": "25/08/2025",
        "origin": "Chi bộ Trường THPT Bắc Hà",
        "card_number": "25012345",
        "biography_number": "998877-LC",
        "destination_org": str(world.orgs["G2"]),
    }


def org_form(org: Organization, **overrides: Any) -> dict[str, str]:
    """The organization edit form as the browser would send it back unchanged."""
    data = {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "parent_id": str(org.parent_id or ""),
        "abbreviation": org.abbreviation or "",
        "expected_version": str(org.version),
        "active": "y",
    }
    if org.authorized_to_admit:
        data["authorized_to_admit"] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def user_row(username: str) -> User:
    db.session.rollback()
    return db.session.scalars(select(User).where(User.username == username)).one()


class SlowHasher:
    """The tests' hasher, taking as long as a real check so that concurrent logins overlap."""

    def __init__(self, inner, seconds: float):
        self.inner, self.seconds = inner, seconds

    def verify(self, stored: str, password: str) -> bool:
        time.sleep(self.seconds)
        return self.inner.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.inner, name)

"""Spreadsheets for the import tests: built here cell by cell, as a user's file would be."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from states.roster import COLUMN_BY_KEY, COLUMNS
from tests.builders import citizen_id
from workflow.extensions import db
from workflow.models import AuditEntry, Case, ImportBatch, Person
from workflow.permissions import Actor
from workflow.roster import batches, checks
from workflow.store.errors import InvalidInput

HEADERS = [c.header for c in COLUMNS if not c.read_only]


def member(**overrides: Any) -> dict[str, Any]:
    """A valid row of an official member of C1 (values by column key)."""
    birth = overrides.pop("birth", date(1985, 4, 12))
    sex = overrides.pop("sex_key", "male")
    row = {
        "full_name": "Trần Văn An",
        "birth_date": birth,
        "sex": "Nam" if sex == "male" else "Nữ",
        "citizen_id": citizen_id(birth, sex),
        "ethnicity": "Kinh",
        "religion": "Không",
        "home_town": "xã Phú Lộc, tỉnh Phú Thọ",
        "education": "Đại học",
        "occupation": "Chuyên viên",
        "phone": "0912345678",
        "cell": "C1",
        "status": "Đảng viên chính thức",
        "admission_decision_on": date(2010, 3, 1),
        "joined_on": date(2010, 3, 20),
        "official_on": date(2011, 3, 20),
        "card_number": "25012345",
    }
    row.update(overrides)
    return row


def candidate(**overrides: Any) -> dict[str, Any]:
    row = member(**overrides)
    for key in ("admission_decision_on", "joined_on", "official_on", "card_number"):
        if key not in overrides:
            del row[key]
    row["status"] = overrides.get("status", "Quần chúng")
    return row


def xlsx(
    rows: list[dict[str, Any]], headers: list[str] | None = None, title_rows: int = 0
) -> bytes:
    """A workbook with ``headers`` (default: every importable column) and the rows' values
    under them, after ``title_rows`` lines of title."""
    headers = headers or HEADERS
    by_header = {c.header: c.key for c in COLUMNS}
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["DANH SÁCH ĐẢNG VIÊN"])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(by_header.get(h, h)) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int, int]:
    """People, audit rows and cases: what an import would change."""
    return (
        db.session.scalar(select(func.count(Person.id))),
        db.session.scalar(select(func.count(AuditEntry.seq))),
        db.session.scalar(select(func.count(Case.id))),
    )


def check(world, data: bytes, username: str = "dept") -> checks.Plan:
    return checks.check(data, world.actor(username), 20_000)


def run(world, data: bytes, mode: str = "all", username: str = "dept"):
    actor: Actor = world.actor(username)
    batch = batches.store("danh-sach.xlsx", data, actor)
    try:
        result, refused = batches.run(batch.id, mode, actor), None
    except InvalidInput as exc:
        result, refused = None, exc
    db.session.rollback()
    return result, refused, db.session.get(ImportBatch, batch.id)


def messages(plan: checks.Plan) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in plan.problems]


__all__ = ["COLUMN_BY_KEY", "candidate", "check", "counts", "member", "messages", "run", "xlsx"]

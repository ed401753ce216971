"""Gapless document numbers: one counter row per register, updated in the issuing transaction.

Never a database sequence (it leaves gaps on rollback) and never max()+1 (duplicates under
concurrency): ``UPDATE … SET value = value + 1 … RETURNING value`` holds the row lock until the
transaction ends, and a rollback gives the number back. Numbers follow dates: the same
statement refuses a date earlier than the register's last one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from states.dates import vn_date
from workflow.extensions import db
from workflow.models import Decision, RegisterCounter
from workflow.orgs.terms import term_start as committee_term_start
from workflow.store.errors import InvalidInput


def term_start(on: date, issuer: str = "upper") -> date:
    """The start of the issuing committee's term in which ``on`` falls (its recorded terms,
    else the configured ones: ``workflow.orgs.terms``)."""
    return committee_term_start(issuer, on)


def next_number(
    issuer: str, doc_type: str, on: date, *, field: str = "event_date"
) -> tuple[int, date]:
    """Take the next number of the register dated ``on``; returns (number, term start).

    Raises InvalidInput on ``field`` when the register already holds a later date."""
    term = term_start(on, issuer)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(RegisterCounter)
        .values(issuer=issuer, doc_type=doc_type, term_start=term, value=0)
        .on_conflict_do_nothing(index_elements=["issuer", "doc_type", "term_start"])
    )
    register = (
        RegisterCounter.issuer == issuer,
        RegisterCounter.doc_type == doc_type,
        RegisterCounter.term_start == term,
    )
    number = db.session.execute(
        update(RegisterCounter)
        .where(*register, or_(RegisterCounter.last_on.is_(None), RegisterCounter.last_on <= on))
        .values(value=RegisterCounter.value + 1, last_on=on)
        .returning(RegisterCounter.value)
    ).scalar_one_or_none()
    if number is None:
        raise InvalidInput({field: _out_of_order(issuer, doc_type, term, on)})
    return number, term


def _out_of_order(issuer: str, doc_type: str, term: date, on: date) -> str:
    latest = db.session.scalars(
        select(Decision)
        .where(
            Decision.issuer == issuer,
            Decision.doc_type == doc_type,
            Decision.term_start == term,
            Decision.status == "issued",
            Decision.decided_on > on,
        )
        .order_by(Decision.number.desc())
        .limit(1)
    ).first()
    last_on = db.session.scalar(
        select(RegisterCounter.last_on).where(
            RegisterCounter.issuer == issuer,
            RegisterCounter.doc_type == doc_type,
            RegisterCounter.term_start == term,
        )
    )
    holder = (
        f"{latest.cited} ngày {vn_date(latest.decided_on)}"
        if latest is not None
        else f"văn bản đã vào sổ ngày {vn_date(last_on)}"
    )
    return (
        f"Ngày ký {vn_date(on)} sớm hơn ngày của văn bản đã vào sổ trước ({holder}): số văn "
        f"bản trong một sổ phải theo thứ tự ngày. Chọn ngày ký từ {vn_date(last_on)} trở đi."
    )

"""Gapless document numbers: one counter row per register, updated in the issuing transaction.

Never a database sequence (it leaves gaps on rollback) and never max()+1 (duplicates under
concurrency): ``UPDATE … SET value = value + 1 … RETURNING value`` holds the row lock until the
transaction ends, and a rollback gives the number back.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from workflow.extensions import db
from workflow.models import RegisterCounter


def term_start(on: date) -> date:
    """The start of the committee term in which ``on`` falls (terms are configuration)."""
    starts = sorted(date.fromisoformat(s) for s in current_app.config["TERM_STARTS"])
    current = starts[0]
    for start in starts:
        if start <= on:
            current = start
    return current


def next_number(issuer: str, doc_type: str, on: date) -> tuple[int, date]:
    """Take the next number of the register; returns (number, term start)."""
    term = term_start(on)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(RegisterCounter)
        .values(issuer=issuer, doc_type=doc_type, term_start=term, value=0)
        .on_conflict_do_nothing(index_elements=["issuer", "doc_type", "term_start"])
    )
    number = db.session.execute(
        update(RegisterCounter)
        .where(
            RegisterCounter.issuer == issuer,
            RegisterCounter.doc_type == doc_type,
            RegisterCounter.term_start == term,
        )
        .values(value=RegisterCounter.value + 1)
        .returning(RegisterCounter.value)
    ).scalar_one()
    return number, term

"""Committee terms: each issuer's registers restart at its own committee's term, and its
decisions cite the working rules of the committee and term that issue them.

A committee with no recorded term follows the configured term starts (``TERM_STARTS``) and
working rules (``WORKING_RULES_BASIS``); one with recorded terms follows them from the first
one on (the configured starts still divide the days before it).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import CommitteeTerm, Organization
from workflow.orgs import history


def body_of(issuer: str) -> tuple[bool, int | None]:
    """(whether the register belongs to a committee, its organization id or None for the
    upper committee) of a register's issuer key."""
    if issuer in ("upper", "inspection"):
        return True, None
    if issuer.startswith("org:"):
        try:
            return True, int(issuer.removeprefix("org:"))
        except ValueError:
            return False, None
    return False, None


def terms_of(org_id: int | None) -> list[CommitteeTerm]:
    where = CommitteeTerm.org_id.is_(None) if org_id is None else CommitteeTerm.org_id == org_id
    return list(
        db.session.scalars(
            select(CommitteeTerm).where(where).order_by(CommitteeTerm.starts_on, CommitteeTerm.id)
        )
    )


def _configured() -> list[date]:
    return sorted(date.fromisoformat(s) for s in current_app.config["TERM_STARTS"])


def term_on(issuer: str, on: date) -> tuple[date, CommitteeTerm | None]:
    """(start of the term ``on`` falls in, the recorded term or None) for ``issuer``."""
    configured = _configured()
    own, org_id = body_of(issuer)
    recorded = terms_of(org_id) if own else []
    starts: list[tuple[date, CommitteeTerm | None]] = [(s, None) for s in configured]
    if recorded:
        first = recorded[0].starts_on
        starts = [(s, None) for s in configured if s < first] + [(t.starts_on, t) for t in recorded]
    current = starts[0]
    for start in starts:
        if start[0] <= on:
            current = start
    return current


def term_start(issuer: str, on: date) -> date:
    return term_on(issuer, on)[0]


def working_rules(issuer: str, on: date) -> str:
    """The working-rules line a decision of ``issuer`` dated ``on`` cites."""
    start, term = term_on(issuer, on)
    if term is None:
        later = [s for s in _configured() if s > start]
        own, org_id = body_of(issuer)
        if not later or not own:  # the configured line names the current term
            return current_app.config["WORKING_RULES_BASIS"]
        # a committee's decision of an earlier term cites that term's rules, not today's
        return (
            f"Căn cứ Quy chế làm việc của Ban Chấp hành {_party(org_id, on)} "
            f"nhiệm kỳ {start.year} – {later[0].year};"
        )
    if term.working_rules:
        return term.working_rules
    # a recorded term without its line: the committee's own rules, named as it was that day
    label = f" {term.label}" if term.label else ""
    return f"Căn cứ Quy chế làm việc của Ban Chấp hành {_party(term.org_id, on)}{label};"


def _party(org_id: int | None, on: date) -> str:
    """The party organization a committee leads, named as on ``on``: "Đảng bộ Sở Y tế" (or a
    cell's name); the upper committee's "Đảng bộ Khối …"."""
    if org_id is None:
        return history.upper_on(on).party_name
    return history.identity_on(db.session.get(Organization, org_id), on).name

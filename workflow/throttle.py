"""Failed logins per network address (ASVS 2.2.1): after too many failures from one address in
a window, every login from it is refused for a while, whatever the account. The counts are rows
of the database, updated in the login's own transaction, so the limit holds across all worker
processes. Runs inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflow.extensions import db
from workflow.models import LoginThrottle


def _row(address: str) -> LoginThrottle:
    """The address's row, created if missing and locked for this transaction (two workers'
    first failures from one address cannot both insert it)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginThrottle)
        .values(address=address, window_start=datetime(1970, 1, 1), failures=0)
        .on_conflict_do_nothing(index_elements=["address"])
    )
    return db.session.scalars(
        select(LoginThrottle)
        .where(LoginThrottle.address == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def blocked_until(address: str, now: datetime) -> datetime | None:
    """When the address may try again, or None when it may now."""
    if not address:
        return None
    row = db.session.get(LoginThrottle, address)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def record_failure(address: str, now: datetime) -> None:
    if not address:
        return
    config = current_app.config
    row = _row(address)
    window = timedelta(minutes=config["LOGIN_ADDRESS_WINDOW_MINUTES"])
    if now - row.window_start > window:
        row.window_start, row.failures = now, 0
    row.failures += 1
    if row.failures >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        row.blocked_until = now + timedelta(minutes=config["LOGIN_ADDRESS_BLOCK_MINUTES"])
        row.window_start, row.failures = now, 0


def minutes_left(until: datetime, now: datetime) -> int:
    return int((until - now).total_seconds() // 60) + 1

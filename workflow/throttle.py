"""Failed logins per network address (ASVS 2.2.1): after too many failures from one address in
a window, every login from it is refused for a while, whatever the account. The counts are rows
of the database, updated in the login's own transaction, so the limit holds across all worker
processes. Runs inside the caller's unit of work.

The same rows count failures against a username that has no account, so that it "locks" after
as many failures as a real account does: the lockout message tells no one which names exist."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflow.extensions import db
from workflow.models import LoginThrottle


def _row(key: str) -> LoginThrottle:
    """The key's row, created if missing and locked for this transaction (two workers' first
    failures from one address cannot both insert it)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginThrottle)
        .values(address=key, window_start=datetime(1970, 1, 1), failures=0)
        .on_conflict_do_nothing(index_elements=["address"])
    )
    return db.session.scalars(
        select(LoginThrottle)
        .where(LoginThrottle.address == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def blocked_until(key: str, now: datetime, *, lock: bool = False) -> datetime | None:
    """When the address (or unknown username) may try again, or None when it may now.
    ``lock``: keep the counter's row locked for this transaction (concurrent attempts on one
    name then take turns, and each sees the others' failures)."""
    if not key:
        return None
    row = _row(key) if lock else db.session.get(LoginThrottle, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def record_failure(address: str, now: datetime) -> None:
    config = current_app.config
    _count(
        address,
        now,
        config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        timedelta(minutes=config["LOGIN_ADDRESS_WINDOW_MINUTES"]),
        timedelta(minutes=config["LOGIN_ADDRESS_BLOCK_MINUTES"]),
    )


def unknown_username_key(username: str) -> str:
    """The row counting failures against a name with no account (hashed: no name is stored)."""
    return "user:" + hashlib.sha256(username.casefold().encode()).hexdigest()[:40]


def record_unknown_username(username: str, now: datetime) -> None:
    """Counted like a real account's failures (a day's window; the same lock length)."""
    config = current_app.config
    _count(
        unknown_username_key(username),
        now,
        config["LOGIN_MAX_FAILURES"],
        timedelta(days=1),
        timedelta(minutes=config["LOGIN_LOCK_MINUTES"]),
    )


def count_in_window(key: str, now: datetime, window: timedelta) -> int:
    """Add one to the key's counter, restarted when its window has passed; the new count (the
    row stays locked for this transaction, so concurrent requests count one after another)."""
    row = _row(key)
    if now - row.window_start > window:
        row.window_start, row.failures = now, 0
    row.failures += 1
    return row.failures


#: counters idle this long, and not blocking, are deleted (new addresses and names add rows)
STALE = timedelta(days=2)


def _count(key: str, now: datetime, limit: int, window: timedelta, block: timedelta) -> None:
    if not key:
        return
    db.session.flush()  # this transaction's own counters are written before the sweep
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_start < now - STALE,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
            LoginThrottle.address != key,
        )
    )
    row = _row(key)
    if now - row.window_start > window:
        row.window_start, row.failures = now, 0
    row.failures += 1
    if row.failures >= limit:
        row.blocked_until = now + block
        row.window_start, row.failures = now, 0


def minutes_left(until: datetime, now: datetime) -> int:
    return int((until - now).total_seconds() // 60) + 1

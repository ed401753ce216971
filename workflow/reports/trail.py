"""Reading the audit trail for the period report: the rows of a person's history in the order
the report follows them, streamed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from states.indicators import payload_actions
from workflow.clock import LOCAL_TZ
from workflow.extensions import db
from workflow.models import AuditEntry

AUDIT = AuditEntry.__table__

#: a row that places a person on the lists (organization, status or presence)
PLACING = and_(
    AUDIT.c.person_id.is_not(None),
    or_(
        AUDIT.c.org_id.is_not(None),
        AUDIT.c.member_status.is_not(None),
        AUDIT.c.presence.is_not(None),
    ),
)

#: the columns of a history row, in the order ``workflow.reports.tally.contributions`` reads
#: them (the payload last)
COLUMNS = (
    AUDIT.c.person_id,
    AUDIT.c.seq,
    AUDIT.c.event_date,
    AUDIT.c.entered_at,
    AUDIT.c.procedure,
    AUDIT.c.action,
    AUDIT.c.to_state,
    AUDIT.c.org_id,
    AUDIT.c.member_status,
    AUDIT.c.presence,
    AUDIT.c.subject_id,
)

#: each person's rows together, in event-date order (undated rows, a record's creation, first)
ORDER = (AUDIT.c.person_id, AUDIT.c.event_date.asc().nulls_first(), AUDIT.c.seq)

#: rows fetched from the server at a time while a report streams the trail
FETCH_ROWS = 20_000


def payload():
    """The payload, of the steps counted for an organization named in their form only."""
    return case(
        (AUDIT.c.action.in_(sorted(payload_actions())), AUDIT.c.payload), else_=literal(None)
    )


def last_seq() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AUDIT.c.seq), 0))) or 0


def end_of(day: date) -> datetime:
    """The instant a local day ends, as the naive UTC the trail stores."""
    local = datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def stream(stmt) -> Iterator:
    """A query's rows, streamed: on PostgreSQL from a server-side cursor of the driver itself
    (plain tuples, typed by psycopg: half a million rows without building a result object for
    each), elsewhere by partitions of the session's result."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        for part in db.session.execute(stmt.execution_options(yield_per=FETCH_ROWS)).partitions():
            yield from part
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    raw = conn.connection.driver_connection
    with raw.cursor(name=f"report_{uuid.uuid4().hex}") as cursor:
        cursor.execute(str(compiled), compiled.params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows

"""The audit trail: append-only rows chained by SHA-256, one per recorded change."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, Date, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base

GENESIS_HASH = "0" * 64


#: an audit row that says where a person is on the lists (what ``ix_audit_log_membership`` holds)
MEMBERSHIP_ROWS = (
    "person_id IS NOT NULL AND "
    "(org_id IS NOT NULL OR member_status IS NOT NULL OR presence IS NOT NULL)"
)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    #: a case's (or any subject's) timeline, in order, without reading the whole trail
    __table_args__ = (
        Index("ix_audit_log_subject", "subject_type", "subject_id", "seq"),
        #: the steps a report counts, by kind and date (a few of the period's rows)
        Index("ix_audit_log_action_date", "action", "event_date"),
        #: the rows that place a person (organization, status, presence: a twentieth of the
        #: trail), in the order the period report follows each person's history, with what it
        #: reads: the report reads them in order instead of scanning and sorting the trail
        Index(
            "ix_audit_log_membership",
            "person_id",
            text("event_date NULLS FIRST"),
            "seq",
            postgresql_include=[
                "entered_at",
                "procedure",
                "action",
                "to_state",
                "org_id",
                "member_status",
                "presence",
            ],
            postgresql_where=text(MEMBERSHIP_ROWS),
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_audit_log_membership_sqlite",
            "person_id",
            "event_date",
            "seq",
            sqlite_where=text(MEMBERSHIP_ROWS),
        ).ddl_if(dialect="sqlite"),
    )

    #: gapless sequence, assigned from ``AuditHead`` in the writing transaction
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: when the row was entered (UTC)
    entered_at: Mapped[datetime] = mapped_column()
    #: when the event happened on paper (meeting, decision, ceremony date)
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(100), default="")
    actor_role: Mapped[str] = mapped_column(String(30), default="")
    #: case | person | organization | user | calendar
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    procedure: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    #: canonical JSON (sorted keys, no spaces): exactly the text that was hashed
    payload: Mapped[str] = mapped_column(Text, default="{}")
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the person the event concerns, if any
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: what the event changed in that person's membership (None: unchanged): their cell,
    #: their status (non_member | probationary | official | removed) and their presence
    #: (active | in_transit | left). Folded in event-date order they give the person's place
    #: on the lists at any date, from which the period reports are computed.
    org_id: Mapped[int | None] = mapped_column(Integer)
    member_status: Mapped[str | None] = mapped_column(String(20))
    presence: Mapped[str | None] = mapped_column(String(12))
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
    #: HMAC of ``row_hash`` under the audit key, which is not in the database: whoever can
    #: write to the database but has not the key cannot forge, edit or re-chain a row
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the last sequence number and hash. Locking it serializes the chain. Its
    ``mac`` (under the audit key) covers both, so the head cannot be moved back over a cut
    tail without the key (None: the empty chain's head)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    row_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    mac: Mapped[str | None] = mapped_column(String(64))
    #: the last row what is derived from the trail (the period report's facts) stands for:
    #: it moves with ``seq`` while the transactions that append keep it up to date, and
    #: stays behind when rows are written around them (a bulk load) until a rebuild. Not
    #: under the MAC: it says nothing of the chain
    derived_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# The database itself refuses to change or delete audit rows.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)

for _stmt in SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))
for _stmt in POSTGRESQL_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="postgresql"))

event.listen(
    AuditHead.__table__,
    "after_create",
    DDL(f"INSERT INTO audit_head (id, seq, row_hash) VALUES (1, 0, '{GENESIS_HASH}')"),  # noqa: S608 (constant)
)

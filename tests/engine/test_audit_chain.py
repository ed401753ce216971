"""The audit trail is append-only, and its hash chain catches edited, deleted, reordered or
truncated rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.conftest import BACKEND
from workflow.extensions import db
from workflow.models import AuditEntry
from workflow.models.audit import POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS
from workflow.store.audit import compute_hash, verify_chain


@pytest.fixture
def trail(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "under_verification")
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert verify_chain().ok
    return [r.seq for r in rows]


def raw(sql: str, **params) -> None:
    """Write on another connection, then end our read transaction to see the result."""
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)
    db.session.rollback()


@pytest.fixture
def drop_protection():
    """What an attacker with database access would do first; restored after the test (the
    PostgreSQL schema is shared by the tests of one worker)."""

    def drop():
        if BACKEND == "postgresql":
            raw("DROP TRIGGER audit_log_no_change ON audit_log")
        else:
            raw("DROP TRIGGER audit_log_no_update")
            raw("DROP TRIGGER audit_log_no_delete")

    yield drop
    db.session.rollback()
    for statement in POSTGRESQL_TRIGGERS if BACKEND == "postgresql" else SQLITE_TRIGGERS:
        with db.engine.begin() as conn:
            if BACKEND == "postgresql":
                conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"))
            conn.execute(text(statement))


def test_database_refuses_to_change_or_delete_audit_rows(trail):
    seq = trail[-3]
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_log SET comment = 'x' WHERE seq = :s", s=seq)
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_log WHERE seq = :s", s=seq)
    db.session.rollback()
    assert verify_chain().ok


def test_orm_refuses_to_update_audit_rows_through_the_triggers(trail):
    row = db.session.get(AuditEntry, trail[0])
    row.comment = "sửa lén"
    with pytest.raises(DatabaseError):
        db.session.flush()
    db.session.rollback()


def test_edited_row_is_named(trail, drop_protection):
    drop_protection()
    seq = trail[len(trail) // 2]
    raw("UPDATE audit_log SET payload = :p WHERE seq = :s", p='{"yes":99}', s=seq)
    db.session.rollback()
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, seq)
    assert "sửa" in report.reason


def test_edit_with_recomputed_hash_breaks_the_next_link(trail, drop_protection):
    drop_protection()
    seq = trail[len(trail) // 2]
    row = db.session.get(AuditEntry, seq)
    row.to_state = "admitted"
    new_hash = compute_hash(row)
    db.session.rollback()
    raw(
        "UPDATE audit_log SET to_state = 'admitted', row_hash = :h WHERE seq = :s",
        h=new_hash,
        s=seq,
    )
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, seq + 1)


def test_deleted_row_is_named(trail, drop_protection):
    drop_protection()
    seq = trail[3]
    raw("DELETE FROM audit_log WHERE seq = :s", s=seq)
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, seq)
    assert "thiếu" in report.reason


def test_reordered_rows_are_caught(trail, drop_protection):
    drop_protection()
    a, b = trail[4], trail[5]
    columns = [
        "entered_at",
        "event_date",
        "actor_id",
        "actor_name",
        "actor_role",
        "subject_type",
        "subject_id",
        "procedure",
        "action",
        "from_state",
        "to_state",
        "payload",
        "comment",
        "prev_hash",
        "row_hash",
    ]
    db.session.rollback()
    with db.engine.begin() as conn:
        rows = {
            r.seq: r
            for r in conn.execute(
                text(f"SELECT seq, {', '.join(columns)} FROM audit_log WHERE seq IN (:a, :b)"),
                {"a": a, "b": b},
            )
        }
        for target, source in ((a, b), (b, a)):
            values = {c: getattr(rows[source], c) for c in columns}
            sets = ", ".join(f"{c} = :{c}" for c in columns)
            conn.execute(
                text(f"UPDATE audit_log SET {sets} WHERE seq = :target"),
                {**values, "target": target},
            )
    db.session.rollback()
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, a)


def test_truncated_tail_is_caught(trail, drop_protection):
    drop_protection()
    raw("DELETE FROM audit_log WHERE seq = :s", s=trail[-1])
    report = verify_chain()
    assert report.ok is False
    assert report.first_bad_seq == trail[-1]
    assert "cắt" in report.reason


def test_cli_names_the_first_broken_row(app, trail, drop_protection):
    drop_protection()
    raw("UPDATE audit_log SET actor_name = 'Người khác' WHERE seq = :s", s=trail[2])
    result = app.test_cli_runner().invoke(args=["wf", "audit-verify"])
    assert result.exit_code == 1
    assert f"tại dòng {trail[2]}" in result.output

"""The audit trail is append-only, and its hash chain catches edited, deleted, reordered or
truncated rows; keyed with HMACs under a key the database does not hold, it also resists
someone who knows the algorithm and recomputes the hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.conftest import BACKEND, owner_engine
from workflow.extensions import db
from workflow.models import AuditEntry, AuditHead, Decision
from workflow.models.audit import POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS
from workflow.store.audit import (
    HeadMissing,
    compute_hash,
    head_mac,
    parse_position,
    position,
    verify_chain,
)


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
    with owner_engine().begin() as conn:
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
        with owner_engine().begin() as conn:
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


def test_edit_with_recomputed_hash_is_named_by_its_mac(trail, drop_protection):
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
    assert (report.ok, report.first_bad_seq) == (False, seq)
    assert "mã khóa" in report.reason


# --- someone who knows the algorithm but not the key --------------------------------------------

FORGER_KEY = "not-the-audit-key"


def _forged_mac(text_: str) -> str:
    return hmac.new(FORGER_KEY.encode(), text_.encode(), hashlib.sha256).hexdigest()


def _rows() -> list[AuditEntry]:
    db.session.rollback()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()


def _move_head(seq: int, row_hash: str, mac: str | None = None) -> None:
    raw(
        "UPDATE audit_head SET seq = :s, row_hash = :h, mac = :m WHERE id = 1",
        s=seq,
        h=row_hash,
        m=mac or _forged_mac(f"head:{seq}:{row_hash}"),
    )


def test_cutting_the_tail_and_moving_the_head_back_is_caught(trail, drop_protection):
    drop_protection()
    keep = trail[-4]
    raw("DELETE FROM audit_log WHERE seq > :s", s=keep)
    kept = db.session.get(AuditEntry, keep)
    _move_head(keep, kept.row_hash)
    report = verify_chain()
    assert report.ok is False and "đầu mối" in report.reason
    # nor does a row's own MAC serve as the head's
    _move_head(keep, kept.row_hash, mac=kept.mac)
    assert verify_chain().ok is False


def test_deleting_the_head_is_caught_and_stops_appending(trail, world):
    raw("DELETE FROM audit_head")
    report = verify_chain()
    assert report.ok is False and "mất dòng đầu mối" in report.reason
    with pytest.raises(HeadMissing):
        world.new_candidate("C1")
    db.session.rollback()


def test_a_forged_row_with_a_recomputed_hash_is_caught(trail):
    last = _rows()[-1]
    forged = SimpleNamespace(
        **{c.name: getattr(last, c.name) for c in AuditEntry.__table__.columns},
    )
    forged.seq, forged.prev_hash, forged.action = last.seq + 1, last.row_hash, "forged"
    forged.row_hash = compute_hash(forged)
    forged.mac = _forged_mac(f"row:{forged.row_hash}")
    values = {c.name: getattr(forged, c.name) for c in AuditEntry.__table__.columns}
    db.session.rollback()
    with owner_engine().begin() as conn:
        conn.execute(AuditEntry.__table__.insert(), values)
    _move_head(forged.seq, forged.row_hash)
    report = verify_chain()
    assert report.ok is False and "đầu mối" in report.reason
    # even with a head the key really signed, the row is named by its own MAC
    raw("UPDATE audit_head SET mac = :m WHERE id = 1", m=head_mac(forged.seq, forged.row_hash))
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, forged.seq)
    assert "mã khóa" in report.reason


def test_editing_a_row_and_recomputing_the_rest_is_caught_at_the_edit(trail, drop_protection):
    drop_protection()
    rows = _rows()
    start = len(rows) // 2
    prev_hash = rows[start - 1].row_hash
    db.session.rollback()
    with owner_engine().begin() as conn:
        for i, row in enumerate(rows[start:]):
            copy = SimpleNamespace(
                **{c.name: getattr(row, c.name) for c in AuditEntry.__table__.columns}
            )
            if i == 0:
                copy.comment = "sửa lén"
            copy.prev_hash = prev_hash
            copy.row_hash = prev_hash = compute_hash(copy)
            conn.execute(
                text(
                    "UPDATE audit_log SET comment = :c, prev_hash = :p, row_hash = :h, mac = :m"
                    " WHERE seq = :s"
                ),
                {
                    "c": copy.comment,
                    "p": copy.prev_hash,
                    "h": copy.row_hash,
                    "m": _forged_mac(f"row:{copy.row_hash}"),
                    "s": copy.seq,
                },
            )
    _move_head(rows[-1].seq, prev_hash)
    report = verify_chain()
    assert report.ok is False
    # the head is checked first; with the head's MAC left alone the edit itself is named
    raw("UPDATE audit_head SET mac = :m WHERE id = 1", m=head_mac(rows[-1].seq, prev_hash))
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, rows[start].seq)
    assert "mã khóa" in report.reason


def test_the_same_rows_under_another_key_do_not_verify(app, trail):
    app.config["AUDIT_KEY"] = FORGER_KEY
    assert verify_chain().ok is False


# --- positions recorded outside the trail -------------------------------------------------------


def test_an_issued_documents_chain_position_and_an_exported_head_are_cross_checked(
    app, world, drop_protection
):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    db.session.rollback()
    decision = db.session.scalars(select(Decision).where(Decision.status == "issued")).one()
    recorded = parse_position(json.loads(decision.snapshot)["chain"])
    assert recorded is not None and recorded[0] > 0
    head = db.session.get(AuditHead, 1)
    exported = position(head.seq, head.row_hash)
    report = verify_chain(anchors=[parse_position(exported)])
    assert report.ok and report.references == 2
    # an anchor that does not match, and one past the end of the trail
    wrong = verify_chain(anchors=[(head.seq, "0" * 16)])
    assert (wrong.ok, wrong.first_bad_seq) == (False, head.seq)
    assert "mốc đối chiếu" in wrong.reason
    beyond = verify_chain(anchors=[(head.seq + 5, head.row_hash[:16])])
    assert beyond.ok is False and "thiếu dòng" in beyond.reason
    # the whole trail rewritten from the document's position on, under a forged key and head:
    # its hash there no longer matches what the document printed
    drop_protection()
    rows = _rows()
    raw("DELETE FROM audit_log WHERE seq >= :s", s=recorded[0])
    _move_head(rows[recorded[0] - 2].seq, rows[recorded[0] - 2].row_hash)
    raw(
        "UPDATE audit_head SET mac = :m WHERE id = 1",
        m=head_mac(rows[recorded[0] - 2].seq, rows[recorded[0] - 2].row_hash),
    )
    report = verify_chain()
    assert report.ok is False and "văn bản" in report.reason


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
    with owner_engine().begin() as conn:
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


def test_cli_exports_the_head_and_verifies_against_it(app, trail):
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["wf", "audit-head"])
    assert exported.exit_code == 0
    head = db.session.get(AuditHead, 1)
    assert position(head.seq, head.row_hash) in exported.output
    anchor = position(head.seq, head.row_hash)
    ok = runner.invoke(args=["wf", "audit-verify", "--anchor", anchor])
    assert ok.exit_code == 0 and "nguyên vẹn" in ok.output and "1 mốc" in ok.output
    bad = runner.invoke(args=["wf", "audit-verify", "--anchor", f"#{head.seq} {'0' * 16}"])
    assert bad.exit_code == 1 and "mốc đối chiếu" in bad.output
    nonsense = runner.invoke(args=["wf", "audit-verify", "--anchor", "hôm qua"])
    assert nonsense.exit_code != 0 and "#số mã" in nonsense.output


def test_cli_names_the_first_broken_row(app, trail, drop_protection):
    drop_protection()
    raw("UPDATE audit_log SET actor_name = 'Người khác' WHERE seq = :s", s=trail[2])
    result = app.test_cli_runner().invoke(args=["wf", "audit-verify"])
    assert result.exit_code == 1
    assert f"tại dòng {trail[2]}" in result.output

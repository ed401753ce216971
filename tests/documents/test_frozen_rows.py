"""Rows the database keeps as written, whatever the application asks: every column of an issued
decision but its rendered file's (filled in once), a scan's record but its withdrawal (filled
in once), and the log of sensitive reads. Each change is tried as a plain UPDATE by the
schema's owner, with the triggers in force; on PostgreSQL the application's own role may not
even try (and cannot lift the triggers)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Date, DateTime, Integer, delete, select, text, update
from sqlalchemy.exc import DatabaseError

from tests.conftest import APP_ROLE, BACKEND, owner_engine
from workflow.dbroles import WITHHELD
from workflow.extensions import db
from workflow.models import AccessLogEntry, Attachment, Decision, IssuedReport, ReportSnapshot
from workflow.models.attachments import ACCESS_LOG, ATTACHMENT_RECORDS
from workflow.models.documents import DECISION_FROZEN, DECISION_RENDERED
from workflow.models.reports import ISSUED_REPORTS
from workflow.store.uow import unit_of_work


def _columns(model) -> set[str]:
    return {c.name for c in model.__table__.columns}


def test_every_column_is_either_frozen_or_filled_in_once():
    """A column added to these tables must be placed here (and the migration's triggers
    updated with it)."""
    assert set(ISSUED_REPORTS.frozen) | set(ISSUED_REPORTS.once) == _columns(IssuedReport)
    assert set(DECISION_FROZEN) | set(DECISION_RENDERED) == _columns(Decision)
    assert not set(DECISION_FROZEN) & set(DECISION_RENDERED)
    assert set(ATTACHMENT_RECORDS.frozen) | set(ATTACHMENT_RECORDS.once) == _columns(Attachment)
    assert set(ACCESS_LOG.frozen) == _columns(AccessLogEntry) and not ACCESS_LOG.once


def _other_value(model, row_id: int, column: str, world):
    """A value of the column's type, different from the row's, that breaks no other rule."""
    col = model.__table__.c[column]
    current = db.session.execute(select(col).where(model.__table__.c.id == row_id)).scalar()
    foreign = next(iter(col.foreign_keys), None)
    if foreign is not None:
        target = foreign.column.table.name
        if target == "app_user":
            return next(u for u in world.users.values() if u != current)
        if target == "membership_case":
            return world.new_candidate("C1B")
        other = db.session.scalar(
            select(foreign.column).where(foreign.column.is_distinct_from(current)).limit(1)
        )
        return row_id if other is None else other  # a decision correcting itself is valid
    if isinstance(col.type, Integer):
        return (current or 0) + 1000
    if isinstance(col.type, DateTime):
        return datetime(2020, 1, 1, 8, 0)
    if isinstance(col.type, Date):
        return date(2020, 1, 1)
    if column == "status":
        return "draft"
    text = current or ""  # the same length: it fits the column
    return text[:-1] + ("y" if text.endswith("x") else "x") if text else "x"


def _refused(model, row_id: int, values: dict, message: str) -> None:
    db.session.rollback()
    with pytest.raises(DatabaseError, match=message), owner_engine().begin() as conn:
        conn.execute(update(model).where(model.id == row_id).values(values))


def _accepted(model, row_id: int, values: dict) -> None:
    db.session.rollback()
    with owner_engine().begin() as conn:
        conn.execute(update(model).where(model.id == row_id).values(values))


def _issued(world, app) -> int:
    app.config["RENDER_AFTER_ISSUE"] = False
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    db.session.rollback()
    return db.session.scalars(
        select(Decision.id).where(Decision.case_id == case_id, Decision.status == "issued")
    ).one()


def test_no_column_of_an_issued_decision_changes_but_its_file_once(world, app, subtests):
    decision_id = _issued(world, app)
    for column in DECISION_FROZEN:
        with subtests.test(column=column):
            value = _other_value(Decision, decision_id, column, world)
            _refused(Decision, decision_id, {column: value}, "cannot be changed")
    # rendering records the file: allowed while no digest is recorded ...
    _accepted(Decision, decision_id, {"pdf_path": "2026/a.pdf", "pdf_size": 10})
    _accepted(
        Decision,
        decision_id,
        {"pdf_sha256": "a" * 64, "signed": True, "rendered_at": datetime(2026, 1, 2)},
    )
    # ... and never after
    for column, value in (
        ("pdf_sha256", "b" * 64),
        ("pdf_path", "2026/b.pdf"),
        ("pdf_size", 11),
        ("signed", False),
        ("rendered_at", datetime(2026, 1, 3)),
    ):
        with subtests.test(column=column):
            _refused(Decision, decision_id, {column: value}, "cannot be changed")
    db.session.rollback()
    with pytest.raises(DatabaseError, match="cannot be deleted"), owner_engine().begin() as conn:
        conn.execute(delete(Decision).where(Decision.id == decision_id))
    db.session.rollback()
    assert db.session.get(Decision, decision_id).pdf_sha256 == "a" * 64


def test_a_scans_record_keeps_all_but_its_withdrawal_which_is_filled_in_once(world, subtests):
    case_id = world.new_candidate("C1")
    with unit_of_work():
        row = Attachment(
            case_id=case_id,
            purpose="application",
            original_name="Đơn.pdf",
            stored_name="a" * 32,
            content_type="application/pdf",
            size=100,
            sha256="c" * 64,
            uploaded_by=world.users["sec1"],
        )
        db.session.add(row)
        db.session.flush()
        row_id = row.id
    for column in ATTACHMENT_RECORDS.frozen:
        with subtests.test(column=column):
            value = _other_value(Attachment, row_id, column, world)
            _refused(Attachment, row_id, {column: value}, "append-only")
    withdrawn = {"removed_at": datetime(2026, 1, 2), "removed_by": world.users["sec1"]}
    _accepted(Attachment, row_id, withdrawn)
    _refused(Attachment, row_id, {"removed_at": None, "removed_by": None}, "append-only")
    _refused(Attachment, row_id, {"removed_by": world.users["dept"]}, "append-only")
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"), owner_engine().begin() as conn:
        conn.execute(delete(Attachment).where(Attachment.id == row_id))


def test_the_log_of_sensitive_reads_is_append_only(world, subtests):
    case_id = world.new_candidate("C1")
    with unit_of_work():
        row = AccessLogEntry(
            user_id=world.users["dept"], subject_type="case", subject_id=case_id, part="dossier"
        )
        db.session.add(row)
        db.session.flush()
        row_id = row.id
    for column in ACCESS_LOG.frozen:
        with subtests.test(column=column):
            value = _other_value(AccessLogEntry, row_id, column, world)
            _refused(AccessLogEntry, row_id, {column: value}, "append-only")
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"), owner_engine().begin() as conn:
        conn.execute(delete(AccessLogEntry).where(AccessLogEntry.id == row_id))
    db.session.rollback()
    assert db.session.get(AccessLogEntry, row_id).part == "dossier"


def test_an_issued_report_keeps_all_but_its_pdf_which_is_filled_in_once(world, subtests):
    with unit_of_work():
        snapshot, other = (
            ReportSnapshot(start_on=date(2026, m, 1), end_on=date(2026, m + 2, 28), as_of_seq=0,
                           figures={})
            for m in (1, 4)
        )  # fmt: skip
        db.session.add_all([snapshot, other])
        db.session.flush()
        db.session.execute(
            IssuedReport.__table__.insert().values(
                id=1, snapshot_id=snapshot.id, issuer="upper", issuer_abbr="ĐUK", doc_type="BC",
                term_start=date(2025, 10, 1), number=1, issued_on=date(2026, 4, 2),
                signer_name="Lê Văn Thường", signer_title="PHÓ BÍ THƯ", html="<p>Báo cáo</p>",
                created_at=datetime(2026, 4, 2, 8, 0),
            )
        )  # fmt: skip
    for column in ISSUED_REPORTS.frozen:
        with subtests.test(column=column):
            value = _other_value(IssuedReport, 1, column, world)
            _refused(IssuedReport, 1, {column: value}, "cannot be changed")
    _accepted(IssuedReport, 1, {"pdf": b"%PDF-1.7", "pdf_sha256": "d" * 64})
    _refused(IssuedReport, 1, {"pdf": b"%PDF-1.4"}, "cannot be changed")
    db.session.rollback()
    with pytest.raises(DatabaseError, match="cannot be deleted"), owner_engine().begin() as conn:
        conn.execute(delete(IssuedReport).where(IssuedReport.id == 1))


def test_drafts_stay_editable(world, app):
    """Only what is issued is frozen: a draft's text is rewritten until it is signed."""
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    db.session.rollback()
    draft_id = db.session.scalars(
        select(Decision.id).where(Decision.case_id == case_id, Decision.status == "draft")
    ).one()
    _accepted(Decision, draft_id, {"subject": "Dự thảo sửa lại", "signer_name": "Lê Văn A"})


@pytest.mark.skipif(BACKEND != "postgresql", reason="roles are PostgreSQL's")
def test_the_applications_role_owns_nothing_and_cannot_touch_kept_rows(world, subtests):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    db.session.rollback()
    assert db.session.scalar(text("SELECT current_user")) == APP_ROLE
    attempts = [
        "UPDATE audit_log SET comment = 'x'",
        "DELETE FROM audit_log",
        "UPDATE access_log SET ip = 'x'",
        "DELETE FROM access_log",
        "DELETE FROM attachment",
        "TRUNCATE audit_log",
        "TRUNCATE decision",
        "ALTER TABLE decision DISABLE TRIGGER decision_issued_frozen",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        "DROP TRIGGER audit_log_no_change ON audit_log",
        "ALTER TABLE decision ADD COLUMN x integer",
    ]
    for sql in attempts:
        with subtests.test(sql=sql):
            db.session.rollback()
            refused = pytest.raises(DatabaseError, match=r"permission denied|must be owner")
            with refused, db.engine.begin() as conn:
                conn.execute(text(sql))
    # what it may do, it does through the triggers' rules: an issued decision stays
    db.session.rollback()
    with pytest.raises(DatabaseError, match="cannot be changed"), db.engine.begin() as conn:
        conn.execute(text("UPDATE decision SET signer_name = 'x' WHERE status = 'issued'"))
    assert set(WITHHELD) >= {"audit_log", "access_log", "attachment"}

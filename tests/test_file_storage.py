"""The storage of issued PDFs, scans and print outputs: folders or the database, chosen by
FILE_STORAGE. Both behave alike (whole files, same keys, nothing left by a rollback); the
database's rows are never changed; `move-files` moves every file both ways, verified."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from tests.conftest import BACKEND, owner_engine
from tests.test_cli import invoke
from tests.web.test_attachments import pdf_bytes, upload
from workflow.documents import service
from workflow.extensions import db
from workflow.models import Attachment, AuditEntry, Decision, StoredFile
from workflow.operations.attachments import key_of
from workflow.operations.sweep import sweep
from workflow.store import files
from workflow.store.uow import unit_of_work

BIG = 2 * files.CHUNK + 12_345


def put(key: str, data: bytes) -> str:
    """Store a file as the application does: in a unit of work."""
    with unit_of_work():
        return files.put(key, data)


def on_disk(app) -> dict[str, bytes]:
    """Every file in the folders, by key."""
    found = {}
    for area in files.AREAS:
        root = Path(app.instance_path) / area
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                found[f"{area}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return found


def in_table() -> dict[str, tuple[str, bytes]]:
    """Every file in the database, by key: (recorded digest, bytes)."""
    db.session.rollback()
    rows = db.session.execute(select(StoredFile.key, StoredFile.sha256, StoredFile.data))
    return {key: (digest, bytes(data)) for key, digest, data in rows}


def test_a_file_is_put_read_streamed_listed_and_deleted_alike_in_both(app, storage):
    data = os.urandom(BIG)
    key = "documents/2026/7-0123456789ab.pdf"
    assert put(key, data) == hashlib.sha256(data).hexdigest()
    assert files.get(key) == data
    assert files.exists(key) and files.stat(key).size == BIG
    chunks = list(files.chunks(key))
    assert len(chunks) == 3 and b"".join(chunks) == data  # by slices, never whole
    with files.open_file(key) as fh:
        assert fh.read() == data
    assert [e.key for e in files.entries()] == [key]
    assert put(key, data) == hashlib.sha256(data).hexdigest()  # the same again: nothing to do
    with pytest.raises(files.StorageError, match="another file"):
        put(key, b"other bytes")  # a stored file never changes
    assert files.get(key) == data
    with unit_of_work():
        files.delete_file(key)
    assert not files.exists(key) and list(files.entries()) == []
    with pytest.raises(files.FileMissing):
        files.get(key)
    with pytest.raises(files.FileMissing):
        list(files.chunks(key))
    for bad in ("documents/../config.py", "/etc/passwd", "other/x", "documents/.hidden", ""):
        with pytest.raises(ValueError, match="invalid file key"):
            files.put(bad, b"x")
    assert (on_disk(app) == {}) and (in_table() == {})


def test_a_rollback_leaves_no_file_in_either(app, storage):
    key = "attachments/ab/" + "ab" * 16
    seen = []

    def failing() -> None:
        with unit_of_work():
            files.put(key, b"%PDF-1.4 scan")
            seen.append(files.exists(key))  # visible inside its transaction
            raise RuntimeError("failed after the file was written")

    with pytest.raises(RuntimeError, match="after the file"):
        failing()
    assert seen == [True] and not files.exists(key)
    assert on_disk(app) == {} and in_table() == {}  # no partial write either


def test_the_database_is_written_only_in_a_unit_of_work(app):
    app.config["FILE_STORAGE"] = "database"
    with pytest.raises(RuntimeError, match="unit of work"):
        files.put("documents/2026/1-0123456789ab.pdf", b"x")


def test_a_stored_file_is_never_changed_whoever_connects(app):
    app.config["FILE_STORAGE"] = "database"
    key = "documents/2026/1-0123456789ab.pdf"
    put(key, b"%PDF original")
    db.session.rollback()
    with pytest.raises(DatabaseError), owner_engine().begin() as conn:
        conn.execute(text("UPDATE stored_file SET data = :d"), {"d": b"%PDF forged"})
    if BACKEND == "postgresql":  # the application's role may not even try
        with pytest.raises(DatabaseError, match="permission denied"), db.engine.begin() as conn:
            conn.execute(text("UPDATE stored_file SET size = 1"))
    assert files.get(key) == b"%PDF original"


def test_health_checks_the_configured_storage(app, world, client):
    app.config["FILE_STORAGE"] = "database"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"] == {
        "database": "ok",
        "storage.database": "ok",
        "queue": "ok",
    }


def test_the_sweep_removes_unnamed_old_files_from_the_database(app, world, login):
    app.config["FILE_STORAGE"] = "database"
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    assert upload(login("sec1"), case_id, pdf_bytes(), "don.pdf").status_code == 302
    named = set(in_table())
    orphan, foreign = "attachments/ab/" + "ab" * 16, "documents/ghi-chu.txt"
    put(orphan, b"x" * 10)
    put(foreign, b"y" * 5)
    young = sweep(timedelta(hours=24), now=time.time())
    assert young.removed == [] and young.young == [orphan]
    report = sweep(timedelta(hours=24), now=time.time() + 25 * 3600)
    assert report.removed == [orphan] and report.removed_bytes == 10
    assert report.foreign == [foreign] and report.kept == len(named)
    assert set(in_table()) == named | {foreign}


def _dossier(world, login) -> tuple[int, int]:
    """An issued decision with its PDF and a scan: (decision id, attachment id)."""
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    assert upload(login("sec1"), case_id, pdf_bytes(), "Đơn.pdf").status_code == 302
    db.session.rollback()
    decision = db.session.scalars(select(Decision).where(Decision.pdf_path.is_not(None))).one()
    attachment = db.session.scalars(select(Attachment)).one()
    return decision.id, attachment.id


def _downloads(login, decision_id: int, attachment_id: int) -> tuple[bytes, bytes]:
    db.session.rollback()
    decision = db.session.get(Decision, decision_id)
    attachment = db.session.get(Attachment, attachment_id)
    client = login("dept")
    pdf = client.get(f"/documents/{decision_id}/download.pdf")
    scan = client.get(f"/cases/{attachment.case_id}/attachments/{attachment_id}")
    assert pdf.status_code == scan.status_code == 200
    assert hashlib.sha256(pdf.data).hexdigest() == decision.pdf_sha256
    assert hashlib.sha256(scan.data).hexdigest() == attachment.sha256
    return pdf.data, scan.data


def test_move_files_to_the_database_and_back_keeps_every_byte(app, world, login):
    decision_id, attachment_id = _dossier(world, login)
    folders = on_disk(app)
    assert len(folders) >= 2
    expected = {key: hashlib.sha256(data).hexdigest() for key, data in folders.items()}
    downloads = _downloads(login, decision_id, attachment_id)

    moved = invoke(app, "move-files", "--to", "database")
    assert moved.exit_code == 0, moved.output
    assert f"{len(folders)} tệp mới chép" in moved.output
    assert 'đặt FILE_STORAGE = "database"' in moved.output
    table = in_table()
    assert {key: digest for key, (digest, _) in table.items()} == expected
    assert {key: hashlib.sha256(data).hexdigest() for key, (_, data) in table.items()} == expected

    # again (interrupted, or after the switch): nothing copied twice
    again = invoke(app, "move-files", "--to", "database")
    assert again.exit_code == 0, again.output
    assert f"0 tệp mới chép (0 byte), {len(folders)} tệp đã có" in again.output
    # the folders are kept while the servers still read them
    refused = invoke(app, "move-files", "--to", "database", "--remove-source")
    assert refused.exit_code != 0 and "FILE_STORAGE đang là" in refused.output
    assert on_disk(app) == folders

    app.config["FILE_STORAGE"] = "database"
    assert _downloads(login, decision_id, attachment_id) == downloads
    cleared = invoke(app, "move-files", "--to", "database", "--remove-source")
    assert cleared.exit_code == 0, cleared.output
    assert f"Đã xóa {len(folders)} tệp ở thư mục" in cleared.output
    assert on_disk(app) == {}
    assert _downloads(login, decision_id, attachment_id) == downloads

    back = invoke(app, "move-files", "--to", "directory")
    assert back.exit_code == 0, back.output
    assert f"{len(folders)} tệp mới chép" in back.output
    assert on_disk(app) == folders
    app.config["FILE_STORAGE"] = "directory"
    emptied = invoke(app, "move-files", "--to", "directory", "--remove-source")
    assert emptied.exit_code == 0, emptied.output
    assert in_table() == {}
    assert _downloads(login, decision_id, attachment_id) == downloads
    moves = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "files.moved")).all()
    assert len(moves) == 4


def test_move_files_refuses_to_overwrite_a_different_file(app, world, login):
    decision_id, attachment_id = _dossier(world, login)
    db.session.rollback()
    key = key_of(db.session.get(Attachment, attachment_id))
    app.config["FILE_STORAGE"] = "database"
    put(key, b"%PDF- not the scan")
    app.config["FILE_STORAGE"] = "directory"
    result = invoke(app, "move-files", "--to", "database")
    assert result.exit_code == 1
    assert f"LỖI: {key}: nơi đích đã có tệp khác cùng tên" in result.output
    assert in_table()[key][1] == b"%PDF- not the scan"  # left as it was
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 2
    assert service.pdf_bytes(db.session.get(Decision, decision_id))  # the folders still serve


def test_a_pdf_whose_recording_fails_leaves_no_file_in_the_database_and_a_swept_one_in_folders(
    app, world, monkeypatch, storage
):
    from workflow.store import audit

    app.config["RENDER_AFTER_ISSUE"] = False
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision_id = db.session.scalars(select(Decision.id).where(Decision.case_id == case_id)).one()

    def broken(**_kwargs):
        raise RuntimeError("the audit row could not be written")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError, match="audit row"):
        service.render_and_store(decision_id)
    monkeypatch.undo()
    db.session.rollback()
    assert db.session.get(Decision, decision_id).pdf_sha256 is None
    assert in_table() == {}
    if storage == "directory":
        # rendered outside the write lock, written before the transaction: left for the sweep
        [left] = on_disk(app)
        report = sweep(timedelta(hours=24), now=time.time() + 25 * 3600)
        assert report.removed == [left]
    assert on_disk(app) == {}
    data = service.pdf_bytes(db.session.get(Decision, decision_id))  # rendered on first use
    db.session.rollback()
    decision = db.session.get(Decision, decision_id)
    assert hashlib.sha256(data).hexdigest() == decision.pdf_sha256
    assert files.get(f"documents/{decision.pdf_path}") == data

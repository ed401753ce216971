"""Backups and restores: an archive taken while cases move restores into an empty database and
empty folders with its audit chain intact and every stored file matching its digest; a damaged
archive, or a target that is not empty, is refused before anything is written."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from tests.conftest import BACKEND, _pg_admin_connect, make_app, owner_url
from tests.web.test_attachments import pdf_bytes, upload
from workflow import backup
from workflow.documents import service
from workflow.extensions import db
from workflow.models import Attachment, AuditEntry, Case, Decision, StoredFile
from workflow.store import files


@pytest.fixture
def empty_target(tmp_path, pg_database):
    """A second application on an empty database and empty file folders."""
    url = None
    if BACKEND == "postgresql":
        name = f"wf_restore_{uuid.uuid4().hex[:8]}"
        with _pg_admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = owner_url(pg_database).rsplit("/", 1)[0] + f"/{name}"
    (tmp_path / "restored").mkdir()
    app = make_app(tmp_path / "restored", url)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if url is not None:
            with _pg_admin_connect() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dossier(world, login) -> None:
    """Issued decisions with their PDFs, and a scan on a dossier."""
    for _ in range(2):
        world.advance(world.new_candidate("C1"), "admission_decided")
    case_id = world.new_candidate("C1")
    assert upload(login("sec1"), case_id, pdf_bytes(), "Đơn.pdf").status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert db.session.scalar(select(func.count()).where(Decision.pdf_path.is_not(None))) >= 2


def _while_cases_move(app, world, action):
    """Run ``action`` while another thread keeps opening and moving cases."""
    stop = threading.Event()
    moved: list[int] = []

    def writer() -> None:
        with app.app_context():
            while not stop.is_set():
                case_id = world.new_candidate("C1B")
                world.advance(case_id, "in_awareness_class")
                moved.append(case_id)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(moved) < 2:  # the writer is under way
            stop.wait(0.05)
        return action()
    finally:
        stop.set()
        thread.join()


def test_a_backup_taken_during_writes_restores_and_verifies(
    app, world, login, tmp_path, empty_target
):
    _dossier(world, login)
    db.session.rollback()
    before = db.session.scalar(select(func.count()).select_from(Case))
    archive = _while_cases_move(app, world, lambda: backup.backup(tmp_path / "backups"))
    assert archive.name.startswith("workflow-backup-") and archive.suffix == ".tar"
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(backup.MANIFEST))
    names = [m["path"] for m in manifest["members"]]
    assert names[0] in ("database.sqlite3", "database.dump")
    assert any(n.startswith("files/documents/") for n in names)
    assert any(n.startswith("files/attachments/") for n in names)
    assert manifest["audit_position"].startswith("#")

    with empty_target.app_context():
        report = backup.restore(archive)
        assert report.problems == []
        assert report.ok and report.files >= 3
        restored_cases = db.session.scalar(select(func.count()).select_from(Case))
        assert restored_cases >= before  # everything written before the backup began
        # every restored case has its trail: nothing half-written came through
        orphans = db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(~select(AuditEntry.seq).where(AuditEntry.subject_id == Case.id).exists())
        )
        assert orphans == 0
        db.session.rollback()


def test_a_damaged_archive_is_refused_before_anything_is_written(
    app, world, login, tmp_path, empty_target
):
    _dossier(world, login)
    archive = backup.backup(tmp_path / "backups")
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of one member
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    with empty_target.app_context():
        with pytest.raises(backup.BackupError, match=r"không khớp mã băm|Không đọc được"):
            backup.restore(damaged)
        assert inspect(db.engine).get_table_names() == []


def test_a_target_that_is_not_empty_is_refused(app, world, tmp_path):
    archive = backup.backup(tmp_path / "backups")
    with pytest.raises(backup.BackupError, match="đã có bảng"):
        backup.restore(archive)


def test_the_commands_back_up_and_restore(app, world, login, tmp_path, empty_target):
    _dossier(world, login)
    result = app.test_cli_runner().invoke(args=["wf", "backup", "--to", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "b").glob("workflow-backup-*.tar")
    assert f"Đã sao lưu: {archive}" in result.output
    with empty_target.app_context():  # the command runs in the context already pushed
        runner = empty_target.test_cli_runner()
        restored = runner.invoke(args=["wf", "restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        assert "chuỗi nhật ký nguyên vẹn" in restored.output
        assert "tệp khớp mã băm" in restored.output
        again = runner.invoke(args=["wf", "restore", str(archive)])
        assert again.exit_code != 0 and "đã có bảng" in again.output


@pytest.mark.parametrize(
    ("source", "target"),
    [("database", "database"), ("database", "directory"), ("directory", "database")],
)
def test_files_kept_in_the_database_are_archived_once_and_restore_into_either_storage(
    app, world, login, tmp_path, empty_target, source, target
):
    app.config["FILE_STORAGE"] = source
    _dossier(world, login)
    db.session.rollback()
    kept = {e.key: files.sha256_of(files.backend(), e.key) for e in files.entries()}
    assert any(k.startswith("documents/") for k in kept)
    assert any(k.startswith("attachments/") for k in kept)
    folder_files = [p for p in Path(app.instance_path).rglob("*") if p.is_file()]
    assert (source == "database") == all(p.suffix == ".sqlite3" for p in folder_files)
    archive = backup.backup(tmp_path / "backups")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(backup.MANIFEST))
        archived = {m["path"]: m["sha256"] for m in manifest["members"]}
        assert {k: archived[f"files/{k}"] for k in kept} == kept
        if BACKEND == "sqlite":  # the files are not in the database's copy as well
            tar.extract("database.sqlite3", tmp_path / "copy", filter="data")
            copy = sqlite3.connect(tmp_path / "copy" / "database.sqlite3")
            try:
                assert copy.execute("SELECT count(*) FROM stored_file").fetchone() == (0,)
            finally:
                copy.close()

    empty_target.config["FILE_STORAGE"] = target
    with empty_target.app_context():
        report = backup.restore(archive)
        assert report.problems == [] and report.ok
        restored = {e.key: files.sha256_of(files.backend(), e.key) for e in files.entries()}
        assert restored == kept
        stored_rows = db.session.scalar(select(func.count()).select_from(StoredFile))
        assert stored_rows == (len(kept) if target == "database" else 0)
        decision = db.session.scalars(select(Decision).where(Decision.pdf_path.is_not(None)))
        for d in decision:
            assert hashlib.sha256(service.pdf_bytes(d)).hexdigest() == d.pdf_sha256
        db.session.rollback()

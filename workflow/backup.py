"""Backups and restores: the database and every stored file in one dated archive.

A backup takes the database first (SQLite's online backup API, or ``pg_dump -Fc``: both a
consistent snapshot that does not stop writers), then the stored files (issued PDFs, batch
outputs, scans) from the configured storage (``workflow.store.files``). Files are written
before or with the rows that name them, so every file a row of the snapshot names is already
there. Files kept in the database are left out of the database's copy and archived as files,
once: the archive is the same whichever storage it came from, and restores into either. The
archive's ``manifest.json`` lists each member with its SHA-256 and size, and the audit chain's
position when the backup began.

A restore checks every member against the manifest before it writes anything, restores into an
empty database and empty storage only, writes the files into the configured storage, then
verifies what it restored: the audit chain (with the manifest's position as an anchor), and
every file a row names, against its digest.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import inspect, select, text

from workflow.documents.service import document_key
from workflow.extensions import db
from workflow.models import Attachment, AuditHead, Decision, StoredFile
from workflow.operations.attachments import key_of
from workflow.store import files
from workflow.store.audit import parse_position, position, verify_chain
from workflow.store.uow import unit_of_work

FORMAT = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20
#: the table of files kept in the database: its rows are archived as files
_FILES_TABLE = StoredFile.__tablename__


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Vietnamese."""


@dataclass
class RestoreReport:
    ok: bool
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def _dialect() -> str:
    return db.engine.dialect.name


def _libpq_url() -> str:
    """The database's address as pg_dump and pg_restore read it (no SQLAlchemy driver)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    return Path(db.engine.url.database or "")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """Reads a stored file's chunks for ``tarfile``, hashing them on the way."""

    def __init__(self, chunks) -> None:
        self.reader = io.BufferedReader(files.ChunkReader(chunks), files.CHUNK)
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.reader.read(n if n >= 0 else 1 << 62) or b""
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_stored_files(tar: tarfile.TarFile, mtime: int) -> list[dict[str, object]]:
    """Archive every stored file (partial writes aside) as ``files/<key>``; their entries."""
    store = files.backend()
    members: list[dict[str, object]] = []
    for entry in list(store.entries()):
        try:
            files.check_key(entry.key)
        except ValueError:
            continue  # not a file of the application's
        if store.stat(entry.key) is None:
            continue  # an unused file swept since it was listed
        source = _Hashing(store.chunks(entry.key))
        info = tarfile.TarInfo(f"files/{entry.key}")
        info.size, info.mtime, info.mode = entry.size, mtime, 0o600
        tar.addfile(info, source)  # type: ignore[arg-type]
        if source.size != entry.size or source.reader.read(1):
            raise BackupError(f"Tệp {entry.key} thay đổi trong khi sao lưu; hãy sao lưu lại.")
        source.reader.close()
        members.append({"path": info.name, "sha256": source.digest.hexdigest(), "size": entry.size})
    return members


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Không tìm thấy chương trình {name} (gói Debian postgresql-client).")
    return found


def _dump_database(work: Path) -> Path:
    if _dialect() == "sqlite":
        target = work / "database.sqlite3"
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # page by page, restarting when a writer changes a page
            if copy.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_FILES_TABLE,)
            ).fetchone():
                # the stored files are archived as files, once
                with copy:
                    copy.execute(f"DELETE FROM {_FILES_TABLE}")  # noqa: S608 (a constant)
                copy.execute("VACUUM")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if check != "ok":
            raise BackupError(f"Bản sao cơ sở dữ liệu không toàn vẹn: {check}")
        return target
    target = work / "database.dump"
    done = subprocess.run(  # noqa: S603 (fixed program, arguments from the configuration)
        [
            _program("pg_dump"),
            "-Fc",
            "--no-owner",
            "--no-privileges",
            f"--exclude-table-data={_FILES_TABLE}",  # the stored files are archived as files
            "-f",
            str(target),
            _libpq_url(),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump không chạy được: {done.stderr.strip()[:500]}")
    return target


def _revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(directory: Path, *, now: datetime | None = None) -> Path:
    """Write ``workflow-backup-YYYYMMDD-HHMMSS.tar`` in ``directory``; return its path."""
    now = now or datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    head = db.session.get(AuditHead, 1)
    db.session.rollback()
    anchor = position(head.seq, head.row_hash) if head is not None and head.seq else ""
    archive = directory / f"workflow-backup-{now:%Y%m%d-%H%M%S}.tar"
    partial = archive.with_suffix(".tar.part")
    members: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(dir=directory) as work, tarfile.open(partial, "w") as tar:
        dump = _dump_database(Path(work))
        members.append({"path": dump.name, "sha256": _sha256(dump), "size": dump.stat().st_size})
        tar.add(dump, arcname=dump.name, recursive=False)
        members += _add_stored_files(tar, int(now.timestamp()))
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "database": _dialect(),
            "revision": _revision(),
            "audit_position": anchor,
            "members": members,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(now.timestamp())
        tar.addfile(info, io.BytesIO(data))
    partial.replace(archive)
    return archive


# --- restore -----------------------------------------------------------------------------------


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu: {exc}") from None


def _checked(tar: tarfile.TarFile) -> dict:
    """The manifest, once every member of the archive matches it (and nothing else is there)."""
    try:
        manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
    except (KeyError, ValueError):
        raise BackupError("Tệp sao lưu không có bản kê (manifest.json) đọc được.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("Tệp sao lưu có định dạng không được hỗ trợ.")
    listed = {m["path"]: m for m in manifest["members"]}
    seen = set()
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        name = PurePosixPath(member.name)
        entry = listed.get(member.name)
        if entry is None or not member.isfile() or name.is_absolute() or ".." in name.parts:
            raise BackupError(f"Tệp sao lưu có mục không nằm trong bản kê: {member.name}")
        digest = hashlib.sha256()
        with tar.extractfile(member) as fh:  # type: ignore[union-attr]
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
            raise BackupError(f"Mục {member.name} không khớp mã băm trong bản kê: tệp đã hỏng.")
        seen.add(member.name)
    missing = sorted(set(listed) - seen)
    if missing:
        raise BackupError(f"Tệp sao lưu thiếu: {', '.join(missing[:5])}")
    return manifest


def _database_is_empty() -> bool:
    return not inspect(db.engine).get_table_names()


def _storage_is_empty() -> bool:
    """The configured storage holds no file (files in the database: the database is empty)."""
    store = files.backend()
    return store.in_database or store.is_empty()


def _restore_database(tar: tarfile.TarFile, manifest: dict, work: Path) -> None:
    name = "database.sqlite3" if manifest["database"] == "sqlite" else "database.dump"
    tar.extract(name, work, filter="data")
    source = work / name
    db.session.remove()
    db.engine.dispose()
    if manifest["database"] == "sqlite":
        target = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(source)
        try:
            with target:
                copy.backup(target)
        finally:
            copy.close()
            target.close()
        return
    done = subprocess.run(  # noqa: S603 (fixed program, arguments from the configuration)
        [
            _program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            _libpq_url(),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore không chạy được: {done.stderr.strip()[:500]}")


def _restore_files(tar: tarfile.TarFile, manifest: dict) -> int:
    """Write the archived files into the configured storage, each checked on the way."""
    store = files.backend()
    if store.in_database and not inspect(db.engine).has_table(_FILES_TABLE):
        raise BackupError(
            'Cơ sở dữ liệu khôi phục chưa có bảng lưu tệp: đặt FILE_STORAGE = "directory" '
            "để khôi phục, rồi chạy flask db upgrade và flask wf move-files --to database."
        )
    count = 0
    for entry in manifest["members"]:
        name = entry["path"]
        if not name.startswith("files/"):
            continue
        try:
            key = files.check_key(name.removeprefix("files/"))
        except ValueError:
            continue  # a file the application did not write (earlier backups archived them)
        with tar.extractfile(name) as src:  # type: ignore[union-attr]
            if store.in_database:
                with unit_of_work():
                    digest = store.put(key, src)  # type: ignore[arg-type]
            else:
                digest = store.put(key, src)  # type: ignore[arg-type]
        if digest != entry["sha256"]:
            raise BackupError(f"Mục {name} không khớp mã băm khi ghi lại.")
        count += 1
    return count


def check_files() -> tuple[int, list[str]]:
    """Every file a row names, present with its recorded digest: (files checked, problems)."""
    problems: list[str] = []
    checked = 0
    rows = db.session.execute(
        select(Decision.id, Decision.pdf_path, Decision.pdf_sha256).where(
            Decision.pdf_path.is_not(None)
        )
    )
    store = files.backend()
    named = [
        (document_key(relative), digest, f"tệp PDF của văn bản mã {decision_id}")
        for decision_id, relative, digest in rows
    ]
    named += [
        (key_of(a), a.sha256, f"bản quét mã {a.id}") for a in db.session.scalars(select(Attachment))
    ]
    for key, digest, what in named:
        checked += 1
        try:
            actual = files.sha256_of(store, key)
        except files.FileMissing:
            problems.append(f"thiếu {what}")
            continue
        if actual != digest:
            problems.append(f"{what} không khớp mã băm")
    return checked, problems


def restore(archive: Path) -> RestoreReport:
    """Restore ``archive`` into this application's (empty) database and file folders, then
    verify the audit chain and the files. Nothing is written unless the archive checks out."""
    with _open(archive) as tar:
        manifest = _checked(tar)
        configured = _dialect()
        if manifest["database"] != configured:
            kind = manifest["database"]
            raise BackupError(f"Bản sao lưu là của {kind}, cơ sở dữ liệu cấu hình là {configured}.")
        if not _database_is_empty():
            raise BackupError(
                "Cơ sở dữ liệu đích đã có bảng: chỉ khôi phục vào cơ sở dữ liệu trống."
            )
        if not _storage_is_empty():
            raise BackupError("Thư mục lưu tệp đích đã có tệp: chỉ khôi phục vào thư mục trống.")
        with tempfile.TemporaryDirectory() as work:
            _restore_database(tar, manifest, Path(work))
        _restore_files(tar, manifest)
    anchors = [p for p in [parse_position(manifest.get("audit_position") or "")] if p]
    chain = verify_chain(anchors=anchors)
    checked, problems = check_files()
    if not chain.ok:
        problems.insert(0, f"chuỗi nhật ký hỏng tại dòng {chain.first_bad_seq}: {chain.reason}")
    db.session.rollback()
    return RestoreReport(not problems, rows=chain.rows, files=checked, problems=problems)

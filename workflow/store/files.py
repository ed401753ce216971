"""Stored files: issued PDFs, scans and print-job outputs, under keys every server can read.

A file is named by a key, "<area>/<path>": ``documents/2026/12-0a1b2c3d4e5f.pdf``,
``documents/batches/….zip``, ``attachments/ab/ab…``. The rows that name files keep the part
after the area, as they always have, so they stay the same whichever backend holds the bytes.
``FILE_STORAGE`` chooses the backend:

- ``"directory"`` (default): one folder per area (``instance/documents``; ``ATTACHMENTS_DIR``
  or ``instance/attachments``). A file is written to a temporary name, flushed to disk and
  renamed: it is whole or absent. Written inside a unit of work, it is deleted again if the
  transaction fails; written before one (an issued PDF, rendered outside the write lock), a
  failure leaves it unnamed until ``sweep-files`` removes it. Several servers need one shared
  folder for it.
- ``"database"``: a ``stored_file`` row (bytea on PostgreSQL, BLOB on SQLite), written in the
  transaction of the row that names it: a rollback leaves nothing, and ``pg_dump`` holds
  everything. Downloads read it by slices.

``flask wf move-files --to database|directory`` copies every file to the other backend.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import LargeBinary, delete, func, insert, select, text

from workflow.extensions import db
from workflow.models import StoredFile
from workflow.models.base import utcnow
from workflow.store.uow import current_uow, in_unit_of_work

log = logging.getLogger("workflow.files")

BACKENDS = ("directory", "database")
AREAS = ("documents", "attachments")
#: bytes read at a time when a file is streamed or hashed
CHUNK = 1 << 20
#: what an interrupted write leaves in a folder: ``<name>.<random>.part`` (and, from earlier
#: versions, ``<name>.part`` and ``….tmp``)
PARTIAL_SUFFIXES = (".part", ".tmp")
_KEY = re.compile(r"^(documents|attachments)(/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$")


class FileMissing(FileNotFoundError):
    """No file is stored under the key."""


class StorageError(Exception):
    """A file cannot be stored as asked (a different file under the same key)."""


def check_key(key: str) -> str:
    if len(key) > 300 or not _KEY.match(key) or "/../" in f"{key}/":
        raise ValueError(f"invalid file key: {key!r}")
    return key


def make_key(area: str, relative: str) -> str:
    return check_key(f"{area}/{relative}")


def is_partial(key: str) -> bool:
    return key.endswith(PARTIAL_SUFFIXES)


@dataclass(frozen=True)
class Entry:
    key: str
    size: int
    #: when it was written, in Unix seconds
    modified: float


class Backend(Protocol):
    name: str
    #: files are rows written in the caller's transaction (else files written at once)
    in_database: bool

    def put(self, key: str, data: bytes | BinaryIO) -> str: ...
    def get(self, key: str) -> bytes: ...
    def stat(self, key: str) -> Entry | None: ...
    def chunks(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def entries(self, *, partial: bool = False) -> Iterator[Entry]: ...
    def is_empty(self) -> bool: ...
    def health(self) -> dict[str, str]: ...


def _data_chunks(data: bytes | BinaryIO) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    while chunk := data.read(CHUNK):
        yield chunk


# --- folders ---------------------------------------------------------------------------------


def folder(area: str) -> Path:
    """The folder of ``area`` in the directory backend."""
    if area not in AREAS:
        raise ValueError(f"unknown storage area: {area!r}")
    if area == "attachments" and current_app.config.get("ATTACHMENTS_DIR"):
        return Path(current_app.config["ATTACHMENTS_DIR"])
    return Path(current_app.instance_path) / area


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class DirectoryFiles:
    name = "directory"
    in_database = False

    def __init__(self) -> None:
        self.roots = {area: folder(area) for area in AREAS}

    def path(self, key: str) -> Path:
        area, _, relative = check_key(key).partition("/")
        return self.roots[area].joinpath(*relative.split("/"))

    def put(self, key: str, data: bytes | BinaryIO) -> str:
        """Write whole or not at all; inside a unit of work, deleted again on rollback. The
        same bytes under the same key again are a no-op; other bytes are refused."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
        digest = hashlib.sha256()
        try:
            with open(partial, "xb") as out:
                for chunk in _data_chunks(data):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if target.exists():
                partial.unlink()
                if _file_sha256(target) != digest.hexdigest():
                    raise StorageError(f"another file is already stored as {key}")
                return digest.hexdigest()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        if in_unit_of_work():
            # if the transaction then fails, the file goes too
            current_uow().on_rollback(lambda: target.unlink(missing_ok=True))
        return digest.hexdigest()

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    def stat(self, key: str) -> Entry | None:
        path = self.path(key)
        if not path.is_file():
            return None
        info = path.stat()
        return Entry(key, info.st_size, info.st_mtime)

    def chunks(self, key: str) -> Iterator[bytes]:
        path = self.path(key)

        def read() -> Iterator[bytes]:
            # opened at the first chunk and closed at the last (or when the reader stops)
            try:
                fh = path.open("rb")
            except FileNotFoundError:
                raise FileMissing(key) from None
            with fh:
                while chunk := fh.read(CHUNK):
                    yield chunk

        return read()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def entries(self, *, partial: bool = False) -> Iterator[Entry]:
        """Every file in the areas' folders, by key (names that are not keys included: a
        foreign file is for the caller to recognize); links are not followed."""
        for area, root in self.roots.items():
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if not path.is_file() or path.is_symlink():
                    continue
                name = f"{area}/{path.relative_to(root).as_posix()}"
                if not partial and is_partial(name):
                    continue
                info = path.stat()
                yield Entry(name, info.st_size, info.st_mtime)

    def is_empty(self) -> bool:
        return all(not root.is_dir() or not any(root.iterdir()) for root in self.roots.values())

    def health(self) -> dict[str, str]:
        return {f"storage.{area}": _writable(root) for area, root in self.roots.items()}


def _writable(root: Path) -> str:
    probe = root / f".health-{secrets.token_hex(6)}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
        return "ok"
    except OSError as exc:
        log.warning("health: storage check failed for %s: %s", root, type(exc).__name__)
        return "fail"


# --- the database ----------------------------------------------------------------------------

_TABLE = StoredFile.__table__


class DatabaseFiles:
    name = "database"
    in_database = True

    def put(self, key: str, data: bytes | BinaryIO) -> str:
        """Insert the file in the current unit of work: committed with the row that names it,
        gone with it on rollback. The same bytes under the same key again are a no-op."""
        check_key(key)
        if not in_unit_of_work():
            raise RuntimeError("a file is stored in the database inside a unit of work")
        payload = b"".join(_data_chunks(data))
        digest = hashlib.sha256(payload).hexdigest()
        stored = db.session.execute(
            select(_TABLE.c.sha256).where(_TABLE.c.key == key)
        ).scalar_one_or_none()
        if stored == digest:
            return digest
        if stored is not None:
            raise StorageError(f"another file is already stored as {key}")
        db.session.execute(
            insert(_TABLE).values(
                key=key, size=len(payload), sha256=digest, data=payload, created_at=utcnow()
            )
        )
        return digest

    def get(self, key: str) -> bytes:
        data = db.session.execute(
            select(_TABLE.c.data).where(_TABLE.c.key == check_key(key))
        ).scalar_one_or_none()
        if data is None:
            raise FileMissing(key)
        return bytes(data)

    def stat(self, key: str) -> Entry | None:
        row = db.session.execute(
            select(_TABLE.c.size, _TABLE.c.created_at).where(_TABLE.c.key == check_key(key))
        ).one_or_none()
        return None if row is None else Entry(key, row.size, _seconds(row.created_at))

    def chunks(self, key: str) -> Iterator[bytes]:
        """The file by slices, each read on its own (a response streams after the request's
        session is gone): a large file is never held whole in memory."""
        entry = self.stat(key)
        if entry is None:
            raise FileMissing(key)
        engine = db.engine
        if engine.dialect.name == "sqlite":
            return _sqlite_chunks(engine, key)
        return _sliced_chunks(engine, key, entry.size)

    def delete(self, key: str) -> None:
        db.session.execute(delete(_TABLE).where(_TABLE.c.key == check_key(key)))

    def entries(self, *, partial: bool = False) -> Iterator[Entry]:
        rows = db.session.execute(
            select(_TABLE.c.key, _TABLE.c.size, _TABLE.c.created_at).order_by(_TABLE.c.key)
        ).all()
        for row in rows:
            yield Entry(row.key, row.size, _seconds(row.created_at))

    def is_empty(self) -> bool:
        return db.session.execute(select(_TABLE.c.key).limit(1)).first() is None

    def health(self) -> dict[str, str]:
        try:
            with db.engine.connect() as conn:
                conn.execute(select(_TABLE.c.key).limit(1)).all()
                if conn.dialect.name == "postgresql":
                    allowed = conn.execute(
                        text("SELECT has_table_privilege('stored_file', 'INSERT')")
                    ).scalar()
                    if not allowed:
                        raise PermissionError("no INSERT on stored_file")
            return {"storage.database": "ok"}
        except Exception as exc:
            log.warning("health: storage check failed for the database: %s", type(exc).__name__)
            return {"storage.database": "fail"}


def _seconds(when: datetime) -> float:
    return when.replace(tzinfo=UTC).timestamp()


def _sliced_chunks(engine, key: str, size: int) -> Iterator[bytes]:
    # PostgreSQL keeps the value uncompressed out of line (STORAGE EXTERNAL): substr reads
    # only the slice's pages
    for offset in range(0, size, CHUNK):
        with engine.connect() as conn:
            piece = conn.execute(
                select(func.substr(_TABLE.c.data, offset + 1, CHUNK, type_=LargeBinary)).where(
                    _TABLE.c.key == key
                )
            ).scalar_one_or_none()
        if piece is None:
            raise FileMissing(key)
        yield bytes(piece)


def _sqlite_chunks(engine, key: str) -> Iterator[bytes]:
    # SQLite's incremental blob reads (substr would read the whole value for every slice)
    with engine.connect() as conn:
        rowid = conn.execute(
            text("SELECT rowid FROM stored_file WHERE key = :key"), {"key": key}
        ).scalar()
        if rowid is None:
            raise FileMissing(key)
        raw = conn.connection.dbapi_connection
        with raw.blobopen("stored_file", "data", rowid, readonly=True) as blob:  # type: ignore[union-attr]
            while chunk := blob.read(CHUNK):
                yield chunk


# --- the configured backend ------------------------------------------------------------------


def backend(name: str | None = None) -> Backend:
    """The backend ``name``, or the one ``FILE_STORAGE`` configures."""
    name = name or current_app.config["FILE_STORAGE"]
    if name == "directory":
        return DirectoryFiles()
    if name == "database":
        return DatabaseFiles()
    raise ValueError(f"FILE_STORAGE must be one of {BACKENDS}, not {name!r}")


def in_database() -> bool:
    """Whether the configured storage writes files in the caller's transaction."""
    return backend().in_database


def put(key: str, data: bytes | BinaryIO) -> str:
    """Store ``data`` under ``key``; its SHA-256."""
    return backend().put(key, data)


def get(key: str) -> bytes:
    return backend().get(key)


def stat(key: str) -> Entry | None:
    return backend().stat(key)


def exists(key: str) -> bool:
    return backend().stat(key) is not None


def chunks(key: str) -> Iterator[bytes]:
    return backend().chunks(key)


def open_file(key: str) -> BinaryIO:
    """A file object reading the stored file lazily, by chunks."""
    return io.BufferedReader(ChunkReader(backend().chunks(key)), CHUNK)  # type: ignore[return-value]


def delete_file(key: str) -> None:
    backend().delete(key)


def entries(*, partial: bool = False) -> Iterator[Entry]:
    return backend().entries(partial=partial)


def sha256_of(store: Backend, key: str) -> str:
    """The digest of the bytes actually stored (not of what was recorded)."""
    digest = hashlib.sha256()
    for chunk in store.chunks(key):
        digest.update(chunk)
    return digest.hexdigest()


def health() -> dict[str, str]:
    return backend().health()


class ChunkReader(io.RawIOBase):
    """A raw file object over an iterator of chunks (wrap it in ``io.BufferedReader``)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()

"""Stored files kept in the database (``FILE_STORAGE = "database"``): issued PDFs, scans and
print-job outputs, each written in the transaction of the row that names it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, BigInteger, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow
from workflow.models.frozen import FrozenRows


class StoredFile(Base):
    """One stored file under its key ("documents/2026/12-0a1b2c3d4e5f.pdf",
    "attachments/ab/ab…"): the same key the folders' layout uses, so rows naming a file do
    not change when the files move between the folders and the database."""

    __tablename__ = "stored_file"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    #: of ``data``, computed when it was written
    sha256: Mapped[str] = mapped_column(String(64))
    #: bytea on PostgreSQL (stored uncompressed and out of line: read by slices), BLOB on
    #: SQLite; never loaded with the row unless asked for
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: a stored file never changes; an unused one may be deleted (the daily sweep, moving the
#: files back to folders). A replaced file would not match the digest its row recorded.
STORED_FILES = FrozenRows(
    name="stored_file",
    table="stored_file",
    frozen=("key", "size", "sha256", "data", "created_at"),
    message="a stored file cannot be changed",
    deletable=True,
)
STORED_FILES.install(StoredFile.__table__)
#: PDFs, JPEGs and zips do not compress further; uncompressed, out-of-line values let
#: ``substr`` read a slice without reading the whole value
STORAGE_EXTERNAL = "ALTER TABLE stored_file ALTER COLUMN data SET STORAGE EXTERNAL"
event.listen(
    StoredFile.__table__, "after_create", DDL(STORAGE_EXTERNAL).execute_if(dialect="postgresql")
)

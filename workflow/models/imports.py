"""A spreadsheet of people uploaded for import: kept between the check and the commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow

MODES = {"all": "Nhập toàn bộ tệp", "clean": "Chỉ nhập các dòng hợp lệ"}
#: where an import stands: uploaded (checked, waiting for the user), queued and running (a
#: queue worker imports it), done, failed (the reason kept; the user may try again)
STATUSES = {
    "uploaded": "Đã tải lên, chưa nhập",
    "queued": "Đang chờ nhập",
    "running": "Đang nhập",
    "done": "Đã nhập",
    "failed": "Nhập không thành công",
}


class ImportBatch(Base):
    """One uploaded file. The check runs on upload and again, on the same bytes, inside the
    transaction that imports it; once imported the file's bytes are dropped (the audit trail
    keeps what was written)."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    #: the file; None once imported or discarded
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: rows read and problems found by the last check
    rows: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    #: all | clean (see MODES), set when imported
    mode: Mapped[str | None] = mapped_column(String(10))
    committed_at: Mapped[datetime | None] = mapped_column()
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    #: see STATUSES; the import itself runs in a queue worker
    status: Mapped[str] = mapped_column(String(10), default="uploaded", server_default="uploaded")
    queued_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    #: how many times a worker took it
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: why the last attempt imported nothing (shown to the user)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        #: the periodic check's walk over imports a worker should be running
        Index("ix_import_batch_waiting", "status", "queued_at"),
    )

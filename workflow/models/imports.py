"""A spreadsheet of people uploaded for import: kept between the check and the commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow

MODES = {"all": "Nhập toàn bộ tệp", "clean": "Chỉ nhập các dòng hợp lệ"}


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

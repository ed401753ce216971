"""Scans attached to a dossier, and the log of who read sensitive parts of a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.cases import Case
from workflow.models.frozen import FrozenRows


class Attachment(Base):
    """A scanned paper of the dossier. The file lives outside the web root under a random
    name; the name the user gave is kept only for display."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), index=True)
    #: the dossier paper it shows: a key of the procedure's forms, or "other"
    purpose: Mapped[str] = mapped_column(String(40))
    #: the file name as uploaded, cleaned; never used as a path
    original_name: Mapped[str] = mapped_column(String(200))
    #: random hexadecimal name of the stored file
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: decided from the content, never from what the browser said
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: withdrawn attachments stay stored (and audited) but leave the checklist
    removed_at: Mapped[datetime | None] = mapped_column()
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    case: Mapped[Case] = relationship()


class AccessLogEntry(Base):
    """One read of a sensitive part of a case: verification results or a dossier scan."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    #: case | person
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    #: verification | attachment
    part: Mapped[str] = mapped_column(String(30))
    #: the attachment read, when the part is one
    detail_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str] = mapped_column(String(45), default="")


#: a scan's record is kept as it was uploaded; withdrawing it fills in who and when, once
ATTACHMENT_RECORDS = FrozenRows(
    name="attachment",
    table="attachment",
    frozen=(
        "id", "case_id", "purpose", "original_name", "stored_name", "content_type", "size",
        "sha256", "uploaded_by", "uploaded_at",
    ),
    once=("removed_at", "removed_by"),
    open_once="OLD.removed_at IS NULL",
    message="attachment records are append-only",
)  # fmt: skip
ATTACHMENT_RECORDS.install(Attachment.__table__)
#: who read which sensitive part of a case: written once, never changed or deleted
ACCESS_LOG = FrozenRows(
    name="access_log",
    table="access_log",
    frozen=("id", "at", "user_id", "subject_type", "subject_id", "part", "detail_id", "ip"),
    message="access_log is append-only",
)
ACCESS_LOG.install(AccessLogEntry.__table__)

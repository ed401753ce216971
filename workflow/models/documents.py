"""Decisions and the numbered registers they are entered in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow
from workflow.models.frozen import FrozenRows


class RegisterCounter(Base):
    """The last number used in one register (issuer × document type × committee term).

    Incremented in the transaction that issues the document, so numbers are gapless: a rolled
    back issuance gives its number back.
    """

    __tablename__ = "register_counter"
    __table_args__ = (Unique("issuer", "doc_type", "term_start", name="register"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "upper" or "org:<id>"
    issuer: Mapped[str] = mapped_column(String(40))
    doc_type: Mapped[str] = mapped_column(String(10))
    term_start: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(Integer, default=0)
    #: the date of the last number taken: a later number may not carry an earlier date
    last_on: Mapped[date | None] = mapped_column(Date)


class Decision(Base):
    """A document: drafted by the department, issued (numbered, frozen) when signed.

    Once issued its content never changes: the database refuses it. A correction is a new
    decision that names the one it annuls or replaces.
    """

    __tablename__ = "decision"
    __table_args__ = (
        Unique("issuer", "doc_type", "term_start", "number", name="number"),
        #: the documents page's order, latest decision first
        Index("ix_decision_list", "decided_on", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_case.id"), index=True)
    #: admission | recognition | removal_probationary | removal | transfer_letter
    kind: Mapped[str] = mapped_column(String(30))
    #: draft | issued
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    issuer: Mapped[str] = mapped_column(String(40))
    issuer_abbr: Mapped[str] = mapped_column(String(20))
    doc_type: Mapped[str] = mapped_column(String(10))
    #: the subject line (trích yếu), the only content the public verification page shows
    subject: Mapped[str] = mapped_column(String(300), default="")
    term_start: Mapped[date | None] = mapped_column(Date)
    number: Mapped[int | None] = mapped_column(Integer)
    decided_on: Mapped[date | None] = mapped_column(Date, index=True)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    signer_title: Mapped[str] = mapped_column(String(60), default="")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    rule_set: Mapped[str] = mapped_column(String(20), default="")
    #: template file and the SHA-256 prefix of its source at issue time
    template: Mapped[str] = mapped_column(String(60), default="")
    template_version: Mapped[str] = mapped_column(String(16), default="")
    #: canonical JSON of the plain data the template received
    snapshot: Mapped[str] = mapped_column(Text, default="{}")
    #: the HTML rendered at issue time; the PDF is made from exactly this
    html: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    rendered_at: Mapped[datetime | None] = mapped_column()
    #: random, unguessable: the QR code's verification address
    verify_token: Mapped[str] = mapped_column(String(40), unique=True)
    #: the decision this one annuls or replaces
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    #: annul | replace
    correction_kind: Mapped[str | None] = mapped_column(String(10))
    drafted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def symbol(self) -> str:
        return f"{self.doc_type}/{self.issuer_abbr}"

    @property
    def reference(self) -> str:
        """As printed: "Số 15-QĐ/ĐUK" (no colon); drafts have dots for the number."""
        number = self.number if self.number is not None else "\u00a0" * 6
        return f"Số {number}-{self.symbol}"

    @property
    def cited(self) -> str:
        """As cited in running text: "số 15-QĐ/ĐUK" (after "Quyết định", "Giấy giới thiệu")."""
        return f"số {self.number}-{self.symbol}"

    @property
    def is_issued(self) -> bool:
        return self.status == "issued"


#: what signing fixes for good: every column of an issued decision but the rendered file's
DECISION_FROZEN = (
    "id", "case_id", "kind", "status", "issuer", "issuer_abbr", "doc_type", "subject",
    "term_start", "number", "decided_on", "signer_id", "signer_name", "signer_title",
    "proposer_id", "rule_set", "template", "template_version", "snapshot", "html",
    "verify_token", "corrects_id", "correction_kind", "drafted_by", "created_at",
)  # fmt: skip
#: what rendering the issued decision records, once: until its file's digest is recorded
DECISION_RENDERED = ("pdf_sha256", "pdf_path", "pdf_size", "signed", "rendered_at")
#: issued decisions are frozen in the database and never deleted (the migration installs the
#: same triggers)
ISSUED_DECISIONS = FrozenRows(
    name="decision_issued",
    table="decision",
    closed="OLD.status = 'issued'",
    frozen=DECISION_FROZEN,
    once=DECISION_RENDERED,
    open_once="OLD.pdf_sha256 IS NULL",
    message="an issued decision cannot be changed",
    deleted_message="an issued decision cannot be deleted",
)
ISSUED_DECISIONS.install(Decision.__table__)


class PrintJob(Base):
    """Printing one meeting's decisions as a combined PDF and a zip, with its progress.

    One at a time per meeting: while a job is pending or running, a second request is shown
    that one (the partial unique index holds it under concurrency). The worker that runs it
    holds a lease (a random token) and renews ``heartbeat_at`` while it works; a job whose
    heartbeat stopped (its worker died) is taken over by another worker and resumed.
    """

    __tablename__ = "print_job"
    __table_args__ = (
        Index(
            "uq_print_job_meeting_active",
            "issuer",
            "meeting_on",
            unique=True,
            sqlite_where=text("status IN ('pending', 'running')"),
            postgresql_where=text("status IN ('pending', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    issuer: Mapped[str] = mapped_column(String(40))
    meeting_on: Mapped[date] = mapped_column(Date)
    #: pending | running | done | failed
    status: Mapped[str] = mapped_column(String(10), default="pending")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    zip_path: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    #: the token of the worker running it (None until one takes it)
    lease: Mapped[str | None] = mapped_column(String(40))
    #: renewed by that worker every few seconds while it runs
    heartbeat_at: Mapped[datetime | None] = mapped_column()
    #: how many times a worker took it (a take-over after a worker died counts)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: what it prints (``workflow.documents.batch.RUNNERS``): a meeting's decisions, or what
    #: another module registered (a class's certificates, the record named by ``subject_id``)
    kind: Mapped[str] = mapped_column(String(20), default="meeting", server_default="meeting")
    subject_id: Mapped[int | None] = mapped_column(Integer)

"""Yearly targets, the figures of a period report as they stood when someone locked them, and
the reports numbered to be sent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.frozen import FrozenRows
from workflow.models.orgs import Organization

#: ``Target.scope`` of a target set for the whole committee
WHOLE_COMMITTEE = "*"


class Target(Base):
    """A yearly target of one organization (or of the whole committee): a number, or a
    percentage of the members on its lists at the start of the year."""

    __tablename__ = "report_target"
    __table_args__ = (UniqueConstraint("year", "kind", "scope", name="one_per_scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    #: admissions | awareness_trainees (states.indicators.TARGET_KINDS)
    kind: Mapped[str] = mapped_column(String(30))
    #: the organization's id as text, or WHOLE_COMMITTEE (one row per scope, enforced)
    scope: Mapped[str] = mapped_column(String(12))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    value: Mapped[int | None] = mapped_column(Integer)
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    org: Mapped[Organization | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ReportSnapshot(Base):
    """The figures of a period report locked on a day, with the last audit row they saw; a
    later run of the same report says what was entered since."""

    __tablename__ = "report_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    #: None: the whole committee
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    as_of_seq: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org: Mapped[Organization | None] = relationship()


class IssuedReport(Base):
    """A period report numbered in the committee's register of reports ("Số 12-BC/ĐUK") to be
    sent: its locked figures (the snapshot: period, organization, audit position), who numbered
    it and who signs it, the page exactly as printed, and the PDF made from that page once.

    Nothing of it changes after it is written, except the PDF filled in once (enforced below)."""

    __tablename__ = "issued_report"
    __table_args__ = (
        UniqueConstraint("issuer", "doc_type", "term_start", "number", name="issued_report_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("report_snapshot.id"), index=True)
    #: the register: issuer ("upper"), document type ("BC") and committee term
    issuer: Mapped[str] = mapped_column(String(40))
    issuer_abbr: Mapped[str] = mapped_column(String(20))
    doc_type: Mapped[str] = mapped_column(String(10))
    term_start: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_title: Mapped[str] = mapped_column(String(60))
    #: the page rendered when it was numbered; the PDF is made from exactly this
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    snapshot: Mapped[ReportSnapshot] = relationship()

    @property
    def reference(self) -> str:
        """As printed: "Số 12-BC/ĐUK" (no colon after "Số")."""
        return f"Số {self.number}-{self.doc_type}/{self.issuer_abbr}"


#: what may be filled in once on an issued report (the PDF made after the numbering commits)
_FILLED_ONCE = ("pdf", "pdf_sha256")


@event.listens_for(IssuedReport, "before_update")
def _issued_report_frozen(_mapper, _connection, target: IssuedReport) -> None:
    state = inspect(target)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key not in _FILLED_ONCE or any(v is not None for v in history.deleted):
            raise ValueError("an issued report cannot be changed")


@event.listens_for(IssuedReport, "before_delete")
def _issued_report_kept(_mapper, _connection, _target: IssuedReport) -> None:
    raise ValueError("an issued report cannot be deleted")


#: the same rule in the database, whoever connects (the migration installs the same triggers)
ISSUED_REPORTS = FrozenRows(
    name="issued_report",
    table="issued_report",
    frozen=(
        "id", "snapshot_id", "issuer", "issuer_abbr", "doc_type", "term_start", "number",
        "issued_on", "issued_by", "signer_id", "signer_name", "signer_title", "html",
        "created_at",
    ),
    once=_FILLED_ONCE,
    open_once="OLD.pdf_sha256 IS NULL",
    message="an issued report cannot be changed",
    deleted_message="an issued report cannot be deleted",
)  # fmt: skip
ISSUED_REPORTS.install(IssuedReport.__table__)


class ReportFact(Base):
    """What one audit row counts in the period reports, given the person's history before it
    (``workflow.reports.facts``): a change of the member's place on the lists (``place``: −1
    where they were, +1 where they are, by status or ``in_transit``), a flow (``flow``), a
    direct move between cells (``move``, ``org_id`` → ``to_org_id``) or a counted step
    (``event``, the figure's key). Derived from the trail, never entered: each person's rows
    are derived again in the transaction that appends to their history, and a command
    rebuilds and checks them all."""

    __tablename__ = "report_fact"
    __table_args__ = (
        #: the members on the lists at a date (the place changes up to it, summed per cell)
        #: and the period's flows and steps: read from the index alone
        Index("ix_report_fact_kind_date", "kind", "event_date", "org_id", "key", "n"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    #: the audit row it was derived from
    seq: Mapped[int] = mapped_column(Integer)
    #: the row's event date (an undated row, a record's creation: 0001-01-01, before any
    #: period)
    event_date: Mapped[date] = mapped_column(Date)
    entered_at: Mapped[datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(8))
    org_id: Mapped[int] = mapped_column(Integer)
    #: the status (place), the flow's or the figure's key
    key: Mapped[str] = mapped_column(String(40))
    #: the member's status a flow or a move counts under
    status: Mapped[str | None] = mapped_column(String(20))
    to_org_id: Mapped[int | None] = mapped_column(Integer)
    #: the record a counted step came from, for figures that count records (classes)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer, default=1)


class ReportFactState(Base):
    """One row: the fingerprint of the rules the stored facts were derived under (the
    figures' definitions; facts derived under other rules are not read) and when they were
    last derived from the whole trail. The last row they include is the audit head's
    ``derived_seq``; no row: an empty trail's facts, under the current rules."""

    __tablename__ = "report_fact_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime | None] = mapped_column()

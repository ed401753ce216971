"""A case is one instance of a procedure for one person, and the records it accumulates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization
from workflow.models.people import Person

if TYPE_CHECKING:
    from workflow.models.transfers import Transfer


class Case(Base):
    __tablename__ = "membership_case"
    __table_args__ = (
        #: the case list's order (latest event first), read backwards from the index, not
        #: sorted; the open cases (a tenth of them) from an index of their own
        Index("ix_case_last_event", "last_event_on", "id"),
        Index(
            "ix_case_open_last_event",
            "last_event_on",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        #: the open cases at a step ("Việc của tôi", the dashboard's counts by step)
        Index(
            "ix_case_open_state",
            "procedure",
            "state",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        #: the open cases of a procedure in a cell: the filtered list's count, one short range
        #: per cell of the organization chosen
        Index(
            "ix_case_open_cell_procedure",
            "cell_id",
            "procedure",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure: Mapped[str] = mapped_column(String(40), index=True)
    #: written only by the engine (see ``workflow.engine``); read through ``state``
    _state: Mapped[str] = mapped_column("state", String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: the cell that holds the case (follows the person)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the date the case began on paper (e.g. the cell meeting that put the person on the list)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column()
    #: the date of the latest event recorded (events must not go back in time)
    last_event_on: Mapped[date | None] = mapped_column(Date)
    #: the state a paused case returns to
    paused_from: Mapped[str | None] = mapped_column(String(40))
    #: two_members | youth_union | trade_union
    sponsor_route: Mapped[str | None] = mapped_column(String(20))
    #: user who appraised the case and proposed the decision
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: the date the cell received the decision (starts the ceremony clock)
    decision_received_on: Mapped[date | None] = mapped_column(Date)
    late_ceremony_approval: Mapped[str | None] = mapped_column(String(60))
    #: probation: the day the 12 months end (the official date if recognized)
    probation_end: Mapped[date | None] = mapped_column(Date)
    #: a probation begun on 29 February ends on a clamped day someone must confirm
    probation_end_confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    #: probation: recognition | removal, as proposed by the cell (or the department)
    proposal: Mapped[str | None] = mapped_column(String(20))
    proposal_reason: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    cell: Mapped[Organization] = relationship()
    sponsors: Mapped[list[Sponsor]] = relationship(order_by="Sponsor.id")
    verification_requests: Mapped[list[VerificationRequest]] = relationship(
        order_by="VerificationRequest.id"
    )
    votes: Mapped[list[Vote]] = relationship(order_by="Vote.id")
    documents: Mapped[list[DossierItem]] = relationship(order_by="DossierItem.id")
    deadlines: Mapped[list[Deadline]] = relationship(order_by="Deadline.id")
    #: transfer cases only
    transfer: Mapped[Transfer | None] = relationship(uselist=False, viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def state(self) -> str:
        return self._state

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Sponsor(Base):
    """An official member who introduces the applicant (3-KNĐ / 3A-KNĐ)."""

    __tablename__ = "sponsor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: since when the sponsor worked, studied or lived with the applicant
    together_since: Mapped[date] = mapped_column(Date)
    #: appointed by the cell to replace a sponsor who left (12-month rule waived)
    replacement: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the day the introduction (3-KNĐ) was received: the months together count up to it
    introduced_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()


class VerificationRequest(Base):
    """A request to verify the biography (20-KNĐ); its result is sensitive personal data."""

    __tablename__ = "verification_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), index=True)
    subject: Mapped[str] = mapped_column(String(100))
    addressee: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    #: clear | concern
    result: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")


class Vote(Base):
    """A meeting's vote: the eligible total, exclusions with reasons, and the ballots."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), index=True)
    #: cell | subcommittee | grassroots | standing
    body: Mapped[str] = mapped_column(String(20))
    meeting_on: Mapped[date] = mapped_column(Date)
    resolution_number: Mapped[str | None] = mapped_column(String(40))
    official_total: Mapped[int] = mapped_column(Integer)
    #: members present at the meeting (recorded for the standing committee's votes)
    present: Mapped[int | None] = mapped_column(Integer)
    #: [{"name": …, "reason": …}]
    excluded: Mapped[list] = mapped_column(JSON, default=list)
    denominator: Mapped[int] = mapped_column(Integer)
    yes: Mapped[int] = mapped_column(Integer)
    no: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[bool] = mapped_column(Boolean)

    @property
    def body_label(self) -> str:
        return VOTE_BODIES.get(self.body, self.body)


#: the bodies whose votes a case records, as the pages name them
VOTE_BODIES = {
    "cell": "Chi bộ",
    "subcommittee": "Đảng ủy bộ phận",
    "grassroots": "Đảng ủy cơ sở",
    "standing": "Ban Thường vụ",
    "inspection": "Ủy ban Kiểm tra",
}


class DossierItem(Base):
    """One paper of the dossier, identified by the purpose and the form code printed on it."""

    __tablename__ = "dossier_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    form_code: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Deadline(Base):
    """A running clock of a case, counted in working days."""

    __tablename__ = "deadline"
    #: the open clocks by due date (the deadlines page, "Việc của tôi"): a partial index
    __table_args__ = (
        Index(
            "ix_deadline_open_due",
            "due_on",
            "id",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index(
            "ix_deadline_open_case",
            "case_id",
            "due_on",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: working_days | months
    unit: Mapped[str] = mapped_column(String(15), default="working_days")
    starts_on: Mapped[date] = mapped_column(Date)
    #: the length, in the unit
    base_days: Mapped[int] = mapped_column(Integer)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    #: open | held (stopped while the case waits on an outside body) | met | cancelled
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    #: the day a held clock stopped
    held_on: Mapped[date | None] = mapped_column(Date)
    #: the days, in its unit, it stood stopped (added to its due date)
    held_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: when a scan first found it overdue
    overdue_since: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

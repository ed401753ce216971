"""Quality rating periods, the ratings of members and of organizations in them, and the
rounds of model-cell registration (``states/ratings.py``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization
from workflow.models.people import Person


class RatingPeriod(Base):
    """A year, a quarter or a term whose members and organizations are rated, under the rules
    in force on its last day."""

    __tablename__ = "rating_period"
    __table_args__ = (
        Unique("kind", "year", "number", name="uq_rating_period"),
        #: the list of periods, newest first
        Index("ix_rating_period_ends_on", "ends_on", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: year | quarter | term (``states.ratings.PERIOD_KINDS``)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    #: the quarter (1–4); 0 for a year or a term
    number: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: open | closed (no more changes)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OrgRating(Base):
    """One organization in one period: for a cell, the sheet of its members' ratings (drafted
    and proposed by the cell, approved by its grassroots committee); for every organization,
    its own self-review and the rating given by the body above it."""

    __tablename__ = "org_rating"
    __table_args__ = (
        Unique("period_id", "org_id", name="uq_org_rating"),
        Index("ix_org_rating_org_id", "org_id", "period_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("rating_period.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: the members' sheet of a cell: draft | proposed | approved
    sheet_status: Mapped[str] = mapped_column(String(10), default="draft")
    self_level: Mapped[str | None] = mapped_column(String(10))
    self_score: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[int | None] = mapped_column(Integer)
    #: the conditions of "excellent" beyond the score are met (QĐ 366)
    conditions_met: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "trong sạch, vững mạnh tiêu biểu": chosen among the excellent by the body above
    exemplary: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    period: Mapped[RatingPeriod] = relationship()
    org: Mapped[Organization] = relationship()

    __mapper_args__ = {"version_id_col": version}


class MemberRating(Base):
    """A member's rating in a period: their self-rating, their cell's proposal and the level
    their grassroots committee approved."""

    __tablename__ = "member_rating"
    __table_args__ = (
        Unique("period_id", "person_id", name="uq_member_rating"),
        Index("ix_member_rating_cell", "period_id", "cell_id"),
        Index("ix_member_rating_grassroots", "period_id", "grassroots_id", "level"),
        Index("ix_member_rating_person", "person_id", "period_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("rating_period.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: the cell and grassroots organization the member was rated in
    cell_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    grassroots_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    self_level: Mapped[str | None] = mapped_column(String(10))
    self_score: Mapped[int | None] = mapped_column(Integer)
    proposed_level: Mapped[str | None] = mapped_column(String(10))
    proposed_score: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[int | None] = mapped_column(Integer)
    conditions_met: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    period: Mapped[RatingPeriod] = relationship()
    person: Mapped[Person] = relationship()


class ModelCellRound(Base):
    """A year's registration of cells to become model cells, the standing committee's
    approved list (a numbered decision) and the recognition at the end of the year."""

    __tablename__ = "model_cell_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    #: the target share of all cells, in percent
    target_percent: Mapped[int] = mapped_column(Integer)
    #: open | approved | closed
    status: Mapped[str] = mapped_column(String(10), default="open")
    decision_number: Mapped[int | None] = mapped_column(Integer)
    decision_reference: Mapped[str] = mapped_column(String(40), default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    entries: Mapped[list[ModelCellEntry]] = relationship(
        back_populates="round", order_by="ModelCellEntry.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ModelCellEntry(Base):
    """A cell registered in a round: registered, approved on the list, then recognized (or
    not) at the end of the year; withdrawn before the list is approved."""

    __tablename__ = "model_cell_entry"
    __table_args__ = (Unique("round_id", "cell_id", name="uq_model_cell_entry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("model_cell_round.id"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: registered | approved | recognized | not_recognized | withdrawn
    status: Mapped[str] = mapped_column(String(15), default="registered")
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")

    round: Mapped[ModelCellRound] = relationship(back_populates="entries")
    cell: Mapped[Organization] = relationship()

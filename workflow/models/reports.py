"""Yearly targets, and the figures of a period report as they stood when someone locked them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
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

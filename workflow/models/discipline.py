"""What a discipline case knows beyond the case itself: how the violation came to light, when it
happened, what it concerns, the form voted or decided, and when the decision was announced."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base


class DisciplineRecord(Base):
    __tablename__ = "discipline_record"

    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), primary_key=True)
    #: the member's discipline cases (a leaving reads them, a new violation is found by them)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: self_report | inspection | complaint | state_notice | cell_review
    source: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(200), default="")
    #: the day of the (latest) violation: the statute of limitations runs from it
    violation_on: Mapped[date] = mapped_column(Date)
    #: member_duties | assigned_tasks: only the first is within a cell's own powers
    matter: Mapped[str] = mapped_column(String(20))
    #: a violation no statute of limitations covers (internal politics, security, diplomas)
    no_limitation: Mapped[bool] = mapped_column(Boolean, default=False)
    facts: Mapped[str] = mapped_column(Text, default="")
    #: reprimand | warning | dismissal | expulsion: voted, then decided (a complaint may change it)
    form: Mapped[str | None] = mapped_column(String(20))
    #: the day the (latest) decision was announced and took effect
    announced_on: Mapped[date | None] = mapped_column(Date)

"""A transfer of party activity: where from, where to, the letters, and when each side acted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization
from workflow.models.people import Person

DIRECTIONS = {
    "within": "Trong Đảng bộ",
    "out": "Ra ngoài Đảng bộ",
    "in": "Từ ngoài Đảng bộ đến",
    "temporary": "Tạm thời",
    "internal": "Giữa các chi bộ trong đảng bộ cơ sở",
}


class Transfer(Base):
    """One per transfer case. ``from_org`` and ``to_org`` are organizations of the committee;
    an organization outside it is named in ``origin`` or ``destination``."""

    __tablename__ = "transfer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_case.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: within | out | in | temporary | internal (between cells of one grassroots organization)
    direction: Mapped[str] = mapped_column(String(10))
    #: the cell the member leaves (None: transferred in from outside)
    from_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    #: the receiving organization of the committee, then the cell that took the member in
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    origin: Mapped[str] = mapped_column(String(200), default="")
    destination: Mapped[str] = mapped_column(String(200), default="")
    #: retirement | job_move | residence | other | work | study
    reason: Mapped[str] = mapped_column(String(20), default="")
    #: the retirement or job move took effect (starts the 60-working-day clock)
    effective_on: Mapped[date | None] = mapped_column(Date)
    #: the introduction letter: ours (the register reference) or the incoming one
    letter_number: Mapped[str] = mapped_column(String(60), default="")
    letter_issuer: Mapped[str] = mapped_column(String(200), default="")
    letter_on: Mapped[date | None] = mapped_column(Date)
    present_by: Mapped[date | None] = mapped_column(Date)
    card_number: Mapped[str] = mapped_column(String(20), default="")
    biography_number: Mapped[str] = mapped_column(String(30), default="")
    dues_paid_through: Mapped[str] = mapped_column(String(7), default="")
    #: the sending grassroots committee's entry in its register (10-SHĐ) or its notice slip
    reference: Mapped[str] = mapped_column(String(100), default="")
    #: when it is recorded: the notice or confirmation of the receiver outside the committee
    receipt_reference: Mapped[str] = mapped_column(String(100), default="")
    #: the day the sending grassroots committee did its part (entered the member in its register)
    registered_on: Mapped[date | None] = mapped_column(Date)
    #: the day the member presented the letter, or the receiver confirmed
    arrived_on: Mapped[date | None] = mapped_column(Date)
    late_reason: Mapped[str] = mapped_column(Text, default="")
    #: temporary transfers: the stay and the return
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    from_org: Mapped[Organization | None] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Organization | None] = relationship(foreign_keys=[to_org_id])

    @property
    def direction_label(self) -> str:
        return DIRECTIONS.get(self.direction, self.direction)

    @property
    def from_name(self) -> str:
        return self.from_org.name if self.from_org is not None else self.origin

    @property
    def to_name(self) -> str:
        return self.to_org.name if self.to_org is not None else self.destination

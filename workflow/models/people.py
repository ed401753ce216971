"""People: non-members on their way in, and members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization

MEMBER_STATUSES: dict[str, str] = {
    "non_member": "Quần chúng",
    "probationary": "Đảng viên dự bị",
    "official": "Đảng viên chính thức",
    "removed": "Đã xóa tên",
}
SEXES = {"male": "Nam", "female": "Nữ"}
#: where a member's activity stands: on a cell's list, between two organizations, or gone
PRESENCES: dict[str, str] = {
    "active": "Đang sinh hoạt",
    "in_transit": "Đang chuyển sinh hoạt",
    "left": "Đã chuyển ra ngoài Đảng bộ",
}


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: as entered, NFC, whitespace collapsed
    full_name: Mapped[str] = mapped_column(String(100))
    #: folded name for diacritic-insensitive search ("nguyen thi hang")
    search_key: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))
    ethnicity: Mapped[str] = mapped_column(String(50), default="Kinh")
    religion: Mapped[str] = mapped_column(String(50), default="Không")
    home_town: Mapped[str] = mapped_column(String(200), default="")
    #: 12-digit citizen identity number (CCCD); sensitive, masked in lists
    citizen_id: Mapped[str] = mapped_column(String(12), unique=True)
    education: Mapped[str] = mapped_column(String(20))
    occupation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    cell_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    member_status: Mapped[str] = mapped_column(String(20), default="non_member", index=True)
    #: date of joining: the admission ceremony
    joined_on: Mapped[date | None] = mapped_column(Date)
    #: date the admission decision was signed (party age counts from it)
    admission_decision_on: Mapped[date | None] = mapped_column(Date)
    official_on: Mapped[date | None] = mapped_column(Date)
    card_number: Mapped[str | None] = mapped_column(String(20))
    #: active | in_transit | left (see PRESENCES); counted on a list only when active
    presence: Mapped[str] = mapped_column(String(12), default="active", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cell: Mapped[Organization] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return MEMBER_STATUSES.get(self.member_status, self.member_status)

    @property
    def presence_label(self) -> str:
        return PRESENCES.get(self.presence, self.presence)

    @property
    def sex_label(self) -> str:
        return SEXES.get(self.sex, self.sex)


class Certificate(Base):
    """A class certificate: awareness class (CN-NTVĐ) or the new-member political class."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelperAssignment(Base):
    """An official member assigned to help a person on the source list or in probation."""

    __tablename__ = "helper_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: source_list | probation
    purpose: Mapped[str] = mapped_column(String(20))
    assigned_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    helper: Mapped[Person] = relationship(foreign_keys=[helper_id])


class MembershipGap(Base):
    """A period that does not count towards party age (e.g. between leaving and re-admission)."""

    __tablename__ = "membership_gap"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CardIssuance(Base):
    """A party card proposed with the recognition decision, then issued."""

    __tablename__ = "card_issuance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: the grassroots organization whose list the card is on
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_case.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    proposed_on: Mapped[date] = mapped_column(Date)
    #: proposed | issued
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    card_number: Mapped[str | None] = mapped_column(String(20))
    issued_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()

"""People: non-members on their way in, and members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, Date, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from states.text import (
    SEARCH_KEY_MAX_LENGTH,
    SORT_KEY_MAX_LENGTH,
    name_search_key,
    name_sort_key,
)
from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization
from workflow.models.search import install as install_search_index

MEMBER_STATUSES: dict[str, str] = {
    "non_member": "Quần chúng",
    "probationary": "Đảng viên dự bị",
    "official": "Đảng viên chính thức",
    "removed": "Không còn trong danh sách",
}
SEXES = {"male": "Nam", "female": "Nữ"}
#: where a member's activity stands: on a cell's list, between two organizations, or gone
PRESENCES: dict[str, str] = {
    "active": "Đang sinh hoạt",
    "in_transit": "Đang chuyển sinh hoạt",
    "left": "Đã chuyển ra ngoài Đảng bộ",
}
#: the columns computed from ``full_name``
NAME_KEYS = ("search_key", "sort_key")


def name_keys(full_name: str) -> dict[str, str]:
    """The columns computed from a name: set them wherever a name is written."""
    return {"search_key": name_search_key(full_name), "sort_key": name_sort_key(full_name)}


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        #: every list of people is ordered by name: the whole list, and a cell's list (which
        #: also serves any lookup by cell)
        Index("ix_person_sort_key", "sort_key", "id"),
        Index("ix_person_cell_id_sort_key", "cell_id", "sort_key", "id"),
        #: a search finds the words typed anywhere in the name key, and the end of a citizen
        #: ID, through trigram indexes on PostgreSQL (the extension pg_trgm, created with the
        #: table), through a full-text index on SQLite (``workflow.models.search``)
        Index(
            "ix_person_search_trgm",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_person_citizen_id_trgm",
            "citizen_id",
            postgresql_using="gin",
            postgresql_ops={"citizen_id": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: NFC, whitespace collapsed, each word capitalized
    full_name: Mapped[str] = mapped_column(String(100))
    #: the name's words, each without marks and with them: " nguyen:nguyên3 thi:thi5 hang:hăng1 "
    #: (``states.text.name_search_key``; searched with ``states.text.search_terms``)
    search_key: Mapped[str] = mapped_column(String(SEARCH_KEY_MAX_LENGTH))
    #: Vietnamese alphabetical order, given name first (``states.text.name_sort_key``)
    sort_key: Mapped[str] = mapped_column(String(SORT_KEY_MAX_LENGTH))
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
    #: indexed with sort_key (ix_person_cell_id_sort_key)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
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


event.listen(
    Person.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


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
    #: the class that issued it, numbered in its issuer's register; None: recorded from a
    #: case (a certificate of a class held elsewhere, or entered before classes were kept)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_class.id"), index=True)


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
    """A period that does not count towards party age (e.g. between leaving and re-admission),
    entered by hand or recorded by the case that names it."""

    __tablename__ = "membership_gap"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    #: None: not over yet (a member still out of contact); read as "up to the day asked"
    end_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    #: the case that recorded it (None: entered by hand by the department)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_case.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CardIssuance(Base):
    """A party card on its way to a member (``states.cards``): a new card proposed with the
    recognition decision, or a lost or damaged one to re-issue, up the lists to the
    decision, the database entry, the printing and the hand-over."""

    __tablename__ = "card_issuance"
    #: the card lists, by step, oldest proposal first
    __table_args__ = (Index("ix_card_issuance_status_proposed", "status", "proposed_on", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: the grassroots organization whose list the card is on
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_case.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    proposed_on: Mapped[date] = mapped_column(Date)
    #: ``states.cards.STATUSES``
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    card_number: Mapped[str | None] = mapped_column(String(20), index=True)
    issued_on: Mapped[date | None] = mapped_column(Date)
    #: new | lost | damaged | exchange (``states.cards.KINDS``)
    kind: Mapped[str] = mapped_column(String(10), default="new")
    #: the member's self-review: why the card was lost or damaged
    reason: Mapped[str] = mapped_column(Text, default="")
    old_card_number: Mapped[str] = mapped_column(String(20), default="")
    #: the portrait photos received (2 asked)
    photos: Mapped[int] = mapped_column(Integer, default=0)
    #: the standing committee's decision (its number; the date is ``issued_on``)
    decision_number: Mapped[str] = mapped_column(String(80), default="")
    #: old | 2025: the card's design (``states.cards.GENERATIONS``), set with its number
    generation: Mapped[str] = mapped_column(String(10), default="old")
    #: the electronic card linked to the national database, activated at the hand-over
    electronic_on: Mapped[date | None] = mapped_column(Date)
    #: the day of each step after the proposal (``states.cards.STEPS``)
    step_dates: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship()

    __mapper_args__ = {"version_id_col": version}


install_search_index(Person.__table__)

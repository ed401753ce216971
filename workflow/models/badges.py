"""Party badge rounds and the members each round proposes (``states.badges``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization
from workflow.models.people import Person


class BadgeRound(Base):
    """One round (3/2, 19/5, 2/9, 7/11 of a year): the proposals, the department's compiled
    list, and the provincial standing committee's decision."""

    __tablename__ = "badge_round"
    __table_args__ = (Unique("occasion", "year", name="uq_badge_round_occasion_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: a key of the setting ``badge.occasions`` ("19/5")
    occasion: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    #: the anniversary day: party age is counted to it
    round_on: Mapped[date] = mapped_column(Date, index=True)
    #: the previous round's day: members reaching a threshold after it are proposed
    since_on: Mapped[date] = mapped_column(Date)
    #: open | compiled | decided (``states.badges.ROUND_STATUSES``)
    status: Mapped[str] = mapped_column(String(12), default="open")
    compiled_on: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(80), default="")
    decision_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class BadgeAward(Base):
    """One member on a round's list: the badge proposed, how the cell and the committees
    dealt with it, and the hand-over."""

    __tablename__ = "badge_award"
    __table_args__ = (
        #: a round's list for an organization (or all), in name order, by status
        Index("ix_badge_award_round_org", "round_id", "org_id", "sort_key", "id"),
        Index("ix_badge_award_round_cell", "round_id", "cell_id", "sort_key", "id"),
        Index("ix_badge_award_round_sort", "round_id", "sort_key", "id"),
        #: what a member has been awarded (a round does not propose it again)
        Index("ix_badge_award_person_years", "person_id", "years"),
        Unique("round_id", "person_id", "years", "kind", name="uq_badge_award_round_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("badge_round.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: the grassroots organization whose list it is on, and the cell that considers it (the
    #: member's cell when the threshold was reached: a member who left since is still theirs)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    cell_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: the member's name order key, copied for the list's order
    sort_key: Mapped[str] = mapped_column(String(200))
    years: Mapped[int] = mapped_column(Integer)
    #: regular | early | posthumous | reissue (``states.badges.KINDS``)
    kind: Mapped[str] = mapped_column(String(12))
    #: the day the party age reached the threshold, and the months counted on the round's day
    reached_on: Mapped[date] = mapped_column(Date)
    party_age_months: Mapped[int] = mapped_column(Integer)
    #: ``states.badges.STATUSES``
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    held_until: Mapped[date | None] = mapped_column(Date)
    #: why held back, proposed early, excluded or re-issued
    note: Mapped[str] = mapped_column(Text, default="")
    #: the anniversary day falls on a clamped 29 February: a person confirms it
    needs_review: Mapped[bool] = mapped_column(default=False)
    declaration_on: Mapped[date | None] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    badge_number: Mapped[str] = mapped_column(String(40), default="")
    handed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship()
    org: Mapped[Organization] = relationship(foreign_keys=[org_id])
    cell: Mapped[Organization] = relationship(foreign_keys=[cell_id])
    badge_round: Mapped[BadgeRound] = relationship()

    __mapper_args__ = {"version_id_col": version}

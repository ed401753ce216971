"""Training classes, their rosters, and the uploads of a roster spreadsheet."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow
from workflow.models.orgs import Organization
from workflow.models.people import Certificate, Person


class TrainingClass(Base):
    """One class: its kind (``states.training``), who runs it, when and where, the decision
    opening it; its trainees are ``TrainingEnrollment`` rows."""

    __tablename__ = "training_class"
    __table_args__ = (
        #: the class list, newest first, whole or by kind or by organizer
        Index("ix_training_class_ends_on", "ends_on", "id"),
        Index("ix_training_class_kind_ends_on", "kind", "ends_on", "id"),
        Index("ix_training_class_organizer_ends_on", "organizer_id", "ends_on", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    #: the grassroots committee that runs it; None: the upper committee itself
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    #: the number of the decision opening the class ("125-QĐ/ĐUK")
    opening_decision: Mapped[str] = mapped_column(String(80), default="")
    #: the body that signs its certificates ("Ban Thường vụ Đảng ủy Khối …")
    certificate_issuer: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organizer: Mapped[Organization | None] = relationship()
    enrollments: Mapped[list[TrainingEnrollment]] = relationship(
        back_populates="training_class", order_by="TrainingEnrollment.id"
    )

    __mapper_args__ = {"version_id_col": version}


class TrainingEnrollment(Base):
    """A trainee on a class's roster: sent by their organization, with their attendance,
    result and, once issued, their certificate."""

    __tablename__ = "training_enrollment"
    __table_args__ = (Unique("class_id", "person_id", name="uq_training_enrollment_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: the organization that sent them (their cell when they were put on the roster)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: proposed | enrolled | withdrawn (``states.training.ENROLLMENT_STATUSES``)
    status: Mapped[str] = mapped_column(String(12), default="enrolled")
    position: Mapped[str] = mapped_column(String(20), default="")
    attendance: Mapped[str | None] = mapped_column(String(10))
    result: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    training_class: Mapped[TrainingClass] = relationship(back_populates="enrollments")
    person: Mapped[Person] = relationship()
    sent_by: Mapped[Organization] = relationship()
    certificate: Mapped[Certificate | None] = relationship()


class RosterUpload(Base):
    """A class roster spreadsheet kept between its check and its import (its bytes dropped
    once imported or discarded; the audit trail keeps what was written)."""

    __tablename__ = "training_roster_upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column()

"""Decisions and the numbered registers they are entered in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow


class RegisterCounter(Base):
    """The last number used in one register (issuer × document type × committee term).

    Incremented in the transaction that issues the document, so numbers are gapless: a rolled
    back issuance gives its number back.
    """

    __tablename__ = "register_counter"
    __table_args__ = (UniqueConstraint("issuer", "doc_type", "term_start", name="register"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "upper" or "org:<id>"
    issuer: Mapped[str] = mapped_column(String(40))
    doc_type: Mapped[str] = mapped_column(String(10))
    term_start: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Decision(Base):
    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("issuer", "doc_type", "term_start", "number", name="number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_case.id"), index=True)
    #: admission | recognition | removal_probationary | removal | transfer_letter
    kind: Mapped[str] = mapped_column(String(30))
    issuer: Mapped[str] = mapped_column(String(40))
    issuer_abbr: Mapped[str] = mapped_column(String(20))
    doc_type: Mapped[str] = mapped_column(String(10))
    term_start: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    decided_on: Mapped[date] = mapped_column(Date)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_title: Mapped[str] = mapped_column(String(60))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    rule_set: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def symbol(self) -> str:
        return f"{self.doc_type}/{self.issuer_abbr}"

    @property
    def reference(self) -> str:
        """As printed: "Số 15-QĐ/ĐUK" (no colon)."""
        return f"Số {self.number}-{self.symbol}"

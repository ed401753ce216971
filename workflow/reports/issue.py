"""A period report numbered to be sent: it takes the next number of the committee's register of
reports ("Số 12-BC/ĐUK"), locks its figures, names its recipients and its signer, and keeps the
page exactly as printed, so that it can be listed and downloaded again byte for byte.

Only a finished period (ending today at the latest) is numbered: later figures are provisional.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from states.dates import vn_date
from states.spec import Role
from states.text import clean_line
from workflow.clock import today
from workflow.documents.render import html_to_pdf
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Grant, IssuedReport, ReportSnapshot, User
from workflow.permissions import REPORT_ISSUERS, REPORT_READERS, Actor
from workflow.reports import document as document_mod
from workflow.reports import export
from workflow.store import audit
from workflow.store.errors import InvalidInput
from workflow.store.numbering import next_number
from workflow.store.uow import transactional, unit_of_work

#: the register: the upper committee's reports ("BC", HD 36-HD/VPTW's abbreviation)
ISSUER = "upper"
DOC_TYPE = "BC"
MAX_RECIPIENTS = 12
#: the numbering form's own fields (other refusals concern the period or the register)
FORM_FIELDS = ("signer", "recipients")
MAX_RECIPIENT_LENGTH = 200


@dataclass(frozen=True)
class Signer:
    user_id: int
    name: str
    title: str


def may_issue(actor: Actor) -> bool:
    """The register is the committee's: its department staff and its signing leaders, with a
    grant over the whole committee, number its reports."""
    return actor.scope_for(REPORT_ISSUERS, None) is not None


def signers() -> list[Signer]:
    """The leaders who sign on behalf of the standing committee: signing grants over the whole
    committee that carry a title ("BÍ THƯ", "PHÓ BÍ THƯ")."""
    rows = db.session.execute(
        select(User.id, User.full_name, Grant.title)
        .join(Grant, Grant.user_id == User.id)
        .where(
            Grant.role == Role.SIGNER.value,
            Grant.org_id.is_(None),
            Grant.title != "",
            User.active.is_(True),
        )
        .order_by(Grant.title, User.full_name)
    ).all()
    return [Signer(uid, name, title) for uid, name, title in rows]


def default_recipients() -> str:
    return "\n".join(current_app.config["REPORT_RECIPIENTS"])


def read_form(form: Mapping[str, Any]) -> tuple[Signer, tuple[str, ...]]:
    """The signer chosen and the recipients (one a line) of the numbering form."""
    errors: dict[str, str] = {}
    chosen = parse_id(form.get("signer") or "")
    signer = next((s for s in signers() if s.user_id == chosen), None)
    if signer is None:
        errors["signer"] = "Chọn lãnh đạo ký báo cáo (thay mặt Ban Thường vụ)."
    # the page writes the dashes and the punctuation: "- Ban Tổ chức Tỉnh ủy," … "- Lưu …."
    lines = str(form.get("recipients") or "").splitlines()
    recipients = tuple(
        text for text in (clean_line(line).lstrip("-–• ").rstrip(",.; ") for line in lines) if text
    )
    if not recipients:
        errors["recipients"] = "Ghi ít nhất một nơi nhận, mỗi nơi một dòng."
    elif len(recipients) > MAX_RECIPIENTS:
        errors["recipients"] = f"Nhiều nhất {MAX_RECIPIENTS} nơi nhận."
    elif any(len(r) > MAX_RECIPIENT_LENGTH for r in recipients):
        errors["recipients"] = f"Mỗi nơi nhận không dài quá {MAX_RECIPIENT_LENGTH} ký tự."
    if errors:
        raise InvalidInput(errors)
    return signer, recipients


def refusal(doc: document_mod.ReportDocument) -> str | None:
    """Why the report cannot be numbered yet, if it cannot."""
    if doc.report.end > today():
        return (
            f"Kỳ báo cáo kết thúc ngày {vn_date(doc.report.end)}, sau hôm nay: số liệu còn tạm "
            "tính nên chưa lấy số được. Chỉ in bản tạm tính (không số)."
        )
    return None


@transactional
def issue(
    doc: document_mod.ReportDocument,
    *,
    actor: Actor,
    signer: Signer,
    recipients: tuple[str, ...],
) -> tuple[int, str]:
    """Number the report, lock its figures and keep its page; returns its id and reference."""
    reason = refusal(doc)
    if reason:
        raise InvalidInput({"to": reason})
    on = today()
    number, term = next_number(ISSUER, DOC_TYPE, on, field="date")
    snapshot = document_mod.lock(doc.report, actor=actor)
    issued = IssuedReport(
        snapshot=snapshot,
        issuer=ISSUER,
        issuer_abbr=current_app.config["UPPER_COMMITTEE_ABBR"],
        doc_type=DOC_TYPE,
        term_start=term,
        number=number,
        issued_on=on,
        issued_by=actor.user_id,
        signer_id=signer.user_id,
        signer_name=signer.name,
        signer_title=signer.title,
    )
    sending = export.Sending(issued.reference, on, recipients, signer.title, signer.name)
    issued.html = export.to_html(doc, sending)
    db.session.add(issued)
    db.session.flush()
    report = doc.report
    audit.append(
        actor=actor,
        subject_type="report",
        subject_id=issued.id,
        action="report.issued",
        event_date=on,
        payload={
            "reference": issued.reference,
            "from": report.start,
            "to": report.end,
            "organization": report.org.code if report.org else None,
            "as_of_seq": report.as_of_seq,
            "signer": signer.name,
            "recipients": list(recipients),
        },
    )
    return issued.id, issued.reference


def pdf_of(issued_id: int) -> bytes:
    """The numbered report's PDF: made once from the page kept when it was numbered, then the
    same bytes on every download (checked against the hash recorded with them)."""
    issued = db.session.get(IssuedReport, issued_id)
    if issued.pdf is None:
        pdf = html_to_pdf(issued.html)
        with unit_of_work():
            issued = db.session.get(
                IssuedReport, issued_id, with_for_update=True, populate_existing=True
            )
            if issued.pdf is None:  # else another request stored it first: keep theirs
                issued.pdf, issued.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
        issued = db.session.get(IssuedReport, issued_id)
    if hashlib.sha256(issued.pdf).hexdigest() != issued.pdf_sha256:
        raise RuntimeError(f"the stored PDF of report {issued.reference} does not match its hash")
    return issued.pdf


def visible(actor: Actor) -> list[IssuedReport]:
    """The numbered reports of organizations the actor reads reports of, newest first."""
    rows = db.session.scalars(
        select(IssuedReport)
        .options(joinedload(IssuedReport.snapshot).joinedload(ReportSnapshot.org))
        .order_by(IssuedReport.issued_on.desc(), IssuedReport.id.desc())
    ).all()
    return [r for r in rows if readable(actor, r)]


def readable(actor: Actor, issued: IssuedReport) -> bool:
    org = issued.snapshot.org
    return actor.scope_for(REPORT_READERS, org.path if org else None) is not None

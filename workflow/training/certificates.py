"""Printing a class's certificates: one PDF per class, made by the job queue with its progress.

The job is a ``PrintJob`` of kind ``class_certificates`` (``workflow.documents.batch``: the
same lease, heartbeat and take-over after a dead worker as a meeting's decisions). Each
certificate is rendered from a frozen snapshot of plain values; the worker renders them a few
at a time, recording its progress after each step, and stores the joined PDF once at the end.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import current_app
from pypdf import PdfWriter
from sqlalchemy import select

from states.dates import vn_date
from states.training import RESULT_LABELS
from workflow.documents import batch
from workflow.documents.render import html_to_pdf, long_date
from workflow.documents.snapshots import upper_party_name
from workflow.extensions import db
from workflow.models import Certificate, PrintJob, TrainingClass, TrainingEnrollment
from workflow.orgs.history import identity_on, upper_on
from workflow.training import kinds

KIND = "class_certificates"
TEMPLATE = "pdf/certificate.html"


def job_key(cls: TrainingClass) -> tuple[str, date]:
    """The print job's (issuer, day) key: one job at a time per class."""
    return f"class:{cls.id}", cls.ends_on


def _heading(cls: TrainingClass) -> dict[str, str]:
    """The bodies named at the top, as they were when the class ended."""
    if cls.organizer is None:
        upper = upper_on(cls.ends_on)
        return {"superior": upper.superior_name, "committee": upper.name}
    return {
        "superior": upper_party_name(cls.ends_on),
        "committee": identity_on(cls.organizer, cls.ends_on).name,
    }


def snapshots(cls: TrainingClass, certificate_id: int | None = None) -> list[dict[str, Any]]:
    """Each issued certificate of the class (or the one named) as plain values, in number
    order."""
    kind = kinds()[cls.kind]
    stmt = (
        select(TrainingEnrollment, Certificate)
        .join(Certificate, Certificate.id == TrainingEnrollment.certificate_id)
        .where(TrainingEnrollment.class_id == cls.id)
        .order_by(Certificate.issued_on, Certificate.id)
    )
    if certificate_id is not None:
        stmt = stmt.where(Certificate.id == certificate_id)
    rows = db.session.execute(stmt).all()
    heading = _heading(cls)
    out = []
    for row, cert in rows:
        person = row.person
        if person.member_status in ("probationary", "official"):
            address = "Đồng chí"
        else:
            address = "Ông" if person.sex == "male" else "Bà"
        out.append(
            {
                **heading,
                "place": current_app.config["PLACE_NAME"],
                "long_date": long_date(cert.issued_on),
                "number": cert.number,
                "title": kind.certificate_title,
                "class_label": kind.label,
                "class_title": cls.title,
                "address": address,
                "full_name": person.full_name,
                "birth_date": vn_date(person.birth_date),
                "home_town": person.home_town,
                "unit": row.sent_by.name,
                "starts_on": vn_date(cls.starts_on),
                "ends_on": vn_date(cls.ends_on),
                "class_place": cls.place,
                "opening_decision": cls.opening_decision,
                "result": RESULT_LABELS.get(row.result or "", ""),
                "issuer": cls.certificate_issuer,
                "on_behalf": "T/M BAN THƯỜNG VỤ"
                if cls.certificate_issuer.startswith("Ban Thường vụ")
                else "",
            }
        )
    return out


def render_html(certificates: list[dict[str, Any]]) -> str:
    return current_app.jinja_env.get_template(TEMPLATE).render(certificates=certificates)


def single_pdf(cls: TrainingClass, certificate_id: int) -> bytes | None:
    """One certificate printed again (a lost or spoilt copy), as the class's batch prints it;
    None when the class issued no such certificate."""
    items = snapshots(cls, certificate_id)
    return html_to_pdf(render_html(items)) if items else None


def _run(job: PrintJob, progress: batch.Progress) -> None:
    cls = db.session.get(TrainingClass, job.subject_id)
    items = snapshots(cls)
    step = max(1, current_app.config["TRAINING_CERTIFICATES_PER_STEP"])
    progress(total=len(items), done=0)
    writer = PdfWriter()
    for start in range(0, len(items), step):
        part = items[start : start + step]
        writer.append(io.BytesIO(html_to_pdf(render_html(part))))
        progress(done=start + len(part))
    combined = io.BytesIO()
    writer.write(combined)
    path = f"batches/class-{cls.id}-certificates-{job.id}.pdf"
    progress.finished({path: combined.getvalue()}, done=len(items), pdf=path, zipped=None)


def register() -> None:
    batch.RUNNERS[KIND] = _run


def create_job(cls: TrainingClass, user_id: int) -> int:
    issuer, day = job_key(cls)
    return batch.create_job(user_id, issuer, day, kind=KIND, subject_id=cls.id)


def latest_job(cls: TrainingClass) -> PrintJob | None:
    return db.session.scalars(
        select(PrintJob)
        .where(PrintJob.kind == KIND, PrintJob.subject_id == cls.id)
        .order_by(PrintJob.id.desc())
        .limit(1)
    ).first()

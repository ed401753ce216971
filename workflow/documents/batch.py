"""Printing the decisions of one standing-committee meeting: one combined PDF and a zip.

PDFs still missing are rendered in worker processes (rendering is CPU-bound and scales with
processes, not threads); the database work stays in the calling thread. Progress is kept in
the ``print_job`` row so any web worker can show it.
"""

from __future__ import annotations

import io
import logging
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context

from flask import Flask, current_app
from pypdf import PdfWriter
from sqlalchemy import select

from workflow.clock import clock
from workflow.documents import service
from workflow.documents.render import html_to_pdf
from workflow.extensions import db
from workflow.models import Decision, PrintJob
from workflow.store import files as stored_files
from workflow.store.uow import transactional, unit_of_work

log = logging.getLogger("workflow.documents")


def meeting_decisions(issuer: str, meeting_on: date) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(
                Decision.issuer == issuer,
                Decision.decided_on == meeting_on,
                Decision.status == "issued",
            )
            .order_by(Decision.number)
        )
    )


def _warm_up() -> None:
    """Pay WeasyPrint's import and first-render cost once per worker process."""
    html_to_pdf("<html><body>.</body></html>")


def _rendered(htmls: list[str], processes: int) -> Iterator[bytes]:
    """PDFs in order, as they come: from one pool of worker processes for the whole run."""
    if processes <= 1 or len(htmls) < 2:
        for html in htmls:
            yield html_to_pdf(html)
        return
    with ProcessPoolExecutor(
        max_workers=processes, mp_context=get_context("spawn"), initializer=_warm_up
    ) as pool:
        chunk = max(1, min(8, len(htmls) // (4 * processes)))
        yield from pool.map(html_to_pdf, htmls, chunksize=chunk)


def render_many(htmls: list[str], processes: int) -> list[bytes]:
    return list(_rendered(htmls, processes))


def render_and_store_all(
    decisions: list[Decision],
    processes: int,
    progress: Callable[[int], None] | None = None,
    group: int = 8,
) -> None:
    """Render the decisions' PDFs and store them, a group per transaction; the parent stores
    one group while the workers render the next."""
    ids = [d.id for d in decisions]
    pending: list[tuple[int, bytes]] = []
    stored = 0
    for decision_id, pdf in zip(
        ids, _rendered([d.html for d in decisions], processes), strict=True
    ):
        pending.append((decision_id, pdf))
        if len(pending) >= group:
            service.store_many(pending)
            stored += len(pending)
            pending = []
            if progress:
                progress(stored)
    if pending:
        service.store_many(pending)
        stored += len(pending)
        if progress:
            progress(stored)


def _progress(job_id: int, outputs: dict[str, bytes] | None = None, **fields) -> None:
    """Record the job's progress; ``outputs`` (path → bytes) are stored in the same
    transaction (in a folder: deleted again if it fails)."""
    with unit_of_work():
        for relative, data in (outputs or {}).items():
            stored_files.put(service.document_key(relative), data)
        job = db.session.get(PrintJob, job_id)
        for key, value in fields.items():
            setattr(job, key, value)


def run_job(job_id: int) -> None:
    """Render what is missing, then write the combined PDF and the zip."""
    job = db.session.get(PrintJob, job_id)
    decisions = meeting_decisions(job.issuer, job.meeting_on)
    _progress(job_id, status="running", total=len(decisions), done=0)
    try:
        missing = [d for d in decisions if not d.pdf_sha256]
        already = len(decisions) - len(missing)
        _progress(job_id, done=already)
        render_and_store_all(
            missing,
            current_app.config["RENDER_PROCESSES"],
            progress=lambda n: _progress(job_id, done=already + n),
        )
        db.session.expire_all()
        files = [
            (service.download_name(d), service.pdf_bytes(d))
            for d in meeting_decisions(job.issuer, job.meeting_on)
        ]
        stem = f"{job.meeting_on.isoformat()}-{job.issuer.replace(':', '-')}-{job_id}"
        writer = PdfWriter()
        for _, data in files:
            writer.append(io.BytesIO(data))
        combined = io.BytesIO()
        writer.write(combined)
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files:
                archive.writestr(name, data)
        _progress(
            job_id,
            {f"batches/{stem}.pdf": combined.getvalue(), f"batches/{stem}.zip": zipped.getvalue()},
            status="done",
            pdf_path=f"batches/{stem}.pdf",
            zip_path=f"batches/{stem}.zip",
            finished_at=clock().now().replace(tzinfo=None),
        )
    except Exception as exc:
        log.exception("print job %s failed", job_id)
        db.session.rollback()
        _progress(job_id, status="failed", error=type(exc).__name__)


@transactional
def create_job(user_id: int, issuer: str, meeting_on: date) -> int:
    """Queue the printing of one meeting's decisions for ``user_id``; returns the job's id."""
    job = PrintJob(user_id=user_id, issuer=issuer, meeting_on=meeting_on)
    db.session.add(job)
    db.session.flush()
    return job.id


def start_job(app: Flask, job_id: int) -> None:
    """Run the job in the background (or at once when PRINT_JOBS_INLINE is set, in tests)."""
    if app.config.get("PRINT_JOBS_INLINE"):
        run_job(job_id)
        return

    def work() -> None:
        with app.app_context():
            run_job(job_id)

    threading.Thread(target=work, name=f"print-job-{job_id}", daemon=True).start()


def job_file(job: PrintJob, which: str) -> str | None:
    """The stored file's key of the job's combined PDF or zip."""
    relative = job.pdf_path if which == "pdf" else job.zip_path
    return service.document_key(relative) if relative else None

"""Printing the decisions of one standing-committee meeting: one combined PDF and a zip.

The job is queued when the request that asks for it commits and run by a queue worker
(``flask wf worker``, on any machine); PDFs still missing are rendered in that worker's child
processes (rendering is CPU-bound and scales with processes, not threads), the database work
stays in the worker's thread. Progress is kept in the ``print_job`` row so any web server can
show it, with the worker's lease and heartbeat: a job whose worker died is queued again by the
periodic check (``resume_stalled``) and finished by another worker, each decision's PDF being
stored once.
"""

from __future__ import annotations

import io
import logging
import secrets
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from multiprocessing import get_context

from flask import current_app
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workflow import jobqueue
from workflow.clock import clock
from workflow.documents import service
from workflow.documents.render import html_to_pdf
from workflow.extensions import db
from workflow.models import Decision, PrintJob, utcnow
from workflow.store import files as stored_files
from workflow.store.uow import transactional

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


class LeaseLost(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


def _now() -> datetime:
    """Real time (naive UTC): leases and heartbeats tell live processes from dead ones, never
    moved by the application's clock."""
    return utcnow()


def _finished() -> datetime:
    return clock().now().replace(tzinfo=None)


def _stale_after() -> timedelta:
    return timedelta(seconds=jobqueue.config("PRINT_JOB_STALE_SECONDS"))


@transactional
def _claim(job_id: int, token: str) -> bool:
    """Take the job for this worker: a pending job, or a running one whose worker stopped
    renewing its heartbeat. False when it is finished, or alive in another worker."""
    job = db.session.get(PrintJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.status not in ("pending", "running"):
        return False
    now = _now()
    if job.status == "running" and job.heartbeat_at and now - job.heartbeat_at < _stale_after():
        return False
    if job.attempts >= current_app.config["PRINT_JOB_MAX_ATTEMPTS"]:
        job.status, job.error, job.finished_at = "failed", "TooManyAttempts", _finished()
        log.error("print job %s given up after %s attempts", job_id, job.attempts)
        return False
    if job.attempts:
        log.warning("print job %s taken over (attempt %s)", job_id, job.attempts + 1)
    job.status, job.lease, job.heartbeat_at = "running", token, now
    job.attempts += 1
    log.info("print job %s started (attempt %s)", job_id, job.attempts)
    return True


@transactional
def _progress(job_id: int, token: str, outputs: dict[str, bytes] | None = None, **fields) -> None:
    """Record the job's progress; ``outputs`` (path → bytes) are stored in the same
    transaction (in a folder: deleted again if it fails). A file a dead attempt left under
    the same name is replaced: the job is not done, nothing refers to it."""
    job = db.session.get(PrintJob, job_id, with_for_update=True, populate_existing=True)
    if job.lease != token:
        raise LeaseLost()
    for relative, data in (outputs or {}).items():
        key = service.document_key(relative)
        if stored_files.exists(key):
            stored_files.delete_file(key)
        stored_files.put(key, data)
    for key, value in fields.items():
        setattr(job, key, value)
    job.heartbeat_at = _now()


@contextmanager
def _heartbeat(job_id: int, token: str) -> Iterator[None]:
    """Renew the job's heartbeat from a thread while the job runs, so that a long rendering
    step is not mistaken for a dead worker."""
    app = current_app._get_current_object()
    stop = threading.Event()
    every = max(0.5, app.config["PRINT_JOB_STALE_SECONDS"] / 4)

    def beat() -> None:
        with app.app_context():
            while not stop.wait(every):
                try:
                    _progress(job_id, token)
                except LeaseLost:
                    return
                except Exception:
                    log.warning("print job %s: heartbeat failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"print-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_job(job_id: int) -> None:
    """Render what is missing, then write the combined PDF and the zip. Safe to run again
    after a worker died half-way: each decision's PDF is stored once (a rendered one is kept),
    and the combined files are written whole under their names or not at all."""
    token = secrets.token_hex(8)
    if not _claim(job_id, token):
        return
    job = db.session.get(PrintJob, job_id)
    runner = RUNNERS[job.kind]
    try:
        with _heartbeat(job_id, token):
            runner(job, Progress(job_id, token))
    except LeaseLost:
        log.warning("print job %s was taken over by another worker", job_id)
    except Exception as exc:
        log.exception("print job %s failed", job_id)
        db.session.rollback()
        try:
            _progress(
                job_id, token, status="failed", error=type(exc).__name__, finished_at=_finished()
            )
        except LeaseLost:
            pass


@dataclass(frozen=True)
class Progress:
    """What a job's runner reports through: its progress, and at the end its files (stored in
    the same transaction that marks the job done). Raises ``LeaseLost`` when another worker
    took the job over."""

    job_id: int
    token: str

    def __call__(self, outputs: dict[str, bytes] | None = None, **fields) -> None:
        _progress(self.job_id, self.token, outputs, **fields)

    def finished(self, outputs: dict[str, bytes], *, done: int, pdf: str, zipped: str | None):
        self(
            outputs,
            status="done",
            done=done,
            pdf_path=pdf,
            zip_path=zipped,
            finished_at=_finished(),
        )


def _run_meeting(job: PrintJob, progress: Progress) -> None:
    _run(job.id, progress.token, job.issuer, job.meeting_on)


#: what a print job of each kind runs: (the job, its progress reporter). A module that prints
#: batches of its own registers its kind here (``workflow.training`` its class certificates)
RUNNERS: dict[str, Callable[[PrintJob, Progress], None]] = {"meeting": _run_meeting}


def _run(job_id: int, token: str, issuer: str, meeting_on: date) -> None:
    decisions = meeting_decisions(issuer, meeting_on)
    missing = [d for d in decisions if not d.pdf_sha256]
    already = len(decisions) - len(missing)
    _progress(job_id, token, total=len(decisions), done=already)
    render_and_store_all(
        missing,
        current_app.config["RENDER_PROCESSES"],
        progress=lambda n: _progress(job_id, token, done=already + n),
    )
    db.session.expire_all()
    files = [
        (service.download_name(d), service.pdf_bytes(d))
        for d in meeting_decisions(issuer, meeting_on)
    ]
    stem = f"{meeting_on.isoformat()}-{issuer.replace(':', '-')}-{job_id}"
    writer = PdfWriter()
    for _, data in files:
        writer.append(io.BytesIO(data))
    combined = io.BytesIO()
    writer.write(combined)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    log.info("print job %s: %s decisions printed", job_id, len(files))
    _progress(
        job_id,
        token,
        {f"batches/{stem}.pdf": combined.getvalue(), f"batches/{stem}.zip": zipped.getvalue()},
        status="done",
        done=len(files),
        pdf_path=f"batches/{stem}.pdf",
        zip_path=f"batches/{stem}.zip",
        finished_at=_finished(),
    )


def active_job(issuer: str, meeting_on: date, kind: str = "meeting") -> PrintJob | None:
    return db.session.scalars(
        select(PrintJob).where(
            PrintJob.kind == kind,
            PrintJob.issuer == issuer,
            PrintJob.meeting_on == meeting_on,
            PrintJob.status.in_(("pending", "running")),
        )
    ).first()


@transactional
def create_job(
    user_id: int,
    issuer: str,
    meeting_on: date,
    *,
    kind: str = "meeting",
    subject_id: int | None = None,
) -> int:
    """Queue the printing of one meeting's decisions (or, with ``kind``, another batch a
    module registered in ``RUNNERS``, keyed by ``issuer`` and ``meeting_on`` as that module
    chooses), or give the job already printing them (one at a time per key); returns the
    job's id. The worker is asked for it only once this transaction commits."""
    existing = active_job(issuer, meeting_on, kind)
    if existing is not None:
        return existing.id
    job = PrintJob(
        user_id=user_id, issuer=issuer, meeting_on=meeting_on, kind=kind, subject_id=subject_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        # another request created it in the meantime (PostgreSQL waited for its commit)
        existing = active_job(issuer, meeting_on, kind)
        if existing is None:
            raise
        return existing.id
    jobqueue.enqueue_on_commit(print_meeting, job.id)
    return job.id


@jobqueue.task()
def print_meeting(job_id: int) -> None:
    """The queued print job (see ``run_job``)."""
    run_job(job_id)


@jobqueue.task(retries=2, retry_delay=30)
def render_decision(decision_id: int) -> None:
    """Render and store an issued decision's PDF (queued when its signing commits); a PDF
    already stored is kept, so running it twice is harmless."""
    service.render_and_store(decision_id)


def stalled_jobs() -> list[int]:
    """Print jobs pending or running whose worker has given no sign of life for
    PRINT_JOB_STALE_SECONDS: queued when the queue did not answer, or left by a dead worker."""
    limit = _now() - _stale_after()
    return list(
        db.session.scalars(
            select(PrintJob.id)
            .where(
                PrintJob.status.in_(("pending", "running")),
                func.coalesce(PrintJob.heartbeat_at, PrintJob.created_at) < limit,
            )
            .order_by(PrintJob.id)
        )
    )


def _every_minute(_moment: datetime) -> bool:
    return True


@jobqueue.periodic_task(_every_minute)
def resume_stalled() -> None:
    """Queue again the print jobs a dead worker (or an unreachable queue) left; the job's
    lease makes a second copy of a live job return at once. (A decision whose rendering was
    lost is rendered when it is first downloaded or printed.)"""
    for job_id in stalled_jobs():
        log.info("print job %s stalled: queued again", job_id)
        print_meeting(job_id)
    db.session.rollback()


@jobqueue.task()
def resume_stalled_once() -> None:
    resume_stalled.call_local()


@jobqueue.on_worker_start
def _resume_on_start() -> None:
    """A worker that starts (again) resumes what was left now, and once more when the
    heartbeats of jobs its previous life was running have had time to go stale."""
    resume_stalled.call_local()
    resume_stalled_once.schedule(delay=current_app.config["PRINT_JOB_STALE_SECONDS"] + 1)


def job_file(job: PrintJob, which: str) -> str | None:
    """The stored file's key of the job's combined PDF or zip."""
    relative = job.pdf_path if which == "pdf" else job.zip_path
    return service.document_key(relative) if relative else None

"""The job queue: tasks are queued only when the transaction that asks for them commits, one
print job per meeting, a job a dead worker left is taken over and finished without a second
copy of anything, and the daily jobs run from the workers' scheduler once a day.

Most tests run the queue's tasks at once (huey's immediate mode) or against its real storage
from this process; ``test_a_worker_killed_mid_batch_*`` runs real worker processes."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.builders import PASSWORD, clone_appraised
from tests.conftest import BACKEND, TODAY, fast_world, make_app
from workflow import jobqueue
from workflow.documents import batch, service
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Decision, JobRun, PrintJob, utcnow
from workflow.operations import jobs
from workflow.procedures import PROCEDURES
from workflow.store import files as stored_files
from workflow.store.uow import unit_of_work

ROOT = Path(__file__).resolve().parent.parent
SIGNED_ON = date(2026, 3, 5)


def _sign_meeting(world, count: int) -> list[int]:
    """``count`` admission decisions signed at one meeting (PDFs not made yet)."""
    cases = clone_appraised(world, count)
    versions = dict(
        db.session.execute(select(Case.id, Case.version).where(Case.id.in_(cases))).all()
    )
    payload = PROCEDURES["admission"].happy_payload(
        db.session.get(Case, cases[0]), "approve_admission", SIGNED_ON, world.happy
    )
    for cid in cases:
        fire(
            cid,
            "approve_admission",
            actor=world.actor("signer"),
            expected_version=versions[cid],
            payload=payload,
            password=PASSWORD,
        )
    return cases


def _meeting() -> list[Decision]:
    db.session.rollback()
    return batch.meeting_decisions("upper", SIGNED_ON)


@pytest.fixture
def queued_app(tmp_path, pg_database, request):
    """The application with a real queue storage (not immediate): SQLite file, or on the
    PostgreSQL run the database's huey tables when the test asks for them."""
    storage = getattr(request, "param", "sqlite")
    app = make_app(
        tmp_path,
        pg_database,
        QUEUE_IMMEDIATE=False,
        QUEUE_STORAGE=storage,
        QUEUE_SQLITE_PATH=str(tmp_path / "queue.sqlite3"),
        RENDER_AFTER_ISSUE=False,
        RENDER_PROCESSES=1,
        PRINT_JOB_STALE_SECONDS=2,
    )
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        yield app
        jobqueue.huey.storage.flush_all()
        db.session.remove()
        if BACKEND == "postgresql":
            from tests.conftest import _empty_postgres

            _empty_postgres()
        db.engine.dispose()


STORAGES = ["sqlite"] + (["postgresql"] if BACKEND == "postgresql" else [])


@pytest.mark.parametrize("queued_app", STORAGES, indirect=True)
def test_a_task_is_queued_when_the_transaction_commits_and_not_on_rollback(queued_app):
    storage = jobqueue.huey.storage
    with pytest.raises(RuntimeError, match="from inside a transaction"):
        jobqueue.enqueue_on_commit(batch.print_meeting, 1)

    def asks_then_fails() -> None:
        with unit_of_work():
            jobqueue.enqueue_on_commit(batch.print_meeting, 1)
            raise ValueError("hỏng")

    with pytest.raises(ValueError, match="hỏng"):
        asks_then_fails()
    assert storage.queue_size() == 0
    with unit_of_work():
        jobqueue.enqueue_on_commit(batch.print_meeting, 1)
        assert storage.queue_size() == 0  # not before the commit
    assert storage.queue_size() == 1
    task = jobqueue.huey.dequeue()
    assert task.name.endswith("print_meeting") and task.args == (1,)


def test_one_print_job_per_meeting_while_it_is_active(queued_app):
    world = fast_world()
    _sign_meeting(world, 2)
    signer = world.users["signer"]
    first = batch.create_job(signer, "upper", SIGNED_ON)
    # a second request, by anyone, is shown the job already waiting: nothing more is queued
    assert batch.create_job(world.users["signer2"], "upper", SIGNED_ON) == first
    assert jobqueue.huey.storage.queue_size() == 1
    # the worker runs it
    jobqueue.huey.execute(jobqueue.huey.dequeue())
    db.session.rollback()
    job = db.session.get(PrintJob, first)
    assert (job.status, job.done, job.total, job.attempts) == ("done", 2, 2, 1)
    # a second copy of the finished task (queued again by the periodic check) does nothing
    batch.run_job(first)
    assert db.session.get(PrintJob, first).attempts == 1
    # once it is done, printing again is a new job
    assert batch.create_job(signer, "upper", SIGNED_ON) != first


def test_a_job_whose_worker_died_is_resumed_by_the_periodic_check(queued_app):
    world = fast_world()
    _sign_meeting(world, 5)
    job_id = batch.create_job(world.users["signer"], "upper", SIGNED_ON)
    jobqueue.huey.storage.flush_queue()  # the worker took the task, then died:
    decisions = _meeting()
    batch.render_and_store_all(decisions[:2], 1)  # it had stored two PDFs
    with unit_of_work():
        job = db.session.get(PrintJob, job_id)
        job.status, job.lease, job.attempts, job.done = "running", "dead", 1, 2
        job.heartbeat_at = utcnow() - timedelta(seconds=1)
    # a live worker's job is left alone
    assert batch.stalled_jobs() == []
    with unit_of_work():
        db.session.get(PrintJob, job_id).heartbeat_at = utcnow() - timedelta(seconds=3)
    assert batch.stalled_jobs() == [job_id]
    batch.resume_stalled.call_local()
    assert jobqueue.huey.storage.queue_size() == 1
    jobqueue.huey.execute(jobqueue.huey.dequeue())
    db.session.rollback()
    job = db.session.get(PrintJob, job_id)
    assert (job.status, job.done, job.attempts) == ("done", 5, 2)
    rendered = db.session.scalars(
        select(AuditEntry.subject_id).where(AuditEntry.action == "document.rendered")
    ).all()
    assert sorted(rendered) == sorted(d.id for d in _meeting())  # one each, none twice
    # the dead worker, were it to wake up, may write nothing more
    with pytest.raises(batch.LeaseLost):
        batch._progress(job_id, "dead", status="failed")


def test_a_job_taken_too_many_times_fails(queued_app):
    world = fast_world()
    _sign_meeting(world, 1)
    job_id = batch.create_job(world.users["signer"], "upper", SIGNED_ON)
    with unit_of_work():
        job = db.session.get(PrintJob, job_id)
        job.status, job.attempts = "running", queued_app.config["PRINT_JOB_MAX_ATTEMPTS"]
        job.heartbeat_at = utcnow() - timedelta(minutes=5)
    batch.run_job(job_id)
    db.session.rollback()
    job = db.session.get(PrintJob, job_id)
    assert (job.status, job.error) == ("failed", "TooManyAttempts")


def test_the_daily_jobs_run_from_the_scheduler_once_a_day(app, world):
    # 01:30 in Hà Nội is 18:30 UTC the day before
    assert jobs.daily_is_due(datetime(2026, 6, 14, 18, 30, tzinfo=UTC))
    assert not jobs.daily_is_due(datetime(2026, 6, 14, 18, 31, tzinfo=UTC))
    assert not jobs.daily_is_due(datetime(2026, 6, 15, 1, 30, tzinfo=UTC))
    app.config["DAILY_JOB_AT"] = "02:05"
    assert jobs.daily_is_due(datetime(2026, 6, 14, 19, 5, tzinfo=UTC))
    assert jobs.scheduled_daily.task_class in jobqueue.huey._registry._periodic_tasks
    jobs.scheduled_daily.call_local()
    runs = db.session.scalars(select(JobRun.job).order_by(JobRun.id)).all()
    assert runs == ["daily", "scan_deadlines", "sweep_files"]
    # a second worker's scheduler queued it too: it finds the run and does nothing
    jobs.scheduled_daily.call_local()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 3
    late, last = jobs.daily_late()
    assert not late and last.status == "ok"


def test_health_and_the_jobs_page_show_the_queue(app, world, client, login):
    body = client.get("/healthz").json
    assert body["checks"]["queue"] == "ok"
    assert body["queue"] == {"storage": "immediate", "pending": 0}
    page = login("dept").get("/admin/jobs").get_data(as_text=True)
    assert "Hàng đợi việc" in page and "Việc chờ nhận: 0" in page


def test_health_fails_when_the_queue_does_not_answer(app, world, client, monkeypatch):
    def broken():
        raise OSError("unreachable")

    monkeypatch.setattr(jobqueue.huey.storage, "queue_size", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"] == "fail"
    assert response.json["checks"]["database"] == "ok"


# --- real worker processes ------------------------------------------------------------------


def _worker(app, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "WORKFLOW_INSTANCE_PATH": app.instance_path,
        "WORKFLOW_TESTING": "true",
        "WORKFLOW_FIXED_TODAY": TODAY.isoformat(),
        "WORKFLOW_QUEUE_IMMEDIATE": "false",
        "WORKFLOW_QUEUE_STORAGE": app.config["QUEUE_STORAGE"],
        "WORKFLOW_QUEUE_SQLITE_PATH": app.config["QUEUE_SQLITE_PATH"],
        "WORKFLOW_QUEUE_POLL_MAX_SECONDS": "0.2",
        "WORKFLOW_RENDER_PROCESSES": "1",
        "WORKFLOW_PRINT_JOB_STALE_SECONDS": str(app.config["PRINT_JOB_STALE_SECONDS"]),
        "WORKFLOW_SQLITE_BUSY_TIMEOUT": "30",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "wf", "worker", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed with its rendering children
        )


def _job(job_id: int) -> PrintJob:
    db.session.rollback()
    return db.session.get(PrintJob, job_id)


def _wait(what, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out; worker log:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.mark.slow
@pytest.mark.parametrize("queued_app", STORAGES, indirect=True)
def test_a_worker_killed_mid_batch_is_restarted_and_the_batch_finishes_whole(queued_app, tmp_path):
    world = fast_world()
    count = 20
    _sign_meeting(world, count)
    log = tmp_path / "worker.log"
    job_id = batch.create_job(world.users["signer"], "upper", SIGNED_ON)
    worker = _worker(queued_app, log)
    try:
        # the first group of PDFs is stored, the rest not yet: kill the worker and its group
        _wait(lambda: 0 < _job(job_id).done < count, 120, log)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed = _job(job_id)
        assert killed.status == "running" and killed.done < count
        worker = _worker(queued_app, log)
        _wait(lambda: _job(job_id).status not in ("pending", "running"), 180, log)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
    job = _job(job_id)
    assert job.status == "done", (job.error, log.read_text(errors="replace")[-3000:])
    assert (job.done, job.total) == (count, count) and job.attempts == 2
    decisions = _meeting()
    # numbers gapless, each decision's PDF present once and as recorded
    assert [d.number for d in decisions] == list(range(1, count + 1))
    rendered = db.session.scalars(
        select(AuditEntry.subject_id).where(AuditEntry.action == "document.rendered")
    ).all()
    assert sorted(rendered) == sorted(d.id for d in decisions)
    for decision in decisions:
        data = stored_files.get(service.document_key(decision.pdf_path))
        assert hashlib.sha256(data).hexdigest() == decision.pdf_sha256
    with zipfile.ZipFile(io.BytesIO(stored_files.get(batch.job_file(job, "zip")))) as archive:
        names = archive.namelist()
        assert len(names) == count
        for decision in decisions:
            assert archive.read(service.download_name(decision)) == service.pdf_bytes(decision)
    assert stored_files.stat(batch.job_file(job, "pdf")).size > 0

"""The periodic jobs: running them, recording their runs, telling when the daily run is late.

The daily jobs (the scan of deadlines, which ends probations, then the sweep of unused files)
run from the job queue's scheduler at ``DAILY_JOB_AT`` (every worker's scheduler queues them;
the first run of the day does the work and the others see it and stop), or by hand with
``flask wf daily``. Each run is a row written when it starts and completed when it ends, so a
run that died shows as never finished, and workers that never ran, or stopped, show as a daily
run older than ``DAILY_RUN_MAX_AGE_HOURS``.
"""

from __future__ import annotations

import logging
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from workflow import jobqueue
from workflow.clock import LOCAL_TZ
from workflow.extensions import db
from workflow.models import JobRun, PrintJob, utcnow
from workflow.store.uow import transactional

#: the jobs, as the pages name them
JOB_LABELS = {
    "daily": "Việc hằng ngày",
    "scan_deadlines": "Quét thời hạn, bước tự động",
    "sweep_files": "Dọn tệp không còn dùng",
}
STATUS_LABELS = {"running": "Đang chạy", "ok": "Hoàn thành", "failed": "Lỗi"}


@transactional
def _start(job: str) -> int:
    run = JobRun(job=job, started_at=utcnow(), status="running", host=socket.gethostname()[:100])
    db.session.add(run)
    db.session.flush()
    return run.id


@transactional
def _finish(run_id: int, status: str, summary: str) -> None:
    run = db.session.get(JobRun, run_id, with_for_update=True)
    run.finished_at, run.status, run.summary = utcnow(), status, summary[:2000]


@contextmanager
def recorded(job: str) -> Iterator[Callable[[str], None]]:
    """Run a job as a recorded run; the caller adds lines of its summary with the function
    this yields. An exception marks the run failed (with its kind, no details) and goes on."""
    run_id = _start(job)
    lines: list[str] = []
    try:
        yield lines.append
    except BaseException as exc:
        db.session.rollback()
        _finish(run_id, "failed", f"Lỗi: {type(exc).__name__}")
        raise
    _finish(run_id, "ok", "\n".join(lines))


def last_run(job: str, *, ok: bool = False) -> JobRun | None:
    stmt = select(JobRun).where(JobRun.job == job)
    if ok:
        stmt = stmt.where(JobRun.status == "ok")
    return db.session.scalars(stmt.order_by(JobRun.started_at.desc()).limit(1)).first()


def recent(limit: int = 60) -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc()).limit(limit)))


def daily_late(now: datetime | None = None) -> tuple[bool, JobRun | None]:
    """Whether the last completed daily run is older than DAILY_RUN_MAX_AGE_HOURS (or there
    was none), and that run."""
    now = now or utcnow()
    last = last_run("daily", ok=True)
    limit = timedelta(hours=current_app.config["DAILY_RUN_MAX_AGE_HOURS"])
    return (last is None or now - last.started_at > limit), last


def scan_deadlines(say: Callable[[str], None]) -> None:
    """Take the steps that come due with a clock and mark newly overdue deadlines."""
    from workflow.clock import today
    from workflow.operations.deadlines import scan

    report = scan(today())
    steps = Counter(label for _, label in report.taken)
    for label, count in sorted(steps.items()):
        say(f"{label}: {count} hồ sơ.")
    say(
        f"Bước tự động: {len(report.taken)} hồ sơ; "
        f"mới quá hạn: {len(report.newly_overdue)} thời hạn."
    )
    for case_id, reason in report.skipped.items():
        say(f"  bỏ qua hồ sơ {case_id}: {reason}")


def sweep_files(say: Callable[[str], None], older_than_hours: int, dry_run: bool) -> None:
    """Remove stored files no row names, older than ``older_than_hours``."""
    from workflow.operations.sweep import sweep

    # files carry the real time they were written: compared with the real clock
    report = sweep(timedelta(hours=older_than_hours), now=time.time(), dry_run=dry_run)
    verb = "Sẽ xóa" if dry_run else "Đã xóa"
    say(
        f"{verb} {len(report.removed)} tệp không còn dùng ({report.removed_bytes} byte); "
        f"giữ {report.kept} tệp đang dùng, {len(report.young)} tệp mới ghi chưa xét."
    )
    for path in report.removed:
        say(f"  {'sẽ xóa' if dry_run else 'đã xóa'}: {path}")
    for path in report.foreign:
        say(f"  không phải tệp của ứng dụng, để nguyên: {path}")


def run_daily(say: Callable[[str], None]) -> None:
    """The daily jobs, each recorded: the scan of deadlines, then the sweep of files."""

    def both(*notes: Callable[[str], None]) -> Callable[[str], None]:
        def line(text: str) -> None:
            say(text)
            for note in notes:
                note(text)

        return line

    with recorded("daily") as note:
        with recorded("scan_deadlines") as scan_note:
            scan_deadlines(both(note, scan_note))
        with recorded("sweep_files") as sweep_note:
            sweep_files(both(note, sweep_note), 24, False)


log = logging.getLogger("workflow.jobs")

#: a scheduled daily run started this soon after another daily run does nothing: each
#: worker's scheduler queues it at the same minute
DAILY_DUPLICATE_WINDOW = timedelta(hours=1)


def daily_is_due(moment: datetime) -> bool:
    """Whether ``moment`` (aware) is the minute DAILY_JOB_AT names, in local time."""
    hour, minute = (int(part) for part in jobqueue.config("DAILY_JOB_AT").split(":"))
    local = moment.astimezone(LOCAL_TZ)
    return (local.hour, local.minute) == (hour, minute)


@jobqueue.periodic_task(daily_is_due)
def scheduled_daily() -> None:
    """The daily jobs, queued by the workers' scheduler; one run a day whatever the number of
    workers (the queue's lock lets one at a time in, and the later ones find its run)."""
    with jobqueue.huey.lock_task("daily"):
        last = last_run("daily")
        if last is not None and utcnow() - last.started_at < DAILY_DUPLICATE_WINDOW:
            log.info("daily jobs already ran at %s: nothing to do", last.started_at)
            db.session.rollback()
            return
        db.session.rollback()
        run_daily(log.info)


QUEUE_LABELS = {
    "sqlite": "tệp SQLite trên máy này",
    "postgresql": "cơ sở dữ liệu PostgreSQL (bảng huey_*)",
    "immediate": "chạy ngay trong tiến trình yêu cầu (thử nghiệm)",
}


def queue_state() -> dict[str, Any]:
    """The queue's storage, its pending and scheduled counts; ``error`` when it does not
    answer."""
    try:
        state = jobqueue.state()
    except Exception as exc:
        log.warning("the queue's storage does not answer: %s", type(exc).__name__)
        return {"error": type(exc).__name__}
    return {**state, "label": QUEUE_LABELS[state["storage"]], "error": None}


def active_print_jobs(limit: int = 20) -> list[PrintJob]:
    return list(
        db.session.scalars(
            select(PrintJob)
            .where(PrintJob.status.in_(("pending", "running")))
            .order_by(PrintJob.id)
            .limit(limit)
        )
    )

"""Recording the runs of the periodic jobs, and telling when the daily run is late.

The daily jobs (``flask wf daily``: the scan of deadlines, which ends probations, then the
sweep of unused files) run from the machine's timer. Each run is a row written when it starts
and completed when it ends, so a run that died shows as never finished, and a timer that was
never installed, or stopped, shows as a daily run older than ``DAILY_RUN_MAX_AGE_HOURS``.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import JobRun, utcnow
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

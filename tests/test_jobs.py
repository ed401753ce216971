"""The daily jobs' runs are recorded, and the department is told when the daily run is late
(the machine's timer was never installed, or stopped)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import page
from workflow.extensions import db
from workflow.models import JobRun, utcnow
from workflow.operations import jobs
from workflow.store.uow import unit_of_work

LATE = "Việc chạy hằng ngày"


def _runs() -> list[JobRun]:
    db.session.rollback()
    return list(db.session.scalars(select(JobRun).order_by(JobRun.id)))


def test_the_daily_command_records_each_job_and_its_summary(app, world):
    result = app.test_cli_runner().invoke(args=["wf", "daily"])
    assert result.exit_code == 0, result.output
    assert "Bước tự động:" in result.output and "tệp không còn dùng" in result.output
    runs = _runs()
    assert [r.job for r in runs] == ["daily", "scan_deadlines", "sweep_files"]
    assert all(r.status == "ok" and r.finished_at is not None and r.host for r in runs)
    assert "Bước tự động:" in runs[0].summary and "tệp không còn dùng" in runs[0].summary
    assert "tệp" not in runs[1].summary and "Bước tự động" not in runs[2].summary


def test_a_job_that_fails_is_recorded_as_failed(app, world, monkeypatch):
    def broken(_today):
        raise RuntimeError("mất kết nối")

    monkeypatch.setattr("workflow.operations.deadlines.scan", broken)
    result = app.test_cli_runner().invoke(args=["wf", "scan-deadlines"])
    assert result.exit_code != 0
    [run] = _runs()
    assert (run.job, run.status, run.summary) == ("scan_deadlines", "failed", "Lỗi: RuntimeError")
    assert run.finished_at is not None


def test_recorded_marks_a_run_failed_and_lets_the_error_through(app, world):
    def job() -> None:
        with jobs.recorded("sweep_files") as note:
            note("bắt đầu")
            raise ValueError("hỏng")

    with pytest.raises(ValueError, match="hỏng"):
        job()
    [run] = _runs()
    assert run.status == "failed"


def test_the_department_is_warned_when_the_daily_run_is_late(app, world, login):
    dept = login("dept")
    assert "chưa chạy lần nào" in page(dept.get("/"))
    assert app.test_cli_runner().invoke(args=["wf", "daily"]).exit_code == 0
    assert LATE not in page(dept.get("/"))
    jobs_page = page(dept.get("/admin/jobs"))
    assert "Việc hằng ngày chạy xong lần cuối" in jobs_page
    assert "Quét thời hạn, bước tự động" in jobs_page and "Hoàn thành" in jobs_page
    # 37 hours later, with no run since
    with unit_of_work():
        for run in db.session.scalars(select(JobRun)):
            run.started_at = utcnow() - timedelta(hours=37)
    body = page(dept.get("/"))
    assert LATE in body and "đã quá 36 giờ" in body
    # a cell secretary is not the one to act on it
    assert LATE not in page(login("sec1").get("/"))
    assert login("sec1").get("/admin/jobs").status_code == 403

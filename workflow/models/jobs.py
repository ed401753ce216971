"""Runs of the periodic jobs (the daily scan of deadlines, the sweep of unused files): when each
began and ended, and what it did, so that a job that stopped running is noticed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow


class JobRun(Base):
    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: daily | scan_deadlines | sweep_files
    job: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    #: running | ok | failed
    status: Mapped[str] = mapped_column(String(10), default="running")
    #: what it did, in words ("Bước tự động: 3 hồ sơ; …"), or why it failed
    summary: Mapped[str] = mapped_column(Text, default="")
    #: the machine that ran it
    host: Mapped[str] = mapped_column(String(100), default="")

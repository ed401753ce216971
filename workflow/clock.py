"""The application's clock. Tests and demonstrations move it instead of sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

#: dates are Vietnamese calendar dates whatever the server's time zone
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    def __init__(self, fixed_today: date | None = None):
        self.fixed_today = fixed_today
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """Aware UTC time; with a fixed day, that day at the current local time of day."""
        real = datetime.now(UTC) + self.offset
        if self.fixed_today is None:
            return real
        local = real.astimezone(LOCAL_TZ)
        return datetime.combine(self.fixed_today, local.timetz()).astimezone(UTC)

    def seconds(self) -> float:
        """Unix time for what counts real seconds (one-time codes): the real time, moved only
        by ``advance`` and ``pass_seconds``, never by a fixed day."""
        return (datetime.now(UTC) + self.offset).timestamp()

    def pass_seconds(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)

    def today(self) -> date:
        if self.fixed_today is not None:
            return self.fixed_today
        return self.now().astimezone(LOCAL_TZ).date()

    def set_today(self, day: date) -> None:
        self.fixed_today = day

    def advance(self, days: int) -> None:
        if self.fixed_today is not None:
            self.fixed_today += timedelta(days=days)
        else:
            self.offset += timedelta(days=days)


def clock() -> Clock:
    return current_app.extensions["workflow.clock"]


def today() -> date:
    return clock().today()

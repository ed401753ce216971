"""Working days: the Vietnamese public holidays plus the committee's own corrections."""

from __future__ import annotations

from datetime import date

import holidays
from sqlalchemy import select

from states import dates
from workflow.extensions import db
from workflow.models import CalendarOverride


class WorkingCalendar:
    """``is_working(day)``: the override table wins, then the ``holidays`` Vietnamese calendar
    (weekends, Tết, substitute days off and decreed make-up Saturdays)."""

    def __init__(self, overrides: dict[date, str]):
        self.overrides = overrides
        self._public = holidays.country_holidays("VN", language="vi")

    def is_working(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == "working_day"
        return self._public.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        return self._public.get(day)

    def add_working_days(self, start: date, days: int) -> date:
        return dates.add_working_days(start, days, self.is_working)

    def working_days_left(self, today: date, due: date) -> int:
        return dates.working_days_left(today, due, self.is_working)

    def left(self, deadline, today: date) -> int:
        """What is left of a clock, in its own unit: working days, or calendar days for a
        period counted in months or days (negative: overdue)."""
        if deadline.unit in ("months", "days"):
            return (deadline.due_on - today).days
        return self.working_days_left(today, deadline.due_on)


def load_calendar() -> WorkingCalendar:
    """One calendar per database session (a request's: the override table is small); a
    change of the overrides forgets it (``forget_calendar``)."""
    cached = db.session.info.get("calendar")
    if cached is None:
        rows = db.session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
        cached = WorkingCalendar(dict(rows))
        db.session.info["calendar"] = cached
    return cached


def forget_calendar() -> None:
    db.session.info.pop("calendar", None)

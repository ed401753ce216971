"""Calendar arithmetic of the rules: months with month-end clamping, age in months, working days.

Working days are counted with a predicate supplied by the application (the Vietnamese public
holidays plus the committee's own table of extra days off and make-up working days), so this
module stays free of any data source.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

IsWorkingDay = Callable[[date], bool]


def add_months(d: date, months: int) -> date:
    """Same day ``months`` later; a day past the month's end becomes its last day.

    31 January + 1 month = 28 (or 29) February; 29 February + 12 months = 28 February.
    """
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def needs_leap_day_review(start: date) -> bool:
    """A period that starts on 29 February ends on a clamped day a person should confirm."""
    return start.month == 2 and start.day == 29


def full_months_between(start: date, end: date) -> int:
    """Completed calendar months from ``start`` to ``end`` (negative if ``end`` is earlier).

    The rule's formula: (Y2−Y1)·12 + (M2−M1) − (1 if D2 < D1), with month-end clamping, so a
    person born on 31 March has completed a month on 30 April.
    """
    if end < start:
        return -full_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def age_in_months(birth: date, on: date) -> int:
    return full_months_between(birth, on)


def format_months(months: int) -> str:
    years, rest = divmod(abs(months), 12)
    sign = "-" if months < 0 else ""
    if rest == 0:
        return f"{sign}{years} năm"
    return f"{sign}{years} năm {rest} tháng"


def add_working_days(start: date, days: int, is_working: IsWorkingDay) -> date:
    """The ``days``-th working day after ``start`` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working(current):
            counted += 1
    return current


def working_days_between(start: date, end: date, is_working: IsWorkingDay) -> int:
    """Working days in the half-open interval (start, end]; negative when ``end`` < ``start``."""
    if end < start:
        return -working_days_between(end, start, is_working)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working(current):
            count += 1
    return count


def working_days_left(today: date, due: date, is_working: IsWorkingDay) -> int:
    """0 when due today, positive before, negative (working days overdue) after."""
    return working_days_between(today, due, is_working)


def vn_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def vn_long_date(d: date, padded_months: tuple[int, ...] = (1, 2)) -> str:
    """As dated in documents: "ngày 05 tháng 3 năm 2026" — days below 10 and the months in
    ``padded_months`` take a leading zero (the Party's document-format guidance)."""
    month = f"{d.month:02d}" if d.month in padded_months else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def party_age_months(admission_decision: date, on: date, gaps: list[tuple[date, date]] = ()) -> int:
    """Party age: full months from the admission decision's signing, minus recorded gaps."""
    total = full_months_between(admission_decision, on)
    for start, end in gaps:
        total -= max(0, full_months_between(start, min(end, on)))
    return max(0, total)

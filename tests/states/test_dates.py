"""states.dates: months with month-end clamping, age in months and working days."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from states.dates import (
    add_months,
    add_working_days,
    age_in_months,
    format_months,
    full_months_between,
    needs_leap_day_review,
    vn_date,
    working_days_between,
    working_days_left,
)


def weekdays(d: date) -> bool:
    """Monday to Friday are working days; no holidays."""
    return d.weekday() < 5


HOLIDAYS = {date(2026, 4, 30), date(2026, 5, 1)}


def weekdays_with_holidays(d: date) -> bool:
    """Weekends off plus two public holidays (Thursday 30/4 and Friday 1/5/2026)."""
    return d.weekday() < 5 and d not in HOLIDAYS


@pytest.fixture(scope="module")
def vn_working_day():
    return holidays.country_holidays("VN", language="vi").is_working_day


# --- add_months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 2, 28), -12, date(2024, 2, 28)),
        (date(2026, 6, 15), -216, date(2008, 6, 15)),
        (date(2021, 6, 15), 60, date(2026, 6, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2024, 2, 29), True),
        (date(2024, 2, 28), False),
        (date(2025, 2, 28), False),
        (date(2024, 3, 1), False),
        (date(2024, 1, 29), False),
    ],
)
def test_needs_leap_day_review_only_for_29_february(start, expected):
    assert needs_leap_day_review(start) is expected


# --- full_months_between and age_in_months ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 1, 15), date(2025, 1, 15), 0),
        (date(2025, 1, 15), date(2025, 2, 14), 0),
        (date(2025, 1, 15), date(2025, 2, 15), 1),
        (date(2025, 1, 15), date(2026, 1, 14), 11),
        (date(2025, 1, 15), date(2026, 1, 15), 12),
        # (Y2−Y1)·12 + (M2−M1) − (1 if D2 < D1), the start day clamped to the end month
        (date(2025, 3, 31), date(2025, 4, 29), 0),
        (date(2025, 3, 31), date(2025, 4, 30), 1),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 1, 31), date(2025, 3, 1), 1),
        (date(2025, 1, 31), date(2025, 3, 30), 1),
        (date(2025, 1, 31), date(2025, 3, 31), 2),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2024, 12, 31), date(2025, 2, 28), 2),
    ],
)
def test_full_months_between(start, end, expected):
    assert full_months_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 15), date(2025, 2, 15)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2020, 6, 1), date(2026, 5, 31)),
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_full_months_between_is_negative_when_reversed(start, end):
    forward = full_months_between(start, end)
    assert forward > 0
    assert full_months_between(end, start) == -forward


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        # the day before the 18th birthday: 17 years 11 months
        (date(2008, 6, 16), date(2026, 6, 15), 215),
        (date(2008, 7, 15), date(2026, 6, 15), 215),
        # the 18th birthday itself: exactly 216 months
        (date(2008, 6, 15), date(2026, 6, 15), 216),
        (date(2008, 6, 14), date(2026, 6, 15), 216),
        # 60 years: 720 months on the birthday, 721 a month later
        (date(1966, 6, 15), date(2026, 6, 15), 720),
        (date(1966, 5, 16), date(2026, 6, 15), 720),
        (date(1966, 5, 15), date(2026, 6, 15), 721),
    ],
)
def test_age_in_months_around_birthdays(birth, on, expected):
    assert age_in_months(birth, on) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 2, 27), 215),
        (date(2026, 2, 28), 216),
        (date(2026, 3, 1), 216),
        (date(2026, 3, 28), 216),
        (date(2026, 3, 29), 217),
    ],
)
def test_age_born_29_february_turns_18_on_28_february_of_a_common_year(on, expected):
    """Clamping: 29/2/2008 + 216 months = 28/2/2026, so the 18th birthday is 28 February."""
    assert age_in_months(date(2008, 2, 29), on) == expected


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (0, "0 năm"),
        (11, "0 năm 11 tháng"),
        (12, "1 năm"),
        (215, "17 năm 11 tháng"),
        (216, "18 năm"),
        (721, "60 năm 1 tháng"),
        (-13, "-1 năm 1 tháng"),
        (-24, "-2 năm"),
    ],
)
def test_format_months(months, expected):
    assert format_months(months) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2026, 3, 5), "05/03/2026"), (date(1999, 12, 31), "31/12/1999"), (None, "")],
)
def test_vn_date(value, expected):
    assert vn_date(value) == expected


# --- working days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 2), 0, date(2026, 3, 2)),  # 0 days: the start itself
        (date(2026, 3, 7), 0, date(2026, 3, 7)),  # even on a Saturday
        (date(2026, 3, 2), 1, date(2026, 3, 3)),  # Monday → Tuesday: start not counted
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday → Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 3, 2), 5, date(2026, 3, 9)),
        (date(2026, 3, 2), 10, date(2026, 3, 16)),
    ],
)
def test_add_working_days_weekends_off(start, days, expected):
    assert add_working_days(start, days, weekdays) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 4, 29), 1, date(2026, 5, 4)),  # Wed → skips Thu, Fri holidays and weekend
        (date(2026, 4, 28), 2, date(2026, 5, 4)),
        (date(2026, 4, 30), 0, date(2026, 4, 30)),
        (date(2026, 4, 27), 5, date(2026, 5, 6)),
    ],
)
def test_add_working_days_with_holidays(start, days, expected):
    assert add_working_days(start, days, weekdays_with_holidays) == expected


@pytest.mark.parametrize("days", [-1, -30])
def test_add_working_days_refuses_negative_days(days):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 3, 2), days, weekdays)


@pytest.mark.parametrize(
    ("start", "end", "predicate", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), weekdays, 0),
        (date(2026, 3, 2), date(2026, 3, 3), weekdays, 1),
        (date(2026, 3, 6), date(2026, 3, 9), weekdays, 1),
        (date(2026, 3, 2), date(2026, 3, 9), weekdays, 5),
        (date(2026, 3, 9), date(2026, 3, 2), weekdays, -5),
        (date(2026, 4, 27), date(2026, 5, 8), weekdays, 9),
        (date(2026, 4, 27), date(2026, 5, 8), weekdays_with_holidays, 7),
        (date(2026, 5, 8), date(2026, 4, 27), weekdays_with_holidays, -7),
    ],
)
def test_working_days_between(start, end, predicate, expected):
    assert working_days_between(start, end, predicate) == expected


@pytest.mark.parametrize(
    ("start", "days"),
    [(date(2026, 3, 2), 7), (date(2026, 4, 24), 4), (date(2026, 4, 29), 13)],
)
def test_working_days_between_inverts_add_working_days(start, days):
    due = add_working_days(start, days, weekdays_with_holidays)
    assert working_days_between(start, due, weekdays_with_holidays) == days


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 2), 4),  # Monday, due Friday
        (date(2026, 3, 5), 1),
        (date(2026, 3, 6), 0),  # the due day
        (date(2026, 3, 7), 0),  # Saturday after: no working day has passed yet
        (date(2026, 3, 9), -1),  # the next Monday: one working day overdue
        (date(2026, 3, 13), -5),
    ],
)
def test_working_days_left_zero_on_due_day_negative_after(today, expected):
    assert working_days_left(today, date(2026, 3, 6), weekdays) == expected


# --- the real Vietnamese calendar ------------------------------------------------------------


def test_tet_2026_days_are_off(vn_working_day):
    tet = [date(2026, 2, 16) + timedelta(days=i) for i in range(5)]
    assert [vn_working_day(d) for d in tet] == [False] * 5
    assert vn_working_day(date(2026, 2, 13)) is True
    assert vn_working_day(date(2026, 2, 23)) is True


def test_ten_working_days_after_friday_before_tet_skip_the_holiday(vn_working_day):
    # Fri 13/2 → Tết 16–20/2 and two weekends off → 23–27/2 (5) and 2–6/3 (10)
    assert add_working_days(date(2026, 2, 13), 10, vn_working_day) == date(2026, 3, 6)
    # the weekend-only calendar would land a week earlier
    assert add_working_days(date(2026, 2, 13), 10, weekdays) == date(2026, 2, 27)
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 6), vn_working_day) == 10


def test_saturday_22_august_2026_is_a_make_up_working_day(vn_working_day):
    assert vn_working_day(date(2026, 8, 22)) is True
    assert vn_working_day(date(2026, 8, 31)) is False
    # Fri 21/8 → Fri 28/8: the make-up Saturday plus Monday–Friday
    assert working_days_between(date(2026, 8, 21), date(2026, 8, 28), vn_working_day) == 6
    assert working_days_between(date(2026, 8, 21), date(2026, 8, 28), weekdays) == 5
    assert add_working_days(date(2026, 8, 21), 1, vn_working_day) == date(2026, 8, 22)

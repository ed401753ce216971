"""The unit of work and ``@transactional``: who commits, and what happens when they compose."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import CalendarOverride
from workflow.store.uow import current_uow, in_unit_of_work, transactional, unit_of_work


def _add(day: date) -> int:
    row = CalendarOverride(day=day, kind="day_off", note="Nghỉ bù")
    db.session.add(row)
    db.session.flush()
    return row.id


@transactional
def add_day(day: date, *, fail: bool = False, events: list[str] | None = None) -> int:
    row_id = _add(day)
    if events is not None:
        current_uow().on_commit(lambda: events.append(f"commit {day.day}"))
        current_uow().on_rollback(lambda: events.append(f"rollback {day.day}"))
    if fail:
        raise ValueError("refused")
    return row_id


@transactional
def add_two_days(first: date, second: date, *, fail_second: bool = False) -> list[int]:
    return [add_day(first), add_day(second, fail=fail_second)]


def _days() -> list[date]:
    db.session.rollback()
    return list(db.session.scalars(select(CalendarOverride.day).order_by(CalendarOverride.day)))


def test_an_operation_commits_in_its_own_unit_of_work_and_runs_its_hooks_after(app):
    events: list[str] = []
    assert not in_unit_of_work()
    row_id = add_day(date(2026, 9, 3), events=events)
    assert not in_unit_of_work()
    assert events == ["commit 3"]
    assert _days() == [date(2026, 9, 3)]
    assert db.session.get(CalendarOverride, row_id).day == date(2026, 9, 3)


def test_a_failing_operation_writes_nothing_and_runs_its_rollback_hooks(app):
    events: list[str] = []
    with pytest.raises(ValueError, match="refused"):
        add_day(date(2026, 9, 3), fail=True, events=events)
    assert events == ["rollback 3"]
    assert _days() == []
    assert not in_unit_of_work()


def test_operations_composed_commit_once_together(app):
    add_two_days(date(2026, 9, 3), date(2026, 9, 4))
    assert _days() == [date(2026, 9, 3), date(2026, 9, 4)]


def test_an_inner_operation_failing_rolls_back_the_outer_one_too(app):
    with pytest.raises(ValueError, match="refused"):
        add_two_days(date(2026, 9, 3), date(2026, 9, 4), fail_second=True)
    assert _days() == []


def _add_in_an_open_unit_of_work_then_fail(events: list[str]) -> None:
    with unit_of_work():
        add_day(date(2026, 9, 3), events=events)
        assert db.session.scalar(select(func.count(CalendarOverride.id))) == 1
        assert events == []  # the hooks wait for the outer commit
        raise RuntimeError("stop")


def test_an_operation_inside_an_open_unit_of_work_joins_it(app):
    events: list[str] = []
    with pytest.raises(RuntimeError, match="stop"):
        _add_in_an_open_unit_of_work_then_fail(events)
    assert events == ["rollback 3"]
    assert _days() == []


def test_unit_of_work_itself_refuses_to_nest(app):
    with unit_of_work(), pytest.raises(RuntimeError, match="does not nest"), unit_of_work():
        pass


def test_changes_left_outside_a_unit_of_work_are_refused(app):
    db.session.add(CalendarOverride(day=date(2026, 9, 3), kind="day_off", note="Nghỉ bù"))
    with pytest.raises(RuntimeError, match="outside a unit of work"):
        add_day(date(2026, 9, 4))
    db.session.rollback()
    assert _days() == []

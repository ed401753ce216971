"""The demonstration's veterans: a few long-standing members whose party age reaches 30, 40
or 45 years by the next badge round's day (the dashboard counts them, the department opens the
round), and one seriously ill member a few months short of 30 years whom a cell may propose
early. Entered as a member list enters a member's history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from states import badges as rules_of
from states.dates import add_months
from states.rules import rules_on
from workflow.operations import people as people_ops
from workflow.store.uow import unit_of_work

#: the thresholds the demonstration's veterans reach by the next round
YEARS = (30, 30, 40, 45)


def _veteran(d, cell, decided: date, birth_year: int) -> None:
    data = d.person_data(birth_year, birth_year, "Chuyên viên chính")
    person = people_ops.create_person(data, cell=cell, actor=d.system)
    joined = decided + timedelta(days=d.rng.randint(7, 30))
    people_ops.record_membership(
        person,
        status="official",
        admission_decision_on=decided,
        joined_on=joined,
        official_on=add_months(joined, 12),
        card_number=f"25{d.rng.randrange(10**6):06d}",
        actor=d.system,
    )


def _veterans(d) -> Iterator[date]:
    yield d.today - timedelta(days=40)
    occasions = rules_on(d.today)["badge.occasions"]
    _, next_day = rules_of.next_round(d.today, occasions)
    since = rules_of.previous_round_day(next_day, occasions)
    span = (next_day - since).days
    with unit_of_work():
        _enter(d, since, span, next_day)


def _enter(d, since: date, span: int, next_day: date) -> None:
    for i, years in enumerate(YEARS):
        reach = since + timedelta(days=d.rng.randint(1, span))
        decided = add_months(reach, -12 * years)
        _veteran(d, d.cells[(i * 3) % len(d.cells)], decided, decided.year - 24)
    ill = add_months(next_day + timedelta(days=d.rng.randint(60, 200)), -12 * 30)
    _veteran(d, d.home_cell, ill, ill.year - 25)


def scenario(d) -> list[Iterator[date]]:
    return [_veterans(d)]

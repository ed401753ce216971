"""Sponsors (3-KNĐ): checked when their introduction is recorded, counted up to the day it was
given, and recorded again without doubling the dossier's papers."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.extensions import db
from workflow.models import Case
from workflow.store.errors import GuardFailed


def _preparing(world) -> tuple[int, date]:
    case_id = world.new_candidate("C1")
    world.advance(case_id, "preparing_dossier")
    return case_id, db.session.get(Case, case_id).last_event_on


def _rows(world, first_since: str, second_since: str = "2023-01-01", **extra):
    members = world.members["C1"]
    return [
        {"member": members[0], "together_since": first_since, **extra},
        {"member": members[1], "together_since": second_since},
    ]


def test_recording_the_sponsors_again_replaces_their_papers(world):
    case_id, day = _preparing(world)
    for _ in range(3):
        world.fire(
            case_id,
            "record_sponsors",
            "sec1",
            day,
            route="two_members",
            sponsors=_rows(world, "2023-01-01"),
        )
    case = db.session.get(Case, case_id)
    assert [d.purpose for d in case.documents].count("sponsor_letter") == 2
    assert len(case.sponsors) == 2


def test_a_sponsor_known_for_too_short_a_time_is_refused_when_recorded(world):
    case_id, day = _preparing(world)
    too_recent = f"{day.year - 1}-{day.month:02d}-{min(day.day + 1, 28):02d}"
    with pytest.raises(GuardFailed) as refused:
        world.fire(
            case_id,
            "record_sponsors",
            "sec1",
            day,
            route="two_members",
            sponsors=_rows(world, too_recent),
        )
    (verdict,) = refused.value.verdicts
    assert verdict.field == "sponsors-0-together_since"
    assert "11 tháng" in verdict.message
    db.session.rollback()
    assert not db.session.get(Case, case_id).sponsors
    # a sponsor the cell appointed to replace one who left is not held to the 12 months
    world.fire(
        case_id,
        "record_sponsors",
        "sec1",
        day,
        route="two_members",
        sponsors=_rows(world, too_recent, replacement=True),
    )
    sponsors = db.session.get(Case, case_id).sponsors
    assert len(sponsors) == 2
    assert {s.introduced_on for s in sponsors} == {day}

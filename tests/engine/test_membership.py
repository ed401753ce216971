"""Counts and choices of members read the lists as of the event's date, as the reports do: a
member who has left for another committee is no sponsor, helper or vote, and one who left after
a meeting still counts for it."""

from __future__ import annotations

from datetime import date

import pytest

from states import get_spec
from tests.transfers.test_transfers import DAY, official
from workflow.extensions import db
from workflow.field_choices import case_choices
from workflow.membership import cell_count_on, members_on
from workflow.models import Case, Person
from workflow.store.errors import InvalidInput
from workflow.views.cases import _defaults

BEFORE, AFTER = date(2025, 8, 20), date(2025, 9, 15)


def _leave_the_committee(world, member: int) -> None:
    case_id = official(world, member, to=None)
    world.fire(case_id, "record_grassroots_part", "gs1", reference="21-SHĐ")
    world.fire(case_id, "issue_letter", "dept")
    world.fire(case_id, "record_receipt", "dept", reference="Phiếu báo số 7, Đảng ủy xã Hùng Lô")
    assert db.session.get(Person, member).presence == "left"


def test_a_member_received_elsewhere_leaves_the_lists_from_that_day(world):
    cell = world.org("C1")
    gone = world.members["C1"][4]
    _leave_the_committee(world, gone)
    assert cell_count_on(cell, BEFORE) == 9
    assert cell_count_on(cell, AFTER) == 8
    assert gone in {p.id for p in members_on(cell.path, BEFORE)}
    assert gone not in {p.id for p in members_on(f"/{cell.ancestor_ids()[0]}/", AFTER)}


def test_the_member_who_left_is_no_sponsor_and_not_in_the_vote_total(app, world):
    gone = world.members["C1"][4]
    _leave_the_committee(world, gone)
    case_id = world.new_candidate("C1", opened=DAY)
    world.advance(case_id, "awaiting_cell_meeting", start=AFTER)
    case = db.session.get(Case, case_id)
    spec = get_spec("admission")
    (sponsors,) = spec.transitions_for("record_sponsors")
    offered = {int(k) for k, _ in case_choices(case, sponsors.fields)["member"]}
    assert gone not in offered and world.members["C1"][5] in offered
    (vote,) = spec.transitions_for("record_cell_resolution")
    with app.test_request_context():
        assert _defaults(case, vote.fields)["official_total"] == "8"
    day = db.session.get(Case, case_id).last_event_on
    with pytest.raises(InvalidInput) as refused:
        world.fire(case_id, "record_cell_resolution", "sec1", day, official_total=9, yes=9, no=0)
    message = refused.value.errors["official_total"]
    assert "có 8 đảng viên chính thức" in message and "không phải 9" in message
    assert db.session.get(Case, case_id).state == "awaiting_cell_meeting"
    world.fire(case_id, "record_cell_resolution", "sec1", day, official_total=8, yes=8, no=0)
    assert db.session.get(Case, case_id).state == "cell_resolved"


def test_a_member_who_has_left_cannot_be_named_as_sponsor(world):
    gone = world.members["C1"][4]
    _leave_the_committee(world, gone)
    case_id = world.new_candidate("C1", opened=DAY)
    world.advance(case_id, "preparing_dossier", start=AFTER)
    day = db.session.get(Case, case_id).last_event_on
    rows = [
        {"member": gone, "together_since": "2023-01-01"},
        {"member": world.members["C1"][1], "together_since": "2023-01-01"},
    ]
    with pytest.raises(InvalidInput) as refused:
        world.fire(case_id, "record_sponsors", "sec1", day, route="two_members", sponsors=rows)
    assert "sponsors-0-member" in refused.value.errors
    assert "sponsors-1-member" not in refused.value.errors

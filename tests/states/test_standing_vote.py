"""The standing committee decides when more than half of all its members agree, at a meeting
whose figures add up."""

from __future__ import annotations

from datetime import date

import pytest

from states.guards import standing_vote_carries
from states.rules import majority_needed, rules_on
from states.spec import GuardContext

DAY = date(2026, 3, 5)


def verdict(total: int, present: int, yes: int, no: int):
    payload = {"members_total": total, "members_present": present, "yes": yes, "no": no}
    return standing_vote_carries(GuardContext(None, DAY, payload, rules_on(DAY)))


@pytest.mark.parametrize(
    ("total", "present", "yes", "no", "code"),
    [
        (11, 9, 9, 0, ""),
        (11, 7, 6, 1, ""),  # 6 of 11: more than half of the members
        (11, 9, 5, 4, "vote.standing_no_majority"),  # 5 of 11 is not
        (10, 10, 5, 5, "vote.standing_no_majority"),  # exactly half is not more than half
        (10, 10, 6, 4, ""),
        (9, 10, 9, 0, "vote.standing_present_above_total"),
        (11, 8, 6, 3, "vote.standing_too_many_votes"),
    ],
)
def test_more_than_half_of_all_members(total, present, yes, no, code):
    v = verdict(total, present, yes, no)
    assert (v.code if not v.ok else "") == code
    if code:
        assert v.message and any(not ch.isascii() for ch in v.message)


def test_the_message_says_how_many_were_needed():
    assert majority_needed(11, (1, 2)) == 6
    assert majority_needed(10, (1, 2)) == 6
    assert "cần ít nhất 6" in verdict(11, 9, 5, 4).message


def test_before_the_form_is_filled_the_step_waits_for_the_vote():
    v = standing_vote_carries(GuardContext(None, DAY, None, rules_on(DAY)))
    assert v.ok and v.pending

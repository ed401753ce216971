"""Party age and a round's proposal as pure rules: gaps, 29 February, early and posthumous
awards, the waits after discipline, the gift money."""

from __future__ import annotations

from datetime import date

from states import badges
from states.party_age import Gap, compute, merge, reached_on
from states.rules import rules_on

RULES = rules_on(date(2026, 5, 19))
ROUND, SINCE = date(2026, 5, 19), date(2026, 2, 3)


def test_party_age_counts_from_the_decision_less_the_gaps_each_once():
    gaps = [
        Gap(date(2000, 3, 1), date(2001, 3, 1), "Xóa tên"),
        Gap(date(2000, 9, 1), date(2001, 6, 1), "Chuyển sinh hoạt quá hạn"),
    ]
    age = compute(date(1990, 5, 10), date(1990, 6, 1), gaps, date(2026, 5, 19))
    # 36 years 0 months from the decision, less the 15 months of the two periods joined
    assert age.months == 36 * 12 - 15
    assert [g.months for g in age.gaps] == [15]
    assert age.label == "34 năm 9 tháng"
    assert age.start_basis == "ngày ký quyết định kết nạp"
    assert not age.needs_review


def test_without_a_decision_the_card_date_counts_and_an_ongoing_gap_stops_the_age():
    age = compute(
        None, date(1995, 1, 1), [Gap(date(2020, 1, 1), None, "Xóa tên")], date(2026, 1, 1)
    )
    assert age.start_basis == "ngày vào Đảng ghi trên thẻ"
    assert age.months == 25 * 12
    assert reached_on(date(1995, 1, 1), [Gap(date(2020, 1, 1), None, "x")], 360) == date.max


def test_a_gap_moves_the_day_a_threshold_is_reached():
    start = date(1996, 1, 10)
    assert reached_on(start, [], 360) == date(2026, 1, 10)
    assert reached_on(start, [Gap(date(2001, 1, 1), date(2001, 5, 1), "x")], 360) == date(
        2026, 5, 10
    )
    assert (
        merge([Gap(date(2001, 1, 1), date(2001, 2, 1), "a"), Gap(date(2001, 2, 1), None, "b")])[
            0
        ].end
        is None
    )


def test_the_29_february_start_is_flagged_for_a_person_to_confirm():
    age = compute(date(1996, 2, 29), None, [], date(2026, 3, 1))
    assert age.needs_review and age.months == 360
    assert reached_on(date(1996, 2, 29), [], 360) == date(2026, 2, 28)
    proposal = badges.propose(badges.Record(1, date(1996, 2, 29)), ROUND, SINCE, RULES)
    assert proposal.years == 30 and proposal.needs_review


def test_the_round_proposes_the_threshold_reached_since_the_previous_round():
    reached = badges.Record(1, date(1996, 3, 1))
    assert badges.propose(reached, ROUND, SINCE, RULES).years == 30
    # reached before the previous round: that round proposed it
    assert badges.propose(badges.Record(2, date(1995, 12, 1)), ROUND, SINCE, RULES) is None
    # 45 years by months
    assert badges.propose(badges.Record(3, date(1981, 4, 30)), ROUND, SINCE, RULES).years == 45
    # not reached yet
    assert badges.propose(badges.Record(4, date(1996, 6, 1)), ROUND, SINCE, RULES) is None
    # already given
    given = badges.Record(5, date(1996, 3, 1), awarded=frozenset({30}))
    assert badges.propose(given, ROUND, SINCE, RULES) is None


def test_a_reprimand_holds_the_member_back_six_months_a_warning_nine():
    reprimanded = badges.Record(
        1, date(1996, 3, 1), disciplines=(("reprimand", date(2026, 1, 10)),)
    )
    p = badges.propose(reprimanded, ROUND, SINCE, RULES)
    assert p.held_until == date(2026, 7, 10) and "khiển trách" in p.hold_reason
    warned = badges.Record(1, date(1996, 3, 1), disciplines=(("warning", date(2025, 8, 1)),))
    assert badges.propose(warned, ROUND, SINCE, RULES).hold_reason == ""  # ended 1/5/2026
    recent = badges.Record(1, date(1996, 3, 1), disciplines=(("warning", date(2025, 9, 1)),))
    assert badges.propose(recent, ROUND, SINCE, RULES).held_until == date(2026, 6, 1)
    # held back earlier: proposed again once the wait is over, though reached long ago
    later = badges.Record(1, date(1995, 6, 1), deferred=frozenset({30}))
    assert badges.propose(later, ROUND, SINCE, RULES).years == 30


def test_early_for_the_seriously_ill_within_12_or_24_months():
    assert badges.check_early(badges.Record(1, date(1997, 4, 1)), 30, ROUND, RULES) is None
    refused = badges.check_early(badges.Record(1, date(1997, 6, 1)), 30, ROUND, RULES)
    assert "không quá 12 tháng" in refused
    assert badges.check_early(badges.Record(1, date(1957, 6, 1)), 70, ROUND, RULES) is None
    assert "đúng hạn" in badges.check_early(badges.Record(1, date(1996, 3, 1)), 30, ROUND, RULES)


def test_posthumous_up_to_12_months_early_for_a_death_since_the_previous_round():
    died = badges.Record(1, date(1996, 12, 1), died_on=date(2026, 3, 1))
    p = badges.propose(died, ROUND, SINCE, RULES)
    assert (p.kind, p.years) == ("posthumous", 30)
    too_early = badges.Record(1, date(1997, 6, 1), died_on=date(2026, 3, 1))
    assert badges.propose(too_early, ROUND, SINCE, RULES) is None
    long_ago = badges.Record(1, date(1996, 12, 1), died_on=date(2025, 3, 1))
    assert badges.propose(long_ago, ROUND, SINCE, RULES) is None


def test_rounds_and_gift_money_from_the_settings():
    occasions = RULES["badge.occasions"]
    assert badges.previous_round_day(ROUND, occasions) == SINCE
    assert badges.next_round(date(2026, 5, 20), occasions) == ("2/9", date(2026, 9, 2))
    assert badges.gift(30, RULES) == 3_510_000
    assert badges.gift(45, RULES) is None
    assert RULES.setting("badge.gift_multipliers").uncertain

"""states.rules: the rule set in force on a date, its settings and the vote arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from states.rules import ADMISSION_FORMS, RULE_SETS, rules_on, vote_passes, votes_needed

TWO_THIRDS = (2, 3)


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2000, 1, 1), "2022-01"),
        (date(2022, 1, 17), "2022-01"),
        (date(2022, 1, 18), "2022-01"),
        (date(2025, 1, 19), "2022-01"),
        (date(2025, 1, 20), "2025-01"),
        (date(2025, 6, 30), "2025-01"),
        (date(2025, 7, 1), "2025-07"),
        (date(2025, 9, 28), "2025-07"),
        (date(2025, 9, 29), "2025-09"),
        (date(2030, 1, 1), "2025-09"),
    ],
)
def test_rules_on_picks_the_rule_set_in_force(day, key):
    assert rules_on(day).key == key


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.key)
def test_rules_on_an_effective_date_gives_that_rule_set(rule_set):
    assert rules_on(rule_set.effective_from) is rule_set


def test_rule_sets_are_in_effective_date_order_with_unique_keys():
    dates = [r.effective_from for r in RULE_SETS]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)
    assert len({r.key for r in RULE_SETS}) == len(RULE_SETS)


def test_every_rule_set_has_the_same_setting_keys():
    first = set(RULE_SETS[0].settings)
    assert first
    for rule_set in RULE_SETS[1:]:
        assert set(rule_set.settings) == first, rule_set.key


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.key)
def test_every_setting_has_a_source(rule_set):
    for key, setting in rule_set.settings.items():
        assert isinstance(setting.source, str), key
        assert setting.source.strip(), key
        assert rule_set.setting(key) is setting
        assert rule_set[key] == setting.value


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.key)
def test_legal_bases_start_with_the_charter(rule_set):
    assert rule_set.legal_bases[0] == "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"
    assert all(line.startswith("Căn cứ ") for line in rule_set.legal_bases)
    assert rule_set.title


DEFAULTS = {
    "admission.min_age_months": 216,
    "admission.max_age_months": 720,
    "admission.min_education": "lower_secondary",
    "admission.certificate_validity_months": 60,
    "admission.sponsor_count": 2,
    "admission.sponsor_shared_months": 12,
    "vote.approval_fraction": (2, 3),
    "admission.decision_working_days": 60,
    "admission.decision_extension_working_days": 30,
    "admission.ceremony_working_days": 30,
    "probation.months": 12,
    "deadline.origin": "next_working_day",
}


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.key)
@pytest.mark.parametrize(("key", "value"), DEFAULTS.items())
def test_domain_defaults(rule_set, key, value):
    assert rule_set[key] == value


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.key)
def test_admission_forms_codes(rule_set):
    forms = rule_set["admission.forms"]
    assert forms is ADMISSION_FORMS
    assert forms["opinions"][0] == "5-KNĐ"
    assert forms["cell_resolution"][0] == "6-KNĐ"
    assert forms["subcommittee_report"][0] == "7-KNĐ"
    assert forms["grassroots_resolution"][0] == "8-KNĐ"
    assert forms["admission_decision"][0] == "9-KNĐ"


@pytest.mark.parametrize(
    ("yes", "denominator", "expected"),
    [
        (6, 9, True),
        (5, 9, False),
        (9, 9, True),
        (4, 6, True),  # exactly 2/3
        (3, 6, False),
        (2, 3, True),  # exactly 2/3
        (1, 3, False),
        (5, 7, True),
        (4, 7, False),
        (1, 1, True),
        (0, 1, False),
        (0, 0, False),
        (5, 0, False),
        (667, 1000, True),
        (666, 1000, False),
    ],
)
def test_vote_passes_two_thirds(yes, denominator, expected):
    assert vote_passes(yes, denominator, TWO_THIRDS) is expected


@pytest.mark.parametrize(
    ("denominator", "expected"),
    [(9, 6), (7, 5), (6, 4), (3, 2), (2, 2), (1, 1), (0, 0), (1000, 667)],
)
def test_votes_needed_two_thirds(denominator, expected):
    assert votes_needed(denominator, TWO_THIRDS) == expected


@pytest.mark.parametrize("denominator", range(1, 40))
def test_votes_needed_is_the_smallest_passing_count(denominator):
    need = votes_needed(denominator, TWO_THIRDS)
    assert vote_passes(need, denominator, TWO_THIRDS)
    assert not vote_passes(need - 1, denominator, TWO_THIRDS)

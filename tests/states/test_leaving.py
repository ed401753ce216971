"""The procedures that take a member off the lists, as data: their tables, their guards and the
rule settings they declare in their own modules (pure: no database)."""

from __future__ import annotations

from datetime import date

import pytest

from states import REGISTRY, death, leaving, removal
from states import leaving_guards as g
from states.facts import OrgFacts, PersonFacts
from states.rules import RULE_SETS, Setting, declare, declared_settings, rules_on
from states.spec import GuardContext

DAY = date(2025, 9, 10)


def facts(**kw) -> g.LeavingFacts:
    base = {
        "today": DAY,
        "state": "proposed",
        "person": PersonFacts(
            1, "Nguyễn Văn An", date(1980, 1, 1), "male", "university", "official"
        ),
        "org": OrgFacts(1, "cell", False, False, False),
        "documents": frozenset(),
        "requests": 0,
        "complaint_due": None,
        "proposer_id": None,
        "actor_id": None,
        "ground": "skipped_activity",
        "official_on": date(2011, 2, 1),
    }
    base.update(kw)
    return g.LeavingFacts(**base)


def ctx(payload=None, day=DAY, **kw) -> GuardContext:
    return GuardContext(facts(**kw), day, payload, rules_on(day))


def test_the_five_grounds_are_dated_settings_with_sources_in_every_rule_set():
    for rule_set in RULE_SETS:
        for code, text in removal.GROUNDS:
            setting = rule_set.setting(f"removal.ground.{code}")
            assert setting.value == text
            assert "Điều 8" in setting.source and setting.source.count("https://") == 1
    assert len(removal.GROUNDS) == 5
    assert {c for c, _ in removal.GROUNDS} == {
        c for c, _ in next(f for f in removal.OPEN_FIELDS if f.name == "ground").choices
    }


def test_every_setting_a_procedure_declares_has_a_source_and_its_own_name():
    declared = declared_settings()
    for key in REGISTRY:
        for name, versions in REGISTRY[key].settings.items():
            assert name.startswith(key + ".")
            assert declared[name] == versions
            for since, setting in versions:
                assert isinstance(since, date) and setting.source.strip()
    assert rules_on(DAY)["death.dossier_working_days"] == 30
    assert rules_on(DAY)["removal.self_review_requests"] == 3
    assert rules_on(DAY).get("removal.nothing") is None
    with pytest.raises(KeyError):
        rules_on(DAY).setting("removal.nothing")


def test_declaring_is_checked():
    one = ((date(2022, 1, 18), Setting(1, "nguồn")),)
    with pytest.raises(ValueError, match="named"):
        declare("removal", {"leaving.x": one})
    with pytest.raises(ValueError, match="date order"):
        declare("removal", {"removal.x": (*one, *one)})
    with pytest.raises(ValueError, match="declared twice"):
        declare("removal", {"removal.self_review_requests": one})


def test_a_later_version_of_a_declared_setting_applies_from_its_rule_set_on():
    from states import rules

    key = "removal.test_only"
    versions = (
        (date(2022, 1, 18), Setting(1, "cũ")),
        (date(2025, 7, 1), Setting(2, "mới")),
    )
    rules._DECLARED[key] = versions
    try:
        assert rules_on(date(2025, 6, 30))[key] == 1
        assert rules_on(date(2025, 7, 1))[key] == 2
        assert rules_on(date(2030, 1, 1))[key] == 2
    finally:
        del rules._DECLARED[key]


def test_three_requests_at_most_then_the_cell_may_go_on():
    below = g.below_request_limit(removal.REQUESTS)
    proceed = g.may_proceed_without_review(removal.REQUESTS)
    assert below(ctx(requests=2)).ok
    assert not below(ctx(requests=3)).ok
    assert not proceed(ctx({"why": "no_answer"}, requests=2)).ok
    assert proceed(ctx({"why": "no_answer"}, requests=3)).ok
    assert proceed(ctx({"why": "refused"}, requests=0)).ok
    assert proceed(ctx(None)).pending


def test_violations_deserving_discipline_refuse_removal_and_leaving():
    refused = g.no_discipline_due(ctx({"violation": "deserves_discipline"}))
    assert not refused.ok and refused.field == "violation" and "kỷ luật" in refused.message
    assert g.no_discipline_due(ctx({"violation": "none"})).ok
    # the record's open discipline and suspension cases, not a declaration, say what is pending
    held = "Thi hành kỷ luật đảng viên: đang bị xem xét hoặc thi hành kỷ luật (chờ chi bộ họp)"
    pending = g.standing_clear(ctx({}, standing=(held,)))
    assert not pending.ok and held in pending.message and "xử lý vi phạm" in pending.message
    assert g.standing_clear(ctx({})).ok
    assert g.standing_clear(ctx(None)).ok
    # a removal waits only for violations still being considered, not for discipline in effect
    waiting = g.no_discipline_due(ctx({"violation": "none"}, considering=(held,)))
    assert not waiting.ok and "không xóa tên thay cho kỷ luật" in waiting.message
    assert g.no_discipline_due(ctx({"violation": "none"}, standing=("in effect",))).ok


def test_a_ground_not_in_force_on_the_day_is_refused():
    guard = g.ground_in_force(removal.GROUND_SETTING)
    assert guard(ctx({})).ok
    assert not guard(ctx({}, ground="invented")).ok


def test_the_complaint_period():
    due = date(2025, 10, 23)
    assert g.within_complaint_period(ctx({}, day=due, complaint_due=due)).ok
    late = g.within_complaint_period(ctx({}, day=date(2025, 10, 24), complaint_due=due))
    assert not late.ok and "23/10/2025" in late.message
    assert not g.complaint_period_over(ctx({}, day=due, complaint_due=due)).ok
    assert g.complaint_period_over(ctx(None, day=due, complaint_due=due)).pending
    assert g.complaint_period_over(ctx({}, day=date(2025, 10, 24), complaint_due=due)).ok


def test_the_card_must_be_collected_or_the_reason_given():
    assert g.card_accounted_for(ctx({}, documents=frozenset({"card_returned"}))).ok
    assert not g.card_accounted_for(ctx({})).ok
    assert g.card_accounted_for(ctx({"card_note": "Gia đình không giao lại"})).ok


def test_party_age_is_confirmed_only_for_a_member_who_was_official():
    assert g.was_official(ctx({})).ok
    never = g.was_official(ctx({}, official_on=None))
    assert not never.ok and never.hidden


@pytest.mark.parametrize("module", [removal, leaving, death])
def test_each_ends_the_membership_with_a_reason_and_has_a_way_out(module):
    spec = module.SPEC
    assert spec.ends_membership
    reachable = {spec.initial} | {t.dest for t in spec.transitions if t.dest}
    assert set(spec.states) == reachable
    assert spec.finals <= reachable
    ending = [t for t in spec.transitions if "end_membership" in t.effects]
    assert ending or "end_membership" in spec.open_effects


def test_the_decisions_end_the_membership_at_every_deciding_step():
    for module in (removal, leaving):
        deciding = [t for t in module.SPEC.transitions if any("issue_decision:" + k in e
                    for e in t.effects for k in ("removal", "leaving"))]  # fmt: skip
        assert deciding
        assert all("end_membership" in t.effects for t in deciding)

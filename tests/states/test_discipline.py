"""The discipline's guards as pure functions: the statute of limitations and how it is counted,
the grassroots committee's powers with and without authorization, the secret ballot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from states import discipline as d
from states.rules import rules_on
from states.spec import GuardContext
from tests.states.factories import org, person

DAY = date(2025, 9, 10)


def facts(**kw) -> d.DisciplineFacts:
    base = d.DisciplineFacts(
        today=DAY,
        state="awaiting_cell_meeting",
        person=person(member_status="official"),
        org=org(),
        documents=frozenset(),
        requests=0,
        complaint_due=None,
        effect_due=None,
        matter="member_duties",
        no_limitation=False,
        violation_on=date(2020, 9, 1),
        deferred_days=0,
        form=None,
        on_list=True,
    )
    return replace(base, **kw)


def ctx(payload=None, day=DAY, **kw) -> GuardContext:
    return GuardContext(facts(**kw), day, payload, rules_on(day))


def test_the_limit_is_counted_from_the_violation_by_the_form_plus_the_days_deferred():
    rules = rules_on(DAY)
    assert d.limitation_ends(rules, facts(), "reprimand") == date(2025, 9, 1)
    assert d.limitation_ends(rules, facts(), "warning") == date(2030, 9, 1)
    assert d.limitation_ends(rules, facts(), "dismissal") == date(2030, 9, 1)
    assert d.limitation_ends(rules, facts(), "expulsion") is None
    assert d.limitation_ends(rules, facts(no_limitation=True), "reprimand") is None
    assert d.limitation_ends(rules, facts(deferred_days=12), "reprimand") == date(2025, 9, 13)
    refused = d.within_limitation(ctx({"form": "reprimand"}))
    assert not refused.ok and refused.field == "form"
    assert "5 năm kể từ ngày vi phạm, đến hết ngày 01/09/2025" in refused.message
    assert d.within_limitation(ctx({"form": "reprimand"}, deferred_days=12)).ok
    assert d.within_limitation(ctx(None)).pending


def test_the_grassroots_committee_expels_only_when_authorized():
    refused = d.grassroots_may_decide(ctx({"form": "expulsion"}))
    assert not refused.ok and "Ủy ban Kiểm tra hoặc Ban Thường vụ" in refused.message
    assert d.grassroots_may_decide(ctx({"form": "warning"})).ok
    authorized = org(grassroots_authorized=True)
    assert d.grassroots_may_decide(ctx({"form": "expulsion"}, org=authorized)).ok
    assert not d.grassroots_may_decide(ctx({"form": "dismissal"}, org=authorized)).ok


def test_the_ballot_needs_more_than_half_of_the_members_counted():
    vote = {"official_total": 10, "excluded": [{"name": "A", "reason": "suspended"}], "no": 0}
    assert not d.ballot_carries(ctx({**vote, "yes": 4})).ok  # 4 of 9
    assert d.ballot_carries(ctx({**vote, "yes": 5})).ok
    assert not d.ballot_carries(ctx({"official_total": 8, "yes": 4, "no": 4})).ok  # half

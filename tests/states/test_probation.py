"""The probation procedure: its graph, its machine, and its guards at their boundaries."""

from __future__ import annotations

import dataclasses
from collections import deque
from datetime import date

import pytest
from transitions import MachineError

from states import get_spec
from states import probation_guards as g
from states.dates import add_months, needs_leap_day_review
from states.facts import OrgFacts, PersonFacts, ProbationFacts
from states.probation import SPEC
from states.rules import RULE_SETS, rules_on
from states.spec import GuardContext
from workflow.engine.machine import build_machine

STATES = tuple(SPEC.states)
TRIGGERS = SPEC.triggers()
END = date(2026, 3, 10)


def facts(**overrides) -> ProbationFacts:
    base = dict(  # noqa: C408 (keyword arguments read like the dataclass)
        today=date(2026, 6, 15),
        state="awaiting_cell_review",
        person=PersonFacts(
            1, "Nguyễn Thị Hằng", date(2000, 3, 15), "female", "university", "probationary"
        ),
        org=OrgFacts(2, "cell", False, False, False),
        joined_on=date(2025, 3, 10),
        probation_end=END,
        probation_end_needs_review=False,
        proposal=None,
        failed_votes=0,
        documents=frozenset(),
        decision_extension_used=0,
        proposer_id=None,
        actor_id=None,
    )
    base.update(overrides)
    return ProbationFacts(**base)


def ctx(f: ProbationFacts, day: date = date(2026, 4, 1), payload=None) -> GuardContext:
    return GuardContext(f, day, payload, rules_on(day))


def test_registered():
    assert get_spec("probation") is SPEC
    assert SPEC.initial == "in_probation"
    assert SPEC.finals == {"official", "removed"}


def test_graph_is_closed_and_reachable():
    for t in SPEC.transitions:
        assert set(t.sources) <= set(STATES)
        assert t.dest is None or t.dest in STATES
        assert t.roles, t.trigger
        assert t.label and t.event_label
        for kind in (*t.opens, *t.closes, *t.cancels):
            assert kind in SPEC.deadlines
    assert all(not SPEC.transitions_from(s) for s in SPEC.finals)
    seen, todo = {SPEC.initial}, deque([SPEC.initial])
    while todo:
        for t in SPEC.transitions_from(todo.popleft()):
            if t.dest and t.dest not in seen:
                seen.add(t.dest)
                todo.append(t.dest)
    assert seen == set(STATES)


@pytest.mark.parametrize("kind", sorted(SPEC.deadlines))
def test_deadline_settings_exist_in_every_rule_set(kind):
    d = SPEC.deadlines[kind]
    for rules in RULE_SETS:
        assert isinstance(rules[d.length_setting], int)
        if d.extension_setting:
            assert isinstance(rules[d.extension_setting], int)


def _bare():
    return dataclasses.replace(
        SPEC, transitions=tuple(dataclasses.replace(t, guards=()) for t in SPEC.transitions)
    )


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("state", STATES)
def test_machine_fires_exactly_the_declared_transitions(state, trigger):
    declared = next((t for t in SPEC.transitions_for(trigger) if state in t.sources), None)
    model = build_machine(_bare(), state, ctx(facts()))
    if declared is None:
        with pytest.raises(MachineError):
            model.trigger(trigger)
        return
    assert model.trigger(trigger) is True
    taken = model.taken
    assert (taken.trigger, taken.sources, taken.dest) == (
        declared.trigger,
        declared.sources,
        declared.dest,
    )
    assert model.state == declared.target(state)


# --- guards -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "ok"), [(date(2026, 3, 9), False), (END, True), (date(2026, 3, 11), True)]
)
def test_probation_over_boundary(day, ok):
    verdict = g.probation_over(ctx(facts(), day))
    assert verdict.ok is ok
    if not ok:
        assert verdict.code == "probation.not_over"
        assert "10/03/2026" in verdict.message


def test_twelve_months_from_the_last_day_of_january_and_from_a_leap_day():
    assert add_months(date(2025, 1, 31), 12) == date(2026, 1, 31)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert needs_leap_day_review(date(2024, 2, 29))
    assert not needs_leap_day_review(date(2025, 2, 28))


def test_unconfirmed_leap_day_end_blocks_and_the_confirmation_applies_only_then():
    assert (
        g.end_confirmed(ctx(facts(probation_end_needs_review=True))).code
        == "probation.end_unconfirmed"
    )
    assert g.end_confirmed(ctx(facts())).ok
    hidden = g.end_needs_review(ctx(facts()))
    assert hidden.hidden
    assert g.end_needs_review(ctx(facts(probation_end_needs_review=True))).ok


def test_removal_needs_a_reason():
    assert g.removal_reason_given(ctx(facts(), payload={"proposal": "removal"})).field == "reason"
    assert g.removal_reason_given(
        ctx(facts(), payload={"proposal": "removal", "reason": "Vi phạm"})
    ).ok
    assert g.removal_reason_given(ctx(facts(), payload={"proposal": "recognition"})).ok


@pytest.mark.parametrize(("failed", "last"), [(0, False), (1, False), (2, True)])
def test_the_third_inconclusive_vote_is_the_one_that_escalates(failed, last):
    f = facts(failed_votes=failed)
    assert g.reaches_vote_limit(ctx(f)).ok is last
    assert g.below_vote_limit(ctx(f)).ok is not last


def test_proposal_guard_hides_the_other_outcome():
    assert g.proposal_is("recognition")(ctx(facts(proposal="recognition"))).ok
    verdict = g.proposal_is("recognition")(ctx(facts(proposal="removal")))
    assert verdict.hidden


@pytest.mark.parametrize(
    ("org_kwargs", "proposal", "held", "missing"),
    [
        ({}, "recognition", set(), ["10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"]),
        ({}, "removal", {"cell_resolution"}, ["15-KNĐ"]),
        (
            {"has_subcommittee": True},
            "recognition",
            {"self_review", "helper_assessment", "opinions", "cell_resolution"},
            ["14-KNĐ", "15-KNĐ"],
        ),
        (
            {"is_grassroots_cell": True},
            "recognition",
            {"self_review", "helper_assessment", "opinions", "cell_resolution"},
            [],
        ),
    ],
)
def test_documents_for_the_department(org_kwargs, proposal, held, missing):
    org_ = OrgFacts(
        2,
        "cell",
        org_kwargs.get("is_grassroots_cell", False),
        org_kwargs.get("has_subcommittee", False),
        False,
    )
    verdict = g.documents_present("department")(
        ctx(facts(org=org_, proposal=proposal, documents=frozenset(held)))
    )
    if missing:
        assert not verdict.ok
        for code in missing:
            assert code in verdict.message
    else:
        assert verdict.ok


def test_new_member_class_certificate_or_a_recorded_exemption():
    f = facts(proposal="recognition")
    assert g.new_member_class_done(ctx(f)).pending
    assert g.new_member_class_done(ctx(f, payload={})).field == "certificate_exemption"
    assert g.new_member_class_done(ctx(f, payload={"certificate_exemption": "Cử nhân CT"})).ok
    assert g.new_member_class_done(
        ctx(facts(documents=frozenset({"new_member_certificate"})), payload={})
    ).ok
    assert g.new_member_class_done(ctx(facts(proposal="removal"), payload={})).ok

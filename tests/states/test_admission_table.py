"""The admission procedure graph, and the pytransitions machine the engine builds from it."""

from __future__ import annotations

import dataclasses
from collections import deque

import pytest
from transitions import MachineError

from states import REGISTRY, get_spec
from states import admission_guards as g
from states.admission import SPEC
from states.guards import vote_consistent, vote_reaches_threshold
from states.rules import RULE_SETS
from states.spec import TransitionSpec, is_structural
from tests.states.factories import admission_facts, context, org, person
from workflow.engine.machine import build_machine

STATES = tuple(SPEC.states)
TRIGGERS = SPEC.triggers()


def ids(t: TransitionSpec) -> str:
    return f"{t.trigger}:{'|'.join(t.sources)}->{t.dest}"


# --- (a) structure ----------------------------------------------------------------------------


def test_registry_holds_the_admission_spec():
    assert get_spec("admission") is SPEC
    assert REGISTRY["admission"] is SPEC


def test_initial_and_finals_are_declared_states():
    assert SPEC.initial in SPEC.states
    assert SPEC.finals <= set(SPEC.states)
    assert SPEC.initial not in SPEC.finals
    assert len(STATES) == 17


@pytest.mark.parametrize("state", STATES)
def test_every_state_has_a_vietnamese_label(state):
    assert SPEC.state_label(state).strip()
    assert SPEC.state_label(state) != state


@pytest.mark.parametrize("t", SPEC.transitions, ids=ids)
def test_transition_endpoints_are_declared_states(t):
    assert t.sources
    assert set(t.sources) <= set(SPEC.states)
    assert len(set(t.sources)) == len(t.sources)
    if t.dest is not None:
        assert t.dest in SPEC.states
        assert t.target("anything") == t.dest
    else:
        assert t.is_internal
        assert t.kind == "record"
        assert all(t.target(s) == s for s in t.sources)


@pytest.mark.parametrize("state", sorted(SPEC.finals))
def test_finals_have_no_outgoing_transition(state):
    assert SPEC.transitions_from(state) == ()


@pytest.mark.parametrize("state", sorted(set(STATES) - SPEC.finals))
def test_non_final_states_have_an_outgoing_transition(state):
    assert SPEC.transitions_from(state)
    # and at least one leaves the state (record-only steps alone would trap the case)
    assert any(t.dest not in (None, state) for t in SPEC.transitions_from(state))


def test_every_state_is_reachable_from_the_initial_state():
    seen = {SPEC.initial}
    queue = deque([SPEC.initial])
    while queue:
        state = queue.popleft()
        for t in SPEC.transitions_from(state):
            target = t.target(state)
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert seen == set(STATES)


def test_every_state_can_reach_a_final_state():
    can_finish = set(SPEC.finals)
    changed = True
    while changed:
        changed = False
        for t in SPEC.transitions:
            for s in t.sources:
                if s not in can_finish and t.target(s) in can_finish:
                    can_finish.add(s)
                    changed = True
    assert can_finish == set(STATES)


@pytest.mark.parametrize("t", SPEC.transitions, ids=ids)
def test_every_transition_is_labelled_and_has_roles(t):
    assert t.label.strip()
    assert t.event_label.strip()
    assert isinstance(t.roles, frozenset)
    assert t.roles, "deny by default: a transition must name who may fire it"
    assert t.kind in ("main", "side", "record")


@pytest.mark.parametrize("t", SPEC.transitions, ids=ids)
def test_deadlines_named_by_a_transition_exist(t):
    for kind in (*t.opens, *t.closes, *t.cancels):
        assert kind in SPEC.deadlines


@pytest.mark.parametrize("kind", sorted(SPEC.deadlines))
def test_deadline_settings_exist_in_every_rule_set(kind):
    deadline = SPEC.deadlines[kind]
    assert deadline.kind == kind
    assert deadline.label.strip()
    assert any(kind in t.opens for t in SPEC.transitions)
    assert any(kind in t.closes for t in SPEC.transitions)
    for rules in RULE_SETS:
        assert isinstance(rules[deadline.length_setting], int)
        if deadline.extension_setting is not None:
            assert isinstance(rules[deadline.extension_setting], int)


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_variants_of_a_trigger_share_labels(trigger):
    variants = SPEC.transitions_for(trigger)
    assert len({t.label for t in variants}) == 1
    assert len({t.event_label for t in variants}) == 1


@pytest.mark.parametrize("t", SPEC.transitions, ids=ids)
def test_field_names_are_unique_within_a_form(t):
    names = [f.name for f in t.fields]
    assert len(names) == len(set(names))
    assert "event_date" not in names


@pytest.mark.parametrize(
    "t", [t for t in SPEC.transitions if vote_reaches_threshold in t.guards], ids=ids
)
def test_threshold_guard_is_preceded_by_the_consistency_guard(t):
    """vote_reaches_threshold passes when nobody is left to vote; vote_consistent refuses it."""
    assert vote_consistent in t.guards
    assert t.guards.index(vote_consistent) < t.guards.index(vote_reaches_threshold)


def test_resume_returns_to_every_state_before_the_decision_via_structural_guards():
    variants = SPEC.transitions_for("resume")
    assert {t.sources for t in variants} == {("paused",)}
    dests = [t.dest for t in variants]
    assert len(dests) == len(set(dests))
    assert "paused" not in dests
    for t in variants:
        assert len(t.guards) == 1
        assert is_structural(t.guards[0])
        assert t.guards[0].__name__ == f"paused_from_{t.dest}"
    assert set(SPEC.transitions_for("pause")[0].sources) == set(dests)


# --- (b) the pytransitions machine mirrors the table ------------------------------------------


def _keep_only_resume_guards(t: TransitionSpec) -> TransitionSpec:
    return dataclasses.replace(t, guards=t.guards if t.trigger == "resume" else ())


UNGUARDED = dataclasses.replace(
    SPEC, transitions=tuple(_keep_only_resume_guards(t) for t in SPEC.transitions)
)
PAUSED_FROM = "under_verification"


def expected_transition(state: str, trigger: str) -> TransitionSpec | None:
    """Computed from the table alone: the first declared variant for (state, trigger)."""
    for t in UNGUARDED.transitions:
        if t.trigger != trigger or state not in t.sources:
            continue
        if t.trigger == "resume" and t.dest != PAUSED_FROM:
            continue
        return t
    return None


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("state", STATES)
def test_machine_fires_exactly_the_declared_transitions(state, trigger):
    ctx = context(admission_facts(state=state, paused_from=PAUSED_FROM))
    model = build_machine(UNGUARDED, state, ctx)
    assert model.state == state
    expected = expected_transition(state, trigger)
    if expected is None:
        with pytest.raises(MachineError):
            model.trigger(trigger)
        assert model.state == state
        assert model.taken is None
    else:
        assert model.trigger(trigger) is True
        assert model.state == expected.target(state)
        assert model.taken is expected


@pytest.mark.parametrize("paused_from", [t.dest for t in SPEC.transitions_for("resume")])
def test_machine_resumes_to_the_state_the_case_was_paused_from(paused_from):
    model = build_machine(SPEC, "paused", context(admission_facts(paused_from=paused_from)))
    assert model.trigger("resume") is True
    assert model.state == paused_from
    assert model.taken.guards[0].__name__ == f"paused_from_{paused_from}"


@pytest.mark.parametrize("paused_from", [None, "certificate_expired", "admitted"])
def test_machine_does_not_resume_without_a_matching_paused_from(paused_from):
    model = build_machine(SPEC, "paused", context(admission_facts(paused_from=paused_from)))
    assert model.trigger("resume") is False
    assert model.state == "paused"
    assert model.taken is None


def test_machine_conditions_are_the_spec_guards():
    primary = admission_facts(state="certified", person=person(education="primary"))
    model = build_machine(SPEC, "certified", context(primary))
    assert model.trigger("submit_application") is False
    assert model.state == "certified"
    assert model.taken is None
    ok = build_machine(SPEC, "certified", context(admission_facts(state="certified")))
    assert ok.trigger("submit_application") is True
    assert ok.state == "preparing_dossier"


def test_machine_picks_the_variant_whose_structural_guards_pass():
    grassroots_cell = admission_facts(state="cell_resolved", org=org(is_grassroots_cell=True))
    model = build_machine(SPEC, "cell_resolved", context(grassroots_cell))
    assert model.trigger("appraise_by_department") is True
    assert model.state == "department_appraised"
    assert g.is_grassroots_cell in model.taken.guards

    under_committee = admission_facts(state="cell_resolved", org=org(is_grassroots_cell=False))
    model = build_machine(SPEC, "cell_resolved", context(under_committee))
    assert model.trigger("appraise_by_department") is False
    assert model.state == "cell_resolved"


# --- (c) no shortcuts -------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_machine_has_no_automatic_to_state_methods(state):
    model = build_machine(SPEC, "source_list", context())
    assert not hasattr(model, f"to_{state}")
    with pytest.raises(AttributeError):
        getattr(model, f"to_{state}")()
    assert model.state == "source_list"


def test_machine_model_exposes_only_the_triggers_leaving_its_state():
    """A fire builds the machine of the case's state: its edges, no ``to_`` shortcuts; any
    other trigger is refused as one without an edge."""
    model = build_machine(SPEC, "source_list", context())
    leaving = {t.trigger for t in SPEC.transitions_from("source_list")}
    assert leaving and all(callable(getattr(model, trigger)) for trigger in leaving)
    assert not any(hasattr(model, trigger) for trigger in set(TRIGGERS) - leaving)
    assert [name for name in dir(model) if name.startswith("to_")] == []
    with pytest.raises(MachineError):
        model.trigger("approve_admission")

"""Random admission actions by random users keep to the declared graph and to each user's scope.

A Hypothesis state machine opens candidates in random cells, then fires random triggers on random
cases as random users, with valid, empty or broken payloads, event dates in or out of range and
sometimes a stale version; other rules fire what the engine offers a permitted user, or walk the
main path, so that runs reach the votes, the decision and the ceremony. After every firing it
checks that a case moved only along an edge the spec declares from its previous state, only for
a user whose grants cover the acting body, with exactly one audit row for the case, and that a
refused firing wrote nothing at all. Between steps the audit chain must verify and every case's
history, read back from the audit trail, must follow declared edges.

Who may see and act is worked out here from the organization tree and the grants listed in
``tests.builders``, following the rule the permissions module states (a grant covers its
organization's subtree, a grant without organization covers everything, ``exact`` steps need the
grant at the acting body itself), not read back from the code under test.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text

from states import get_spec
from states.spec import Level, Role, TransitionSpec
from tests import builders
from tests.builders import CELLS, GIVEN, ORGS, USERS, World
from tests.conftest import TODAY, empty_database, fast_world
from workflow.clock import clock
from workflow.engine import FireResult, available_transitions, fire
from workflow.extensions import db
from workflow.models import AuditEntry, AuditHead, Case
from workflow.permissions import Actor
from workflow.procedures import PROCEDURES
from workflow.store.audit import verify_chain
from workflow.store.errors import (
    EngineError,
    GuardFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleCase,
    TransitionNotAllowed,
)

SPEC = get_spec("admission")
#: the admission's happy-path payloads
HAPPY = PROCEDURES["admission"]
#: every admission trigger, plus one from probation and one that exists nowhere
TRIGGERS = (*SPEC.triggers(), "end_probation", "no_such_trigger")
USERNAMES = tuple(sorted(USERS))
#: the main path in order, for measuring how far a run got
DEPTH = (
    "source_list",
    "in_awareness_class",
    "certified",
    "preparing_dossier",
    "under_verification",
    "awaiting_cell_meeting",
    "cell_resolved",
    "subcommittee_appraised",
    "grassroots_resolved",
    "department_appraised",
    "admission_decided",
    "awaiting_ceremony",
    "admitted",
)
MAX_CASES = 3


def depth(state: str) -> int:
    return DEPTH.index(state) if state in DEPTH else -1


SETTINGS = settings(
    max_examples=15,
    stateful_step_count=15,
    deadline=None,
    database=None,
    # a failing run prints its steps unshrunk: shrinking replays whole runs on a database and
    # takes minutes
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- who may see and act, from the organization tree and the grants --------------------------
PARENT = {code: parent for code, (_, _, parent, _) in ORGS.items()}
VIEW_ROLES = frozenset(
    {
        Role.CELL_SECRETARY,
        Role.GRASSROOTS_STAFF,
        Role.DEPARTMENT_STAFF,
        Role.SIGNER,
        Role.INSPECTION,
    }
)


def chain(code: str) -> list[str]:
    """The organization and its ancestors, the grassroots organization first."""
    out = [code]
    while PARENT[out[0]] is not None:
        out.insert(0, PARENT[out[0]])
    return out


def acting_body(cell: str, level: Level) -> str | None:
    """The body that acts at ``level`` for a case held by ``cell`` (None: the upper committee);
    without a sub-committee the grassroots committee acts in its place."""
    line = chain(cell)
    if level == Level.CELL:
        return cell
    if level == Level.UPPER:
        return None
    if level == Level.SUBCOMMITTEE and len(line) >= 3:
        return line[1]
    return line[0]


def covers(grant_org: str | None, body: str | None, exact: bool) -> bool:
    if exact:
        return grant_org == body
    if grant_org is None:
        return True
    return body is not None and grant_org in chain(body)


def grants(user: str) -> list[tuple[Role, str | None]]:
    return [(role, org) for role, org, _ in USERS[user][1]]


def may_view(user: str, cell: str) -> bool:
    return any(role in VIEW_ROLES and covers(org, cell, False) for role, org in grants(user))


def may_fire(user: str, t: TransitionSpec, cell: str) -> bool:
    body = acting_body(cell, t.level)
    return any(role in t.roles and covers(org, body, t.exact) for role, org in grants(user))


def may_open(user: str, cell: str) -> bool:
    return any(role in SPEC.open_roles and covers(org, cell, False) for role, org in grants(user))


def declared(trigger: str, source: str) -> tuple[TransitionSpec, ...]:
    return tuple(t for t in SPEC.transitions_for(trigger) if source in t.sources)


def expected_refusal(
    user: str, cell: str, state: str, trigger: str, version_ok: bool
) -> type[EngineError] | None:
    """The refusal the engine owes before it looks at the payload, or None when the user may
    fire this trigger from this state (the payload and the rules may still refuse it)."""
    if not may_view(user, cell):
        return NotFound
    if not version_ok:
        return StaleCase
    variants = declared(trigger, state)
    if not variants:
        return TransitionNotAllowed
    if not any(may_fire(user, t, cell) for t in variants):
        return PermissionDenied
    return None


def permitted_users(cell: str, state: str) -> list[str]:
    return [
        u
        for u in USERNAMES
        if may_view(u, cell) and any(may_fire(u, t, cell) for t in SPEC.transitions_from(state))
    ]


# --- payloads -------------------------------------------------------------------------------
REASON = {"reason": "Theo đề nghị của cấp ủy."}


def valid_payload(world: World, case: Case, trigger: str, day: date) -> dict[str, Any]:
    """A payload that passes the form's field checks for ``trigger`` on ``case`` on ``day``:
    the admission's happy-path payload where it has one (an answer names the first pending
    verification request, or any request when none is pending), else one of the steps off
    the path."""
    pending = any(r.answered_on is None for r in case.verification_requests)
    if trigger in HAPPY.happy and (trigger != "record_verification_answer" or pending):
        payload = HAPPY.happy_payload(case, trigger, day, world.happy)
        del payload["event_date"]  # the attempt dates it
        return payload
    any_request = [r.id for r in case.verification_requests] or [0]
    payloads: dict[str, dict[str, Any]] = {
        "record_verification_answer": {"request": any_request[0], "result": "clear"},
        "record_cell_rejection": {"official_total": 9, "yes": 5, "no": 4},
        "extend_decision_deadline": {"days": 5, **REASON},
        "approve_late_ceremony": {"reference": "12-CV/ĐUK", **REASON},
        "resume": {"note": "Đã làm rõ."},
        "expire_certificate": {},
    }
    return dict(payloads.get(trigger, REASON))


def broken(payload: dict[str, Any]) -> dict[str, Any]:
    """The same keys with values of the wrong kind."""
    junk: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, int):
            junk[key] = -7
        elif isinstance(value, list):
            junk[key] = [{"member": "x"}] * 9
        else:
            junk[key] = "   " if key != "note" else "x" * 5000
    return junk


# --- resetting the database between examples ------------------------------------------------
def fresh_world() -> World:
    """An empty database with the shared world copied in, and the clock back on TODAY."""
    empty_database()
    clock().set_today(TODAY)
    return fast_world()


def table_counts() -> tuple[int, ...]:
    """The row count of every table, in one statement."""
    parts = ", ".join(f'(SELECT count(*) FROM "{t.name}")' for t in db.metadata.sorted_tables)
    return tuple(db.session.execute(text(f"SELECT {parts}")).one())


#: every state a case was seen in, over one test (how deep the runs reach)
REACHED: Counter[str] = Counter()
#: each user as the engine sees them (the world is copied back with the same ids every time)
ACTORS: dict[str, Actor] = {}


class AdmissionMachine(RuleBasedStateMachine):
    """Admission cases in the test world, moved by random users; each example starts from a
    freshly copied world."""

    def __init__(self) -> None:
        super().__init__()
        self.world = fresh_world()
        self.code_of = {i: c for c, i in self.world.orgs.items()}
        if not ACTORS:
            ACTORS.update({u: self.world.actor(u) for u in USERNAMES})
        self.actors = ACTORS
        #: case id → the states it went through, as this model saw the engine report them
        self.history: dict[int, list[str]] = {}
        self.names = 0

    # -- helpers ----------------------------------------------------------------------------
    def case(self, case_id: int) -> Case:
        db.session.expire_all()
        return db.session.get(Case, case_id)

    def head(self) -> tuple[int, str]:
        head = db.session.get(AuditHead, 1)
        return head.seq, head.row_hash

    def observe(self, case_id: int) -> tuple[Any, ...]:
        """Everything a refused firing must leave as it was."""
        case = self.case(case_id)
        return (case.state, case.version, case.last_event_on, self.head(), table_counts())

    def live(self) -> list[int]:
        return [cid for cid, states in self.history.items() if states[-1] not in SPEC.finals]

    def attempt(
        self,
        case_id: int,
        trigger: str,
        user: str,
        payload: dict[str, Any],
        *,
        day: date,
        version: int | None,
    ) -> FireResult | None:
        """Fire, then check the outcome against the spec and the user's grants."""
        case = self.case(case_id)
        cell = self.code_of[case.cell_id]
        state, old_version = case.state, case.version
        version_ok = version is None or version == old_version
        expected = expected_refusal(user, cell, state, trigger, version_ok)
        variants = declared(trigger, state)
        # a record-only step may carry a paper dated back to the opening; others may not go
        # back before the last step
        floor = case.opened_on if variants and variants[0].kind == "record" else case.last_event_on
        if expected is None and (day > TODAY or day < floor):
            expected = InvalidInput  # the event date is checked before any rule
        before = self.observe(case_id)
        head_seq = before[3][0]
        before_case_rows = self.case_rows()
        refusal: EngineError | None = None
        try:
            result = fire(
                case_id,
                trigger,
                actor=self.actors[user],
                payload={"event_date": day.isoformat(), **payload},
                expected_version=version,
                password=self.world.password,
            )
        except EngineError as exc:
            refusal = exc
        if refusal is not None:
            db.session.rollback()
            assert self.observe(case_id) == before, f"{trigger} by {user} was refused but wrote"
            if expected is not None:
                assert type(refusal) is expected, (trigger, user, state, refusal)
            else:
                assert isinstance(refusal, InvalidInput | GuardFailed), (trigger, user, state)
            return None
        assert expected is None, f"{trigger} by {user} from {state} in {cell}: owed {expected}"
        # a permitted user, a declared edge from the state the case was in
        assert result.from_state == state
        edges = [t for t in declared(trigger, state) if t.target(state) == result.to_state]
        assert edges, f"{trigger} moved {state} → {result.to_state}: no such edge"
        assert any(may_fire(user, t, cell) for t in edges)
        after = self.case(case_id)
        assert after.state == result.to_state
        # the version moves on (an effect that flushes mid-change may move it more than once)
        assert after.version == result.version > old_version
        # exactly one audit row for this case, the one the engine reported
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.seq > head_seq).order_by(AuditEntry.seq)
        ).all()
        mine = [r for r in rows if r.subject_type == "case" and r.subject_id == case_id]
        assert len(mine) == 1
        assert self.case_rows() == before_case_rows + 1 + (trigger == "hold_ceremony")
        row = mine[0]
        assert (row.seq, row.action, row.from_state, row.to_state) == (
            result.audit_seq,
            trigger,
            state,
            result.to_state,
        )
        assert row.actor_id == self.world.users[user]
        assert Role(row.actor_role) in {r for r, _ in grants(user)} & set(edges[0].roles)
        others = [r for r in rows if r is not row]
        if trigger == "hold_ceremony":
            # the ceremony opens the probation case in the same change, with its own row
            (opened,) = others
            probation = db.session.get(Case, opened.subject_id)
            assert (opened.subject_type, opened.action, opened.procedure) == (
                "case",
                "open",
                "probation",
            )
            assert probation.person_id == after.person_id
        else:
            assert others == []
        self.history[case_id].append(result.to_state)
        REACHED[result.to_state] += 1
        return result

    def case_rows(self) -> int:
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.subject_type == "case")
        )

    def day_after(self, case: Case, offset: int) -> date:
        return min(case.last_event_on + timedelta(days=offset), TODAY)

    # -- rules ------------------------------------------------------------------------------
    def open_candidate(self, cell: str, user: str, birth: date, education: str) -> None:
        self.names += 1
        before = (self.head(), table_counts())
        try:
            case_id = self.world.new_candidate(
                cell,
                birth=birth,
                education=education,
                opened=date(2025, 9, 1),
                name=f"Nguyễn Thị {GIVEN[self.names % len(GIVEN)]}",
                secretary=user,
            )
        except PermissionDenied:
            db.session.rollback()
            assert not may_open(user, cell), f"{user} may open a case in {cell}"
            assert (self.head(), table_counts()) == before
            return
        assert may_open(user, cell), f"{user} opened a case in {cell}"
        case = self.case(case_id)
        assert case.state == SPEC.initial and case.procedure == "admission"
        self.history[case_id] = [SPEC.initial]
        REACHED[SPEC.initial] += 1

    @initialize(cell=st.sampled_from(CELLS), head_start=st.integers(0, len(DEPTH)))
    def first_candidate(self, cell: str, head_start: int) -> None:
        """A first case, already some way along the main path (every step checked), so that
        the random actions also meet the later states."""
        self.open_candidate(cell, builders._secretary_of(cell), date(2000, 3, 15), "university")
        (case_id,) = self.history
        self.walk(case_id, head_start, 7)

    @precondition(lambda self: len(self.live()) < MAX_CASES)
    @rule(
        cell=st.sampled_from(CELLS),
        user=st.one_of(st.none(), st.sampled_from(USERNAMES)),
        birth=st.sampled_from([date(2000, 3, 15), date(1990, 7, 1), date(2009, 1, 1)]),
        education=st.sampled_from(["university", "university", "primary"]),
    )
    def new_candidate(self, cell: str, user: str | None, birth: date, education: str) -> None:
        """Open a case as the cell's secretary or, sometimes, as anyone at all."""
        self.open_candidate(cell, user or builders._secretary_of(cell), birth, education)

    @precondition(lambda self: self.history)
    @rule(
        data=st.data(),
        user=st.sampled_from(USERNAMES),
        trigger=st.sampled_from(TRIGGERS),
        payload=st.sampled_from(["valid", "valid", "valid", "empty", "broken"]),
        when=st.sampled_from(["ok", "ok", "ok", "ok", "future", "earlier"]),
        offset=st.integers(0, 12),
        version=st.sampled_from(["current", "current", "current", "none", "stale"]),
    )
    def fire_anything(self, data, user, trigger, payload, when, offset, version) -> None:
        """Any trigger on any case by any user: it moves along a declared edge or nothing."""
        case_id = data.draw(st.sampled_from(sorted(self.history)), label="case")
        case = self.case(case_id)
        day = {
            "ok": self.day_after(case, offset),
            "future": TODAY + timedelta(days=1 + offset),
            "earlier": case.opened_on - timedelta(days=1 + offset),
        }[when]
        body = valid_payload(self.world, case, trigger, day)
        body = {"valid": body, "empty": {}, "broken": broken(body)}[payload]
        expected_version = {"current": case.version, "none": None, "stale": case.version - 1}
        self.attempt(case_id, trigger, user, body, day=day, version=expected_version[version])

    @precondition(lambda self: self.live())
    @rule(data=st.data(), forward=st.integers(0, 3), offset=st.integers(0, 10))
    def fire_what_is_offered(self, data, forward, offset) -> None:
        """An action the engine lists as allowed for a permitted user, with a valid payload
        (mostly a forward one, so that cases get far)."""
        case_id = data.draw(st.sampled_from(self.live()), label="case")
        case = self.case(case_id)
        cell = self.code_of[case.cell_id]
        users = permitted_users(cell, case.state)
        assert users, f"nobody may act on a case in {case.state} held by {cell}"
        user = data.draw(st.sampled_from(users), label="user")
        offered = available_transitions(case, self.actors[user])
        for a in offered:  # only what the user's grants allow, from this state
            assert any(may_fire(user, t, cell) for t in declared(a.trigger, case.state)), a
        allowed = sorted(a.trigger for a in offered if a.allowed)
        main = sorted(a.trigger for a in offered if a.allowed and a.kind == "main")
        if forward and main:
            allowed = main
        if not allowed:
            return
        trigger = data.draw(st.sampled_from(allowed), label="trigger")
        day = self.day_after(case, offset)
        payload = valid_payload(self.world, case, trigger, day)
        self.attempt(case_id, trigger, user, payload, day=day, version=case.version)

    def walk(self, case_id: int, steps: int, offset: int) -> None:
        """Up to ``steps`` steps of the main path, as the builders take them."""
        for _ in range(steps):
            case = self.case(case_id)
            day = self.day_after(case, offset)
            cell = self.code_of[case.cell_id]
            if case.state in SPEC.finals:
                return
            if case.state == "paused":
                staff = builders._grassroots_staff_of(case)
                step = ("resume", staff, {"note": "Tiếp tục."})
            elif case.state == "certificate_expired":
                step = ("enroll_awareness_class", builders._secretary_of(cell), {"class_name": "B"})
            else:
                step = builders.next_step(self.world, case, day)
            trigger, user, payload = step
            if self.attempt(case_id, trigger, user, payload, day=day, version=case.version) is None:
                return

    @precondition(lambda self: self.live())
    @rule(data=st.data(), steps=st.integers(1, 8), offset=st.integers(1, 7))
    def walk_main_path(self, data, steps, offset) -> None:
        """A few main-path steps of any open case."""
        case_id = data.draw(st.sampled_from(self.live()), label="case")
        self.walk(case_id, steps, offset)

    @precondition(lambda self: self.live())
    @rule(steps=st.integers(1, 8), offset=st.integers(1, 7))
    def walk_the_furthest_case_on(self, steps, offset) -> None:
        """A few main-path steps of the case that got furthest, towards the ceremony."""
        furthest = max(self.live(), key=lambda cid: (depth(self.history[cid][-1]), cid))
        self.walk(furthest, steps, offset)

    # -- invariants -------------------------------------------------------------------------
    @invariant()
    def audit_chain_verifies(self) -> None:
        db.session.rollback()
        report = verify_chain()
        assert report.ok, report
        assert report.rows == self.head()[0]

    @invariant()
    def every_case_history_follows_declared_edges(self) -> None:
        db.session.rollback()
        rows = db.session.execute(
            select(
                AuditEntry.subject_id,
                AuditEntry.action,
                AuditEntry.from_state,
                AuditEntry.to_state,
            )
            .where(AuditEntry.subject_type == "case")
            .order_by(AuditEntry.seq)
        ).all()
        trail: dict[int, list[tuple[str, str | None, str]]] = {}
        for subject_id, action, from_state, to_state in rows:
            trail.setdefault(subject_id, []).append((action, from_state, to_state))
        cases = {c.id: c for c in db.session.scalars(select(Case))}
        assert set(trail) == set(cases)
        admissions = {cid for cid, c in cases.items() if c.procedure == "admission"}
        assert admissions == set(self.history)
        for case_id, case in cases.items():
            spec = get_spec(case.procedure)
            assert case.state in spec.states
            assert (case.closed_at is not None) == (case.state in spec.finals), case.state
            (action, from_state, state), *moves = trail[case_id]
            assert (action, from_state, state) == ("open", None, spec.initial)
            for action, from_state, to_state in moves:
                assert from_state == state, (case_id, action, from_state, state)
                assert any(
                    t.target(from_state) == to_state
                    for t in spec.transitions_for(action)
                    if from_state in t.sources
                ), (case_id, action, from_state, to_state)
                state = to_state
            assert state == case.state
            if case.procedure == "admission":
                assert [state for _, _, state in trail[case_id]] == self.history[case_id]

    def teardown(self) -> None:
        db.session.remove()


def test_random_actions_by_random_users_stay_on_declared_edges_and_in_scope(app):
    app.config["RENDER_AFTER_ISSUE"] = False  # the PDF is made after the commit; not needed
    REACHED.clear()
    ACTORS.clear()
    run_state_machine_as_test(AdmissionMachine, settings=SETTINGS)
    # the runs were not stuck near the start: some case went all the way to the ceremony
    assert REACHED["admitted"] > 0, REACHED


@pytest.mark.parametrize("cell", CELLS)
def test_scope_rule_here_names_the_body_that_acts_at_each_level(cell):
    line = chain(cell)
    assert line[-1] == cell and PARENT[line[0]] is None
    assert acting_body(cell, Level.CELL) == cell
    assert acting_body(cell, Level.GRASSROOTS) == line[0]
    assert acting_body(cell, Level.UPPER) is None
    expected = "S3" if cell == "C3" else line[0]
    assert acting_body(cell, Level.SUBCOMMITTEE) == expected


def test_scope_rule_here_agrees_with_the_hand_written_permission_matrix():
    from tests.engine.test_permissions import ALLOWED, VIEWERS

    for cell, viewers in VIEWERS.items():
        assert {u for u in USERNAMES if may_view(u, cell)} == viewers, cell
    for (cell, state, trigger), users in ALLOWED.items():
        owed = {u: expected_refusal(u, cell, state, trigger, True) for u in USERNAMES}
        assert {u for u, refusal in owed.items() if refusal is None} == users, trigger
        assert {u for u, refusal in owed.items() if refusal is PermissionDenied} == (
            VIEWERS[cell] - users
        ), trigger

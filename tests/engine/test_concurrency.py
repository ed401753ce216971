"""Concurrent and stale submissions: exactly one wins, the others write nothing.

Threads each use their own application context, hence their own database connection; a
barrier makes every racer load the same version before any of them fires.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.builders import PASSWORD, STANDING_VOTE
from tests.conftest import BACKEND
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Decision
from workflow.store.audit import verify_chain
from workflow.store.errors import StaleCase
from workflow.store.uow import unit_of_work


def race(app, jobs):
    """Run the callables at once; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i, job):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = job()
            except Exception as exc:  # collected and asserted by the caller
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def fresh() -> None:
    """End this thread's read transaction: on SQLite (WAL) it would keep an old snapshot."""
    db.session.rollback()


@pytest.mark.parametrize("racers", [2, 6])
def test_same_transition_fired_concurrently_has_exactly_one_winner(app, world, racers):
    for _ in range(5):
        case_id = world.new_candidate("C1")
        version = db.session.get(Case, case_id).version
        before = audit_rows()
        actor = world.actor("sec1")
        payload = {"event_date": "2025-09-10", "class_name": "Lớp A"}

        def job(case_id=case_id, actor=actor, payload=payload, version=version):
            return fire(
                case_id,
                "enroll_awareness_class",
                actor=actor,
                payload=payload,
                expected_version=version,
            )

        results = race(app, [job] * racers)
        wins = [r for r in results if not isinstance(r, Exception)]
        losses = [r for r in results if isinstance(r, Exception)]
        assert len(wins) == 1, results
        assert all(isinstance(r, StaleCase) for r in losses), losses
        fresh()
        case = db.session.get(Case, case_id)
        assert case.version == version + 1 and case.state == "in_awareness_class"
        assert audit_rows() == before + 1
    assert verify_chain().ok


def test_different_actions_on_the_same_version_have_one_winner(app, world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "under_verification")
    case = db.session.get(Case, case_id)
    version = case.version
    day = case.last_event_on.isoformat()
    sec, staff = world.actor("sec1"), world.actor("gs1")
    results = race(
        app,
        [
            lambda: fire(
                case_id,
                "record_document",
                actor=sec,
                expected_version=version,
                payload={"event_date": day, "document": "opinions"},
            ),
            lambda: fire(
                case_id,
                "pause",
                actor=staff,
                expected_version=version,
                payload={"event_date": day, "reason": "Cần làm rõ"},
            ),
            lambda: fire(
                case_id,
                "withdraw",
                actor=sec,
                expected_version=version,
                payload={"event_date": day, "reason": "Xin rút"},
            ),
        ],
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, StaleCase) for r in results if isinstance(r, Exception))
    fresh()
    assert verify_chain().ok


def test_concurrent_decisions_get_gapless_numbers(app, world):
    cases = []
    for i in range(12):
        cid = world.new_candidate("C1" if i % 2 else "C1B", name=f"Nguyễn Văn {'ABCDEGHIKLMN'[i]}")
        world.advance(cid, "department_appraised")
        cases.append(cid)
    versions = {cid: db.session.get(Case, cid).version for cid in cases}
    signer = world.actor("signer")
    results = race(
        app,
        [
            (
                lambda cid=cid: fire(
                    cid,
                    "approve_admission",
                    actor=signer,
                    expected_version=versions[cid],
                    payload={"event_date": "2026-01-20", **STANDING_VOTE},
                    password=PASSWORD,
                )
            )
            for cid in cases
        ],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    fresh()
    numbers = sorted(db.session.scalars(select(Decision.number)))
    assert numbers == list(range(1, len(cases) + 1))
    assert verify_chain().ok


def test_a_failed_issuance_gives_its_number_back(world, monkeypatch):
    from workflow.procedures import admission, common

    first, second = (
        world.new_candidate("C1", name="Nguyễn Văn An"),
        world.new_candidate("C1B", name="Nguyễn Văn Bình"),
    )
    for cid in (first, second):
        world.advance(cid, "department_appraised")

    def boom(ctx):
        raise RuntimeError("disk full while issuing")

    monkeypatch.setitem(admission.PROCEDURE.effects, "receive_decision", boom)
    original = common.issue_decision

    def issue_then_fail(ctx):
        original(ctx)
        raise RuntimeError("crash after the number was drawn")

    monkeypatch.setitem(common.EFFECTS, "issue_decision", issue_then_fail)
    with pytest.raises(RuntimeError):
        world.fire(first, "approve_admission", "signer", date(2026, 1, 20))
    monkeypatch.setitem(common.EFFECTS, "issue_decision", original)
    world.fire(second, "approve_admission", "signer", date(2026, 1, 20))
    world.fire(first, "approve_admission", "signer", date(2026, 1, 21))
    refs = sorted(db.session.scalars(select(Decision.number)))
    assert refs == [1, 2]
    assert db.session.get(Case, first).state == "admission_decided"


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's deferred-transaction pitfall")
def test_sqlite_write_transactions_begin_immediate(app, world):
    """A unit of work that reads, waits, then writes must not fail when another writer
    commits in between: BEGIN IMMEDIATE makes the second writer wait for the first."""
    case_id = world.new_candidate("C1")
    read_done = threading.Event()
    order: list[str] = []

    def slow_writer():
        with unit_of_work():
            case = db.session.get(Case, case_id)
            order.append(f"A read v{case.version}")
            read_done.set()
            threading.Event().wait(0.5)
            case.paused_from = None  # any write
            case.last_event_on = case.last_event_on
            from workflow.permissions import Actor
            from workflow.store import audit

            audit.append(
                actor=Actor(None, "A", ()), subject_type="case", subject_id=case_id, action="note"
            )
        order.append("A committed")

    def other_writer():
        read_done.wait()
        with unit_of_work():
            from workflow.permissions import Actor
            from workflow.store import audit

            audit.append(
                actor=Actor(None, "B", ()), subject_type="case", subject_id=case_id, action="note"
            )
        order.append("B committed")

    results = race(app, [slow_writer, other_writer])
    assert results == [None, None]
    fresh()
    assert order[-2:] == ["A committed", "B committed"]
    assert verify_chain().ok

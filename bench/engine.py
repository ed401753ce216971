"""Benchmark: firing transitions through the engine versus the bare database work of a fire.

    .venv/bin/python bench/engine.py [--count 2000] [--chunk 100] [--pg-url URL]

One fresh database (an SQLite file, or a PostgreSQL database created on the server named by
``--pg-url`` and dropped afterwards) holds the test committee and ``2 × count`` admission cases on
the cell's source list, made in bulk (setup, not timed).

Ours: ``engine.fire(case, "enroll_awareness_class", actor=<the cell's secretary>, payload,
expected_version)`` on ``count`` of them, the payload from the admission's happy-path table:
scope and permission, payload parsing, the facts the guards read, a fresh pytransitions
machine, the state written, one hash-chained audit row, one commit.

Bare, on the other ``count`` cases, in the same run: what any transition must do at least, in
Flask-SQLAlchemy — lock the case row, a conditional UPDATE of its state and version, take the
audit trail's next position and INSERT one audit row, COMMIT.

The two run interleaved in chunks (ABAB…), so the machine's noise falls on both. Printed:
transitions per second of each and the ratio ours/bare of throughputs (higher is better; the
target is ≥ 0.5).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, update  # noqa: E402

TRIGGER, SOURCE, DEST = "enroll_awareness_class", "source_list", "in_awareness_class"


def make_cases(world, count: int) -> list[int]:
    """``count`` people on cell C1's source list, each with an open admission case."""
    from workflow.extensions import db
    from workflow.models import Case, Person
    from workflow.models.people import name_keys

    cell = world.org("C1")
    people = [
        {
            "full_name": f"Nguyễn Văn Thử {i}",
            **name_keys(f"Nguyễn Văn Thử {i}"),
            "birth_date": date(1995, 1, 1),
            "sex": "male",
            "citizen_id": f"025095{i:06d}",
            "education": "university",
            "cell_id": cell.id,
        }
        for i in range(count)
    ]
    db.session.execute(insert(Person), people)
    ids = db.session.scalars(
        select(Person.id).where(Person.full_name.like("Nguyễn Văn Thử %")).order_by(Person.id)
    ).all()
    db.session.execute(
        insert(Case),
        [
            {
                "procedure": "admission",
                "_state": SOURCE,
                "person_id": pid,
                "cell_id": cell.id,
                "opened_on": date(2026, 1, 5),
                "last_event_on": date(2026, 1, 5),
                "version": 1,
            }
            for pid in ids
        ],
    )
    db.session.commit()
    return list(db.session.scalars(select(Case.id).where(Case._state == SOURCE).order_by(Case.id)))


def happy_payload(world, case_id: int) -> dict:
    """The step's payload from the admission's happy-path table, as the tests' builders fire
    it (the same for every case: it names only the day)."""
    from workflow.extensions import db
    from workflow.models import Case
    from workflow.procedures import PROCEDURES

    case = db.session.get(Case, case_id)
    return PROCEDURES["admission"].happy_payload(case, TRIGGER, date(2026, 2, 2), world.happy)


def ours(case_ids: list[int], actor, payload: dict) -> float:
    from workflow.engine import fire

    start = time.perf_counter()
    for case_id in case_ids:
        fire(case_id, TRIGGER, actor=actor, payload=payload, expected_version=1)
    return time.perf_counter() - start


def bare(case_ids: list[int], actor, _payload: dict) -> float:
    """Lock, conditional versioned UPDATE, next audit position, one audit INSERT, COMMIT."""
    from workflow.extensions import db
    from workflow.models import AuditEntry, AuditHead, Case

    start = time.perf_counter()
    for case_id in case_ids:
        case = db.session.get(Case, case_id, with_for_update=True)
        moved = db.session.execute(
            update(Case)
            .where(Case.id == case_id, Case.version == case.version, Case._state == SOURCE)
            .values(_state=DEST, version=case.version + 1, last_event_on=date(2026, 2, 2))
            .execution_options(synchronize_session=False)
        ).rowcount
        assert moved == 1
        seq = db.session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(seq=AuditHead.seq + 1)
            .returning(AuditHead.seq)
        ).scalar_one()
        db.session.execute(
            insert(AuditEntry).values(
                seq=seq,
                entered_at=time_now(),
                event_date=date(2026, 2, 2),
                actor_id=actor.user_id,
                actor_name=actor.name,
                actor_role="cell_secretary",
                subject_type="case",
                subject_id=case_id,
                procedure="admission",
                action=TRIGGER,
                from_state=SOURCE,
                to_state=DEST,
                payload="{}",
                comment="",
                prev_hash="0" * 64,
                row_hash="0" * 64,
            )
        )
        db.session.commit()
    return time.perf_counter() - start


def time_now():
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


def run(url: str, workdir: Path, count: int, chunk: int) -> dict[str, float]:
    from tests.builders import build_world
    from tests.conftest import FAST_HASHER
    from workflow import create_app
    from workflow.extensions import db
    from workflow.models import Case

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "FIXED_TODAY": "2026-06-15",
            "SQLALCHEMY_DATABASE_URI": url,
        },
        instance_path=str(workdir),
    )
    app.extensions["workflow.hasher"] = FAST_HASHER
    with app.app_context():
        db.create_all()
        world = build_world()
        actor = world.actor("sec1")
        cases = make_cases(world, 2 * count)
        payload = happy_payload(world, cases[0])
        mine, theirs = cases[0::2], cases[1::2]
        times = {"ours": [], "bare": []}
        for warm in (mine[:20], theirs[:20]):  # warm caches and connections, not timed
            (ours if warm is mine[:20] else bare)(warm, actor, payload)
        mine, theirs = mine[20:], theirs[20:]
        for i in range(0, len(mine), chunk):
            times["ours"].append(ours(mine[i : i + chunk], actor, payload))
            times["bare"].append(bare(theirs[i : i + chunk], actor, payload))
        moved = db.session.scalar(
            select(db.func.count()).select_from(Case).where(Case._state == DEST)
        )
        assert moved == len(cases), (moved, len(cases))
        done = sum(len(mine[i : i + chunk]) for i in range(0, len(mine), chunk))
        per_chunk = {k: [chunk / t for t in v] for k, v in times.items()}
        result = {k: done / sum(v) for k, v in times.items()}
        result["chunks"] = len(times["ours"])
        result["ours_median"] = statistics.median(per_chunk["ours"])
        result["bare_median"] = statistics.median(per_chunk["bare"])
        db.session.remove()
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--pg-url", help="PostgreSQL server to make a throw-away database on")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    if args.pg_url:
        import psycopg

        name = f"wf_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{args.pg_url.rsplit('/', 1)[0]}/{name}"
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        r = run(url, workdir, args.count + 20, args.chunk)
    finally:
        if args.pg_url:
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    backend = "PostgreSQL" if args.pg_url else "SQLite"
    print(f"{backend}: {args.count} transitions each, {r['chunks']} interleaved chunks")
    print(f"  ours: {r['ours']:8.0f} transitions/s  (median chunk {r['ours_median']:.0f}/s)")
    print(f"  bare: {r['bare']:8.0f} transitions/s  (median chunk {r['bare_median']:.0f}/s)")
    ratio = r["ours"] / r["bare"]
    print(f"  throughput ours/bare: {ratio:.2f}  (higher is better; target >= 0.5)")


if __name__ == "__main__":
    main()

"""Benchmark: a badge round's eligibility over 100,000 members versus a plain SQL selection of
members by admission date.

    .venv/bin/python bench/badges.py [--members 100000] [--repeat 5] [--seed 2026]
                                     [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                     [--no-pg] [--no-sqlite]

Ours: ``workflow.badges.rounds.eligible(19/5/2026, 3/2/2026)`` for the whole committee, inside
an application context, the whole call timed: the candidates selected by their admission dates,
their periods out of party activity read from the record (recorded gaps, removals and returns
in the audit trail, late transfers), the awards already given, the discipline decisions and the
suspensions, each proposal computed, and the cell that considers it. Baseline, through the same
engine and in the same run: ``SELECT id FROM person WHERE member_status = 'official' AND
admission_decision_on`` in the windows of the twelve thresholds (what a spreadsheet user would
filter), which knows nothing of gaps, discipline, deaths or transfers. One warm-up of each, then
``--repeat`` rounds, interleaved; the median, min and max of each and the ratio of medians,
time ours/baseline (lower is better). The target is absolute: eligibility under 2 s (a miss is
reported, not failed).

The dataset is bulk-inserted (its audit chain is not valid; eligibility does not verify it):
~100 organizations; members admitted uniformly from 1950 to 2024, each with a membership row in
the audit trail; 2 % with a recorded period out of contact, 1 % removed and brought back
(two audit rows), 0.5 % disciplined (a reprimand or warning announced in the last year),
0.3 % transferred with the letter presented late, 0.2 % died in the last six months, and 2 %
given a badge in an earlier round. Each database is built and measured in its own process.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUND, SINCE = date(2026, 5, 19), date(2026, 2, 3)
TARGET_SECONDS = 2.0
GRASSROOTS, CELLS_EACH = 20, 4


def make_app(url: str, workdir: str):
    from workflow import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "FIXED_TODAY": "2026-05-25",
            "SQLALCHEMY_DATABASE_URI": url,
        },
        instance_path=workdir,
    )


def _day(rng: random.Random, start: date, end: date) -> date:
    days = (end - start).days
    return start + timedelta(days=rng.randrange(days)) if days > 0 else start


def build(url: str, workdir: str, members: int, seed: int) -> dict:
    """Create the schema and bulk-load the dataset (in its own process)."""
    from sqlalchemy import insert, text

    from states.text import name_search_key, name_sort_key
    from workflow.extensions import db
    from workflow.models import (
        AuditEntry,
        BadgeAward,
        BadgeRound,
        Case,
        DisciplineRecord,
        MembershipGap,
        Organization,
        Person,
        Transfer,
    )

    rng = random.Random(seed)
    app = make_app(url, workdir)
    started = time.perf_counter()
    orgs, cells = [], []
    oid = 0
    for g in range(GRASSROOTS):
        oid += 1
        top = oid
        orgs.append(
            {"id": top, "code": f"G{g}", "name": f"Đảng bộ {g}", "kind": "grassroots_committee",
             "parent_id": None, "path": f"/{top}/"}
        )  # fmt: skip
        for c in range(CELLS_EACH):
            oid += 1
            cells.append((oid, f"/{top}/{oid}/"))
            orgs.append(
                {"id": oid, "code": f"C{g}-{c}", "name": f"Chi bộ {g}-{c}", "kind": "cell",
                 "parent_id": top, "path": f"/{top}/{oid}/"}
            )  # fmt: skip
    people, audit_rows, gaps, cases, records, transfers, awards = [], [], [], [], [], [], []
    seq = 0
    now = datetime(2026, 5, 25, 8, 0)

    def row(pid: int, on: date, action: str, cell: int | None, status: str | None, proc=None):
        nonlocal seq
        seq += 1
        audit_rows.append(
            {"seq": seq, "entered_at": now, "event_date": on, "actor_name": "", "actor_role": "",
             "subject_type": "person", "subject_id": pid, "procedure": proc, "action": action,
             "payload": "{}", "comment": "", "person_id": pid, "org_id": cell,
             "member_status": status, "prev_hash": "0" * 64, "row_hash": "0" * 64}
        )  # fmt: skip

    for pid in range(1, members + 1):
        cell, _ = cells[pid % len(cells)]
        decided = _day(rng, date(1950, 1, 1), date(2024, 12, 31))
        name = f"Nguyễn Văn Thành {pid}"
        status = "official"
        roll = rng.random()
        if roll < 0.002:
            status = "removed"
            row(pid, decided, "history.recognized", cell, "official")
            row(pid, _day(rng, date(2025, 12, 1), date(2026, 5, 1)), "open", None, "removed",
                "death")  # fmt: skip
        elif roll < 0.012:
            row(pid, decided, "history.recognized", cell, "official")
            out = _day(rng, decided + timedelta(days=400), date(2020, 1, 1))
            row(pid, out, "approve_removal", None, "removed", "removal")
            row(pid, out + timedelta(days=rng.randrange(60, 700)), "annul", cell, "official",
                "removal")  # fmt: skip
        else:
            row(pid, decided, "history.recognized", cell, "official")
        if 0.012 <= roll < 0.032:
            start = _day(rng, decided + timedelta(days=30), date(2023, 1, 1))
            gaps.append(
                {"person_id": pid, "start_on": start,
                 "end_on": start + timedelta(days=rng.randrange(40, 900)),
                 "reason": "Mất liên lạc với tổ chức đảng", "created_at": now}
            )  # fmt: skip
        if 0.032 <= roll < 0.037:
            cases.append(
                {"id": len(cases) + 1, "procedure": "discipline", "state": "in_effect",
                 "version": 1, "person_id": pid, "cell_id": cell, "opened_at": now,
                 "opened_on": date(2025, 6, 1)}
            )  # fmt: skip
            records.append(
                {"case_id": len(cases), "person_id": pid, "source": "cell_review",
                 "reference": "", "violation_on": date(2025, 5, 1), "matter": "member_duties",
                 "no_limitation": False, "facts": "", "form": rng.choice(("reprimand", "warning")),
                 "announced_on": _day(rng, date(2025, 6, 1), date(2026, 5, 1))}
            )  # fmt: skip
        if 0.037 <= roll < 0.040:
            letter = _day(rng, decided + timedelta(days=400), date(2024, 1, 1))
            cases.append(
                {"id": len(cases) + 1, "procedure": "transfer", "state": "arrived",
                 "version": 1, "person_id": pid, "cell_id": cell, "opened_at": now,
                 "opened_on": letter}
            )  # fmt: skip
            transfers.append(
                {"case_id": len(cases), "person_id": pid, "direction": "within",
                 "from_org_id": cell, "to_org_id": cell, "letter_on": letter,
                 "present_by": letter + timedelta(days=42),
                 "arrived_on": letter + timedelta(days=rng.randrange(60, 400)), "created_at": now}
            )  # fmt: skip
        people.append(
            {"id": pid, "full_name": name, "search_key": name_search_key(name),
             "sort_key": name_sort_key(name),
             "birth_date": date(1930, 1, 1) + timedelta(days=pid % 20000),
             "sex": "male", "citizen_id": f"{pid:012d}", "education": "university",
             "cell_id": cell, "member_status": status, "admission_decision_on": decided,
             "joined_on": decided + timedelta(days=20),
             "official_on": decided + timedelta(days=385), "presence": "active", "version": 1}
        )  # fmt: skip
    given = rng.sample(range(1, members + 1), members // 50)
    with app.app_context():
        db.create_all()
        engine = db.engine
        with engine.begin() as conn:
            extra = {"active": True, "version": 1, "authorized_to_admit": False, "created_at": now}
            conn.execute(insert(Organization.__table__), [{**o, **extra} for o in orgs])
            for i in range(0, len(people), 20_000):
                conn.execute(insert(Person.__table__), people[i : i + 20_000])
            for i in range(0, len(audit_rows), 20_000):
                conn.execute(insert(AuditEntry.__table__), audit_rows[i : i + 20_000])
            conn.execute(text("UPDATE audit_head SET seq = :s WHERE id = 1"), {"s": seq})
            if gaps:
                conn.execute(insert(MembershipGap.__table__), gaps)
            if cases:
                conn.execute(insert(Case.__table__), cases)
            if records:
                conn.execute(insert(DisciplineRecord.__table__), records)
            if transfers:
                conn.execute(insert(Transfer.__table__), transfers)
            conn.execute(
                insert(BadgeRound.__table__),
                [{"id": 1, "occasion": "7/11", "year": 2025, "round_on": date(2025, 11, 7),
                  "since_on": date(2025, 9, 2), "status": "decided", "decision_number": "1-QĐ/TU",
                  "created_at": now, "version": 1}],
            )  # fmt: skip
            for pid in given:
                awards.append(
                    {"round_id": 1, "person_id": pid, "org_id": 1, "cell_id": 2,
                     "sort_key": "", "years": 30, "kind": "regular",
                     "reached_on": date(2025, 10, 1),
                     "party_age_months": 360, "status": "handed", "note": "",
                     "needs_review": False, "badge_number": f"B{pid}", "version": 1}
                )  # fmt: skip
            conn.execute(insert(BadgeAward.__table__), awards)
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
    return {
        "people": members,
        "audit_rows": len(audit_rows),
        "gaps": len(gaps),
        "disciplines": len(records),
        "late_transfers": len(transfers),
        "insert_s": time.perf_counter() - started,
    }


def baseline_sql():
    """The members whose admission date falls in a threshold's window: a plain selection."""
    from sqlalchemy import or_, select

    from states.dates import add_months
    from workflow.models import Person

    windows = [
        Person.admission_decision_on.between(add_months(SINCE, -12 * y), add_months(ROUND, -12 * y))
        for y in (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
    ]
    return select(Person.id).where(Person.member_status == "official", or_(*windows))


def measure(url: str, workdir: str, repeat: int, label: str) -> dict:
    from workflow.badges.rounds import eligible
    from workflow.extensions import db

    app = make_app(url, workdir)
    times: dict[str, list[float]] = {"eligible": [], "sql": []}
    with app.app_context():
        stmt = baseline_sql()

        def ours():
            began = time.perf_counter()
            found = eligible(ROUND, SINCE)
            took = time.perf_counter() - began
            db.session.remove()
            return found, took

        def plain():
            began = time.perf_counter()
            n = len(db.session.execute(stmt).all())
            took = time.perf_counter() - began
            db.session.remove()
            return n, took

        found, warm = ours()
        n, warm_sql = plain()
        print(f"[{label}] warm-up: eligibility {warm:.2f} s, SQL {warm_sql:.3f} s", flush=True)
        for i in range(repeat):
            found, took = ours()
            n, took_sql = plain()
            times["eligible"].append(took)
            times["sql"].append(took_sql)
            print(
                f"[{label}] run {i + 1}: eligibility {took:.2f} s, SQL {took_sql:.3f} s", flush=True
            )
        kinds: dict[str, int] = {}
        for e in found:
            key = "held" if e.proposal.hold_reason else e.proposal.kind
            kinds[key] = kinds.get(key, 0) + 1
        db.engine.dispose()
    return {"times": times, "proposed": len(found), "by_kind": kinds, "sql_rows": n}


def in_process(fn, *args):
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def bench(label: str, url: str, workdir: str, args: argparse.Namespace) -> dict:
    print(f"\n[{label}] building {args.members:,} members …", flush=True)
    built = in_process(build, url, workdir, args.members, args.seed)
    print(f"[{label}] built: {built}", flush=True)
    result = in_process(measure, url, workdir, args.repeat, label)
    ours = statistics.median(result["times"]["eligible"])
    plain = statistics.median(result["times"]["sql"])
    print(
        f"[{label}] eligibility median {ours:.3f} s (min {min(result['times']['eligible']):.3f}, "
        f"max {max(result['times']['eligible']):.3f}); plain SQL median {plain:.3f} s; "
        f"ratio ours/SQL {ours / plain:.1f}×; proposed {result['proposed']:,} "
        f"{result['by_kind']} (the SQL selects {result['sql_rows']:,}); target < "
        f"{TARGET_SECONDS:.0f} s: {'met' if ours < TARGET_SECONDS else 'MISSED'}",
        flush=True,
    )
    return {**built, **result, "median_s": ours, "sql_median_s": plain, "ratio": ours / plain}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = parser.parse_args()
    print(
        f"Badge round {ROUND:%d/%m/%Y} (previous {SINCE:%d/%m/%Y}), whole committee: "
        f"{args.members:,} members; {args.repeat} timed rounds after one warm-up; target < "
        f"{TARGET_SECONDS:.0f} s",
        flush=True,
    )
    summary: dict = {"members": args.members, "repeat": args.repeat, "seed": args.seed}
    workdir = Path(tempfile.mkdtemp(prefix="bench-badges-"))
    try:
        if not args.no_sqlite:
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            summary["sqlite"] = bench("sqlite", url, str(workdir), args)
        if not args.no_pg:
            import psycopg

            name = f"wf_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.pg_url, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                url = f"{args.pg_url.rsplit('/', 1)[0]}/{name}"
                summary["postgresql"] = bench("postgresql", url, str(workdir), args)
            finally:
                with psycopg.connect(args.pg_url, autocommit=True, connect_timeout=5) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "badges.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

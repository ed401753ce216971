"""Benchmark: importing a member list of 10,000 rows versus a plain bulk insert of the same rows.

    .venv/bin/python bench/import.py [--rows 10000] [--repeat 3] [--pg-url URL] [--seed 2025]

Each round builds two fresh databases with the demonstration committee's organizations and
accounts (no people): SQLite files by default, PostgreSQL databases with ``--pg-url``.

Ours, timed end to end: ``batches.store`` then ``batches.run`` as the department's staff on the
same .xlsx bytes — open and read the file, check every row (names, citizen IDs with their
century and year digits, dates against each other, cells in scope, citizen IDs already on
record), write the people in bulk, write each member's dated history to the hash-chained audit
trail, open a probation case for each probationary member, record the import.

Baseline, in the same round on the other fresh database: openpyxl's read-only iteration of the
same file, then one Core ``insert(person)`` executemany of the rows as read (cell codes
replaced by ids, nothing checked, no history, no audit trail) — the least any importer must do.

The file: official members (most), probationary members, candidates, members who arrived from
outside the committee or from another of its cells, and members who left the lists, spread over
the committee's cells. After the rounds the imported database is checked: as many people as
rows, the audit chain verifies, and the period report balances.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from states.identity import PROVINCE_CODES  # noqa: E402
from states.roster import COLUMNS, EDUCATION_LABELS, LEAVINGS  # noqa: E402
from workflow.demo import load_demo  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Quang"], "female": ["Thị", "Thu", "Ngọc", "Thanh"]}
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hằng", "Khánh", "Lan", "Minh", "Nam", "Phương"]


def make_rows(n: int, cells: list[str], rng: random.Random) -> list[dict]:
    rows = []
    provinces = sorted(PROVINCE_CODES)
    for index in range(n):
        sex = rng.choice(["male", "female"])
        birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 40))
        digit = (0 if birth.year < 2000 else 2) + (0 if sex == "male" else 1)
        cid = f"{rng.choice(provinces)}{digit}{birth.year % 100:02d}{index:06d}"
        row = {
            "full_name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN)}",
            "birth_date": birth,
            "sex": "Nam" if sex == "male" else "Nữ",
            "citizen_id": cid,
            "ethnicity": "Kinh",
            "religion": "Không",
            "home_town": "xã Phú Lộc, tỉnh Phú Thọ",
            "education": EDUCATION_LABELS["university"],
            "occupation": "Chuyên viên",
            "phone": f"09{rng.randrange(10**8):08d}",
            "cell": rng.choice(cells),
        }
        kind = rng.random()
        if kind < 0.10:
            row["status"] = "Quần chúng"
            rows.append(row)
            continue
        decided = birth + timedelta(days=365 * 22 + rng.randint(0, 365 * 15))
        decided = min(decided, date(2024, 6, 1))
        joined = decided + timedelta(days=rng.randint(7, 30))
        row.update(admission_decision_on=decided, joined_on=joined)
        if kind < 0.15:
            row["status"] = "Đảng viên dự bị"
            row["admission_decision_on"] = date(2025, 3, 1) + timedelta(days=rng.randint(0, 200))
            row["joined_on"] = row["admission_decision_on"] + timedelta(days=10)
        else:
            row["status"] = "Đảng viên chính thức"
            row["official_on"] = date(joined.year + 1, joined.month, min(joined.day, 28))
            row["card_number"] = f"25{rng.randrange(10**6):06d}"
            last = row["official_on"]
            if kind < 0.20:
                row["origin"] = "Đảng bộ xã Hùng Lô, tỉnh Phú Thọ"
                row["arrived_on"] = last + timedelta(days=rng.randint(30, 900))
                last = row["arrived_on"]
            elif kind < 0.23:
                other = rng.choice([c for c in cells if c != row["cell"]])
                row["origin"] = other
                row["letter_on"] = last + timedelta(days=rng.randint(30, 900))
                row["arrived_on"] = row["letter_on"] + timedelta(days=rng.randint(1, 20))
                last = row["arrived_on"]
            if 0.23 <= kind < 0.25:
                row["left_on"] = last + timedelta(days=rng.randint(10, 300))
                row["left_reason"] = LEAVINGS[0].label
            for key in ("arrived_on", "letter_on", "left_on"):
                if row.get(key) and row[key] > date(2026, 1, 1):
                    row[key] = None
                    if key == "arrived_on":
                        row.pop("origin", None)
                        row["letter_on"] = None
                    if key == "left_on":
                        row["left_reason"] = None
        rows.append(row)
    return rows


def workbook_bytes(rows: list[dict]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    columns = [c for c in COLUMNS if not c.read_only]
    ws.append([c.header for c in columns])
    for number, row in enumerate(rows, 1):
        ws.append([number if c.key == "number" else row.get(c.key) for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def fresh_app(url: str | None, tmp: Path):
    from workflow import create_app
    from workflow.extensions import db

    if url is None:
        url = f"sqlite:///{tmp / f'{uuid.uuid4().hex}.sqlite3'}"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"},
        instance_path=str(tmp),
    )
    with app.app_context():
        db.create_all()
        load_demo(people=False)
    return app


def cell_codes(app) -> list[str]:
    from workflow.extensions import db
    from workflow.models import Organization
    from workflow.models.orgs import CELL_KINDS

    with app.app_context():
        return list(
            db.session.scalars(
                select(Organization.code)
                .where(Organization.kind.in_(CELL_KINDS))
                .order_by(Organization.code)
            )
        )


def pg_database(base: str) -> str:
    import psycopg

    name = f"wf_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base.rsplit('/', 1)[0]}/{name}"


def drop_pg(base: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ours(app, data: bytes) -> tuple[float, float, object]:
    from workflow.extensions import db
    from workflow.models import User
    from workflow.permissions import Actor
    from workflow.roster import batches, checks

    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "bantochuc")).one()
        actor = Actor.of(user)
        started = time.perf_counter()
        plan = checks.check(data, actor, 20_000)
        checked = time.perf_counter() - started
        assert plan.clean, plan.problems[:5]
        started = time.perf_counter()
        batch = batches.store("bench.xlsx", data, actor)
        result = batches.run(batch.id, "all", actor)
        return time.perf_counter() - started, checked, result


def baseline(app, data: bytes) -> float:
    from workflow.extensions import db
    from workflow.models import Organization, Person
    from workflow.models.people import name_keys

    keys = [c.key for c in COLUMNS if not c.read_only]
    sexes = {"Nam": "male", "Nữ": "female"}
    statuses = {
        "Quần chúng": "non_member",
        "Đảng viên dự bị": "probationary",
        "Đảng viên chính thức": "official",
    }
    with app.app_context():
        started = time.perf_counter()
        cells = dict(db.session.execute(select(Organization.code, Organization.id)).all())
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = []
        for values in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
            raw = dict(zip(keys, values, strict=False))
            rows.append(
                {
                    "full_name": raw.get("full_name"),
                    **name_keys(raw.get("full_name")),
                    "birth_date": raw.get("birth_date").date(),
                    "sex": sexes[raw.get("sex")],
                    "citizen_id": raw.get("citizen_id"),
                    "ethnicity": raw.get("ethnicity"),
                    "religion": raw.get("religion"),
                    "home_town": raw.get("home_town"),
                    "education": "university",
                    "occupation": raw.get("occupation") or "",
                    "phone": raw.get("phone") or "",
                    "cell_id": cells[raw.get("cell")],
                    "member_status": statuses[raw.get("status")],
                    "joined_on": raw.get("joined_on").date() if raw.get("joined_on") else None,
                    "admission_decision_on": raw.get("admission_decision_on").date()
                    if raw.get("admission_decision_on")
                    else None,
                    "official_on": raw.get("official_on").date()
                    if raw.get("official_on")
                    else None,
                    "card_number": raw.get("card_number"),
                    "presence": "active",
                    "version": 1,
                }
            )
        wb.close()
        db.session.execute(insert(Person.__table__), rows)
        db.session.commit()
        return time.perf_counter() - started


def check_result(app, rows: int) -> str:
    from workflow.extensions import db
    from workflow.models import Person
    from workflow.reports import period
    from workflow.store.audit import verify_chain

    with app.app_context():
        people = db.session.scalar(select(db.func.count(Person.id)))
        chain = verify_chain()
        report = period.compute(date(2025, 1, 1), date(2025, 12, 31))
        return (
            f"people {people:,} of {rows:,} rows; audit chain {'ok' if chain.ok else 'BROKEN'} "
            f"({chain.rows:,} rows); 2025 report balanced: {report.balanced}, "
            f"members at the end {report.total.end_total:,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cells = cell_codes(fresh_app(None, Path(tmp)))
    rows = make_rows(args.rows, cells, random.Random(args.seed))
    data = workbook_bytes(rows)
    where = "PostgreSQL" if args.pg_url else "SQLite"
    print(f"{where}: {args.rows:,} rows, file {len(data) / 1024:,.0f} KB, {args.repeat} rounds")
    ours_times, checks, base_times = [], [], []
    last = None
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            urls = [pg_database(args.pg_url) for _ in range(2)] if args.pg_url else [None, None]
            try:
                app_ours, app_base = (fresh_app(u, Path(tmp)) for u in urls)
                took, checked, result = ours(app_ours, data)
                ours_times.append(took)
                checks.append(checked)
                base_times.append(baseline(app_base, data))
                last = check_result(app_ours, args.rows)
                for app in (app_ours, app_base):
                    with app.app_context():
                        from workflow.extensions import db

                        db.engine.dispose()
            finally:
                if args.pg_url:
                    for url in urls:
                        drop_pg(args.pg_url, url)
    ours_median, base_median = statistics.median(ours_times), statistics.median(base_times)
    print(
        f"import (ours): median {ours_median:.2f} s (min {min(ours_times):.2f}, "
        f"max {max(ours_times):.2f}); a check alone: {statistics.median(checks):.2f} s"
    )
    print(
        f"plain bulk insert (baseline): median {base_median:.2f} s "
        f"(min {min(base_times):.2f}, max {max(base_times):.2f})"
    )
    print(f"ratio ours/baseline: {ours_median / base_median:.1f}")
    print(f"target < 30 s: {'met' if ours_median < 30 else 'MISSED'}")
    print(f"last import: {result}")
    print(f"check: {last}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

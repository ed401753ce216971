"""Benchmark: the pages a clerk waits for, served at a province's scale on PostgreSQL.

    .venv/bin/python bench/web.py [--members 150000] [--cases 1000000] [--audit 10000000]
                                  [--quick] [--rate 20] [--seconds 15] [--workers 4]
                                  [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                  [--keep NAME | --reuse NAME] [--only PAGE ...] [--json FILE]

Builds a committee with the project's own tables (``db.create_all`` on a fresh database
``wf_bench_web_<random>``, then COPY): the organizations, people and audit trail of
``bench/report.py``'s dataset (its admission and probation cases included), then more cases of
every procedure up to ``--cases`` — about one in nine open, each with its audit rows up to
``--audit`` in all, open deadlines on two in five open cases, issued decisions for the
admissions and recognitions, the transfers' records — and one department-staff account.
``--quick`` is a size CI can run (5,000 members, 30,000 cases, 300,000 audit rows). ``--keep``
leaves the database for a later ``--reuse`` (building the default scale takes minutes).

Serves it with gunicorn (``--workers`` sync workers, the production settings, today fixed at
2026-01-15), logs in as the department's clerk (who sees the whole committee: the broadest
scope, the heaviest pages) and, page after page, sends requests at a fixed rate (``--rate``
per second for ``--seconds``, open loop: a request's time counts from when it was due, so a
queue behind a slow page shows) and prints p50/p95/p99, errors and timeouts. The report page is
measured one request at a time (its target is absolute: 2 s).

In the same run each page's main query is timed bare — the SQL written out by hand, run by
psycopg without the application — and the page's p50 is printed against it (time,
page/SQL: what the application adds above the database's own work). Targets: p95 ≤ 150 ms at
``--rate`` for every page but the report; the report ≤ 2 s. A miss is printed, not failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 1, 15)
TARGET_P95_MS = 150.0
REPORT_TARGET_S = 2.0
PASSWORD = "bench-Pa55word-web"  # noqa: S105 (a throw-away account in a throw-away database)
TIMEOUT_S = 10.0

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương",
)  # fmt: skip
MIDDLE = (
    "Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Xuân", "Kim", "Anh",
    "Công", "Đình", "Hồng", "Bảo", "Thế", "Mạnh", "Diệu", "Phương",
)  # fmt: skip
GIVEN = (
    "An", "Bình", "Cường", "Dung", "Hà", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Tâm",
    "Hương", "Huệ", "Khánh", "Linh", "Loan", "Lộc", "Nga", "Ngân", "Nhung", "Oanh", "Phúc",
    "Quang", "Quyên", "Sơn", "Thắng", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Tú", "Uyên",
    "Vân", "Việt", "Vinh", "Xuân", "Yến", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hòa",
    "Hoàn", "Huy", "Kiên", "Lâm", "Luân", "Minh", "Nghĩa", "Nhân", "Phong", "Quân", "Tài",
    "Thành", "Thịnh", "Toàn", "Vũ",
)  # fmt: skip
#: share of the extra cases by procedure
PROCEDURE_WEIGHTS = {
    "admission": 30,
    "probation": 25,
    "transfer": 20,
    "transfer_in": 10,
    "temporary_transfer": 10,
    "internal_transfer": 5,
}
OPEN_SHARE = 0.11


def load_report_bench():
    """``bench/report.py`` as a module (its dataset: organizations, people, the trail)."""
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["bench_report"] = module
    spec.loader.exec_module(module)
    return module


def make_app(url: str, workdir: str):
    from workflow import create_app

    return create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url},
        instance_path=workdir,
    )


# --------------------------------------------------------------------------------------------
# building the dataset


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table``; the model's columns not
    given take their Python-side default (what an ORM insert would write)."""
    from workflow.extensions import db

    missing = []
    for column in db.metadata.tables[table].columns:
        if column.name in columns or (column.primary_key and column.autoincrement is True):
            continue
        default = column.default
        if default is None:
            continue
        value = datetime(2024, 1, 2, 8, 0) if default.is_callable else default.arg
        missing.append((column.name, value))
    names = [*columns, *(name for name, _ in missing)]
    tail = tuple(value for _, value in missing)
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *tail))
            n += 1
    return n


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN)
    if rng.random() < 0.3:
        given = f"{rng.choice(MIDDLE)} {given}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {given}"


def build(url: str, workdir: str, args: argparse.Namespace) -> dict:
    """Create the schema and load the committee; returns counts and timings."""
    from sqlalchemy import text

    from states import REGISTRY
    from workflow.auth import hash_password
    from workflow.extensions import db
    from workflow.models import Organization
    from workflow.models.people import name_keys
    from workflow.reports import facts as report_facts
    from workflow.store.uow import unit_of_work

    report = load_report_bench()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    report_rows = max(args.audit // 5, args.members * 4)
    orgs, trail, facts, _kinds = report.make_dataset(args.members, report_rows, args.seed)
    generated = time.perf_counter() - started
    units = [o["id"] for o in orgs if o["kind"] in ("cell", "grassroots_cell")]

    # --- the trail's own cases (admission and probation through the engine's steps)
    cases: dict[int, dict] = {}
    for row in trail:
        if row[6] != "case" or row[11] is None:
            continue
        case_id, event_on = row[7], date.fromisoformat(row[2])
        c = cases.get(case_id)
        if c is None:
            c = cases[case_id] = {
                "procedure": row[8],
                "person": row[14],
                "opened_on": event_on,
                "state": row[11],
            }
        c["state"] = row[11]
        c["last"] = event_on
    first_extra = max(cases, default=0) + 1
    people_cells: dict[int, int] = {}
    for row in trail:
        if row[9] == "person.create":
            people_cells[row[7]] = row[15]

    app = make_app(url, workdir)
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    with app.app_context():
        db.create_all()
        engine = db.engine
        with engine.begin() as conn:
            from sqlalchemy import insert

            conn.execute(insert(Organization.__table__), orgs)
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            # --- people
            person_cols = [
                "id", "full_name", "search_key", "sort_key", "birth_date", "sex", "ethnicity",
                "religion", "home_town", "citizen_id", "education", "occupation", "phone",
                "cell_id", "member_status", "joined_on", "official_on", "presence", "version",
                "created_at",
            ]  # fmt: skip

            def people():
                for pid in range(1, args.members + 1):
                    name = person_name(rng)
                    keys = name_keys(name)
                    joined, recognized, letter, arrived = facts.get(pid, (None,) * 4)
                    status = (
                        "official" if recognized else "probationary" if joined else "non_member"
                    )
                    presence = "in_transit" if letter and not arrived else "active"
                    yield (
                        pid, name, keys["search_key"], keys["sort_key"],
                        date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                        rng.choice(("male", "female")), "Kinh", "Không", "Xã Tân Phú",
                        f"0{(pid * 7919 + 13) % 10**11:011d}", "12/12", "Công chức", "",
                        people_cells.get(pid) or rng.choice(units), status, joined, recognized,
                        presence, 1, datetime(2024, 1, 2, 8, 0),
                    )  # fmt: skip

            counts["people"] = copy_rows(cur, "person", person_cols, people())

            # --- more cases of every procedure, with their audit rows, deadlines, decisions
            names = list(PROCEDURE_WEIGHTS)
            weights = list(PROCEDURE_WEIGHTS.values())
            extra = max(0, args.cases - len(cases))
            per_case = max(1, (args.audit - len(trail)) // max(extra, 1))
            audit_cols = list(report.COLUMNS)
            deadlines: list[tuple] = []
            decisions: list[tuple] = []
            transfers: list[tuple] = []
            last_row: list[tuple] = [trail[-1]] if trail else []

            def extra_audit_rows():
                """The extra cases' audit rows, made as COPY reads them (at 5M cases they
                would not fit in memory); the cases, clocks and decisions are kept."""
                seq = trail[-1][0] if trail else 0
                for n in range(extra):
                    case_id = first_extra + n
                    procedure = rng.choices(names, weights)[0]
                    spec = REGISTRY[procedure]
                    person = rng.randint(1, args.members)
                    is_open = rng.random() < OPEN_SHARE
                    if is_open:
                        state = rng.choice([s for s in spec.states if s not in spec.finals])
                        opened = date(2024, 1, 10) + timedelta(days=rng.randint(0, 700))
                    else:
                        state = rng.choice(sorted(spec.finals))
                        opened = date(2012, 1, 1) + timedelta(days=rng.randint(0, 4700))
                    last = min(opened + timedelta(days=rng.randint(0, 300)), date(2025, 12, 31))
                    cases[case_id] = {
                        "procedure": procedure,
                        "person": person,
                        "opened_on": opened,
                        "state": state,
                        "last": last,
                        "closed": not is_open,
                    }
                    span = max((last - opened).days, 1)
                    for k in range(per_case):
                        seq += 1
                        day = opened + timedelta(days=span * k // per_case)
                        action = "open" if k == 0 else "record_document"
                        to_state = spec.initial if k == 0 else None
                        if k == per_case - 1:
                            day, to_state = last, state
                        row = (
                            seq, datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
                            day, 1, "Nguyễn Văn An", "department_staff", "case", case_id,
                            procedure, action, None, to_state,
                            f'{{"event_date":"{day.isoformat()}"}}', "", person, None, None,
                            None, "0" * 64, f"{rng.getrandbits(256):064x}",
                        )  # fmt: skip
                        last_row[:] = [row]
                        yield row
                    if is_open and spec.deadlines and rng.random() < 0.4:
                        kind = rng.choice(sorted(spec.deadlines))
                        due = TODAY + timedelta(days=rng.randint(-60, 120))
                        deadlines.append(
                            (case_id, kind, "working_days", due - timedelta(days=40), 30, 0, due,
                             "open", None, None, "")
                        )  # fmt: skip
                    elif not is_open and spec.deadlines and rng.random() < 0.2:
                        kind = rng.choice(sorted(spec.deadlines))
                        deadlines.append(
                            (case_id, kind, "working_days", last - timedelta(days=40), 30, 0, last,
                             "closed", last, None, "")
                        )  # fmt: skip
                    if procedure in ("admission", "probation") and state in (
                        "admitted",
                        "official",
                    ):
                        decisions.append((case_id, procedure, last))

            def audit_rows():
                yield from trail
                yield from extra_audit_rows()

            # the extra cases are made as COPY reads their rows (before anything else draws from
            # the random generator: the same dataset as when they were made first)
            counts["audit_rows"] = copy_rows(cur, "audit_log", audit_cols, audit_rows())
            trail.clear()
            for case_id, c in cases.items():
                c.setdefault("closed", c["state"] in REGISTRY[c["procedure"]].finals)
                if c["procedure"] not in ("admission", "probation"):
                    transfers.append((case_id, c["person"], c["procedure"], c["last"]))

            case_cols = [
                "id", "procedure", "state", "version", "person_id", "cell_id", "opened_at",
                "opened_on", "closed_at", "last_event_on", "probation_end_confirmed",
                "proposal_reason",
            ]  # fmt: skip

            def case_rows():
                for case_id, c in cases.items():
                    cell = people_cells.get(c["person"]) or units[c["person"] % len(units)]
                    yield (
                        case_id, c["procedure"], c["state"], 1, c["person"], cell,
                        datetime.combine(c["opened_on"], datetime.min.time()), c["opened_on"],
                        datetime.combine(c["last"], datetime.min.time()) if c["closed"] else None,
                        c["last"], True, "",
                    )  # fmt: skip

            counts["cases"] = copy_rows(cur, "membership_case", case_cols, case_rows())
            counts["open_cases"] = sum(1 for c in cases.values() if not c["closed"])

            counts["deadlines"] = copy_rows(
                cur,
                "deadline",
                ["case_id", "kind", "unit", "starts_on", "base_days", "extended_days", "due_on",
                 "status", "closed_on", "overdue_since", "note"],
                deadlines,
            )  # fmt: skip
            counts["open_deadlines"] = sum(1 for d in deadlines if d[7] == "open")
            numbers: dict[tuple[str, int], int] = {}

            def decision_rows():
                for case_id, procedure, on in decisions:
                    key = ("QĐ", on.year)
                    numbers[key] = numbers.get(key, 0) + 1
                    kind = "admission" if procedure == "admission" else "recognition"
                    label = "kết nạp đảng viên" if kind == "admission" else "công nhận chính thức"
                    yield (
                        case_id, kind, "issued", "upper", "ĐUK", "QĐ",
                        f"về việc {label}", date(on.year, 1, 1), numbers[key], on,
                        "Trần Văn Bình", "PHÓ BÍ THƯ", "2025", "{}", True,
                        uuid.UUID(int=rng.getrandbits(128)).hex,
                    )  # fmt: skip

            counts["decisions"] = copy_rows(
                cur,
                "decision",
                ["case_id", "kind", "status", "issuer", "issuer_abbr", "doc_type", "subject",
                 "term_start", "number", "decided_on", "signer_name", "signer_title",
                 "rule_set", "snapshot", "signed", "verify_token"],
                decision_rows(),
            )  # fmt: skip

            def transfer_rows():
                for case_id, person, procedure, on in transfers:
                    home = people_cells.get(person) or units[person % len(units)]
                    other = rng.choice(units)
                    direction, origin, destination = {
                        "transfer_in": ("in", "Đảng bộ tỉnh Tuyên Quang", ""),
                        "temporary_transfer": ("temporary", "", "Đảng bộ phường Hà Giang 1"),
                        "internal_transfer": ("internal", "", ""),
                    }.get(procedure, ("out", "", "Đảng bộ tỉnh Lào Cai"))
                    to_org = other if direction in ("in", "internal") else None
                    if procedure == "transfer" and rng.random() < 0.3:
                        direction, to_org, destination = "within", other, ""
                    yield (
                        case_id, person, direction, None if direction == "in" else home,
                        to_org, origin, destination, "job_move", on,
                    )  # fmt: skip

            counts["transfers"] = copy_rows(
                cur,
                "transfer",
                ["case_id", "person_id", "direction", "from_org_id", "to_org_id", "origin",
                 "destination", "reason", "effective_on"],
                transfer_rows(),
            )  # fmt: skip
            raw.commit()
        finally:
            raw.close()
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE audit_head SET seq = :seq, row_hash = :h WHERE id = 1"),
                {"seq": last_row[0][0], "h": last_row[0][-1]},
            )
            for table in (
                "organization", "person", "membership_case", "deadline", "decision", "transfer",
            ):  # fmt: skip
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
            user_id = conn.execute(
                text(
                    "INSERT INTO app_user (username, full_name, password_hash, active,"
                    " session_epoch, failed_logins, created_at)"
                    " VALUES ('bench', 'Lê Thị Hạnh', :h, true, 0, 0, now()) RETURNING id"
                ),
                {"h": hash_password(PASSWORD)},
            ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO role_grant (user_id, role, org_id, title, created_at)"
                    " VALUES (:u, 'department_staff', NULL, 'Chuyên viên', now())"
                ),
                {"u": user_id},
            )
        loaded = time.perf_counter() - t0
        # the report's facts, derived from the loaded trail as the application's rebuild does
        t0 = time.perf_counter()
        with unit_of_work():
            counts["report_facts"] = report_facts.rebuild()
        db.session.remove()
        derived = time.perf_counter() - t0
        t0 = time.perf_counter()
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        analyzed = time.perf_counter() - t0
        engine.dispose()
    return {
        **counts,
        "organizations": len(orgs),
        "generate_s": round(generated, 1),
        "load_s": round(loaded, 1),
        "report_facts_s": round(derived, 1),
        "vacuum_analyze_s": round(analyzed, 1),
    }


# --------------------------------------------------------------------------------------------
# serving and measuring


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workdir: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    Path(workdir, "config.py").write_text(
        f"SECRET_KEY = {uuid.uuid4().hex!r}\nAUDIT_KEY = {uuid.uuid4().hex!r}\n"
        "SESSION_COOKIE_SECURE = False\n"
        f"FIXED_TODAY = {TODAY.isoformat()!r}\n"
        "LOG_LEVEL = 'WARNING'\nLOGIN_MAX_FAILURES_PER_ADDRESS = 10000\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "WORKFLOW_INSTANCE_PATH": workdir,
        "WORKFLOW_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the application did not start")


def login(base: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/login", timeout=TIMEOUT_S).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    r = s.post(
        f"{base}/login",
        data={"csrf_token": token.group(1), "username": "bench", "password": PASSWORD, "next": ""},
        timeout=TIMEOUT_S,
        allow_redirects=False,
    )
    if r.status_code != 302 or r.headers.get("Location", "").endswith("/login"):
        raise SystemExit("login failed")
    return s


def open_loop(base: str, cookies, paths: list[str], rate: float, seconds: float) -> dict:
    """Requests due every 1/rate seconds; each time counted from when it was due."""
    total = int(rate * seconds)
    times: list[float] = []
    errors = timeouts = 0
    lock = threading.Lock()
    local = threading.local()

    def one(i: int, due: float) -> None:
        nonlocal errors, timeouts
        s = getattr(local, "s", None)
        if s is None:
            s = local.s = requests.Session()
            s.cookies.update(cookies)
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            r = s.get(base + paths[i % len(paths)], timeout=TIMEOUT_S, allow_redirects=False)
            ok = r.status_code == 200
        except requests.Timeout:
            with lock:
                timeouts += 1
            return
        except requests.RequestException:
            ok = False
        took = time.perf_counter() - due
        with lock:
            times.append(took)
            if not ok:
                errors += 1

    start = time.perf_counter() + 0.2
    with ThreadPoolExecutor(max_workers=int(rate * TIMEOUT_S) + 8) as pool:
        for i in range(total):
            pool.submit(one, i, start + i / rate)
    return summarize(times, total, errors, timeouts)


def drain(base: str) -> None:
    """Wait until the server has worked off the requests still queued (a page that could not
    keep up leaves them behind, and they would slow the next page down)."""
    requests.get(f"{base}/healthz", timeout=900)
    for _ in range(args_workers()):
        requests.get(f"{base}/healthz", timeout=900)


def args_workers() -> int:
    return int(os.environ.get("WF_BENCH_WORKERS", "4"))


def closed_loop(base: str, cookies, paths: list[str], count: int) -> dict:
    s = requests.Session()
    s.cookies.update(cookies)
    times, errors = [], 0
    for i in range(count):
        t = time.perf_counter()
        r = s.get(base + paths[i % len(paths)], timeout=120, allow_redirects=False)
        times.append(time.perf_counter() - t)
        errors += r.status_code != 200
    return summarize(times, count, errors, 0)


def summarize(times: list[float], total: int, errors: int, timeouts: int) -> dict:
    ms = sorted(t * 1000 for t in times)

    def pct(p: float) -> float:
        if not ms:
            return float("nan")
        return ms[min(len(ms) - 1, round(p / 100 * (len(ms) - 1)))]

    return {
        "n": total,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "errors": errors,
        "timeouts": timeouts,
    }


def bare_sql(pg_url: str, sql: str, params: dict, repeat: int = 15) -> float:
    """Median milliseconds of the SQL run by psycopg alone (warmed once)."""
    with psycopg.connect(pg_url) as conn:
        conn.execute(sql, params).fetchall()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.execute(sql, params).fetchall()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


CASE_COLUMNS = "c.id, c.procedure, c.state, c.last_event_on, p.full_name, p.birth_date, o.name"
CASE_FROM = (
    "FROM membership_case c JOIN person p ON p.id = c.person_id "
    "JOIN organization o ON o.id = c.cell_id"
)


def pages(pg_url: str, offset_deep: bool) -> list[dict]:
    """The pages measured: (name, paths, bare SQL of the main query and its parameters)."""
    with psycopg.connect(pg_url) as conn:
        open_total = conn.execute(
            "SELECT count(*) FROM membership_case WHERE closed_at IS NULL"
        ).fetchone()[0]
        all_total = conn.execute("SELECT count(*) FROM membership_case").fetchone()[0]
        deep_open = max(0, int(open_total * 0.8) // 25 * 25)
        deep_all = max(0, int(all_total * 0.8) // 25 * 25)
        cursor_open = conn.execute(
            "SELECT last_event_on, id FROM membership_case WHERE closed_at IS NULL "
            "ORDER BY last_event_on DESC, id DESC OFFSET %s LIMIT 1",
            (max(deep_open - 1, 0),),
        ).fetchone()
        cursor_all = conn.execute(
            "SELECT last_event_on, id FROM membership_case "
            "ORDER BY last_event_on DESC, id DESC OFFSET %s LIMIT 1",
            (max(deep_all - 1, 0),),
        ).fetchone()
        committee = conn.execute(
            "SELECT o.id FROM organization o WHERE o.kind = 'grassroots_committee' "
            "ORDER BY (SELECT count(*) FROM organization c WHERE c.parent_id = o.id) DESC, o.id "
            "LIMIT 1"
        ).fetchone()[0]
        committee_path = f"/{committee}/"
        case_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM membership_case WHERE closed_at IS NULL ORDER BY id LIMIT 40"
            )
        ]
        cid_tail = conn.execute(
            "SELECT right(citizen_id, 6) FROM person WHERE id = 4242"
        ).fetchone()
    if offset_deep:
        deep_q = f"?page={deep_open // 25 + 1}"
        deep_all_q = f"?status=all&page={deep_all // 25 + 1}"
    else:
        deep_q = f"?after={cursor_open[0].isoformat()}.{cursor_open[1]}"
        deep_all_q = f"?status=all&after={cursor_all[0].isoformat()}.{cursor_all[1]}"
    order = "ORDER BY c.last_event_on DESC, c.id DESC"
    seek = "AND (c.last_event_on, c.id) < (%(d)s, %(i)s)"
    return [
        {
            "name": "Danh sách hồ sơ, trang đầu",
            "paths": ["/cases/"],
            "sql": f"SELECT {CASE_COLUMNS} {CASE_FROM} WHERE c.closed_at IS NULL {order} LIMIT 25",
            "params": {},
        },
        {
            "name": "Danh sách hồ sơ, trang sâu (80 %)",
            "paths": ["/cases/" + deep_q],
            "sql": f"SELECT {CASE_COLUMNS} {CASE_FROM} WHERE c.closed_at IS NULL {seek} {order}"
            " LIMIT 25",
            "params": {"d": cursor_open[0], "i": cursor_open[1]},
        },
        {
            "name": "Danh sách hồ sơ, mọi trạng thái, trang sâu",
            "paths": ["/cases/" + deep_all_q],
            "sql": f"SELECT {CASE_COLUMNS} {CASE_FROM} WHERE true {seek} {order} LIMIT 25",
            "params": {"d": cursor_all[0], "i": cursor_all[1]},
        },
        {
            "name": "Danh sách hồ sơ, lọc (thủ tục, đơn vị)",
            "paths": [f"/cases/?procedure=admission&org={committee}"],
            "sql": f"SELECT {CASE_COLUMNS} {CASE_FROM} WHERE c.closed_at IS NULL"
            f" AND c.procedure = 'admission' AND o.path LIKE %(p)s {order} LIMIT 25",
            "params": {"p": committee_path + "%"},
        },
        {
            "name": "Tìm người, có dấu",
            "paths": ["/people/?q=Nguyễn+Thị+Hương", "/people/?q=Trần+Quốc+Tuấn"],
            "sql": "SELECT id, full_name FROM person WHERE search_key LIKE %(a)s"
            " AND search_key LIKE %(b)s ORDER BY sort_key, id LIMIT 25",
            "params": {"a": "% nguyen:nguyên%", "b": "% huong:hương%"},
        },
        {
            "name": "Tìm người, không dấu",
            "paths": ["/people/?q=nguyen+huong", "/people/?q=tran+tuan"],
            "sql": "SELECT id, full_name FROM person WHERE search_key LIKE %(a)s"
            " AND search_key LIKE %(b)s ORDER BY sort_key, id LIMIT 25",
            "params": {"a": "% nguyen:%", "b": "% huong:%"},
        },
        {
            "name": "Tìm người, cuối số định danh",
            "paths": [f"/people/?q={cid_tail[0]}"],
            "sql": "SELECT id, full_name FROM person WHERE citizen_id LIKE %(c)s"
            " ORDER BY sort_key, id LIMIT 25",
            "params": {"c": f"%{cid_tail[0]}"},
        },
        {
            "name": "Trang một hồ sơ",
            "paths": [f"/cases/{i}" for i in case_ids],
            "sql": "SELECT * FROM audit_log WHERE subject_type = 'case' AND subject_id = %(i)s"
            " ORDER BY seq",
            "params": {"i": case_ids[0]},
        },
        {
            "name": "Trang chủ: Việc của tôi",
            "paths": ["/"],
            "sql": f"SELECT {CASE_COLUMNS}, d.due {CASE_FROM} LEFT JOIN (SELECT case_id,"
            " min(due_on) AS due FROM deadline WHERE status = 'open' GROUP BY case_id) d"
            " ON d.case_id = c.id WHERE c.closed_at IS NULL AND c.state IN"
            " ('department_appraised', 'grassroots_proposed', 'grassroots_resolved')"
            " ORDER BY d.due NULLS LAST, c.id LIMIT 50",
            "params": {},
        },
        {
            "name": "Thời hạn",
            "paths": ["/deadlines/", "/deadlines/?page=20"],
            "sql": "SELECT d.id, d.due_on, d.kind, c.id, p.full_name FROM deadline d"
            " JOIN membership_case c ON c.id = d.case_id JOIN person p ON p.id = c.person_id"
            " WHERE d.status = 'open' ORDER BY d.due_on, d.id LIMIT 50",
            "params": {},
        },
        {
            "name": "Văn bản",
            "paths": ["/documents/"],
            "sql": "SELECT id, kind, number, decided_on, subject FROM decision"
            " ORDER BY decided_on DESC NULLS FIRST, id DESC LIMIT 50",
            "params": {},
        },
    ]


REPORT_PAGE = {
    "name": "Báo cáo quý (trang)",
    "paths": ["/reports/?from=2025-04-01&to=2025-06-30"],
}


def report_compute_seconds(url: str, workdir: str, repeat: int) -> float:
    """The report's computation alone, in this process (what the page should cost)."""
    from workflow.reports import period

    app = make_app(url, workdir)
    with app.app_context():
        period.compute(date(2025, 4, 1), date(2025, 6, 30), None)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            period.compute(date(2025, 4, 1), date(2025, 6, 30), None)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(url: str, pg_url: str, workdir: str, args: argparse.Namespace) -> list[dict]:
    os.environ["WF_BENCH_WORKERS"] = str(args.workers)
    proc, base = serve(url, workdir, args.workers)
    results = []
    try:
        session = login(base)
        cookies = session.cookies
        for page in pages(pg_url, args.offset_deep):
            if args.only and not any(o.lower() in page["name"].lower() for o in args.only):
                continue
            html = b""
            # warm every worker (templates compiled, caches filled) before anything is timed
            for _ in range(2 * args.workers):
                for path in page["paths"]:
                    r = session.get(base + path, timeout=300)
                    html = html or r.content
                    if r.status_code != 200:
                        print(
                            f"  ! {page['name']}: {path} answered {r.status_code}", file=sys.stderr
                        )
            single = closed_loop(base, cookies, page["paths"], 2 * args.workers)
            if single["p50"] * args.rate > 1000 * args.workers:
                # slower than the workers can serve at this rate: the queue would only grow
                # (and take many minutes to drain); its single-request times are printed
                stats = {**single, "timeouts": 0, "note": "one at a time: too slow for --rate"}
            else:
                stats = open_loop(base, cookies, page["paths"], args.rate, args.seconds)
                drain(base)
            sql_ms = bare_sql(pg_url, page["sql"], page["params"])
            results.append(
                {
                    "page": page["name"],
                    **stats,
                    "sql_ms": sql_ms,
                    "ratio": stats["p50"] / sql_ms if sql_ms else float("nan"),
                    "html_kb": len(html) / 1024,
                    "target_ms": TARGET_P95_MS,
                    "ok": stats["p95"] <= TARGET_P95_MS
                    and not stats["errors"]
                    and not stats["timeouts"],
                }
            )
            print_row(results[-1])
        if not args.only or any(o.lower() in REPORT_PAGE["name"].lower() for o in args.only):
            session.get(base + REPORT_PAGE["paths"][0], timeout=120)
            stats = closed_loop(base, cookies, REPORT_PAGE["paths"], args.report_repeat)
            compute_s = report_compute_seconds(url, workdir, args.report_repeat)
            results.append(
                {
                    "page": REPORT_PAGE["name"],
                    **stats,
                    "sql_ms": compute_s * 1000,
                    "ratio": stats["p50"] / (compute_s * 1000),
                    "html_kb": 0.0,
                    "target_ms": REPORT_TARGET_S * 1000,
                    "ok": stats["p95"] <= REPORT_TARGET_S * 1000 and not stats["errors"],
                }
            )
            print_row(results[-1])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return results


HEADER = (
    f"{'page':44} {'p50':>8} {'p95':>8} {'p99':>8} {'err':>4} {'t/o':>4} "
    f"{'SQL':>8} {'page/SQL':>8} {'HTML':>8}  target"
)


def print_row(r: dict) -> None:
    if not getattr(print_row, "header", False):
        print(HEADER)
        print_row.header = True  # type: ignore[attr-defined]
    verdict = "ok" if r["ok"] else "MISS"
    print(
        f"{r['page']:44} {r['p50']:7.1f}ms {r['p95']:7.1f}ms {r['p99']:7.1f}ms {r['errors']:4d} "
        f"{r['timeouts']:4d} {r['sql_ms']:7.1f}ms {r['ratio']:7.1f}× {r['html_kb']:6.0f}KB"
        f"  p95 ≤ {r['target_ms']:.0f} ms {verdict}" + (f" ({r['note']})" if r.get("note") else ""),
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=150_000)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--audit", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="5,000 members, 30,000 cases")
    ap.add_argument("--rate", type=float, default=20.0, help="requests per second per page")
    ap.add_argument("--seconds", type=float, default=15.0, help="seconds per page")
    ap.add_argument("--report-repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--keep", metavar="NAME", help="build into NAME and leave it")
    ap.add_argument("--reuse", metavar="NAME", help="measure an existing NAME (from --keep)")
    ap.add_argument("--only", nargs="*", help="pages whose name contains one of these words")
    ap.add_argument("--offset-deep", action="store_true", help="deep pages by ?page= (old UI)")
    ap.add_argument("--build-only", action="store_true", help="with --keep: build, no measuring")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    if args.quick:
        args.members, args.cases, args.audit = 5_000, 30_000, 300_000

    name = args.reuse or args.keep or f"wf_bench_web_{uuid.uuid4().hex[:8]}"
    base, _, _ = args.pg_url.rpartition("/")
    pg_url = f"{base}/{name}"
    url = pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    created = False
    workdir = tempfile.mkdtemp(prefix="wf-bench-web-")
    try:
        if not args.reuse:
            with psycopg.connect(args.pg_url, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            created = True
            print(
                f"building {args.members:,} members, {args.cases:,} cases, "
                f"{args.audit:,} audit rows into {name} …",
                flush=True,
            )
            info = build(url, workdir, args)
            print(json.dumps(info, ensure_ascii=False))
        if args.build_only:
            return
        results = measure(url, pg_url, workdir, args)
        missed = [r["page"] for r in results if not r["ok"]]
        print(
            f"\n{len(results) - len(missed)}/{len(results)} pages within target"
            + (f"; missed: {', '.join(missed)}" if missed else "")
            + "  (page/SQL: the page's p50 over its main query run bare; lower is better)"
        )
        if args.json:
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        if created and not args.keep:
            with psycopg.connect(args.pg_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

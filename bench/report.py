"""Benchmark: the quarterly period report over a large audit trail versus one plain SQL aggregate.

    .venv/bin/python bench/report.py [--members 100000] [--rows 1000000] [--repeat 5]
                                     [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                     [--no-pg] [--no-sqlite] [--sqlite-analyze] [--seed 2025]

Ours: ``workflow.reports.period.compute(2025-04-01, 2025-06-30)`` for the whole committee, inside
an application context, the whole call timed: from the stored facts (``workflow.reports.facts``,
derived from the loaded trail by the application's rebuild, timed with the build), and, for
comparison, following the trail (``REPORT_FACTS_READ`` off; the two must give the same
figures). Baseline, through the same engine and in the same
run: ``SELECT action, count(*) FROM audit_log WHERE event_date BETWEEN :a AND :b GROUP BY
action`` (the period's rows), and a second one that reads the whole table, ``SELECT
member_status, count(*) FROM audit_log GROUP BY member_status``. One warm-up of each, then
``--repeat`` rounds, interleaved (report, period aggregate, full-scan aggregate, report
following the trail); the median,
min and max of each and the ratio of medians, time ours/baseline (lower is better). The target
is absolute: the report under 2 s (a miss is reported, not failed).

The dataset is bulk-inserted (raw executemany on SQLite, COPY on PostgreSQL), so its hash chain
is not valid; the report does not verify it. ~150 organizations (grassroots committees with
cells, and grassroots cells, each with its ``organization.create`` row); per person a
``person.create`` row, and for most of them their history before the system
(``history.admission_decided``, ``history.joined``, ``history.recognized``, 1990–2025); a few
percent admitted through the admission procedure in 2024–2025 (then recognized through the
probation procedure), some withdrawing on the way; transfers out of a cell (in transit, then
arrived in another cell or gone outside the committee); the rest up to ``--rows`` are steps that
change no membership (documents, verification answers, helpers, temporary stays, cards, person
edits, sign-ins), spread over 2024–2025. The report reads only ``audit_log`` and
``organization``, and ``audit_log`` has no foreign key to ``person``, so no ``person`` rows are
written. Each database is built and measured in its own process (spawned), so the peak RSS
printed is that of the measuring process alone. PostgreSQL gets ``VACUUM ANALYZE`` after the
load (what autovacuum does after a bulk insert); SQLite gets ``ANALYZE`` only with
``--sqlite-analyze`` (the application never runs it). The PostgreSQL database
``wf_bench_<random>`` is dropped at the end, also on failure.

The check printed after the timed rounds compares the report with what the dataset was built to
contain: balanced, and the members on the lists at the start and the end (by status) equal to
the people whose membership rows up to that day leave them probationary or official and
active. A mismatch means a wrong dataset or a wrong report; it is printed, not failed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from multiprocessing import get_context
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERIOD = (date(2025, 4, 1), date(2025, 6, 30))
TARGET_SECONDS = 2.0
#: the system went live; rows before it are the imported history
GO_LIVE = datetime(2024, 1, 2, 8, 0)
#: the last event date in the dataset
LAST_DAY = date(2025, 12, 31)
HISTORY_FROM = date(1990, 1, 1)
HISTORY_TO = date(2024, 12, 31)
BATCH = 25_000

COLUMNS = (
    "seq",
    "entered_at",
    "event_date",
    "actor_id",
    "actor_name",
    "actor_role",
    "subject_type",
    "subject_id",
    "procedure",
    "action",
    "from_state",
    "to_state",
    "payload",
    "comment",
    "person_id",
    "org_id",
    "member_status",
    "presence",
    "prev_hash",
    "row_hash",
)

PLACES = (
    "Tân Phú", "Bình An", "Phước Long", "Hòa Thành", "Long Hưng", "Tân Hiệp", "Mỹ Lộc",
    "Thạnh Đông", "An Nhơn", "Vĩnh Thạnh", "Đông Hòa", "Hiệp Phước", "Tam Bình", "Phú Mỹ",
)  # fmt: skip
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu")
GIVEN = ("An", "Bình", "Cường", "Dung", "Hà", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Tâm")
ROLES = ("cell_secretary", "grassroots_staff", "department_staff", "signer")

# (action, state reached or None for a recorded step, days after the previous step)
ADMISSION_START = (
    ("open", "source_list", (0, 0)),
    ("enroll_awareness_class", "in_awareness_class", (10, 40)),
    ("record_certificate", "certified", (20, 60)),
    ("submit_application", "preparing_dossier", (10, 40)),
    ("record_sponsors", None, (1, 7)),
    ("record_document", None, (1, 10)),
    ("record_document", None, (1, 10)),
    ("record_document", None, (1, 10)),
    ("record_document", None, (1, 10)),
    ("start_verification", "under_verification", (3, 15)),
    ("send_verification_request", None, (1, 5)),
    ("record_verification_answer", None, (10, 40)),
    ("record_verification_answer", None, (1, 20)),
    ("conclude_verification", "awaiting_cell_meeting", (3, 15)),
    ("record_cell_resolution", "cell_resolved", (5, 20)),
)
ADMISSION_BY_UPPER = (
    ("record_grassroots_resolution", "grassroots_resolved", (5, 20)),
    ("appraise_by_department", "department_appraised", (5, 15)),
    ("approve_admission", "admission_decided", (3, 15)),
)
ADMISSION_BY_GRASSROOTS = (("decide_by_grassroots", "admission_decided", (10, 25)),)
ADMISSION_END = (
    ("receive_decision", "awaiting_ceremony", (2, 7)),
    ("hold_ceremony", "admitted", (7, 30)),
)
PROBATION = (
    ("open", "in_probation", (0, 0)),
    ("assign_helper", None, (1, 10)),
    ("record_new_member_certificate", None, (60, 180)),
    ("end_probation", "awaiting_cell_review", None),  # the day probation ends
    ("record_cell_resolution", "cell_proposed", (3, 15)),
    ("record_grassroots_resolution", "grassroots_proposed", (5, 15)),
    ("appraise_by_department", "department_appraised", (5, 15)),
    ("approve_recognition", "official", (3, 10)),
)
# steps that change no membership: (subject type, procedure, action, weight)
FILLER = (
    ("case", "admission", "record_document", 30),
    ("case", "probation", "record_document", 10),
    ("case", "admission", "record_verification_answer", 8),
    ("case", "admission", "send_verification_request", 6),
    ("case", "probation", "assign_helper", 5),
    ("case", "admission", "extend_decision_deadline", 3),
    ("case", "temporary_transfer", "open", 3),
    ("case", "temporary_transfer", "issue_letter", 2),
    ("case", "temporary_transfer", "confirm_arrival", 1),
    ("case", "temporary_transfer", "record_return", 2),
    ("person", None, "card.issued", 2),
    ("person", None, "person.update", 15),
    ("user", None, "user.login", 10),
)


def day_of(ordinal: int) -> date:
    return date.fromordinal(ordinal)


class Trail:
    """The rows of the dataset as they are made up, with what each person's history should
    give at a date (the check against the report)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[tuple] = []
        self.next_case = 1
        #: person id -> (joined, recognized, letter, arrived); None where it never happened
        self.facts: dict[int, tuple[date | None, ...]] = {}
        self.actors = [
            (
                n + 1,
                f"{self.rng.choice(SURNAMES)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}",
                ROLES[n % len(ROLES)],
            )
            for n in range(40)
        ]

    def add(
        self,
        entered: datetime,
        event_date: date | None,
        subject_type: str,
        subject_id: int | None,
        action: str,
        *,
        procedure: str | None = None,
        from_state: str | None = None,
        to_state: str | None = None,
        payload: str = "{}",
        person_id: int | None = None,
        org_id: int | None = None,
        member_status: str | None = None,
        presence: str | None = None,
    ) -> None:
        actor_id, name, role = self.actors[int(self.rng.random() * 40)]
        self.rows.append(
            (
                entered,
                event_date,
                actor_id,
                name,
                role,
                subject_type,
                subject_id,
                procedure,
                action,
                from_state,
                to_state,
                payload,
                person_id,
                org_id,
                member_status,
                presence,
            )
        )

    def entered_on(self, day: date, floor: datetime | None = None) -> datetime:
        """When a step dated ``day`` is entered: mostly that day or the next few, 5 % weeks
        later; never before ``floor`` (the case's previous step)."""
        rng = self.rng
        late = rng.randint(10, 40) if rng.random() < 0.05 else rng.randint(0, 3)
        at = datetime.combine(day, datetime.min.time()) + timedelta(
            days=late, seconds=rng.randint(7 * 3600, 17 * 3600), microseconds=rng.randint(0, 10**6)
        )
        if floor is not None and at <= floor:
            at = floor + timedelta(minutes=rng.randint(1, 90))
        return at

    def case(
        self,
        procedure: str,
        person: int,
        cell: int,
        first_day: date,
        steps: tuple,
        floor: datetime,
        *,
        stop_after: int | None = None,
        probation_end: date | None = None,
    ) -> tuple[dict[str, date], datetime]:
        """Fire ``steps`` one after the other from ``first_day``; stop after LAST_DAY (still
        in progress) or after ``stop_after`` steps (then withdrawn). Returns action -> date,
        and when the last step was entered."""
        rng = self.rng
        case_id = self.next_case
        self.next_case += 1
        day = first_day
        state = None
        done: dict[str, date] = {}
        for index, (action, reached, gap) in enumerate(steps):
            if gap is None:
                day = max(probation_end or day, day + timedelta(days=1))
            else:
                day += timedelta(days=rng.randint(*gap))
            if day > LAST_DAY:
                return done, floor
            if stop_after is not None and index == stop_after:
                action, reached = "withdraw", "withdrawn"
            floor = self.entered_on(day, floor)
            status = None
            if action == "hold_ceremony":
                status = "probationary"
            elif action == "approve_recognition":
                status = "official"
            self.add(
                floor,
                day,
                "case",
                case_id,
                action,
                procedure=procedure,
                from_state=state,
                to_state=reached or state,
                payload=f'{{"event_date":"{day.isoformat()}","note":"{action}"}}',
                person_id=person,
                member_status=status,
            )
            done[action] = day
            state = reached or state
            if action == "withdraw":
                return done, floor
        return done, floor


def make_dataset(
    members: int, rows: int, seed: int
) -> tuple[list[dict], list[tuple], dict[int, tuple], Counter]:
    """Organizations, audit rows in the order entered (seq, hashes filled), each person's
    facts, and the number of rows of each kind."""
    trail = Trail(seed)
    rng = trail.rng
    kinds: Counter = Counter()
    created = datetime(2023, 12, 20, 9, 0)

    # --- organizations: 12 grassroots committees of 11 cells each, and 6 grassroots cells
    orgs: list[dict] = []
    units: list[int] = []
    authorized: set[int] = set()
    parent_of: dict[int, int | None] = {}
    next_id = 1
    for c in range(12):
        committee = next_id
        next_id += 1
        place = PLACES[c % len(PLACES)]
        orgs.append(
            {
                "id": committee,
                "code": f"DU{c + 1:02d}",
                "name": f"Đảng bộ xã {place} {c + 1}",
                "kind": "grassroots_committee",
                "parent_id": None,
                "path": f"/{committee}/",
                "authorized_to_admit": c < 3,
                "abbreviation": f"ĐU{c + 1:02d}" if c < 3 else None,
            }
        )
        parent_of[committee] = None
        for k in range(11):
            orgs.append(
                {
                    "id": next_id,
                    "code": f"CB{c + 1:02d}{k + 1:02d}",
                    "name": f"Chi bộ ấp {k + 1}, xã {place} {c + 1}",
                    "kind": "cell",
                    "parent_id": committee,
                    "path": f"/{committee}/{next_id}/",
                    "authorized_to_admit": False,
                    "abbreviation": None,
                }
            )
            parent_of[next_id] = committee
            units.append(next_id)
            if c < 3:
                authorized.add(next_id)
            next_id += 1
    for g in range(6):
        orgs.append(
            {
                "id": next_id,
                "code": f"CBCS{g + 1:02d}",
                "name": f"Chi bộ cơ sở Trường THPT {PLACES[g]}",
                "kind": "grassroots_cell",
                "parent_id": None,
                "path": f"/{next_id}/",
                "authorized_to_admit": False,
                "abbreviation": None,
            }
        )
        parent_of[next_id] = None
        units.append(next_id)
        next_id += 1
    for n, org in enumerate(orgs):
        org.update(active=True, version=1, created_at=created + timedelta(minutes=n))
        payload = json.dumps(
            {k: org[k] for k in ("code", "kind", "name", "parent_id")},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        trail.add(
            created + timedelta(minutes=n, seconds=1),
            None,
            "organization",
            org["id"],
            "organization.create",
            payload=payload,
        )
        kinds["organization.create"] += 1

    # --- people: each cell imported its members on one day in the first five months
    imported = {u: GO_LIVE + timedelta(days=rng.randint(0, 150)) for u in units}
    weights = [rng.uniform(0.3, 2.0) for _ in units]
    cells = rng.choices(units, weights, k=members)
    first_history, span_history = HISTORY_FROM.toordinal(), (HISTORY_TO - HISTORY_FROM).days
    open_from = (GO_LIVE.date() + timedelta(days=10)).toordinal()
    open_span = (date(2025, 6, 30) - GO_LIVE.date()).days - 10
    letter_from = date(2024, 2, 1).toordinal()
    letter_span = (LAST_DAY - date(2024, 2, 1)).days
    for person in range(1, members + 1):
        cell = cells[person - 1]
        draw = rng.random()
        joined = recognized = letter = arrived = None
        birth = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
        person_payload = json.dumps(
            {
                "birth_date": birth.isoformat(),
                "cell": cell,
                "citizen_id": f"{rng.randint(1, 96):03d}{rng.randint(0, 10**9 - 1):09d}",
                "education": "12/12",
                "ethnicity": "Kinh",
                "full_name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "home_town": f"Xã {rng.choice(PLACES)}",
                "occupation": "Công chức",
                "religion": "Không",
                "sex": rng.choice(("male", "female")),
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

        def created(at: datetime, person=person, cell=cell, payload=person_payload) -> None:
            trail.add(
                at,
                None,
                "person",
                person,
                "person.create",
                payload=payload,
                person_id=person,
                org_id=cell,
                member_status="non_member",
                presence="active",
            )
            kinds["person.create"] += 1

        if draw < 0.955:
            # a member before the system: person.create, then their history, entered on import
            at = imported[cell] + timedelta(seconds=rng.randint(0, 8 * 3600))
            created(at)
            joined = day_of(first_history + rng.randint(0, span_history))
            decided = joined - timedelta(days=rng.randint(7, 60))
            official = joined + timedelta(days=365 + rng.randint(0, 75))
            recognized = official if official <= LAST_DAY else None
            history = [
                ("history.admission_decided", decided, None, "{}"),
                (
                    "history.joined",
                    joined,
                    "probationary",
                    f'{{"card_number":"{rng.randint(10**7, 10**8 - 1)}"}}',
                ),
            ]
            if recognized:
                history.append(("history.recognized", recognized, "official", "{}"))
            floor = at
            for action, on, status, payload in history:
                if on < at.date():
                    floor += timedelta(seconds=rng.randint(1, 30))
                else:
                    floor = trail.entered_on(on, floor)
                trail.add(
                    floor,
                    on,
                    "person",
                    person,
                    action,
                    payload=payload,
                    person_id=person,
                    member_status=status,
                )
                kinds[action] += 1
            if rng.random() < 0.05:
                letter_day = day_of(letter_from + rng.randint(0, letter_span))
                if letter_day > joined + timedelta(days=30):
                    letter, arrived = transfer(
                        trail, kinds, person, cell, letter_day, units, parent_of[cell] is not None
                    )
        else:
            # on the source list after the system went live: admitted through the engine
            opened = day_of(open_from + rng.randint(0, open_span))
            at = max(GO_LIVE, trail.entered_on(opened - timedelta(days=rng.randint(1, 10))))
            created(at)
            by = ADMISSION_BY_GRASSROOTS if cell in authorized else ADMISSION_BY_UPPER
            steps = ADMISSION_START + by + ADMISSION_END
            stop = rng.randint(2, len(steps) - 2) if draw >= 0.985 else None
            done, at = trail.case("admission", person, cell, opened, steps, at, stop_after=stop)
            kinds["admission case rows"] += len(done)
            joined = done.get("hold_ceremony")
            if joined is not None:
                done, _at = trail.case(
                    "probation",
                    person,
                    cell,
                    joined,
                    PROBATION,
                    at,
                    probation_end=joined + timedelta(days=365),
                )
                kinds["probation case rows"] += len(done)
                recognized = done.get("approve_recognition")
        trail.facts[person] = (joined, recognized, letter, arrived)

    # --- steps that change no membership, up to the number of rows asked for
    choices = [(s, p, a) for s, p, a, _w in FILLER]
    filler_weights = [w for *_x, w in FILLER]
    first_day = (GO_LIVE.date() + timedelta(days=1)).toordinal()
    span = (LAST_DAY - GO_LIVE.date()).days - 1
    missing = max(0, rows - len(trail.rows))
    picks = rng.choices(choices, filler_weights, k=missing)
    for subject_type, procedure, action in picks:
        day = day_of(first_day + rng.randint(0, span))
        person = rng.randint(1, members)
        payload = f'{{"event_date":"{day.isoformat()}","note":"{action}"}}'
        if subject_type == "user":
            trail.add(trail.entered_on(day), None, "user", rng.randint(1, 40), action)
        elif subject_type == "person":
            event_date = day if action == "card.issued" else None
            trail.add(
                trail.entered_on(day),
                event_date,
                "person",
                person,
                action,
                payload=payload,
                person_id=person,
            )
        else:
            if action == "confirm_arrival":
                payload = f'{{"cell":{rng.choice(units)},"event_date":"{day.isoformat()}"}}'
            trail.add(
                trail.entered_on(day),
                day,
                "case",
                rng.randint(1, max(trail.next_case, 2)),
                action,
                procedure=procedure,
                payload=payload,
                person_id=person,
            )
        kinds["no membership change"] += 1

    # --- in the order entered: seq, and a chain of (random, not verifiable) hashes
    trail.rows.sort(key=itemgetter(0))
    out: list[tuple] = []
    prev = "0" * 64
    getrandbits = rng.getrandbits
    for seq, row in enumerate(trail.rows, start=1):
        row_hash = f"{getrandbits(256):064x}"
        entered, event_date = row[0], row[1]
        out.append(
            (
                seq,
                entered.isoformat(" ", "microseconds"),
                event_date.isoformat() if event_date else None,
                *row[2:12],
                "",
                *row[12:],
                prev,
                row_hash,
            )
        )
        prev = row_hash
    trail.rows.clear()
    return orgs, out, trail.facts, kinds


def transfer(
    trail: Trail,
    kinds: Counter,
    person: int,
    cell: int,
    letter_day: date,
    units: list[int],
    under_committee: bool,
) -> tuple[date | None, date | None]:
    """A transfer out of ``cell``: proposed, letter issued (in transit), then mostly arrived in
    another cell, sometimes gone outside the committee, a few still in transit."""
    rng = trail.rng
    case_id = trail.next_case
    trail.next_case += 1
    opened = letter_day - timedelta(days=rng.randint(5, 20))
    floor = trail.entered_on(opened)
    steps: list[tuple[str, date, str, dict[str, Any]]] = [
        ("open", opened, "proposed", {}),
    ]
    if under_committee:
        steps.append(
            (
                "record_grassroots_part",
                letter_day - timedelta(days=rng.randint(1, 4)),
                "grassroots_confirmed",
                {},
            )
        )
    steps.append(("issue_letter", letter_day, "letter_issued", {"presence": "in_transit"}))
    outcome = rng.random()
    arrived = None
    end = letter_day + timedelta(days=rng.randint(3, 45))
    if outcome < 0.88 and end <= LAST_DAY:
        target = cell
        while target == cell:
            target = rng.choice(units)
        steps.append(("confirm_arrival", end, "joined", {"org_id": target, "presence": "active"}))
        arrived = end
    elif outcome < 0.96 and end <= LAST_DAY:
        steps.append(("record_receipt", end, "completed", {"presence": "left"}))
    state = None
    for action, day, reached, changes in steps:
        floor = trail.entered_on(day, floor)
        trail.add(
            floor,
            day,
            "case",
            case_id,
            action,
            procedure="transfer",
            from_state=state,
            to_state=reached,
            payload=f'{{"event_date":"{day.isoformat()}","note":"{action}"}}',
            person_id=person,
            **changes,
        )
        state = reached
        kinds["transfer case rows"] += 1
    return letter_day, arrived


def expected_on_lists(facts: dict[int, tuple], day: date) -> Counter:
    """Members on the lists at the end of ``day``, by status, from how the dataset was made."""
    out: Counter = Counter()
    for joined, recognized, letter, arrived in facts.values():
        if joined is None or joined > day:
            continue
        if letter is not None and letter <= day and (arrived is None or arrived > day):
            continue
        out["official" if recognized is not None and recognized <= day else "probationary"] += 1
    return out


# --- the processes ------------------------------------------------------------------------


def make_app(url: str, workdir: str):
    from workflow import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "FIXED_TODAY": "2026-01-15",
            "SQLALCHEMY_DATABASE_URI": url,
        },
        instance_path=workdir,
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(url: str, workdir: str, members: int, rows: int, seed: int, analyze: bool) -> dict:
    """Create the schema and load the dataset (in its own process)."""
    from sqlalchemy import insert, text

    from workflow.extensions import db
    from workflow.models import Organization
    from workflow.reports import facts
    from workflow.store.uow import unit_of_work

    started = time.perf_counter()
    orgs, audit_rows, people, kinds = make_dataset(members, rows, seed)
    generated = time.perf_counter() - started
    app = make_app(url, workdir)
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        engine = db.engine
        sql = f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 20)})"
        with engine.begin() as conn:
            conn.execute(insert(Organization.__table__), orgs)
        if engine.dialect.name == "sqlite":
            for i in range(0, len(audit_rows), BATCH):
                with engine.begin() as conn:
                    conn.exec_driver_sql(sql, audit_rows[i : i + BATCH])
        else:
            with engine.begin() as conn:
                raw = conn.connection.driver_connection
                with (
                    raw.cursor() as cursor,
                    cursor.copy(f"COPY audit_log ({', '.join(COLUMNS)}) FROM STDIN") as copy,
                ):
                    for row in audit_rows:
                        copy.write_row(row)
        last = audit_rows[-1]
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE audit_head SET seq = :seq, row_hash = :h WHERE id = 1"),
                {"seq": last[0], "h": last[-1]},
            )
            if engine.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence('organization', 'id'), :n)"),
                    {"n": len(orgs)},
                )
        inserted = time.perf_counter() - started
        # the report's facts, derived from the trail as the application's rebuild does
        started = time.perf_counter()
        with unit_of_work():
            fact_rows = facts.rebuild()
        derived = time.perf_counter() - started
        db.session.remove()
        started = time.perf_counter()
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                if analyze:
                    conn.exec_driver_sql("ANALYZE")
            else:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM ANALYZE")
        finished = time.perf_counter() - started
        engine.dispose()
    start, end = PERIOD
    return {
        "organizations": len(orgs),
        "people": members,
        "audit_rows": len(audit_rows),
        "kinds": dict(kinds),
        "generate_s": generated,
        "insert_s": inserted,
        "vacuum_analyze_s": finished,
        "facts": fact_rows,
        "facts_s": derived,
        "expected_start": dict(expected_on_lists(people, start - timedelta(days=1))),
        "expected_end": dict(expected_on_lists(people, end)),
        "peak_rss_mb": peak_rss_mb(),
    }


PERIOD_SQL = (
    "SELECT action, count(*) FROM audit_log WHERE event_date BETWEEN :a AND :b GROUP BY action"
)
SCAN_SQL = "SELECT member_status, count(*) FROM audit_log GROUP BY member_status"


def measure(url: str, workdir: str, repeat: int, label: str) -> dict:
    """Warm up, then time the report and the two baselines, interleaved (own process)."""
    from sqlalchemy import Date, bindparam, text

    from workflow.extensions import db
    from workflow.reports.period import compute

    start, end = PERIOD
    period_sql = text(PERIOD_SQL).bindparams(
        bindparam("a", start, type_=Date), bindparam("b", end, type_=Date)
    )
    scan_sql = text(SCAN_SQL)
    app = make_app(url, workdir)
    times: dict[str, list[float]] = {"report": [], "trail": [], "period": [], "scan": []}

    def run_report(from_facts: bool = True):
        app.config["REPORT_FACTS_READ"] = from_facts
        began = time.perf_counter()
        report = compute(start, end)
        took = time.perf_counter() - began
        db.session.remove()
        return report, took

    def run_sql(statement) -> float:
        began = time.perf_counter()
        db.session.execute(statement).all()
        took = time.perf_counter() - began
        db.session.remove()
        return took

    with app.app_context():
        rss_before = peak_rss_mb()
        report, warm = run_report()
        walked, warm_trail = run_report(from_facts=False)
        same = report.figures() == walked.figures()
        warm_sql = run_sql(period_sql), run_sql(scan_sql)
        print(
            f"[{label}] warm-up: report {warm:.2f} s (following the trail {warm_trail:.2f} s, "
            f"the same figures: {'yes' if same else 'NO'}), period aggregate "
            f"{warm_sql[0]:.3f} s, full-scan aggregate {warm_sql[1]:.3f} s",
            flush=True,
        )
        for n in range(repeat):
            _report, took = run_report()
            times["report"].append(took)
            times["period"].append(run_sql(period_sql))
            times["scan"].append(run_sql(scan_sql))
            times["trail"].append(run_report(from_facts=False)[1])
            print(
                f"[{label}] run {n + 1}: report {took:.3f} s, period aggregate "
                f"{times['period'][-1]:.3f} s, full-scan aggregate {times['scan'][-1]:.3f} s, "
                f"report following the trail {times['trail'][-1]:.2f} s",
                flush=True,
            )
        total = report.total
        result = {
            "times": times,
            "same_as_trail": same,
            "balanced": report.balanced,
            "start": {s: total.start[s] for s in ("official", "probationary")},
            "end": {s: total.end[s] for s in ("official", "probationary")},
            "in_transit_end": total.in_transit_end,
            "flows": {k: v for k, v in total.flows.items() if v},
            "rows": len(report.rows),
            "peak_rss_before_mb": rss_before,
        }
        db.engine.dispose()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def in_process(fn, *args):
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def bench(label: str, url: str, workdir: str, args: argparse.Namespace) -> dict:
    print(f"\n[{label}] building the dataset …", flush=True)
    began = time.perf_counter()
    built = in_process(build, url, workdir, args.members, args.rows, args.seed, args.sqlite_analyze)
    build_s = time.perf_counter() - began
    print(
        f"[{label}] dataset: {built['organizations']} organizations, {built['people']:,} people, "
        f"{built['audit_rows']:,} audit rows, built in {build_s:.1f} s (generating "
        f"{built['generate_s']:.1f} s, inserting {built['insert_s']:.1f} s, "
        f"{'VACUUM ANALYZE' if label == 'postgresql' else 'checkpoint/ANALYZE'} "
        f"{built['vacuum_analyze_s']:.1f} s, the report's facts {built['facts_s']:.1f} s); "
        f"builder peak RSS {built['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    print(
        f"[{label}] rows by kind: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(built["kinds"].items())),
        flush=True,
    )
    measured = in_process(measure, url, workdir, args.repeat, label)

    def total(counts: dict) -> int:
        return sum(counts.get(s, 0) for s in ("official", "probationary"))

    checks = {
        "same_as_trail": measured["same_as_trail"],
        "balanced": measured["balanced"],
        "start": measured["start"]
        == {s: built["expected_start"].get(s, 0) for s in measured["start"]},
        "end": measured["end"] == {s: built["expected_end"].get(s, 0) for s in measured["end"]},
    }
    ok = all(checks.values())
    print(
        f"[{label}] check: balanced {'yes' if measured['balanced'] else 'NO'}; "
        f"start total {total(measured['start']):,} (expected {total(built['expected_start']):,}"
        f", {'ok' if checks['start'] else 'MISMATCH'}); end total {total(measured['end']):,} "
        f"= {measured['end']['official']:,} official + {measured['end']['probationary']:,} "
        f"probationary (expected {total(built['expected_end']):,} = "
        f"{built['expected_end'].get('official', 0):,} + "
        f"{built['expected_end'].get('probationary', 0):,}, "
        f"{'ok' if checks['end'] else 'MISMATCH'}); in transit at the end "
        f"{measured['in_transit_end']:,} → {'DATASET OK' if ok else 'CHECK FAILED'}",
        flush=True,
    )
    print(
        f"[{label}] flows in the period: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(measured["flows"].items())),
        flush=True,
    )
    times = measured["times"]
    report = spread(times["report"])
    trail = spread(times["trail"])
    period = spread(times["period"])
    scan = spread(times["scan"])
    print(
        f"[{label}] median of {args.repeat} (min–max); ratio = time ours/baseline, lower is better"
    )
    print(
        f"  report compute(), facts     {report[0]:8.3f} s ({report[1]:.3f}–{report[2]:.3f})"
        f"   (facts derived from the trail once: {built['facts']:,} in {built['facts_s']:.1f} s)"
    )
    print(
        f"  report following the trail {trail[0]:8.3f} s ({trail[1]:.3f}–{trail[2]:.3f})"
        f"   ratio {trail[0] / scan[0]:7.1f} to the full-table scan"
    )
    print(
        f"  baseline, period aggregate  {period[0]:8.3f} s ({period[1]:.3f}–{period[2]:.3f})"
        f"   ratio {report[0] / period[0]:7.1f}"
    )
    print(
        f"  baseline, full-table scan   {scan[0]:8.3f} s ({scan[1]:.3f}–{scan[2]:.3f})"
        f"   ratio {report[0] / scan[0]:7.1f}"
    )
    met = report[0] < TARGET_SECONDS
    print(
        f"  target: report < {TARGET_SECONDS:.0f} s → {'MET' if met else 'MISSED'} "
        f"({report[0]:.2f} s)"
    )
    print(
        f"  peak RSS of the measuring process: {measured['peak_rss_mb']:.0f} MB "
        f"({measured['peak_rss_before_mb']:.0f} MB before the first report)",
        flush=True,
    )
    return {
        "dataset": {k: v for k, v in built.items() if not k.startswith("expected")},
        "build_s": build_s,
        "checks": checks,
        "report_s": dict(zip(("median", "min", "max"), report, strict=True)),
        "trail_s": dict(zip(("median", "min", "max"), trail, strict=True)),
        "period_aggregate_s": dict(zip(("median", "min", "max"), period, strict=True)),
        "scan_aggregate_s": dict(zip(("median", "min", "max"), scan, strict=True)),
        "ratio_period": report[0] / period[0],
        "ratio_scan": report[0] / scan[0],
        "target_met": met,
        "peak_rss_mb": measured["peak_rss_mb"],
        "peak_rss_before_mb": measured["peak_rss_before_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000, help="people (default 100,000)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="audit rows in total")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds after one warm-up")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite")
    args = parser.parse_args()

    start, end = PERIOD
    print(
        f"Period report {start}..{end}, whole committee: {args.members:,} people, "
        f"{args.rows:,} audit rows (bulk-inserted: the hash chain is NOT valid), "
        f"{args.repeat} timed rounds after one warm-up; target < {TARGET_SECONDS:.0f} s",
        flush=True,
    )
    summary: dict[str, Any] = {
        "members": args.members,
        "rows": args.rows,
        "repeat": args.repeat,
        "seed": args.seed,
        "period": [start.isoformat(), end.isoformat()],
        "target_s": TARGET_SECONDS,
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        if not args.no_sqlite:
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            summary["sqlite"] = bench("sqlite", url, str(workdir), args)
        if not args.no_pg:
            summary["postgresql"] = bench_postgresql(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "report.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


def bench_postgresql(args: argparse.Namespace, workdir: Path) -> dict:
    import psycopg

    name = f"wf_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{args.pg_url.rsplit('/', 1)[0]}/{name}"
        return bench("postgresql", url, str(workdir), args)
    finally:
        with psycopg.connect(args.pg_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"[postgresql] dropped database {name}", flush=True)


if __name__ == "__main__":
    main()

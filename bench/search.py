"""Benchmark: searching people on SQLite with the word index (FTS5) and without it.

    .venv/bin/python bench/search.py [--members 150000] [--repeat 30] [--warmup 3] [--seed 2025]
                                     [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                     [--no-sqlite] [--json FILE]

Builds a SQLite file with the project's schema (``db.create_all``: the person table, its word
index ``person_fts`` and the triggers keeping it) and ``--members`` people named as
``bench/web.py`` names them, spread over 150 cells, then times the first page of the people
list for a set of searches as the page reads it (``workflow.paging.seek_page``: the 26 first
rows in the list's order and the total counted up to 10,001), three ways, interleaved
(A B C A B C …) after ``--warmup`` rounds:

* ``old``   — the plain test (``search_key LIKE '% hoa%'``), alphabetical order: the search
              before the index and the ranking (the in-run baseline);
* ``plain`` — the plain test with the ranked order (whole-word matches first);
* ``fts``   — the word index finding the candidates, the plain test on them, ranked: what the
              application runs on SQLite now (a broad search of one or two letters, "th",
              is neither ranked nor looked up: ``SearchTerms.broad``).

Prints each search's median (min–max) per way and the ratios of medians ``fts/old`` and
``fts/plain`` (time: below 1 is faster with the index), their geometric means, and the cost
the index adds to writing people (the same rows inserted with and without its triggers) and
to the file's size. With ``--pg-url`` the same people in a new PostgreSQL database (dropped
after) give ``plain/old``: what the ranked order costs there (trigram indexes, no word index).
Compare ratios within one run; the machines are noisy.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: what clerks type: a family name, a given name with and without marks, starts of words,
#: several words, a full name, the end of a citizen ID, a name and ID digits together
SEARCHES = (
    "nguyen",
    "hoa",
    "Hòa",
    "th",
    "nguyen van",
    "tran thi thu",
    "Nguyễn Thị Lan",
    "le minh h",
    "xuan",
    "123456",
    "4567",
    "Phạm 89",
)


def load_web_bench():
    """``bench/web.py`` (its names and its application factory)."""
    sys.path.insert(0, str(ROOT / "bench"))
    return importlib.import_module("web")


def people_rows(members: int, cells: list[int], seed: int) -> list[dict]:
    from workflow.models.people import name_keys

    web = load_web_bench()
    rng = random.Random(seed)
    rows = []
    for i in range(members):
        name = web.person_name(rng)
        rows.append(
            {
                "full_name": name,
                **name_keys(name),
                "birth_date": date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                "sex": "male" if i % 2 else "female",
                "citizen_id": f"0{rng.randrange(10**11):011d}"[:6] + f"{i:06d}",
                "education": "university",
                "cell_id": cells[i % len(cells)],
            }
        )
    return rows


def build(url: str, workdir: str, members: int, seed: int, with_index: bool = True) -> float:
    """The schema and ``members`` people in the database at ``url``; the seconds their insert
    took. ``with_index=False`` (SQLite): the index and its triggers dropped before it."""
    from sqlalchemy import insert

    from workflow.extensions import db
    from workflow.models import Organization, Person
    from workflow.models.search import drop_statements

    web = load_web_bench()
    app = web.make_app(url, workdir)
    with app.app_context():
        db.create_all()
        if not with_index:
            with db.engine.begin() as conn:
                for statement in drop_statements():
                    conn.exec_driver_sql(statement)
        orgs = [
            {
                "id": i,
                "code": f"CB{i}",
                "name": f"Chi bộ {i}",
                "kind": "cell",
                "path": f"/{i}/",
                "authorized_to_admit": False,
                "active": True,
            }
            for i in range(1, 151)
        ]
        db.session.execute(insert(Organization), orgs)
        db.session.commit()
        rows = people_rows(members, [o["id"] for o in orgs], seed)
        began = time.perf_counter()
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Person), rows[start : start + 10_000])
        db.session.commit()
        took = time.perf_counter() - began
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return took


def first_page(q: str, way: str):
    """The first page of the people list for ``q``, as the page reads it."""
    from sqlalchemy import select

    from workflow.models import Person
    from workflow.paging import seek_page
    from workflow.queries import PEOPLE_LIST_KEYS, people_list_keys, person_search

    stmt = select(Person).where(person_search(q, use_index=None if way == "fts" else False))
    keys = PEOPLE_LIST_KEYS if way == "old" else people_list_keys(q)
    return seek_page(stmt, keys, descending=False, per_page=25)


def measure(url: str, workdir: str, repeat: int, warmup: int, ways: tuple[str, ...]) -> dict:
    from workflow.extensions import db

    web = load_web_bench()
    app = web.make_app(url, workdir)
    results = {}
    with app.app_context():
        for q in SEARCHES:
            pages = {w: first_page(q, w) for w in ways}
            # the ways find the same people (the old one in another order)
            assert len({page.total for page in pages.values()}) == 1, q
            if "fts" in pages:
                assert [p.id for p in pages["fts"].rows] == [p.id for p in pages["plain"].rows], q
            times: dict[str, list[float]] = {w: [] for w in ways}
            for i in range(warmup + repeat):
                for w in ways:
                    db.session.remove()
                    began = time.perf_counter()
                    first_page(q, w)
                    took = (time.perf_counter() - began) * 1000
                    if i >= warmup:
                        times[w].append(took)
            results[q] = {
                "found": pages["old"].total,
                "capped": pages["old"].capped,
                **{w: spread(t) for w, t in times.items()},
            }
        db.engine.dispose()
    return results


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(
    results: dict, repeat: int, ways: tuple[str, ...], ratios: list[tuple[str, str]]
) -> dict:
    """Print the table of one database's searches; the geometric means of ``ratios``."""
    print(
        f"first page of the people list (26 rows + total up to 10,001), ms, median (min–max) "
        f"of {repeat}; ratios are times (below 1: faster)"
    )
    names = [f"{a}/{b}" for a, b in ratios]
    print(
        f"{'search':<16} {'found':>7} "
        + " ".join(f"{w:>20}" for w in ways)
        + " "
        + " ".join(f"{n:>10}" for n in names)
    )
    found_ratios: dict[str, list[float]] = {n: [] for n in names}
    for q, r in results.items():
        found = f"{'>' if r['capped'] else ''}{r['found']:,}"
        cells = " ".join(f"{r[w][0]:7.2f} ({r[w][1]:.1f}–{r[w][2]:.1f})".rjust(20) for w in ways)
        line = []
        for (a, b), n in zip(ratios, names, strict=True):
            found_ratios[n].append(r[a][0] / r[b][0])
            line.append(f"{found_ratios[n][-1]:10.3f}")
        print(f"{q:<16} {found:>7} {cells} {' '.join(line)}")
    means = {n: geomean(v) for n, v in found_ratios.items()}
    print("geometric mean of the ratios: " + ", ".join(f"{n} {m:.3f}" for n, m in means.items()))
    return means


def bench_sqlite(args: argparse.Namespace, work: Path) -> dict:
    print(f"[sqlite] building {args.members:,} people with the index, then without …", flush=True)
    with_s = build(f"sqlite:///{work / 'with.sqlite3'}", str(work), args.members, args.seed)
    with_size = (work / "with.sqlite3").stat().st_size
    without_s = build(
        f"sqlite:///{work / 'without.sqlite3'}", str(work), args.members, args.seed, False
    )
    without_size = (work / "without.sqlite3").stat().st_size
    os.remove(work / "without.sqlite3")
    print(
        f"[sqlite] insert {args.members:,} people: {with_s:.2f} s with the index's triggers, "
        f"{without_s:.2f} s without ({with_s / without_s:.2f}×); file "
        f"{with_size / 2**20:.1f} MB with the index, {without_size / 2**20:.1f} MB without "
        f"({with_size / without_size:.2f}×)"
    )
    ways = ("old", "plain", "fts")
    results = measure(
        f"sqlite:///{work / 'with.sqlite3'}", str(work), args.repeat, args.warmup, ways
    )
    means = report(results, args.repeat, ways, [("fts", "old"), ("fts", "plain")])
    return {
        "insert_s": {"with_index": with_s, "without_index": without_s},
        "file_bytes": {"with_index": with_size, "without_index": without_size},
        "searches": results,
        "geomean": means,
    }


def bench_postgresql(args: argparse.Namespace, work: Path) -> dict:
    """The ranked order's cost on PostgreSQL (trigram indexes, no word index there)."""
    import uuid

    import psycopg
    from sqlalchemy import make_url

    name = f"wf_bench_search_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.pg_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        print(f"[postgresql] building {args.members:,} people …", flush=True)
        took = build(url, str(work), args.members, args.seed)
        print(f"[postgresql] insert {args.members:,} people: {took:.2f} s")
        ways = ("old", "plain")
        results = measure(url, str(work), args.repeat, args.warmup, ways)
        means = report(results, args.repeat, ways, [("plain", "old")])
        return {"insert_s": took, "searches": results, "geomean": means}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--pg-url", help="also time the ranked order on PostgreSQL (a server URL)")
    ap.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL (with --pg-url)")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    out: dict = {"members": args.members}
    with tempfile.TemporaryDirectory(prefix="wf_bench_search_") as work:
        if not args.no_sqlite:
            out["sqlite"] = bench_sqlite(args, Path(work))
            print()
        if args.pg_url:
            out["postgresql"] = bench_postgresql(args, Path(work))
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

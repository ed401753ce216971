"""Benchmark: searching people on SQLite with the word index (FTS5) and without it.

    .venv/bin/python bench/search.py [--members 150000] [--repeat 30] [--warmup 3] [--seed 2025]
                                     [--json FILE]

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
              application runs on SQLite now.

Prints each search's median (min–max) per way and the ratios of medians ``fts/old`` and
``fts/plain`` (time: below 1 is faster with the index), their geometric means, and the cost
the index adds to writing people (the same rows inserted with and without its triggers) and
to the file's size. Compare ratios within one run; the machines are noisy.
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
    """``bench/web.py`` as a module (its names and its application factory)."""
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "bench" / "web.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["bench_web"] = module
    spec.loader.exec_module(module)
    return module


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


def build(path: Path, members: int, seed: int, with_index: bool) -> tuple[float, int]:
    """A database at ``path`` with ``members`` people; the seconds their insert took and the
    file's size. ``with_index=False``: the index and its triggers dropped before the insert."""
    from sqlalchemy import insert

    from workflow.extensions import db
    from workflow.models import Organization, Person
    from workflow.models.search import drop_statements

    web = load_web_bench()
    app = web.make_app(f"sqlite:///{path}", str(path.parent))
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
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.session.remove()
        db.engine.dispose()
    return took, path.stat().st_size


def first_page(q: str, way: str):
    """The first page of the people list for ``q``, as the page reads it."""
    from sqlalchemy import select

    from workflow.models import Person
    from workflow.paging import seek_page
    from workflow.queries import PEOPLE_LIST_KEYS, people_list_keys, person_search

    stmt = select(Person).where(person_search(q, use_index=way == "fts"))
    keys = PEOPLE_LIST_KEYS if way == "old" else people_list_keys(q)
    return seek_page(stmt, keys, descending=False, per_page=25)


def measure(path: Path, repeat: int, warmup: int) -> dict:
    from workflow.extensions import db

    web = load_web_bench()
    app = web.make_app(f"sqlite:///{path}", str(path.parent))
    ways = ("old", "plain", "fts")
    results = {}
    with app.app_context():
        for q in SEARCHES:
            pages = {w: first_page(q, w) for w in ways}
            # the three ways find the same people (the old one in another order)
            assert pages["fts"].total == pages["plain"].total == pages["old"].total, q
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
                "found": pages["fts"].total,
                "capped": pages["fts"].capped,
                **{w: spread(t) for w, t in times.items()},
            }
        db.engine.dispose()
    return results


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wf_bench_search_") as work:
        work_path = Path(work)
        print(f"building {args.members:,} people with the index, then without …", flush=True)
        with_s, with_size = build(work_path / "with.sqlite3", args.members, args.seed, True)
        without_s, without_size = build(
            work_path / "without.sqlite3", args.members, args.seed, False
        )
        os.remove(work_path / "without.sqlite3")
        print(
            f"insert {args.members:,} people: {with_s:.2f} s with the index's triggers, "
            f"{without_s:.2f} s without ({with_s / without_s:.2f}×); file "
            f"{with_size / 2**20:.1f} MB with the index, {without_size / 2**20:.1f} MB without "
            f"({with_size / without_size:.2f}×)"
        )
        results = measure(work_path / "with.sqlite3", args.repeat, args.warmup)
    print(
        f"\nfirst page of the people list (26 rows + total up to 10,001), ms, median (min–max) "
        f"of {args.repeat}; ratios are times (below 1: faster with the index)"
    )
    header = f"{'search':<16} {'found':>7} {'old':>20} {'plain':>20} {'fts':>20} "
    print(header + f"{'fts/old':>8} {'fts/plain':>9}")
    ratios_old, ratios_plain = [], []
    for q, r in results.items():
        found = f"{'>' if r['capped'] else ''}{r['found']:,}"
        cells = " ".join(f"{m:7.2f} ({lo:.1f}–{hi:.1f})".rjust(20) for m, lo, hi in
                         (r["old"], r["plain"], r["fts"]))  # fmt: skip
        vs_old, vs_plain = r["fts"][0] / r["old"][0], r["fts"][0] / r["plain"][0]
        ratios_old.append(vs_old)
        ratios_plain.append(vs_plain)
        print(f"{q:<16} {found:>7} {cells} {vs_old:8.3f} {vs_plain:9.3f}")

    def geomean(values: list[float]) -> float:
        return math.exp(sum(math.log(v) for v in values) / len(values))

    print(
        f"geometric mean of the ratios: fts/old {geomean(ratios_old):.3f}, "
        f"fts/plain {geomean(ratios_plain):.3f}"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "members": args.members,
                    "insert_s": {"with_index": with_s, "without_index": without_s},
                    "file_bytes": {"with_index": with_size, "without_index": without_size},
                    "searches": results,
                },
                ensure_ascii=False,
                indent=1,
            )
        )


if __name__ == "__main__":
    main()

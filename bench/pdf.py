"""Benchmark: decision PDFs through our pipeline versus raw WeasyPrint on the same HTML.

    .venv/bin/python bench/pdf.py [--count 200] [--reps 4]

Ours: the decisions are issued through the engine (number, frozen snapshot and HTML, audit row,
one transaction each; all batches issued before any timing, and timed separately), then
rendered and stored exactly as the print job does it (``render_and_store_all``): worker
processes render, the parent signs when configured, writes each file and records its SHA-256
with an audit row, a group per transaction. Raw: ``HTML(string=…).write_pdf(font_config=shared)``
on exactly the same HTML, with only the fetcher needed to load the same fonts.

Both are run with 1 process (in this process) and with 2 (worker processes), on a throw-away
SQLite database, so that the machine's noise falls on both alike:

- each repetition renders a fresh batch in two halves, in ABBA order (raw, ours, ours, raw;
  ours first in the next repetition, and the process counts swap order the same way): a load
  that rises or falls during a repetition weighs on both; a side's time is the sum of its halves;
- with 2 processes both use the same pool, started before any timing by forking this process
  after its warm-up renders, each worker then warmed by renders of each kind; the pipeline is
  lent that pool in place of the one a print job starts, and raw maps over it with the chunk
  size the pipeline chooses for the same number of decisions (checked on every run). A print
  job pays for starting its own pool (spawned, a warm-up render in each worker) once per job:
  that is measured once and printed for context, outside the ratios;
- each side renders (ours also stores) a few real decisions before the first timing.

Printed: the throughput (decisions per second) of each, median, min and max over the
repetitions, and the ratio of the medians ours/raw of throughputs (higher is better; the
target is ≥ 0.90 with 1 and with 2 processes); also each repetition's ratio, the same ratio
from CPU time (this process and the workers: other people's load hardly moves it, so it tells
a slower pipeline from a busier machine), the machine's load average before and after, and
peak memory (the largest resident set of this process and of any worker). Results in
``bench/results/pdf.json``. On a busy machine compare ratios, never absolute throughputs
across runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
#: the day the standing committee signs the decisions
SIGNED_ON = date(2026, 3, 5)
#: process counts compared; 1 renders in this process, more in a pool of worker processes
PROCESSES = (1, 2)
#: target of the ratio ours/raw of median throughputs
TARGET = 0.9
#: untimed renders of real decisions by each side before timing (per worker with a pool)
WARM_UPS = 3
sys.path.insert(0, str(ROOT))

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from workflow.documents.fetcher import AssetFetcher  # noqa: E402
from workflow.documents.render import html_to_pdf  # noqa: E402

_raw_font_config: FontConfiguration | None = None


def raw_render(html: str) -> bytes:
    """Plain WeasyPrint with a shared font configuration: the baseline."""
    global _raw_font_config
    if _raw_font_config is None:
        _raw_font_config = FontConfiguration()
    return HTML(string=html, base_url="app-asset:/", url_fetcher=AssetFetcher()).write_pdf(
        font_config=_raw_font_config
    )


def _worker_ready(warm_html: str) -> int:
    """Render one decision of each kind (the worker's first renders after the fork), hold the
    worker a moment so that every worker gets one of these, and name it."""
    raw_render(warm_html)
    html_to_pdf(warm_html)
    time.sleep(0.2)
    return os.getpid()


def start_pool(processes: int, warm_html: str) -> ProcessPoolExecutor:
    """A pool of ``processes`` workers forked from this (warm) process, every one of them
    started and warmed before it is returned."""
    pool = ProcessPoolExecutor(processes, mp_context=get_context("fork"))
    seen: set[int] = set()
    for _ in range(10):
        seen.update(pool.map(_worker_ready, [warm_html] * (processes * WARM_UPS)))
        if len(seen) >= processes:
            return pool
    raise RuntimeError(f"only {len(seen)} of {processes} workers answered the warm-up")


class LentPool:
    """The started pool, lent to the pipeline in place of the one it would start (``with``
    does not shut it down); records the chunk sizes it is asked for."""

    def __init__(self, pool: ProcessPoolExecutor | None, processes: int) -> None:
        self.pool, self.processes, self.chunks = pool, processes, []

    def __call__(self, max_workers: int, **_ignored) -> LentPool:
        assert max_workers == self.processes, (max_workers, self.processes)
        return self

    def __enter__(self) -> LentPool:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map(self, fn, iterable, chunksize: int = 1):
        self.chunks.append(chunksize)
        if self.pool is None:  # probing: only the chunk size is wanted
            return iter(())
        return self.pool.map(fn, iterable, chunksize=chunksize)


def pipeline_chunk(count: int, processes: int) -> int:
    """The chunk size the pipeline gives its pool for ``count`` decisions (asked of it, not
    copied, so that raw follows the pipeline if that changes)."""
    from workflow.documents import batch

    probe = LentPool(None, processes)
    with mock.patch.object(batch, "ProcessPoolExecutor", probe):
        batch.render_many([""] * count, processes)
    assert len(probe.chunks) == 1, "the pipeline no longer maps over one pool"
    return probe.chunks[0]


def spawned_pool_start(processes: int) -> float:
    """Seconds a print job's own pool takes to be ready: spawned workers, each importing
    WeasyPrint and rendering the pipeline's warm-up page (context only)."""
    from workflow.documents import batch

    start = time.perf_counter()
    with ProcessPoolExecutor(
        processes, mp_context=get_context("spawn"), initializer=batch._warm_up
    ) as pool:
        seen: set[int] = set()
        while len(seen) < processes:
            seen.update(pool.map(_pid_after_pause, range(processes)))
        elapsed = time.perf_counter() - start
    return elapsed


def _pid_after_pause(_: int) -> int:
    time.sleep(0.2)
    return os.getpid()


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pool: ProcessPoolExecutor | None) -> float:
    """CPU time (user + system) used so far by this process and the pool's workers: what the
    work costs whatever share of the machine other people's work leaves it (Linux)."""
    total = time.process_time()
    for pid in getattr(pool, "_processes", None) or ():
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def measured(pool: ProcessPoolExecutor | None, work, *args) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``work(*args)``, run with ``pool``."""
    gc.collect()
    cpu = cpu_seconds(pool)
    start = time.perf_counter()
    work(*args)
    wall = time.perf_counter() - start
    return wall, cpu_seconds(pool) - cpu


def raw_run(htmls: list[str], pool: ProcessPoolExecutor | None, chunk: int) -> None:
    if pool is None:
        for html in htmls:
            raw_render(html)
    else:
        for _ in pool.map(raw_render, htmls, chunksize=chunk):
            pass


def ours_run(
    decisions, processes: int, pool: ProcessPoolExecutor | None, chunk: int | None
) -> None:
    """``render_and_store_all`` on ``decisions``, the pipeline lent ``pool``; with a pool,
    checks it mapped in chunks of ``chunk`` (raw's) unless that is None."""
    from workflow.documents import batch

    lent = LentPool(pool, processes)
    with mock.patch.object(batch, "ProcessPoolExecutor", lent):
        batch.render_and_store_all(decisions, processes)
    if pool is not None and chunk is not None:
        assert lent.chunks == [chunk], f"the pipeline used chunks {lent.chunks}, raw {chunk}"


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="decisions per run")
    parser.add_argument(
        "--reps", type=int, default=4, help="repetitions (at least 3; even keeps ABBA balanced)"
    )
    args = parser.parse_args()
    if args.reps < 3 or args.count < 2:
        parser.error("--reps must be at least 3 and --count at least 2")

    from sqlalchemy import select

    from tests.builders import PASSWORD, build_world, clone_appraised
    from tests.conftest import FAST_HASHER
    from workflow import create_app
    from workflow.documents.batch import render_and_store_all
    from workflow.engine import fire
    from workflow.extensions import db
    from workflow.models import Case, Decision
    from workflow.procedures import PROCEDURES

    workdir = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "FIXED_TODAY": "2026-06-15",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "RENDER_AFTER_ISSUE": False,
        },
        instance_path=str(workdir),
    )
    app.extensions["workflow.hasher"] = FAST_HASHER
    load_before = load()
    print(f"load average before (1, 5, 15 min): {load_before} on {os.cpu_count()} CPUs")
    seconds: dict[str, list[float]] = {
        f"{side}-{p}": [] for side in ("raw", "ours") for p in PROCESSES
    }
    cpu_seconds_of: dict[str, list[float]] = {key: [] for key in seconds}
    issue_seconds: list[float] = []
    with app.app_context():
        db.create_all()
        world = build_world()
        signer = world.actor("signer")

        def issue(count: int) -> list[int]:
            """Sign ``count`` fresh admissions through the engine; the ids of their decisions."""
            cases = clone_appraised(world, count)
            versions = dict(
                db.session.execute(select(Case.id, Case.version).where(Case.id.in_(cases))).all()
            )
            # the signing's payload from the admission's happy-path table (the date and the
            # standing committee's vote: the same for every case)
            payload = PROCEDURES["admission"].happy_payload(
                db.session.get(Case, cases[0]), "approve_admission", SIGNED_ON, world.happy
            )
            start = time.perf_counter()
            for cid in cases:
                fire(
                    cid,
                    "approve_admission",
                    actor=signer,
                    expected_version=versions[cid],
                    payload=payload,
                    password=PASSWORD,
                )
            issue_seconds.append(time.perf_counter() - start)
            return list(db.session.scalars(select(Decision.id).where(Decision.case_id.in_(cases))))

        def loaded(ids: list[int]) -> list[Decision]:
            """The decisions with their HTML read, so that no lazy load falls in a timing."""
            db.session.expire_all()
            decisions = list(
                db.session.scalars(
                    select(Decision).where(Decision.id.in_(ids)).order_by(Decision.id)
                )
            )
            assert len(decisions) == len(ids)
            assert all(d.html for d in decisions)
            return decisions

        # every batch issued before any timing; a fresh batch per run of ours (a stored PDF is kept)
        batches = {(rep, p): issue(args.count) for rep in range(args.reps) for p in PROCESSES}
        warm_ids = issue(max(PROCESSES) * WARM_UPS * 2)
        issue_seconds.pop()  # the warm-up batch is not one of the measured batches

        # warm-up of this process, before any fork: each side renders real decisions (fonts,
        # images, the template's CSS), ours also stores them
        warm_html = loaded(warm_ids)[0].html
        for _ in range(WARM_UPS):
            raw_render(warm_html)
        render_and_store_all(loaded(warm_ids[:WARM_UPS]), 1)

        # each repetition's batch runs in two halves, in ABBA order (see ``main``'s loop)
        sizes = sorted({args.count // 2, args.count - args.count // 2})
        chunks = {(p, n): pipeline_chunk(n, p) for p in PROCESSES if p > 1 for n in sizes}
        pools: dict[int, ProcessPoolExecutor | None] = {1: None}
        for p in PROCESSES:
            if p > 1:
                db.session.close()  # no connection checked out while forking
                pools[p] = start_pool(p, warm_html)
                # the lent pool through the pipeline once, untimed (storing included)
                ours_run(loaded(warm_ids[WARM_UPS:]), p, pools[p], None)
        print(
            "pools started and warmed (forked after the warm-up); decisions per task, for raw "
            "and ours alike: "
            + ", ".join(f"{c} with {p} processes on {n}" for (p, n), c in chunks.items()),
            flush=True,
        )

        try:
            for rep in range(args.reps):
                raw_first = rep % 2 == 0
                for p in PROCESSES if raw_first else reversed(PROCESSES):
                    ids = batches[(rep, p)]
                    halves = [loaded(ids[: args.count // 2]), loaded(ids[args.count // 2 :])]
                    # A B B A within the repetition (B A A B in the next one): a load that
                    # rises or falls steadily during it weighs on both alike
                    order = ["raw", "ours"] if raw_first else ["ours", "raw"]
                    wall = {"raw": 0.0, "ours": 0.0}
                    cpu = {"raw": 0.0, "ours": 0.0}
                    for half, sides in zip(halves, (order, order[::-1]), strict=True):
                        chunk = chunks.get((p, len(half)), 1)
                        htmls = [d.html for d in half]
                        for side in sides:
                            if side == "raw":
                                w, c = measured(pools[p], raw_run, htmls, pools[p], chunk)
                            else:
                                w, c = measured(pools[p], ours_run, half, p, pools[p], chunk)
                            wall[side] += w
                            cpu[side] += c
                    for side in ("raw", "ours"):
                        seconds[f"{side}-{p}"].append(wall[side])
                        cpu_seconds_of[f"{side}-{p}"].append(cpu[side])
                    stored = db.session.scalars(
                        select(Decision.pdf_sha256).where(Decision.id.in_(ids))
                    ).all()
                    assert len(stored) == args.count
                    assert all(stored)
                    print(
                        f"rep {rep + 1}/{args.reps}, {p} process{'es' if p > 1 else ''} "
                        f"({'-'.join(order + order[::-1])}): raw "
                        f"{args.count / wall['raw']:5.1f}/s, ours "
                        f"{args.count / wall['ours']:5.1f}/s, ours/raw "
                        f"{wall['raw'] / wall['ours']:.2f} (CPU time: "
                        f"{cpu['raw'] / cpu['ours']:.2f})",
                        flush=True,
                    )
        finally:
            for pool in pools.values():
                if pool is not None:
                    pool.shutdown()
        pool_start = spawned_pool_start(max(PROCESSES))

    load_after = load()
    own, children = peak_rss_mb()
    summary: dict = {
        "count": args.count,
        "reps": args.reps,
        "ratio": "throughput ours/raw, ratio of the medians; higher is better",
        "target": TARGET,
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "chunks": {f"{p} processes, {n} decisions": c for (p, n), c in chunks.items()},
        "seconds": seconds,
        "cpu_seconds": cpu_seconds_of,
        "issue_seconds": issue_seconds,
        "spawned_pool_start_s": pool_start,
    }
    print(
        f"\n{args.count} admission decisions per run, {args.reps} runs of each in ABBA order "
        "(decisions per second, median [min–max];\n"
        f"ratio = median ours / median raw throughput: higher is better, target ≥ {TARGET:.2f}; "
        "CPU: the same from CPU time,\nwhich other people's load hardly moves)"
    )
    ok = True
    issue = statistics.median(issue_seconds)
    for p in PROCESSES:
        raw = spread([args.count / s for s in seconds[f"raw-{p}"]])
        ours = spread([args.count / s for s in seconds[f"ours-{p}"]])
        paired = [r / o for r, o in zip(seconds[f"raw-{p}"], seconds[f"ours-{p}"], strict=True)]
        ratio = ours["median"] / raw["median"]
        cpu_ratio = statistics.median(cpu_seconds_of[f"raw-{p}"]) / statistics.median(
            cpu_seconds_of[f"ours-{p}"]
        )
        with_issuing = args.count / (statistics.median(seconds[f"ours-{p}"]) + issue)
        with_issuing /= raw["median"]
        ok = ok and ratio >= TARGET
        summary[f"processes_{p}"] = {
            "raw_per_s": raw,
            "ours_per_s": ours,
            "ratio": ratio,
            "ok": ratio >= TARGET,
            "paired_ratios": paired,
            "cpu_ratio": cpu_ratio,
            "ratio_with_issuing": with_issuing,
        }
        print(
            f"  {p} process{'es' if p > 1 else '  '}: raw {raw['median']:5.1f}/s "
            f"[{raw['min']:.1f}–{raw['max']:.1f}], ours {ours['median']:5.1f}/s "
            f"[{ours['min']:.1f}–{ours['max']:.1f}], ratio {ratio:.2f} "
            f"{'OK' if ratio >= TARGET else 'BELOW TARGET'} (each repetition "
            f"{min(paired):.2f}–{max(paired):.2f}; CPU {cpu_ratio:.2f}; counting the issuing "
            f"too: {with_issuing:.2f})"
        )
    print(f"  issuing alone (engine, one transaction each): {args.count / issue:.0f}/s")
    print(
        f"  a print job's own pool of {max(PROCESSES)} (spawned, warm-up render each): ready in "
        f"{pool_start:.1f} s, paid once per job, not in the figures above"
    )
    print(f"  peak memory: this process {own:.0f} MB, largest worker {children:.0f} MB")
    print(f"  load average before: {load_before}, after: {load_after} ({os.cpu_count()} CPUs)")
    summary["peak_rss_mb"] = {"parent": own, "worker": children}
    summary["ok"] = ok
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pdf.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

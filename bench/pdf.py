"""Benchmark: decision PDFs through our pipeline versus raw WeasyPrint on the same HTML.

    .venv/bin/python bench/pdf.py [--count 200] [--reps 2]

Ours: the decisions are issued through the engine (number, frozen snapshot and HTML, audit row,
one transaction each; timed separately), then rendered and stored exactly as the print job
does it: worker processes render, the parent signs when configured, writes each file and
records its SHA-256 with an audit row, a group per transaction. Raw:
``HTML(string=…).write_pdf(font_config=shared)`` on exactly the same HTML, with only the
fetcher needed to load the same fonts. Both are run with 1 and 2 processes, interleaved,
on a throw-away SQLite database. Throughput is decisions per second; the ratio ours/raw is
throughput (higher is better; the target is ≥ 0.9). Peak memory is the largest resident set
of the parent and of any worker.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the day the standing committee signs the decisions
SIGNED_ON = date(2026, 3, 5)
sys.path.insert(0, str(ROOT))

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from workflow.documents.fetcher import AssetFetcher  # noqa: E402

_raw_font_config: FontConfiguration | None = None


def raw_render(html: str) -> bytes:
    """Plain WeasyPrint with a shared font configuration: the baseline."""
    global _raw_font_config
    if _raw_font_config is None:
        _raw_font_config = FontConfiguration()
    return HTML(string=html, base_url="app-asset:/", url_fetcher=AssetFetcher()).write_pdf(
        font_config=_raw_font_config
    )


def _warm() -> None:
    raw_render("<p>.</p>")


def raw_run(htmls: list[str], processes: int) -> float:
    start = time.perf_counter()
    if processes == 1:
        for html in htmls:
            raw_render(html)
    else:
        with ProcessPoolExecutor(
            processes, mp_context=get_context("spawn"), initializer=_warm
        ) as pool:
            list(pool.map(raw_render, htmls, chunksize=max(1, len(htmls) // (4 * processes))))
    return time.perf_counter() - start


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()

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
    results: dict[str, list[float]] = {
        "ours-1": [],
        "raw-1": [],
        "ours-2": [],
        "raw-2": [],
        "issue": [],
    }
    with app.app_context():
        db.create_all()
        world = build_world()
        signer = world.actor("signer")
        _warm()
        for rep in range(args.reps):
            for processes in (1, 2):
                cases = clone_appraised(world, args.count)
                versions = dict(
                    db.session.execute(
                        select(Case.id, Case.version).where(Case.id.in_(cases))
                    ).all()
                )
                # the signing's payload from the admission's happy-path table (the date and
                # the standing committee's vote: the same for every case)
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
                issue_seconds = time.perf_counter() - start
                decisions = list(
                    db.session.scalars(select(Decision).where(Decision.case_id.in_(cases)))
                )
                htmls = [d.html for d in decisions]
                # ABAB: raw, then ours, on the same HTML
                results[f"raw-{processes}"].append(raw_run(htmls, processes))
                start = time.perf_counter()
                render_and_store_all(decisions, processes)
                results[f"ours-{processes}"].append(time.perf_counter() - start)
                results["issue"].append(issue_seconds)
                stored = db.session.scalars(
                    select(Decision.pdf_sha256).where(Decision.case_id.in_(cases))
                ).all()
                assert len(stored) == args.count
                assert all(stored)
                print(
                    f"rep {rep + 1} processes {processes}: raw "
                    f"{results[f'raw-{processes}'][-1]:.1f} s, ours "
                    f"{results[f'ours-{processes}'][-1]:.1f} s (issuing before it: "
                    f"{issue_seconds:.1f} s)",
                    flush=True,
                )
    own, children = peak_rss_mb()
    summary = {"count": args.count, "reps": args.reps}
    print(
        f"\n{args.count} admission decisions, median of {args.reps} runs "
        "(throughput in decisions per second; ratio = ours/raw throughput, target ≥ 0.90)"
    )
    for processes in (1, 2):
        raw = statistics.median(results[f"raw-{processes}"])
        ours = statistics.median(results[f"ours-{processes}"])
        issue = statistics.median(results["issue"])
        ratio = raw / ours
        with_issuing = raw / (ours + issue)
        summary[f"processes_{processes}"] = {
            "raw_s": raw,
            "ours_s": ours,
            "raw_per_s": args.count / raw,
            "ours_per_s": args.count / ours,
            "ratio": ratio,
            "ratio_with_issuing": with_issuing,
        }
        print(
            f"  {processes} process{'es' if processes > 1 else ''}: raw "
            f"{args.count / raw:6.1f}/s, ours {args.count / ours:6.1f}/s, "
            f"ratio {ratio:.2f} {'OK' if ratio >= 0.9 else 'BELOW TARGET'}"
            f" (counting the issuing transactions too: {with_issuing:.2f})"
        )
    print(
        f"  issuing alone (engine, one transaction each): "
        f"{args.count / statistics.median(results['issue']):.0f}/s"
    )
    print(f"  peak memory: parent {own:.0f} MB, largest worker {children:.0f} MB")
    summary["peak_rss_mb"] = {"parent": own, "worker": children}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pdf.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

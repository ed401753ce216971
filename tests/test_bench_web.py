"""``bench/web.py --quick`` builds a committee, serves it and measures every page: run here at
a tiny rate so the benchmark keeps working as the pages change (its figures are not judged
here, only that every page answered)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKEND, PG_URL

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(BACKEND != "postgresql", reason="the benchmark serves a PostgreSQL database")
def test_the_web_benchmark_measures_every_page(tmp_path):
    out = tmp_path / "web.json"
    server = PG_URL.rsplit("/", 1)[0] + "/postgres"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "web.py"),
            "--quick",
            "--rate",
            "4",
            "--seconds",
            "1",
            "--workers",
            "2",
            "--report-repeat",
            "1",
            "--pg-url",
            server,
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    names = [r["page"] for r in results]
    assert len(names) == 12 and names[-1] == "Báo cáo quý (trang)"
    for r in results:
        assert r["errors"] == 0 and r["timeouts"] == 0, r
        assert r["n"] > 0 and r["p50"] > 0 and r["sql_ms"] > 0
    assert "pages within target" in done.stdout

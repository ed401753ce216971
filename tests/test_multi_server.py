"""Production on several servers, for real: two web servers (gunicorn) and a queue worker on
one PostgreSQL database, the stored files in it (``FILE_STORAGE = "database"``), each process
with an instance folder of its own (as on separate machines). A meeting's decisions are signed
and printed through one server, the worker is killed mid-batch and started again, and every
PDF is downloaded through the other server: all present, as recorded, numbers without a gap.

PostgreSQL only (the embedded SQLite installation is one machine); ``.ci/multi-server`` runs it
alone."""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests.builders import PASSWORD, clone_appraised
from tests.conftest import BACKEND, TODAY, fast_world, make_app
from workflow.documents import batch
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Decision, PrintJob
from workflow.store import files as stored_files

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BACKEND != "postgresql", reason="several servers share PostgreSQL"),
]

ROOT = Path(__file__).resolve().parent.parent
COUNT = 20
MEETING = {"meeting_on": "05/03/2026", "members_total": "9", "members_present": "8"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def installation(tmp_path, pg_database):
    """The shared configuration of every process: the database, which also holds the stored
    files and the queue's tables; each process its own instance folder."""
    app = make_app(
        tmp_path,
        pg_database,
        QUEUE_IMMEDIATE=False,
        QUEUE_STORAGE="postgresql",
        FILE_STORAGE="database",
    )
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": pg_database,
        "WORKFLOW_FILE_STORAGE": "database",
        "WORKFLOW_TESTING": "true",
        "WORKFLOW_SECRET_KEY": "several-servers-one-key",
        "WORKFLOW_SESSION_COOKIE_SECURE": "false",
        "WORKFLOW_WTF_CSRF_ENABLED": "false",
        "WORKFLOW_FIXED_TODAY": TODAY.isoformat(),
        "WORKFLOW_PUBLIC_BASE_URL": "http://127.0.0.1",
        "WORKFLOW_QUEUE_IMMEDIATE": "false",
        "WORKFLOW_QUEUE_STORAGE": "postgresql",
        "WORKFLOW_QUEUE_POLL_MAX_SECONDS": "0.2",
        # the print job renders every PDF (none made at signing), one process at a time
        "WORKFLOW_RENDER_AFTER_ISSUE": "false",
        "WORKFLOW_RENDER_PROCESSES": "1",
        "WORKFLOW_PRINT_JOB_STALE_SECONDS": "2",
    }
    processes: list[subprocess.Popen] = []
    log = tmp_path / "processes.log"

    def start(*command: str) -> subprocess.Popen:
        # a folder of its own, as on another machine: nothing is shared through it
        instance = tmp_path / f"instance-{len(processes)}"
        with log.open("ab") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**env, "WORKFLOW_INSTANCE_PATH": str(instance)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.append(process)
        return process

    with app.app_context():
        try:
            yield app, start, log
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
            db.session.remove()
            from tests.conftest import _empty_postgres

            _empty_postgres()
            db.engine.dispose()


def _server(start, port: int) -> str:
    start(
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "120",
        "wsgi:app",
    )
    return f"http://127.0.0.1:{port}"


def _worker(start) -> subprocess.Popen:
    return start(sys.executable, "-m", "flask", "wf", "worker", "--workers", "1")


def _wait(what, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = what()
        except requests.RequestException:
            value = None
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out; log:\n{log.read_text(errors='replace')[-4000:]}")


def _signed_in(base: str, username: str, verify: bool | str = True) -> requests.Session:
    session = requests.Session()
    session.verify = verify
    response = session.post(
        f"{base}/login",
        data={"username": username, "password": PASSWORD},
        allow_redirects=False,
        verify=verify,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _job(job_id: int) -> PrintJob:
    db.session.rollback()
    return db.session.get(PrintJob, job_id)


def test_two_servers_and_a_worker_killed_mid_batch(installation, tmp_path):
    _app, start, log = installation
    world = fast_world()
    cases = clone_appraised(world, COUNT)
    versions = {
        f"version-{cid}": str(version)
        for cid, version in db.session.execute(
            select(Case.id, Case.version).where(Case.id.in_(cases))
        )
    }
    db.session.rollback()
    one, other = _server(start, _free_port()), _server(start, _free_port())
    for base in (one, other):
        _wait(lambda base=base: requests.get(f"{base}/healthz", timeout=5).ok, 60, log)
    health = requests.get(f"{other}/healthz", timeout=5).json()
    assert health["queue"]["storage"] == "postgresql"

    # the signer signs the meeting's decisions through the first server
    with _signed_in(one, "signer") as signer:
        signed = signer.post(
            f"{one}/documents/approve",
            data={"case": cases, **MEETING, "password": PASSWORD, **versions},
            allow_redirects=False,
        )
        assert signed.status_code == 302, signed.text[:2000]
        printing = signer.post(
            f"{one}/documents/meetings/upper/2026-03-05/print", allow_redirects=False
        )
        assert printing.status_code == 302
        job_id = int(re.search(r"/documents/jobs/(\d+)", printing.headers["Location"]).group(1))
        # asked again while nobody works on it: the same job, nothing more queued
        again = signer.post(
            f"{one}/documents/meetings/upper/2026-03-05/print", allow_redirects=False
        )
        assert again.headers["Location"] == printing.headers["Location"]
    assert requests.get(f"{other}/healthz", timeout=5).json()["queue"]["pending"] == 1

    # a worker takes it; killed (with its rendering processes) once some PDFs are stored
    worker = _worker(start)
    _wait(lambda: 0 < _job(job_id).done < COUNT, 180, log)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    assert _job(job_id).status == "running"
    _worker(start)
    _wait(lambda: _job(job_id).status not in ("pending", "running"), 240, log)
    job = _job(job_id)
    assert job.status == "done", log.read_text(errors="replace")[-4000:]
    assert job.attempts == 2

    decisions = list(
        db.session.scalars(
            select(Decision)
            .where(Decision.status == "issued", Decision.case_id.in_(cases))
            .order_by(Decision.number)
        )
    )
    assert [d.number for d in decisions] == list(range(1, COUNT + 1))
    rendered = db.session.scalars(
        select(AuditEntry.subject_id).where(AuditEntry.action == "document.rendered")
    ).all()
    assert sorted(rendered) == sorted(d.id for d in decisions)

    # every PDF, and the meeting's zip, through the other server
    with _signed_in(other, "signer2") as reader:
        for decision in decisions:
            pdf = reader.get(f"{other}/documents/{decision.id}/download.pdf")
            assert pdf.status_code == 200
            assert hashlib.sha256(pdf.content).hexdigest() == decision.pdf_sha256
        page = reader.get(f"{other}/documents/jobs/{job_id}")
        assert f"Đã xong {COUNT} quyết định" in page.text
        archive = reader.get(f"{other}/documents/jobs/{job_id}/decisions.zip")
        assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        assert len(files.namelist()) == COUNT
        digests = {hashlib.sha256(files.read(name)).hexdigest() for name in files.namelist()}
    assert digests == {d.pdf_sha256 for d in decisions}
    assert stored_files.stat(batch.job_file(job, "pdf")).size > 0
    # nothing was written to any process's folder: every file is in the database
    assert not any(p.is_file() for p in tmp_path.glob("instance-*/documents/**/*"))

    # and behind nginx, configured by the deployment's example, the pair serves as one
    front, certificate = _nginx(start, tmp_path, [one, other], log)
    health = requests.get(f"{front}/healthz", verify=certificate, timeout=10)
    assert health.json()["status"] == "ok"
    with _signed_in(front, "signer2", verify=certificate) as reader:
        seen_ids = set()
        for decision in decisions:
            pdf = reader.get(f"{front}/documents/{decision.id}/download.pdf", verify=certificate)
            assert pdf.status_code == 200
            assert hashlib.sha256(pdf.content).hexdigest() == decision.pdf_sha256
            seen_ids.add(pdf.headers["X-Request-ID"])
        assert len(seen_ids) == COUNT  # nginx's own request id, passed on and answered
    # a body above the upload limit is stopped at nginx, before any server reads it
    too_big = requests.post(
        f"{front}/login", data=b"x" * (14 * 1024 * 1024), verify=certificate, timeout=30
    )
    assert too_big.status_code == 413


def _nginx(start, tmp_path: Path, upstreams: list[str], log: Path) -> tuple[str, str]:
    """nginx with ``.ci/deploy/nginx-workflow.conf``, its upstream the servers given, on free
    local ports with a throw-away certificate; its address and the certificate to trust."""
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(prefix / "key.pem"),
            "-out",
            str(prefix / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    http, https = _free_port(), _free_port()
    site = (ROOT / ".ci" / "deploy" / "nginx-workflow.conf").read_text()
    servers = "".join(f"    server {u.removeprefix('http://')};\n" for u in upstreams)
    site = re.sub(r"(upstream workflow_web \{\n)(?:    server [^\n]*\n)+", r"\g<1>" + servers, site)
    site = re.sub(r"\n\s*listen \[::\][^\n]*", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {prefix / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {prefix / 'key.pem'};", site)
    assert f"127.0.0.1:{https} ssl" in site and upstreams[0].removeprefix("http://") in site
    (prefix / "site.conf").write_text(site)
    (prefix / "nginx.conf").write_text(
        f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'logs' / 'error.log'};\n"
        "events {}\n"
        f"http {{ access_log off; include {prefix / 'site.conf'}; }}\n"
    )
    start("nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;")
    base, certificate = f"https://127.0.0.1:{https}", str(prefix / "cert.pem")
    _wait(lambda: requests.get(f"{base}/healthz", verify=certificate, timeout=5).ok, 30, log)
    return base, certificate

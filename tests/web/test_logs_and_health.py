"""Technical logs and the health check: one line per request with its duration, request id and
user id, no query string (a search may hold a name) and no citizen ID; ``/healthz`` says
whether the database answers and the stored files' folders can be written."""

from __future__ import annotations

import logging
import re

from tests.builders import sign_in
from workflow.logsetup import FORMAT, ContextFilter

LINE = re.compile(r"^(GET|POST) (\S+) (\d{3}) (\d+) ms$")


def _lines(caplog) -> list[tuple[str, ...]]:
    """(method, path, status, ms, request id, user id) of each request line."""
    return [
        (*m.groups(), r.request_id, r.user_id)
        for r in caplog.records
        if r.name == "workflow.requests" and (m := LINE.match(r.getMessage()))
    ]


def test_each_request_gets_one_line_with_its_duration_and_ids(app, world, caplog):
    caplog.set_level(logging.INFO, logger="workflow.requests")
    client = app.test_client()
    assert sign_in(client, "sec1", world.password).status_code == 302
    caplog.clear()
    response = client.get("/people/", query_string={"q": "Nguyễn Thị Hằng 025190012345"})
    assert response.status_code == 200
    [line] = _lines(caplog)
    method, path, status, _ms, rid, user = line
    assert (method, path, status) == ("GET", "/people/", "200")
    assert user == str(world.users["sec1"]) and response.headers["X-Request-ID"] == rid
    text = caplog.text
    assert "Hằng" not in text and "025190012345" not in text and "q=" not in text


def test_the_proxys_request_id_is_kept_and_a_bad_one_replaced(app, world, caplog):
    caplog.set_level(logging.INFO, logger="workflow.requests")
    client = app.test_client()
    given = client.get("/login", headers={"X-Request-ID": "nginx-4f2a9c81d0e3"})
    assert given.headers["X-Request-ID"] == "nginx-4f2a9c81d0e3"
    bad = client.get("/login", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{16}", bad.headers["X-Request-ID"])
    assert [line[5] for line in _lines(caplog)] == ["-", "-"]


def test_the_handlers_format_carries_the_request_and_user(app, world):
    record = logging.LogRecord("workflow", logging.WARNING, __file__, 1, "x", (), None)
    with app.test_request_context("/", headers={"X-Request-ID": "abcdefgh12"}):
        ContextFilter().filter(record)
    line = logging.Formatter(FORMAT).format(record)
    assert "WARNING [abcdefgh12] user=- workflow: x" in line


def test_health_answers_without_signing_in(app, world, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "storage.documents": "ok",
            "storage.attachments": "ok",
            "queue": "ok",
        },
        "queue": {"storage": "immediate", "pending": 0},
    }


def test_health_fails_when_a_folder_cannot_be_written(app, world, client, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    app.config["ATTACHMENTS_DIR"] = str(blocked)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "fail"
    assert response.json["checks"]["storage.attachments"] == "fail"
    assert response.json["checks"]["database"] == "ok"

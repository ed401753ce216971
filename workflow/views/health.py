"""``/healthz``: whether this server can serve: its database answers, the stored files'
storage (folders or table) can be written and the job queue's storage answers (with the
number of tasks waiting for a worker). For load balancers and monitoring: no sign-in, no
personal data."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from workflow.extensions import db
from workflow.operations import jobs
from workflow.store import files
from workflow.web import public

bp = Blueprint("health", __name__)
log = logging.getLogger("workflow")


def _database() -> str:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT seq FROM audit_head WHERE id = 1")).one()
        return "ok"
    except Exception as exc:
        log.warning("health: database check failed: %s", type(exc).__name__)
        return "fail"


@bp.route("/healthz")
@public
def healthz():
    checks = {"database": _database()}
    checks.update(files.health())
    queue = jobs.queue_state()
    checks["queue"] = "fail" if queue["error"] else "ok"
    ok = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if ok else "fail", "checks": checks}
    if not queue["error"]:
        body["queue"] = {"storage": queue["storage"], "pending": queue["pending"]}
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    return response

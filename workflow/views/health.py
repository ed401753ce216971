"""``/healthz``: whether this server can serve: its database answers and the stored files'
storage (folders or table) can be written. For load balancers and monitoring: no sign-in, no
personal data."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from workflow.extensions import db
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
    ok = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if ok else "fail", "checks": checks})
    response.status_code = 200 if ok else 503
    return response

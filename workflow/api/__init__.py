"""The JSON API under ``/api/v1``: bearer tokens, scoped reads, and the engine's transitions.

Each resource has its own small blueprint nested in ``bp``; error handling (JSON only) and the
request body limit apply to all of them.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from workflow.api import cases, errors, meta, orgs, people, reports, security, transitions
from workflow.extensions import csrf

RESOURCES = (meta, orgs, people, cases, transitions, reports)

bp = Blueprint("api", __name__, url_prefix=errors.PREFIX)
for _module in RESOURCES:
    bp.register_blueprint(_module.bp)
bp.before_request(security.limit_body)
errors.register(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # bearer requests cannot be forged cross-site; cookie-only requests are refused instead
    csrf.exempt(bp)
    for module in RESOURCES:
        csrf.exempt(module.bp)

"""Technical logs: one format for every application line (time, level, request id, user id), and
one line per request with its duration.

The request id comes from the proxy's ``X-Request-ID`` when it is well formed (so nginx's and
the application's lines can be matched), else it is made here; the response carries it back.
No personal data: a request line names the method, the path without its query string (a
search may hold a name), the status, the duration and the user's id; the redacting filter of
``workflow.logredact`` still rewrites every record of the application's loggers.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request
from flask_login import current_user

log = logging.getLogger("workflow.requests")

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] user=%(user_id)s %(name)s: %(message)s"
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_HANDLER_NAME = "workflow.stderr"


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    rid = request.environ.get("workflow.request_id")
    if rid is None:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _GIVEN_ID.match(given) else secrets.token_hex(8)
        request.environ["workflow.request_id"] = rid
    return rid


def user_id() -> str:
    """The id of the user the request acts for ("-": nobody signed in, or outside a request)."""
    if not has_request_context():
        return "-"
    api_actor = request.environ.get("workflow.cache", {}).get("api_actor")
    if api_actor is not None:
        return str(api_actor.user_id)
    try:
        if current_user.is_authenticated:
            return str(current_user.id)
    except Exception:
        return "-"
    return "-"


class ContextFilter(logging.Filter):
    """Adds the request id and the user id to every record a handler writes (a request line
    carries its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
            record.user_id = user_id()
        return True


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    response.headers["X-Request-ID"] = request_id()
    if request.endpoint == "static":
        return response
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    log.info(
        "%s %s %s %.0f ms",
        request.method,
        request.path[:200],
        response.status_code,
        duration,
        extra={"request_id": request_id(), "user_id": user_id()},
    )
    return response


def init_app(app: Flask) -> None:
    """Request lines always (at INFO, on ``workflow.requests``); outside tests, a handler that
    writes the application's lines to standard error (gunicorn sends it to the journal) at
    ``LOG_LEVEL``."""
    app.before_request(_start)
    app.after_request(_finish)
    if app.testing:
        return
    logger = logging.getLogger("workflow")
    logger.setLevel(app.config["LOG_LEVEL"])
    if any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(ContextFilter())
    logger.addHandler(handler)

"""Every API error is JSON: ``{"error": {"code", "message", "fields"?, "reasons"?,
"incident"?}}`` with a stable snake_case code and a Vietnamese message."""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Response
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from workflow.api.security import authenticated_actor
from workflow.jsonerrors import DEFAULTS, ApiError, error_response, http_error
from workflow.store.errors import (
    GuardFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ReauthFailed,
    ReauthLocked,
    StaleCase,
    TransitionNotAllowed,
)
from workflow.web import API_PREFIX, record_refusal

__all__ = ["DEFAULTS", "ApiError", "error_response", "http_error", "register"]

log = logging.getLogger("workflow.api")

PREFIX = API_PREFIX


def _guard_failed(exc: GuardFailed) -> Response:
    fields = {v.field: v.message for v in exc.verdicts if v.field}
    return error_response(
        422,
        "guard_failed",
        "Chưa đủ điều kiện thực hiện thao tác.",
        fields=fields,
        reasons=[v.message for v in exc.verdicts],
    )


def _not_found(_exc: NotFound) -> Response:
    """Missing, or outside the caller's scope (both look the same): recorded as a refusal."""
    actor = authenticated_actor()
    if actor is not None:
        record_refusal(actor, via="api", reason="not_found")
    return error_response(404)


def _crash(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return http_error(exc)
    incident = secrets.token_hex(4)
    log.error("unhandled API error incident=%s", incident, exc_info=exc)
    return error_response(500, incident=incident)


def _db_busy(exc: OperationalError) -> Response:
    incident = secrets.token_hex(4)
    log.error("database unavailable incident=%s: %s", incident, type(exc).__name__)
    return error_response(503, incident=incident)


def register(bp: Blueprint) -> None:
    bp.register_error_handler(
        ApiError, lambda e: error_response(e.status, e.code, e.message, fields=e.fields)
    )
    bp.register_error_handler(NotFound, _not_found)
    bp.register_error_handler(
        PermissionDenied, lambda e: error_response(403, "permission_denied", e.message)
    )
    bp.register_error_handler(StaleCase, lambda e: error_response(409, "stale_version", e.message))
    bp.register_error_handler(
        TransitionNotAllowed, lambda e: error_response(409, "transition_not_allowed", e.message)
    )
    bp.register_error_handler(
        InvalidInput,
        lambda e: error_response(422, "invalid_input", InvalidInput.message, fields=e.errors),
    )
    bp.register_error_handler(GuardFailed, _guard_failed)
    bp.register_error_handler(
        ReauthFailed,
        lambda e: error_response(
            422,
            "reauth_locked" if isinstance(e, ReauthLocked) else "reauth_failed",
            e.message,
            fields={"password": e.message},
        ),
    )
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(OperationalError, _db_busy)
    bp.register_error_handler(Exception, _crash)

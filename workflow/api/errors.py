"""Every API error is JSON: ``{"error": {"code", "message", "fields"?, "reasons"?,
"incident"?}}`` with a stable snake_case code and a Vietnamese message."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

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
from workflow.web import API_PREFIX

log = logging.getLogger("workflow.api")

PREFIX = API_PREFIX

#: status → (code, message) used when nothing more specific is said
DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ (JSON không đọc được)."),
    401: (
        "unauthorized",
        "Cần mã truy cập API hợp lệ trong tiêu đề Authorization: Bearer <mã>.",
    ),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này."),
    409: ("conflict", "Yêu cầu xung đột với trạng thái hiện tại của hồ sơ."),
    413: ("payload_too_large", "Dữ liệu gửi lên quá lớn."),
    415: (
        "unsupported_media_type",
        "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
    ),
    422: ("invalid_input", "Dữ liệu nhập chưa hợp lệ."),
    500: (
        "internal_error",
        "Đã xảy ra lỗi không mong muốn. Hãy báo mã sự cố này cho quản trị hệ thống.",
    ),
    503: (
        "service_unavailable",
        "Cơ sở dữ liệu đang bận hoặc tạm thời không truy cập được. Vui lòng thử lại sau.",
    ),
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str | None = None,
        message: str | None = None,
        *,
        fields: Mapping[str, str] | None = None,
    ):
        default_code, default_message = DEFAULTS.get(status, DEFAULTS[500])
        super().__init__(message or default_message)
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.fields = dict(fields or {})


def error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    *,
    fields: Mapping[str, str] | None = None,
    reasons: Sequence[str] | None = None,
    incident: str = "",
) -> Response:
    default_code, default_message = DEFAULTS.get(status, (f"http_{status}", "Lỗi."))
    error: dict = {"code": code or default_code, "message": message or default_message}
    if fields:
        error["fields"] = dict(fields)
    if reasons:
        error["reasons"] = list(reasons)
    if incident:
        error["incident"] = incident
    response = jsonify({"error": error})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def http_error(exc: HTTPException) -> Response:
    response = error_response(exc.code or 500)
    if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _guard_failed(exc: GuardFailed) -> Response:
    fields = {v.field: v.message for v in exc.verdicts if v.field}
    return error_response(
        422,
        "guard_failed",
        "Chưa đủ điều kiện thực hiện thao tác.",
        fields=fields,
        reasons=[v.message for v in exc.verdicts],
    )


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
    bp.register_error_handler(NotFound, lambda e: error_response(404))
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

"""The JSON shape of every API error, ``{"error": {"code", "message", "fields"?,
"reasons"?, "incident"?}}``: shared by the API's own handlers and the application's (an
error raised before the API's blueprint could answer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

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

"""Request plumbing: route policies (deny by default), idle timeout, headers, error pages."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from datetime import UTC
from functools import wraps
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user, user_logged_in
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from states.dates import vn_date
from states.identity import mask_citizen_id
from states.spec import ROLE_LABELS, Role
from workflow.auth import needs_second_factor
from workflow.clock import LOCAL_TZ, today
from workflow.documents.service import public_base_url
from workflow.extensions import login_manager
from workflow.jsonerrors import error_response, http_error
from workflow.operations import access_log
from workflow.orgs.history import configured_upper, upper_on
from workflow.permissions import Actor
from workflow.store.errors import NotFound
from workflow.store.uow import in_unit_of_work

log = logging.getLogger("workflow")

PUBLIC = "public"
AUTHENTICATED = "authenticated"
#: where the JSON API lives (``workflow.api``): its errors are JSON, and it has no session
API_PREFIX = "/api/v1"


def requires(*roles: Role) -> Callable:
    """Declare who may open a page: any of ``roles`` (in some scope), or any signed-in user
    when no role is named. Pages without a declaration are refused (deny by default)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_actor().has_role(*roles):
                log.warning("refused: user=%s endpoint=%s", current_user.id, request.endpoint)
                abort(403)
            return view(*args, **kwargs)

        wrapper.policy = frozenset(roles) if roles else AUTHENTICATED  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public(view: Callable) -> Callable:
    view.policy = PUBLIC  # type: ignore[attr-defined]
    return view


def current_actor() -> Actor:
    """The signed-in user's grants, read once per request (cached on the request itself: an
    application context can outlive a request, for instance in tests)."""
    cache = request.environ.setdefault("workflow.cache", {})
    actor = cache.get("actor")
    if actor is None:
        actor = Actor.of(current_user) if current_user.is_authenticated else Actor(None, "", ())
        cache["actor"] = actor = actor.via("web", request.remote_addr or "")
    return actor


def not_found() -> NotFound:
    """Raise this for anything missing or out of the user's scope: both look the same."""
    return NotFound()


def _enforce_policy():
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "policy", None) is None:
        log.error("endpoint without an access policy refused: %s", request.endpoint)
        abort(403)
    return None


def _session_timeouts():
    """A signed-in session ends after IDLE_TIMEOUT_MINUTES without a request, and after
    SESSION_MAX_HOURS from the login however active it is (ASVS 3.3.2)."""
    if is_api_request() or not current_user.is_authenticated:
        return None  # the API never uses the session
    now = int(time.time())
    config = current_app.config
    last = session.get("seen")
    started = session.setdefault("started", now)
    if last is not None and now - int(last) > config["IDLE_TIMEOUT_MINUTES"] * 60:
        message = "Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại."
    elif now - int(started) > config["SESSION_MAX_HOURS"] * 3600:
        message = (
            f"Phiên làm việc đã kéo dài quá {config['SESSION_MAX_HOURS']} giờ kể từ khi "
            "đăng nhập. Vui lòng đăng nhập lại."
        )
    else:
        session["seen"] = now
        return None
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for_login())


def _mark_login(_app, user) -> None:
    """A login starts the session's absolute lifetime (and a password change, which asks for
    the password again, starts it anew)."""
    session["started"] = int(time.time())


#: what a user whose role requires an authenticator app may open before setting it up
SETUP_ENDPOINTS = frozenset({"auth.second_factor", "auth.logout", "auth.password", "static"})


def _second_factor_gate():
    """Holders of roles that require a second factor use nothing else until they set it up."""
    if is_api_request() or not current_user.is_authenticated or current_user.totp_secret:
        return None
    if request.endpoint in SETUP_ENDPOINTS:
        return None
    if not needs_second_factor(current_actor()):
        return None
    flash(
        "Vai trò của bạn bắt buộc xác thực hai lớp: hãy cài đặt ứng dụng xác thực "
        "trước khi tiếp tục.",
        "info",
    )
    return redirect(url_for("auth.second_factor"))


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def url_for_login() -> str:
    return url_for("auth.login", next=request.full_path if request.method == "GET" else None)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        h["Cache-Control"] = "no-store"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Hồ sơ đã thay đổi",
    413: "Dữ liệu gửi lên quá lớn",
    429: "Quá nhiều yêu cầu",
    503: "Hệ thống đang bận",
    500: "Lỗi hệ thống",
}


def _error_page(code: int, message: str = "", incident: str = ""):
    if is_api_request():  # errors raised outside the API's own handlers, in its format
        return error_response(code, incident=incident)
    return render_template(
        "errors/error.html",
        code=code,
        title=ERROR_TITLES.get(code, "Lỗi"),
        message=message,
        incident=incident,
    ), code


def record_refusal(actor: Actor, **extra: str) -> None:
    """A refused page, action or API call, as this request names it, in the audit trail."""
    access_log.record_refusal(
        actor, endpoint=request.endpoint or "", method=request.method, path=request.path, **extra
    )


def _record_refusal(**extra: str) -> None:
    """A signed-in user refused a page or an action."""
    if not current_user.is_authenticated or in_unit_of_work():
        return
    try:
        record_refusal(current_actor(), **extra)
    except Exception:  # the refusal page must still be served
        log.exception("could not record a refusal")


def init_app(app: Flask) -> None:
    app.before_request(_enforce_policy)
    app.before_request(_session_timeouts)
    user_logged_in.connect(_mark_login, app)
    app.before_request(_second_factor_gate)
    app.after_request(_headers)

    @app.errorhandler(NotFound)
    def _not_found(_exc):
        if request.url_rule is not None:
            # a page that exists refused an object: missing, or outside the user's scope
            _record_refusal(reason="not_found")
        return _error_page(404, "Không tìm thấy trang hoặc hồ sơ bạn yêu cầu.")

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        log.warning("csrf refused: endpoint=%s", request.endpoint)
        return _error_page(
            400,
            "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã bảo vệ). "
            "Vui lòng tải lại trang và nhập lại.",
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if is_api_request():  # e.g. an unknown API path or method
            return http_error(exc)
        if exc.code == 403:
            _record_refusal()
        return _error_page(exc.code or 500, "")

    @app.errorhandler(OperationalError)
    def _db_busy(exc):
        incident = secrets.token_hex(4)
        log.error("database unavailable incident=%s: %s", incident, type(exc).__name__)
        return _error_page(
            503,
            "Cơ sở dữ liệu đang bận hoặc tạm thời không truy cập được. "
            "Vui lòng thử lại sau ít phút.",
            incident,
        )

    @app.errorhandler(Exception)
    def _crash(exc):
        if isinstance(exc, HTTPException):
            return _http(exc)
        incident = secrets.token_hex(4)
        log.error("unhandled error incident=%s", incident, exc_info=exc)
        return _error_page(
            500,
            "Đã xảy ra lỗi không mong muốn. Hãy báo mã sự cố này cho quản trị hệ thống.",
            incident,
        )

    app.add_template_filter(vn_date, "vn_date")
    app.add_template_filter(mask_citizen_id, "mask_id")

    @app.template_filter("vn_datetime")
    def _vn_datetime(value):
        if value is None:
            return ""
        return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")

    @app.context_processor
    def _globals():
        return {
            "actor": current_actor() if current_user.is_authenticated else None,
            "ROLE_LABELS": ROLE_LABELS,
            "Role": Role,
            "upper_name": _Upper("name"),
            "upper_abbr": _Upper("abbreviation"),
            "today": today(),
            "public_url_missing": public_base_url() is None,
        }


class _Upper:
    """The upper committee's name or abbreviation today (it may have been renamed or succeeded:
    ``workflow.orgs.history``), read when a page prints it, once per request; the configured
    one when the records cannot be read (an error page)."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __str__(self) -> str:
        cache = request.environ.setdefault("workflow.cache", {}) if request else {}
        upper = cache.get("upper")
        if upper is None:
            try:
                upper = upper_on(today())
            except Exception:
                upper = configured_upper()
            cache["upper"] = upper
        return getattr(upper, self.attribute) or ""

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

"""Who is calling: a bearer token, never a session cookie. Route policies as in the web UI.

The API is exempt from CSRF checks because a browser never attaches a bearer token by itself;
for the same reason a request that only carries the session cookie is refused (401), so a
forged cross-site request cannot act through the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import current_app, request

from states.spec import Role
from workflow.api.errors import ApiError
from workflow.auth import verify_password
from workflow.extensions import db
from workflow.models import User, utcnow
from workflow.operations.tokens import user_for_token
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.uow import unit_of_work
from workflow.web import AUTHENTICATED, record_refusal

log = logging.getLogger("workflow.api")

#: what an API request body may weigh (JSON only: no uploads through the API)
MAX_BODY_BYTES = 256 * 1024


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        return None
    return token.strip()


def authenticate() -> Actor:
    """The token's user as an actor, cached for the request; ApiError(401) otherwise."""
    # cached on the request itself: an application context can outlive a request (tests)
    cache = request.environ.setdefault("workflow.cache", {})
    actor = cache.get("api_actor")
    if actor is not None:
        return actor
    token = _bearer()
    user = user_for_token(token) if token else None
    if user is None:
        log.warning("api token refused: endpoint=%s", request.endpoint)
        raise ApiError(401)
    cache["api_actor"] = actor = Actor.of(user)
    return actor


def requires_api(*roles: Role) -> Callable:
    """Declare who may call an endpoint: any of ``roles`` (in some scope), or any token holder
    when no role is named. Endpoints without a declaration are refused (deny by default)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            actor = authenticate()
            if roles and not actor.has_role(*roles):
                record_refusal(actor, via="api")
                raise ApiError(403)
            return view(*args, **kwargs)

        wrapper.policy = frozenset(roles) if roles else AUTHENTICATED  # type: ignore[attr-defined]
        return wrapper

    return decorate


def check_password(password: Any) -> None:
    """Signing steps ask for the user's password again, over the API as on the web form.
    Failures count towards the account's login lockout, so a stolen token cannot be used to
    guess the password."""
    config = current_app.config
    db.session.rollback()
    with unit_of_work():
        user = db.session.get(User, authenticate().user_id)
        now = utcnow()
        if user.locked_until is not None and user.locked_until > now:
            raise ApiError(
                422,
                "reauth_locked",
                "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần.",
                fields={"password": "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần."},
            )
        if isinstance(password, str) and password and verify_password(user.password_hash, password):
            user.failed_logins = 0
            return
        user.failed_logins += 1
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
        audit.append(
            actor=Actor(user.id, user.full_name, ()),
            subject_type="user",
            subject_id=user.id,
            action="reauth_failed",
            payload={"ip": request.remote_addr or "", "via": "api"},
        )
    raise ApiError(
        422,
        "reauth_failed",
        "Cần nhập lại mật khẩu để ký.",
        fields={"password": "Mật khẩu không đúng: cần nhập lại mật khẩu để ký."},
    )


def limit_body() -> None:
    request.max_content_length = MAX_BODY_BYTES

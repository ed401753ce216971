"""Who is calling: a bearer token, never a session cookie. Route policies as in the web UI.

The API is exempt from CSRF checks because a browser never attaches a bearer token by itself;
for the same reason a request that only carries the session cookie is refused (401), so a
forged cross-site request cannot act through the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from states.spec import Role
from workflow.jsonerrors import ApiError
from workflow.operations.tokens import user_for_token
from workflow.permissions import Actor
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
    cache["api_actor"] = actor = Actor.of(user).via("api", request.remote_addr or "")
    return actor


def authenticated_actor() -> Actor | None:
    """The caller this request authenticated with a token, if it got that far."""
    return request.environ.get("workflow.cache", {}).get("api_actor")


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


def limit_body() -> None:
    request.max_content_length = MAX_BODY_BYTES
